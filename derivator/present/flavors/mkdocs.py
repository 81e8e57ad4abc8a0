"""MkDocs Material with pymdownx.arithmatex (generic mode): $$…$$ blocks and $…$ inline.

Arithmatex takes the math out before Python-Markdown sees it, so `_` and `\\\\` stay intact; blocks
need blank lines around them, which the shared layout always gives.
"""

from __future__ import annotations

from derivator.present.flavors._base import Extracted, Flavor, aligned, dollar_math, markdown_text, render as _render
from derivator.core.trace import Derivation


def inline(tex: str) -> str:
    return f"${tex.strip()}$"


def display(rows: list[str]) -> str:
    return "$$\n" + aligned(rows) + "\n$$"


def extract(markdown: str) -> Extracted:
    # arithmatex's "smart dollar": no space just inside $…$
    return dollar_math(markdown, allow_space=False, allow_labels=False)


FLAVOR = Flavor("mkdocs", inline=inline, display=display, text=markdown_text, extract=extract)


def render(d: Derivation, *, lang: str = "en") -> str:
    return _render(d, FLAVOR, lang=lang)
