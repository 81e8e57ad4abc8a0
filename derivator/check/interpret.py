"""What a formula means, given the definitions before it.

A document defines names (`u = 1+e^{-x}`, `f(x) = …`, `\\sigma(x) = …`) and then writes derivatives in
several notations (`f'(x)`, `y'`, `\\frac{dy}{du}`, `\\frac{\\partial L}{\\partial z}`). `Context` holds the
definitions; `Reader` (a derivator.parse.latex.Builder) turns a syntax tree into SymPy with them:

- a defined name stays a symbol until `Context.expand` writes it out, so a derivative with respect to an
  intermediate (dy/du) can be taken from the form the text wrote (y = u^4);
- chain-rule notation: `f'(u)` after `u = …` means df/du, and `y'` means the derivative with respect to the
  intermediate its latest form is written in (`y = u^{-1}` ⇒ y' = dy/du). The `plain` reading (always with
  respect to the base variable) is the fallback the judge tries when a line is false under the first;
- in the *author's* world a derivative notation the text has already claimed a value for (`du/dx = e^{-x}`)
  takes that value, so a later line can be checked against what the author actually substituted.

Anything this cannot decide raises InterpretError: the judge reports the line as unchecked, never wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import sympy as sp

from derivator.catalog import reading_function
from derivator.check.indices import known_entry
from derivator.parse.latex import (
    VECTOR_WORDS,
    CALL_LETTERS,
    FUNCTIONS,
    GREEK,
    Apply,
    Builder,
    Call,
    Deriv,
    InterpretError,
    Node,
    Prime,
    Sym,
    guess_variable,
    walk,
)

MAX_FORM_DEPTH = 6
_POINT = "u__point"  # the argument of a built-in's derivative function (no name a text can write)
# a letter's prime and then a bracket: the derivative at a point (f'[g(x)]), not a product
_PRIME_THEN_BRACKET = re.compile(r"([A-Za-z])\s*(?:'|’|′|\^\{?\\prime\}?)+\s*(?:\\(?:left|[bB]igg?l?)\b\s*)?[(\[{]")
# One-letter names that are functions when called, never products
FUNCTION_LETTERS = CALL_LETTERS
# letters that rules of differentiation write for any function (f(g(x)), u/v): free when never defined
FREE_FUNCTION_LETTERS = frozenset("fghuvt")


@dataclass
class Definition:
    name: str
    params: tuple[sp.Symbol, ...]  # (x,) for f(x) = …; () for u = …
    value: sp.Expr  # written out in base symbols (and params)
    forms: list[sp.Expr]  # as the text wrote it, possibly in other defined names
    line: int


@dataclass
class Claimed:
    """A value the text asserted for a derivative notation (right or wrong)."""

    value: sp.Expr  # in the author's world, written out
    line: int
    wrong: bool
    origin: int | None  # the line of the first error this value carries, if any


@dataclass
class Context:
    defs: dict[str, Definition] = field(default_factory=dict)
    claims: dict[tuple, Claimed] = field(default_factory=dict)
    _symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    # catalog functions the text writes applied to one variable only (σ(x)): a bare σ then means σ(x)
    bare_calls: dict[str, str] = field(default_factory=dict)
    # functions of a vector the text applies to one vector only (s(x)_i): a bare s_i then means s(x)_i
    entry_vectors: dict[str, str] = field(default_factory=dict)
    # the text writes D only applied, D(\\tanh x), and never defines it: Euler's derivative operator
    d_operator: bool = False

    def symbol(self, name: str) -> sp.Symbol:
        s = self._symbols.get(name)
        if s is None:
            s = self._symbols[name] = sp.Symbol(name, real=True)
        return s

    def is_name(self, name: str) -> bool:
        d = self.defs.get(name)
        return d is not None and not d.params

    def is_function(self, name: str) -> bool:
        d = self.defs.get(name)
        return d is not None and bool(d.params)

    def base_symbols(self) -> set[sp.Symbol]:
        out: set[sp.Symbol] = set()
        for d in self.defs.values():
            out |= {s for s in d.value.free_symbols if s.name not in self.defs}
        return out

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """Write every defined name out (values are already in base symbols: one pass is enough)."""
        mapping = {self.symbol(n): d.value for n, d in self.defs.items() if not d.params or self.as_quantity(n)}
        if not mapping or not (expr.free_symbols & set(mapping)):
            return expr
        return substitute(expr, mapping)

    def as_quantity(self, name: str) -> bool:
        """`u(x) = 1 + e^{-x}` then `\\frac{du}{dx}`, `\\frac{df}{du}`: a function of the one variable x
        that the text also differentiates by, as the quantity u — its letter stands for its value."""
        d = self.defs.get(name)
        if d is None or len(d.params) != 1 or isinstance(d.params[0], sp.Dummy) or d.params[0].name == name:
            return False
        return d.value.free_symbols <= {d.params[0]} and d.params[0].name not in self.defs

    def define(self, name: str, params: tuple[sp.Symbol, ...], expr: sp.Expr, line: int) -> Definition:
        value = self.expand(expr)
        d = Definition(name, params, value, [expr], line)
        old = self.defs.get(name)
        if old is None and not params:
            # `L = -\sum_j y_j \log p_j`, then `p_j = …`: a name used before the text defines it means
            # what the text then says (y = u^3 "where" u = x^2 + 1)
            s = self.symbol(name)
            for other in self.defs.values():
                if s in other.value.free_symbols:
                    other.value = substitute(other.value, {s: value})
        self.defs[name] = d
        if old is not None:
            # forms of other names written in the old meaning no longer hold
            s = self.symbol(name)
            for other in self.defs.values():
                if other is not d:
                    other.forms = [f for f in other.forms if s not in f.free_symbols] or [other.value]
        self.forget_claims(name)
        return d

    def forget_claims(self, name: str) -> None:
        for key in [k for k in self.claims if name in k[:2]]:
            del self.claims[key]

    def add_form(self, name: str, expr: sp.Expr) -> None:
        d = self.defs[name]
        if expr not in d.forms:
            d.forms.append(expr)

    # -- derivatives of defined names ------------------------------------------------------------
    def in_terms_of(self, expr: sp.Expr, var: str, depth: int = 0) -> sp.Expr:
        """Write defined names other than `var` out, preferring forms that contain `var`."""
        v = self.symbol(var)
        mapping = {}
        for s in expr.free_symbols:
            if s.name == var or not self.is_name(s.name):
                continue
            d = self.defs[s.name]
            chosen = d.value
            if depth < MAX_FORM_DEPTH:
                for form in reversed(d.forms):
                    candidate = self.in_terms_of(form, var, depth + 1)
                    if v in candidate.free_symbols:
                        chosen = candidate
                        break
            mapping[s] = chosen
        return expr.xreplace(mapping) if mapping else expr

    def derivative_of_name(self, name: str, var: str, order: int = 1) -> sp.Expr:
        d = self.defs.get(name)
        if d is None:
            raise InterpretError(f"{name} is not defined before this line")
        v = self.symbol(var)
        if not self.is_name(var):
            if d.params and var != d.params[0].name and v not in d.value.free_symbols:
                return sp.diff(d.value, d.params[0], order).xreplace({d.params[0]: v})
            return sp.diff(self.independent_of(d.value, v), v, order)
        if var == name:
            return sp.S.One if order == 1 else sp.S.Zero
        for form in reversed(d.forms):
            expr = self.in_terms_of(form, var)
            if v in expr.free_symbols:
                return sp.diff(expr, v, order)
        inner = self.defs[var].value
        bases = [s for s in inner.free_symbols]
        if order == 1 and len(bases) == 1:
            # dy/du = (dy/dx) / (du/dx) when u is a function of one base variable
            b = bases[0]
            du = sp.diff(inner, b)
            if du != 0:
                return sp.diff(d.value, b) / du
        raise InterpretError(f"cannot tell d{name}/d{var} from the text")

    def independent_of(self, expr: sp.Expr, v: sp.Symbol) -> sp.Expr:
        """`expr`, to be differentiated in v — or InterpretError when v does not appear in it but a letter the
        text never defines does (L = -\\sum t_i \\log y_i, then dL/dx_j with y undefined): that letter may
        well depend on v, so 0 is not certain. Entries of v's own family (o_1 beside o_2) are independent."""
        if v in expr.free_symbols:
            return expr
        family = v.name.rsplit("_", 1)[0] if "_" in v.name else None
        others = [s for s in expr.free_symbols if s.name not in self.defs and s.name != _POINT
                  and (family is None or s.name.rsplit("_", 1)[0] != family)]
        if others:
            raise InterpretError(f"{others[0].name} is not written in terms of {v.name}, so its derivative is unknown")
        return expr

    def intermediate_of(self, name: str) -> str | None:
        """The one defined name the latest form of `name` is written in, if any."""
        d = self.defs[name]
        inner = [s.name for s in d.forms[-1].free_symbols if self.is_name(s.name) and s.name != name]
        return inner[0] if len(inner) == 1 else None

    def base_variable(self, expr: sp.Expr) -> sp.Symbol | None:
        return guess_variable(self.expand(expr))


