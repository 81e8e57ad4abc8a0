"""Hatena Blog (Markdown mode): math is the `[tex:…]` notation, rendered by MathJax.

* A `]` ends the tag, so brackets inside are written `\\[` `\\]`.
* In running text Markdown is applied first: every backslash is doubled (`\\\\` for a line break, as
  Hatena's help says), `_` `^` `*` and backquotes are backslash-escaped.
* Display math is `[tex:\\displaystyle …]` inside a `<div>`: Hatena does not apply Markdown inside
  block HTML, so only the tag's own bracket escape is needed there, and the formula stays on one line.
"""

from __future__ import annotations

import html
import re

from derivator.present.flavors._base import (
    HOLE_CLOSE, Extracted, Flavor, aligned, markdown_it, markdown_text, render as _render, walk,
)
from derivator.core.trace import Derivation


def _tag_escape(tex: str) -> str:
    return tex.replace("[", "\\[").replace("]", "\\]")


_MD_IN_TEX = re.compile(r"([\\_^*`])")


def inline(tex: str) -> str:
    body = _MD_IN_TEX.sub(r"\\\1", _tag_escape(" ".join(tex.split())))
    return f"[tex:{body}]"


def display(rows: list[str]) -> str:
    tex = _tag_escape(aligned(rows, sep=" "))
    return f'<div align="center">[tex:\\displaystyle {tex}]</div>'


_AFTER_FORMULA_PAREN = re.compile(f"(?<={HOLE_CLOSE})\\(")


def text(s: str) -> str:
    # brackets are escaped by markdown_text ("[tex:" in narration would start a formula). A formula
    # directly followed by "(" would read as a Markdown link, "[tex:0](left)", that swallows it: the
    # narration's formulas are holes (see _base) at this point, so a space goes in after them.
    return _AFTER_FORMULA_PAREN.sub(" (", markdown_text(s))


_TAG = re.compile(r"\[tex:((?:\\.|[^\\\]])*)\]", re.S)


def _tags(s: str) -> list[str]:
    return [re.sub(r"\\([\[\]])", r"\1", m.group(1)) for m in _TAG.finditer(s)]


def extract(markdown: str) -> Extracted:
    """As Hatena does: Markdown first (escapes resolved; HTML blocks untouched), then the [tex:] tags."""
    out: Extracted = []
    for tok in walk(markdown_it(dollars=False).parse(markdown)):
        if tok.type == "html_block":
            out += [(tex, False) for tex in _tags(html.unescape(tok.content))]
        elif tok.type == "inline":
            # the text as Markdown leaves it (escapes resolved); anything Markdown turned into
            # markup (emphasis, links) is not text and would break the tag, as on Hatena
            plain = "".join(c.content if c.type in ("text", "code_inline") else "\n" if c.type == "softbreak" else "\0"
                            for c in tok.children or [])
            out += [(tex, False) for tex in _tags(plain)]
    return out


FLAVOR = Flavor("hatena", inline=inline, display=display, text=text, extract=extract)


def render(d: Derivation, *, lang: str = "en") -> str:
    return _render(d, FLAVOR, lang=lang)
