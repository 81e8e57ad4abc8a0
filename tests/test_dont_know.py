"""A part no rule covers: the rest of the derivation is kept and checked, the part is shown as "no rule
for this part" in every format, flavour and language, never as verified; the CLI prints the partial
derivation and exits with 2; uses that need the whole derivative refuse in one line."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest
import sympy as sp

from derivator.core.errors import PartialDerivationError, UnsupportedError
from derivator.core.step_ids import StepId
from derivator.core.trace import Verification
from derivator.core.unknown import UnknownDerivative
from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.present.flavors import FLAVORS, flavor_module, render_flavor
from derivator.present.latex import render_latex
from derivator.present.markdown import render_markdown

PARTIAL = "x*exp(Max(x, beta))"  # product, chain, then Max with a kink that moves with beta: no rule
x = sp.Symbol("x", real=True)
beta = sp.Symbol("beta", real=True)
WORDS = {"en": "no rule for this part", "ja": "この部分に使える規則なし"}
STATUS = {"en": "Partial derivation", "ja": "部分的な導出"}
UNVERIFIED = {"en": "NOT VERIFIED", "ja": "未検証"}
_cache: dict = {}


def partial():
    if "d" not in _cache:
        _cache["d"] = derive(PARTIAL)
    return _cache["d"]


def test_the_rest_of_the_derivation_is_kept_and_verified():
    d = partial()
    assert d.partial and d.unknown_parts == [sp.Max(x, beta)]
    rules = [s.rule for s in d.steps]
    assert rules[:4] == [StepId.PRODUCT, StepId.VARIABLE, StepId.CHAIN, StepId.DONT_KNOW]
    # every line but the one that marks the open part is checked, also after it (the hole as a variable)
    assert [s.rule for s in d.steps if not s.verified] == [StepId.DONT_KNOW]
    assert len(rules) > 4 and all(s.verified for s in d.steps[4:])
    assert d.derivative.has(UnknownDerivative) and d.output_form is None
    assert not d.verified and not d.final_check.ok and d.final_check.method is None


def test_a_part_without_a_rule_is_never_verified():
    d = derive(PARTIAL)
    step = next(s for s in d.steps if s.rule == StepId.DONT_KNOW)
    assert step.verification.method is None and "no differentiation rule" in step.verification.note
    step.verification = Verification(ok=True, method="numeric", points=20)  # whatever a checker writes
    assert not step.verified and not d.verified


def test_the_hole_is_right_where_it_is():
    """Filled with SymPy's derivative of the part, the partial result is sympy.diff of the whole."""
    from derivator.verify import Domain, check_equal, plain

    d = partial()
    filled = d.derivative.replace(lambda e: isinstance(e, UnknownDerivative), lambda e: sp.diff(e.part, e.variable))
    assert check_equal(filled, sp.diff(plain(d.definition), x), (beta, x), Domain(avoid=(0.0,))).ok


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_visible_in_every_format(lang):
    d = partial()
    tex = render_latex(d, lang=lang)
    assert r"\boxed{\frac{d}{dx}" in tex and WORDS[lang] in tex and UNVERIFIED[lang] in tex
    assert STATUS[lang] in render_latex(d, lang=lang, standalone=True)
    md = render_markdown(d, lang=lang)
    assert WORDS[lang] in md and "⚠" in md and STATUS[lang] in md and r"\boxed" in md
    terminal = render(d, "terminal", lang)
    assert WORDS[lang] in terminal and "⟦d/dx[" in terminal and UNVERIFIED[lang] in terminal and STATUS[lang] in terminal
    data = json.loads(render(d, "json", lang))
    (step,) = [s for s in data["steps"] if s["rule"] == "dont_know"]
    assert step["verified"] is False and step["method"] is None and step["params"] == {"part": "Max(Symbol('beta'), x)"}  # beta is a SymPy name: written so it reads back as a symbol
    assert data["verified"] is False and data["partial"] is True and data["no_rule_for"] == ["Max(Symbol('beta'), x)"]
    # SymPy reads the derivative back, the open part as its own unevaluated derivative
    assert sp.sympify(data["derivative"], locals={"beta": sp.Symbol("beta")}).has(sp.Derivative)


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_visible_in_every_markdown_flavour(flavor, lang):
    text = render_flavor(partial(), flavor, lang=lang)
    maths = [tex for tex, _ in flavor_module(flavor).extract(text)]
    assert any(r"\boxed" in tex for tex in maths), flavor  # the platform sees the marked part as math
    assert STATUS[lang] in text and UNVERIFIED[lang] in text
    assert WORDS[lang] in text or WORDS[lang].replace(" ", "&nbsp;") in text


