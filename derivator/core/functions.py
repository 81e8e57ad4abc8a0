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


def expand_named(expr: sp.Expr) -> sp.Expr:
    """Replace every derivator-defined function by its definition, repeatedly, in SymPy built-ins."""
    while True:
        expanded = expr.replace(lambda e: isinstance(e, NamedFunction), lambda e: e.defined())
        if expanded == expr:
            return expr
        expr = expanded
