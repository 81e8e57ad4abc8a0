"""Named functions that SymPy lacks but activations need (σ, softplus, ReLU, …).

SymPy has no sigmoid (a PR adding one was declined), so each catalog function that a derivation cites
by name is a SymPy Function made here. It prints as the lecturer writes it (\\sigma(x), never
\\sigma{\\left(x \\right)}), evaluates numerically through its definition, and `expand_named` writes it
out in SymPy built-ins, so anything leaving derivator (JSON, the check against sympy.diff) never depends
on derivator's own lemmas.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp


class NamedFunction(sp.Function):
    """Base of every derivator-defined function of one variable."""

    nargs = 1
    latex_name: str = ""
    unicode_name: str = ""

    @staticmethod
    def definition(u: sp.Expr) -> sp.Expr:  # overridden per function
        raise NotImplementedError

    def defined(self) -> sp.Expr:
        """This application written out with SymPy built-ins (one level)."""
        return self.definition(self.args[0])

    def fdiff(self, argindex=1):
        # Only used by SymPy internals (e.g. sympy.diff inside verification of cited lemmas);
        # derivator's own rules never rely on it.
        u = sp.Dummy("u")
        return sp.diff(self.definition(u), u).subs(u, self.args[0])

    def _eval_evalf(self, prec):
        return self.defined()._eval_evalf(prec)

    def _eval_is_real(self):
        return self.defined().is_real

    def _latex(self, printer, exp=None):
        arg = printer._print(self.args[0])
        head = self.latex_name if exp is None else f"{self.latex_name}^{{{exp}}}"
        if "\\frac" in arg or "\\begin" in arg:
            return f"{head}\\left({arg}\\right)"  # tall arguments get brackets that grow
        return f"{head}({arg})"

    def _sympystr(self, printer):
        return f"{type(self).__name__}({printer._print(self.args[0])})"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(f"{self.unicode_name}({printer._print(self.args[0])})")


def named_function(
    name: str,
    definition: Callable[[sp.Expr], sp.Expr],
    latex_name: str | None = None,
    unicode_name: str | None = None,
    values: dict | None = None,
) -> type[NamedFunction]:
    """Make a NamedFunction class; `values` maps special arguments to exact values."""
    known = dict(values or {})

    @classmethod
    def eval(cls, arg):
        return known.get(arg)

    return type(
        name,
        (NamedFunction,),
        {
            "definition": staticmethod(definition),
            "latex_name": latex_name or rf"\operatorname{{{name}}}",
            "unicode_name": unicode_name or name,
            "eval": eval,
            "__module__": __name__,
        },
    )


sigmoid = named_function(
    "sigmoid",
    lambda u: 1 / (1 + sp.exp(-u)),
    latex_name=r"\sigma",
    unicode_name="σ",
    values={sp.S.Zero: sp.S.Half, sp.S.Infinity: sp.S.One, sp.S.NegativeInfinity: sp.S.Zero},
)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class InnerFunction(NamedFunction):
    """u_k, the k-th inner function of a nested composition, named as a lecturer names it
    (u₁ = σ(x), u₂ = σ(u₁), …): each line of a nested chain rule then holds O(1) new material instead
    of the whole inner chain. Its definition is one level, in terms of u_{k-1}; `expand_named` writes
    the chain out, and verification evaluates the u_k in order."""

    index: int = 0

    def fdiff(self, argindex=1):
        # at a symbol, differentiate the one-level definition directly: u_{k-1}'s own fdiff does the rest,
        # one level each (the base class's fresh Dummy would make SymPy redo every level's assumptions)
        arg = self.args[0]
        if isinstance(arg, sp.Symbol):
            return sp.diff(self.defined(), arg)
        return super().fdiff(argindex)

    def _latex(self, printer, exp=None):
        return f"u_{{{self.index}}}" if exp is None else f"u_{{{self.index}}}^{{{exp}}}"

    def _unicode_str(self, printer):
        return f"u{str(self.index).translate(_SUBSCRIPTS)}"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._unicode_str(printer))


_BOUND = sp.Dummy("t")
_INNER: dict[tuple[int, sp.Expr], type[InnerFunction]] = {}


def inner_function(index: int, definition: sp.Expr, var: sp.Symbol) -> type[InnerFunction]:
    """The class u_index with u_index(var) = definition (one level: it may hold u_{index-1}(var)).
    The same definition gives the same class, so equal traces compare equal."""
    return _inner_class(index, definition.xreplace({var: _BOUND}))


def _inner_class(index: int, body: sp.Expr) -> type[InnerFunction]:
    key = (index, body)
    if key not in _INNER:
        _INNER[key] = type(f"u_{index}", (InnerFunction,), {
            "definition": staticmethod(lambda t: body.xreplace({_BOUND: t})),
            "index": index, "body": body, "latex_name": f"u_{{{index}}}",
            "unicode_name": f"u{str(index).translate(_SUBSCRIPTS)}",
            "eval": classmethod(lambda cls, arg: None), "__module__": __name__,
            # made at run time, so pickled by what defines them (a derivation crossing a process boundary)
            "__reduce__": lambda self: (_inner_application, (self.index, self.body, self.args[0])),
        })
    return _INNER[key]


def _inner_application(index: int, body: sp.Expr, arg: sp.Expr) -> InnerFunction:
    return _inner_class(index, body)(arg)


def expand_inner(expr: sp.Expr) -> sp.Expr:
    """Write the named inner functions u_k out (σ(u₂) → σ(σ(σ(x)))), keeping the other named functions."""
    while expr.has(InnerFunction):
        expr = expr.replace(lambda e: isinstance(e, InnerFunction), lambda e: e.defined())
    return expr


def expand_named(expr: sp.Expr) -> sp.Expr:
    """Replace every derivator-defined function by its definition, repeatedly, in SymPy built-ins.

    One bottom-up pass, each distinct sub-expression written out once: a nested chain (σ(σ(…)), the
    u_k whose definitions hold u_{k-1}) costs its written-out size, not that size once per level."""
    done: dict[sp.Basic, sp.Basic] = {}

    def out(e: sp.Basic) -> sp.Basic:
        if e in done:
            return done[e]
        if not e.args:
            result = e
        else:
            args = tuple(out(a) for a in e.args)
            if isinstance(e, NamedFunction):
                result = out(type(e).definition(*args))
            else:
                result = e if all(a is b for a, b in zip(args, e.args)) else e.func(*args)
        done[e] = done[result] = result
        return result

    return out(expr)
