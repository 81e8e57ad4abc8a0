"""TeX text: the one escaper for prose that reaches LaTeX (documents, reports, labels in math).

Unicode the narration uses for math is set so that pdflatex (no Unicode fonts) and lualatex both print it.
"""

from __future__ import annotations

import re
import unicodedata

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
}
# Unicode the narration uses for math, set so pdflatex (no Unicode fonts) and lualatex both print it
_TEX_UNICODE = {
    "√": r"\ensuremath{\surd}", "×": r"\ensuremath{\times}", "−": r"\ensuremath{-}", "′": r"\ensuremath{'}",
    "·": r"\ensuremath{\cdot}", "⋅": r"\ensuremath{\cdot}", "→": r"\ensuremath{\to}", "←": r"\ensuremath{\leftarrow}",
    "↦": r"\ensuremath{\mapsto}", "⇒": r"\ensuremath{\Rightarrow}", "⇔": r"\ensuremath{\Leftrightarrow}",
    "≤": r"\ensuremath{\le}", "≥": r"\ensuremath{\ge}", "≠": r"\ensuremath{\ne}", "≈": r"\ensuremath{\approx}",
    "≡": r"\ensuremath{\equiv}", "∝": r"\ensuremath{\propto}", "±": r"\ensuremath{\pm}", "∓": r"\ensuremath{\mp}",
    "∞": r"\ensuremath{\infty}", "∂": r"\ensuremath{\partial}", "∇": r"\ensuremath{\nabla}", "∑": r"\ensuremath{\sum}",
    "∏": r"\ensuremath{\prod}", "∫": r"\ensuremath{\int}", "∈": r"\ensuremath{\in}", "∀": r"\ensuremath{\forall}",
    "∃": r"\ensuremath{\exists}", "⊙": r"\ensuremath{\odot}", "⊗": r"\ensuremath{\otimes}", "‖": r"\ensuremath{\|}",
    "⟨": r"\ensuremath{\langle}", "⟩": r"\ensuremath{\rangle}", "∘": r"\ensuremath{\circ}", "°": r"\ensuremath{^\circ}",
    "…": r"\dots{}", "—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "\u00a0": "~",
    "ℝ": r"\ensuremath{\mathbb{R}}", "ℕ": r"\ensuremath{\mathbb{N}}", "ℤ": r"\ensuremath{\mathbb{Z}}",
    "ℚ": r"\ensuremath{\mathbb{Q}}", "ℂ": r"\ensuremath{\mathbb{C}}", "∪": r"\ensuremath{\cup}", "∩": r"\ensuremath{\cap}",
    "″": r"\ensuremath{''}", "✗": r"\ensuremath{\times}",
    "✓": r"\ensuremath{\checkmark}", "⚠": r"(!)", "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni"))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₙᵢⱼ", "0123456789+-=()aeoxnij"))
# Greek capitals that look like Latin ones have no TeX macro of their own
_GREEK_LATIN = {"Alpha": "A", "Beta": "B", "Epsilon": "E", "Zeta": "Z", "Eta": "H", "Iota": "I", "Kappa": "K",
                "Mu": "M", "Nu": "N", "Omicron": "O", "Rho": "P", "Tau": "T", "Chi": "X", "omicron": "o"}


def _unicode_tex(ch: str) -> str:
    """TeX for one non-ASCII character, or the character itself (lualatex prints it; pdflatex would not)."""
    if ch in _TEX_UNICODE:
        return _TEX_UNICODE[ch]
    if ch in _SUPERSCRIPTS:
        return rf"\textsuperscript{{{_SUPERSCRIPTS[ch]}}}"
    if ch in _SUBSCRIPTS:
        return rf"\textsubscript{{{_SUBSCRIPTS[ch]}}}"
    name = unicodedata.name(ch, "")
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (FINAL SIGMA|\w+)", name)
    if m:
        letter = m.group(2).lower() if m.group(1) == "SMALL" else m.group(2).capitalize()
        letter = {"lamda": "lambda", "Lamda": "Lambda", "final sigma": "varsigma"}.get(letter, letter)
        if letter in _GREEK_LATIN:
            return _GREEK_LATIN[letter]
        return rf"\ensuremath{{\{letter}}}"
    return ch


_TEX_RE = re.compile("[" + re.escape("".join(_TEX_SPECIAL)) + "]|[^\x20-\x7e]|[|<>]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def tex_escape(text: str, *, ascii_only: bool = False) -> str:
    """Plain text (narration, a user's expression, a file name) as TeX text. `ascii_only` (pdflatex
    without Unicode fonts) writes a character TeX has no macro for as '?', so the document compiles."""
    def one(m: re.Match[str]) -> str:
        ch = m.group(0)
        if _CONTROL.fullmatch(ch):  # never a raw control character: TeX reads ^^[ and friends as input
            return ch if ch in "\t\n\r" else "?"
        out = _TEX_SPECIAL.get(ch) or _unicode_tex(ch)
        return "?" if ascii_only and out == ch and ord(ch) > 127 else out

    return _TEX_RE.sub(one, str(text))


_HOLE_RE = re.compile("\uE000(\\d+)\uE001")


def tex_sentence(sentence_with_holes: str, formulas: list[str]) -> str:
    return _HOLE_RE.sub(lambda m: f"${formulas[int(m.group(1))]}$", tex_escape(sentence_with_holes))


def math_text_escape(s: str) -> str:
    """Prose inside `\\text{…}` in a formula that KaTeX, MathJax and LaTeX all read: only the characters
    that would break the formula or its alignment are escaped."""
    return s.replace("\\", r"\textbackslash{}").replace("&", r"\&").replace("%", r"\%").replace("#", r"\#").replace("_", r"\_")


def preamble(lang: str, *, packages: tuple[str, ...] = ()) -> str:
    """The one preamble of derivator's standalone LaTeX (derivations, comparison tables, check reports):
    pdflatex for English; for Japanese, lualatex with luatexja (the HaranoAji fonts TeX Live ships)."""
    lines = [r"\documentclass{article}", *packages, r"\usepackage{amsmath,amssymb}"]
    if lang == "ja":
        # the magic comment makes TeXworks, TeXShop and LaTeX Workshop pick the engine; the line after it
        # says the same to a reader at a shell (pdflatex stops at luatexja with a message of its own)
        lines[:0] = ["% !TEX program = lualatex",
                     "% Japanese text: compile with lualatex (luatexja), e.g. latexmk -lualatex FILE.tex"]
        lines.append(r"\usepackage{luatexja}")
    # a sentence holding a long formula (a lemma's statement) may stretch its spaces rather than overflow
    lines.append(r"\emergencystretch=3em")
    return "\n".join(lines) + "\n"