class Reader(Builder):
    """A Builder that knows the document's definitions and claimed values."""

    def __init__(self, ctx: Context, *, world: str = "true", mode: str = "chain", free_functions: bool = False,
                 bare_functions: frozenset[str] = frozenset()) -> None:
        super().__init__(reading_function)
        self.ctx = ctx
        # f(g(x)), g'(x) with f, g never defined: arbitrary functions (judged by instances, see free.py)
        self.free_functions = free_functions
        # letters a rule writes without an argument, (g/h)' = (g'h - gh')/h^2: functions of x
        self.bare_functions = bare_functions if free_functions else frozenset()
        self.world = world  # "true": what the notation means; "author": claimed values substituted
        self.mode = mode  # "chain": f'(u) = df/du, y' w.r.t. its intermediate; "plain": w.r.t. the base variable
        self.used_claims: list[tuple] = []
        self.uses_definitions = False
        self.uses_derivatives = False
        self.ambiguous = False  # a notation whose reading depends on `mode` was met

    # -- names -----------------------------------------------------------------------------------
    def symbol(self, name: str) -> sp.Expr:
        if name == "e" and "e" not in self.ctx.defs:
            return sp.E
        if name in self.bare_functions:
            return self._bare_function(name)
        if name in self.ctx.defs:
            self.uses_definitions = True
            d = self.ctx.defs[name]
            if d.params:
                if len(d.params) == 1 and not isinstance(d.params[0], sp.Dummy):
                    return d.value  # f' = f(1-f) after f(x) = …: f for f(x)
                vector = self.ctx.entry_vectors.get(name.rpartition("_")[0])
                if vector is not None and all(p.name.rpartition("_")[0] == vector for p in d.params):
                    return d.value  # s_i after s(\\mathbf x)_i = …, s applied to x only
                raise InterpretError(f"function {name} used without an argument")
        elif (bare := self.bare_call(name)) is not None:
            return bare
        elif name in reading_function.words or name in FUNCTIONS:
            raise InterpretError(f"function {name} used without an argument")
        return self.ctx.symbol(name)

    def _bare_function(self, name: str) -> sp.Expr:
        if "x" in self.ctx.defs:
            raise InterpretError(f"cannot tell what {name} is a function of")
        return sp.Function(name, real=True)(self.ctx.symbol("x"))

    def bare_call(self, name: str) -> sp.Expr | None:
        """σ written without its argument, where the text writes it only as σ(x): σ(x)."""
        var = self.ctx.bare_calls.get(name)
        if var is None:
            return None
        fn = self.catalog(name)
        return fn(self.ctx.symbol(var)) if fn is not None else None

    def read(self, node: Node) -> sp.Expr:
        """The node's value, with every defined name written out."""
        return self.ctx.expand(self.expr(node))

    # -- calls -----------------------------------------------------------------------------------
    def apply(self, node: Apply) -> sp.Expr:
        name = node.name
        d = self.ctx.defs.get(name)
        if not node.primes and len(node.args) == 1 and Sym(name) in walk(node.args[0]):
            # σ(1-σ), f(1-f): the name stands bare inside its own brackets, so it is a product, σ·(1−σ)
            return self.symbol(name) * self._power(self.expr(node.args[0]), node.power)
        if d is not None and not d.params:
            # u(2x+3) after u = …: a product
            if node.primes or len(node.args) != 1:
                raise InterpretError(f"{name} is defined as a quantity, not a function")
            self.uses_definitions = True
            return self.ctx.symbol(name) * self._power(self.expr(node.args[0]), node.power)
        if d is not None:
            self.uses_definitions = True
            if len(node.args) != len(d.params):
                raise InterpretError(f"{name} takes {len(d.params)} argument(s)")
            if node.primes:
                return self._power(self.derivative_call(node, d), node.power)
            args = [self.expr(a) for a in node.args]
            return self._power(d.value.xreplace(dict(zip(d.params, args))), node.power)
        if d is None and not node.primes and name.rpartition("_")[0] in VECTOR_WORDS:
            known = known_entry(name, [self.expr(a) for a in node.args])  # softmax(x)_i, the text not defining it
            if known is not None:
                self.uses_definitions = True  # (it stands for its formula, as a defined name does)
                return self._power(known, node.power)
        if name == "D" and self.ctx.d_operator and len(node.args) == 1 and not node.primes:
            return self._power(self._operator_d(node.args[0]), node.power)
        fn = self.catalog(name)
        if fn is not None and len(node.args) == 1:
            arg = self.expr(node.args[0])
            if node.primes:
                self.uses_derivatives = True
                key = (name, _arg_name(node.args[0]), node.primes)
                claimed = self._claimed(key)
                if claimed is not None:
                    return claimed
                u = sp.Dummy("u", real=True)
                value = derivative_at(fn(u), u, node.primes, arg)
                return self._power(value, node.power)
            return self._power(fn(arg), node.power)
        if self.free_functions and is_free_letter(name) and (len(node.args) == 1 or not node.primes) and d is None:
            fn_free = sp.Function(name, real=True)
            if not node.primes:  # (g(x, y) too: t = g(x, y) says t is some function of x and y)
                return self._power(fn_free(*(self.expr(a) for a in node.args)), node.power)
            arg = self.expr(node.args[0])
            self.uses_derivatives = True
            u = sp.Dummy("u", real=True)
            return self._power(sp.Subs(sp.diff(fn_free(u), u, node.primes), u, arg), node.power)
        if len(name) == 1 and name in FUNCTION_LETTERS or name in GREEK or node.primes:
            raise InterpretError(f"{name} is not defined before this line")
        if len(node.args) != 1:
            raise InterpretError(f"{name}(…, …) is not a known function")
        # x(x+1)^2: a product, the power on the bracket
        return self.symbol(name) * self._power(self.expr(node.args[0]), node.power)

    def _operator_d(self, arg: Node) -> sp.Expr:
        """D(\\tanh x): the derivative of its argument in the one variable it is written in."""
        self.uses_derivatives = True
        inner = self.ctx.expand(self.expr(arg))
        var = guess_variable(inner)
        if var is None or len(inner.free_symbols) != 1:
            raise InterpretError("cannot tell the variable of D(…)")
        return sp.diff(inner, var)

    def derivative_call(self, node: Apply, d: Definition) -> sp.Expr:
        """f'(x), f''(x), and chain-rule notation f'(u)."""
        self.uses_derivatives = True
        param = d.params[0]
        arg_node = node.args[0]
        arg_name = _arg_name(arg_node)
        if arg_name is not None and arg_name != param.name and self.ctx.is_name(arg_name):
            self.ambiguous = True
            if self.mode == "chain":
                key = (node.name, arg_name, node.primes)
                claimed = self._claimed(key)
                if claimed is not None:
                    return claimed
                return self.ctx.derivative_of_name(node.name, arg_name, node.primes)
        key = (node.name, arg_name if arg_name is not None else None, node.primes)
        if arg_name is not None:
            claimed = self._claimed(key)
            if claimed is not None:
                return claimed
        arg = self.expr(arg_node)
        return derivative_at(d.value, param, node.primes, arg)

    # -- derivatives -----------------------------------------------------------------------------
    def prime(self, node: Prime) -> sp.Expr:
        self.uses_derivatives = True
        arg = node.arg
        if isinstance(arg, Sym):
            name = arg.name
            d = self.ctx.defs.get(name)
            if d is None and (bare := self.bare_call(name)) is not None:
                return sp.diff(bare, self.ctx.symbol(self.ctx.bare_calls[name]), node.order)  # σ' = σ(1-σ)
            if name in self.bare_functions:
                return sp.diff(self._bare_function(name), self.ctx.symbol("x"), node.order)
            if d is None and self._is_the_variable(name):
                return sp.S.One if node.order == 1 else sp.S.Zero  # x' in (f·g)' = f'g + fg' with f = x
            if d is None:
                raise InterpretError(f"{name} is not defined before this line")
            if d.params:
                var = d.params[0].name
            else:
                var = self.prime_variable(name)
            key = (name, var, node.order)
            claimed = self._claimed(key)
            if claimed is not None:
                return claimed
            self.uses_definitions = True
            return self.ctx.derivative_of_name(name, var, node.order)
        if node.at_point and isinstance(arg, Call) and len(arg.args) == 1 and arg.power is None:
            # \tanh'(0), \sin'(2x): the derivative function at the argument — not d/dx of the value
            point = self.expr(arg.args[0])
            u = self.ctx.symbol(_POINT)
            function_of_u = self.expr(Call(arg.name, (Sym(_POINT),)))
            return derivative_at(function_of_u, u, node.order, point)
        inner = self.expr(arg)
        if (isinstance(arg, Apply) and not arg.primes and len(arg.args) == 1 and isinstance(arg.args[0], Sym)
                and not self.ctx.is_name(arg.args[0].name)):
            # (f(x))′: the variable is the one written, even when f(x) = c does not contain it
            return sp.diff(self.ctx.expand(inner), self.ctx.symbol(arg.args[0].name), node.order)
        intermediates = [s.name for s in inner.free_symbols if self.ctx.is_name(s.name)]
        if self.mode == "chain" and len(intermediates) == 1:
            self.ambiguous = True
            var = intermediates[0]
            return sp.diff(self.ctx.in_terms_of(inner, var), self.ctx.symbol(var), node.order)
        expanded = self.ctx.expand(inner)
        var_symbol = guess_variable(expanded)
        if var_symbol is None:
            if not expanded.free_symbols:
                return sp.S.Zero
            raise InterpretError("cannot tell the variable of a prime (′)")
        if len(expanded.free_symbols) > 1 and var_symbol.name != "x":
            raise InterpretError("cannot tell the variable of a prime (′)")
        return sp.diff(expanded, var_symbol, node.order)

    def _is_the_variable(self, name: str) -> bool:
        """Is `name` the one variable the text's definitions are written in (so name′ = 1)?"""
        bases = {s.name for s in self.ctx.base_symbols()}
        return name in bases and (len(bases) == 1 or name == "x")

    def prime_variable(self, name: str) -> str:
        if self.mode == "chain":
            inner = self.ctx.intermediate_of(name)
            if inner is not None:
                self.ambiguous = True
                return inner
        value = self.ctx.defs[name].value
        var = guess_variable(value)
        if var is None:
            raise InterpretError(f"cannot tell what {name}′ is taken with respect to")
        if self.ctx.intermediate_of(name) is not None:
            self.ambiguous = True
        return var.name

    def derivative(self, node: Deriv) -> sp.Expr:
        self.uses_derivatives = True
        var = node.var
        if self.ctx.is_function(var) and not self.ctx.as_quantity(var):
            raise InterpretError(f"d/d{var}: {var} is a function")
        of = node.of
        if (isinstance(of, Apply) and not of.primes and of.power is None and self.ctx.is_function(of.name)
                and [getattr(a, "name", None) for a in of.args] == [p.name for p in self.ctx.defs[of.name].params]):
            of = Sym(of.name)  # dy(z)/du, \frac{d\sigma(x)}{dx}: the function's own argument — the name's derivative
        if isinstance(of, Sym):
            name = of.name
            if name == var:
                return sp.S.One if node.order == 1 else sp.S.Zero
            key = (name, var, node.order)
            claimed = self._claimed(key)
            if claimed is not None:
                return claimed
            if name not in self.ctx.defs:
                if name == "e":
                    return sp.S.Zero
                bare = self.bare_call(name)
                if bare is not None and self.ctx.bare_calls[name] == var:
                    return sp.diff(bare, self.ctx.symbol(var), node.order)  # \frac{d\sigma}{dx}
                raise InterpretError(f"{name} is not defined before this line")
            self.uses_definitions = True
            return self.ctx.derivative_of_name(name, var, node.order)
        inner = self.expr(of)
        v = self.ctx.symbol(var)
        if self.ctx.is_name(var):
            return sp.diff(self.ctx.in_terms_of(inner, var), v, node.order)
        return sp.diff(self.ctx.independent_of(self.ctx.expand(inner), v), v, node.order)

    def _claimed(self, key: tuple) -> sp.Expr | None:
        if self.world != "author":
            return None
        c = self.ctx.claims.get(key)
        if c is None:
            return None
        self.used_claims.append(key)
        return c.value


