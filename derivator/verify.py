"""Check that two expressions are equal: numerically at random points (mpmath, 30 digits), and
symbolically when that is cheap.

Both sides are first turned into plain SymPy (`doit` evaluates pending derivatives with sympy.diff,
`expand_named` writes σ and friends out), so a step is checked by SymPy, not by the rule that made it.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

import mpmath
import sympy as sp

from derivator.core.budget import attempt
from derivator.core.evaluate import compile_mpmath
from derivator.core.functions import InnerFunction, NamedFunction, expand_named
from derivator.core.step_ids import StepId
from derivator.core.trace import Derivation, Step, Verification
from derivator.core.unknown import UnknownDerivative

DIGITS = 30
POINTS = 20
MIN_POINTS = 8
REL_TOL = mpmath.mpf(10) ** -15
SYMBOLIC_OPS_LIMIT = 40
SYMBOLIC_SECONDS = 0.5
NO_RULE = "no differentiation rule covers this part"


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


def lambdify_safe(symbols, expr: sp.Expr, modules) -> Callable:
    """sp.lambdify with every symbol renamed first: a variable called select, exp, log or erf would
    otherwise shadow the NumPy/mpmath function of that name in the generated code."""
    many = isinstance(symbols, (tuple, list))
    given = tuple(symbols) if many else (symbols,)
    dummies = tuple(sp.Dummy(f"v{i}") for i in range(len(given)))
    # renamed without re-evaluating: rebuilding a large tree of real symbols (a network's nested
    # sigmoids) asks SymPy's assumptions at every node, seconds for the same numbers
    with sp.evaluate(False):
        renamed = expr.xreplace(dict(zip(given, dummies)))
        others = {s: sp.Dummy(f"p{i}") for i, s in enumerate(sorted(renamed.free_symbols - set(dummies), key=str))}
        if others:  # free parameters stay free (they make the call fail, as before), under safe names
            renamed = renamed.xreplace(others)
        return sp.lambdify(dummies if many else dummies[0], renamed, modules=modules)


@lru_cache(maxsize=1024)
def _compile(expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> Callable:
    # cached: a step's "after" is the next step's "before", so each line is compiled once
    # sampling stays away from kinks, where DiracDelta (the derivative of a step) is 0
    expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    walked = compile_mpmath(expr, symbols)
    if walked is not None:
        return walked
    # lambdify prints derivator's own expression tree (never user text) to mpmath code
    try:
        return lambdify_safe(symbols, expr, modules="mpmath")
    except Exception:  # printers without support for a node fall back to evalf below
        return lambda *values: expr.evalf(DIGITS, subs=dict(zip(symbols, values)))


def _unwrapped(expr: sp.Expr) -> sp.Expr:
    return expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])


_U = sp.Symbol("u", real=True)


@lru_cache(maxsize=256)
def _named_implementation(application: sp.Expr) -> Callable | None:
    """A named function f, given as f(u), evaluated with mpmath through its definition (SymPy built-ins).
    A named inner function u_k is evaluated through its one-level definition, which calls u_{k-1}: the
    u_k of a nested chain are evaluated in order, each once per point, not written out again each.
    None when the definition holds a parameter that is not among f's arguments (squareplus(x) is
    (x + √(x² + b))/2): a function of u alone cannot evaluate it, the written-out form can."""
    if plain(application).free_symbols - {_U}:
        return None
    if isinstance(application, InnerFunction):
        one_level = _compile_named(application.defined(), (_U,))
        if one_level is not None:
            return one_level
    return _compile(plain(application), (_U,))


@lru_cache(maxsize=1024)
def _compile_named(expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> Callable | None:
    """The expression as an mpmath function that keeps derivator's named functions, or None.

    Each named function is evaluated through its definition, as the written-out form would be, and
    pending derivatives are taken by SymPy from the definitions (NamedFunction.fdiff), so the values are
    those of `plain(expr)`. What changes is the cost: σ(σ(…σ(x))) written out repeats the whole inner
    chain in every factor σ′(u_k), O(depth²) nodes; kept, and with common subexpressions computed once
    (cse), each point costs O(depth)."""
    if not expr.has(NamedFunction):
        return None
    body = _unwrapped(expr).doit()
    if not body.has(NamedFunction) or body.has(sp.Derivative, UnknownDerivative):
        return None
    body = body.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    classes = sorted({type(f) for f in body.atoms(NamedFunction)}, key=lambda c: c.__name__)
    # fresh names: a named function called like an mpmath one (sin, exp) must not shadow it
    heads = {cls: sp.Function(f"_named{i}") for i, cls in enumerate(classes)}
    body = body.replace(lambda e: isinstance(e, NamedFunction), lambda e: heads[type(e)](*e.args))
    implementations = [_named_implementation(cls(_U)) for cls in classes]
    namespace: dict[str, Callable] = {f"_named{i}": f for i, f in enumerate(implementations) if f is not None}
    if len(namespace) < len(classes):
        return None
    dummies = tuple(sp.Dummy(f"v{i}") for i in range(len(symbols)))
    body = body.xreplace(dict(zip(symbols, dummies)))
    if body.free_symbols - set(dummies):
        return None
    walked = compile_mpmath(body, dummies, namespace)
    if walked is not None:
        return walked
    try:
        return sp.lambdify(dummies, body, modules=[namespace, "mpmath"], cse=True)
    except Exception:  # noqa: BLE001 - a node the printer lacks: the written-out form is compiled instead
        return None


@lru_cache(maxsize=1024)
def _srepr(expr: sp.Expr) -> str:
    # cached: a step's "after" is the next step's "before", and the text seeds both checks' points
    return sp.srepr(expr)


def _numeric(expr: sp.Expr, written_out: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> Callable:
    """expr (as given, named functions kept) compiled for sampling; else its written-out form."""
    return _compile_named(expr, symbols) or _compile(written_out, symbols)


def compile_expr(expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> Callable:
    """The expression as a function evaluated with mpmath (compiled once per expression and symbols)."""
    return _compile(expr, symbols)


def value_at(f: Callable, point: tuple) -> mpmath.mpf | mpmath.mpc | None:
    """f at the point, at DIGITS digits; None where it is undefined or not finite."""
    return _value(f, point)


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
        for symbol in symbols:
            # a parameter assumed positive (α, λ, β) is sampled where the assumption holds, as x is
            low, high = domain.low, domain.high
            if symbol.is_positive:
                low, high = 0.1, max(high, 1.0)
            elif symbol.is_negative:
                low, high = min(low, -1.0), -0.1
            v = rng.uniform(low, high)
            while any(abs(v - a) < 1e-3 for a in domain.avoid):
                v = rng.uniform(low, high)
            point.append(mpmath.mpf(repr(v)))
        produced += 1
        yield tuple(point)


def _symbolically_zero(diff: sp.Expr) -> bool:
    """A cheap proof, or False: numeric sampling carries the verdict when this gives up."""
    if sp.count_ops(diff) > SYMBOLIC_OPS_LIMIT:
        return False

    def prove() -> bool:
        return sp.expand(diff) == 0 or sp.cancel(sp.together(diff)) == 0

    try:
        return bool(attempt(SYMBOLIC_SECONDS, prove))
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
    if pa.atoms(UnknownDerivative) != pb.atoms(UnknownDerivative):
        # one side holds a derivative no rule produced that the other does not: no sample can tell
        return Verification(False, None, note=NO_RULE)
    pa, pb, holes = _holes_as_symbols(pa, pb)
    symbols = tuple(symbols) + holes
    proven = symbolic and _symbolically_zero(pa - pb)
    if holes:
        fa, fb = _compile(pa, symbols), _compile(pb, symbols)
    else:
        fa, fb = _numeric(a, pa, symbols), _numeric(b, pb, symbols)
    real_for = _numeric(domain.real_for, plain(domain.real_for), symbols) if domain.real_for is not None else None
    # a symbolic proof carries the verdict: the numbers then cross-check it at the first MIN_POINTS
    # points of the same sequence, as long as both sides were defined at every point drawn (a point
    # where one side is undefined means the domains may differ: then all POINTS, as without a proof)
    needed = MIN_POINTS if proven else POINTS
    agreed = 0
    one_sided: tuple | None = None
    for point in _points(_srepr(pa) + "|" + _srepr(pb), POINTS * 3, symbols, domain):
        if real_for is not None:
            vf = _value(real_for, point)
            if vf is None or (isinstance(vf, mpmath.mpc) and abs(vf.imag) > REL_TOL * max(1, abs(vf))):
                needed = POINTS
                continue
        va, vb = _value(fa, point), _value(fb, point)
        if va is None or vb is None:
            needed = POINTS
            if (va is None) != (vb is None) and one_sided is None:
                one_sided = (point, va, vb)
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
        if agreed >= needed:
            break
    if one_sided is not None and agreed >= MIN_POINTS:
        # defined on one side only, where the other side is defined elsewhere: not the same function
        point, va, vb = one_sided
        counter = {s.name: mpmath.nstr(p, 12) for s, p in zip(symbols, point)}
        show = lambda v: "undefined" if v is None else mpmath.nstr(v, 15)  # noqa: E731
        return Verification(False, "numeric", agreed, counterexample=counter | {"lhs": show(va), "rhs": show(vb)})
    if agreed >= MIN_POINTS:
        return Verification(True, "symbolic+numeric" if proven else "numeric", agreed)
    if proven:
        return Verification(True, "symbolic", 0)
    return Verification(False, None, agreed, note="could not evaluate enough sample points")


def _holes_as_symbols(a: sp.Expr, b: sp.Expr) -> tuple[sp.Expr, sp.Expr, tuple[sp.Symbol, ...]]:
    """Each derivative no rule produced (UnknownDerivative) as one more variable, sampled like the others.

    A line after a part with no rule still holds that part's d/dx; an equality that holds for every value
    of it holds for the actual one, so the rest of a partial derivation is checked, and nothing about
    the missing part is assumed. (Both sides hold the same holes: check_equal made sure.)"""
    found = sorted(a.atoms(UnknownDerivative), key=sp.default_sort_key)
    if not found:
        return a, b, ()
    # named symbols, not Dummies: the sample points are seeded by the text of both sides, run after run
    names = {hole: sp.Symbol(f"_hole{i}", real=True) for i, hole in enumerate(found)}
    return a.xreplace(names), b.xreplace(names), tuple(names.values())


Compose = Callable[[sp.Expr], sp.Expr]  # an expression in y = f(x) written in x


def verify_step(
    step: Step, symbols: tuple[sp.Symbol, ...], domain: Domain = Domain(), substitute: dict | None = None
) -> Step:
    """Verify a step (and its sub-steps); `substitute` puts y = f(x) back into output-form steps."""
    for sub in step.substeps:
        verify_step(sub, symbols, domain, substitute)
    if step.rule == StepId.DONT_KNOW:
        # nothing was derived here, so nothing is checked: the line only marks the part as left open
        step.verification = Verification(False, None, note=NO_RULE)
        return step
    before, after = step.before, step.after
    if substitute:
        before, after = before.subs(substitute), after.subs(substitute)
    local = _check_named_locally(before, after, symbols, domain)
    step.verification = local if local is not None and local.ok else check_equal(before, after, symbols, domain)
    return step


def _check_named_locally(a: sp.Expr, b: sp.Expr, symbols: tuple[sp.Symbol, ...], domain: Domain) -> Verification | None:
    """A line about named inner functions (u_k′ = σ′(u_{k-1})·u_{k-1}′), checked as a lecturer checks it:
    the highest u_K through its one-level definition, every lower u_j and its derivative as free values.
    An identity for every value of those holds for the actual u_j, so this is a proof of the line at
    O(1) cost instead of the written-out chain's O(k²); when it does not hold (or cannot be set up), the
    caller checks the line in full, so a wrong line is still caught there."""
    a, b = _unwrapped(a), _unwrapped(b)
    named_a, named_b = a.atoms(InnerFunction), b.atoms(InnerFunction)
    if not named_a or not named_b or not all(f.args[0] in symbols for f in named_a | named_b):
        return None
    top = max(named_a | named_b, key=lambda f: f.index)
    a, b = a.xreplace({top: top.defined()}), b.xreplace({top: top.defined()})
    lower = sorted(a.atoms(InnerFunction) | b.atoms(InnerFunction), key=lambda f: f.index)
    # named symbols, not Dummies: the sample points are seeded by the text of both sides, run after run
    heads = {f: sp.Function(f"_u{f.index}")(*f.args) for f in lower}
    values = {heads[f]: sp.Symbol(f"_u{f.index}", real=True) for f in lower}
    slopes = {sp.Derivative(heads[f], f.args[0]): sp.Symbol(f"_du{f.index}", real=True) for f in lower}
    try:
        a, b = (e.xreplace(heads).doit().xreplace(slopes).xreplace(values) for e in (a, b))
    except (TypeError, ValueError, RecursionError):
        return None
    if a.has(sp.Derivative, sp.Subs, *(type(h) for h in heads.values())) or b.has(sp.Derivative, sp.Subs):
        return None
    return check_equal(a, b, (*symbols, *values.values(), *slopes.values()), domain)


def verify_derivation(d: Derivation, domain: Domain = Domain(), compose: Compose | None = None) -> Derivation:
    """Verify every step, and the final derivative against sympy.diff of the definition.

    `compose` writes the output form (in y) in x for the output check (the pipeline passes one that
    composes region by region for a function given by cases); by default y = f(x) is substituted."""
    x = d.variable
    symbols = tuple(sorted(plain(d.definition).free_symbols | {x}, key=lambda s: s.name))
    for step in d.steps:
        verify_step(step, symbols, domain)
    if d.partial:
        # a derivative with holes is no candidate for sympy.diff's result; saying so is the check's outcome
        d.final_check = Verification(False, None, note=f"partial derivation: {NO_RULE}")
        return d
    reference = sp.diff(plain(d.definition), x, d.order)
    d.final_check = check_equal(d.derivative, reference, symbols, domain)
    if d.output_form is not None:
        y = d.output_symbol
        in_x = compose(d.output_form) if compose else d.output_form.subs(y, d.function)
        for step in d.output_steps:
            # (substituted as written: a line's method is shown, and composing region by region can turn
            # a "numeric" into a "symbolic+numeric")
            verify_step(step, symbols, domain, substitute={y: d.definition})
        d.output_check = check_equal(in_x, reference, symbols, domain)
    return d


# -- numeric evidence for facts about a function on the whole real line ---------------------------------
# A fact (a limit, the sign of f″ on an interval, a bound, a range) is proven by its own argument in
# derivator.analysis.facts; these checks test the conclusion independently, by evaluating the function with
# mpmath at many points, far out to ±10^12 for limits. They never prove anything on their own.

FACT_DIGITS = 60
FACT_WINDOW = 12.0  # dense sampling of [-12, 12]; saturation beyond it is covered by the far points
FACT_SAMPLES = 401
SAMPLE_DIGITS = 30  # dense sampling; limits and difference quotients use FACT_DIGITS
FACT_TOL = mpmath.mpf(10) ** -20
_FAR = tuple(mpmath.mpf(10) ** k for k in (2, 3, 4, 6, 8, 12))


def _real_at(f: Callable, point, digits: int = FACT_DIGITS) -> mpmath.mpf | None:
    """f(point) as a real number, or None where f is undefined or not real."""
    with mpmath.workdps(digits):
        try:
            v = mpmath.mpmathify(f(point))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, AttributeError, NameError):
            return None
        if not mpmath.isfinite(v):
            return None
        if isinstance(v, mpmath.mpc):
            if abs(v.imag) > FACT_TOL * max(1, abs(v)):
                return None
            v = v.real
        return v


def _fact_points(low: sp.Expr, high: sp.Expr, avoid: Iterable[float] = ()) -> tuple[list, list]:
    """(dense, extra): dense points in (low, high) ∩ [-W, W]; points just inside finite ends and far
    points towards infinite ends."""
    return _fact_points_cached(low, high, tuple(avoid))


@functools.lru_cache(maxsize=256)
def _fact_points_cached(low: sp.Expr, high: sp.Expr, avoid: tuple[float, ...]) -> tuple[list, list]:
    lo = -FACT_WINDOW if low == -sp.oo else max(float(low), -FACT_WINDOW)
    hi = FACT_WINDOW if high == sp.oo else min(float(high), FACT_WINDOW)
    with mpmath.workdps(FACT_DIGITS):
        dense, extra = [], []
        if lo < hi:
            step = (mpmath.mpf(hi) - mpmath.mpf(lo)) / (FACT_SAMPLES + 1)
            dense = [mpmath.mpf(lo) + step * (i + mpmath.mpf(1) / 3) for i in range(1, FACT_SAMPLES + 1)]
        for end, inward in ((low, 1), (high, -1)):
            if end.is_finite:
                extra += [mpmath.mpf(float(end)) + inward * mpmath.mpf(10) ** -k for k in (3, 6, 9)]
        if low == -sp.oo:
            extra += [-p for p in _FAR]
        if high == sp.oo:
            extra += list(_FAR)
        low_f = float(low) if low.is_finite else -mpmath.inf
        high_f = float(high) if high.is_finite else mpmath.inf

        def keep(p) -> bool:
            return low_f < p < high_f and all(abs(p - a) > mpmath.mpf(10) ** -12 for a in avoid)

        return [p for p in dense if keep(p)], [p for p in extra if keep(p)]


def _samples(expr: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr, avoid: Iterable[float] = ()):
    """(point, real value) pairs: the dense grid in double precision with NumPy (fast, and ample for
    signs and bounds with a tolerance), the points near ends and far out with mpmath."""
    dense, extra = _fact_points(low, high, avoid)
    f = _fact_function(expr, x) if extra else None
    values: list = []
    try:
        # lambdify prints derivator's own expression tree (never user text) to NumPy code
        body = plain(expr).replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
        fn = lambdify_safe(x, body, modules=numpy_modules(body))
        import numpy as np

        xs = np.array([float(p) for p in dense])
        with np.errstate(all="ignore"):
            ys = np.asarray(fn(xs), dtype=complex)
        if ys.shape != xs.shape:
            ys = np.full(xs.shape, complex(ys))
        for p, v in zip(dense, ys):
            if not np.isfinite(v) or abs(v.imag) > 1e-12 * max(1.0, abs(v)):
                continue
            if abs(v.real) < 1e-9:
                # small values may be rounding noise of a cancellation (GELU′ near -12): recompute
                f = f or _fact_function(expr, x)
                exact = _resolved_at(f, p, keep_zero=True)
                if exact is not None:
                    values.append((p, exact))
                continue
            values.append((p, mpmath.mpf(float(v.real))))
    except Exception:  # noqa: BLE001 - a function NumPy lacks: evaluate every point with mpmath
        extra = dense + extra
        f = _fact_function(expr, x)
    if extra:
        f = f or _fact_function(expr, x)  # (already compiled: extra points are why f was made)
        for p in extra:
            v = _resolved_at(f, p, keep_zero=abs(p) <= FACT_WINDOW)
            if v is not None:
                values.append((p, v))
    return values


def numpy_modules(expr: sp.Expr) -> list[str]:
    """NumPy alone unless the expression needs SciPy's special functions (importing SciPy costs ~0.3 s)."""
    special = (sp.erf, sp.erfc, sp.gamma, sp.loggamma, sp.besselj, sp.zeta)
    if not expr.has(*special):
        return ["numpy"]
    import importlib.util

    # without SciPy, lambdify would print code that fails when called; callers then fall back to mpmath
    return ["scipy", "numpy"] if importlib.util.find_spec("scipy") else ["mpmath"]


