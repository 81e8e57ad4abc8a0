"""Differentiation rules: one frozen dataclass per rule, built by strategies that return None.

The model is SymPy's manualintegrate: `derive_rule(expr, x)` tries each strategy in order and ends in an
explicit "don't know" (UnsupportedError) rather than in a wrong step. A rule knows its `result()` (the
derivative as a plain SymPy expression) and its `expand(pending)` — the line a lecturer writes when the
rule is applied, where the derivatives still to be done appear as pending d/dx nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, ClassVar

import sympy as sp

from derivator.core.errors import UnsupportedError
from derivator.core.functions import NamedFunction

Pending = Callable[..., sp.Expr]  # pending(rule, inline=False) -> pending d/dx node or result
U = sp.UnevaluatedExpr


def mul(*factors: sp.Expr) -> sp.Expr:
    """A product kept as written (no reordering, no merging)."""
    factors = tuple(f for f in factors if f != 1)
    if not factors:
        return sp.S.One
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


def add(*terms: sp.Expr) -> sp.Expr:
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def frac(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """A fraction shown as one \\frac."""
    return sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


def group(expr: sp.Expr) -> sp.Expr:
    """Keep a sub-expression as one unit on display (printed in brackets where needed)."""
    return expr if expr.is_Atom or isinstance(expr, sp.UnevaluatedExpr) else U(expr)


@dataclass(frozen=True)
class Rule:
    expr: sp.Expr
    var: sp.Symbol
    name: ClassVar[str] = "rule"

    def result(self) -> sp.Expr:
        raise NotImplementedError

    def children(self) -> tuple["Rule", ...]:
        return ()

    def expand(self, pending: Pending) -> sp.Expr:
        """The expression after applying this rule once; sub-derivatives via `pending`."""
        return self.result()

    def params(self) -> dict:
        return {}


# -- leaves ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConstantRule(Rule):
    name: ClassVar[str] = "constant"

    def result(self) -> sp.Expr:
        return sp.S.Zero


@dataclass(frozen=True)
class VariableRule(Rule):
    name: ClassVar[str] = "variable"

    def result(self) -> sp.Expr:
        return sp.S.One


@dataclass(frozen=True)
class PowerRule(Rule):
    """d/dx x^n = n x^(n-1), for any constant n (integer, negative, fractional)."""

    exponent: sp.Expr = sp.S.One
    name: ClassVar[str] = "power"

    def result(self) -> sp.Expr:
        return self.exponent * self.var ** (self.exponent - 1)

    def expand(self, pending: Pending) -> sp.Expr:
        n = self.exponent
        return mul(n, sp.Pow(self.var, n - 1)) if n != 1 else sp.S.One

    def params(self) -> dict:
        return {"n": self.exponent}


@dataclass(frozen=True)
class ExpRule(Rule):
    """d/dx e^x = e^x; d/dx a^x = a^x ln a."""

    base: sp.Expr = sp.E
    name: ClassVar[str] = "exp"

    def result(self) -> sp.Expr:
        return self.expr if self.base == sp.E else self.expr * sp.log(self.base)

    def expand(self, pending: Pending) -> sp.Expr:
        return self.expr if self.base == sp.E else mul(self.expr, sp.log(self.base))

    def params(self) -> dict:
        return {"base": self.base}


# Outer derivatives of SymPy's elementary functions, as a lecturer writes them.
def _d_table() -> dict[type, tuple[str, Callable[[sp.Expr], sp.Expr]]]:
    return {
        sp.log: ("log", lambda u: 1 / u),
        sp.sin: ("trig", lambda u: sp.cos(u)),
        sp.cos: ("trig", lambda u: -sp.sin(u)),
        sp.tan: ("trig", lambda u: 1 / sp.cos(u) ** 2),
        sp.asin: ("inverse_trig", lambda u: 1 / sp.sqrt(1 - u**2)),
        sp.acos: ("inverse_trig", lambda u: -1 / sp.sqrt(1 - u**2)),
        sp.atan: ("inverse_trig", lambda u: 1 / (1 + u**2)),
        sp.sinh: ("hyperbolic", lambda u: sp.cosh(u)),
        sp.cosh: ("hyperbolic", lambda u: sp.sinh(u)),
        sp.tanh: ("hyperbolic", lambda u: 1 - sp.tanh(u) ** 2),
        sp.asinh: ("inverse_hyperbolic", lambda u: 1 / sp.sqrt(u**2 + 1)),
        sp.acosh: ("inverse_hyperbolic", lambda u: 1 / sp.sqrt(u**2 - 1)),
        sp.atanh: ("inverse_hyperbolic", lambda u: 1 / (1 - u**2)),
        sp.erf: ("erf", lambda u: 2 / sp.sqrt(sp.pi) * sp.exp(-(u**2))),
    }


D_TABLE = _d_table()


@dataclass(frozen=True)
class FunctionRule(Rule):
    """d/dx f(x) for an elementary f from the table of derivatives (log, trig, hyperbolic, erf…)."""

    kind: str = "log"

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.kind

    def result(self) -> sp.Expr:
        return D_TABLE[type(self.expr)][1](self.var)

    def params(self) -> dict:
        return {"function": type(self.expr).__name__}


@dataclass(frozen=True)
class AbsRule(Rule):
    """d/dx |x| = x/|x| for x ≠ 0; a kink at 0."""

    name: ClassVar[str] = "abs"

    def result(self) -> sp.Expr:
        return frac(self.var, sp.Abs(self.var))


@dataclass(frozen=True)
class LemmaRule(Rule):
    """d/dx g(x) for a named function g, by a lemma proven in its own derivation (σ' = σ(1−σ))."""

    lemma: sp.Expr = sp.S.Zero  # g'(x) in terms of x
    name: ClassVar[str] = "lemma"

    def result(self) -> sp.Expr:
        return self.lemma

    def params(self) -> dict:
        return {"function": type(self.expr).__name__, "lemma": self.lemma}


# -- composites -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConstantMultipleRule(Rule):
    constant: sp.Expr = sp.S.One
    other: Rule | None = None
    name: ClassVar[str] = "constant_multiple"

    def children(self) -> tuple[Rule, ...]:
        return (self.other,)

    def result(self) -> sp.Expr:
        return self.constant * self.other.result()

    def expand(self, pending: Pending) -> sp.Expr:
        return mul(group(self.constant), pending(self.other))

    def params(self) -> dict:
        return {"c": self.constant}


@dataclass(frozen=True)
class SumRule(Rule):
    terms: tuple[Rule, ...] = ()
    name: ClassVar[str] = "sum"

    def children(self) -> tuple[Rule, ...]:
        return self.terms

    def result(self) -> sp.Expr:
        return sp.Add(*(t.result() for t in self.terms))

    def expand(self, pending: Pending) -> sp.Expr:
        return add(*(pending(t) for t in self.terms))


@dataclass(frozen=True)
class ProductRule(Rule):
    """(f g)' = f' g + f g' (for n factors, one term per factor)."""

    factors: tuple[Rule, ...] = ()
    name: ClassVar[str] = "product"

    def children(self) -> tuple[Rule, ...]:
        return self.factors

    def result(self) -> sp.Expr:
        total = sp.S.Zero
        for i, rule in enumerate(self.factors):
            others = [f.expr for j, f in enumerate(self.factors) if j != i]
            total += rule.result() * sp.Mul(*others)
        return total

    def expand(self, pending: Pending) -> sp.Expr:
        terms = []
        for i, rule in enumerate(self.factors):
            parts = [pending(f) if j == i else group(f.expr) for j, f in enumerate(self.factors)]
            terms.append(mul(*parts))
        return add(*terms)


@dataclass(frozen=True)
class QuotientRule(Rule):
    """(f/g)' = (f' g − f g') / g²."""

    numerator: Rule | None = None
    denominator: Rule | None = None
    name: ClassVar[str] = "quotient"

    def children(self) -> tuple[Rule, ...]:
        return (self.numerator, self.denominator)

    def result(self) -> sp.Expr:
        f, g = self.numerator.expr, self.denominator.expr
        return (self.numerator.result() * g - f * self.denominator.result()) / g**2

    def expand(self, pending: Pending) -> sp.Expr:
        f, g = group(self.numerator.expr), group(self.denominator.expr)
        top = add(mul(pending(self.numerator), g), -mul(f, pending(self.denominator)))
        return frac(top, sp.Pow(g, 2, evaluate=False))


@dataclass(frozen=True)
class ChainRule(Rule):
    """d/dx f(g(x)) = f'(u)·g'(x) with u = g(x)."""

    u: sp.Symbol = sp.Symbol("u")
    inner: sp.Expr = sp.S.Zero
    outer: Rule | None = None  # derivative of f(u) with respect to u
    inner_rule: Rule | None = None
    name: ClassVar[str] = "chain"

    def children(self) -> tuple[Rule, ...]:
        return (self.inner_rule,)

    def outer_derivative(self) -> sp.Expr:
        return self.outer.result()

    def result(self) -> sp.Expr:
        return self.outer.result().subs(self.u, self.inner) * self.inner_rule.result()

    def expand(self, pending: Pending) -> sp.Expr:
        outer = self.outer.result().xreplace({self.u: group(self.inner)})
        inner = pending(self.inner_rule, True)
        if isinstance(inner, sp.Number) and inner == 1:
            return outer
        return mul(group(outer) if outer.is_Add else outer, group(inner) if _needs_group(inner) else inner)

    def params(self) -> dict:
        return {
            "u": self.u,
            "outer_rule": self.outer.name,
            "inner": self.inner,
            "outer": self.outer.expr,
            "outer_derivative": self.outer.result(),
            "inner_derivative": self.inner_rule.result(),
        }


def _needs_group(expr: sp.Expr) -> bool:
    return expr.is_Add or (expr.could_extract_minus_sign() and not isinstance(expr, sp.Derivative))


@dataclass(frozen=True)
class GeneralPowerRule(Rule):
    """(f^g)' = f^g (g' ln f + g f'/f)."""

    base: Rule | None = None
    exponent: Rule | None = None
    name: ClassVar[str] = "general_power"

    def children(self) -> tuple[Rule, ...]:
        return (self.base, self.exponent)

    def result(self) -> sp.Expr:
        f, g = self.base.expr, self.exponent.expr
        return f**g * (self.exponent.result() * sp.log(f) + g * self.base.result() / f)

    def expand(self, pending: Pending) -> sp.Expr:
        f, g = self.base.expr, self.exponent.expr
        inside = add(mul(pending(self.exponent), sp.log(f)), mul(group(g), frac(pending(self.base), group(f))))
        return mul(group(self.expr), U(inside))


@dataclass(frozen=True)
class Region:
    value: sp.Expr
    low: sp.Expr  # open interval (low, high) in the variable
    high: sp.Expr
    rule: Rule | None = None


@dataclass(frozen=True)
class PiecewiseRule(Rule):
    """Differentiate region by region; the kinks between regions are recorded, not guessed."""

    regions: tuple[Region, ...] = ()
    name: ClassVar[str] = "piecewise"

    def children(self) -> tuple[Rule, ...]:
        return tuple(r.rule for r in self.regions)

    def result(self) -> sp.Expr:
        return cases([(r.rule.result(), r.low, r.high) for r in self.regions], self.var)

    def expand(self, pending: Pending) -> sp.Expr:
        return cases([(pending(r.rule), r.low, r.high) for r in self.regions], self.var, evaluate=False)

    def kinks(self) -> list[sp.Expr]:
        return [r.high for r in self.regions[:-1]]


def cases(pieces: list[tuple[sp.Expr, sp.Expr, sp.Expr]], x: sp.Symbol, evaluate: bool = True) -> sp.Expr:
    """Piecewise over open intervals (low, high); the boundaries themselves are left out."""
    args = []
    for value, low, high in pieces:
        conditions = []
        if low is not sp.S.NegativeInfinity:
            conditions.append(sp.StrictGreaterThan(x, low))
        if high is not sp.S.Infinity:
            conditions.append(sp.StrictLessThan(x, high))
        args.append((value, sp.And(*conditions) if conditions else sp.true))
    return sp.Piecewise(*args, evaluate=evaluate)


@dataclass(frozen=True)
class RewriteRule(Rule):
    """Rewrite the expression first (Max → cases, 1/g → g^{-1}), then differentiate the new form."""

    rewritten: sp.Expr = sp.S.Zero
    reason: str = "rewrite"
    then: Rule | None = None
    name: ClassVar[str] = "rewrite"

    def children(self) -> tuple[Rule, ...]:
        return (self.then,)

    def result(self) -> sp.Expr:
        return self.then.result()


# -- strategies -----------------------------------------------------------------------------------
@dataclass
class Context:
    """What the strategies may use: proven lemmas for named functions, fresh names for u."""

    lemmas: dict[type, Callable[[sp.Expr], sp.Expr]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def fresh(self) -> sp.Symbol:
        for name in ("u", "v", "w", "t", "s", "r"):
            if name not in self.taken:
                return sp.Symbol(name, real=True)
        return sp.Dummy("u", real=True)


def derive_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context | None = None) -> Rule:
    """The rule tree for d/dx expr; raises UnsupportedError when no rule applies."""
    ctx = ctx or Context(taken={s.name for s in expr.free_symbols})
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    for strategy in STRATEGIES:
        rule = strategy(expr, x, ctx)
        if rule is not None:
            return rule
    raise UnsupportedError(
        f"no differentiation rule for {type(expr).__name__} in {sp.sstr(expr)}",
        hint="derivator stops here instead of guessing; please report the expression",
    )


def constant_rule(expr, x, ctx):
    return ConstantRule(expr, x) if not expr.has(x) else None


def variable_rule(expr, x, ctx):
    return VariableRule(expr, x) if expr == x else None


def sum_rule(expr, x, ctx):
    if expr.is_Add:
        return SumRule(expr, x, tuple(derive_rule(t, x, ctx) for t in expr.args))
    return None


def mul_rule(expr, x, ctx):
    if not expr.is_Mul:
        return None
    constant, rest = expr.as_independent(x, as_Add=False)
    if constant != 1:
        return ConstantMultipleRule(expr, x, constant, derive_rule(rest, x, ctx))
    numerator, denominator = sp.fraction(expr, exact=True)
    if denominator.has(x) and numerator.has(x):
        return QuotientRule(expr, x, derive_rule(numerator, x, ctx), derive_rule(denominator, x, ctx))
    factors = sp.Mul.make_args(expr)
    return ProductRule(expr, x, tuple(derive_rule(f, x, ctx) for f in factors))


def pow_rule(expr, x, ctx):
    if not expr.is_Pow:
        return None
    base, exponent = expr.as_base_exp()
    if base == sp.E or isinstance(expr, sp.exp):
        return None
    if not exponent.has(x):
        if base == x:
            return PowerRule(expr, x, exponent)
        u = ctx.fresh()
        chain = _chain(expr, x, ctx, base, u**exponent, u)
        if exponent.is_Number and exponent.is_negative:
            # shown as a fraction, differentiated as a power: the seeds write 1/g as g^{-1} first
            return RewriteRule(expr, x, U(base) ** exponent, "negative_power", chain)
        return chain
    if not base.has(x):
        if exponent == x:
            return ExpRule(expr, x, base)
        u = ctx.fresh()
        return _chain(expr, x, ctx, exponent, base**u, u)
    return GeneralPowerRule(expr, x, derive_rule(base, x, ctx), derive_rule(exponent, x, ctx))


def exp_rule(expr, x, ctx):
    if not isinstance(expr, sp.exp):
        return None
    if expr.args[0] == x:
        return ExpRule(expr, x, sp.E)
    u = ctx.fresh()
    return _chain(expr, x, ctx, expr.args[0], sp.exp(u), u)


def function_rule(expr, x, ctx):
    f = type(expr)
    if isinstance(expr, sp.Function) and f in ctx.lemmas:
        # a proven result is cited, even for a function the table knows (Mish cites tanh′)
        leaf = lambda e, v: LemmaRule(e, v, ctx.lemmas[f](v))  # noqa: E731
    elif f in D_TABLE:
        leaf = lambda e, v: FunctionRule(e, v, D_TABLE[f][0])  # noqa: E731
    elif isinstance(expr, sp.Abs):
        leaf = AbsRule
    else:
        return None
    if len(expr.args) != 1:
        return None
    (arg,) = expr.args
    if arg == x:
        return leaf(expr, x)
    u = ctx.fresh()
    outer_expr = f(u)
    return ChainRule(expr, x, u, arg, leaf(outer_expr, u), derive_rule(arg, x, _child(ctx, u)))


def _child(ctx: Context, u: sp.Symbol) -> Context:
    return Context(ctx.lemmas, ctx.taken | {u.name})


def _chain(expr, x, ctx, inner, outer_expr, u) -> ChainRule:
    child = _child(ctx, u)
    return ChainRule(expr, x, u, inner, derive_rule(outer_expr, u, child), derive_rule(inner, x, child))


def piecewise_rule(expr, x, ctx):
    from derivator.engine.regions import as_regions

    regions = as_regions(expr, x)
    if regions is None:
        return None
    rewritten, pieces = regions
    rule = PiecewiseRule(
        rewritten, x, tuple(Region(v, lo, hi, derive_rule(v, x, ctx)) for v, lo, hi in pieces)
    )
    if rewritten == expr:
        return rule
    return RewriteRule(expr, x, rewritten, "cases", rule)


def named_without_lemma(expr, x, ctx):
    if isinstance(expr, NamedFunction):
        # no lemma given: differentiate its definition instead (the lemma is proven inline)
        rewritten = expr.defined()
        return RewriteRule(expr, x, rewritten, "definition", derive_rule(rewritten, x, ctx))
    return None


STRATEGIES = (
    constant_rule,
    variable_rule,
    sum_rule,
    mul_rule,
    pow_rule,
    exp_rule,
    piecewise_rule,
    function_rule,
    named_without_lemma,
)