def substitute(expr: sp.Expr, mapping: dict) -> sp.Expr:
    """expr with names written out. A derivative with respect to a name (dg/dy after z = g(y)) cannot
    have a formula as its variable (y = e^{ax}): it becomes the derivative at that point (Subs)."""
    try:
        return expr.xreplace(mapping)
    except ValueError:
        return expr.subs(mapping)


_KINKED = (sp.Heaviside, sp.sign, sp.Abs, sp.DiracDelta, sp.Max, sp.Min)


def derivative_at(fu: sp.Expr, u: sp.Symbol, order: int, point: sp.Expr) -> sp.Expr:
    """The `order`-th derivative of f(u) at `point`. At a kink (ReLU′(0)) there is no derivative, only
    a convention that a text may state (PyTorch's 0, the mean ½): that is not judged."""
    value = sp.diff(fu, u, order)
    if point.is_number:
        joins = [a for kinked in value.atoms(*_KINKED) | fu.atoms(*_KINKED) for a in kinked.args]
        # a catalog function (hard_swish(u)) shows its pieces only once differentiated
        joins += [r.lhs - r.rhs for pw in fu.atoms(sp.Piecewise) | value.atoms(sp.Piecewise)
                  for r in pw.atoms(sp.core.relational.Relational)]
        if any(j.has(u) and j.xreplace({u: point}).is_zero for j in joins):
            raise InterpretError("the derivative at a kink is a convention, not a value to check")
    return value.xreplace({u: point})


