"""Rewrites after the rules, one table each: [before, the steps recorded as (step id, the line as the
reader sees it)], mathsteps-style. Every recorded line is also checked to equal the one before it (SymPy
is the reference for the values; the expected text is the form the rewrite exists to produce)."""

from __future__ import annotations

import pytest
import sympy as sp
from engine_tables import read, x

from derivator.core.functions import sigmoid
from derivator.core.printing import to_latex
from derivator.core.step_ids import StepId as S
from derivator.engine import rewrites as W
from derivator.engine.display import U, add, mul
from derivator.verify import Domain, check_equal

E = sp.exp
SIGMA = W.Target(type(sigmoid(x)), lambda u: 1 / (1 + sp.exp(-u)))
TANH = W.Target(sp.tanh, lambda u: (sp.exp(u) - sp.exp(-u)) / (sp.exp(u) + sp.exp(-u)))


def recorded(before: sp.Expr, proposals: list[W.Proposal] | None) -> list[tuple[str, str]] | None:
    """The steps as (id, LaTeX), after checking that each line equals the one before it."""
    if proposals is None:
        return None
    current = before
    for p in proposals:
        assert check_equal(current, p.after, (x,), Domain(avoid=(0.0,))).ok, (p.rule, current, p.after)
        current = p.after
    return [(p.rule, to_latex(p.after)) for p in proposals]


MULTIPLY = [
    # the chain rule's line for σ, as the tracer leaves it: signs and factors multiplied out
    (mul(U(-(1 + E(-x)) ** -2), U(-E(-x))), [(S.REWRITE_MULTIPLY, r"\frac{e^{-x}}{\left(1 + e^{-x}\right)^{2}}")]),
    (add(mul(2, x), mul(3, x)), [(S.REWRITE_MULTIPLY, "5 x")]),
    (mul(-1, U(-x)), [(S.REWRITE_MULTIPLY, "x")]),
    (E(-x) / (1 + E(-x)) ** 2, None),  # already as SymPy writes it: no step
]


@pytest.mark.parametrize("before, steps", MULTIPLY)
def test_multiply_out(before, steps):
    assert recorded(before, W.multiply(before)) == steps


FOLD_RECIPROCAL = [
    # N/D² with D − N constant and 1/D = σ(u): the seeds' +1−1 route to σ(1−σ)
    ("exp(-x)/(1+exp(-x))**2", [
        (S.REWRITE_SPLIT_PRODUCT, r"\frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}}"),
        (S.REWRITE_ADD_SUBTRACT, r"\frac{1}{1 + e^{-x}} \cdot \frac{\left(1 + e^{-x}\right) - 1}{1 + e^{-x}}"),
        (S.REWRITE_SPLIT_FRACTION, r"\frac{1}{1 + e^{-x}} \left(1 - \frac{1}{1 + e^{-x}}\right)"),
        (S.REWRITE_FOLD, r"\sigma(x) \left(1 - \sigma(x)\right)"),
    ]),
    ("exp(x)/(1+exp(x))**2", [  # 1 + e^x = 1/σ(−x)
        (S.REWRITE_SPLIT_PRODUCT, r"\frac{1}{e^{x} + 1} \cdot \frac{e^{x}}{e^{x} + 1}"),
        (S.REWRITE_ADD_SUBTRACT, r"\frac{1}{e^{x} + 1} \cdot \frac{\left(e^{x} + 1\right) - 1}{e^{x} + 1}"),
        (S.REWRITE_SPLIT_FRACTION, r"\frac{1}{e^{x} + 1} \left(1 - \frac{1}{e^{x} + 1}\right)"),
        (S.REWRITE_FOLD, r"\sigma(-x) \left(1 - \sigma(-x)\right)"),
    ]),
    ("exp(-x)/(1+exp(-x))", None),  # no square in the denominator
    ("x/(1+exp(-x))**2", None),  # D − N depends on x
    ("exp(-x)/(2+exp(-x))**2", None),  # 1/D is no σ(u)
]


@pytest.mark.parametrize("text, steps", FOLD_RECIPROCAL)
def test_split_product_add_subtract_split_fraction_fold(text, steps):
    before = read(text)
    proposals = W.fold_reciprocal(before, x, SIGMA)
    assert recorded(before, proposals) == steps
    if proposals:
        assert proposals[1].params == {"term": 1}  # the term added and subtracted is quoted


