"""The sigmoid derivation follows the seeds, line by line, and every line is verified."""

import json

import sympy as sp

from derivator.pipeline import derive
from derivator.core.functions import sigmoid
from derivator.present.json import render_json
from derivator.core.printing import to_latex

x = sp.Symbol("x", real=True)
D = 1 + sp.exp(-x)

SEED_ORDER = [
    "definition",
    "rewrite.negative_power",
    "chain",
    "rewrite.multiply",
    "rewrite.split_product",
    "rewrite.add_subtract",
    "rewrite.split_fraction",
    "rewrite.fold",
]


def test_steps_follow_the_seeds_in_order():
    d = derive("sigmoid")
    assert [s.rule for s in d.steps] == SEED_ORDER


def test_each_line_is_the_seeds_line():
    from derivator.verify import check_equal, plain

    d = derive("sigmoid")
    by_rule = {s.rule: s for s in d.steps}
    chain = by_rule["chain"]
    u = chain.params["u"]
    assert chain.params["inner"] == D
    assert sp.simplify(chain.params["outer_derivative"] - (-(u**-2))) == 0
    assert sp.simplify(chain.params["inner_derivative"] - (-sp.exp(-x))) == 0
    assert plain(by_rule["rewrite.multiply"].after) == sp.exp(-x) / D**2
    assert by_rule["rewrite.add_subtract"].params["term"] == 1
    # the +1−1 line keeps (1 + e^{-x}) − 1 visible: SymPy would evaluate it away unless told not to
    assert r"\left(1 + e^{-x}\right) - 1" in to_latex(by_rule["rewrite.add_subtract"].after)
    assert check_equal(by_rule["rewrite.split_fraction"].after, (1 / D) * (1 - 1 / D), (x,)).ok
    assert d.derivative == sigmoid(x) * (1 - sigmoid(x))


def test_every_step_verified_and_final_matches_sympy():
    d = derive("sigmoid")
    assert len(d.steps) >= 7
    assert all(s.verified for s in d.steps)
    assert d.final_check.ok and d.final_check.method is not None
    assert d.verified


def test_no_two_consecutive_lines_render_the_same():
    d = derive("sigmoid")
    lines = [to_latex(s.after) for s in d.steps]
    assert len(set(lines)) == len(lines)


def test_output_form_is_y_times_one_minus_y():
    d = derive("sigmoid")
    y = d.output_symbol
    assert sp.expand(d.output_form - y * (1 - y)) == 0
    assert all(s.verified for s in d.output_steps)


def test_json_contract():
    data = json.loads(render_json(derive("sigmoid")))
    assert set(["input", "variable", "definition", "derivative", "output_form", "steps", "kinks"]) <= set(data)
    assert len(data["steps"]) >= 7 and all(s["verified"] for s in data["steps"])
    assert any(s["rule"] == "rewrite.add_subtract" for s in data["steps"])
    for step in data["steps"]:
        assert set(["rule", "description", "before", "after", "latex", "verified", "method"]) <= set(step)
    assert data["output_form"] == "y*(1 - y)"
    # built-in SymPy only: sympify reads these back without knowing derivator's σ
    xs = sp.Symbol("x")
    definition = sp.sympify(data["definition"])
    derivative = sp.sympify(data["derivative"])
    assert not any(f.func.__name__ == "sigmoid" for f in derivative.atoms(sp.Function))
    assert sp.simplify(derivative - sp.diff(definition, xs)) == 0
    s = 1 / (1 + sp.exp(-xs))
    assert sp.simplify(derivative - s * (1 - s)) == 0


def test_second_order_in_output_form():
    d = derive("sigmoid", order=2)
    y = d.output_symbol
    assert sp.expand(d.output_form - y * (1 - y) * (1 - 2 * y)) == 0
    assert d.verified
    t = derive("tanh", order=2)
    assert sp.expand(t.output_form - (-2 * y * (1 - y**2))) == 0
