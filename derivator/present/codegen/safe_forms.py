"""Numerically safe forms: the same function, rewritten so float arithmetic does not break it.

A formula that is right on paper fails in floats in two ways: an intermediate overflows although the
result is finite (σ(−800) = 1/(1 + e^800)), or two nearly equal numbers are subtracted and the
rounding error of each becomes the whole answer (1 − σ(40), 1 − tanh²(20), x − tanh x near 0). The
rule here is general, not a table of per-function formulas:

1. Library functions first. A function the target library has (tanh, erf, atan, …) is called, never
   written out in exponentials.
2. Exponentials only with non-positive exponents. A subexpression whose only dependence on x is
   through one exponential e^w (σ, tanh, sech², written in exponentials) with x-free coefficients is
   a rational function R(e^w). It is evaluated in t = e^(−|w|) ≤ 1: R(1/t) where w ≥ 0, R(t) where
   w < 0, each reduced to polynomials in t, so no term overflows. The log of such a subexpression is
   split into the linear part (log t = −|w|) and log1p of polynomials in t: softplus becomes
   max(w, 0) + log1p(e^(−|w|)), log σ becomes min(w, 0) − log1p(e^(−|w|)), and BCE with logits
   follows from the same rule.
3. No subtraction of nearly equal numbers. e^v − 1 and polynomial factors of t that vanish at t = 1
   use expm1; log(1 + v) is log1p(v); c ± c·erf(v) is c·erfc(∓v); P + M√Q whose terms cancel (at
   0 or at ±∞) is written with the conjugate (M²Q − P²)/(M√Q − P), where P and M√Q have opposite
   signs; a sum whose terms cancel to higher order at 0 (x − tanh x = x³/3 + …) is evaluated by its
   Taylor polynomial near 0, up to the radius where the sum itself is accurate again.

Rules 2 and 3 are exact identities, so the result equals the input everywhere; the tests measure the
accuracy (relative error ≤ 1e−12 in float64 over [−800, 800] for every catalog entry and target).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from math import gcd

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from derivator.core.functions import expand_named

_HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh, sp.sech, sp.csch, sp.coth)
_NOT_ANALYTIC = (sp.Piecewise, sp.Abs, sp.Max, sp.Min, sp.Heaviside, sp.sign)
DOUBLE_EPS = 2.0**-53
# a cancelling sum is evaluated naively only where its relative error is below this
NAIVE_TARGET = 1e-13
TAYLOR_MAX_ORDER = 40
# SymPy's series can take seconds on a big derivative (GELU's tanh form): sums larger than this are
# not expanded (the catalog's cancelling sums, x − tanh x and x cos x − sin x, have under 10)
SERIES_MAX_OPS = 30


@dataclass(frozen=True)
class ExpRational:
    """expr = R(e^w), R a rational function of T with coefficients free of x."""

    numerator: sp.Poly  # in T
    denominator: sp.Poly
    w: sp.Expr


def safe_form(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """expr rewritten by the rules above (derivator's named functions written out first; sign(u),
    which math and C# lack under that name, as its cases)."""
    expr = expand_named(expr).replace(
        lambda e: isinstance(e, sp.sign),
        lambda e: sp.Piecewise((1, e.args[0] > 0), (-1, e.args[0] < 0), (0, True)))
    return _Safe(x).visit(expr)


def decays(expr: sp.Expr) -> dict[sp.Expr, list[tuple[sp.Expr, int]]]:
    """The e^(−c|w|) atoms a safe form uses, by the smallest such exponent −c|w|: each atom is t^k with
    t = e^(−c|w|), worth computing once and safe to compute anywhere (t ≤ 1)."""
    by_w: dict[sp.Expr, list[tuple[sp.Expr, sp.Expr]]] = {}
    for atom in sorted(expr.atoms(sp.exp), key=sp.default_sort_key):
        c, rest = atom.args[0].as_independent(sp.Abs, as_Add=False)
        if isinstance(rest, sp.Abs) and c.is_number and c.is_negative:
            by_w.setdefault(rest, []).append((atom, -c))
    found: dict[sp.Expr, list[tuple[sp.Expr, int]]] = {}
    for abs_w, atoms in sorted(by_w.items(), key=lambda item: sp.default_sort_key(item[0])):
        smallest = min(c for _, c in atoms)
        for atom, c in atoms:
            ratio = sp.nsimplify(c / smallest)
            key = -smallest * abs_w if ratio.is_Integer else -c * abs_w
            found.setdefault(key, []).append((atom, int(ratio) if ratio.is_Integer else 1))
    return found


# --- recognising R(e^w) ---------------------------------------------------------------------------


def _without_positive_factor(w: sp.Expr) -> sp.Expr:
    if not w.free_symbols:
        return w
    coeff, rest = w.as_independent(*w.free_symbols, as_Add=False)
    return rest if sp.sympify(coeff).is_positive else w


def nonnegative(w: sp.Expr) -> sp.Basic:
    """w ≥ 0 without w's positive constant factor: x ≥ 0 rather than √2·x/√π ≥ 0."""
    return _without_positive_factor(w) >= 0


def _negative(s: sp.Expr) -> sp.Basic:
    return _without_positive_factor(s) < 0


class Erfc(sp.Function):
    """erfc that stays as written: SymPy turns erfc(−v) into 2 − erfc(v), the cancellation avoided."""

    nargs = 1

    def _eval_evalf(self, prec):
        return sp.erfc(self.args[0])._eval_evalf(prec)

    def _sympystr(self, printer):
        return f"erfc({printer._print(self.args[0])})"


def _hyperbolic_in_exp(e: sp.Expr) -> sp.Expr:
    return e.replace(lambda a: isinstance(a, _HYPERBOLIC), lambda a: a.rewrite(sp.exp))


def as_exp_rational(e: sp.Expr, x: sp.Symbol) -> ExpRational | None:
    """R and w with e = R(e^w), or None when e is not a rational function of one exponential of x
    with coefficients free of x."""
    if not e.has(x) or e.has(*_NOT_ANALYTIC):
        return None
    f = _hyperbolic_in_exp(e)
    exps = sorted({a for a in f.atoms(sp.exp) if a.has(x)}, key=sp.default_sort_key)
    if not exps:
        return None
    args = [a.args[0] for a in exps]
    ratios = [sp.cancel(a / args[0]) for a in args]
    if not all(r.is_Rational for r in ratios):
        return None  # e^x and e^(x²): no single exponential
    denominators = reduce(sp.ilcm, [r.q for r in ratios], 1)
    ks = [int(r * denominators) for r in ratios]
    g = reduce(gcd, ks)
    w = args[0] * g / denominators
    ks = [k // g for k in ks]
    if w.could_extract_minus_sign():  # e^(−x) as (e^x)^(−1): conditions read w ≥ 0, not −x ≥ 0
        w, ks = -w, [-k for k in ks]
    T = sp.Dummy("T", positive=True)
    R = f.xreplace({a: T**k for a, k in zip(exps, ks)})
    if R.has(x) or not R.is_rational_function(T):
        return None
    num, den = sp.fraction(sp.cancel(sp.together(R)))
    try:
        return ExpRational(sp.Poly(num, T), sp.Poly(den, T), w)
    except sp.PolynomialError:
        return None


def _is_library_monomial(e: sp.Expr, x: sp.Symbol) -> bool:
    """c · tanh(w)^k · e^(kw): library calls of x, multiplied. Nothing cancels, nothing overflows
    that is not the true value's own overflow: rule 1 keeps them as they are."""
    for factor in sp.Mul.make_args(e):
        if not factor.has(x):
            continue
        base, exponent = factor.as_base_exp()
        if not (isinstance(base, (sp.tanh, sp.exp)) and exponent.is_Integer):
            return False
    return True


# --- t-forms ---------------------------------------------------------------------------------------


def _split_t_power(p: sp.Poly) -> tuple[int, sp.Poly]:
    """(m, q) with p = t^m · q and q(0) ≠ 0."""
    m = min(monom[0] for monom in p.monoms())
    return m, sp.Poly(sp.cancel(p.as_expr() / p.gens[0] ** m), p.gens[0])


def _reversed(p: sp.Poly, degree: int) -> sp.Poly:
    """t^degree · p(1/t)."""
    t = p.gens[0]
    return sp.Poly(sp.expand(p.as_expr().xreplace({t: 1 / t}) * t**degree), t)


def _with_expm1(p: sp.Poly, minus_abs_w: sp.Expr) -> sp.Expr:
    """p(t) with each factor (t − 1) written expm1(−|w|): no cancellation as t → 1 (w → 0); the rest
    factored, (1 + t)² rather than 1 + 2t + t²."""
    t = p.gens[0]
    out = sp.Integer(1)
    rest = p
    one = sp.Poly(t - 1, t)
    while rest.degree() > 0 and rest.eval(1) == 0:
        rest = sp.Poly(sp.quo(rest, one), t)
        out *= expm1(minus_abs_w)
    if any(c.free_symbols for c in rest.coeffs()):
        # parameters in the coefficients (a label t in σ(z) − t): Horner in t, each coefficient
        # computed first, so 1 − t is exactly 0 for t = 1 and the t-terms are not lost against it
        return out * _horner(rest)
    return out * sp.factor(rest.as_expr())


def _horner(p: sp.Poly) -> sp.Expr:
    t = p.gens[0]
    out = sp.Integer(0)
    for c in p.all_coeffs():
        c = sp.factor(c)
        c = Grouped(c) if isinstance(c, sp.Add) else c
        out = out * t + c if out != 0 else c
    return out


class Grouped(sp.Function):
    """(e) evaluated as a whole before it meets the other terms; printed in parentheses. SymPy would
    flatten a sum into the sum around it, and the order of float additions is the point."""

    nargs = 1

    def _eval_evalf(self, prec):
        return self.args[0]._eval_evalf(prec)

    def _sympystr(self, printer):
        return f"({printer._print(self.args[0])})"


def _branch(num: sp.Poly, den: sp.Poly) -> tuple[int, sp.Expr]:
    """num(t)/den(t) as (k, rest) with t^k pulled out and rest(0) finite and nonzero."""
    mn, num = _split_t_power(num)
    md, den = _split_t_power(den)
    return mn - md, sp.cancel(num.as_expr() / den.as_expr())


def _assemble(k: int, rest: sp.Expr, t: sp.Symbol, w: sp.Expr) -> sp.Expr:
    """t^k · rest(t) with t = e^(−|w|); a negative power of t is e^(k|w|), never 1/t (t may be 0)."""
    minus_abs_w = -sp.Abs(w)
    decay = sp.exp(minus_abs_w)
    num, den = sp.fraction(sp.factor(rest))
    num, den = sp.Poly(num, t), sp.Poly(den, t)
    power = decay**k if k >= 0 else sp.exp(-k * sp.Abs(w))
    body = _with_expm1(num, minus_abs_w) / _with_expm1(den, minus_abs_w)
    return power * body.xreplace({t: decay})


def _in_t(r: ExpRational) -> tuple[sp.Symbol, sp.Poly, sp.Poly]:
    T = r.numerator.gens[0]
    t = sp.Dummy("t", positive=True)
    return t, sp.Poly(r.numerator.as_expr().xreplace({T: t}), t), sp.Poly(r.denominator.as_expr().xreplace({T: t}), t)


def expm1_form(r: ExpRational) -> sp.Expr | None:
    """c·e^(jw)·(e^w − 1)^m as c·e^(jw)·expm1(w)^m: nothing to rescale, only the cancellation to avoid."""
    if not r.denominator.is_monomial:
        return None
    T = r.numerator.gens[0]
    rest, m = r.numerator, 0
    one = sp.Poly(T - 1, T)
    while rest.degree() > 0 and rest.eval(1) == 0:
        rest, m = sp.Poly(sp.quo(rest, one), T), m + 1
    if m == 0 or not rest.is_monomial:
        return None
    ratio = (rest.as_expr() / r.denominator.as_expr()).xreplace({T: sp.exp(r.w)})
    return ratio * expm1(r.w) ** m


def t_form(r: ExpRational) -> sp.Expr:
    """R(e^w) evaluated in t = e^(−|w|): R(1/t) where w ≥ 0, R(t) where w < 0 (rule 2)."""
    direct = expm1_form(r)
    if direct is not None:
        return direct
    t, num, den = _in_t(r)
    top = max(num.degree(), den.degree())
    # R(1/t) = (t^top · P(1/t)) / (t^top · Q(1/t))
    pos = _branch(_reversed(num, top), _reversed(den, top))
    neg = _branch(num, den)
    if pos[0] == neg[0] and sp.cancel(pos[1] - neg[1]) == 0:
        return _assemble(*pos, t, r.w)
    return sp.Piecewise((_assemble(*pos, t, r.w), nonnegative(r.w)), (_assemble(*neg, t, r.w), True))


def _log_poly(p: sp.Poly) -> tuple[int, sp.Expr, int] | None:
    """log|p(t)| as (power of t, the rest written with log1p, sign of p near t = 0); None when that
    sign is not known (symbolic coefficients)."""
    m, q = _split_t_power(p)
    c = q.eval(0)
    if not c.is_number or c == 0:
        return None
    rest = sp.expand(q.as_expr() / c - 1)
    return m, sp.log(abs(c)) + (log1p(rest) if rest != 0 else 0), 1 if c > 0 else -1


def log_t_form(r: ExpRational) -> sp.Expr | None:
    """log R(e^w) with log t = −|w| taken out and log1p for the rest (rule 2 for logarithms)."""
    t, num, den = _in_t(r)
    w = r.w
    top = max(num.degree(), den.degree())
    parts = []
    for P, Q in ((_reversed(num, top), _reversed(den, top)), (num, den)):
        lp, lq = _log_poly(P), _log_poly(Q)
        if lp is None or lq is None or lp[2] != lq[2]:
            return None  # R < 0 there, or unknown: no real logarithm to rewrite
        parts.append((lp[0] - lq[0], sp.expand(lp[1] - lq[1])))
    (k_pos, rest_pos), (k_neg, rest_neg) = parts
    decay = sp.exp(-sp.Abs(w))
    # log t is −w where w ≥ 0 and w where w < 0
    if sp.expand(rest_pos - rest_neg) == 0:
        return -k_pos * sp.Max(w, 0) + k_neg * sp.Min(w, 0) + rest_pos.xreplace({t: decay})
    return sp.Piecewise((-k_pos * w + rest_pos.xreplace({t: decay}), nonnegative(w)),
                        (k_neg * w + rest_neg.xreplace({t: decay}), True))


# --- the rewrite -----------------------------------------------------------------------------------


class _Safe:
    def __init__(self, x: sp.Symbol):
        self.x = x

    def visit(self, e: sp.Expr) -> sp.Expr:
        x = self.x
        if not e.has(x) or e.is_Atom:
            return e
        if isinstance(e, sp.Piecewise):
            return sp.Piecewise(*[(self.visit(v), c) for v, c in e.args], evaluate=False)
        unit = self.exp_unit(e)
        if unit is not None:
            return unit
        if isinstance(e, sp.log):
            return self.log(e.args[0])
        if isinstance(e, sp.Add):
            return self.add(e)
        return e.func(*[self.visit(a) for a in e.args])

    def exp_unit(self, e: sp.Expr) -> sp.Expr | None:
        """Rule 2 for e itself, when e is R(e^w) and not a plain library call."""
        if _is_library_monomial(e, self.x):
            return None
        r = as_exp_rational(e, self.x)
        if r is None or r.numerator.is_monomial and r.denominator.is_monomial:
            return None  # c·e^(kw): nothing cancels; its overflow is the true value's
        return t_form(r)

    def log(self, a: sp.Expr) -> sp.Expr:
        r = as_exp_rational(a, self.x)
        if r is not None and not (r.numerator.is_monomial and r.denominator.is_monomial):
            found = log_t_form(r)
            if found is not None:
                return found
        one, rest = a.as_independent(self.x, as_Add=True)
        if one == 1 and rest != 0:
            return log1p(self.visit(rest))
        return sp.log(self.visit(a))

    def add(self, e: sp.Expr) -> sp.Expr:
        x = self.x
        e = _erf_complement(e, x)
        if not isinstance(e, sp.Add):
            return self.visit(e)
        if any(_has_inverse_root(a, x) for a in e.args):
            joined = sp.together(e)  # x/(2√(x²+4)) + 1/2 → (x + √(x²+4))/(2√(x²+4)): the root's sum in one place
            if not isinstance(joined, sp.Add):
                return self.visit(joined)
        body = self.grouped(e)
        small = sp.count_ops(e) <= SERIES_MAX_OPS
        taylor = _taylor_near_zero(e, x) if small and e.subs(x, 0) == 0 else None
        if taylor is not None:
            poly, radius = taylor
            return sp.Piecewise((poly, sp.Abs(x) < radius), (body, True), evaluate=False)
        return body

    def grouped(self, e: sp.Expr) -> sp.Expr:
        """Terms that are R(e^w) for one w, with the constants, are one unit (tanh(u)/2 + 1/2)."""
        x = self.x
        constants, terms = e.as_independent(x, as_Add=True)
        groups: dict[sp.Expr, list[sp.Expr]] = {}
        rest: list[sp.Expr] = []
        for term in sp.Add.make_args(terms):
            r = as_exp_rational(term, x)
            if r is None:
                rest.append(term)
            else:
                groups.setdefault(r.w, []).append(term)
        out: list[sp.Expr] = []
        for i, key in enumerate(sorted(groups, key=sp.default_sort_key)):
            unit = sp.Add(*groups[key], *([constants] if i == 0 else []))
            found = self.exp_unit(unit)
            out.append(found if found is not None else self.each(unit))
        if not groups:
            rest.append(constants)
        if rest:
            out.append(self.roots(sp.Add(*rest)))
        return sp.Add(*out)

    def each(self, e: sp.Expr) -> sp.Expr:
        return sp.Add(*[self.visit(a) for a in sp.Add.make_args(e)])

    def roots(self, e: sp.Expr) -> sp.Expr:
        """Rule 3 for square roots: P + M√Q whose terms cancel, with its conjugate."""
        if not isinstance(e, sp.Add):
            return self.visit(e)
        found = _conjugate(e, self.x)
        if found is None:
            return self.each(e)
        others = self.each(found.others)
        if found.condition is sp.true:
            return others + found.conjugate
        # P, M and Q are polynomials: the pair itself needs no other rule
        return sp.Piecewise((others + found.conjugate, found.condition), (others + found.pair, True), evaluate=False)


def _erf_complement(e: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """c + c·erf(v) → c·erfc(−v) and c − c·erf(v) → c·erfc(v) (rule 3)."""
    constant, terms = e.as_independent(x, as_Add=True)
    if constant == 0:
        return e
    for term in sp.Add.make_args(terms):
        k, rest = term.as_independent(x, as_Add=False)
        if isinstance(rest, sp.erf):
            v = rest.args[0]
            if sp.simplify(k - constant) == 0:
                return e - term - constant + constant * Erfc(-v)
            if sp.simplify(k + constant) == 0:
                return e - term - constant + constant * Erfc(v)
    return e


def _has_inverse_root(e: sp.Expr, x: sp.Symbol) -> bool:
    return any(isinstance(p, sp.Pow) and p.exp == sp.Rational(-1, 2) and p.base.has(x) for p in sp.preorder_traversal(e))


def _order_at_zero(e: sp.Expr, x: sp.Symbol) -> int | None:
    lead = e.as_leading_term(x)
    coeff, power = lead.as_coeff_exponent(x)
    if coeff == 0 or coeff.has(x) or not power.is_Integer:
        return None
    return int(power)


@dataclass(frozen=True)
class Conjugate:
    """e = others + pair, pair = P + M√Q = conjugate where condition holds (P and M√Q of opposite sign)."""

    others: sp.Expr
    pair: sp.Expr
    conjugate: sp.Expr
    condition: sp.Basic


def _conjugate(e: sp.Expr, x: sp.Symbol) -> Conjugate | None:
    """P + M√Q whose terms cancel, as (M²Q − P²)/(M√Q − P) where P and M√Q have opposite signs."""
    roots = sorted({p for p in e.atoms(sp.Pow) if p.exp == sp.S.Half and p.base.has(x) and p.base.is_polynomial(x)},
                   key=sp.default_sort_key)
    if len(roots) != 1:
        return None
    root = roots[0]
    Q = root.base
    with_root = [a for a in e.args if a.has(root)]
    without = [a for a in e.args if not a.has(root)]
    M = sp.cancel(sp.Add(*with_root) / root)
    if M.has(root) or not M.is_polynomial(x):
        return None
    constants = [a for a in without if not a.has(x)]
    # the root with the constants first (√(x²+1) − 1), then with every other term (x + √(x²+4))
    for P_terms in (constants, without):
        P = sp.Add(*P_terms)
        if P == 0 or not P.is_polynomial(x):
            continue
        D = sp.expand(M**2 * Q - P**2)
        big = sp.expand(M**2 * Q)
        small = sp.expand(P**2)
        at_infinity = D == 0 or sp.degree(D, x) < max(sp.degree(big, x), sp.degree(small, x))
        at_zero = D != 0 and _lowest_power(D, x) > min(_lowest_power(big, x), _lowest_power(small, x))
        if not (at_infinity or at_zero):
            continue
        sign = sp.expand(P * M)
        if sign.is_nonnegative:
            continue  # same signs everywhere: no cancellation after all
        condition = sp.true if sign.is_negative else _negative(sign)
        rest = [a for a in without if not any(a is q for q in P_terms)]
        return Conjugate(sp.Add(*rest), P + M * root, sp.factor(D) / (M * root - P), condition)
    return None


def _lowest_power(p: sp.Expr, x: sp.Symbol) -> int:
    return min(m[0] for m in sp.Poly(p, x).monoms())


def _taylor_near_zero(e: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, float] | None:
    """(Taylor polynomial, radius) when the terms of e cancel at 0 to a higher order than their own."""
    if e.has(*_NOT_ANALYTIC):
        return None
    found = [_order_at_zero(a, x) for a in e.args]
    total = _order_at_zero(e, x)
    orders = [o for o in found if o is not None]
    if total is None or len(orders) < len(found) or total <= min(orders):
        return None
    lowest = min(orders)
    # the naive sum's relative error ≈ ε·Σ|terms|/|sum| ≈ ε·C·|x|^(lowest − total): accurate beyond r
    c_sum = abs(float(e.as_leading_term(x).as_coeff_exponent(x)[0]))
    c_terms = sum(abs(float(a.as_leading_term(x).as_coeff_exponent(x)[0])) for a in e.args
                  if _order_at_zero(a, x) == lowest)
    radius = (DOUBLE_EPS * c_terms / (c_sum * NAIVE_TARGET)) ** (1.0 / (total - lowest))
    # enough Taylor terms that the first one left out is below ε relative at the radius
    series = sp.series(e, x, 0, TAYLOR_MAX_ORDER).removeO()
    poly = sp.Poly(series, x)
    kept = []
    lead = c_sum * radius**total
    for (k,), c in sorted(poly.terms()):
        kept.append(c * x**k)
        if abs(float(c)) * radius**k < DOUBLE_EPS * lead / 8 and len(kept) > 1:
            break
    else:
        return None  # the series converges too slowly at that radius: keep the sum
    return sp.Add(*kept[:-1]), float(f"{radius:.2g}") * 1.0
