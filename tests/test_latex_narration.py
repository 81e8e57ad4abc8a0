"""Narrated LaTeX: the block and the documents say what the terminal says (the chain rule's u, outer and
inner derivative; cited lemmas with their statements; kinks with both sides and the convention), long
lines are broken at a top-level + or ·, and a Japanese document names the engine it needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivator.pipeline import derive
from derivator.present.latex import render_latex
from derivator.present.tex_lines import break_tex, width
from derivator.publish.documents import write_document
from validators import latex_compile


def test_chain_rule_line_names_u_and_both_derivatives():
    tex = render_latex(derive("sigmoid"))
    chain = next(line for line in tex.splitlines() if "Chain rule" in line)
    assert "{u = 1 + e^{-x}}" in chain
    assert r"\text{: outer derivative } {-\frac{1}{u^{2}}}" in chain
    assert r"\text{ times inner derivative } {-e^{-x}}" in chain


def test_a_cited_lemma_is_stated_not_named():
    # at β = 1 σ′ is cited as itself; with β kept symbolic it is the outer derivative of a chain rule
    tex = render_latex(derive("swish", params={"beta": "1"}))
    assert r"the proven result } {\frac{d}{dx}\left(\sigma(x)\right) = \sigma(x) \left(1 - \sigma(x)\right)}" in tex
    assert "lemma" not in tex


def test_a_kink_gives_both_sides_and_the_convention():
    tex = render_latex(derive("relu"), standalone=True)
    said = next(line for line in tex.splitlines() if line.startswith(r"\intertext{At"))
    assert "left derivative is $0$" in said and "right derivative is $1$" in said
    assert "by convention (the left derivative)" in said and "taken as $0$" in said


def test_japanese_standalone_names_lualatex_at_the_top():
    head = render_latex(derive("relu"), standalone=True, lang="ja").splitlines()[:2]
    assert head[0] == "% !TEX program = lualatex"
    assert "latexmk -lualatex" in head[1]
    assert "lualatex" not in render_latex(derive("relu"), standalone=True)


def test_long_lines_break_at_a_top_level_sum():
    tex = r"a \left(b + c\right) + \frac{d + e}{f} - g^{2} \cdot h + " + " + ".join(f"x_{{{i}}}" for i in range(30))
    lines = break_tex(tex, 20)
    assert len(lines) > 1 and all(line[0] in "+-" for line in lines[1:])
    assert " ".join(lines) == tex  # cut, never rewritten
    assert all(line.count(r"\left") == line.count(r"\right") for line in lines)
    # never between \left and \right: a bracket broken inside is set with \Bigl … \Bigr, which may
    assert break_tex(r"\left(a + b + c\right)", 2) == [r"\Bigl(a", "+ b", r"+ c\Bigr)"]
    cases = r"\begin{cases} a + b & (x < 0) \\ c & (x > 0) \end{cases}"
    assert break_tex(cases, 2) == [cases]  # nor inside a cases environment
    assert width(r"\frac{abc}{d}") == 3


TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _overfull(workdir: Path) -> list[str]:
    log = (workdir / "doc.log").read_text(errors="replace")
    # \hbox: a line runs into the margin; \vbox: a page or slide runs off its bottom (the code slide)
    return re.findall(r"Overfull \\[hv]box.*", log)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name,order", [("sigmoid", 3), ("gelu_tanh", 1), ("swish", 1), ("selu", 1), ("relu", 1)])
def test_standalone_has_no_overfull_line(name, order, lang, tmp_path):
    engine = "lualatex" if lang == "ja" else "pdflatex"
    ok, log = latex_compile(render_latex(derive(name, order=order), standalone=True, lang=lang), engine, tmp_path)
    assert ok, log
    assert _overfull(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("template", ["article", "beamer"])
@pytest.mark.parametrize("name", ["sigmoid", "gelu_tanh", "swish", "selu", "relu"])
def test_documents_have_no_overfull_line(name, template, lang, tmp_path):
    # this tree's templates, whichever derivator the interpreter has installed
    write_document(derive(name), tmp_path / "doc.tex", template, lang=lang, template_dir=TEMPLATES)
    source = (tmp_path / "doc.tex").read_text(encoding="utf-8")
    engine = "lualatex" if lang == "ja" else "pdflatex"
    ok, log = latex_compile(source, engine, tmp_path, extra_files=("beamer.cls",) if template == "beamer" else ())
    assert ok, log
    assert _overfull(tmp_path) == []


def test_broken_lines_and_intertext_read_back_clean():
    from derivator.check import check_text

    report = check_text(render_latex(derive("sigmoid", order=3), standalone=True), "sigmoid.tex")
    assert report.claims and [c.text for c in report.claims if c.is_error] == []
