"""Markdown and terminal text: the one way plain text goes into Markdown, a terminal or a one-line message.

Every string that reaches a document — narration, a user's expression, a parameter or variable name, a
file name, text quoted from a checked document — passes through an escaper for that document's language:
`derivator.present.tex.tex_escape` for TeX, these for the rest. Formulas do not: they come from the
textbook printer and are math already.

- `markdown_text`: CommonMark running text: what would read as markup (emphasis, links, raw HTML,
  headings, tables) is backslash-escaped; control characters made visible.
- `markdown_code`: a code span that holds any text (fence longer than any backtick run inside).
- `printable`: text for a terminal or a one-line message: control characters (ESC, CR, newlines, C1,
  bidi overrides) shown as visible escapes, so a document cannot drive the terminal or split a line.
"""

from __future__ import annotations

import re

# C0 and C1 control characters and DEL; also the Unicode line and paragraph separators and bidi overrides
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, keep: str = "") -> str:
    """Control characters as visible escapes (\\x1b, \\n); those in `keep` (e.g. a newline) stay."""
    return CONTROL.sub(lambda m: m.group(0) if m.group(0) in keep else m.group(0).encode("unicode_escape").decode("ascii"),
                       str(text))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def markdown_text(s: str) -> str:
    """Backslash-escape what CommonMark would read as markup in running text (raw HTML included)."""
    return _MD_SPECIAL.sub(r"\\\1", printable(s))


def markdown_code(s: str) -> str:
    """Text as one inline code span on one line, whatever backticks or pipes it holds."""
    s = " ".join(printable(s).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"
