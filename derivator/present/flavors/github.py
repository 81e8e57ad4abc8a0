"""GitHub: $`…`$ inline (Markdown escaping cannot reach inside a code span), $$ + aligned display.

The layout is the project's Markdown renderer (derivator.present.markdown), which is GitHub's flavour;
this module adds how GitHub extracts the math, for the tests.
"""

from __future__ import annotations

from derivator.present import markdown as gh
from derivator.present.flavors._base import (
    Extracted, Flavor, backtick_dollar_math, code_fences, markdown_it, markdown_text, walk,
)
from derivator.core.trace import Derivation


def display(rows: list[str]) -> str:
    return gh.display(" \\\\\n".join(rows))


def extract(markdown: str) -> Extracted:
    """GitHub: $$…$$ blocks and ```math fences are display math; $`…`$ is inline. Plain $…$ is not
    used by derivator (GitHub runs Markdown escapes inside it)."""
    md = markdown_it()
    md.disable("math_inline")
    tokens = md.parse(markdown)
    out: Extracted = []
    for tok in walk(tokens):
        if tok.type == "math_block":
            out.append((tok.content.strip(), True))
    return out + code_fences(tokens, "math") + backtick_dollar_math(tokens)


FLAVOR = Flavor("github", inline=gh.inline, display=display, text=markdown_text, extract=extract)


def render(d: Derivation, *, lang: str = "en") -> str:
    return gh.render_markdown(d, lang=lang)
