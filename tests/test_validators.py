"""The validators must really reject bad math, or every test built on them proves nothing."""

import pytest

from validators import katex_errors, latex_compile, mathjax_errors

GOOD = [
    (r"\frac{1}{2}", False),
    (r"\begin{aligned}a&=b\\&=c\end{aligned}", True),
    (r"\boldsymbol{x} + \text{微分}", False),
]
BROKEN = [
    (r"\frac{1}{", True),  # syntax error
    (r"\undefinedmacro{x}", True),  # an undefined macro must throw, not render red
]


@pytest.mark.parametrize("errors", [katex_errors, mathjax_errors], ids=["katex", "mathjax"])
def test_good_math_passes_and_broken_math_fails(errors):
    good, broken = errors(GOOD), errors(BROKEN)
    assert good == [None] * len(GOOD)
    assert all(broken), broken
    assert "undefinedmacro" in broken[1]


def test_engines_differ_where_platforms_differ():
    # platforms.md: \bm is undefined in MathJax 4 but fine in KaTeX.
    assert katex_errors([(r"\bm{x}", False)]) == [None]
    assert mathjax_errors([(r"\bm{x}", False)])[0] is not None


def test_mathjax_newcommand_does_not_leak_between_items():
    defined, used = mathjax_errors([(r"\newcommand{\foo}{x}\foo", False), (r"\foo", False)])
    assert defined is None
    assert used is not None


def test_katex_strict_flags_japanese_outside_text():
    bare, wrapped = r"x = 微分", r"x = \text{微分}"
    assert katex_errors([(bare, False)]) == [None]  # renders on real (strict "warn") platforms
    assert katex_errors([(bare, False), (wrapped, False)], strict=True)[0] is not None
    assert katex_errors([(wrapped, False)], strict=True) == [None]


ARTICLE = r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\begin{align*} f'(x) &= \frac{d}{dx} x^2 \\ &= 2x \end{align*}
\end{document}
"""


def test_latex_article_compiles_and_broken_one_fails(tmp_path):
    ok, log = latex_compile(ARTICLE, "pdflatex", tmp_path / "good")
    assert ok, log
    ok, log = latex_compile(ARTICLE.replace(r"\frac{d}{dx}", r"\undefinedmacro"), "pdflatex",
                            tmp_path / "bad")
    assert not ok
    assert "Undefined control sequence" in log


def test_lualatex_japanese_compiles(tmp_path):
    source = r"""\documentclass{ltjsarticle}
\usepackage{amsmath}
\begin{document}
導関数：$\displaystyle \frac{d}{dx}\sigma(x) = \sigma(x)\bigl(1-\sigma(x)\bigr)$
\end{document}
"""
    ok, log = latex_compile(source, "lualatex", tmp_path)
    assert ok, log
