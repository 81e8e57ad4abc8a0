"""Rewrites after the rules: each a recorded, verifiable step, never a blind simplify().

A rewrite strategy looks at the current expression and returns the steps it would add (rule id, new
expression, parameters) or None when it does not apply — the same shape as the differentiation rules.
The targets are the named functions the derivation may fold back into (σ for the sigmoid derivation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from derivator.core.budget import attempt
from derivator.core.step_ids import StepId
from derivator.engine.display import U, add, frac, mul

FACTOR_SECONDS = 1.0



@dataclass(frozen=True)
class Target:
    """A function to fold back into: g(u) and its definition in SymPy built-ins."""

    function: type[sp.Function]
    definition: Callable[[sp.Expr], sp.Expr]


@dataclass(frozen=True)
class Proposal:
    """One rewrite step a strategy would add: its id, the expression it reaches, what narration quotes."""

    rule: StepId
    after: sp.Expr
    params: dict


def tidy(expr: sp.Expr) -> sp.Expr:
    """The expression as SymPy evaluates it: display structure gone, named functions kept."""
    return expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0]).doit()


def as_fraction(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(numerator, denominator) as displayed: only negative powers go down (e^{-x} stays up)."""
    up, down = [], []
    for factor in sp.Mul.make_args(expr):
        if factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
            down.append(factor.base ** -factor.exp)
        else:
            up.append(factor)
    return sp.Mul(*up), sp.Mul(*down)


def multiply(expr: sp.Expr) -> list[Proposal] | None:
    """Multiply out signs and collect: what SymPy's own evaluation does, as one visible step."""
    after = tidy(expr)
    return [Proposal(StepId.REWRITE_MULTIPLY, after, {})] if after != expr else None


def one_value(expr: sp.Expr, x: sp.Symbol) -> list[Proposal] | None:
    """Cases with one value on every region are that value: x·H(x)′ = H(x) + x·{0 (x < 0); 0 (x > 0)} is
    H(x) + x·0. The cases leave out only the points where the regions meet: the kinks, recorded with their
    one-sided derivatives, where the cases said nothing either."""
    found = {pw: pw.args[0][0] for pw in expr.atoms(sp.Piecewise) if _one_valued(pw, x)}
    if not found:
        return None
    (value, *_) = found.values()
    return [Proposal(StepId.REWRITE_ONE_VALUE, expr.xreplace(found), {"value": value})]


def _one_valued(pw: sp.Piecewise, x: sp.Symbol) -> bool:
    if len({value for value, _ in pw.args}) != 1 or len(pw.args) < 2:
        return False
    try:
        covered = sp.Union(*(sp.S(condition).as_set() for _, condition in pw.args))
    except (NotImplementedError, TypeError, ValueError):
        return False
    return isinstance(sp.S.Reals - covered, sp.FiniteSet) and covered.free_symbols <= {x}


_w = sp.Wild("w")


def _argument_of(target: Target, denominator: sp.Expr) -> sp.Expr | None:
    """u such that denominator = 1/g(u)'s definition, e.g. 1+e^{-x} → x for σ."""
    pattern = 1 / target.definition(_w)
    if pattern.is_Pow and pattern.exp.is_negative:
        return None  # the definition is not a reciprocal
    match = denominator.match(pattern)
    if match and _w in match:
        u = match[_w]
        if sp.expand(1 / target.definition(u) - denominator) == 0:
            return u
    return None


def fold_reciprocal(expr: sp.Expr, x: sp.Symbol, target: Target) -> list[Proposal] | None:
    """c·N/D² with D − N constant and 1/D = g(u): the seeds' +1−1 route to σ(1−σ).

    N/D² → (1/D)·(N/D) → (1/D)·((D − k)/D) → (1/D)·(1 − k/D) → g(u)(1 − k g(u)); a constant factor c
    (the inner derivative 2 of σ(2x)) stays in front of every line.
    """
    numerator, denominator = as_fraction(expr)
    if not (denominator.is_Pow and denominator.exp == 2):
        return None
    d = denominator.base
    u = _argument_of(target, d)
    if u is None:
        return None
    c, numerator = numerator.as_independent(x, as_Add=False)
    k = sp.expand(d - numerator)
    if k.has(x) or k == 0:
        return None
    g = target.function(u)
    one_over_d = frac(sp.S.One, d)
    return [
        Proposal(StepId.REWRITE_SPLIT_PRODUCT, mul(c, one_over_d, frac(numerator, d)), {}),
        Proposal(StepId.REWRITE_ADD_SUBTRACT, mul(c, one_over_d, frac(add(U(d), -k), d)), {"term": k}),
        Proposal(StepId.REWRITE_SPLIT_FRACTION, mul(c, one_over_d, U(add(sp.S.One, -frac(k, d) if k != 1 else -one_over_d))), {}),
        Proposal(StepId.REWRITE_FOLD, mul(c, g, U(add(sp.S.One, -k * g))), {"function": g, "definition": target.definition(u)}),
    ]


