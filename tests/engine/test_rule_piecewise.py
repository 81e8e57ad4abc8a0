"""Region by region (Max, Min, Heaviside, Piecewise) and the rewrites a rule tree starts with:
[expression, the rule tree chosen]; derivatives from SymPy's diff away from the kinks."""

from __future__ import annotations

import pytest
import sympy as sp
from engine_tables import assert_rule_row, read, x

from derivator.core.step_ids import StepId
from derivator.engine import rules as R
from derivator.verify import Domain, check_equal

PIECEWISE = [
    # (expression, tree, kinks)
    ("Max(0, x)", "Rewrite:cases(Piecewise(Constant, Variable))", [0]),
    ("Max(0, x-1)", "Rewrite:cases(Piecewise(Constant, Sum(Constant, Variable)))", [1]),
    ("Min(x, 1)", "Rewrite:cases(Piecewise(Variable, Constant))", [1]),
    ("Min(Max(0, x), 6)", "Rewrite:cases(Piecewise(Constant, Variable, Constant))", [0, 6]),
    ("Heaviside(x)", "Rewrite:cases(Piecewise(Constant, Constant))", [0]),
    ("Piecewise((x**2, x < 1), (2*x - 1, True))", "Piecewise(Power, Sum(Constant, ConstantMultiple(Variable)))", [1]),
    ("exp(Max(0, x))", "Chain(Exp, Rewrite:cases(Piecewise(Constant, Variable)))", [0]),
]


@pytest.mark.parametrize("text, tree, kinks", PIECEWISE)
def test_region_by_region(text, tree, kinks):
    rule = assert_rule_row(text, tree)
    while not isinstance(rule, R.PiecewiseRule):
        rule = rule.inner_rule if isinstance(rule, R.ChainRule) else rule.children()[0]
    assert rule.kinks() == kinks
    # the regions cover the line without gaps: (-oo, k1), (k1, k2), …, (kn, oo)
    bounds = [(r.low, r.high) for r in rule.regions]
    assert bounds[0][0] == -sp.oo and bounds[-1][1] == sp.oo
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))


REWRITE_FIRST = [
    # (expression, tree, the rewrite's id, what the new form is: a power g^{-1} kept as one, or cases)
    ("1/(1+exp(-x))", "Rewrite:negative_power(Chain(Power, Sum(Constant, Chain(Exp, ConstantMultiple(Variable)))))",
     StepId.REWRITE_NEGATIVE_POWER, sp.Pow),
    ("1/sin(x)**2", "Rewrite:negative_power(Chain(Power, Function:trig))", StepId.REWRITE_NEGATIVE_POWER, sp.Pow),
    ("Max(0, x)", "Rewrite:cases(Piecewise(Constant, Variable))", StepId.REWRITE_CASES, sp.Piecewise),
    ("Heaviside(x)", "Rewrite:cases(Piecewise(Constant, Constant))", StepId.REWRITE_CASES, sp.Piecewise),
]


@pytest.mark.parametrize("text, tree, reason, form", REWRITE_FIRST)
def test_rewrite_before_a_rule(text, tree, reason, form):
    rule = assert_rule_row(text, tree)
    assert isinstance(rule, R.RewriteRule) and rule.name == reason
    assert isinstance(rule.rewritten, form) and rule.rewritten != rule.expr
    assert check_equal(rule.rewritten, rule.expr, (x,), Domain(avoid=(0.0,))).ok  # a rewrite, not a new function
    assert rule.params() == {"before": read(text), "after": rule.rewritten}


def test_a_rewrite_names_a_known_reason():
    with pytest.raises(ValueError):
        R.RewriteRule(x, x, x, StepId.CHAIN, R.VariableRule(x, x))
