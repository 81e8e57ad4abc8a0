"""Markdown flavours: the math each platform extracts from derivator's output renders in KaTeX and
MathJax 4 (both throwing), survives the platform's escaping unchanged, and respects its rules."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest
from validators import katex_errors, latex_compile, mathjax_errors

from derivator.pipeline import derive
from derivator.present.flavors import FLAVORS, flavor_module, render_flavor
from derivator.present.flavors import _base

NAMES = ["sigmoid", "tanh", "relu", "gelu", "swish"]
LANGS = ["en", "ja"]
_cache: dict = {}


def derivation(name):
    if name not in _cache:
        _cache[name] = derive(name)
    return _cache[name]


def documents():
    for name in NAMES:
        for flavor in FLAVORS:
            for lang in LANGS:
                yield name, flavor, lang


@pytest.fixture(scope="module")
def extracted():
    """(name, flavor, lang) -> math as the platform extracts it, for every document at once."""
    return {(n, f, l): flavor_module(f).extract(render_flavor(derivation(n), f, lang=l)) for n, f, l in documents()}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_every_formula_renders_in_katex_and_mathjax(extracted, flavor):
    items = [m for (n, f, l), maths in extracted.items() if f == flavor for m in maths]
    assert len(items) > 50  # every document has math, and extraction found it
    for engine in (katex_errors, mathjax_errors):
        errors = [(tex, err) for (tex, _), err in zip(items, engine(items)) if err]
        assert not errors, f"{engine.__name__}: {errors[:3]}"


# GitHub's layout is derivator.present.markdown; its math is checked by the test above
@pytest.mark.parametrize("name, flavor, lang", [d for d in documents() if d[1] != "github"])
def test_platform_extracts_exactly_the_math_derivator_wrote(name, flavor, lang):
    """Record the TeX the renderer hands to the flavour; the platform's extraction must give it back."""
    module = flavor_module(flavor)
    wrote: list[tuple[str, bool]] = []

    def inline(tex):
        wrote.append((tex, False))
        return module.FLAVOR.inline(tex)

    def display(rows):
        wrote.append(("\n".join(rows), True))
        return module.FLAVOR.display(rows)

    recording = dataclasses.replace(module.FLAVOR, inline=inline, display=display)
    text = _base.render(derivation(name), recording, lang=lang)
    assert text == module.render(derivation(name), lang=lang)
    got = module.extract(text)
    want_inline = Counter(norm(t) for t, disp in wrote if not disp)
    want_rows = [norm(strip_alignment(row)) for t, disp in wrote if disp for row in t.split("\n")]
    got_inline = Counter(norm(t) for t, _ in got if not looks_displayed(t, flavor))
    got_display = " ".join(norm(strip_alignment(t)) for t, _ in got if looks_displayed(t, flavor))
    assert got_inline == want_inline
    for row in want_rows:  # every displayed row, in the order written
        assert row in got_display
        got_display = got_display[got_display.index(row) + len(row):]


def norm(tex: str) -> str:
    return " ".join(tex.split())


def strip_alignment(tex: str) -> str:
    for token in (r"\displaystyle", r"\begin{aligned}", r"\end{aligned}", r"\qquad", "&&", "&=", "&"):
        tex = tex.replace(token, "=" if token == "&=" else " ")
    return tex


def looks_displayed(tex: str, flavor: str) -> bool:
    return r"\displaystyle" in tex or r"\begin{aligned}" in tex


# Tricky TeX for each platform's escaping: braces, sub/superscripts, brackets, line breaks, stars,
# comparison and alignment characters.
TRICKY = [
    r"\{x\}",
    r"a_{i}^{2} + b_j",
    r"\sqrt[3]{x}",
    r"\left[0, 1\right]",
    r"\begin{cases} 0 & x < 0 \\ 1 & x > 0 \end{cases}",
    r"a * b \, c",
    r"f'(x) = \frac{1}{2}",
    r"\#\% \_",
]