def split_and_fold(expr: sp.Expr, x: sp.Symbol, target: Target) -> list[Proposal] | None:
    """(B^2 − A^2)/B^2 with A/B = g(u): split the fraction over the sum, then fold: 1 − g(u)^2."""
    numerator, denominator = as_fraction(expr)
    if not numerator.is_Add or not (denominator.is_Pow and denominator.exp.is_Integer):
        return None
    b, k = denominator.base, denominator.exp
    split_terms, folded_terms = [], []
    for term in sp.Add.make_args(numerator):
        coefficient, rest = term.as_coeff_Mul()
        split_terms.append(mul(coefficient, frac(rest, denominator)) if coefficient != 1 else frac(rest, denominator))
        if rest == denominator:
            folded_terms.append((coefficient, None))
            continue
        if not (rest.is_Pow and rest.exp == k):
            return None
        a = rest.base
        folded_terms.append((coefficient, a))
    ratio_terms, fold_terms = [], []
    for coefficient, a in folded_terms:
        if a is None:
            ratio_terms.append(coefficient)
            fold_terms.append(coefficient)
            continue
        ratio = frac(a, b)
        u = _ratio_argument(target, a, b)
        if u is None:
            return None
        ratio_terms.append(mul(coefficient, sp.Pow(U(ratio), k, evaluate=False)) if coefficient != 1 else sp.Pow(U(ratio), k, evaluate=False))
        fold_terms.append(coefficient * target.function(u) ** k)
    return [
        Proposal(StepId.REWRITE_SPLIT_FRACTION, add(*split_terms), {}),
        Proposal(StepId.REWRITE_CANCEL, add(*ratio_terms), {}),
        Proposal(StepId.REWRITE_FOLD, sp.Add(*fold_terms), {"function": target.function(sp.Symbol("u")), "definition": target.definition(sp.Symbol("u"))}),
    ]