def _resolved_at(f: Callable, p, keep_zero: bool) -> mpmath.mpf | None:
    """f(p) at a precision that resolves it: far out, 1 − tanh²(x) is e^{-2|x|}-small and cancels to 0
    at 30 digits, so the precision grows (to 600 digits). A value that stays 0 is 0 near the origin
    (keep_zero) and, far out, unresolved (None): e^{-20000} is beyond any precision we try."""
    for digits in (SAMPLE_DIGITS, 120, 600):
        v = _real_at(f, p, digits)
        if v is None:
            return None
        if v != 0 and abs(v) > mpmath.mpf(10) ** (10 - digits):
            return v
    return mpmath.mpf(0) if keep_zero else None


def _fact_function(expr: sp.Expr, x: sp.Symbol) -> Callable:
    return _compile(plain(expr), (x,))


def check_limit(expr: sp.Expr, x: sp.Symbol, direction: int, value: sp.Expr) -> Verification:
    """Numeric evidence for lim_{x→±∞} expr = value: the values at |x| = 10^2 … 10^12 approach it
    (monotonically, within 10^-6 at the far end) or, for ±∞, grow past every bound we test."""
    f = _fact_function(expr, x)
    xs = [direction * p for p in _FAR]
    found = [_real_at(f, p) for p in xs]
    values = [v for v in found if v is not None]
    if len(values) != len(found):
        return Verification(False, None, 0, note="the expression could not be evaluated at large arguments")
    with mpmath.workdps(FACT_DIGITS):
        if value in (sp.oo, -sp.oo):
            s = 1 if value == sp.oo else -1
            grows = all(s * b > s * a for a, b in zip(values, values[1:]))
            ok = grows and s * values[-1] > max(10, 4 * abs(values[0]))
        else:
            target = mpmath.mpf(sp.N(value, FACT_DIGITS)) if value.is_real else None
            if target is None:
                return Verification(False, None, 0, note=f"limit {value} is not a real number")
            errors = [abs(v - target) for v in values]
            shrinking = all(b <= a * (1 + mpmath.mpf(10) ** -10) + FACT_TOL for a, b in zip(errors, errors[1:]))
            ok = shrinking and errors[-1] <= mpmath.mpf(10) ** -6 * max(1, abs(target))
    if ok:
        return Verification(True, "numeric", len(values))
    return Verification(
        False, "numeric", 0,
        counterexample={"x": mpmath.nstr(xs[-1], 5), "value": mpmath.nstr(values[-1], 15), "limit": str(value)},
    )


