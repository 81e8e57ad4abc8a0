"""The derivative in terms of the function's own output y = f(x): what backprop code uses.

Found by a general method, not a table: (1) when the simplified derivative depends on x only through
f(x) itself, substitute y; (2) otherwise invert y = f(x) and substitute x; (3) otherwise eliminate the
shared transcendental t = e^x with a resultant. Whatever the route, the result is a claim that is
verified like every other step (substitute y = f(x), compare at random points).
"""

from __future__ import annotations

import sympy as sp

from derivator.core.budget import attempt
from derivator.core.step_ids import StepId
from derivator.core.trace import Step
from derivator.engine.inversion import cannot_invert
from derivator.engine.tree_inverse import invert_by_tree
from derivator.verify import Domain, check_equal, plain

MAX_OPS = 60
ROUTE_SECONDS = 2.0
# a "closed form" longer than this is no help to a reader; say there is none instead
MAX_RESULT_OPS = 30


def _only_through(expr: sp.Expr, fx: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> sp.Expr | None:
    replaced = expr.xreplace({fx: y})
    return replaced if not replaced.has(x) and replaced.has(y) else None


def _accept(
    candidate: sp.Expr,
    derivative: sp.Expr,
    definition: sp.Expr,
    x: sp.Symbol,
    y: sp.Symbol,
    pieces: bool = False,
    domain: Domain = Domain(),
    composed: sp.Expr | None = None,
) -> bool:
    if candidate.has(x) or candidate.has(sp.I, sp.nan, sp.zoo) or (candidate.has(sp.Piecewise) and not pieces):
        return False
    if not pieces and (not candidate.has(y) or sp.count_ops(candidate) > MAX_RESULT_OPS):
        return False
    if composed is None:
        composed = candidate.subs(y, definition)
    # (the parameters, α in ELU, are sampled too: the form must hold for each of their values)
    return check_equal(composed, derivative, None, domain).ok


def by_kernel(
    definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol, domain: Domain = Domain()
) -> list[Step] | None:
    """f = a·k(x) + b for one function application k (tanh(2x/3) in LeCun's tanh): k = (y − b)/a."""
    f = definition
    kernels = [k for k in f.atoms(sp.Function) if k.has(x)]
    if len(kernels) != 1:
        return None
    (k,) = kernels
    t = sp.Dummy("k")
    f_t, d_t = f.xreplace({k: t}), derivative.xreplace({k: t})
    if f_t.has(x) or d_t.has(x) or not f_t.is_polynomial(t) or sp.degree(f_t, t) != 1:
        return None
    (kernel_value,) = sp.solve(sp.Eq(y, f_t), t)
    candidate = sp.expand(d_t.xreplace({t: kernel_value}))
    factored = sp.factor(candidate)
    candidate = factored if sp.count_ops(factored) <= sp.count_ops(candidate) else candidate
    if not _accept(candidate, plain(derivative), definition, x, y, domain=domain):
        return None
    return [Step(StepId.OUTPUT_KERNEL, derivative, candidate, {"kernel": k, "value": kernel_value})]


def by_inversion(
    definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol, domain: Domain = Domain()
) -> list[Step] | None:
    if sp.count_ops(definition) > MAX_OPS or definition.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside):
        return None
    if cannot_invert(plain(definition), plain(derivative), x, domain):
        return None  # solve would search for seconds; no candidate could pass the check below
    by_hand = invert_by_tree(plain(definition), x, y)
    # the inverse found by undoing f's operations is used only once g(f(x)) = x is checked; solve is
    # the fallback where the walk stops (x in two places) or its inverse or form does not hold
    if by_hand is not None and check_equal(by_hand.subs(y, plain(definition)), x, None, domain).ok:
        steps = _through_inverse(by_hand, definition, derivative, x, y, domain)
        if steps:
            return steps
    try:
        # σ and friends written out: solve knows exp and log, not derivator's named functions
        # every candidate is verified numerically below: SymPy's own checks and simplification are redundant
        inverses = sp.solve(sp.Eq(y, plain(definition)), x, check=False, simplify=False, rational=False)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError):
        return None
    for inverse in inverses:
        if inverse.has(sp.I) or inverse == by_hand:
            continue
        steps = _through_inverse(inverse, definition, derivative, x, y, domain)
        if steps:
            return steps
    return None


