"""Catalog parameters are symbols by default (α, λ, β), and `--param` substitutes exact values.

One table row per parameterised entry: the derivation keeps the parameters as symbols (no 60-digit
rationals), states the source's defaults once, is verified with the parameters sampled too, and the
same derivation with the defaults given equals the one at the defaults.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp

from derivator import catalog
from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.present.facts_json import facts_dict
from derivator.verify import check_equal, plain

PARAMETERISED = sorted(e.name for e in catalog.entries() if e.params)
X = sp.Symbol("x", real=True)


def _long_rationals(expr: sp.Basic) -> list[sp.Rational]:
    return [r for r in expr.atoms(sp.Rational) if abs(r.q) > 1000 or abs(r.p) > 10**6]


def _defaults(name: str) -> dict[str, str]:
    return {p.name: p.default for p in catalog.get(name).params}


def test_the_table_covers_the_entries_the_issue_names():
    assert {"elu", "selu", "celu", "swish", "softplus", "leaky_relu", "hardtanh", "prelu"} <= set(PARAMETERISED)


@pytest.mark.parametrize("name", PARAMETERISED)
def test_parameters_are_symbols_by_default(name):
    d = derive(name)
    symbols = {p.symbol for p in d.parameters}
    assert [p.name for p in d.parameters] == [p.name for p in catalog.get(name).params]
    assert symbols <= d.definition.free_symbols
    assert all(p.value is None for p in d.parameters)
    for step in d.steps:
        assert not _long_rationals(step.after), (name, step.rule)
    assert not _long_rationals(d.derivative)
    assert d.verified, name


@pytest.mark.parametrize("name", PARAMETERISED)
def test_the_defaults_given_give_the_numeric_derivation(name):
    symbolic, numeric = derive(name), derive(name, params=_defaults(name))
    assert not numeric.derivative.free_symbols - {X}
    assert all(p.value is not None for p in numeric.parameters)
    # the symbolic derivative at the defaults is the derivative of the definition at the defaults
    at_defaults = {p.symbol: p.value for p in numeric.parameters}
    reference = sp.diff(plain(catalog.definition(catalog.get(name), X)), X)
    assert check_equal(plain(symbolic.derivative).xreplace(at_defaults), reference, (X,)).ok
    assert check_equal(numeric.derivative, reference, (X,)).ok
    assert numeric.verified


def test_selu_keeps_lambda_and_alpha_not_sixty_digit_rationals():
    d = derive("selu")
    lam, alpha = (p.symbol for p in sorted(d.parameters, key=lambda p: p.name != "scale"))
    assert (lam.name, alpha.name) == ("lambda", "alpha")
    assert d.derivative.has(lam) and d.derivative.has(alpha)
    text = render(d, "text", "en")
    assert "λ" in text and "α" in text
    assert "5253504936777402467096674926473" not in text
    assert "PyTorch default: α = 1.6732632423543772848170429916717" in text.replace("\n", "")


def test_elu_output_form_is_y_plus_alpha_below_zero():
    d = derive("elu")
    (alpha,) = (p.symbol for p in d.parameters)
    y = d.output_symbol
    assert d.output_form is not None
    assert d.output_check is not None and d.output_check.ok
    # below 0 (−α < y < 0) the form is y + α, above 0 it is 1
    below = d.output_form.subs(alpha, 2).subs(y, sp.Rational(-1, 2))
    above = d.output_form.subs(alpha, 2).subs(y, 3)
    assert below == sp.Rational(3, 2) and above == 1


def test_kink_narration_names_the_variable_not_the_parameter():
    # (on main: "At α = 0 the left derivative ..." — the kink is at x = 0)
    for params in (None, {"alpha": "alpha"}):
        text = render(derive("elu", params=params), "text", "en").replace("\n", " ")
        assert "At x = 0" in " ".join(text.split())
        assert "At α = 0" not in text
    # one sentence per kink, each with the convention that picks its own value (0 is the right derivative
    # at −λ and the left one at λ); hardtanh's kink at a is spoken of at x = a, not at b = a
    text = " ".join(render(derive("softshrink"), "text", "en").split())
    assert ("At x = -λ the left derivative is 1 and the right derivative is 0; by convention "
            "(the right derivative) the derivative there is taken as 0") in text
    assert "At x = λ the left derivative is 0 and the right derivative is 1; by convention (the left derivative)" in text
    text = " ".join(render(derive("hardtanh"), "text", "en").split())
    assert "At x = a the left derivative is 0" in text and "At b = a" not in text


def test_param_by_symbol_name_lambda_and_alpha():
    # `lambda` is SELU's scale as the paper writes it; `alpha` is leaky ReLU's negative_slope
    d = derive("selu", params={"lambda": "1.05"})
    scale = next(p for p in d.parameters if p.name == "scale")
    assert scale.value == sp.Rational(21, 20)
    leaky = derive("leaky_relu", params={"alpha": "0.2"})
    (slope,) = leaky.parameters
    assert slope.value == sp.Rational(1, 5) and slope.given == "0.2"
    line = " ".join(render(leaky, "text", "en").split())
    assert "α = 0.2 = 1/5, as given (PyTorch default: α = 0.01)" in line


def test_parameter_line_in_every_format():
    d = derive("swish")
    assert "Parameters:" in render(d, "markdown", "en")
    assert "Parameters:" in render(d, "latex", "en")
    assert "パラメータ" in render(d, "text", "ja")
    assert "Parameters" not in render(derive("sigmoid"), "text", "en")
    data = json.loads(render(d, "json", "en"))
    assert data["parameters"] == [{"name": "beta", "symbol": "beta", "symbol_latex": r"\beta", "value": None,
                                   "default": "1", "source": "Ramachandran, Zoph & Le 2017"}]
    given = json.loads(render(derive("elu", params={"alpha": "0.2"}), "json", "en"))
    assert given["parameters"][0]["value"] == "1/5"
    assert sp.sympify(given["derivative"]).free_symbols == {sp.Symbol("x")}


def test_hardtanh_bounds_are_assumed_in_order():
    d = derive("hardtanh")
    a, b = (p.symbol for p in d.parameters)
    assert a.is_negative and b.is_positive  # a < 0 < b: the cases' order is decided, and said
    assert [k.at for k in d.kinks] == [a, b]
    assert d.verified
    text = " ".join(render(d, "text", "en").split())
    assert "a < 0, kept as a symbol (PyTorch default: a = -1)" in text


def test_positive_parameters_are_sampled_positive():
    # CELU's e^{x/α} with α sampled near 0 or below would not be the function the lecturer means
    d = derive("celu")
    assert d.verified and d.final_check.ok
    assert d.final_check.method is not None


def test_facts_of_an_entry_with_parameters_are_those_at_its_stated_defaults():
    # (they said "not established — depends on the parameters" for every fact; a lecturer wants SELU's)
    from derivator.analysis.facts import facts

    found = facts(derive("selu"))
    values = {s.name: v for s, v in found.at.values}
    assert values == {"alpha": sp.Rational("1.6732632423543772848170429916717"),
                      "lambda": sp.Rational("1.0507009873554804934193349852946")}
    assert not any(o.note == "symbolic_parameters" for o in found.omitted)
    # the values are the defaults': f′(0⁺) = λ, SELU's scale
    assert found.get("kinks").values["kinks"][0]["right"] == values["lambda"]


def test_the_facts_say_whose_default_they_are_in_every_format():
    from derivator.analysis.facts import facts
    from derivator.present.facts_render import facts_terminal_text, render_facts_latex, render_facts_markdown

    found = facts(derive("elu"))
    assert (found.at.source, [(s.name, v) for s, v in found.at.values]) == ("PyTorch", [("alpha", 1)])
    assert "At the PyTorch default α = 1" in facts_terminal_text(found, lang="en")
    assert r"At the PyTorch default $\alpha = 1$" in render_facts_latex(found, lang="en")
    assert "PyTorch の既定値 $`\\alpha = 1`$ のとき" in render_facts_markdown(found, lang="ja")
    assert facts_dict(found, "en")["at_defaults"]["values"] == {"alpha": "1"}


def test_facts_of_an_expression_with_its_own_letters_are_not_guessed():
    from derivator.analysis.facts import facts

    found = facts(derive("a*x**2"))
    assert found.at is None and found.omitted and all(o.note == "symbolic_parameters" for o in found.omitted)


def test_json_of_a_symbolic_entry_reads_back_with_sympify():
    data = json.loads(render(derive("selu"), "json", "en"))
    lam, alpha = sp.Symbol("lambda"), sp.Symbol("alpha")
    for key in ("definition", "derivative", "output_form"):
        assert {lam, alpha} <= sp.sympify(data[key]).free_symbols, key


def test_a_long_quoted_constant_given_prints_as_its_decimal():
    d = derive("selu", params={"alpha": "1.6732632423543772848170429916717", "lambda": "1.0507009873554804934193349852946"})
    text = render(d, "text", "en")
    assert "1.0507009873554804934193349852946·x" in text
    assert "5253504936777402467096674926473" not in text


def test_list_writes_kinks_with_the_symbols():
    from typer.testing import CliRunner

    from derivator.app.cli import app

    out = CliRunner().invoke(app, ["list"], env={"COLUMNS": "200"}).output
    row = next(line for line in out.splitlines() if "softshrink" in line)
    assert "-λ (right), λ (left)" in row and "lambd" not in row.split("│")[-2]


def test_one_bound_of_an_ordered_pair_alone_is_one_clear_error():
    from derivator.core.errors import DerivatorError

    with pytest.raises(DerivatorError, match="give both min_val and max_val"):
        derive("hardtanh", params={"min_val": "2"})
    d = derive("hardtanh", params={"min_val": "-2", "max_val": "3"})
    assert [k.at for k in d.kinks] == [-2, 3] and d.verified



def test_compare_says_which_defaults_its_column_of_facts_is_for():
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "derivator", "compare", "elu", "relu", "--format", "markdown"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "DERIVATOR_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    assert "- elu: facts at the PyTorch default $`\\alpha = 1`$" in done.stdout
    assert "not established" not in done.stdout
