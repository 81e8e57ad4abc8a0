"""Renderers: golden files for sigmoid (read by a person once, then kept), real KaTeX and MathJax for
every math string, unverified steps visible in every format."""

import json
import re
from pathlib import Path

import sys

import pytest

from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.present.latex import render_latex
from derivator.present.markdown import render_markdown
from derivator.core.trace import Verification
from validators import katex_errors, mathjax_errors

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))
from regenerate import cases, produce  # noqa: E402  (the one definition of what the golden files hold)

_derivations: dict = {}


@pytest.mark.parametrize("file, name, lang, fmt, flavor", cases(), ids=[c[0] for c in cases()])
def test_golden(file, name, lang, fmt, flavor):
    """sigmoid, tanh, relu, gelu in every format, flavour and language, as a person read them once."""
    assert produce(name, lang, fmt, flavor, _derivations) == (GOLDEN / file).read_text("utf-8")


EXPRESSIONS = [
    "sigmoid", "tanh", "relu", "softplus", "x**2*exp(-x)", "log(1+exp(x))", "x/(1+exp(-x))", "Max(0, x)",
    "x*sigmoid(x)", "x*tanh(log(1+exp(x)))", "x*(1+erf(x/sqrt(2)))/2", "Min(Max(0,x),6)", "Heaviside(x)",
    "x**x", "acosh(x)", "Abs(x)", "sqrt(1+x**2)", "atan(x)", "2**x",
]


def _math_strings(text: str) -> list[tuple[str, bool]]:
    display = re.findall(r"^[ \t]*\$\$\n(.*?)\n[ \t]*\$\$$", text, flags=re.S | re.M)
    inline = re.findall(r"\$`(.*?)`\$", text)
    return [(m, True) for m in display] + [(m, False) for m in inline]


@pytest.fixture(scope="module")
def emitted() -> list[tuple[str, bool]]:
    """Every math string the renderers emit for the table above, in both languages."""
    items = []
    for text in EXPRESSIONS:
        d = derive(text)
        for lang in ("en", "ja"):
            items.append((render_latex(d, lang=lang), True))
            items += _math_strings(render_markdown(d, lang=lang))
        data = json.loads(render(d, "json", "en"))
        items += [(s["latex"], True) for s in data["steps"]]
        items.append((data["derivative_latex"], True))
    # the extraction itself must have worked: one display per step at least, and inline math too
    assert sum(1 for _, display in items if display) > 6 * len(EXPRESSIONS)
    assert sum(1 for _, display in items if not display) > 2 * len(EXPRESSIONS)
    return items


def test_every_emitted_string_passes_katex(emitted):
    errors = katex_errors(emitted)
    bad = [(tex, err) for (tex, _), err in zip(emitted, errors) if err]
    assert not bad, bad[:3]


def test_every_emitted_string_passes_mathjax(emitted):
    errors = mathjax_errors(emitted)
    bad = [(tex, err) for (tex, _), err in zip(emitted, errors) if err]
    assert not bad, bad[:3]


def test_textbook_typography():
    tex = render_latex(derive("sigmoid"))
    assert r"\sigma(x) \left(1 - \sigma(x)\right)" in tex
    assert r"{\left(x \right)}" not in tex
    assert "e^{-x}" in tex and "e^{- x}" not in tex
    assert r"\text{(chain rule)}" in tex


def test_standalone_document_compiles(tmp_path):
    from validators import latex_compile

    ok, log = latex_compile(render_latex(derive("sigmoid"), standalone=True), "pdflatex", tmp_path / "en")
    assert ok, log
    ok, log = latex_compile(render_latex(derive("relu"), standalone=True, lang="ja"), "lualatex", tmp_path / "ja")
    assert ok, log


def test_unverified_step_is_visible_in_every_format():
    d = derive("sigmoid")
    d.steps[2].verification = Verification(ok=False, method=None, note="test")
    assert "NOT VERIFIED" in render_latex(d)
    assert "未検証" in render_latex(d, lang="ja")
    assert "NOT VERIFIED" in render_markdown(d) and "⚠" in render_markdown(d)
    assert "NOT VERIFIED" in render(d, "terminal", "en")
    data = json.loads(render(d, "json", "en"))
    assert data["steps"][2]["verified"] is False and data["verified"] is False


def test_unicode_prints_greek_names_as_letters():
    import sympy as sp

    from derivator.core.printing import to_unicode

    beta, x, alpha_1, lam = sp.symbols("beta x alpha_1 lambda")
    assert to_unicode(beta * x + alpha_1) == "α_1 + β·x"
    assert to_unicode(lam * x) == "λ·x"
    assert to_unicode(sp.Symbol("b") * x) == "b·x"  # other names as written