def _ratio_argument(target: Target, a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
    pattern = target.definition(_w)
    for candidate in (a / b,):
        match = sp.together(candidate).match(pattern) or candidate.match(pattern)
        if match and _w in match:
            u = match[_w]
            if attempt(FACTOR_SECONDS, sp.simplify, target.definition(u) - a / b) == 0:
                return u
    # the common case: the argument is one of the variables themselves
    for u in sorted((a / b).free_symbols, key=str):
        if sp.cancel(sp.together(target.definition(u) - a / b)) == 0:
            return u
    return None


def cleanup(expr: sp.Expr, x: sp.Symbol) -> list[Proposal] | None:
    """x²/|x| = |x|, √(x²+1)/(x²+1) = (x²+1)^{-1/2}: only where roots or |x| are involved, only if shorter."""
    if not expr.has(sp.Abs) and not any(p.exp.is_Rational and not p.exp.is_Integer for p in expr.atoms(sp.Pow)):
        return None
    candidates = []
    if expr.has(sp.Abs(x)):
        # for real x, x² = |x|²: written in t = |x| > 0, x²/|x| cancels to |x| by itself
        t = sp.Dummy("t", positive=True)
        in_t = expr.xreplace({sp.Abs(x): t}).replace(
            lambda e: e.is_Pow and e.base == x and e.exp.is_even, lambda e: t**e.exp
        )
        if not in_t.has(x):
            candidates.append(sp.factor(sp.cancel(in_t)).xreplace({t: sp.Abs(x)}))
    candidates.append(attempt(FACTOR_SECONDS, sp.simplify, expr))
    functions = {type(f) for f in expr.atoms(sp.Function)}
    # a new function (sign, re) is no simplification for a reader
    candidates = [c for c in candidates if c is not None and not {type(f) for f in c.atoms(sp.Function)} - functions]
    if not candidates:
        return None
    simpler = min(candidates, key=sp.count_ops)
    if sp.count_ops(simpler) > sp.count_ops(expr) - 2:
        return None
    return [Proposal(StepId.REWRITE_SIMPLIFY, simpler, {})]


def collect_terms(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """Inside each bracket of a product, collect the powers of x: −xσ + x + 1 → x(1 − σ) + 1."""
    if not expr.is_Mul:
        return expr
    parts = []
    for f in expr.args:
        core = f.args[0] if isinstance(f, sp.UnevaluatedExpr) else f
        if core.is_Add:
            collected = sp.collect(core, x)
            collected = people_signs_in_sum(collected)
            if sp.count_ops(collected) <= sp.count_ops(core):
                parts.append(U(collected))
                continue
        parts.append(f)
    return mul(*parts)


def people_signs_in_sum(expr: sp.Expr) -> sp.Expr:
    """x·(σ − 1)·(−1) style terms in a sum written as x(1 − σ)."""
    terms = []
    for term in sp.Add.make_args(expr):
        coefficient, rest = term.as_coeff_Mul()
        flipped = people_signs(term) if term.is_Mul else term
        terms.append(flipped if coefficient.is_negative is False else term)
    return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def factor(expr: sp.Expr, x: sp.Symbol) -> list[Proposal] | None:
    if not expr.is_Add or sp.count_ops(expr) > 80:
        return None
    factored = attempt(FACTOR_SECONDS, sp.factor, expr)
    if factored is None:
        return None
    factored = collect_terms(people_signs(factored), x)
    if factored != expr and sp.count_ops(factored) < sp.count_ops(expr):
        return [Proposal(StepId.REWRITE_FACTOR, factored, {})]
    return None


def people_signs(expr: sp.Expr) -> sp.Expr:
    """Flip factors like (σ − 1) to (1 − σ) in pairs (or against a leading −1): σ(1−σ)(1−2σ)."""
    if not expr.is_Mul:
        return expr
    coefficient, factors = expr.as_coeff_mul()
    flippable = [f for f in factors if f.is_Add and f.as_coeff_Add()[0].is_negative]
    if coefficient.is_negative and len(flippable) % 2 == 1:
        coefficient = -coefficient
    elif len(flippable) % 2 == 1:
        flippable = flippable[:-1]
    if not flippable:
        return expr
    flipped = [U(sp.Add(-f.as_coeff_Add()[0], -f.as_coeff_Add()[1], evaluate=False)) if f in flippable else f for f in factors]
    flipped = [f for f in flipped if f != 1]
    return mul(*([coefficient] if coefficient != 1 else []), *_people_factor_order(flipped))


def _people_factor_order(factors: list[sp.Expr]) -> list[sp.Expr]:
    def rank(f: sp.Expr) -> int:
        core = f.args[0] if isinstance(f, sp.UnevaluatedExpr) else f
        return 2 if core.is_Add else 1

    return sorted(factors, key=lambda f: (rank(f), sp.count_ops(f)))


def _constant_ratio(a: sp.Expr, b: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """c with a = c·b as functions of x, found at sample points and recognised exactly, or None."""
    import mpmath

    from derivator.verify import _compile, _value, plain

    fa, fb = _compile(plain(a), (x,)), _compile(plain(b), (x,))
    ratios = []
    for point in ("-1.3", "0.7", "2.1"):
        va, vb = _value(fa, (mpmath.mpf(point),)), _value(fb, (mpmath.mpf(point),))
        if va is None or vb is None or vb == 0:
            return None
        ratios.append(va / vb)
    if any(abs(r - ratios[0]) > 1e-20 * max(1, abs(ratios[0])) for r in ratios) or abs(ratios[0].imag) > 1e-20:
        return None
    c = sp.nsimplify(float(ratios[0].real), rational=True, tolerance=1e-12)
    return c if c.q <= 1000 else None


def fold_known(expr: sp.Expr, x: sp.Symbol, known: list[Target]) -> list[Proposal] | None:
    """Recognise a catalog function in a term: e^x/(1+e^x) = σ(x), the Gaussian density in GELU′ = φ(x)."""
    terms, changed, names = [], False, []
    for term in sp.Add.make_args(expr):
        factors = sp.Mul.make_args(term)
        # x, x² stay in front; the constants go with the rest, so φ's 1/√(2π) is recognised whole
        poly = sp.Mul(*[f for f in factors if f.has(x) and f.is_polynomial(x)])
        rest = sp.Mul(*[f for f in factors if not (f.has(x) and f.is_polynomial(x))])
        replaced = None
        if rest.has(x) and not any(isinstance(f, sp.Function) and type(f) is t.function for f in factors for t in known):
            for target in known:
                c = _constant_ratio(rest, target.definition(x), x)
                if c is not None and c != 0:
                    replaced = poly * c * target.function(x)
                    names.append((target.function(x), rest / c))  # what was recognised, as it stood
                    break
        terms.append(replaced if replaced is not None else term)
        changed |= replaced is not None
    if not changed:
        return None
    function, recognised = names[0]
    return [Proposal(StepId.REWRITE_FOLD, sp.Add(*terms), {"function": function, "definition": recognised})]


def simplify_steps(
    expr: sp.Expr, x: sp.Symbol, targets: list[Target], known: list[Target] | Callable[[], list[Target]] | None = None
) -> list[Proposal]:
    """The rewrites after differentiation, in order: one value for cases that agree, multiply out, fold
    into targets, factor.

    `known` may be a function giving the list: building it defines every catalog entry (a quarter of a
    second at start-up), and a derivation that folds into its own target never needs it."""
    proposals: list[Proposal] = []
    same = one_value(expr, x)
    if same:
        proposals += same
        expr = same[-1].after
    first = multiply(expr)
    if first:
        proposals += first
        expr = first[-1].after
    for target in targets:
        for strategy in (fold_reciprocal, split_and_fold):
            found = strategy(expr, x, target)
            if found:
                return proposals + found
    found = cleanup(expr, x)
    if found:
        proposals += found
        expr = found[-1].after
    if known:
        found = fold_known(expr, x, known() if callable(known) else known)
        if found:
            proposals += found
            expr = found[-1].after
    found = factor(expr, x)
    if found:
        proposals += found
    return proposals