def _arg_name(node: Node) -> str | None:
    return node.name if isinstance(node, Sym) else None


def derivative_key(node: Node, ctx: Context, mode: str = "chain") -> tuple | None:
    """The notation-independent key of a derivative head: dy/dx, y' and (for f(x)) f'(x) share one."""
    if isinstance(node, Deriv) and isinstance(node.of, Sym):
        return (node.of.name, node.var, node.order)
    if isinstance(node, Apply) and node.primes and len(node.args) == 1:
        # f'(x) and df/dx share (f, x, 1); chain-rule notation f'(u) is (f, u, 1) like df/du
        arg = _arg_name(node.args[0])
        return None if arg is None else (node.name, arg, node.primes)
    if isinstance(node, Prime) and isinstance(node.arg, Sym):
        name = node.arg.name
        d = ctx.defs.get(name)
        if d is None:
            return None
        if d.params:
            return (name, d.params[0].name, node.order)
        try:
            var = Reader(ctx, mode=mode).prime_variable(name)
        except InterpretError:
            return None
        return (name, var, node.order)
    return None


def derivative_target(node: Node, ctx: Context, mode: str = "chain") -> tuple[sp.Expr, sp.Symbol, int] | None:
    """For a derivative head: the function being differentiated (in the variable), the variable, the order.

    Used by diagnoses (which inner function's factor is missing, which product rule was forgotten).
    """
    try:
        if isinstance(node, Deriv):
            var = node.var
            if isinstance(node.of, Sym):
                d = ctx.defs.get(node.of.name)
                if d is None:
                    return None
                f = _form_in(ctx, d, var)
            else:
                f = Reader(ctx, mode=mode).expr(node.of)
                f = ctx.in_terms_of(f, var) if ctx.is_name(var) else ctx.expand(f)
            return f, ctx.symbol(var), node.order
        if isinstance(node, Apply) and node.primes:
            d = ctx.defs.get(node.name)
            if d is not None and d.params:
                arg = _arg_name(node.args[0])
                if arg is not None and arg != d.params[0].name and ctx.is_name(arg) and mode == "chain":
                    return _form_in(ctx, d, arg), ctx.symbol(arg), node.primes
                return d.value, d.params[0], node.primes
            fn = reading_function(node.name)
            if fn is not None:
                from derivator.verify import plain

                u = ctx.symbol("x")
                return plain(fn(u)), u, node.primes
            return None
        if isinstance(node, Prime):
            key = derivative_key(node, ctx, mode)
            if key is not None:
                d = ctx.defs[key[0]]
                return _form_in(ctx, d, key[1]), ctx.symbol(key[1]), node.order
            f = ctx.expand(Reader(ctx, mode=mode).expr(node.arg))
            var = guess_variable(f)
            return (f, var, node.order) if var is not None else None
    except InterpretError:
        return None
    return None


