"""Which parser reads an input: SymPy's spelling (parse/text.py) or LaTeX (parse/latex.py).

Kept free of SymPy so the command line and the server can decide it before any work starts.
"""

from __future__ import annotations

import re

from derivator.core.errors import DerivatorError

SYNTAXES = ("auto", "text", "latex")
# characters SymPy's spelling never uses (the text parser refuses them) but LaTeX does: they decide "auto",
# so no input could be read both ways
_LATEX_ONLY = re.compile(r"[\\{}]")


def syntax_of(text: str, syntax: str = "auto") -> str:
    """"text" or "latex": what `syntax` says, or for "auto" LaTeX exactly when the input has a backslash or
    a brace."""
    if syntax not in SYNTAXES:
        raise DerivatorError(f"unknown syntax {syntax!r}", hint=f"use one of {', '.join(SYNTAXES)}")
    if syntax == "auto":
        return "latex" if _LATEX_ONLY.search(text) else "text"
    return syntax