@pytest.mark.parametrize("tex", TRICKY)
@pytest.mark.parametrize("flavor", FLAVORS)
def test_inline_math_survives_the_platform(flavor, tex):
    module = flavor_module(flavor)
    post = f"Before {module.FLAVOR.inline(tex)} after, *emphasis* and _more_.\n"
    assert [norm(t) for t, _ in module.extract(post)] == [norm(tex)]


@pytest.mark.parametrize("tex", TRICKY)
@pytest.mark.parametrize("flavor", FLAVORS)
def test_display_math_survives_the_platform(flavor, tex):
    module = flavor_module(flavor)
    rows = [rf"y &= {tex}", r"&= 0"]
    post = "Text.\n\n" + module.FLAVOR.display(rows) + "\n\nMore text.\n"
    got = " ".join(norm(strip_alignment(t)) for t, _ in module.extract(post))
    assert norm(strip_alignment(rows[0])) in got and got.endswith("= 0")


@pytest.mark.parametrize("flavor", [f for f in FLAVORS if f != "wordpress"])
def test_narration_text_is_escaped_for_markdown(flavor):
    """Narration with Markdown specials reads as the same words once the platform renders it."""
    from markdown_it import MarkdownIt

    words = r"a_b * c [d](e) <f> `g` # h | i"
    rendered = flavor_module(flavor).FLAVOR.text(words)
    tokens = MarkdownIt("commonmark").parse(rendered)
    plain = "".join(c.content for tok in tokens if tok.type == "inline" for c in tok.children)
    assert plain == words


def test_zenn_display_math_stands_alone_between_blank_lines():
    text = render_flavor(derivation("sigmoid"), "zenn")
    lines = text.split("\n")
    opens = [i for i, line in enumerate(lines) if line.startswith("$$")]
    assert opens and len(opens) % 2 == 0
    for start, end in zip(opens[::2], opens[1::2]):
        assert lines[start] == "$$" and lines[end] == "$$"
        assert lines[start - 1] == "" and lines[end + 1] == ""
        assert "$" not in "".join(lines[start + 1:end])
    for m in re.finditer(r"(?<!\$)\$([^$\n]+)\$(?!\$)", text):
        assert m.group(1) == m.group(1).strip()
        assert not re.search(r"[\d\\]$", text[: m.start()])


def test_wordpress_shortcodes_are_one_line_and_display_is_centred():
    text = render_flavor(derivation("sigmoid"), "wordpress")
    codes = re.findall(r"\$latex[^$]*\$", text)
    assert codes and all("\n" not in c for c in codes)
    displayed = [c for c in codes if r"\displaystyle" in c]
    assert displayed and all(f'<p style="text-align:center">{c}</p>' in text for c in displayed)
    assert r"\begin{aligned}" not in text


@pytest.mark.parametrize("name", NAMES)
def test_wordpress_math_compiles_in_real_latex(name, tmp_path):
    """WordPress.com renders the shortcodes with real LaTeX on its server: compile them with pdflatex."""
    from derivator.present.flavors import wordpress

    maths = wordpress.extract(render_flavor(derivation(name), "wordpress"))
    body = "\n\n".join(f"${tex}$" for tex, _ in maths)
    src = "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n" + body + "\n\\end{document}\n"
    ok, log = latex_compile(src, "pdflatex", tmp_path)
    assert ok, log


def test_hatena_escapes_markdown_in_running_text_only():
    from derivator.present.flavors import hatena

    assert hatena.inline(r"a_{1}^{2}") == r"[tex:a\_{1}\^{2}]"
    assert hatena.inline(r"\frac{1}{2} \\ x") == r"[tex:\\frac{1}{2} \\\\ x]"
    assert hatena.inline(r"\left[x\right]") == r"[tex:\\left\\[x\\right\\]]"
    assert hatena.display([r"x &= a_{1}"]).startswith('<div align="center">[tex:\\displaystyle \\begin{aligned} x &= a_{1}')


def test_unknown_flavor_is_a_derivator_error():
    from derivator.core.errors import DerivatorError

    with pytest.raises(DerivatorError):
        render_flavor(derivation("sigmoid"), "medium")


