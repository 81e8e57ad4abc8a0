"""DontKnowRule, the explicit end of the strategies: [expression, the rule tree chosen, the parts with no
rule]. The rest of the tree is kept, and is right: with each hole filled by SymPy's own derivative of
that part, the result is sympy.diff of the whole."""

from __future__ import annotations

import pytest
import sympy as sp
from engine_tables import read, shape, sympy_pending, x

from derivator.core.step_ids import StepId
from derivator.core.unknown import UnknownDerivative, unknown_parts
from derivator.engine import rules as R
from derivator.verify import Domain, check_equal, plain

beta = sp.Symbol("beta", real=True)

DONT_KNOW = [
    # (expression, tree, parts without a rule)
    (read("Max(x, beta)"), "DontKnow", [sp.Max(x, beta)]),  # the kink moves with a parameter
    (read("Piecewise((x, beta > 0), (0, True))"), "DontKnow", [sp.Piecewise((x, beta > 0), (0, True))]),
    (read("Piecewise((x, sin(x) > 0), (0, True))"), "DontKnow", [sp.Piecewise((x, sp.sin(x) > 0), (0, True))]),
    (read("x**2 + Max(x, beta)"), "Sum(Power, DontKnow)", [sp.Max(x, beta)]),
    (read("x*Max(x, beta)"), "Product(Variable, DontKnow)", [sp.Max(x, beta)]),
    (read("exp(Max(x, beta))"), "Chain(Exp, DontKnow)", [sp.Max(x, beta)]),
    (read("3*Max(x, beta) + Max(x**2, beta)"), "Sum(ConstantMultiple(DontKnow), DontKnow)",
     [sp.Max(x, beta), sp.Max(x**2, beta)]),
    # functions the parser refuses still reach the engine through the Python API
    (sp.gamma(x), "DontKnow", [sp.gamma(x)]),
    (x * sp.gamma(x), "Product(Variable, DontKnow)", [sp.gamma(x)]),
    (sp.sin(sp.besselj(0, x)), "Chain(Function:trig, DontKnow)", [sp.besselj(0, x)]),
]


def filled(expr: sp.Expr) -> sp.Expr:
    """Each hole replaced by SymPy's derivative of its part."""
    return expr.replace(lambda e: isinstance(e, UnknownDerivative), lambda e: sp.diff(e.part, e.variable))


@pytest.mark.parametrize("expr, tree, parts", DONT_KNOW)
def test_a_part_without_a_rule_keeps_its_place(expr, tree, parts):
    rule = R.derive_rule(expr, x)
    assert shape(rule) == tree
    assert rule.contains_dont_know()
    result = rule.result()
    assert sorted(unknown_parts(result), key=sp.default_sort_key) == sorted(parts, key=sp.default_sort_key)
    reference = sp.diff(plain(expr), x)
    symbols = tuple(sorted(reference.free_symbols | {x}, key=lambda s: s.name))
    domain = Domain(low=0.2, high=3.0, avoid=(1.0,))
    assert check_equal(filled(result), reference, symbols, domain).ok
    line = rule.expand(sympy_pending)
    assert check_equal(filled(line), reference, symbols, domain).ok


def test_dont_know_rule_is_a_leaf_whose_result_is_an_inert_hole():
    rule = R.derive_rule(sp.gamma(x), x)
    assert isinstance(rule, R.DontKnowRule) and rule.name == StepId.DONT_KNOW
    assert rule.params() == {"part": sp.gamma(x)}
    hole = rule.result()
    assert hole == UnknownDerivative(sp.gamma(x), x)
    # never filled in behind the reader's back: doit() and SymPy's evaluation leave it as it is
    assert hole.doit() == hole and sp.expand(2 * hole).has(UnknownDerivative)
    assert sp.sstr(hole) == "Derivative(gamma(x), x)"  # SymPy reads this back as the derivative still to do


def test_a_complete_tree_contains_no_dont_know():
    assert not R.derive_rule(read("x**2*exp(-x)"), x).contains_dont_know()


def test_rules_are_data_with_required_fields():
    """The contract: an abstract base, and a composite rule cannot be built without its parts."""
    with pytest.raises(TypeError):
        R.Rule(x, x)  # abstract: result() is not defined
    with pytest.raises(TypeError):
        R.ChainRule(sp.exp(-x), x)  # u, inner, outer and inner_rule are required
    with pytest.raises(TypeError):
        R.QuotientRule(sp.exp(x) / x, x, R.ExpRule(sp.exp(x), x, sp.E))  # the denominator's rule is missing
    rule = R.derive_rule(read("x**2"), x)
    with pytest.raises(AttributeError):
        rule.expr = x  # frozen
