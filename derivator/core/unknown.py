"""The derivative of a part no rule covers, kept in the expression as a marked hole.

A `DontKnowRule` (engine/rules) leaves `UnknownDerivative(part, x)` where the derivative of `part` would
go, so the rest of the derivation is kept. It is inert on purpose: SymPy's `Derivative` would be
evaluated by the next `doit()` (the "multiply out" rewrite, verification), silently filling the hole with
`sympy.diff` — a result no rule of derivator's produced and no step showed.

It prints boxed (`\\boxed{\\frac{d}{dx}(…)}`, ⟦d/dx[…]⟧ in a terminal), and as `Derivative(part, x)` in
SymPy's own spelling, so a JSON reader gets back SymPy's unevaluated derivative: exactly what is left to do.
"""

from __future__ import annotations

import sympy as sp


class UnknownDerivative(sp.Function):
    """d/dx part, for a part no differentiation rule covers; never evaluated."""

    nargs = 2

    @property
    def part(self) -> sp.Expr:
        return self.args[0]

    @property
    def variable(self) -> sp.Symbol:
        return self.args[1]

    def doit(self, **hints):
        # what makes the hole a hole: neither the part nor its derivative is touched
        return self

    def _eval_derivative(self, s):
        # d/dx of a hole is a hole (the next order of a partial derivation)
        return UnknownDerivative(self, s) if self.has(s) else sp.S.Zero

    def _latex(self, printer, exp=None):
        inner = printer._print(self.part)
        var = printer._print(self.variable)
        boxed = rf"\boxed{{\frac{{d}}{{d{var}}}\left({inner}\right)}}"
        return boxed if exp is None else rf"\left({boxed}\right)^{{{exp}}}"

    def _unicode_str(self, printer):
        return f"⟦d/d{printer._print(self.variable)}[{printer._print(self.part)}]⟧"

    def _sympystr(self, printer):
        return f"Derivative({printer._print(self.part)}, {printer._print(self.variable)})"


def unknown_parts(expr: sp.Basic) -> list[sp.Expr]:
    """The parts whose derivative is a hole in `expr`, in a stable order."""
    holes = sorted(expr.atoms(UnknownDerivative), key=sp.default_sort_key)
    return [h.part for h in holes]
