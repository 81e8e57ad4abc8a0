"""Leaf rules, one row each: [expression, the rule chosen]; the derivative is SymPy's diff, checked on
the rule's result() and on the line its expand() writes."""

from __future__ import annotations

import pytest
import sympy as sp
from engine_tables import assert_rule_row, read, x

from derivator.core.functions import sigmoid
from derivator.core.step_ids import StepId
from derivator.engine import rules as R

CONSTANT = [
    ("7", "Constant"),
    ("pi**2", "Constant"),
    ("log(2)", "Constant"),
    ("beta", "Constant"),  # a parameter is a constant for d/dx
]
VARIABLE = [
    ("x", "Variable"),
]
POWER = [
    ("x**3", "Power"),
    ("x**(-2)", "Power"),
    ("sqrt(x)", "Power"),
    ("x**(1/3)", "Power"),
    ("x**pi", "Power"),  # any constant exponent, not only numbers
]
EXP = [
    ("exp(x)", "Exp"),
    ("2**x", "Exp"),
    ("E**x", "Exp"),
]
FUNCTIONS = [
    ("log(x)", "Function:log"),
    ("sin(x)", "Function:trig"),
    ("cos(x)", "Function:trig"),
    ("tan(x)", "Function:trig"),
    ("asin(x)", "Function:inverse_trig"),
    ("acos(x)", "Function:inverse_trig"),
    ("atan(x)", "Function:inverse_trig"),
    ("sinh(x)", "Function:hyperbolic"),
    ("cosh(x)", "Function:hyperbolic"),
    ("tanh(x)", "Function:hyperbolic"),
    ("asinh(x)", "Function:inverse_hyperbolic"),
    ("acosh(x)", "Function:inverse_hyperbolic"),
    ("atanh(x)", "Function:inverse_hyperbolic"),
    ("erf(x)", "Function:erf"),
]
ABS = [
    ("Abs(x)", "Abs"),
]
TABLE = CONSTANT + VARIABLE + POWER + EXP + FUNCTIONS + ABS


@pytest.mark.parametrize("text, tree", TABLE)
def test_leaf_rule(text, tree):
    assert_rule_row(text, tree)


def test_every_function_in_the_table_of_derivatives_has_a_row():
    rows = {type(read(text)) for text, _ in FUNCTIONS}
    assert rows == set(R.D_TABLE)


@pytest.mark.parametrize("text, n", [("x**3", 3), ("x**(-2)", -2), ("sqrt(x)", sp.Rational(1, 2))])
def test_power_rule_quotes_its_exponent(text, n):
    rule = R.derive_rule(read(text), x)
    assert isinstance(rule, R.PowerRule) and rule.params() == {"n": n} and rule.name == StepId.POWER


LEMMA = [
    # a proven derivative is cited, even for a function the table knows (Mish cites tanh′)
    ("sigmoid(x)", "Lemma"),
    ("tanh(x)", "Lemma"),
]
LEMMAS = {
    type(sigmoid(x)): lambda v: sigmoid(v) * (1 - sigmoid(v)),
    sp.tanh: lambda v: 1 - sp.tanh(v) ** 2,
}


@pytest.mark.parametrize("text, tree", LEMMA)
def test_lemma_rule(text, tree):
    rule = assert_rule_row(text, tree, R.Context(lemmas=LEMMAS))
    assert rule.params()["lemma"] == LEMMAS[type(read(text))](x)


def test_a_named_function_without_its_lemma_is_differentiated_by_its_definition():
    rule = assert_rule_row("sigmoid(x)", "Rewrite:definition(Rewrite:negative_power(Chain(Power, Sum(Constant, Chain(Exp, ConstantMultiple(Variable))))))")
    assert rule.params() == {"before": sigmoid(x), "after": 1 / (1 + sp.exp(-x))}
