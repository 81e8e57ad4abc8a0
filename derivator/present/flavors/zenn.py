"""Zenn: $$…$$ on lines of their own with a blank line before and after, inline $…$ with no space
just inside the dollars and no digit or backslash before the opening one; rendered by KaTeX.

No `$` may appear inside $$ (derivator's TeX never has one), and `\\def` lasts one formula (derivator
defines no macros).
"""

from __future__ import annotations

from derivator.present.flavors._base import Extracted, Flavor, aligned, dollar_math, markdown_text, render as _render
from derivator.core.trace import Derivation


def inline(tex: str) -> str:
    return f"${tex.strip()}$"


def display(rows: list[str]) -> str:
    if any("$" in r for r in rows):
        raise ValueError("Zenn forbids $ inside $$")
    return "$$\n" + aligned(rows) + "\n$$"


def extract(markdown: str) -> Extracted:
    # Zenn's rules for inline math are dollarmath's strict settings
    return dollar_math(markdown, allow_space=False, allow_digits=False, allow_labels=False,
                       allow_blank_lines=False)


FLAVOR = Flavor("zenn", inline=inline, display=display, text=markdown_text, extract=extract)


def render(d: Derivation, *, lang: str = "en") -> str:
    return _render(d, FLAVOR, lang=lang)