def test_complete_derivations_say_nothing_about_parts():
    d = derive("sigmoid")
    assert not d.partial and d.unknown_parts == []
    d.require_complete()
    data = json.loads(render(d, "json", "en"))
    assert "partial" not in data and "no_rule_for" not in data  # the schema of a complete derivation is unchanged


def test_uses_that_need_the_whole_derivative_refuse():
    from derivator.analysis.facts import facts

    d = partial()
    for use in (d.require_complete, lambda: render(d, "numpy", "en"), lambda: facts(d)):
        with pytest.raises(UnsupportedError) as info:
            use()
        assert str(info.value).startswith("no differentiation rule for Max in Max(beta, x)")


def test_a_higher_order_of_a_partial_derivation_is_partial_too():
    d = derive("x**2 + Max(x, beta)", order=2)
    assert d.partial and not d.verified
    first = d.steps[0]
    # f″ = d/dx(2x + hole) cannot be checked against f″ itself: unverified, but not called wrong
    assert first.rule == StepId.PREVIOUS_ORDER and not first.verified and first.verification.method is None
    assert first.verification.counterexample is None


def test_the_partial_error_pickles_with_its_output():
    err = PartialDerivationError("no differentiation rule for Max in Max(beta, x)", hint="h", output="text")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is PartialDerivationError and back.output == "text" and back.exit_code == 2 and back == err


# -- the command line -------------------------------------------------------------------------------


def cli(*args: str, cache: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # wide enough that rich keeps the rule names on one line
    env.update({"XDG_CACHE_HOME": cache} if cache else {"DERIVATOR_NO_CACHE": "1"})
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True, timeout=300, env=env)


def test_cli_prints_the_partial_derivation_and_exits_2(tmp_path):
    for attempt in range(2):  # never cached: the second run is a partial derivation and exit 2 again
        done = cli(PARTIAL, "--format", "json", cache=str(tmp_path))
        assert done.returncode == 2, done.stderr
        data = json.loads(done.stdout)
        assert data["partial"] is True and data["steps"][0]["rule"] == "product"
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "no differentiation rule for Max" in lines[0] and "Traceback" not in done.stderr


def test_cli_terminal_and_output_file(tmp_path):
    done = cli(PARTIAL)
    assert done.returncode == 2 and WORDS["en"] in done.stdout and "⟦d/dx[" in done.stdout
    target = tmp_path / "partial.tex"
    done = cli(PARTIAL, "--format", "latex", "--lang", "ja", "-o", str(target))
    assert done.returncode == 2 and done.stdout == "" and WORDS["ja"] in target.read_text("utf-8")


@pytest.mark.parametrize("args", [("--format", "numpy"), ("--format", "torch")])
def test_cli_code_for_a_partial_derivation_is_refused_before_printing(args):
    done = cli(PARTIAL, *args)
    assert done.returncode == 2 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1


def test_cli_facts_are_left_out_of_a_partial_derivation():
    done = cli(PARTIAL, "--facts", "--format", "markdown")
    assert done.returncode == 2 and WORDS["en"] in done.stdout and "Facts" not in done.stdout


@pytest.mark.parametrize("command, ext", [("doc", "tex"), ("plot", "svg")])
def test_cli_documents_and_plots_refuse_a_partial_derivation(command, ext, tmp_path):
    target = tmp_path / f"partial.{ext}"
    done = cli(command, PARTIAL, "-o", str(target))
    assert done.returncode == 2 and "no differentiation rule for Max" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not target.exists()


def test_cli_compare_refuses_a_partial_derivation():
    done = cli("compare", "sigmoid", PARTIAL)
    assert done.returncode == 2 and "no differentiation rule for Max" in done.stderr


@pytest.mark.slow
def test_partial_math_renders_in_katex_and_mathjax_and_the_document_compiles(tmp_path):
    from validators import katex_errors, latex_compile, mathjax_errors

    d = partial()
    items = [(render_latex(d, lang=lang), True) for lang in ("en", "ja")]
    for flavor in FLAVORS:
        items += flavor_module(flavor).extract(render_flavor(d, flavor, lang="en"))
    for engine in (katex_errors, mathjax_errors):
        bad = [(tex, err) for (tex, _), err in zip(items, engine(items)) if err]
        assert not bad, (engine.__name__, bad[:2])
    ok, log = latex_compile(render_latex(d, standalone=True), "pdflatex", tmp_path / "en")
    assert ok, log