def check_sign(
    expr: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr, sign: int, avoid: Iterable[float] = ()
) -> Verification:
    """Numeric evidence that expr has the sign `sign` (1, -1, or 0 for identically zero) on (low, high)."""
    agreed = 0
    for p, v in _samples(expr, x, low, high, avoid):
        good = abs(v) <= FACT_TOL if sign == 0 else (v > 0 if sign > 0 else v < 0)
        if not good:
            return Verification(False, "numeric", agreed,
                                counterexample={"x": mpmath.nstr(p, 12), "value": mpmath.nstr(v, 15)})
        agreed += 1
    if agreed >= MIN_POINTS:
        return Verification(True, "numeric", agreed)
    return Verification(False, None, agreed, note="could not evaluate enough sample points")


def _numeric_set(target: sp.Set) -> list[tuple[mpmath.mpf, mpmath.mpf, bool, bool]]:
    """A union of intervals and points as (low, high, low_closed, high_closed) in mpmath numbers."""
    if target is sp.S.EmptySet:
        return []
    if target is sp.S.Reals:
        return [(-mpmath.inf, mpmath.inf, False, False)]
    if isinstance(target, sp.Union):
        return [part for arg in target.args for part in _numeric_set(arg)]
    if isinstance(target, sp.FiniteSet):
        return [(v, v, True, True) for v in (_mp(p) for p in target)]
    if isinstance(target, sp.Interval):
        return [(_mp(target.start), _mp(target.end), not target.left_open, not target.right_open)]
    raise ValueError(f"cannot sample against the set {target}")


