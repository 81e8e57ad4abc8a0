"""Strategies return None when they do not apply, and derive_rule tries them in order: [strategy,
expression] rows that must give None, and rows where the order decides which rule is chosen."""

from __future__ import annotations

import pytest
from engine_tables import read, shape, x

from derivator.engine import rules as R
from derivator.engine.rules import strategies as S

DOES_NOT_APPLY = [
    (S.constant_rule, "x"),
    (S.variable_rule, "2*x"),
    (S.sum_rule, "x*sin(x)"),
    (S.mul_rule, "x + 1"),
    (S.mul_rule, "exp(x)"),
    (S.pow_rule, "exp(x)"),  # e^u is the exp rule's
    (S.pow_rule, "sin(x)"),
    (S.exp_rule, "2**x"),
    (S.piecewise_rule, "sin(x)"),
    (S.piecewise_rule, "Max(x, beta)"),  # no numeric boundary: not split into regions
    (S.function_rule, "Max(x, 1)"),  # two arguments: not in the table
    (S.function_rule, "x**2"),
    (S.named_without_lemma, "sin(x)"),
]


@pytest.mark.parametrize("strategy, text", DOES_NOT_APPLY, ids=lambda v: getattr(v, "__name__", v))
def test_strategy_returns_none_when_it_does_not_apply(strategy, text):
    assert strategy(read(text), x, R.Context()) is None


ORDER = [
    # (expression, tree): the first strategy that applies wins
    ("2*pi", "Constant"),  # a constant before the constant-multiple rule
    ("x", "Variable"),  # the variable before the power rule (x = x^1)
    ("exp(x)", "Exp"),  # exp before the table of functions
    ("Abs(x)", "Abs"),  # |x| by its own rule, x/|x|: Abs is not split into regions
    ("Max(0, x)", "Rewrite:cases(Piecewise(Constant, Variable))"),  # regions before "don't know"
]


@pytest.mark.parametrize("text, tree", ORDER)
def test_the_first_strategy_that_applies_wins(text, tree):
    assert shape(R.derive_rule(read(text), x)) == tree


def test_the_strategies_end_in_dont_know():
    expr = read("Max(x, beta)")
    assert all(strategy(expr, x, R.Context()) is None for strategy in R.STRATEGIES)
    assert isinstance(R.derive_rule(expr, x), R.DontKnowRule)