def _through_inverse(
    inverse: sp.Expr, definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol, domain: Domain
) -> list[Step] | None:
    """The steps 'substitute x = g(y), simplify', when the simplified form passes the check."""
    substituted = plain(derivative).subs(x, inverse)
    candidate = sp.simplify(substituted)
    if not _accept(candidate, plain(derivative), definition, x, y, domain=domain):
        return None
    return [
        Step(StepId.OUTPUT_INVERT, derivative, substituted, {"x": inverse, "y": y}),
        Step(StepId.OUTPUT_SIMPLIFY, substituted, candidate, {}),
    ]


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
                return [Step(StepId.OUTPUT_ELIMINATE, derivative, root, {"t": sp.exp(x), "relation": factor})]
    return None


def _sampling(low: sp.Expr, high: sp.Expr) -> Domain:
    """Where to check a region's form: inside (low, high), or a stretch of 4 at an infinite end; on the
    whole default range where an end is a parameter (hardtanh's (a, b): x and a, b are sampled apart)."""
    if not (low.is_number and high.is_number):
        return Domain()
    if low.is_finite and high.is_finite:
        lo, hi = float(low), float(high)
    elif high.is_finite:
        lo, hi = float(high) - 4.0, float(high)
    elif low.is_finite:
        lo, hi = float(low), float(low) + 4.0
    else:
        lo, hi = -4.0, 4.0
    return Domain(low=lo, high=hi, avoid=(lo, hi))


def _region_form(
    f: sp.Expr, d: sp.Expr, x: sp.Symbol, y: sp.Symbol, domain: Domain = Domain()
) -> sp.Expr | None:
    """P with d = P(f) on one region; a constant piece gives P = its (constant) derivative."""
    if not f.has(x):
        return d if not d.has(x) else None
    if f == x:
        return d.xreplace({x: y})
    if not d.has(x):
        return d
    for route in (by_kernel, by_inversion):
        steps = route(f, d, x, y, domain)
        if steps:
            form = steps[-1].after
            factored = sp.factor(form)
            return factored if sp.count_ops(factored) < sp.count_ops(form) else form
    return None


def _y_condition(f: sp.Expr, low: sp.Expr, high: sp.Expr, x: sp.Symbol, y: sp.Symbol):
    """The values y = f(x) takes for x in (low, high), for f monotone there: an interval or a point."""
    if not f.has(x):
        return sp.Eq(y, f)
    a = sp.limit(f, x, low, "+") if low is not sp.S.NegativeInfinity else sp.limit(f, x, -sp.oo)
    b = sp.limit(f, x, high, "-") if high is not sp.S.Infinity else sp.limit(f, x, sp.oo)
    below = _less(a, b)  # (at a parameter's value, −α for ELU, as its assumptions decide)
    if below is None:
        return None
    if not below:
        a, b = b, a
    conditions = [c for c in ((y > a) if a.is_finite else None, (y < b) if b.is_finite else None) if c is not None]
    return sp.And(*conditions) if conditions else sp.true


def _less(a: sp.Expr, b: sp.Expr) -> bool | None:
    """a < b for numbers, ±∞ or expressions in parameters whose assumptions decide it; else None."""
    if a == b:
        return False
    return (a - b).is_extended_negative