def _form_in(ctx: Context, d: Definition, var: str) -> sp.Expr:
    if not ctx.is_name(var):
        return d.value
    v = ctx.symbol(var)
    for form in reversed(d.forms):
        expr = ctx.in_terms_of(form, var)
        if v in expr.free_symbols:
            return expr
    return d.value


def is_free_letter(name: str) -> bool:
    """f, g, h, u, v, t, and their numbered kin f_1, f_2: letters rules write for any function."""
    base, _, number = name.partition("_")
    return base in FREE_FUNCTION_LETTERS and (not number or number.isdigit())


def bare_functions(nodes: Iterable[Node], ctx: Context, texts: Iterable[str]) -> frozenset[str]:
    """The letters a rule of differentiation primes without an argument and the text never defines
    (the g, h of `(g/h)' = (g'h - gh')/h^2`): each names an arbitrary function of x. A letter the same
    claim also applies, or whose prime a bracket follows (f'\\left[g(x)\\right], f'[u]: f' at a point),
    is not one: its bare prime is a reading not certain."""
    subs = [sub for node in nodes for sub in walk(node)]
    applied = {sub.name for sub in subs if isinstance(sub, Apply)}
    applied |= {m.group(1) for text in texts for m in _PRIME_THEN_BRACKET.finditer(text)}
    return frozenset(sub.arg.name for sub in subs
                     if isinstance(sub, Prime) and isinstance(sub.arg, Sym) and sub.arg.name in FREE_FUNCTION_LETTERS
                     and sub.arg.name not in ctx.defs and sub.arg.name not in ctx.bare_calls
                     and sub.arg.name not in applied)


def names_in(nodes: Iterable[Node]) -> set[str]:
    from derivator.parse.latex import walk

    out = set()
    for node in nodes:
        for sub in walk(node):
            if isinstance(sub, (Sym, Apply)):
                out.add(sub.name)
            elif isinstance(sub, Deriv):
                out.add(sub.var)
    return out
