"""Jupyter Markdown cells: $$ … $$ around an `aligned` block (VS Code's KaTeX rejects a bare
\\begin{align} and \\label/\\eqref), $…$ inline. JupyterLab and classic use MathJax, VS Code KaTeX:
the tests validate with both."""

from __future__ import annotations

from derivator.present.flavors._base import Extracted, Flavor, aligned, dollar_math, markdown_text, render as _render
from derivator.core.trace import Derivation


def inline(tex: str) -> str:
    return f"${tex.strip()}$"


def display(rows: list[str]) -> str:
    return "$$\n" + aligned(rows) + "\n$$"


def extract(markdown: str) -> Extracted:
    return dollar_math(markdown, allow_labels=False)


FLAVOR = Flavor("jupyter", inline=inline, display=display, text=markdown_text, extract=extract)


def render(d: Derivation, *, lang: str = "en") -> str:
    return _render(d, FLAVOR, lang=lang)
