"""The one TeX escaper (derivator.present.tex) and the one Markdown escaper (derivator.present.markup): nothing a user typed —
an expression, a name, a file name, a line of a checked document — is read as markup."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from derivator.present.markup import markdown_code, markdown_text, printable
from derivator.present.tex import tex_escape as tex_text

HOSTILE = [
    "x}\\immediate\\write18{touch CANARY}\\iffalse{",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    "*a* _b_ `c` # d | e ~f~ &amp; $x$ %g ^h",
    "\x1b[8mhidden\x1b[0m\r\nnext\u2028line\x9b2J",
    "σ′ ≤ ∞ − ✗ ∪ 日本",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_tex_text_leaves_no_command_and_no_group(text):
    out = tex_text(text)
    # every backslash starts one of the escaper's own macros, braces come in escaped or as those macros' {}
    macros = re.sub(r"\\(textbackslash|textasciicircum|textasciitilde|textbar|textless|textgreater|"
                    r"ensuremath|textsuperscript|textsubscript|dots|checkmark)\{?|\\[{}$&#_%]|\{\}", "", out)
    assert "\\" not in re.sub(r"\\(sigma|le|infty|times|cup|prime)", "", macros.replace("\\ensuremath", ""))
    assert "\\write18" not in out and "\x1b" not in out and "\x9b" not in out


def test_tex_text_ascii_only_for_pdflatex():
    assert tex_text("σ日", ascii_only=True) == r"\ensuremath{\sigma}?"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_is_never_markup(text):
    tokens = MarkdownIt("commonmark", {"html": True}).parseInline(markdown_text(text))[0].children
    assert [t.type for t in tokens if t.type not in ("text", "softbreak", "hardbreak")] == []


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_code_is_one_code_span(text):
    tokens = MarkdownIt("commonmark", {"html": True}).parseInline(markdown_code(text))[0].children
    assert [t.type for t in tokens] == ["code_inline"]


def test_printable_shows_control_characters():
    assert printable("a\x1b[8mb\nc") == "a\\x1b[8mb\\nc"
    assert printable("a\nb", keep="\n") == "a\nb"
