"""Rules that combine the derivatives of parts: [expression, the rule tree chosen]; derivatives from
SymPy's diff, on each rule's result() and its expand() line."""

from __future__ import annotations

import pytest
import sympy as sp
from engine_tables import assert_rule_row, read, sympy_pending, x

from derivator.engine import rules as R

CONSTANT_MULTIPLE = [
    ("3*x", "ConstantMultiple(Variable)"),
    ("-x", "ConstantMultiple(Variable)"),
    ("x/3", "ConstantMultiple(Variable)"),
    ("beta*exp(x)", "ConstantMultiple(Exp)"),
]
SUM = [
    ("x**2 + 3*x + 1", "Sum(Constant, Power, ConstantMultiple(Variable))"),
    ("2*x**2 - 5", "Sum(Constant, ConstantMultiple(Power))"),
    ("sin(x) + cos(x)", "Sum(Function:trig, Function:trig)"),
]
PRODUCT = [
    ("x**2*exp(-x)", "Product(Power, Chain(Exp, ConstantMultiple(Variable)))"),
    ("x*sin(x)*exp(x)", "Product(Variable, Exp, Function:trig)"),  # n factors: one term per factor
    ("x*log(x)", "Product(Variable, Function:log)"),
]
QUOTIENT = [
    ("exp(x)/x", "Quotient(Exp, Variable)"),
    ("(x+1)/(x-1)", "Quotient(Sum(Constant, Variable), Sum(Constant, Variable))"),
    ("sin(x)/x**2", "Quotient(Function:trig, Power)"),
    ("x/(1+exp(-x))", "Quotient(Variable, Sum(Constant, Chain(Exp, ConstantMultiple(Variable))))"),
]
GENERAL_POWER = [
    ("x**x", "GeneralPower(Variable, Variable)"),
    ("sin(x)**cos(x)", "GeneralPower(Function:trig, Function:trig)"),
]
TABLE = CONSTANT_MULTIPLE + SUM + PRODUCT + QUOTIENT + GENERAL_POWER


@pytest.mark.parametrize("text, tree", TABLE)
def test_combining_rule(text, tree):
    assert_rule_row(text, tree)


def test_constant_multiple_takes_the_whole_constant_out():
    rule = R.derive_rule(read("-3*x**2/2"), x)
    assert isinstance(rule, R.ConstantMultipleRule)
    assert rule.constant == sp.Rational(-3, 2) and rule.other.expr == x**2


def test_product_line_writes_each_factor_once_pending():
    rule = R.derive_rule(read("x*sin(x)*exp(x)"), x)
    line = rule.expand(sympy_pending)
    terms = sp.Add.make_args(line)
    # one term per factor, each with exactly one d/dx still to do
    assert len(terms) == 3 and all(len(t.atoms(sp.Derivative)) == 1 for t in terms)


def test_quotient_line_is_one_fraction_over_g_squared():
    rule = R.derive_rule(read("exp(x)/x"), x)
    line = rule.expand(sympy_pending)
    numerator, denominator = sp.fraction(line)
    assert denominator == sp.Pow(x, 2, evaluate=False) and len(numerator.atoms(sp.Derivative)) == 2
