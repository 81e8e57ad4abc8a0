"""Qiita: display math in a ```math fence (its safest form), inline $`…`$ (qiita-markdown ≥ 1.6.0).

Qiita's plain `$…$` passes through Markdown first (`\\{` loses its backslash, `_…_` turns italic), so
derivator never uses it.
"""

from __future__ import annotations

from derivator.present.flavors._base import (
    Extracted, Flavor, aligned, backtick_dollar_math, code_fences, markdown_it, markdown_text, render as _render,
)
from derivator.core.trace import Derivation


def inline(tex: str) -> str:
    return f"$`{tex}`$"


def display(rows: list[str]) -> str:
    return "```math\n" + aligned(rows) + "\n```"


def extract(markdown: str) -> Extracted:
    tokens = markdown_it(dollars=False).parse(markdown)
    return code_fences(tokens, "math") + backtick_dollar_math(tokens)


FLAVOR = Flavor("qiita", inline=inline, display=display, text=markdown_text, extract=extract)


def render(d: Derivation, *, lang: str = "en") -> str:
    return _render(d, FLAVOR, lang=lang)
