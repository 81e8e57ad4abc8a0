"""WordPress with Jetpack's LaTeX: `$latex …$` shortcodes, rendered to PNG on WordPress.com's server.

There is no display mode: a displayed formula is `$latex \\displaystyle …$` in a centred paragraph, one
equation per shortcode (newlines become spaces, and whether `aligned` exists on the server is
unverified). No `$` may appear inside. The post is HTML (what the classic and block editors store),
with `& < >` written as entities, which Jetpack decodes before LaTeX sees them.
"""

from __future__ import annotations

import html
import re

from derivator.present.flavors._base import Extracted, Flavor, render as _render
from derivator.present.markup import printable
from derivator.core.trace import Derivation


def _shortcode(tex: str) -> str:
    tex = " ".join(tex.split())
    if "$" in tex:
        raise ValueError("a $ would end the $latex shortcode")
    return f"$latex {html.escape(tex, quote=False)}$"


def inline(tex: str) -> str:
    return _shortcode(tex)


def _equation(row: str) -> str:
    # the aligned block's alignment marks have no meaning in a single equation
    # (before any relation: =, >, \iff, \in; an escaped \& is text and stays)
    return re.sub(r"(?<!\\)&", "", re.sub(r"(?<!\\)&&", r"\\qquad", row))


def display(rows: list[str]) -> str:
    centred = '<p style="text-align:center">{}</p>'
    return "\n\n".join(centred.format(_shortcode("\\displaystyle " + _equation(row))) for row in rows)


def text(s: str) -> str:
    # a literal $ in narration could open a shortcode; &#36; is a dollar sign Jetpack does not see
    return html.escape(printable(s), quote=False).replace("$", "&#36;")


# Jetpack's shortcode pattern: `$latex`, a space (or =), then up to the next unescaped $
_SHORTCODE = re.compile(r"\$latex(?:=\s*|\s+)((?:[^$\\]|\\.)+?)\$", re.S)


def _entity_decode(s: str) -> str:
    # Jetpack's latex_entity_decode: these entities and newlines only
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#039;", "'"), ("&#038;", "&"),
                 ("&amp;", "&"), ("\n", " "), ("\r", " ")):
        s = s.replace(a, b)
    return s


def extract(post: str) -> Extracted:
    return [(_entity_decode(m.group(1)), False) for m in _SHORTCODE.finditer(post)]


def _code(lang: str, src: str) -> str:
    return f'<pre><code class="language-{lang}">{html.escape(src.rstrip(), quote=False)}</code></pre>'


FLAVOR = Flavor(
    "wordpress", inline=inline, display=display, text=text, extract=extract,
    strong=lambda s: f"<strong>{s}</strong>",
    image=lambda alt, src: f'<img src="{html.escape(src)}" alt="{html.escape(alt)}" />',
    code=_code,
    heading=lambda level, s: f"<h{level}>{s}</h{level}>",
    bullets=lambda items: "<ul>\n" + "\n".join(f"<li>{i}</li>" for i in items) + "\n</ul>",
)


def render(d: Derivation, *, lang: str = "en") -> str:
    return _render(d, FLAVOR, lang=lang)
