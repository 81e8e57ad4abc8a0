"""Programmers' names in plain-text math (`w1`, `a_h1`, `dET/da_o1`), spelled as the LaTeX reader reads them.

A plain-text post about a network writes `h1 = w1*i1+w2*i2`, `a_h1 = sigmoid(h1)`, `dET/dw5 = …`: names
with digits and underscores, and Leibniz fractions over names of several letters. Read as LaTeX, `w1`
would be w·1 and `a_h1` a_h·1. A plain formula (one with no backslash: not bare LaTeX) is rewritten:

- a subscript of several characters is one subscript (`a_h1` → a_{h1}, `D_ij` → D_{ij});
- a name followed by digits is that name with a subscript (`w1` → w_{1}, `E1` → E_{1}) when that is
  certain: the document types its math as ASCII (a power or a product written out: `^`, `*`, ² — where
  MathJax was flattened to text, `x2` may be x² that lost its superscript), and the name is one of a family (w1 and w2), is
  differentiated or differentiated by (`dh1/dw1`), or is defined (`h1 = …`). A lone `x2` beside x stays
  what the LaTeX reader makes of it (and may be diagnosed as the typo it probably is);
- `dNAME/dNAME` is a derivative whose numerator and denominator are each one name (`dET/da_o1`,
  `d(E1+E2)/da_h1`); a name of several letters read there (ET, MSE) is one name wherever the document
  writes it.

- a function's name with its one-letter argument glued on is the function applied (`1-sinx` is
  1 − sin x), unless a `/`, `^` or bracket follows (`tanx/2` may be tan(x/2));
- a power's exponent of several digits is the whole number (`(3x – 4)^49` is (3x−4)^{49}, `x^10` x^{10}:
  in LaTeX only the first digit would be raised).

Left alone: `e` (e2 is no name), names of known functions, and a name with digits right before a bracket
(h2(x) may be h²(x) flattened).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from derivator.catalog import reading_function
from derivator.parse.latex import FUNCTIONS, GREEK

_KNOWN_WORDS = frozenset(w.lower() for w in (set(FUNCTIONS) | reading_function.words | set(GREEK))) | {"pi"}
_NAME = r"[A-Za-z]+\d*(?:_[A-Za-z0-9]+)?"
# `1-sinx`, `cosx`: a function's name with its one-letter argument glued on (not before / ^ or a bracket:
# `tanx/2` may be tan(x/2))
_GLUED_ARGUMENT = re.compile(r"(sinh|cosh|tanh|sin|cos|tan|log|ln|exp)([a-z])")
_EXPONENT = re.compile(r"\^(\d+(?:\.\d+)?)")
_TOKEN = re.compile(rf"(?<![A-Za-z_\\])({_NAME})")
_PARTS = re.compile(r"([A-Za-z]+)(\d*)(?:_([A-Za-z0-9]+))?")
_LEIBNIZ = re.compile(rf"(?<![A-Za-z0-9_\\])d({_NAME}|\([^()]*\))\s*/\s*d({_NAME})(?![A-Za-z0-9_(])")
# typed as ASCII math (a power or a product written out), not MathJax flattened to text
_TYPED = re.compile(r"\^|\*|[²³⁴⁵⁶⁷⁸⁹]")


@dataclass(frozen=True)
class PlainNames:
    """How one document's plain formulas spell names: its names of several letters, and whether a digit
    after a name is certain to be a subscript."""

    words: frozenset[str]
    indexed: frozenset[str]  # the names with digits that are certainly names (w1, E1, a_h1)

    def as_latex(self, text: str) -> str:
        """`text` with its plain names spelled for the LaTeX reader (unchanged when it holds none)."""
        if "\\" in text:
            return text
        text = _EXPONENT.sub(lambda m: m.group() if len(m.group(1)) == 1 else "^{" + m.group(1) + "}", text)
        out = []
        pos = 0
        for m in _LEIBNIZ.finditer(text):
            out.append(self._names(text[pos:m.start()]))
            out.append(self._leibniz(m))
            pos = m.end()
        out.append(self._names(text[pos:]))
        return "".join(out)

    @classmethod
    def of(cls, texts: Iterable[str]) -> "PlainNames":
        plain = [t for t in texts if "\\" not in t]
        words: set[str] = set()
        named: set[str] = set()
        digits: dict[tuple[str, str | None], set[str]] = {}
        for text in plain:
            head = text.split("=", 1)[0].strip()
            if _PARTS.fullmatch(head):
                named.add(head)  # h1 = …
            for m in _LEIBNIZ.finditer(text):
                for name in m.groups():
                    named.add(name)
                    letters = _PARTS.match(name)
                    if letters and len(letters.group(1)) > 1 and letters.group(1).lower() not in _KNOWN_WORDS:
                        words.add(letters.group(1))
            for m in _TOKEN.finditer(text):
                parts = _PARTS.fullmatch(m.group())
                if parts and parts.group(2):
                    digits.setdefault((parts.group(1), parts.group(3)), set()).add(parts.group(2))
        indexed = set()
        if any(_TYPED.search(t) for t in plain):
            for (stem, sub), found in digits.items():
                for d in found:
                    name = stem + d + ("_" + sub if sub else "")
                    if len(found) > 1 or name in named:
                        indexed.add(name)
        return cls(frozenset(words), frozenset(indexed))

    # -- pieces ----------------------------------------------------------------------------------
    def _leibniz(self, m: re.Match) -> str:
        top, bottom = m.group(1), m.group(2)
        if top.startswith("("):
            of = "(" + self._names(top[1:-1]) + ")"
        elif _simple(top) and _simple(bottom):
            return m.group()  # dy/dx, dE/dw: the LaTeX reader's own
        else:
            of = self._name(top, one_name=True)
        var = self._name(bottom, one_name=True)
        if var == bottom and not _simple(bottom):
            return m.group()
        return r"\frac{d " + of + "}{d " + var + "}"

    def _names(self, text: str) -> str:
        def one(m: re.Match) -> str:
            after = text[m.end():m.end() + 1]
            if glued_argument(m.group(), after):
                return re.sub(_GLUED_ARGUMENT, r"\1 \2", m.group())  # sinx: sin x
            return m.group() if after == "(" else self._name(m.group())
        return _TOKEN.sub(one, text)

    def _name(self, raw: str, one_name: bool = False) -> str:
        """The LaTeX spelling of one plain name; `one_name`: it is certainly one name (after the d of a
        Leibniz fraction), whatever its letters."""
        parts = _PARTS.fullmatch(raw)
        if parts is None:
            return raw
        letters, digits, sub = parts.group(1), parts.group(2), parts.group(3) or ""
        if letters == "e" and digits:
            return raw
        several = len(letters) > 1
        if several and (letters.lower() in _KNOWN_WORDS or not (one_name or letters in self.words)):
            return raw
        if digits and raw not in self.indexed:
            return raw
        index = digits + sub
        if not several and len(index) <= 1 and not digits:
            return raw  # x, x_i: already one name to the LaTeX reader
        base = r"\mathrm{" + letters + "}" if several else letters
        return base + ("_{" + index + "}" if index else "")


def _simple(name: str) -> bool:
    """One letter, maybe with a one-character subscript: what the LaTeX reader already reads as a name."""
    return re.fullmatch(r"[A-Za-z](?:_[A-Za-z0-9])?", name) is not None


# `= {x(x > 0), 0(x <= 0)`, `= 1 (x > 0), 0 (x < 0)`: a plain-text case split after the last `=`, each
# value followed by its condition in brackets (an opening brace, and its closing one, optional)
_VALUE = r"[^,(){}=<>]*?[^,(){}=<>\s]"
_CONDITION = r"\(\s*([^()]*?(?:<|>|≤|≥|≦|≧)[^()]*?)\s*\)"
_CASE = re.compile(rf"\s*({_VALUE})\s*{_CONDITION}\s*")
_CASES = re.compile(rf"(?<==)(\s*\{{?)((?:{_CASE.pattern},)+{_CASE.pattern})(\}}?\s*)$")


def plain_cases(text: str) -> tuple[str, str] | None:
    """(the case split as written, as LaTeX `cases`) when a plain formula ends in one; else None."""
    if "\\" in text:
        return None
    m = _CASES.search(text)
    if m is None:
        return None
    rows = [_CASE.fullmatch(part) for part in m.group(2).split(",")]
    if any(r is None for r in rows):
        return None
    cases = r" \begin{cases} " + r" \\ ".join(f"{r.group(1)} & {_relations(r.group(2))}" for r in rows if r) + r" \end{cases}"
    return m.group(), cases


def _relations(condition: str) -> str:
    return condition.replace("<=", r" \le ").replace(">=", r" \ge ")


def glued_argument(word: str, after: str | None = None) -> bool:
    """Is `word` a function's name with its argument glued on — and, when the character `after` it is
    given, one that is certainly applied to that letter alone?"""
    return (_GLUED_ARGUMENT.fullmatch(word) is not None and word.lower() not in _KNOWN_WORDS
            and (after is None or not after or after in " )+-–−*,=。、"))
