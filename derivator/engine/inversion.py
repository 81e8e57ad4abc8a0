"""When inverting y = f(x) cannot give the derivative as a function of y: cheap tests before `solve`.

`solve` spends seconds (its Lambert-W and factoring paths) on equations that cannot lead to an output form.
Two tests tell those apart in milliseconds; each only skips a search, so a form is never accepted on them:

- two slopes at one level: points x1, x2 with f(x1) = f(x2) where f′ has opposite signs. No P can then
  give f′(x) = P(f(x)) (P(y) would have to be both), so no candidate of any route can pass the check.
  Swish, GELU, Mish, LiSHT and the Gaussian have a minimum or maximum on the sampled interval.
- x both free and inside a circular trigonometric or error function (x + sin²x, sin(x)/x): a Kepler-type
  equation, which has no closed-form solution in the functions `solve` knows, so it can only fail.
"""

from __future__ import annotations

from typing import Callable

import mpmath
import sympy as sp

from derivator.verify import DIGITS, Domain, compile_expr, value_at

GRID = 48
BISECTIONS = 80
SAME_LEVEL = mpmath.mpf(10) ** -20  # f(x1) and f(x2) agree to this (relative), at 30 digits
CLEAR_SLOPE = mpmath.mpf(10) ** -6  # both slopes this far from 0
KEPLER_HEADS = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc, sp.erf, sp.erfc, sp.erfi, sp.besselj, sp.gamma)


def cannot_invert(definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, domain: Domain) -> bool:
    """True when no derivative-in-y can come out of inverting y = definition (both in plain SymPy)."""
    return _kepler_type(definition, x) or _two_slopes_at_one_level(definition, derivative, x, domain)


def _kepler_type(f: sp.Expr, x: sp.Symbol) -> bool:
    """x appears outside every function and inside a trigonometric or error function."""
    inside = [g for g in f.atoms(sp.Function) if isinstance(g, KEPLER_HEADS) and g.has(x)]
    if not inside:
        return False
    functions = [g for g in f.atoms(sp.Function) if g.has(x)]
    return f.xreplace({g: sp.Dummy() for g in functions}).has(x)


def _real(f: Callable, point: mpmath.mpf) -> mpmath.mpf | None:
    v = value_at(f, (point,))
    if v is None or (isinstance(v, mpmath.mpc) and v.imag != 0):
        return None
    return mpmath.mpf(v.real) if isinstance(v, mpmath.mpc) else v


def _level_crossing(f: Callable, level: mpmath.mpf, a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf | None:
    """A point of [a, b] where f = level, by bisection (f - level changes sign on [a, b])."""
    fa = _real(f, a)
    if fa is None:
        return None
    for _ in range(BISECTIONS):
        m = (a + b) / 2
        fm = _real(f, m)
        if fm is None:
            return None
        if (fm - level >= 0) == (fa - level >= 0):
            a, fa = m, fm
        else:
            b = m
    return (a + b) / 2


def _two_slopes_at_one_level(f_expr: sp.Expr, df_expr: sp.Expr, x: sp.Symbol, domain: Domain) -> bool:
    """A witness in the sampled interval: x1 < x2 with f(x1) = f(x2) and f′(x1), f′(x2) of opposite signs."""
    if f_expr.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside, sp.Abs) or not df_expr.has(x):
        return False
    f, df = compile_expr(f_expr, (x,)), compile_expr(df_expr, (x,))
    with mpmath.workdps(DIGITS):
        lo, hi = mpmath.mpf(domain.low), mpmath.mpf(domain.high)
        xs = [lo + (hi - lo) * (i + mpmath.mpf(1) / 3) / GRID for i in range(GRID)]
        values = [_real(f, p) for p in xs]
        for i in range(1, GRID - 1):
            left, mid, right = values[i - 1], values[i], values[i + 1]
            if left is None or mid is None or right is None:
                continue
            sign = 1 if mid < min(left, right) else -1 if mid > max(left, right) else 0
            if not sign:
                continue
            # a minimum (or maximum) between xs[i-1] and xs[i+1]: the level of the nearer neighbour is
            # crossed on both sides of it
            level = min(left, right) if sign > 0 else max(left, right)
            x1 = xs[i - 1] if left == level else _level_crossing(f, level, xs[i - 1], xs[i])
            x2 = xs[i + 1] if right == level else _level_crossing(f, level, xs[i], xs[i + 1])
            if x1 is None or x2 is None:
                continue
            f1, f2, d1, d2 = _real(f, x1), _real(f, x2), _real(df, x1), _real(df, x2)
            if f1 is None or f2 is None or d1 is None or d2 is None:
                continue
            same = abs(f1 - f2) <= SAME_LEVEL * max(1, abs(f1))
            if same and min(abs(d1), abs(d2)) > CLEAR_SLOPE and (d1 > 0) != (d2 > 0):
                return True
    return False
