"""The facts lecturers quote about f and f′, each derived as a short chain of checked steps.

σ′(0) = 1/4; σ′ ≤ 1/4 with equality only at 0 (σ″ = σ(1−σ)(1−2σ) = 0 ⇒ σ = 1/2 ⇒ x = 0, and σ″ changes
sign there); σ → 0 and 1 at ∓∞, σ′ → 0 (saturation); σ is strictly increasing with range (0, 1); the
product of n derivatives through n stacked layers is at most (1/4)^n; ReLU′ jumps from 0 to 1 at its kink.

Every fact comes from one method, applied to f (monotonicity, range) and to f′ (maximum, minimum):

1. cut ℝ into regions where the function has one formula (ReLU: x < 0 and x > 0);
2. find where its derivative is 0 in each region: symbolically (SymPy's solveset, or for f″ through the
   output form in y = f(x), as a lecturer does), else by a numeric sign-change scan that says so;
3. between consecutive zeros the derivative is continuous and never 0, so it keeps the sign it has at
   one test point: the function is strictly monotone there and its values lie strictly between its
   values at the ends (limits at ±∞, found with their reason);
4. the range, the supremum, where it is attained and the monotonicity follow from these pieces.

Each conclusion is then tested numerically (derivator.verify.check_*) by dense sampling and far-out
points. A fact that cannot be established (a limit SymPy cannot find in time, infinitely many critical
points, a parameter left symbolic) is left out with a note: never guessed.

SymPy's solveset, limit and simplify can run for minutes on some catalog entries, so each call is bounded
by a CPU-time timer (derivator.core.budget, in the main thread).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from derivator.engine.regions import as_piecewise, as_regions
from derivator.core.functions import NamedFunction, named_function
from derivator.core.trace import Derivation, Step, Verification
from derivator.verify import (
    lambdify_safe,
    check_bound,
    check_equal,
    check_limit,
    check_one_sided,
    check_range,
    check_root,
    check_sign,
    check_value,
    Domain,
    numpy_modules,
    plain,
)

SOLVE_SECONDS = 1.5
LIMIT_SECONDS = 2.0
SIMPLIFY_SECONDS = 1.0
SECOND_SECONDS = 5.0  # the engine's derivation of f″
SCAN_WINDOW = 40.0  # the numeric scan for zeros covers [-40, 40]
SCAN_POINTS = 8001
MAX_ROOTS = 24
DIGITS = 50
EQUAL_TOL = mpmath.mpf(10) ** -30
LAYERS_EXAMPLE = 10  # the worked example of the layer bound: n = 10 layers

FACT_KEYS = ("value_at_0", "limits", "monotonic", "range", "max", "layer_bound", "kinks")
U = sp.UnevaluatedExpr
N_LAYERS = sp.Symbol("n", positive=True, integer=True)


# -- data -------------------------------------------------------------------------------------------------


@dataclass
class Fact:
    """One fact: its checked steps, and its values (SymPy objects) for JSON and tables."""

    key: str
    steps: list[Step]
    values: dict[str, Any]
    method: str = "symbolic"  # "numeric" when a value was only located numerically
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (i18n key under facts.note, params)

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.steps)


@dataclass
class Omission:
    """A fact derivator could not establish, and why (an i18n key under facts.note)."""

    key: str
    note: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AtDefaults:
    """The parameters a catalog entry keeps symbolic, given their stated default values for its facts
    (ELU's α = 1, as PyTorch has it): `source` names whose default it is, when the catalog says."""

    values: tuple[tuple[sp.Symbol, sp.Expr], ...]
    source: str | None = None
    given: tuple[tuple[str, str], ...] = ()  # the same as `--param` values: ("alpha", "1")


@dataclass
class Facts:
    derivation: Derivation
    facts: list[Fact]
    omitted: list[Omission]
    names: "Names"
    at: AtDefaults | None = None  # the facts hold at these parameter values, not for every value

    def get(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)

    @property
    def verified(self) -> bool:
        return all(f.verified for f in self.facts)


@dataclass(frozen=True)
class Names:
    """f, f′ and f″ as SymPy functions that print as the lecturer writes them (σ, σ′, σ″) and expand to
    their definitions for numeric checks."""

    f: type
    df: type
    ddf: type
    latex: str  # \sigma, or f for an expression
    unicode: str


@dataclass
class _Bounded:
    value: Any = None
    timed_out: bool = False
    failed: bool = False


def bounded(fn: Callable[[], Any], seconds: float) -> _Bounded:
    """fn(), stopped after `seconds` (SymPy's limit/solveset can run for minutes on some inputs)."""
    from derivator.core.budget import OutOfTime, within

    try:
        with within(seconds):
            return _Bounded(fn())
    except OutOfTime:
        return _Bounded(timed_out=True)
    except Exception:  # noqa: BLE001 - SymPy raises many kinds on inputs it cannot handle
        return _Bounded(failed=True)


# -- small helpers --------------------------------------------------------------------------------------


def _num(v: sp.Expr) -> mpmath.mpf:
    if v == sp.oo:
        return mpmath.inf
    if v == -sp.oo:
        return -mpmath.inf
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(sp.N(v, DIGITS))


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    if a in (sp.oo, -sp.oo) or b in (sp.oo, -sp.oo):
        return a == b
    with mpmath.workdps(DIGITS):
        return abs(_num(a) - _num(b)) <= EQUAL_TOL * max(1, abs(_num(a)))


def _extended_real(v) -> bool:
    if v is None or not isinstance(v, sp.Basic):
        return False
    if v in (sp.oo, -sp.oo):
        return True
    if v.has(sp.nan, sp.zoo, sp.AccumBounds) or not v.is_number:
        return False
    return v.is_extended_real is True or (v.is_real is not False and sp.im(sp.N(v)) == 0)


def _simplify(v: sp.Expr) -> sp.Expr:
    if v.is_Float or v.is_Rational or v in (sp.oo, -sp.oo):
        return v
    got = bounded(lambda: sp.simplify(v), SIMPLIFY_SECONDS)
    return got.value if got.value is not None else v


def _approx(v: sp.Expr, digits: int = 6) -> sp.Float:
    return sp.Float(sp.N(v, digits + 4), digits)


def _interval(low: sp.Expr, high: sp.Expr, left_open: bool = True, right_open: bool = True) -> sp.Set:
    return sp.Interval(low, high, left_open or low == -sp.oo, right_open or high == sp.oo)


def _where(x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> sp.Basic:
    """x ∈ (low, high), or x ∈ ℝ for the whole line, for display."""
    return sp.Contains(x, sp.S.Reals if (low, high) == (-sp.oo, sp.oo) else _interval(low, high), evaluate=False)


def _ok(method: str = "symbolic", points: int = 0) -> Verification:
    return Verification(True, method, points)


def _all(verifications: list[Verification]) -> Verification:
    if not verifications:
        return _ok()
    bad = next((v for v in verifications if not (v.ok and v.method)), None)
    if bad is not None:
        return bad
    methods = {v.method for v in verifications}
    method = "symbolic+numeric" if methods == {"symbolic+numeric"} else "numeric" if "numeric" in methods else next(iter(methods))
    return Verification(True, method, sum(v.points for v in verifications))


def step(rule: str, before: sp.Basic, after: sp.Basic, rel: str, verification: Verification | None, **params) -> Step:
    """A row of a fact: `before rel after` (rel "=", "<", "≤", "⇔", "⇒", "∈", …) or, with rel "text", a
    sentence whose words live in i18n under facts.say.<rule>."""
    return Step(f"facts.{rule}", before, after, {"rel": rel, **params}, verification=verification)


# -- names: σ, σ′, σ″ --------------------------------------------------------------------------------------


def _head(fn: sp.Expr, x: sp.Symbol) -> tuple[str, str] | None:
    if isinstance(fn, NamedFunction) and fn.args == (x,):
        return type(fn).latex_name, type(fn).unicode_name
    if isinstance(fn, sp.Function) and fn.args == (x,) and not isinstance(fn, sp.core.function.AppliedUndef):
        from sympy.printing.latex import LatexPrinter

        return LatexPrinter()._hprint_Function(type(fn).__name__), type(fn).__name__
    return None


def names_for(d: Derivation, derivative: sp.Expr, second: sp.Expr | None) -> Names:
    x = d.variable
    u = sp.Symbol("u", real=True)
    latex, uni = _head(d.function, x) or ("f", "f")
    base = "".join(ch for ch in (d.name or "f") if ch.isalnum() or ch == "_") or "f"
    if _head(d.function, x):
        f = type(d.function)
    else:
        body = plain(d.definition).xreplace({x: u})
        f = named_function(f"{base}_f", lambda v, _b=body: _b.xreplace({u: v}), "f", "f")
    d1 = plain(derivative).xreplace({x: u})
    df = named_function(f"{base}_d1", lambda v, _b=d1: _b.xreplace({u: v}), latex + "'", uni + "′")
    d2 = plain(second if second is not None else sp.diff(plain(derivative), x)).xreplace({x: u})
    ddf = named_function(f"{base}_d2", lambda v, _b=d2: _b.xreplace({u: v}), latex + "''", uni + "″")
    return Names(f, df, ddf, latex, uni)


# -- regions --------------------------------------------------------------------------------------------


@dataclass
class Piece:
    """g on the open interval (low, high), with g′; `display`/`ddisplay` are the derivation's own forms."""

    low: sp.Expr
    high: sp.Expr
    g: sp.Expr
    dg: sp.Expr
    display: sp.Expr | None = None
    ddisplay: sp.Expr | None = None


def regions(f: sp.Expr, x: sp.Symbol) -> list[tuple[sp.Expr, sp.Expr, sp.Expr]] | None:
    """(formula, low, high) of f on each open region of ℝ; |u| is written as cases first."""
    expr = f.replace(lambda e: isinstance(e, sp.Abs) and e.has(x), lambda e: e.rewrite(sp.Piecewise))
    if not expr.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside):
        return [(f, -sp.oo, sp.oo)]
    found = as_regions(sp.piecewise_fold(as_piecewise(expr)), x)
    if found is None:
        return None
    return [(value, low, high) for value, low, high in found[1]]


# -- limits -----------------------------------------------------------------------------------------------


@dataclass
class Limit:
    value: sp.Expr | None
    steps: list[Step]
    note: tuple[str, dict] | None = None


def _block_limit(block: sp.Expr, x: sp.Symbol, point: sp.Expr) -> sp.Expr | None:
    """The limit of one building block (x, e^{-x}, σ(x), erf(x/√2)) as x → point = ±∞."""
    if block == x:
        return point
    arg = block.args[0]
    if arg.is_polynomial(x):
        lead = sp.Poly(arg, x).LC() * (sp.S.NegativeOne if point == -sp.oo and sp.degree(arg, x) % 2 else 1)
        inner = sp.oo * sp.sign(lead) if sp.degree(arg, x) > 0 else arg
    else:
        inner = None
    if inner is not None:
        value = block.func(inner)
        if _extended_real(value) and not value.has(sp.Function):
            return value
    got = bounded(lambda: sp.limit(plain(block), x, point), LIMIT_SECONDS)
    return got.value if _extended_real(got.value) else None


def _blocks(expr: sp.Expr, x: sp.Symbol) -> list[sp.Expr] | None:
    """The outermost function applications of x (and x itself outside them) in expr."""
    found: list[sp.Expr] = []

    def walk(e: sp.Expr) -> None:
        if e == x:
            found.append(e)
        elif isinstance(e, sp.Function) and e.has(x):
            found.append(e)
        else:
            for a in e.args:
                walk(a)

    walk(expr)
    return list(dict.fromkeys(found))


def limit_at(display: sp.Expr, x: sp.Symbol, direction: int, lhs: sp.Expr, domain: Domain = Domain(),
             where: sp.Basic | None = None) -> Limit:
    """lim_{x→±∞} of a formula, with its reason: the limits of its building blocks substituted when that
    gives a determinate value (e^{-x} → 0 ⇒ 1/(1+e^{-x}) → 1), else SymPy's limit (Gruntz's algorithm);
    in both cases checked at x = ±10^2 … ±10^12."""
    point = sp.oo if direction > 0 else -sp.oo
    shown = sp.Limit(lhs, x, point)
    if not display.has(x):
        return Limit(display, [step("limit_constant", shown, display, "=", _ok(), point=point, where=where)])
    blocks = _blocks(display, x)
    values = {}
    for b in blocks:
        v = _block_limit(b, x, point)
        if v is None:
            values = None
            break
        values[b] = v
    if values:
        value = display.xreplace(values)
        if _extended_real(value):
            value = _simplify(value)
            shown_subs = display.xreplace({b: U(v) for b, v in values.items()})
            check = check_limit(display, x, direction, value)
            if check.ok:
                rows = []
                if lhs != display:
                    rows.append(step("limit_piece" if where is not None else "limit_formula", shown, sp.Limit(display, x, point), "=",
                                     check_equal(lhs, display, (x,), domain), where=where, statement=sp.Eq(lhs, display, evaluate=False)))
                reasons = [sp.Limit(b, x, point) for b in blocks if b != x] or [sp.Limit(x, x, point)]
                rows.append(step("limit_blocks", sp.Limit(display, x, point) if rows else shown, shown_subs, "=", check,
                                 blocks=[sp.Eq(r, values[r.args[0]], evaluate=False) for r in reasons], chain=bool(rows),
                                 point=point))
                if to_text(shown_subs) != to_text(value):
                    rows.append(step("arithmetic", shown_subs, value, "=", _ok(), chain=True))
                return Limit(value, rows)
    # SymPy's limit, on the formula as written and then on equivalent forms: its answer depends on the
    # form (for Swish′ = (x − xσ + 1)σ it returns 0 at +∞ on one form, 1 on another), so an answer is
    # only taken once the values at large x confirm it
    note = ("limit_unknown", {"limit": shown})
    value = None
    for form in _forms(plain(display), x):
        got = bounded(lambda: sp.limit(form, x, point), LIMIT_SECONDS)
        if got.timed_out:
            note = ("limit_timeout", {"limit": shown, "seconds": LIMIT_SECONDS})
            continue
        if isinstance(got.value, sp.AccumBounds):
            return Limit(None, [], ("no_limit", {"limit": shown, "low": got.value.min, "high": got.value.max}))
        if not _extended_real(got.value):
            continue
        check = check_limit(display, x, direction, got.value)
        if check.ok:
            value = got.value
            break
        note = ("limit_unconfirmed", {"limit": shown, "value": got.value})
    if value is None:
        return Limit(None, [], note)
    rows = []
    if lhs != display:
        rows.append(step("limit_piece" if where is not None else "limit_formula", shown, sp.Limit(display, x, point), "=",
                         check_equal(lhs, display, (x,), domain), where=where, statement=sp.Eq(lhs, display, evaluate=False)))
    rows.append(step("limit_gruntz", sp.Limit(display, x, point) if rows else shown, value, "=", check, chain=bool(rows),
                     point=point))
    return Limit(value, rows)


def _forms(expr: sp.Expr, x: sp.Symbol):
    """The formula, then equivalent forms SymPy's limit may handle better."""
    yield expr
    for rewrite in (sp.together, sp.expand):
        got = bounded(lambda: rewrite(expr), SIMPLIFY_SECONDS)
        if got.value is not None and got.value != expr:
            yield got.value


def to_text(expr: sp.Basic) -> str:
    from derivator.core.printing import to_latex

    return to_latex(expr)


# -- zeros of g′ on a region -----------------------------------------------------------------------------------


@dataclass
class Zeros:
    points: list[sp.Expr] | None  # None: could not be established
    method: str  # "constant", "symbolic", "output_form", "numeric"
    steps: list[Step] = field(default_factory=list)
    note: tuple[str, dict] | None = None


def _is_zero(expr: sp.Expr, x: sp.Symbol) -> bool:
    if expr == 0:
        return True
    if not expr.has(sp.Symbol):
        return False
    try:  # one nonzero value settles it without SymPy's simplify
        fn = _mp_function(expr, x)
        with mpmath.workdps(30):
            if any(abs(fn(mpmath.mpf(p))) > mpmath.mpf(10) ** -20 for p in ("0.3183", "-1.4142", "2.7183")):
                return False
    except (ValueError, ZeroDivisionError, TypeError):
        pass
    got = bounded(lambda: sp.simplify(expr) == 0, SIMPLIFY_SECONDS)
    return bool(got.value)


def _mp_function(expr: sp.Expr, x: sp.Symbol) -> Callable:
    return lambdify_safe(x, expr, modules="mpmath")


def _scan(dg: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> list[sp.Float] | None:
    """Zeros of dg on (low, high) ∩ [-W, W] by sign changes on a fine grid, refined to 30 digits."""
    lo = -SCAN_WINDOW if low == -sp.oo else max(float(low), -SCAN_WINDOW)
    hi = SCAN_WINDOW if high == sp.oo else min(float(high), SCAN_WINDOW)
    if lo >= hi:
        return []
    mp = _mp_function(dg, x)
    try:
        fn = lambdify_safe(x, dg, modules=numpy_modules(dg))
        xs = np.linspace(lo, hi, SCAN_POINTS)[1:-1]
        with np.errstate(all="ignore"):
            ys = np.asarray(fn(xs), dtype=float)
        if ys.shape != xs.shape:
            raise ValueError("not vectorised")
    except Exception:  # noqa: BLE001 - no NumPy/SciPy code for a function (SciPy absent): mpmath, coarser
        xs = np.linspace(lo, hi, SCAN_POINTS // 4)[1:-1]
        ys = np.array([_float_or_nan(mp, v) for v in xs])
    roots = []
    # exact zeros in double precision are mostly underflow far out (GELU′ below -38): only sign changes
    # between nonzero values count, which still brackets a zero that falls on a grid point
    idx = np.flatnonzero(np.isfinite(ys) & (ys != 0))
    for i, j in zip(idx, idx[1:]):
        if ys[i] * ys[j] < 0:
            roots.append((xs[i], xs[j]))
    if len(roots) > MAX_ROOTS:
        return None
    # beyond the window dg must keep the sign it has at the window's edge, or zeros lie outside it
    # (sinc″ oscillates forever): then nothing is claimed
    for edge, outward, bound in ((lo, -1, low), (hi, 1, high)):
        if bound.is_finite and abs(float(bound)) <= SCAN_WINDOW:
            continue
        inside = ys[np.isfinite(ys) & (ys != 0)]
        if inside.size == 0:
            return None
        edge_sign = np.sign(inside[-1] if outward > 0 else inside[0])
        for far in (1.3, SCAN_WINDOW + 0.7, 2.6 * SCAN_WINDOW, 1000.7, 10**4 + 0.1):
            t = mpmath.mpf(edge + outward * far)
            if bound.is_finite and not (min(lo, float(bound)) < t < max(hi, float(bound))):
                continue
            with mpmath.workdps(60):
                try:
                    v = mp(t)
                except (ValueError, ZeroDivisionError, TypeError):
                    return None
            if isinstance(v, mpmath.mpc) or not mpmath.isfinite(v):
                return None
            if v != 0 and np.sign(float(mpmath.sign(v))) != edge_sign:
                return None
    out = []
    with mpmath.workdps(30):
        for a, b in roots:
            r = _bisect(mp, mpmath.mpf(a), mpmath.mpf(b))
            if r is None:
                return None
            out.append(_snap(dg, x, sp.Float(mpmath.nstr(r, 20), 15)))
    return out


def _float_or_nan(fn: Callable, v: float) -> float:
    try:
        r = fn(mpmath.mpf(v))
        return float(r) if not isinstance(r, mpmath.mpc) else float("nan")
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return float("nan")


def _bisect(fn: Callable, a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf | None:
    """A zero of fn in [a, b], where fn changes sign, to about 25 digits (bisection never leaves the
    bracket; a midpoint where fn cannot be evaluated, such as 0/0 at x = 0, is nudged)."""
    def value(t):
        for nudge in (0, 1, -1, 2):
            try:
                v = fn(t + nudge * mpmath.mpf(10) ** -28)
            except (ValueError, ZeroDivisionError, TypeError):
                continue
            if not isinstance(v, mpmath.mpc) and mpmath.isfinite(v):
                return v
        return None

    fa = value(a)
    if fa is None:
        return None
    for _ in range(90):
        m = (a + b) / 2
        fm = value(m)
        if fm is None:
            return None
        if fm == 0:
            return m
        if (fm > 0) == (fa > 0):
            a, fa = m, fm
        else:
            b = m
    return (a + b) / 2


def _snap(dg: sp.Expr, x: sp.Symbol, root: sp.Float) -> sp.Expr:
    """A numerically located zero that is a simple exact number (0 for LiSHT′) becomes that number,
    once SymPy confirms it exactly."""
    guess = sp.Rational(round(float(root) * 12), 12)  # 0, ±1/2, ±1/3, …: the simple values worth trying
    if abs(float(guess) - float(root)) > 1e-12:
        return root
    with mpmath.workdps(DIGITS):
        try:
            if abs(_mp_function(dg, x)(mpmath.mpf(guess.p) / guess.q)) > mpmath.mpf(10) ** -40:
                return root
        except (ValueError, ZeroDivisionError, TypeError):
            return root
    got = bounded(lambda: sp.simplify(dg.subs(x, guess)) == 0, SIMPLIFY_SECONDS)
    return guess if got.value else root


def zeros(dg: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> Zeros:
    if _is_zero(dg, x):
        return Zeros([], "constant")
    domain = _interval(low, high)
    got = bounded(lambda: sp.solveset(dg, x, domain), SOLVE_SECONDS)
    found = got.value
    if isinstance(found, sp.FiniteSet) and all(p.is_number and p.is_real for p in found):
        return Zeros(sorted(found, key=_num), "symbolic")
    if found is sp.S.EmptySet:
        return Zeros([], "symbolic")
    if isinstance(found, (sp.ImageSet, sp.Union)) and any(isinstance(a, sp.ImageSet) for a in sp.preorder_traversal(found)):
        return Zeros(None, "symbolic", note=("infinitely_many_zeros", {"zeros": found}))
    scanned = _scan(dg, x, low, high)
    if scanned is None:
        return Zeros(None, "numeric", note=("zeros_unknown", {}))
    return Zeros(scanned, "numeric")


# -- analysis of g on ℝ -------------------------------------------------------------------------------------


@dataclass
class Span:
    """An open interval where g′ has one sign (1, -1, or 0 where g is constant)."""

    low: sp.Expr
    high: sp.Expr
    sign: int
    start: sp.Expr | None  # g at low (a one-sided limit)
    end: sp.Expr | None  # g at high


@dataclass
class Analysis:
    spans: list[Span]
    points: list[tuple[sp.Expr, sp.Expr | None]]  # (x, g(x)) at zeros of g′ and region boundaries
    steps: list[Step]
    limits: dict[int, Limit]
    method: str
    note: tuple[str, dict] | None = None

    @property
    def complete(self) -> bool:
        return self.note is None and all(s.start is not None and s.end is not None for s in self.spans)


def _value_at(g: sp.Expr, x: sp.Symbol, at: sp.Expr, side: str | None = None) -> sp.Expr | None:
    if at.is_Float:
        with mpmath.workdps(30):
            try:
                v = _mp_function(g, x)(mpmath.mpf(str(at)))
            except (ValueError, ZeroDivisionError, TypeError):
                return None
        return sp.Float(mpmath.nstr(v, 20), 15) if mpmath.isfinite(v) and not isinstance(v, mpmath.mpc) else None
    v = g.subs(x, at)
    if _extended_real(v):
        return _simplify(v)
    if side is None:
        return None
    got = bounded(lambda: sp.limit(g, x, at, side), LIMIT_SECONDS)
    return _simplify(got.value) if _extended_real(got.value) else None


def _test_value(dg: sp.Expr, x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> tuple[sp.Rational, mpmath.mpf | None]:
    """A point inside (low, high) and dg's (nonzero) value there; other points if dg is undefined or
    tiny at the first (sinc″ at 0 is 0/0 as written)."""
    fn = _mp_function(dg, x)
    first = _test_point(low, high)
    tries = [first]
    if low.is_finite and high.is_finite:
        tries += [low + (high - low) * sp.Rational(k, 7) for k in (2, 5, 3)]
    else:
        tries += [first + sp.Rational(1, 3), first - sp.Rational(1, 3)]
    for c in tries:
        c = sp.Rational(mpmath.nstr(_num(c), 12)) if not c.is_Rational else c
        if not (_num(low) < _num(c) < _num(high)):
            continue
        with mpmath.workdps(30):
            try:
                v = fn(mpmath.mpf(c.p) / c.q)
            except (ValueError, ZeroDivisionError, TypeError):
                continue
        if not isinstance(v, mpmath.mpc) and mpmath.isfinite(v) and abs(v) > mpmath.mpf(10) ** -25:
            return c, v
    return first, None


def _test_point(low: sp.Expr, high: sp.Expr) -> sp.Rational:
    if low == -sp.oo and high == sp.oo:
        return sp.S.Zero
    if low == -sp.oo:
        return sp.floor(high) - 1
    if high == sp.oo:
        return sp.ceiling(low) + 1
    mid = (_num(low) + _num(high)) / 2
    return sp.Rational(mpmath.nstr(mid, 12))


def analyse(
    pieces: list[Piece],
    x: sp.Symbol,
    g_name: type,
    dg_name: type,
    cut_values: dict[sp.Expr, sp.Expr | None],
    known_zeros: Zeros | None = None,
) -> Analysis:
    """Where g′ vanishes, its sign in between, and g's values at the ends of each monotone span."""
    spans: list[Span] = []
    points: list[tuple[sp.Expr, sp.Expr | None]] = []
    rows: list[Step] = []
    limits: dict[int, Limit] = {}
    method = "symbolic"
    whole = len(pieces) == 1
    avoid = [float(p.low) for p in pieces[1:]]
    for k, piece in enumerate(pieces):
        z = known_zeros if (known_zeros is not None and whole) else zeros(piece.dg, x, piece.low, piece.high)
        if z.points is None:
            return Analysis([], [], rows, limits, method, z.note)
        method = "numeric" if z.method == "numeric" else method
        if z.method == "constant":
            rows.append(step("constant", dg_name(x), sp.S.Zero, "=", check_sign(piece.dg, x, piece.low, piece.high, 0, avoid),
                             where=_where(x, piece.low, piece.high)))
        elif z.steps:
            rows += z.steps
        else:
            solved = sp.FiniteSet(*z.points)
            checks = [check_root(piece.dg, x, p) if p.is_Float else check_value(piece.dg, x, p, 0) for p in z.points]
            rows.append(step("solve_numeric" if z.method == "numeric" else "solve", sp.Eq(dg_name(x), 0),
                             sp.Contains(x, solved, evaluate=False), "iff" if z.method != "numeric" else "approx",
                             _all(checks), where=_where(x, piece.low, piece.high), window=sp.Float(SCAN_WINDOW, 3)))
        bounds = [piece.low, *z.points, piece.high]
        for a, b in zip(bounds, bounds[1:]):
            if z.method == "constant":
                sign = 0
            else:
                c, tv = _test_value(piece.dg, x, a, b)
                if tv is None:
                    return Analysis([], [], rows, limits, method, ("sign_unknown", {"where": _where(x, a, b)}))
                sign = 1 if tv > 0 else -1
                rows.append(step("sign", dg_name(x), sp.S.Zero, ">" if sign > 0 else "<",
                                 check_sign(piece.dg, x, a, b, sign, avoid), where=_where(x, a, b),
                                 probe=sp.Eq(dg_name(c), sp.Float(mpmath.nstr(tv, 4), 4), evaluate=False)))
            spans.append(Span(a, b, sign, None, None))
        shown = piece.display if piece.display is not None else piece.g
        for span in spans[-(len(bounds) - 1):]:
            for end, side, attr in ((span.low, "+", "start"), (span.high, "-", "end")):
                if end in (sp.oo, -sp.oo):
                    direction = 1 if end == sp.oo else -1
                    if direction not in limits:
                        limits[direction] = limit_at(shown, x, direction, g_name(x), _domain(piece.low, piece.high),
                                                     None if whole else _where(x, piece.low, piece.high))
                    value = limits[direction].value
                elif span.sign == 0:
                    value = _simplify(piece.g.subs(x, _test_point(span.low, span.high)))
                else:
                    value = _value_at(piece.g, x, end, side)
                setattr(span, attr, value)
        for p in z.points:
            points.append((p, _value_at(piece.g, x, p)))
        if k + 1 < len(pieces):
            points.append((piece.high, cut_values.get(piece.high)))
    return Analysis(spans, points, rows, limits, method)


@dataclass
class Extremes:
    range: sp.Set
    sup: sp.Expr
    inf: sp.Expr
    argmax: sp.Set  # where sup is attained (empty: not attained)
    argmin: sp.Set
    monotonic: str  # increasing, decreasing, nondecreasing, nonincreasing, constant, none
    pieces: list[tuple[sp.Set, str]]


def extremes(a: Analysis) -> Extremes:
    parts: list[sp.Set] = []
    candidates: list[tuple[sp.Expr, sp.Set]] = []  # (value, where attained; empty if only approached)
    for s in a.spans:
        if s.sign == 0:
            parts.append(sp.FiniteSet(s.start))
            candidates.append((s.start, _interval(s.low, s.high)))
        else:
            lo, hi = sorted((s.start, s.end), key=_num)
            parts.append(sp.Interval.open(lo, hi) if not _same(lo, hi) else sp.S.EmptySet)
            candidates += [(s.start, sp.S.EmptySet), (s.end, sp.S.EmptySet)]
    for at, v in a.points:
        if v is not None:
            parts.append(sp.FiniteSet(v))
            candidates.append((v, sp.FiniteSet(at)))
    rng = sp.Union(*parts)
    sup = max((v for v, _ in candidates), key=_num)
    inf = min((v for v, _ in candidates), key=_num)
    argmax = sp.Union(*[w for v, w in candidates if _same(v, sup)]) if sup not in (sp.oo, -sp.oo) else sp.S.EmptySet
    argmin = sp.Union(*[w for v, w in candidates if _same(v, inf)]) if inf not in (sp.oo, -sp.oo) else sp.S.EmptySet
    return Extremes(rng, sup, inf, argmax, argmin, _monotonic(a), [(_interval(s.low, s.high), _kind(s.sign)) for s in a.spans])


def _kind(sign: int) -> str:
    return {1: "increasing", -1: "decreasing", 0: "constant"}[sign]


def _monotonic(a: Analysis) -> str:
    signs = {s.sign for s in a.spans}
    ups = downs = True
    by_low = {s.low: s for s in a.spans}
    by_high = {s.high: s for s in a.spans}
    for at, v in a.points:
        left, right = by_high.get(at), by_low.get(at)
        if left is None or right is None:
            continue
        seq = [left.end] + ([v] if v is not None else []) + [right.start]
        ups &= all(_num(p) <= _num(q) for p, q in zip(seq, seq[1:]))
        downs &= all(_num(p) >= _num(q) for p, q in zip(seq, seq[1:]))
    if signs == {0} and ups and downs:
        return "constant"
    if -1 not in signs and ups:
        return "increasing" if 0 not in signs else "nondecreasing"
    if 1 not in signs and downs:
        return "decreasing" if 0 not in signs else "nonincreasing"
    return "none"


# -- the facts ---------------------------------------------------------------------------------------------


def _limit_fact(analyses: dict[str, Analysis], x: sp.Symbol) -> tuple[Fact | None, list[Omission]]:
    rows, values, omitted = [], {"f": {}, "df": {}}, []
    for which in ("f", "df"):
        a = analyses.get(which)
        if a is None:
            continue
        for direction in (-1, 1):
            lim = a.limits.get(direction)
            if lim is None:
                continue
            key = "oo" if direction > 0 else "-oo"
            if lim.value is None:
                omitted.append(Omission("limits", *lim.note) if lim.note else Omission("limits", "limit_unknown"))
                values[which][key] = None
            else:
                rows += lim.steps
                values[which][key] = lim.value
    if not rows:
        return None, omitted
    return Fact("limits", rows, values), omitted


def _monotonic_fact(a: Analysis, e: Extremes, names: Names, x: sp.Symbol) -> Fact:
    rows = list(a.steps)
    conclusion = e.monotonic
    verification = _all([r.verification for r in rows if r.verification is not None])
    if conclusion == "none":
        for where, kind in e.pieces:
            rows.append(step(f"piece_{kind}", names.f(x), where, "text", verification, on=where))
    rows.append(step(f"monotonic_{conclusion}", names.f(x), sp.Reals, "text", verification))
    return Fact("monotonic", rows, {"monotonic": conclusion, "pieces": e.pieces}, a.method)


def _range_fact(a: Analysis, e: Extremes, names: Names, x: sp.Symbol, definition: sp.Expr, avoid: list[float]) -> Fact:
    rows = []
    for s in a.spans:
        where = _interval(s.low, s.high)
        if s.sign == 0:
            rows.append(step("image_constant", names.f(x), s.start, "text", _ok(), on=where, value=s.start))
        else:
            lo, hi = (s.start, s.end) if s.sign > 0 else (s.end, s.start)
            rows.append(step("image_monotone", names.f(x), sp.Interval.open(lo, hi), "text", _ok(), on=where,
                             image=sp.Interval.open(lo, hi), start=s.start, end=s.end))
    for at, v in a.points:
        if v is not None and not any(sp.Interval.open(*sorted((s.start, s.end), key=_num)).contains(v) is sp.true for s in a.spans if s.sign):
            rows.append(step("point_value", names.f(at), v, "=", check_value(definition, x, at, v)))
    rows.append(step("range", names.f(x), e.range, "in", check_range(definition, x, e.range, avoid), where=sp.Reals))
    return Fact("range", rows, {"range": e.range}, a.method)


def _sides(pieces: list[Piece], x: sp.Symbol, at: sp.Expr) -> tuple[sp.Expr | None, sp.Expr | None]:
    """The one-sided limits f(a−), f(a+) at a region boundary, from the formulas on either side."""
    left = next((p for p in pieces if p.high == at), None)
    right = next((p for p in pieces if p.low == at), None)
    return (_value_at(left.g, x, at, "-") if left else None, _value_at(right.g, x, at, "+") if right else None)


def _value_at_0(d: Derivation, names: Names, pieces: list[Piece], cuts: dict, f_plain: sp.Expr,
                f_pieces: list[Piece]) -> tuple[Fact | None, Omission | None]:
    x = d.variable
    zero = sp.S.Zero
    kink = next((k for k in d.kinks if k.at == 0), None)
    if zero in cuts:
        left, right = _sides(f_pieces, x, zero)
        if left is None or right is None or not _same(left, right):
            rows = [step("jump", names.f(x), zero, "text", _jump_check(f_plain, x, zero, left, right),
                         at=zero, left=left, right=right)]
            rows.append(step("kink_undefined", names.df(zero), zero, "text", _ok(), at=zero))
            return Fact("value_at_0", rows, {"value": None, "f_left": left, "f_right": right, "jump": True}), None
        if kink is not None:
            rows = [step("one_sided", names.df(x), zero, "text", _one_sided_checks(f_plain, x, zero, kink.left, kink.right),
                         at=zero, left=kink.left, right=kink.right)]
            if kink.value is None:
                rows.append(step("kink_undefined", names.df(zero), zero, "text", _ok(), at=zero))
            else:
                rows.append(step("kink_convention", names.df(zero), kink.value, "=", check_value(d.derivative, x, zero, kink.value),
                                 convention=kink.convention))
            return Fact("value_at_0", rows, {"value": kink.value, "left": kink.left, "right": kink.right,
                                             "convention": kink.convention}), None
        value = cuts[zero]
        if value is None:
            return None, Omission("value_at_0", "value_at_0_unknown", {})
        rows = [step("smooth_join", names.df(zero), value, "=", _one_sided_checks(f_plain, x, zero, value, value), at=zero)]
        return Fact("value_at_0", rows, {"value": value}), None
    piece = next(p for p in pieces if _num(p.low) < 0 < _num(p.high))
    shown = piece.display if piece.display is not None else piece.g
    rows = []
    if len(pieces) > 1:
        rows.append(step("piece_formula", names.df(x), shown, "=", _ok(), where=_where(x, piece.low, piece.high)))
    at0 = shown.xreplace({x: U(zero)})
    value = _value_at(shown if piece.display is None else plain(shown), x, zero)
    if value is None:
        value, other = _value_at(plain(shown), x, zero, "+"), _value_at(plain(shown), x, zero, "-")
        if value is None or other is None or not _same(value, other):
            return None, Omission("value_at_0", "value_at_0_unknown", {})
        rows.append(step("removable", names.df(zero), value, "=", _one_sided_checks(f_plain, x, zero, value, value)))
        return Fact("value_at_0", rows, {"value": value}), None
    rows.append(step("substitute", names.df(zero), at0, "=", check_equal(names.df(zero), at0, (x,)), at=zero))
    known = {}
    for app in sorted(at0.atoms(sp.Function), key=sp.default_sort_key):
        if any(isinstance(arg, U) for arg in app.args):
            v = plain(app)
            if v.is_number and not v.has(sp.Function):
                known[app] = U(_simplify(v))
    current = at0
    if known:
        evaluated = at0.xreplace(known)
        rows.append(step("known_values", at0, evaluated, "=", check_equal(at0, evaluated, (x,)), chain=True,
                         values=[sp.Eq(a, v.args[0], evaluate=False) for a, v in known.items()]))
        current = evaluated
    if to_text(current) != to_text(value):
        rows.append(step("arithmetic", current, value, "=", check_equal(current, value, (x,)), chain=True))
    return Fact("value_at_0", rows, {"value": value}), None


def _jump_check(f: sp.Expr, x: sp.Symbol, at: sp.Expr, left, right) -> Verification:
    fn = _mp_function(f, x)
    with mpmath.workdps(30):
        try:
            h = mpmath.mpf(10) ** -20
            a = mpmath.mpf(sp.N(at, 30))
            lv, rv = fn(a - h), fn(a + h)
        except (ValueError, ZeroDivisionError, TypeError):
            return Verification(False, None, 0, note="f could not be evaluated next to the jump")
        ok = left is not None and right is not None and abs(lv - _num(left)) < 1e-15 and abs(rv - _num(right)) < 1e-15
        ok = ok and not _same(left, right)
    return Verification(ok, "numeric", 2)


def _one_sided_checks(f: sp.Expr, x: sp.Symbol, at: sp.Expr, left: sp.Expr, right: sp.Expr) -> Verification:
    return _all([check_one_sided(f, x, at, -1, left), check_one_sided(f, x, at, 1, right)])


def _kinks_fact(d: Derivation, names: Names, f_plain: sp.Expr, f_pieces: list[Piece]) -> Fact | None:
    x = d.variable
    if not d.kinks:
        return None
    rows, values = [], []
    for k in d.kinks:
        f_left, f_right = _sides(f_pieces, x, k.at)
        if f_left is None or f_right is None or not _same(f_left, f_right):
            # f itself jumps (step, hard shrink, threshold): f′ does not exist there, whatever a backward
            # pass returns by convention
            rows.append(step("jump", names.f(x), k.at, "text", _jump_check(f_plain, x, k.at, f_left, f_right),
                             at=k.at, left=f_left, right=f_right))
            rows.append(step("kink_undefined", names.df(k.at), k.at, "text", _ok(), at=k.at))
            if k.value is not None:
                rows.append(step("jump_convention", names.df(k.at), k.value, "=",
                                 check_value(d.derivative, x, k.at, k.value), convention=k.convention))
            values.append({"at": k.at, "left": k.left, "right": k.right, "value": k.value, "jump": True,
                           "convention": k.convention, "f_left": f_left, "f_right": f_right})
            continue
        rows.append(step("one_sided", names.df(x), k.at, "text", _one_sided_checks(f_plain, x, k.at, k.left, k.right),
                         at=k.at, left=k.left, right=k.right))
        if k.value is None:
            rows.append(step("kink_undefined", names.df(k.at), k.at, "text", _ok(), at=k.at))
        else:
            rows.append(step("kink_convention", names.df(k.at), k.value, "=", check_value(d.derivative, x, k.at, k.value),
                             convention=k.convention))
        values.append({"at": k.at, "left": k.left, "right": k.right, "value": k.value, "jump": False, "convention": k.convention})
    return Fact("kinks", rows, {"kinks": values})


def _output_form_zeros(d2: Derivation, names: Names, f_range: sp.Set, f_plain: sp.Expr, monotone: bool) -> Zeros | None:
    """Zeros of f″ the lecturer's way: f″ = P(y) with y = f(x); solve P(y) = 0; keep the roots inside the
    range of f; then solve f(x) = y0, one solution each since f is strictly monotone."""
    x, y = d2.variable, d2.output_symbol
    if d2.output_form is None or not monotone or not isinstance(f_range, sp.Interval):
        return None
    P = d2.output_form
    got = bounded(lambda: sp.solveset(P, y, sp.Reals), SOLVE_SECONDS)
    roots = got.value
    if not isinstance(roots, sp.FiniteSet) or not all(r.is_number for r in roots):
        return None
    inside = [r for r in roots if f_range.contains(r) is sp.true]
    outside = [r for r in roots if f_range.contains(r) is sp.false]
    if len(inside) + len(outside) != len(roots):
        return None
    xs = []
    rows = [
        step("output_form", names.ddf(x), P, "=", d2.output_check or _ok(), y=sp.Eq(y, names.f(x))),
        step("solve_y", sp.Eq(P, 0), sp.Contains(y, roots, evaluate=False), "iff",
             _all([_ok() if sp.simplify(P.subs(y, r)) == 0 else Verification(False, None) for r in roots])),
        step("in_range", sp.Contains(y, f_range, evaluate=False), sp.Contains(y, sp.FiniteSet(*inside), evaluate=False), "implies",
             _ok(), excluded=sp.FiniteSet(*outside), range=f_range, y=sp.Eq(y, names.f(x))),
    ]
    for r in inside:
        sol = bounded(lambda: sp.solveset(sp.Eq(f_plain, r), x, sp.Reals), SOLVE_SECONDS).value
        if not isinstance(sol, sp.FiniteSet) or len(sol) != 1:
            return None
        x0 = next(iter(sol))
        xs.append(x0)
        rows.append(step("invert", sp.Eq(names.f(x), r), sp.Eq(x, x0), "iff", check_value(f_plain, x, x0, r)))
    return Zeros(sorted(xs, key=_num), "output_form", rows)


def _max_fact(a: Analysis, e: Extremes, names: Names, x: sp.Symbol, derivative: sp.Expr, second_rows: list[Step],
              avoid: list[float], values_at: list[tuple[sp.Expr, sp.Expr | None]], f_plain: sp.Expr) -> Fact:
    rows = list(second_rows) + list(a.steps)
    for s in a.spans:
        if s.sign:
            rows.append(step("df_increasing" if s.sign > 0 else "df_decreasing", names.df(x), _interval(s.low, s.high), "text",
                             _ok(), on=_interval(s.low, s.high, s.low.is_infinite, s.high.is_infinite)))
    for at, v in values_at:
        if v is not None:
            check = check_value(derivative, x, at, v)
            if not check.ok and at.is_finite and not at.is_Float and any(abs(at - a) < 1e-12 for a in avoid):
                check = _one_sided_checks(f_plain, x, at, v, v)  # a smooth join: f′ there from f itself
            rows.append(step("value", names.df(at), v, "=" if not v.is_Float else "approx", check,
                             approx=_approx(v) if not v.is_Rational and not v.is_Float else None))
    attained = e.argmax != sp.S.EmptySet
    if e.sup == sp.oo:
        rows.append(step("unbounded_above", names.df(x), sp.oo, "text", _ok()))
    elif attained:
        rows.append(step("max", names.df(x), e.sup, "le", check_bound(derivative, x, e.sup, "max", e.argmax, avoid),
                         where=sp.Reals, statement=sp.Le(names.df(x), e.sup, evaluate=False),
                         equality=sp.Contains(x, e.argmax, evaluate=False)))
    else:
        rows.append(step("sup", names.df(x), e.sup, "lt", check_bound(derivative, x, e.sup, "max", sp.S.EmptySet, avoid),
                         where=sp.Reals, statement=sp.Lt(names.df(x), e.sup, evaluate=False)))
    if e.inf == -sp.oo:
        rows.append(step("unbounded_below", names.df(x), -sp.oo, "text", _ok()))
    elif e.argmin != sp.S.EmptySet:
        rows.append(step("min", names.df(x), e.inf, "ge", check_bound(derivative, x, e.inf, "min", e.argmin, avoid),
                         where=sp.Reals, statement=sp.Ge(names.df(x), e.inf, evaluate=False),
                         equality=sp.Contains(x, e.argmin, evaluate=False)))
    else:
        rows.append(step("inf", names.df(x), e.inf, "gt", check_bound(derivative, x, e.inf, "min", sp.S.EmptySet, avoid),
                         where=sp.Reals, statement=sp.Gt(names.df(x), e.inf, evaluate=False)))
    values = {
        "max": e.sup if attained else None,
        "argmax": e.argmax if attained else sp.S.EmptySet,
        "sup": e.sup,
        "min": e.inf if e.argmin != sp.S.EmptySet else None,
        "argmin": e.argmin,
        "inf": e.inf,
        "range": e.range,
        "monotonic": e.monotonic,
    }
    return Fact("max", rows, values, a.method)


def _layer_fact(e: Extremes, names: Names, x: sp.Symbol, method: str) -> Fact | None:
    if e.sup in (sp.oo, -sp.oo) or e.inf in (sp.oo, -sp.oo):
        return None
    M = max(abs(e.sup), abs(e.inf), key=_num)
    M = _simplify(M)
    i = sp.Symbol("i", integer=True, positive=True)
    z = sp.Indexed(sp.IndexedBase("z"), i)
    product = sp.Product(names.df(z), (i, 1, N_LAYERS))
    bound = M**N_LAYERS
    rows = [
        step("layers", sp.Abs(product), sp.Product(sp.Abs(names.df(z)), (i, 1, N_LAYERS)), "=", _ok()),
        step("layer_bound", sp.Product(sp.Abs(names.df(z)), (i, 1, N_LAYERS)), bound, "le",
             _layer_check(names, M), chain=True, bound=M),
    ]
    example = M**LAYERS_EXAMPLE
    if _num(M) < 1:
        rows.append(step("vanishing", bound, sp.S.Zero, "to", _ok(), n=LAYERS_EXAMPLE, example=sp.Eq(M**U(sp.Integer(LAYERS_EXAMPLE)), _approx(example, 3), evaluate=False)))
    elif _same(M, 1):
        rows.append(step("no_shrink", bound, sp.S.One, "=", _ok()))
    else:
        rows.append(step("may_grow", bound, sp.oo, "to", _ok()))
    return Fact("layer_bound", rows, {"bound": bound, "sup_abs": M}, method)


def _layer_check(names: Names, M: sp.Expr) -> Verification:
    """|∏ f′(z_i)| ≤ M^n at random z (n = 1 … 6), evaluated with mpmath."""
    import random

    rng = random.Random(7)
    u = sp.Symbol("u", real=True)
    fn = _mp_function(plain(names.df(u)), u)
    bound = _num(M)
    checked = 0
    with mpmath.workdps(30):
        for n in range(1, 7):
            for _ in range(8):
                zs = [mpmath.mpf(rng.uniform(-8, 8)) for _ in range(n)]
                try:
                    prod = mpmath.fprod(fn(zz) for zz in zs)
                except (ValueError, ZeroDivisionError, TypeError):
                    continue
                if abs(prod) > bound**n * (1 + mpmath.mpf(10) ** -20):
                    return Verification(False, "numeric", checked, counterexample={"z": str(zs), "product": mpmath.nstr(prod, 15)})
                checked += 1
    return Verification(True, "numeric", checked)


# -- entry point ----------------------------------------------------------------------------------------------


def _condition(x: sp.Symbol, low: sp.Expr, high: sp.Expr) -> sp.Basic:
    if low == -sp.oo and high == sp.oo:
        return sp.true
    if low == -sp.oo:
        return x < high
    if high == sp.oo:
        return x > low
    return sp.And(x > low, x < high)


def _cases(pieces: list[Piece], attr: str, x: sp.Symbol, points: dict | None = None) -> sp.Expr:
    """The pieces' formulas as one Piecewise (with the values at the cuts, where they exist)."""
    if len(pieces) == 1 and not points:
        return getattr(pieces[0], attr)
    rows = [(getattr(p, attr), _condition(x, p.low, p.high)) for p in pieces]
    rows += [(v, sp.Eq(x, at)) for at, v in (points or {}).items() if v is not None]
    return sp.Piecewise(*rows, evaluate=False)


def _cut_values(f_plain: sp.Expr, pieces: list[Piece], kinks: dict, x: sp.Symbol) -> tuple[dict, dict]:
    """f at each region boundary, and f′ there: the convention at a kink, the common one-sided value at a
    smooth join (softsign at 0, ELU with α = 1), none where f jumps."""
    f_cuts = {p.high: _value_at(f_plain, x, p.high) for p in pieces[:-1]}
    df_cuts: dict[sp.Expr, sp.Expr | None] = {}
    for left, right in zip(pieces, pieces[1:]):
        at = left.high
        lv, rv = _value_at(left.dg, x, at, "-"), _value_at(right.dg, x, at, "+")
        fl, fv, fr = _value_at(left.g, x, at, "-"), f_cuts.get(at), _value_at(right.g, x, at, "+")
        continuous = None not in (fl, fv, fr) and _same(fl, fv) and _same(fr, fv)
        if at in kinks:
            df_cuts[at] = kinks[at].value
        elif continuous and lv is not None and rv is not None and _same(lv, rv):
            df_cuts[at] = lv
        else:
            df_cuts[at] = None
    return f_cuts, df_cuts


def _at_defaults(name: str | None, symbols: list[sp.Symbol]) -> AtDefaults | None:
    """The stated defaults of a catalog entry's symbolic parameters, or None (an expression's own letters,
    an entry without a default for one of them)."""
    from derivator import catalog

    entry = catalog.lookup(name) if name else None
    if entry is None:
        return None
    by_symbol = {(p.symbol or p.name): p for p in entry.params}
    if any(s.name not in by_symbol for s in symbols):
        return None
    chosen = [by_symbol[s.name] for s in symbols]
    sources = [p.sources[0][0] for p in chosen if p.sources]
    source = sources[0] if sources else ("PyTorch" if "PyTorch" in entry.source else None)
    return AtDefaults(tuple((s, sp.Rational(p.default)) for s, p in zip(symbols, chosen)), source,
                      tuple((p.name, p.default) for p in chosen))


def facts(d: Derivation, second: Derivation | None = None, *, params: dict | None = None) -> Facts:
    """Every fact derivator can establish about f and f′ for a first-order derivation.

    `second` is the derivation of f″ (derived here with `params` when not given)."""
    from derivator.core.errors import DerivatorError

    if d.order != 1:
        raise DerivatorError("--facts applies to first derivatives", hint="drop --order")
    d.require_complete()  # every fact is about the whole derivative
    x = d.variable
    f_plain = plain(d.definition)
    # (the symbols themselves, so every format prints them as the derivation does: α, not alpha)
    extra = sorted(f_plain.free_symbols - {x}, key=lambda s: s.name)
    if extra:
        at = _at_defaults(d.name, extra)
        if at is None:
            return Facts(d, [], [Omission(k, "symbolic_parameters", {"params": extra}) for k in FACT_KEYS],
                         names_for(d, d.derivative, None))
        # the facts of the function a reader uses: at the defaults its source states, said so
        from derivator.pipeline import derive

        given = {**(params or {}), **dict(at.given)}
        at_defaults = facts(derive(d.input, x.name, params=given), params=given)
        at_defaults.at = at
        return at_defaults
    regs = regions(f_plain, x)
    if regs is None:
        return Facts(d, [], [Omission(k, "no_regions", {}) for k in FACT_KEYS], names_for(d, d.derivative, None))
    whole = len(regs) == 1
    if whole and second is None:
        from derivator.pipeline import derive

        # the engine's f″ gives the textbook form (σ″ = σ(1−σ)(1−2σ)); when it is slow, SymPy's diff of
        # f′ is used instead (same facts, plainer steps)
        second = bounded(lambda: derive(d.input, x.name, order=2, params=params), SECOND_SECONDS).value
    if second is not None and not _same_function(second, d):
        second = None
    second_ok = whole and second is not None and second.verified

    # f and f′ region by region, and their values at the boundaries
    f_pieces = [Piece(low, high, value, sp.diff(value, x), d.definition if whole else None, d.derivative if whole else None)
                for value, low, high in regs]
    f_cuts, df_cuts = _cut_values(f_plain, f_pieces, {k.at: k for k in d.kinks}, x)
    df_pieces = [Piece(p.low, p.high, p.dg, sp.diff(p.dg, x), d.derivative if whole else None,
                       second.derivative if second_ok else None) for p in f_pieces]
    # f′ as one formula defined wherever f′ (or its convention) is: what the numeric checks evaluate
    derivative = plain(d.derivative) if whole else _cases(f_pieces, "dg", x, df_cuts)
    names = names_for(d, derivative, second.derivative if second_ok else None)
    avoid = [float(c) for c in f_cuts]
    found: list[Fact] = []
    omitted: list[Omission] = []
    analyses: dict[str, Analysis] = {}

    fact, omission = _value_at_0(d, names, df_pieces, df_cuts, f_plain, f_pieces)
    found += [fact] if fact else []
    omitted += [omission] if omission else []

    # f: monotonicity and range
    fa = analyses["f"] = analyse(f_pieces, x, names.f, names.df, f_cuts)
    fe = extremes(fa) if fa.complete else None
    if fe is not None:
        found.append(_monotonic_fact(fa, fe, names, x))
        found.append(_range_fact(fa, fe, names, x, f_plain, avoid))
    else:
        omitted += [Omission(key, *(fa.note or ("limit_missing", {}))) for key in ("monotonic", "range")]

    # f′: maximum, minimum and its own range, through f″
    if second_ok:
        second_rows = [step("second_derivative", names.ddf(x), second.derivative, "=", second.final_check or _ok(), order=2)]
    else:
        checks = [check_equal(sp.Derivative(p.g, x), p.dg, (x,), _domain(p.low, p.high)) for p in df_pieces]
        second_rows = [step("second_derivative_pieces", names.ddf(x), _cases(df_pieces, "dg", x), "=", _all(checks))]
    known = None
    if second_ok and fe is not None and fe.monotonic in ("increasing", "decreasing"):
        known = _output_form_zeros(second, names, fe.range, f_plain, True)
    da = analyses["df"] = analyse(df_pieces, x, names.df, names.ddf, df_cuts, known_zeros=known)
    if da.complete:
        de = extremes(da)
        found.append(_max_fact(da, de, names, x, derivative, second_rows, avoid, da.points, f_plain))
        layer = _layer_fact(de, names, x, da.method)
        found += [layer] if layer else []
        omitted += [] if layer else [Omission("layer_bound", "unbounded_derivative")]
    else:
        omitted += [Omission(key, *(da.note or ("limit_missing", {}))) for key in ("max", "layer_bound")]

    lf, lom = _limit_fact(analyses, x)
    found += [lf] if lf else []
    omitted += lom
    kf = _kinks_fact(d, names, f_plain, f_pieces)
    found += [kf] if kf else []
    # every fact is either established or omitted with its reason, never silently missing
    accounted = {f.key for f in found} | {o.key for o in omitted}
    omitted += [Omission(key, "not_established") for key in FACT_KEYS if key != "kinks" and key not in accounted]
    order = {k: i for i, k in enumerate(FACT_KEYS)}
    found.sort(key=lambda f: order.get(f.key, 99))
    return Facts(d, found, omitted, names)


def _same_function(a: Derivation, b: Derivation) -> bool:
    return check_equal(a.definition, b.definition, (b.variable,)).ok


def _domain(low: sp.Expr, high: sp.Expr) -> Domain:
    """Where to sample a formula that holds on (low, high) only."""
    lo = _float(low) if low.is_finite else (_float(high) - 8 if high.is_finite else -4.0)
    hi = _float(high) if high.is_finite else max(lo + 8, 4.0)
    return Domain(lo, hi)


def _float(v: sp.Expr) -> float:
    return float("inf") if v == sp.oo else float("-inf") if v == -sp.oo else float(v)
