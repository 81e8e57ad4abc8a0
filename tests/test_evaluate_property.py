"""The tree walk against SymPy's own evaluation, on random expressions built from the catalog's pieces.

Verification samples what the walk computes: a value that differs from SymPy's, or a point the walk calls
undefined where SymPy has a value (a point no step is checked at), could let a wrong step through."""

from __future__ import annotations

import mpmath
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivator.core.evaluate import compile_mpmath

x = sp.Symbol("x", real=True)
a = sp.Symbol("a", positive=True)
DIGITS = 30
TOL = mpmath.mpf(10) ** -15  # verification's own tolerance (REL_TOL), relative to max(1, |value|)

LEAVES = st.sampled_from(
    [x, x, a, sp.Integer(2), sp.Rational(-1, 3), sp.Rational(7, 5), sp.Float("0.1"), sp.pi, sp.E, sp.Integer(0)]
)
UNARY = [sp.exp, sp.log, sp.tanh, sp.erf, sp.erfc, sp.sqrt, sp.Abs, sp.sign, sp.atan, sp.asinh, lambda u: -u,
         lambda u: 1 / (1 + sp.exp(-u)), lambda u: sp.log(1 + sp.exp(u)), lambda u: u ** sp.Rational(1, 3)]
BINARY = [sp.Add, sp.Mul, lambda u, v: u / v, lambda u, v: u**2 - v, lambda u, v: u ** sp.Rational(3, 2) * v,
          sp.Max, sp.Min, lambda u, v: u**-3 + v]


def _built(make, *parts):
    """make(*parts), or x where SymPy refuses to build it (a comparison of a constant non-real number)."""
    try:
        return make(*parts)
    except (TypeError, ValueError, NotImplementedError):
        return x


def _condition(u: sp.Expr, v: sp.Expr) -> st.SearchStrategy:
    made = [_built(make, u, v) for make in (sp.Lt, sp.Ge, sp.Eq, lambda u, v: u > 0, lambda u, v: v <= 1)]
    comparisons = st.sampled_from([c for c in made if c is not x] or [x < 0])
    # a guard on x joined to a comparison that may have no truth value where the guard decides the case
    guards = st.sampled_from([x < 0, x > 1, x >= -1, sp.Eq(x, sp.Rational(3, 8))])
    joined = st.tuples(st.sampled_from([sp.And, sp.Or]), guards, comparisons).map(
        lambda p: _built(p[0], *((p[1], p[2]) if hash(p[2]) % 2 else (p[2], p[1])))
    )
    return st.one_of(comparisons, joined, joined.map(sp.Not), st.tuples(joined, joined).map(lambda p: sp.And(*p)))


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    unary = st.tuples(st.sampled_from(UNARY), children).map(lambda p: _built(*p))
    binary = st.tuples(st.sampled_from(BINARY), children, children).map(lambda p: _built(*p))
    cases = st.tuples(children, children).flatmap(
        lambda p: _condition(*p).map(lambda c: _built(sp.Piecewise, (p[0], c), (p[1], True)))
    )
    return st.one_of(unary, binary, cases)


TREES = st.recursive(LEAVES, _extend, max_leaves=8)
# cases without an otherwise (undefined where no condition holds) only outermost: SymPy's exp and Max of
# such a case give a number where no condition holds (exp(nan) as 1), so there is no verdict to compare
WITHOUT_OTHERWISE = st.tuples(TREES, TREES, TREES).flatmap(
    lambda p: _condition(p[0], p[1]).map(lambda c: _built(sp.Piecewise, (p[0], c), (p[2], x > 0)))
)
EXPRESSIONS = st.one_of(TREES, WITHOUT_OTHERWISE)
# binary fractions: the walk gets the same number SymPy does, so a boundary case is decided alike
POINTS = st.sampled_from(["-3.75", "-1.25", "-0.5", "0.375", "1.125", "2.875"])


def _walked(f, point) -> mpmath.mpc | None:
    try:
        with mpmath.workdps(DIGITS):
            v = mpmath.mpmathify(f(*point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return v if mpmath.isfinite(v) else None


RAISED = object()  # SymPy raised while substituting or evaluating


def _sympys(expr: sp.Expr, values: dict) -> mpmath.mpc | None | bool:
    """SymPy's value at the point; None where SymPy says it is undefined, False where it cannot tell.
    Substituted two ways, subs and xreplace: where they disagree (subs gives exp of a case with no true
    condition as 1, xreplace as nan), SymPy has no one verdict to compare with."""
    by_subs, by_xreplace = (_sympy_value(expr, values, way) for way in ("subs", "xreplace"))
    if any(v is RAISED or v is False for v in (by_subs, by_xreplace)):
        # one way gave up: the other's value, if it has one (subs decides an And that xreplace cannot)
        other = by_xreplace if by_subs is RAISED else by_subs if by_xreplace is RAISED else False
        return False if other is RAISED else other
    if by_subs is None or by_xreplace is None:
        return None if by_subs is by_xreplace else False
    with mpmath.workdps(DIGITS):
        return by_subs if abs(by_subs - by_xreplace) <= TOL * max(1, abs(by_subs)) else False


def _sympy_value(expr: sp.Expr, values: dict, way: str):
    try:
        v = getattr(expr, way)(values).evalf(DIGITS)
    except (TypeError, ValueError, ZeroDivisionError, NotImplementedError):
        # a comparison of non-real numbers, Max of complex ones, where SymPy's cases are not lazy (ITE)
        return RAISED
    if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    if not v.is_number or v.free_symbols or v.has(sp.Piecewise, sp.Function):
        return False  # left unevaluated: no verdict to compare with
    try:
        return mpmath.mpmathify(complex(v)) if v.has(sp.I) or not v.is_real else sp.Float(v, DIGITS)._to_mpmath(100)
    except (TypeError, ValueError):
        return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expr=EXPRESSIONS, point=POINTS, parameter=st.sampled_from(["0.5", "1.5"]))
def test_the_walk_gives_sympys_values(expr: sp.Expr, point: str, parameter: str) -> None:
    f = compile_mpmath(expr, (x, a))
    if f is None:
        return  # declined: the caller uses lambdify
    values = {x: sp.Rational(point), a: sp.Rational(parameter)}
    want = _sympys(expr, values)
    if want is False:
        return
    got = _walked(f, (mpmath.mpf(point), mpmath.mpf(parameter)))
    assert (got is None) == (want is None), (expr, point, got, want)
    if got is not None:
        with mpmath.workdps(DIGITS):
            assert abs(got - want) <= TOL * max(1, abs(want)), (expr, point, got, want)
