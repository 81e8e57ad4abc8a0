"""Nested compositions through named inner functions u_k (issue 15): u₁ = σ(x), u₂ = σ(u₁), …, each
line holding O(1) new material, and every line still verified."""

from __future__ import annotations

import copy
import json

import pytest
import sympy as sp

from derivator.core.functions import InnerFunction, expand_inner, expand_named
from derivator.core.step_ids import StepId
from derivator.core.trace import walk
from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.verify import plain, verify_step

DEPTH_3 = "sigmoid(sigmoid(sigmoid(x)))"


@pytest.fixture(scope="module")
def nested():
    return derive(DEPTH_3)


def _named_step(d):
    return next(s for s in d.steps if s.rule == StepId.CHAIN_NAMED)


def test_definitions_of_u1_and_u2_are_in_the_lines_and_the_json(nested):
    x = nested.variable
    names = _named_step(nested).params["names"]
    u1, u2 = (n.lhs for n in names)
    assert isinstance(u1, InnerFunction) and isinstance(u2, InnerFunction)
    assert expand_named(u1) == expand_named(sp.sympify("1/(1 + exp(-x))", locals={"x": x}))
    assert names[1].rhs.args[0] == u1  # u₂ = σ(u₁), one level, not σ(σ(x))
    text = render(nested, "terminal", "en")
    assert "u₁ = σ(x)" in text and "u₂ = σ(u₁)" in text
    data = json.loads(render(nested, "json", "en"))
    named = next(s for s in data["steps"] if s["rule"] == "chain.named")
    assert named["params"]["names"] == ["Eq(u_1(x), sigmoid(x))", "Eq(u_2(x), sigmoid(u_1(x)))"]
    assert "u_{1} = \\sigma(x)" in named["description"]


def test_every_line_is_verified_and_the_derivative_is_written_out(nested):
    assert nested.verified
    assert all(s.verified for s in walk(nested.all_steps))
    assert not nested.derivative.has(InnerFunction)  # what leaves the trace (code, output form) is in x
    x = nested.variable
    assert sp.simplify(plain(nested.derivative) - sp.diff(plain(nested.definition), x)) == 0


def test_each_sub_step_holds_one_link_of_the_chain(nested):
    links = [s for s in _named_step(nested).substeps if s.rule == StepId.CHAIN]
    assert [type(s.before.args[0]).index for s in links] == [2]  # u₂′ = σ′(u₁)·u₁′; u₁′ is σ′(x), the lemma
    for s in links:  # u_k′ = σ′(u_{k-1})·u_{k-1}′: no σ nested inside a σ on either side
        assert not any(isinstance(f.args[0], type(f)) for f in s.after.atoms(sp.Function) if f.args)


def test_a_flipped_sign_in_a_named_step_is_caught(nested):
    x = nested.variable
    for step in [*_named_step(nested).substeps[:1], _named_step(nested)]:
        wrong = copy.copy(step)
        wrong.substeps = []
        wrong.after = -step.after
        assert not verify_step(wrong, (x,)).verification.ok


def test_a_wrong_inner_derivative_in_a_link_is_caught(nested):
    x = nested.variable
    link = _named_step(nested).substeps[0]  # u₂′ = σ(u₁)(1 − σ(u₁))·u₁′
    u1 = link.params["u"]
    wrong = copy.copy(link)
    wrong.substeps = []
    wrong.after = link.params["outer_derivative"] * sp.Derivative(u1, x) * 2
    assert not verify_step(wrong, (x,)).verification.ok


def test_expand_inner_keeps_the_other_named_functions(nested):
    u2 = _named_step(nested).params["names"][1].lhs
    out = expand_inner(u2)
    assert not out.has(InnerFunction) and str(out) == "sigmoid(sigmoid(x))"


def test_depth_5_names_four_inner_functions_one_link_each():
    d = derive("sigmoid(" * 5 + "x" + ")" * 5)
    step = _named_step(d)
    assert len(step.params["names"]) == 4
    assert [type(s.before.args[0]).index for s in step.substeps if s.rule == StepId.CHAIN] == [4, 3, 2]
    assert d.verified and all(s.verified for s in walk(d.all_steps))


def test_a_single_level_is_not_named():
    d = derive("sigmoid(sigmoid(x))")
    assert not any(s.rule == StepId.CHAIN_NAMED for s in d.steps)


def test_a_derivation_with_named_functions_survives_pickling(nested):
    import pickle

    back = pickle.loads(pickle.dumps(nested))
    names = _named_step(back).params["names"]
    assert [type(n.lhs).index for n in names] == [1, 2]
    assert expand_named(names[1].lhs) == expand_named(_named_step(nested).params["names"][1].lhs)


def test_json_of_a_derivation_ending_in_u_k_gives_the_derivative_in_u_k_with_their_definitions(nested):
    from derivator.present.json import to_dict

    assert "inner_functions" not in to_dict(nested)  # written back: the JSON is what it always was
    deep = copy.deepcopy(nested)
    # as a deep nest ends (no write-back: the written-out chain would be O(depth²) long)
    deep.steps = [s for s in deep.steps if s.rule != StepId.CHAIN_WRITE_BACK]
    assert deep.steps[-1].after.has(InnerFunction)
    data = to_dict(deep)
    assert [f["name"] for f in data["inner_functions"]] == ["u_1", "u_2"]
    assert data["inner_functions"][1]["definition"] == "1/(1 + exp(-u_1))"
    assert data["inner_functions"][1]["definition_latex"] == "\\sigma(u_{1})"
    assert "u_{2}" in data["derivative_latex"]
    derivative = sp.sympify(data["derivative"])
    assert sp.Symbol("u_2") in derivative.free_symbols and not derivative.has(sp.Function("sigmoid"))
    for f in reversed(data["inner_functions"]):  # a consumer writes the u_k out, innermost last
        derivative = derivative.subs(sp.Symbol(f["name"]), sp.sympify(f["definition"]))
    x = sp.Symbol("x")
    assert sp.simplify(derivative - sp.diff(sp.sympify(data["definition"]), x)) == 0


def test_recognition_samples_a_deep_nest_compiled_not_through_sympy_evalf(monkeypatch):
    # N(σ(σ(…σ(0.7)))) makes each exp ask whether its argument is positive, evaluating the whole inner
    # chain again at every level: exponential in the depth (depth 16 took minutes)
    from derivator.core.functions import NamedFunction
    from derivator.engine import recognise

    def no_evalf(self, prec):
        raise AssertionError("sampled through SymPy's evalf")

    monkeypatch.setattr(NamedFunction, "_eval_evalf", no_evalf)
    x = sp.Symbol("x", real=True)
    sigma = type(derive("sigmoid").function)
    nest = x
    for _ in range(12):
        nest = sigma(nest)
    values = recognise._values(nest, x)
    expected = []
    for p in recognise.SAMPLES:
        v = sp.Float(p, 40)
        for _ in range(12):
            v = 1 / (1 + sp.exp(-v))
        expected.append(v)
    assert values is not None and all(abs(a - b) < 1e-25 for a, b in zip(values, expected))
