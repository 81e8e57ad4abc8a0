"""Catalog functions recognised in typed input: (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) is tanh(x), log(1 + e^{3x}) is
softplus(3x), (1 + erf(x/√2))/2 is Φ(x).

A sub-expression is replaced by g(u) only where it is exactly g's definition at u (matched, then proved
equal by SymPy); each replacement is its own recorded step, verified like every other. The derivation
then goes on in g, citing g′ as the catalog does.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

from derivator.core.budget import attempt
from derivator.engine.rewrites import Target
from derivator.verify import DIGITS, compile_expr, plain, value_at

PROVE_SECONDS = 1.0
_w = sp.Wild("w")


@dataclass(frozen=True)
class Recognition:
    """One sub-expression of the input (as written) that is g(u)."""

    written: sp.Expr
    function: sp.Expr  # g(u)


def _heads(expr: sp.Expr) -> set[type]:
    return {type(f) for f in expr.atoms(sp.Function)}


def _exactly(target: Target, expr: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """g(u) if expr is g's definition at some u that depends on x, else None."""
    pattern = target.definition(_w)
    # a match needs the same kind of node and the same functions (e^x, log, erf): most nodes stop here
    if type(expr) is not type(pattern) or not _heads(pattern) <= _heads(expr):
        return None
    match = expr.match(pattern)
    u = match.get(_w) if match else None
    if u is None or not u.has(x):
        return None
    if attempt(PROVE_SECONDS, sp.simplify, target.definition(u) - expr) != 0:
        return None  # a pattern match is a guess until the two are proved equal
    return target.function(u)


SAMPLES = (sp.Rational(-13, 10), sp.Rational(7, 10), sp.Rational(21, 10))


def _values(expr: sp.Expr, x: sp.Symbol) -> list | None:
    """expr at the sample points (mpmath numbers, 30 digits), or None where one is not a finite number (a
    pole, a free parameter). Compiled, not `N(expr.subs(x, point))`: substituting a number into σ(σ(…σ(x)))
    makes SymPy ask each exp whether its argument is positive, evaluating the inner chain again at every
    level — exponential in the depth (depth 16 took minutes here)."""
    f = compile_expr(plain(expr), (x,))
    with mpmath.workdps(DIGITS):
        points = [mpmath.mpf(p.p) / p.q for p in SAMPLES]
    values = [value_at(f, (point,)) for point in points]
    return values if all(v is not None for v in values) else None


def _same_function(target: Target, expr: sp.Expr, x: sp.Symbol, values: list[sp.Expr]) -> sp.Expr | None:
    """g(x) if expr, written otherwise, is g(x) (eˣ/(1 + eˣ) is σ(x)): equal at sample points first,
    which is cheap and rules out nearly everything, then proved equal by SymPy."""
    if expr.has(target.function):
        return None  # tanh(x) is already written as itself
    definition = target.definition(x)
    expected = _values(definition, x)
    if expected is None or any(abs(a - b) > 1e-20 * (1 + abs(b)) for a, b in zip(values, expected)):
        return None
    if attempt(PROVE_SECONDS, sp.simplify, definition - expr) != 0:
        return None
    return target.function(x)


def recognitions(expr: sp.Expr, x: sp.Symbol, targets: list[Target], *, whole: bool = True) -> list[Recognition]:
    """The outermost sub-expressions that are a target function, in reading order: written as its
    definition (at any argument u), or — the whole input only, with u = x — written otherwise."""
    if expr.is_Atom or not expr.has(x):
        return []
    for target in targets:
        found = _exactly(target, expr, x)
        if found is not None:
            return [Recognition(expr, found)]
    values = _values(expr, x) if whole else None
    if values is not None:
        for target in targets:
            found = _same_function(target, expr, x, values)
            if found is not None:
                return [Recognition(expr, found)]
    return [r for arg in expr.args for r in recognitions(arg, x, targets, whole=False)]