def _mp(v: sp.Expr) -> mpmath.mpf:
    if v == sp.oo:
        return mpmath.inf
    if v == -sp.oo:
        return -mpmath.inf
    with mpmath.workdps(FACT_DIGITS):
        return mpmath.mpf(sp.N(v, FACT_DIGITS))


def _in_set(v: mpmath.mpf, parts: list, tol: mpmath.mpf) -> bool:
    """Is v in the closure of the set, up to tol? (Sampled values reach an open end only in the limit.)"""
    slack = tol * max(1, abs(v))
    return any(lo - slack <= v <= hi + slack for lo, hi, _, _ in parts)


def _strictly_in(v: mpmath.mpf, parts: list) -> bool:
    return any((lo < v or (closed_lo and lo == v)) and (v < hi or (closed_hi and v == hi)) for lo, hi, closed_lo, closed_hi in parts)


def check_range(expr: sp.Expr, x: sp.Symbol, target: sp.Set, avoid: Iterable[float] = ()) -> Verification:
    """Numeric evidence that the values of expr on ℝ lie in `target` and come close to its ends."""
    tol = mpmath.mpf(10) ** -6
    parts = _numeric_set(target)
    seen: list[mpmath.mpf] = []
    for p, v in _samples(expr, x, -sp.oo, sp.oo, avoid):
        if not _in_set(v, parts, tol):
            return Verification(False, "numeric", len(seen),
                                counterexample={"x": mpmath.nstr(p, 12), "value": mpmath.nstr(v, 15), "range": str(target)})
        seen.append(v)
    if len(seen) < MIN_POINTS:
        return Verification(False, None, len(seen), note="could not evaluate enough sample points")
    low, high = min(seen), max(seen)
    for end, got, bigger in ((target.inf, low, False), (target.sup, high, True)):
        if end.is_finite:
            if abs(got - mpmath.mpf(sp.N(end, FACT_DIGITS))) > 10 ** -3 * max(1, abs(got)):
                return Verification(False, "numeric", len(seen),
                                    note=f"sampled values stay away from {end}: closest {mpmath.nstr(got, 10)}")
        elif (got < 1e3) if bigger else (got > -1e3):
            return Verification(False, "numeric", len(seen), note=f"sampled values do not grow towards {end}")
    return Verification(True, "numeric", len(seen))