SPLIT_AND_FOLD = [
    # (B² − A²)/B² with A/B = tanh: split the fraction over the sum, cancel, fold: 1 − tanh²
    ("((exp(x)+exp(-x))**2 - (exp(x)-exp(-x))**2)/(exp(x)+exp(-x))**2", [
        (S.REWRITE_SPLIT_FRACTION, r"\frac{\left(e^{x} + e^{-x}\right)^{2}}{\left(e^{x} + e^{-x}\right)^{2}}"
                                   r" - \frac{\left(e^{x} - e^{-x}\right)^{2}}{\left(e^{x} + e^{-x}\right)^{2}}"),
        (S.REWRITE_CANCEL, r"1 - \left(\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}\right)^{2}"),
        (S.REWRITE_FOLD, r"1 - \tanh^{2}(x)"),
    ]),
    ("(exp(x) - exp(-x))/(exp(x)+exp(-x))**2", None),  # the powers do not match
    ("exp(x)/(exp(x)+exp(-x))", None),  # nothing to split
]


@pytest.mark.parametrize("text, steps", SPLIT_AND_FOLD)
def test_split_fraction_cancel_fold(text, steps):
    before = read(text)
    assert recorded(before, W.split_and_fold(before, x, TANH)) == steps


SIMPLIFY = [
    ("x**2/Abs(x)", [(S.REWRITE_SIMPLIFY, r"\left|{x}\right|")]),  # for real x, x² = |x|²
    ("x**2 + 1", None),  # only where roots or |x| are involved
    ("Abs(x) + 1", None),  # nothing shorter
]


@pytest.mark.parametrize("text, steps", SIMPLIFY)
def test_simplify_roots_and_absolute_values(text, steps):
    before = read(text)
    assert recorded(before, W.cleanup(before, x)) == steps


FACTOR = [
    ("x*exp(x) + exp(x)", [(S.REWRITE_FACTOR, r"\left(x + 1\right) e^{x}")]),
    ("x**2 + 2*x + 1", [(S.REWRITE_FACTOR, r"\left(x + 1\right)^{2}")]),
    ("x*(1 - sigmoid(x))*sigmoid(x) + sigmoid(x)", [(S.REWRITE_FACTOR, r"\sigma(x) \left(x \left(1 - \sigma(x)\right) + 1\right)")]),
    ("x**2 - 1", None),  # (x − 1)(x + 1) is no shorter
    ("x*exp(x)", None),  # not a sum
]


@pytest.mark.parametrize("text, steps", FACTOR)
def test_factor(text, steps):
    before = read(text)
    assert recorded(before, W.factor(before, x)) == steps


FOLD_KNOWN = [
    ("exp(x)/(1+exp(x))", [(S.REWRITE_FOLD, r"\sigma(x)")]),  # softplus′
    ("x*exp(x)/(1+exp(x))", [(S.REWRITE_FOLD, r"x \sigma(x)")]),  # x stays in front
    ("exp(x)/(2+exp(x))", None),  # no constant multiple of σ
]


@pytest.mark.parametrize("text, steps", FOLD_KNOWN)
def test_fold_a_known_function(text, steps):
    before = read(text)
    assert recorded(before, W.fold_known(before, x, [SIGMA])) == steps


ORDER = [
    # (the line the rules leave, targets, the rewrites recorded, in order)
    (mul(U(-(1 + E(-x)) ** -2), U(-E(-x))), [SIGMA],
     [S.REWRITE_MULTIPLY, S.REWRITE_SPLIT_PRODUCT, S.REWRITE_ADD_SUBTRACT, S.REWRITE_SPLIT_FRACTION, S.REWRITE_FOLD]),
    (add(mul(x, E(x)), E(x)), [], [S.REWRITE_FACTOR]),
    (x**2, [], []),
]


@pytest.mark.parametrize("raw, targets, ids", ORDER)
def test_rewrites_run_in_order(raw, targets, ids):
    assert [p.rule for p in W.simplify_steps(raw, x, targets)] == ids
