"""The derivative in terms of the function's own output y = f(x): what backprop code uses.

Found by a general method, not a table: (1) when the simplified derivative depends on x only through
f(x) itself, substitute y; (2) otherwise invert y = f(x) and substitute x; (3) otherwise eliminate the
shared transcendental t = e^x with a resultant. Whatever the route, the result is a claim that is
verified like every other step (substitute y = f(x), compare at random points).
"""

from __future__ import annotations

import sympy as sp

from derivator.trace import Step
from derivator.verify import check_equal, plain

MAX_OPS = 60


def _only_through(expr: sp.Expr, fx: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> sp.Expr | None:
    replaced = expr.xreplace({fx: y})
    return replaced if not replaced.has(x) and replaced.has(y) else None


def _accept(candidate: sp.Expr, derivative: sp.Expr, definition: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> bool:
    if candidate.has(x) or not candidate.has(y) or candidate.has(sp.I):
        return False
    return check_equal(candidate.subs(y, definition), derivative, (x,)).ok


def by_inversion(definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> list[Step] | None:
    if sp.count_ops(definition) > MAX_OPS or definition.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside):
        return None
    try:
        inverses = sp.solve(sp.Eq(y, definition), x)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
        return None
    for inverse in inverses:
        if inverse.has(sp.I):
            continue
        substituted = plain(derivative).subs(x, inverse)
        candidate = sp.simplify(substituted)
        if _accept(candidate, plain(derivative), definition, x, y):
            return [
                Step("output.invert", derivative, substituted, {"x": inverse, "y": y}),
                Step("output.simplify", substituted, candidate, {}),
            ]
    return None


def by_elimination(definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> list[Step] | None:
    t, d = sp.symbols("t d", positive=True)
    f_t = sp.together(plain(definition).subs(sp.exp(x), t).subs(sp.exp(-x), 1 / t))
    g_t = sp.together(plain(derivative).subs(sp.exp(x), t).subs(sp.exp(-x), 1 / t))
    if f_t.has(x) or g_t.has(x) or sp.count_ops(f_t) + sp.count_ops(g_t) > MAX_OPS:
        return None
    try:
        fn, fd = sp.fraction(f_t)
        gn, gd = sp.fraction(g_t)
        relation = sp.resultant(sp.expand(y * fd - fn), sp.expand(d * gd - gn), t)
        factors = sp.factor_list(relation, d)[1]
    except (sp.PolynomialError, NotImplementedError, ValueError, TypeError):
        return None
    for factor, _ in factors:
        if not factor.has(d):
            continue
        for root in sp.solve(factor, d):
            if _accept(root, plain(derivative), definition, x, y):
                return [Step("output.eliminate", derivative, root, {"t": sp.exp(x), "relation": factor})]
    return None


def output_form(
    function: sp.Expr, definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol
) -> tuple[sp.Expr, list[Step]] | None:
    """(P(y), its steps) with f'(x) = P(f(x)), or None when there is no closed form in y."""
    direct = _only_through(derivative, function, x, y)
    if direct is not None:
        return direct, [Step("output.substitute", derivative, direct, {"y": function})]
    for route in (by_inversion, by_elimination):
        steps = route(definition, derivative, x, y)
        if steps:
            return steps[-1].after, steps
    return None
