"""Property: a correct derivation produced by the engine and rendered to LaTeX checks clean, and flipping
one sign in one of its lines is caught at that line.

The expected line of a mutation is found in the mutated document's text (the line holding the mutated
row), never computed by the checker.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivator.pipeline import derive
from derivator.check import check_text
from derivator.present.latex import render_latex

INPUTS = [
    "sigmoid", "tanh", "relu", "gelu", "softplus", "silu",
    "x**2*exp(-x)", "log(1+exp(x))", "x/(1+exp(-x))", "sin(x)**2", "sqrt(1+x**2)", "x*tanh(x)",
]


@cache
def document(name: str, *, at_defaults: bool = False) -> str:
    d = derive(name)
    if at_defaults and d.parameters:  # a bare aligned block states no parameter: give the source's values
        d = derive(name, params={p.name: p.default for p in d.parameters})
    return "$$\n" + render_latex(d) + "\n$$\n"


def rows(doc: str) -> list[int]:
    """0-based indices of the document's lines that are rows of the aligned block."""
    return [i for i, line in enumerate(doc.splitlines()) if "&=" in line]


@pytest.mark.parametrize("name", INPUTS)
def test_engine_derivation_checks_clean(name):
    doc = document(name, at_defaults=True)
    report = check_text(doc, f"{name}.md")
    problems = [(c.line, c.text, c.status, c.follows, c.reason) for c in report.claims
                if c.status != "ok" or c.follows is False]
    assert problems == []
    assert report.exit_code == 0
    # every row of the derivation was judged
    judged = {c.line for c in report.claims}
    assert {i + 1 for i in rows(doc)} <= judged


def test_parameterised_catalog_block_states_its_definition_and_every_step_is_judged():
    # Swish has a parameter β kept symbolic: the block states it and the definition it is in before the
    # steps, so check judges every line for every β (it never guesses a default) and each step follows
    doc = document("swish")
    report = check_text(doc, "swish.md")
    assert report.exit_code == 0
    definition, *steps = report.claims
    assert definition.kind == "definition" and "beta" in definition.text
    assert steps and all(c.status == "ok" for c in steps)
    assert [c.follows for c in steps[1:]] == [True] * (len(steps) - 1)


def negate(rhs: str) -> str:
    return rf" -\left({rhs.strip()}\right) "


def flip_leading_sign(rhs: str) -> str:
    body = rhs.strip()
    return " " + body[1:].lstrip() + " " if body.startswith("-") else " -" + body + " "


def mutate(doc: str, row: int, how) -> str:
    lines = doc.splitlines()
    line = lines[row]
    head, _, rest = line.partition("&=")
    rhs, sep, note = rest.partition("&&")
    lines[row] = head + "&=" + how(rhs) + sep + note
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_flipped_sign_is_caught_at_its_line(data):
    name = data.draw(st.sampled_from(INPUTS), label="input")
    doc = document(name)
    row = data.draw(st.sampled_from(rows(doc)), label="row")
    how = data.draw(st.sampled_from([negate, flip_leading_sign]), label="mutation")
    mutated = mutate(doc, row, how)
    report = check_text(mutated, f"{name}.md")
    assert report.first_error_line == row + 1, [(c.line, c.status, c.follows, c.text) for c in report.claims]
    assert report.exit_code == 1
    first = next(c for c in report.claims if c.is_error)
    if how is negate:
        # the whole right side negated: a sign error (or, against the line before, a sign flip)
        assert first.diagnosis is not None and first.diagnosis.kind in ("sign", "sign_flip")
