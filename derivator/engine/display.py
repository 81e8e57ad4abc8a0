"""Display structure for the lines of a trace: products, sums and fractions kept as a rule wrote them.

SymPy evaluates `a*b` into its own order and merges `x*x`; a lecturer's line keeps the factors where the
rule put them. These builders make unevaluated nodes; `.doit()` (verification) removes the structure.
"""

from __future__ import annotations

import sympy as sp

U = sp.UnevaluatedExpr


def mul(*factors: sp.Expr) -> sp.Expr:
    """A product kept as written (no reordering, no merging); factors 1 are not written."""
    kept = tuple(f for f in factors if f != 1)
    if not kept:
        return sp.S.One
    return kept[0] if len(kept) == 1 else sp.Mul(*kept, evaluate=False)


def add(*terms: sp.Expr) -> sp.Expr:
    """A sum kept in the order written."""
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def frac(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """A fraction shown as one \\frac."""
    return sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


def group(expr: sp.Expr) -> sp.Expr:
    """Keep a sub-expression as one unit on display (printed in brackets where needed)."""
    return expr if expr.is_Atom or isinstance(expr, sp.UnevaluatedExpr) else U(expr)
