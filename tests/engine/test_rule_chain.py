"""The chain rule: [expression, the rule tree chosen (outer rule first, then the inner one)]; derivatives
from SymPy's diff. The outer rule is in u = g(x), a name not used in the expression."""

from __future__ import annotations

import pytest
import sympy as sp
from engine_tables import assert_rule_row, read, x

from derivator.engine import rules as R

CHAIN = [
    ("(x**2 + 3*x + 1)**4", "Chain(Power, Sum(Constant, Power, ConstantMultiple(Variable)))"),
    ("sqrt(1+x**2)", "Chain(Power, Sum(Constant, Power))"),
    ("exp(-x)", "Chain(Exp, ConstantMultiple(Variable))"),
    ("exp(sin(x))", "Chain(Exp, Function:trig)"),
    ("2**(x**2)", "Chain(Exp, Power)"),
    ("log(1+exp(x))", "Chain(Function:log, Sum(Constant, Exp))"),
    ("log(log(x))", "Chain(Function:log, Function:log)"),
    ("sin(x**2)", "Chain(Function:trig, Power)"),
    ("cos(2*x)", "Chain(Function:trig, ConstantMultiple(Variable))"),
    ("erf(x/sqrt(2))", "Chain(Function:erf, ConstantMultiple(Variable))"),
    ("Abs(x-1)", "Chain(Abs, Sum(Constant, Variable))"),
    ("tanh(log(1+exp(x)))", "Chain(Function:hyperbolic, Chain(Function:log, Sum(Constant, Exp)))"),
]


@pytest.mark.parametrize("text, tree", CHAIN)
def test_chain_rule(text, tree):
    assert_rule_row(text, tree)


@pytest.mark.parametrize("text", [text for text, _ in CHAIN])
def test_outer_derivative_is_in_u_and_the_inner_is_the_argument(text):
    expr = read(text)
    rule = R.derive_rule(expr, x)
    assert isinstance(rule, R.ChainRule)
    assert rule.u not in expr.free_symbols and rule.outer.var == rule.u
    # f(g(x)) is the outer expression with u = g(x) put back
    assert rule.outer.expr.subs(rule.u, rule.inner) == expr
    assert rule.params()["outer_derivative"] == rule.outer.result()


def test_u_is_a_fresh_name():
    u = sp.Symbol("u", real=True)
    rule = R.derive_rule(sp.exp(u * x), x)  # u is taken by the expression itself
    assert isinstance(rule, R.ChainRule) and rule.u.name == "v"
    nested = R.derive_rule(read("tanh(log(1+exp(x)))"), x)
    assert isinstance(nested, R.ChainRule) and isinstance(nested.inner_rule, R.ChainRule)
    assert nested.u != nested.inner_rule.u  # the inner chain gets its own name