@pytest.mark.parametrize("flavor", ["zenn", "hatena", "github"])
def test_cli_flavor_option(flavor):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "derivator", "sigmoid", "--format", "markdown", "--flavor", flavor,
                           "--lang", "ja", "--no-cache"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == render_flavor(derivation("sigmoid"), flavor, lang="ja").strip()


# --- every command's Markdown in every flavour: derive --facts (the dispatcher passes --flavor on) -------


@pytest.fixture(scope="module")
def sigmoid_facts():
    from derivator.analysis.facts import facts

    return facts(derivation("sigmoid"))


@pytest.mark.parametrize("flavor", [f for f in FLAVORS if f != "github"])
def test_facts_markdown_uses_the_flavours_math_and_renders(sigmoid_facts, flavor):
    from derivator.present.dispatch import render_with_facts

    module = flavor_module(flavor)
    wrote: list[tuple[str, bool]] = []

    def inline(tex):
        wrote.append((tex, False))
        return module.FLAVOR.inline(tex)

    recording = dataclasses.replace(module.FLAVOR, inline=inline)
    from derivator.present.facts_render import render_facts_flavor

    facts_part = render_facts_flavor(sigmoid_facts, recording, lang="en")
    text = render_with_facts(derivation("sigmoid"), sigmoid_facts, "markdown", "en", flavor=flavor)
    assert text.endswith(facts_part), "the dispatcher does not render the facts in the flavour"
    facts_math = module.extract(facts_part)
    assert {tex for tex, display in facts_math if not display} >= {tex.strip() for tex, _ in wrote}
    assert len(facts_math) > 10
    for engine in (katex_errors, mathjax_errors):
        errors = [(tex, err) for (tex, _), err in zip(facts_math, engine(facts_math)) if err]
        assert not errors, f"{engine.__name__}: {errors[:3]}"


def _renders_everywhere(math: list[tuple[str, bool]]) -> None:
    for engine in (katex_errors, mathjax_errors):
        errors = [(tex, err) for (tex, _), err in zip(math, engine(math)) if err]
        assert not errors, f"{engine.__name__}: {errors[:3]}"


@pytest.fixture(scope="module")
def softmax_ce():
    from derivator.analysis.losses import derive_loss

    return derive_loss("softmax-ce")


@pytest.mark.parametrize("flavor", FLAVORS)
def test_loss_markdown_in_every_flavour(softmax_ce, flavor):
    from derivator.present.dispatch import render

    d = softmax_ce
    text = render(d, "markdown", "en", flavor=flavor)
    assert text == render_flavor(d, flavor, lang="en")
    math = flavor_module(flavor).extract(text)
    assert len(math) > 3
    _renders_everywhere(math)


@pytest.fixture(scope="module")
def compare_columns():
    from derivator.present import compare as cmp

    return cmp.columns(["sigmoid", "relu"])


@pytest.mark.slow
@pytest.mark.parametrize("flavor", FLAVORS)
def test_compare_markdown_in_every_flavour(compare_columns, flavor):
    from derivator.present import compare as cmp

    text = cmp.render(compare_columns, "markdown", "ja", flavor=flavor)
    math = flavor_module(flavor).extract(text)
    inline = flavor_module(flavor).FLAVOR.inline
    assert inline(r"\sigma(x)") in text  # the headers are in the flavour's own inline form
    assert len(math) > 10
    _renders_everywhere(math)


@pytest.fixture(scope="module")
def wrong_post_report():
    from pathlib import Path

    from derivator.check import check_file

    post = Path(__file__).parent / "fixtures" / "check" / "err_cancel.md"
    return check_file(str(post))


@pytest.mark.parametrize("flavor", [f for f in FLAVORS if f != "github"])
def test_check_report_markdown_in_every_flavour(wrong_post_report, flavor):
    from derivator.present import check_report

    text = check_report.render(wrong_post_report, "markdown", "ja", flavor=flavor)
    inline = flavor_module(flavor).FLAVOR.inline("x")
    assert inline[: inline.index("x")] in text  # the platform's own inline delimiter ([tex:, $latex , $)
    math = flavor_module(flavor).extract(text)
    assert math, "the report's formulas are not math on this platform"
    _renders_everywhere(math)
