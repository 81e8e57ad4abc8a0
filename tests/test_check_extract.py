"""Reading math out of documents: every syntax, the right source lines, prose and code ignored."""

from __future__ import annotations

import pytest

from derivator.check.extract import extract_equations, extract_formulas


def sides(text: str, name: str = "post.md") -> list[tuple[int, list[str]]]:
    """(line, stripped sides) of every equation, in order."""
    return [(e.line, [s.text.strip() for s in e.sides]) for e in extract_equations(text, name) if e.ops]


SYNTAXES = [
    ("dollars", "a\n$$\nf(x) = x^2\n$$\nb", "post.md", [(3, ["f(x)", "x^2"])]),
    ("inline dollar", "Let $u = 1+e^{-x}$ be", "post.md", [(1, ["u", "1+e^{-x}"])]),
    ("github inline", "Let $`u = x^2`$ be", "post.md", [(1, ["u", "x^2"])]),
    ("math fence", "text\n```math\ny = x^3\n```\n", "post.md", [(3, ["y", "x^3"])]),
    ("brackets", "\\[\nf(x) =\n\\frac{1}{x}\n\\]", "post.md", [(2, ["f(x)", "\\frac{1}{x}"])]),
    ("parens", "where \\(y = 2x\\) holds", "post.md", [(1, ["y", "2x"])]),
    ("wordpress", "is $latex y = x^2$ here", "post.txt", [(1, ["y", "x^2"])]),
    ("wordpress scraped", "$latex u = 1 + e^{-x} latex -1 $", "post.txt", [(1, ["u", "1 + e^{-x}"])]),
    ("hatena", "[tex:y = x\\^2 + x\\_1]", "post.md", [(1, ["y", "x^2 + x_1"])]),
    ("hatena brackets", "[tex:\\left\\\\[ x \\right\\\\] = x]", "post.md", [(1, ["\\left[ x \\right]", "x"])]),
    ("plain line", "intro\ndy/dx = 4*(x^2+3*x+1)^3\n", "notes.txt", [(2, ["dy/dx", "4*(x^2+3*x+1)^3"])]),
    ("plain list item", "- f(x) = sigmoid(x)\n", "notes.md", [(1, ["f(x)", "sigmoid(x)"])]),
    (
        "aligned rows",
        "$$\n\\begin{aligned}\nf'(x) &= a \\\\\n&= b\n\\end{aligned}\n$$",
        "post.md",
        [(3, ["f'(x)", "a"]), (4, ["", "b"])],
    ),
    (
        "latex align*",
        "\\begin{document}\n\\begin{align*}\ny &= u^2 \\\\\n  &= x^4\n\\end{align*}\n\\end{document}",
        "notes.tex",
        [(3, ["y", "u^2"]), (4, ["", "x^4"])],
    ),
    (
        "latex equation and gather",
        "\\begin{equation}\nf(x) = x \\label{a}\n\\end{equation}\n\\begin{gather}\na = 1 \\\\\nb = 2\n\\end{gather}",
        "notes.tex",
        [(2, ["f(x)", "x"]), (5, ["a", "1"]), (6, ["b", "2"])],
    ),
    ("chain", "$$a = b = c$$", "post.md", [(1, ["a", "b", "c"])]),
    ("continuation", "$$= x^2$$", "post.md", [(1, ["", "x^2"])]),
    ("unicode equals", "\\[y＝x\\]", "post.md", [(1, ["y", "x"])]),
    ("two equations with quad", "$$u = x^2, \\quad v = x^3$$", "post.md", [(1, ["u", "x^2"]), (1, ["v", "x^3"])]),
    ("cases kept whole", "$$h(x) = \\begin{cases} x & x > 0 \\\\ 0 & x \\le 0 \\end{cases}$$", "post.md",
     [(1, ["h(x)", "\\begin{cases} x & x > 0 \\\\ 0 & x \\le 0 \\end{cases}"])]),
]


@pytest.mark.parametrize("label, text, name, expected", SYNTAXES, ids=[s[0] for s in SYNTAXES])
def test_syntax(label, text, name, expected):
    assert sides(text, name) == expected


NOT_MATH = [
    ("code fence", "```python\ny = x == 2\nprice = '$5 and $10'\n```\n"),
    ("inline code", "Use `$x = 1$` literally"),
    ("money", "It costs $5 and then $10 more = a lot"),
    ("prose with equals", "The result = good, and x = y when we say so."),
    ("python one-liner", "import numpy as np x = np.arange(-5.0, 5.0, 0.1) y = sigmoid(x)"),
    ("csharp", "public double DActivation (double val) { return (1.0 - val) * val; }"),
    ("latex comment", "\\begin{document}\n% $x = 1$\n\\end{document}"),
    ("latex preamble", "\\documentclass{article}\n\\newcommand{\\x}{$a = b$}\n\\begin{document}\nhi\n\\end{document}"),
    ("escaped dollar", "costs \\$5 = \\$5"),
]


@pytest.mark.parametrize("label, text", NOT_MATH, ids=[s[0] for s in NOT_MATH])
def test_not_math(label, text):
    name = "doc.tex" if "document" in text else "post.md"
    assert sides(text, name) == []


def test_condition_next_to_an_equation():
    eqs = [e for e in extract_equations("$$\\sqrt{x^2} = x \\quad (x > 0)$$", "p.md") if e.ops]
    assert len(eqs) == 1
    assert eqs[0].conditions == ["x > 0"]


def test_trailing_punctuation_is_not_math():
    assert sides("$$f(x) = x^2 .$$") == [(1, ["f(x)", "x^2"])]
    assert sides("$$f(x) = x^2\\,$$") == [(1, ["f(x)", "x^2\\,"])]


def test_seed_001_lines():
    text = open("tests/fixtures/check/seed_001.txt", encoding="utf-8").read()
    found = {e.sides[-1].line: e.text for e in extract_equations(text, "seed_001.txt") if e.ops}
    # lines read off the file by hand
    assert "x2+3x+1" in found[58]
    assert found[97].startswith(r"\frac{du}{dx} = -e^{-2x}")
    assert found[129] == r"\frac{du}{dx} = e^{−x}"
    assert found[143].startswith("f′(x) = ")


@pytest.mark.parametrize("text", [
    "$" * 10_000,
    "$$" * 5_000,
    "\\[" * 5_000,
    "[tex:" * 3_000,
    "$latex " * 3_000,
    "```\n" * 2_000,
    "\\begin{align}" * 2_000,
    "a = b\n" * 20_000,
])
def test_pathological_documents_are_linear(text):
    import time

    start = time.process_time()  # CPU seconds of this process: load elsewhere does not count
    extract_formulas(text, "x.md")
    assert time.process_time() - start < 2.0