def check_bound(
    expr: sp.Expr,
    x: sp.Symbol,
    bound: sp.Expr,
    kind: str,
    attained: sp.Set = sp.S.EmptySet,
    avoid: Iterable[float] = (),
) -> Verification:
    """Numeric evidence that expr ≤ bound (kind "max") or ≥ bound ("min") on ℝ, with equality exactly
    on `attained`: the bound holds at every sample, is reached at the points of `attained`, and is
    missed by a margin at samples at least 10^-2 away from it."""
    f = _fact_function(expr, x)
    s = 1 if kind == "max" else -1
    with mpmath.workdps(FACT_DIGITS):
        b = mpmath.mpf(sp.N(bound, FACT_DIGITS))
        tol = mpmath.mpf(10) ** -12 * max(1, abs(b))
        checked = 0
        witnesses = [p for p in attained if p.is_number] if isinstance(attained, sp.FiniteSet) else []
        for p in witnesses:
            v = _real_at(f, mpmath.mpf(sp.N(p, FACT_DIGITS)))
            if v is None or abs(v - b) > tol:
                return Verification(False, "numeric", checked, note=f"the bound is not reached at x = {p}")
            checked += 1

        parts = _numeric_set(attained)
        points = [_mp(w) for w in witnesses]

        def near_attained(p) -> bool:
            return _strictly_in(p, parts) or any(abs(p - w) < mpmath.mpf(10) ** -2 for w in points)

        for p, v in _samples(expr, x, -sp.oo, sp.oo, avoid):
            if s * (v - b) > tol:
                return Verification(False, "numeric", checked,
                                    counterexample={"x": mpmath.nstr(p, 12), "value": mpmath.nstr(v, 15)})
            # strictly below the bound away from where it is attained; far out (|x| > W) only ≤ is
            # tested, since e^{-1000}-sized gaps are below any fixed working precision
            if not near_attained(p) and abs(p) <= FACT_WINDOW and not s * (v - b) < 0:
                return Verification(False, "numeric", checked, note=f"the bound is also reached at x = {mpmath.nstr(p, 12)}")
            if near_attained(p) and not isinstance(attained, sp.FiniteSet) and abs(v - b) > tol:
                return Verification(False, "numeric", checked, note=f"the bound is not reached at x = {mpmath.nstr(p, 12)}")
            checked += 1
    if checked >= MIN_POINTS:
        return Verification(True, "numeric", checked)
    return Verification(False, None, checked, note="could not evaluate enough sample points")


