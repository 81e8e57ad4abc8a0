"""Max, Min, Heaviside and Piecewise as regions: open intervals of the variable, each with one formula.

Differentiating region by region and recording the boundaries as kinks is how lecturers treat ReLU;
it also keeps SymPy's silent conventions (Heaviside(0) = 1/2) out of every result.
"""

from __future__ import annotations

from typing import Iterable

import sympy as sp

from derivator.core.trace import ParameterSymbol

Region = tuple[sp.Expr, sp.Expr, sp.Expr]  # (value, low, high): value on the open interval (low, high)
PIECEWISE_HEADS = (sp.Max, sp.Min, sp.Heaviside, sp.sign, sp.Piecewise)


# heads whose argument's zeros are kinks wherever they stand in an expression (x·H(x), e^{-|x|})
KINK_HEADS = (*PIECEWISE_HEADS, sp.Abs)


def as_piecewise(expr: sp.Expr, *, with_abs: bool = False) -> sp.Expr:
    """Max, Min, Heaviside and sign (with with_abs, also Abs) rewritten as Piecewise, everywhere in the
    tree. H and sign have no row at 0: where a function jumps, its value there (SymPy's H(0) = 1/2, or
    one the user gave) is a convention, not part of the cases a lecturer writes."""
    expr = expr.replace(
        lambda e: isinstance(e, sp.Heaviside),
        lambda e: sp.Piecewise((0, e.args[0] < 0), (1, e.args[0] > 0)),
    )
    expr = expr.replace(lambda e: isinstance(e, sp.sign), lambda e: sp.Piecewise((-1, e.args[0] < 0), (1, e.args[0] > 0)))
    if with_abs:
        expr = expr.replace(lambda e: isinstance(e, sp.Abs), lambda e: sp.Piecewise((-e.args[0], e.args[0] < 0), (e.args[0], True)))
    return expr.rewrite(sp.Piecewise) if expr.has(sp.Max, sp.Min) else expr


def _branch_at(expr: sp.Expr, x: sp.Symbol, probe: sp.Expr) -> sp.Expr | None:
    """Every Piecewise in expr replaced by its branch that holds at x = probe."""
    failed = False

    def pick(pw: sp.Piecewise) -> sp.Expr:
        nonlocal failed
        for value, cond in pw.args:
            truth = cond.subs(x, probe)
            if truth is sp.true:
                return value
            if truth is not sp.false:
                failed = True
                return pw
        failed = True
        return pw

    result = expr
    while result.has(sp.Piecewise) and not failed:
        result = result.replace(lambda e: isinstance(e, sp.Piecewise), pick)
    return None if failed or result.has(sp.nan) else result


def _cuts(expr: sp.Expr, x: sp.Symbol) -> list[sp.Expr] | None:
    cuts = set()
    for rel in expr.atoms(sp.Rel):
        if not rel.has(x):
            continue
        boundary = _linear_boundary(rel, x)
        try:
            # as_set solves the inequality in general (seconds per condition); linear ones are read off
            boundary = boundary if boundary is not None else rel.as_set().boundary
        except (NotImplementedError, TypeError, ValueError):
            return None
        if not isinstance(boundary, sp.FiniteSet):
            return None
        for point in boundary:
            # a number, or a catalog parameter's position (λ, −λ); never at a symbol of typed input
            if point.is_real is not True or not all(isinstance(s, ParameterSymbol) for s in point.free_symbols):
                return None
            cuts.add(point)
    return left_to_right(cuts)


def left_to_right(cuts: Iterable[sp.Expr]) -> list[sp.Expr] | None:
    """The points left to right; a parameter's point (λ, −λ with λ > 0) only where its symbols' assumptions
    decide the order, else None (never an order guessed)."""
    cuts = set(cuts)
    if all(c.is_number for c in cuts):
        return sorted(cuts, key=float)
    ordered: list[sp.Expr] = []
    for cut in sorted(cuts, key=sp.default_sort_key):
        at = 0
        while at < len(ordered):
            before = (cut - ordered[at]).is_negative
            if before is None:
                return None
            if before:
                break
            at += 1
        ordered.insert(at, cut)
    return ordered


def _linear_boundary(rel: sp.Rel, x: sp.Symbol) -> sp.FiniteSet | None:
    """{-b/a} for a relation a·x + b ⋚ 0 with a number a ≠ 0 and b free of x, a number or real parameters
    (what as_set().boundary gives for numbers), else None."""
    if not isinstance(rel, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan, sp.Eq, sp.Ne)):
        return None
    side = rel.lhs - rel.rhs
    if not side.is_polynomial(x) or sp.degree(side, x) != 1:
        return None
    a, b = side.coeff(x, 1), side.coeff(x, 0)
    if not (a.is_number and a.is_real and a != 0 and b.is_real and not b.has(x)):
        return None
    return sp.FiniteSet(-b / a)


def as_regions(expr: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, list[Region]] | None:
    """(the expression as cases, its regions), or None if it is not piecewise in x or cannot be split."""
    if not isinstance(expr, PIECEWISE_HEADS) or not expr.has(x):
        return None
    return _split(as_piecewise(expr), x)


def kink_regions(expr: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, list[Region]] | None:
    """as_regions for an expression with Max, Min, Heaviside, Abs, sign or Piecewise anywhere in it
    (x·H(x), |x|, e^{-|x|}): where its kinks are, whatever the derivation's own steps did with it."""
    if not expr.has(*KINK_HEADS) or not expr.has(x):
        return None
    folded = sp.piecewise_fold(as_piecewise(expr, with_abs=True))
    return _split(folded, x) if isinstance(folded, sp.Piecewise) else None


def _split(pw: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, list[Region]] | None:
    cuts = _cuts(pw, x)
    if cuts is None:
        return None
    bounds = [sp.S.NegativeInfinity, *cuts, sp.S.Infinity]
    regions: list[Region] = []
    for low, high in zip(bounds, bounds[1:]):
        value = _branch_at(pw, x, _midpoint(low, high))
        if value is None:
            return None
        if regions and regions[-1][0] == value:
            regions[-1] = (value, regions[-1][1], high)
        else:
            regions.append((value, low, high))
    return pw, regions


def _midpoint(low: sp.Expr, high: sp.Expr) -> sp.Expr:
    if low is sp.S.NegativeInfinity and high is sp.S.Infinity:
        return sp.S.Zero
    if low is sp.S.NegativeInfinity:
        return high - 1
    if high is sp.S.Infinity:
        return low + 1
    return (low + high) / 2
