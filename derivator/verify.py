"""Check that two expressions are equal: numerically at random points (mpmath, 30 digits), and
symbolically when that is cheap.

Both sides are first turned into plain SymPy (`doit` evaluates pending derivatives with sympy.diff,
`expand_named` writes σ and friends out), so a step is checked by SymPy, not by the rule that made it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import mpmath
import sympy as sp

from derivator.functions import expand_named
from derivator.trace import Derivation, Step, Verification

DIGITS = 30
POINTS = 20
MIN_POINTS = 8
REL_TOL = mpmath.mpf(10) ** -15
SYMBOLIC_OPS_LIMIT = 40


@dataclass(frozen=True)
class Domain:
    """Where to sample: an interval, avoiding given points (kinks) by a margin."""

    low: float = -4.0
    high: float = 4.0
    avoid: tuple[float, ...] = ()
    # sample only where this expression (the function being derived) is real: acosh needs x > 1
    real_for: sp.Expr | None = None


@lru_cache(maxsize=1024)
def plain(expr: sp.Expr) -> sp.Expr:
    """Remove display structure and derivator-only functions; evaluate pending derivatives."""
    expr = expand_named(expr)
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    return expand_named(expr.doit())


@lru_cache(maxsize=1024)
def _compile(expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> Callable:
    # cached: a step's "after" is the next step's "before", so each line is compiled once
    # sampling stays away from kinks, where DiracDelta (the derivative of a step) is 0
    expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    # lambdify prints derivator's own expression tree (never user text) to mpmath code
    try:
        return sp.lambdify(symbols, expr, modules="mpmath")
    except Exception:  # printers without support for a node fall back to evalf below
        return lambda *values: expr.evalf(DIGITS, subs=dict(zip(symbols, values)))


def _value(f: Callable, point: tuple) -> mpmath.mpc | None:
    try:
        with mpmath.workdps(DIGITS):
            v = f(*point)
            v = mpmath.mpmathify(complex(v) if isinstance(v, sp.Basic) and not v.is_number else v)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError, AttributeError, NameError):
        return None
    if isinstance(v, (mpmath.mpf, mpmath.mpc)) and mpmath.isfinite(v):
        return v
    return None


def _points(seed_text: str, n: int, symbols: tuple[sp.Symbol, ...], domain: Domain) -> Iterable[tuple]:
    rng = random.Random(hashlib.sha256(seed_text.encode()).digest())
    produced = 0
    while produced < n:
        point = []
        for _ in symbols:
            v = rng.uniform(domain.low, domain.high)
            while any(abs(v - a) < 1e-3 for a in domain.avoid):
                v = rng.uniform(domain.low, domain.high)
            point.append(mpmath.mpf(repr(v)))
        produced += 1
        yield tuple(point)


def _symbolically_zero(diff: sp.Expr) -> bool:
    if sp.count_ops(diff) > SYMBOLIC_OPS_LIMIT:
        return False
    try:
        return sp.expand(diff) == 0 or sp.cancel(sp.together(diff)) == 0
    except (sp.PolynomialError, RecursionError, TypeError, ValueError):
        return False


def check_equal(
    a: sp.Expr,
    b: sp.Expr,
    symbols: tuple[sp.Symbol, ...] | None = None,
    domain: Domain = Domain(),
    *,
    symbolic: bool = True,
) -> Verification:
    """Is a == b as functions of `symbols`? Numeric evidence always, a symbolic proof when cheap."""
    pa, pb = plain(a), plain(b)
    if symbols is None:
        symbols = tuple(sorted(pa.free_symbols | pb.free_symbols, key=lambda s: s.name))
    proven = symbolic and _symbolically_zero(pa - pb)
    fa, fb = _compile(pa, symbols), _compile(pb, symbols)
    real_for = _compile(plain(domain.real_for), symbols) if domain.real_for is not None else None
    agreed = 0
    for point in _points(sp.srepr(pa) + "|" + sp.srepr(pb), POINTS * 3, symbols, domain):
        if real_for is not None:
            vf = _value(real_for, point)
            if vf is None or (isinstance(vf, mpmath.mpc) and abs(vf.imag) > REL_TOL * max(1, abs(vf))):
                continue
        va, vb = _value(fa, point), _value(fb, point)
        if va is None or vb is None:
            if (va is None) != (vb is None) and not proven:
                # one side is defined where the other is not: not an identity at this point
                continue
            continue
        with mpmath.workdps(DIGITS):
            scale = max(mpmath.mpf(1), abs(va), abs(vb))
            if abs(va - vb) > REL_TOL * scale:
                counter = {s.name: mpmath.nstr(p, 12) for s, p in zip(symbols, point)}
                return Verification(
                    ok=False,
                    method="numeric",
                    points=agreed,
                    counterexample=counter | {"lhs": mpmath.nstr(va, 15), "rhs": mpmath.nstr(vb, 15)},
                )
        agreed += 1
        if agreed >= POINTS:
            break
    if agreed >= MIN_POINTS:
        return Verification(True, "symbolic+numeric" if proven else "numeric", agreed)
    if proven:
        return Verification(True, "symbolic", 0)
    return Verification(False, None, agreed, note="could not evaluate enough sample points")


def verify_step(
    step: Step, symbols: tuple[sp.Symbol, ...], domain: Domain = Domain(), substitute: dict | None = None
) -> Step:
    """Verify a step (and its sub-steps); `substitute` puts y = f(x) back into output-form steps."""
    for sub in step.substeps:
        verify_step(sub, symbols, domain, substitute)
    before, after = step.before, step.after
    if substitute:
        before, after = before.subs(substitute), after.subs(substitute)
    step.verification = check_equal(before, after, symbols, domain)
    return step


def verify_derivation(d: Derivation, domain: Domain = Domain()) -> Derivation:
    """Verify every step, and the final derivative against sympy.diff of the definition."""
    x = d.variable
    symbols = tuple(sorted(plain(d.definition).free_symbols | {x}, key=lambda s: s.name))
    for step in d.steps:
        verify_step(step, symbols, domain)
    reference = sp.diff(plain(d.definition), x, d.order)
    d.final_check = check_equal(d.derivative, reference, symbols, domain)
    if d.output_form is not None:
        y = d.output_symbol
        in_x = d.output_form.subs(y, d.function)
        for step in d.output_steps:
            verify_step(step, symbols, domain, substitute={y: d.definition})
        d.output_check = check_equal(in_x, reference, symbols, domain)
    return d