def check_one_sided(f_expr: sp.Expr, x: sp.Symbol, at: sp.Expr, side: int, value: sp.Expr) -> Verification:
    """Numeric evidence for a one-sided derivative: (f(a ± h) − f(a)) / (±h) → value for h = 10^-k."""
    f = _fact_function(f_expr, x)
    with mpmath.workdps(FACT_DIGITS):
        a = mpmath.mpf(sp.N(at, FACT_DIGITS))
        fa = _real_at(f, a)
        target = mpmath.mpf(sp.N(value, FACT_DIGITS))
        if fa is None:
            return Verification(False, None, 0, note=f"f is undefined at {at}")
        for k in (15, 20, 25):
            h = side * mpmath.mpf(10) ** -k
            fh = _real_at(f, a + h)
            if fh is None:
                return Verification(False, None, 0, note=f"f is undefined next to {at}")
            q = (fh - fa) / h
            if abs(q - target) > mpmath.mpf(10) ** -10 * max(1, abs(target)):
                return Verification(False, "numeric", 0,
                                    counterexample={"h": mpmath.nstr(h, 3), "quotient": mpmath.nstr(q, 15)})
    return Verification(True, "numeric", 3)


def check_value(expr: sp.Expr, x: sp.Symbol, at: sp.Expr, value: sp.Expr) -> Verification:
    """expr at x = at equals value: exactly when SymPy can tell, and numerically at 60 digits."""
    expr, at, value = sp.sympify(expr), sp.sympify(at), sp.sympify(value)
    f = _fact_function(expr, x)
    # a point or value located numerically (a Float of 15 digits) is checked to its own precision
    tol = mpmath.mpf(10) ** -12 if (at.has(sp.Float) or value.has(sp.Float)) else FACT_TOL
    with mpmath.workdps(FACT_DIGITS):
        v = _real_at(f, mpmath.mpf(sp.N(at, FACT_DIGITS)))
        target = mpmath.mpf(sp.N(plain(value), FACT_DIGITS))
        if v is None or abs(v - target) > tol * max(1, abs(target)):
            return Verification(False, "numeric", 0, counterexample={"value": "undefined" if v is None else mpmath.nstr(v, 20)})
    exact = False
    if not tol > FACT_TOL:
        try:
            exact = sp.simplify(plain(expr).subs(x, at) - plain(value)) == 0
        except (TypeError, ValueError, RecursionError):
            exact = False
    return Verification(True, "symbolic+numeric" if exact else "numeric", 1)


def check_root(expr: sp.Expr, x: sp.Symbol, root: sp.Expr, width: float = 1e-9) -> Verification:
    """A root located numerically is a root: expr changes sign across [root - width, root + width]
    (so, being continuous there, it has a zero in that bracket)."""
    f = _fact_function(expr, x)
    with mpmath.workdps(FACT_DIGITS):
        r = mpmath.mpf(sp.N(root, FACT_DIGITS))
        a, b = _real_at(f, r - width), _real_at(f, r + width)
    if a is None or b is None or not (a * b < 0):
        return Verification(False, "numeric", 0, note=f"no sign change around x = {root}")
    return Verification(True, "numeric", 2)