def _span(condition, y: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """The y-values a condition allows, as (low, high); a point is (v, v). Ends may be parameters (−α)."""
    if isinstance(condition, sp.Eq):
        return (condition.rhs, condition.rhs) if not condition.rhs.has(y) else None
    low, high = sp.S.NegativeInfinity, sp.S.Infinity
    parts = condition.args if isinstance(condition, sp.And) else (condition,)
    for part in parts:
        if condition is sp.true:
            continue
        if not (isinstance(part, (sp.StrictGreaterThan, sp.StrictLessThan)) and part.lhs == y and not part.rhs.has(y)):
            return None
        end = part.rhs
        tighter = _less(low, end) if isinstance(part, sp.StrictGreaterThan) else _less(end, high)
        if tighter is None:
            return None
        if tighter:
            low, high = (end, high) if isinstance(part, sp.StrictGreaterThan) else (low, end)
    return low, high


def _overlap(a: tuple[sp.Expr, sp.Expr], b: tuple[sp.Expr, sp.Expr]) -> bool:
    """Do two spans share a y? Where the assumptions cannot tell, they may: counted as overlapping."""
    def lt(u: sp.Expr, v: sp.Expr) -> bool:
        return _less(u, v) is not False

    if a[0] == a[1] and b[0] == b[1]:
        return sp.simplify(a[0] - b[0]) == 0 or _less(a[0], b[0]) is None
    if a[0] == a[1]:
        return lt(b[0], a[0]) and lt(a[0], b[1])
    if b[0] == b[1]:
        return lt(a[0], b[0]) and lt(b[0], a[1])
    return lt(a[0], b[1]) and lt(b[0], a[1])


def by_regions(definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> list[Step] | None:
    """Region by region (ReLU, ELU, softsign with |x| written as cases): P_i(y) where y takes its values."""
    from derivator.engine.regions import as_regions

    source = definition
    if not source.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside) and source.has(sp.Abs):
        source = sp.piecewise_fold(source.replace(sp.Abs, lambda a: sp.Piecewise((-a, a < 0), (a, True))))
    found = as_regions(source, x)
    if found is None:
        return None
    regions = found[1]
    pieces = []
    for f_i, low, high in regions:
        form = _region_form(f_i, sp.diff(f_i, x), x, y, _sampling(low, high))
        if form is None:
            return None
        condition = _y_condition(f_i, low, high, x, y)
        if condition is None:
            return None
        pieces.append((form, condition))
    # where two pieces join smoothly (softsign at 0), f' exists there too: its value at that y
    for (f_left, _, at), (f_right, _, _) in zip(regions, regions[1:]):
        d_left, d_right = sp.diff(f_left, x).subs(x, at), sp.diff(f_right, x).subs(x, at)
        y_at = f_left.subs(x, at)
        joined = sp.simplify(y_at - f_right.subs(x, at)) == 0 and sp.simplify(d_left - d_right) == 0
        if joined and not any(c.subs(y, y_at) is sp.true for _, c in pieces):
            pieces.append((d_left, sp.Eq(y, y_at)))
    # regions must map to disjoint sets of y, or f' is not a function of y (compared as intervals:
    # SymPy's as_set() on these conditions costs seconds)
    spans = [span for _, c in pieces if (span := _span(c, y)) is not None]
    if len(spans) != len(pieces):
        return None
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            if _overlap(a, b):
                return None
    candidate = sp.Piecewise(*pieces)
    plain_derivative = sp.Piecewise(*[(sp.diff(f_i, x), (x > lo) & (x < hi)) for f_i, lo, hi in found[1]])
    # P(f(x)) region by region, as the derivative it is compared with: substituting the Piecewise f into
    # the conditions of the Piecewise P makes SymPy fold them through Boolean.as_set (seconds per entry)
    composed = sp.Piecewise(*[(candidate.xreplace({y: f_i}), (x > lo) & (x < hi)) for f_i, lo, hi in found[1]])
    if not _accept(candidate, plain_derivative, definition, x, y, pieces=True, composed=composed):
        return None
    return [Step(StepId.OUTPUT_REGIONS, derivative, candidate, {"regions": len(pieces)})]


def output_form(
    function: sp.Expr, definition: sp.Expr, derivative: sp.Expr, x: sp.Symbol, y: sp.Symbol
) -> tuple[sp.Expr, list[Step]] | None:
    """(P(y), its steps) with f'(x) = P(f(x)), or None when there is no closed form in y."""
    if not derivative.has(x):
        return derivative, []  # f′ = 1 (identity): the same in terms of y, nothing to substitute
    if not derivative.has(sp.Piecewise):
        direct = _only_through(derivative, function, x, y)
        if direct is not None:
            return direct, [Step(StepId.OUTPUT_SUBSTITUTE, derivative, direct, {"y": function})]
    for route in (by_regions, by_kernel, by_inversion, by_elimination):
        try:
            steps = attempt(ROUTE_SECONDS, route, definition, derivative, x, y)
        except (sp.PolynomialError, NotImplementedError, ValueError, TypeError, ZeroDivisionError):
            steps = None  # this route does not apply; the next one may
        if steps:
            return steps[-1].after, steps
    return None
