"""LaTeX as people write it in posts and notes → a small syntax tree → SymPy, without eval.

Why hand-written and not SymPy's antlr backend: measured on this project's 2-core machine, antlr takes
10–65 ms per formula (375 ms for the first one, and ~0.6 s to import), and seed 001 alone holds about 55
formulas — more than the whole 2 s budget of `derivator check`. It also decides meaning too early:
`u(2x+3)` becomes a call of an undefined function `u`, `\\sigma'(x)` a function named "sigma'", `e` a
symbol. This recursive-descent parser takes well under a millisecond per formula, needs no pinned
runtime, bounds size and nesting itself, and keeps what is ambiguous (`f(x)`: call or product? `y'`:
with respect to what?) as explicit nodes, so the reader of a document decides with the definitions in
hand (derivator.check.interpret subclasses `Builder`).

Pipeline: `normalize_latex` (Unicode and notation quirks of real posts, see shared notes/parsing.md) →
`tokenize` → `Parser` (nodes below) → `Builder.build` (SymPy; every symbol real).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Callable, Collection, Iterator, Protocol

import sympy as sp

from derivator.core.errors import InterpretError, ParseError

MAX_LENGTH = 4_000
MAX_DEPTH = 60
MAX_INT_DIGITS = 30
MAX_EXPONENT = 1_000
MAX_RESULT_BITS = 4_096
MAX_FACTORIAL = 200

# ---------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------

_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
                 "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+", "ⁿ": "n",
                 # the letter superscripts plain text uses for exponents: eˣ, e⁻ˣ, e²ˣ, xʸ
                 "ˣ": "x", "ʸ": "y", "ᶻ": "z", "ᵗ": "t", "ᵃ": "a", "ᵇ": "b", "ᵏ": "k", "ⁱ": "i", "ʲ": "j"}
_GREEK_UNICODE = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi",
    "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
_UNICODE = {
    # minus signs and dashes people (and IMEs) type for "−"
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-",
    "\ufe63": "-", "\u30fc": "-",
    # primes and the quotes that stand in for them
    "\u2032": "'", "\u2033": "''", "\u2034": "'''", "\u2019": "'", "\u00b4": "'",
    # products
    "\u30fb": r" \cdot ", "\u00b7": r" \cdot ", "\u22c5": r" \cdot ", "\u2219": r" \cdot ",
    "\u2022": r" \cdot ", "\uff65": r" \cdot ", "\u00d7": r" \times ", "\u2217": "*", "\u00f7": "/",
    "\u3000": " ", "\u00a0": " ",
    "\u2264": r" \le ", "\u2266": r" \le ", "\u2265": r" \ge ", "\u2267": r" \ge ", "\u2260": r" \neq ",
    "\u2248": r" \approx ", "\u221e": r" \infty ", "\u2202": r" \partial ", "\u221a": r"\sqrt ",
    "\u2192": r" \to ", "\u21d2": r" \Rightarrow ", "\u2254": ":=", "\u2261": r" \equiv ",
    "\u212f": "e",
}
_HTML_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}
_DROP_WITH_ARG = re.compile(r"\\(?:label|tag|hspace|vspace|phantom|hphantom|vphantom|color)\*?\{[^{}]*\}")
# (the name may carry its argument, `dy(z)/dz`, as in \frac{dy(z)}{dz})
_LEIBNIZ_SLASH = re.compile(r"(?<![A-Za-z\\])d(\^\{?\d\}?)?\s*((?:[A-Za-z]|\\[A-Za-z]+)(?:\([^()]*\))?)?\s*/\s*d([A-Za-z])(\^\{?\d\}?)?(?![A-Za-z])")

# ∂L/∂z, \partial E / \partial w_{1}, ∂σ(z)/∂z written with a slash
_NAME = r"(?:[A-Za-z]|\\[A-Za-z]+(?:\{[^{}]*\})?)(?:_\{[^{}]*\}|_[A-Za-z0-9])?"
_PARTIAL_SLASH = re.compile(r"\\partial\s*(" + _NAME + r"(?:\s*\([^()]*\))?)\s*/\s*\\partial\s*(" + _NAME + r")(?![A-Za-z0-9_{(^])")


def normalize_latex(text: str) -> str:
    """Rewrite the Unicode and notation quirks of real posts into plain ASCII LaTeX."""
    for entity, char in _HTML_ENTITIES.items():
        text = text.replace(entity, char)
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in _SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            out.append("^{" + "".join(_SUPERSCRIPTS[ch] for ch in text[i:j]) + "}")
            i = j
            continue
        if c in _UNICODE:
            out.append(_UNICODE[c])
        elif c in _GREEK_UNICODE:
            out.append("\\" + _GREEK_UNICODE[c] + " ")
        elif "\uff01" <= c <= "\uff5e":  # fullwidth ASCII （ ） ＝ ＋ ０-９ ａ-ｚ
            out.append(chr(ord(c) - 0xFEE0))
        else:
            out.append(c)
        i += 1
    text = _derivative_macros(_proofwiki_macros("".join(out)))
    if "\\over" in text:
        text = _over(text)
    if "\\delta" in text:
        text = _DELTA_DERIVATIVE.sub(r"\\frac{d \1}{d\2}", text)
    if "\\begin" in text:
        text = _piecewise(text)
    text = _DROP_WITH_ARG.sub(" ", text)
    text = text.replace("**", "^")
    # d/dx, dy/dx, d^2y/dx^2 written inline with a slash
    text = _LEIBNIZ_SLASH.sub(_leibniz_slash, text)
    if "partial" in text:
        text = _PARTIAL_SLASH.sub(lambda m: r"\frac{\partial " + m.group(1) + r"}{\partial " + m.group(2) + "}", text)
    return text


# `\biggl\{ \begin{array}{ll} x & (x > 0) \\ 0 & (x \le 0) \end{array} \biggr.`: a brace, then rows of
# value and condition — the cases it typesets; the brace of `\left\{ \begin{cases}` adds nothing
_BRACED_ROWS = re.compile(r"(?:\\(?:left|[bB]igg?l?)\s*)?\\\{\s*\\begin\{(array|cases)\}(\{[lcr|]*\})?(.*?)\\end\{\1\}"
                          r"(?:\s*\\(?:right|[bB]igg?r?)\s*\.)?", re.S)
_CASES_BODY = re.compile(r"(\\begin\{cases\})(.*?)(\\end\{cases\})", re.S)


def _piecewise(text: str) -> str:
    """Cases as the parser reads them: an array behind a brace is cases, a row break doubled by a
    Markdown escape (`\\\\`) is one row break, and one halved by it (`x & x > 0 \\ \\alpha & x \\le 0`, a
    control space where a row must end: a cell follows) is one too."""
    text = _BRACED_ROWS.sub(lambda m: r"\begin{cases}" + m.group(3) + r"\end{cases}", text)
    return _CASES_BODY.sub(lambda m: m.group(1) + _rows(m.group(2)) + m.group(3), text)


def _rows(body: str) -> str:
    body = re.sub(r"\\\\\s*\\\\", r"\\\\", body)
    if "\\\\" in body or body.count("&") < 2:
        return body
    cells = body.split("&")
    # each cell between two &s is a row's condition and the next row's value: its last `\ ` ends the row
    for k in range(1, len(cells) - 1):
        at = cells[k].rfind("\\ ")
        if at >= 0:
            cells[k] = cells[k][:at] + "\\\\ " + cells[k][at + 2:]
    return "&".join(cells)


_PROOFWIKI = re.compile(r"\\(map|paren)\s*\{|\\ds(?![A-Za-z])|\\d(?![A-Za-z])")


def _proofwiki_macros(text: str) -> str:
    """ProofWiki's own macros, as its pages are copied: `\\map {f} {x}` is f(x), `\\paren {x}` is (x),
    `\\d` is the d of a derivative and `\\ds` is \\displaystyle."""
    if "\\" not in text:
        return text
    out = []
    pos = 0
    for m in _PROOFWIKI.finditer(text):
        if m.start() < pos:
            continue
        out.append(text[pos:m.start()])
        pos = m.end()
        if m.group(1) is None:
            out.append(" d " if m.group() == "\\d" else " ")
            continue
        first = _brace_end(text, m.end())
        if first < 0:
            out.append(m.group())
            continue
        if m.group(1) == "paren":
            out.append("(" + _proofwiki_macros(text[m.end():first]) + ")")
            pos = first + 1
            continue
        j, second = _next_group(text, first + 1)
        if second < 0:
            out.append(m.group())
            continue
        out.append(_proofwiki_macros(text[m.end():first]) + " \\left(" + _proofwiki_macros(text[j + 1:second]) + "\\right)")
        pos = second + 1
    out.append(text[pos:])
    return "".join(out)


# the physics package's \pdv{f}{x} and \dv{f}{x}, and the same macro under names sites define for it
_DERIVATIVE_MACRO = re.compile(r"\\(pdv|PartialDiff|partialdiff|dv|odv)\s*\{")


def _derivative_macros(text: str) -> str:
    """`\\pdv{f}{x}` is \\frac{\\partial f}{\\partial x}, `\\dv{f}{x}` is \\frac{d f}{d x}; with one argument,
    `\\pdv{x}` is the operator ∂/∂x."""
    if "\\" not in text:
        return text
    out = []
    pos = 0
    for m in _DERIVATIVE_MACRO.finditer(text):
        if m.start() < pos:
            continue
        first = _brace_end(text, m.end())
        if first < 0:
            continue
        j, second = _next_group(text, first + 1)
        d = r"\partial " if "p" in m.group(1).lower()[:2] else "d "
        num, var = ("", text[m.end():first]) if second < 0 else (text[m.end():first], text[j + 1:second])
        out.append(text[pos:m.start()] + r"\frac{" + d + _derivative_macros(num) + "}{" + d + var + "}")
        pos = (first if second < 0 else second) + 1
    out.append(text[pos:])
    return "".join(out)


_OVER = re.compile(r"\\over(?![A-Za-z])")
# `\frac{\delta Tanh}{\delta x}`: a derivative whose d is typed as δ — only with δ before both the name
# and a single-letter variable, the shape of a derivative, not of a product with a small δ
_DELTA_DERIVATIVE = re.compile(r"\\frac\{\s*\\delta\s+([A-Za-z]+(?:\([A-Za-z]\))?)\s*\}\{\s*\\delta\s*([A-Za-z])\s*\}")


def _over(text: str) -> str:
    """Plain TeX's `{a \\over b}` is \\frac{a}{b}: the group around `\\over` splits there. An `\\over`
    outside braces divides the whole formula, relations included; that is left unread."""
    m = _OVER.search(text)
    while m:
        opening = _group_start(text, m.start())
        closing = _brace_end(text, m.end()) if opening >= 0 else -1
        if closing < 0:
            return text
        text = (text[:opening + 1] + r"\frac{" + text[opening + 1:m.start()] + "}{" + text[m.end():closing]
                + "}" + text[closing:])
        m = _OVER.search(text)
    return text


def _group_start(text: str, end: int) -> int:
    """The index of the `{` opening the group that holds position `end` (-1: none)."""
    depth = 0
    for i in range(end - 1, -1, -1):
        if text[i] in "{}" and i > 0 and text[i - 1] == "\\":
            continue
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _next_group(text: str, start: int) -> tuple[int, int]:
    """A second braced argument after blanks from `start`: (its `{`, its `}`), the `}` -1 when there is none."""
    j = start
    while j < len(text) and text[j].isspace():
        j += 1
    return j, _brace_end(text, j + 1) if j < len(text) and text[j] == "{" else -1


def _brace_end(text: str, start: int) -> int:
    """The index of the `}` closing the group whose content starts at `start` (-1: none)."""
    depth = 1
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _leibniz_slash(m: re.Match) -> str:
    order_n, name, var, order_d = m.group(1) or "", m.group(2) or "", m.group(3), m.group(4) or ""
    return r"\frac{d" + order_n + " " + name + "}{d" + var + order_d + "}"


# ---------------------------------------------------------------------------------------------------
# Syntax tree
# ---------------------------------------------------------------------------------------------------


class Node:
    """A parsed piece of math; frozen dataclasses, so equal text gives equal (hashable) nodes."""


@dataclass(frozen=True)
class Num(Node):
    text: str


@dataclass(frozen=True)
class Sym(Node):
    name: str  # "x", "sigma", "x_1", "y_hat", "output"


@dataclass(frozen=True)
class Const(Node):
    name: str  # "pi", "E" (\mathrm{e}), "oo"


@dataclass(frozen=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True)
class Add(Node):
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Mul(Node):
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Div(Node):
    num: Node
    den: Node


@dataclass(frozen=True)
class Pow(Node):
    base: Node
    exp: Node


@dataclass(frozen=True)
class Call(Node):
    """A function every reader knows: exp, log, sin, sqrt, Max, erf… (name is the SymPy spelling)."""

    name: str
    args: tuple[Node, ...]
    power: Node | None = None  # \sin^2 x


@dataclass(frozen=True)
class Apply(Node):
    """`name(args)` whose meaning depends on the text: a defined function, a catalog function (σ),
    or a product `u(2x+3)`. Primes make it a derivative: f'(x), \\sigma'(z)."""

    name: str
    args: tuple[Node, ...]
    primes: int = 0
    power: Node | None = None


@dataclass(frozen=True)
class Prime(Node):
    """`y'`, `(x^n)'`: derivative with respect to a variable the reader must work out."""

    arg: Node
    order: int
    # `\tanh'(0)`: the derivative function of a built-in at its argument — unlike `(\ln(1+e^x))'`,
    # the derivative of a bracketed value
    at_point: bool = False


@dataclass(frozen=True)
class Deriv(Node):
    """`\\frac{dy}{dx}`, `\\frac{d}{dx}(…)`, `\\frac{\\partial L}{\\partial z}`."""

    of: Node
    var: str
    order: int = 1
    partial: bool = False


@dataclass(frozen=True)
class At(Node):
    """`\\left. expr \\right|_{x=a}`: expr with var set to value."""

    arg: Node
    var: str
    value: Node


@dataclass(frozen=True)
class Abs(Node):
    arg: Node


@dataclass(frozen=True)
class Factorial(Node):
    arg: Node


@dataclass(frozen=True)
class Rel(Node):
    """A comparison chain `a < b <= c` (conditions) or `a = b`."""

    ops: tuple[str, ...]  # "=", "<", ">", "le", "ge", "ne", "approx", "def", "to"
    args: tuple[Node, ...]


@dataclass(frozen=True)
class BoolConst(Node):
    value: bool


@dataclass(frozen=True)
class Sum(Node):
    """`\\sum_k e^{z_k}`, `\\sum_{j \\ne i} y_j`: a sum over an index (its range is the indexed family's;
    the reader that judges it instantiates the indices)."""

    body: Node
    index: str
    exclude: str | None = None  # the index letter left out (`j \\ne i`)
    size: str | None = None  # the upper end when it is a letter (`\\sum_{j=1}^{n}`): the family's size


@dataclass(frozen=True)
class Entry(Node):
    """`softmax(x)_i`, `\\sigma(\\mathbf{z})_i`, `[\\sigma(\\mathbf{a})]_i`, `f_i(y_0,\\cdots,y_{J-1})`: entry `index`
    of a function of a whole vector, the family `vector` (z for z_1, z_2, …); like a sum, only the reader
    that instantiates the indices reads it (as a function of every entry of the family)."""

    name: str
    vector: str
    index: str


@dataclass(frozen=True)
class Extremum(Node):
    """`\\max_k x_k`: the largest (or, Min, smallest) entry over an index (read entry by entry, as a sum is)."""

    fn: str  # "Max", "Min"
    body: Node
    index: str


@dataclass(frozen=True)
class Cases(Node):
    pieces: tuple[tuple[Node, Node], ...]  # (value, condition)


def vector_family(node: Node) -> str | None:
    """The family a vector argument names: x, \\mathbf{z}, \\boldsymbol{x}, \\vec{x} (entries x_1, x_2, …)."""
    if not isinstance(node, Sym):
        return None
    base, _, mark = node.name.partition("_")
    return base if mark in ("", "bold", "vec") and base.isalpha() and base != "e" else None


# functions only ever of a whole vector: `softmax(x_i)` can only mean entry i of softmax(x)
VECTOR_WORDS = frozenset({"softmax"})


def _vector_word_entry(node: Apply) -> Node:
    if node.name.lower() in VECTOR_WORDS and len(node.args) == 1 and isinstance(node.args[0], Sym):
        family, _, index = node.args[0].name.partition("_")
        if index.isalpha() and len(index) == 1 and vector_family(Sym(family)) is not None:
            return Entry(node.name.lower(), family, index)
    return node


# the index of the rows of a column of entries (a character no text writes as an index)
ROW_INDEX = "ｒ"
_LETTER_ENTRY = re.compile(r"^[A-Za-z]+_([A-Za-z])$")


_ELLIPSES = ("dots", "cdots", "ldots")
_ELLIPSIS = Sym("…")  # a term written as an ellipsis, in a sum being read


def _resubscript(node: Node, old: str, new: str) -> Node:
    """node with every name's subscript `old` made `new`: y_2, e^{x_2} → y_ｒ, e^{x_ｒ} (the row index) and back."""
    if isinstance(node, (Sym, Apply)) and node.name.endswith("_" + old):
        node = dataclasses.replace(node, name=node.name[: -len(old)] + new)
    changes: dict[str, object] = {}
    for f in dataclasses.fields(node):  # type: ignore[arg-type]  # every Node is a frozen dataclass
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = _resubscript(value, old, new)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(_resubscript(v, old, new) if isinstance(v, Node) else v for v in value)
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[type-var]


def _braced_variable(tokens: list[Token]) -> str | None:
    """`{x_j}`, `{x}` (the whole rest of a Leibniz denominator) → "x_j", "x"."""
    if len(tokens) < 3 or tokens[0].value != "{" or tokens[-1].value != "}" or tokens[1].kind != "letter":
        return None
    inner = tokens[2:-1]
    if not inner:
        return tokens[1].value
    rest = [t for t in inner[1:] if t.value not in ("{", "}")]
    if inner[0].value != "_" or not rest or not all(t.kind in ("letter", "digit") for t in rest):
        return None
    return tokens[1].value + "_" + "".join(t.value for t in rest)


def _bare_function(tokens: list["Token"]) -> str | None:
    """The built-in function these tokens spell as one word with nothing after it (Tanh), or None."""
    if not tokens or any(tok.kind != "letter" for tok in tokens) or any(tok.space_before for tok in tokens[1:]):
        return None
    word = "".join(tok.value for tok in tokens).lower()
    return word if word in FUNCTIONS else None


def _names(node: Node) -> set[str]:
    return {n.name for n in walk(node) if isinstance(n, (Sym, Apply))} | {n.var for n in walk(node) if isinstance(n, Deriv)}


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents first."""
    yield node
    for value in vars(node).values():
        if isinstance(value, Node):
            yield from walk(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield from walk(item)
                elif isinstance(item, tuple):
                    for sub in item:
                        if isinstance(sub, Node):
                            yield from walk(sub)


# ---------------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------------


@dataclass
class Token:
    kind: str  # cmd letter digit op open close eof
    value: str
    pos: int
    space_before: bool = False


_TOKEN = re.compile(r"(?P<cmd>\\(?:[A-Za-z]+|.))|(?P<space>\s+)|(?P<digit>[0-9])|(?P<letter>[A-Za-z])|(?P<char>.)", re.S)

_IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
    "Biggl", "Biggr", "bigm", "Bigm", "middle", ",", ";", ":", "!", " ", "quad", "qquad", "displaystyle",
    "textstyle", "scriptstyle", "limits", "nolimits", "nonumber", "notag", "enspace", "thinspace",
    "medspace", "thickspace", "negthinspace", "negmedspace", "negthickspace", "allowbreak", "mathstrut",
    "strut", "relax", "hfill", "\n", "therefore", "because",
}
_CMD_AS_CHAR = {
    "cdot": "*", "times": "*", "ast": "*", "cdotp": "*", "bullet": "*", "div": "/",
    "lvert": "|", "rvert": "|", "vert": "|", "mid": "|", "|": "|",
    "lbrack": "[", "rbrack": "]", "{": "(", "}": ")", "lbrace": "(", "rbrace": ")",
    "lparen": "(", "rparen": ")", "lt": "<", "gt": ">", "prime": "'",
}
_RELATION_CMDS = {
    "le": "le", "leq": "le", "leqslant": "le", "leqq": "le", "ge": "ge", "geq": "ge", "geqslant": "ge",
    "geqq": "ge", "neq": "ne", "ne": "ne", "approx": "approx", "simeq": "approx", "sim": "approx",
    "fallingdotseq": "approx", "equiv": "def", "coloneqq": "def", "triangleq": "def", "to": "to",
    "rightarrow": "to", "Rightarrow": "to", "Longrightarrow": "to", "longrightarrow": "to",
    "implies": "to", "iff": "to", "Leftrightarrow": "to", "mapsto": "to",
}
_DFRAC = {"frac", "dfrac", "tfrac", "cfrac"}
GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi",
    "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon",
    "Phi", "Psi", "Omega", "ell",
}
_GREEK_ALIAS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varsigma": "sigma"}

# LaTeX commands and bare words that name a function every reader knows → SymPy's spelling
FUNCTIONS = {
    "exp": "exp", "log": "log", "ln": "log", "lg": "log10", "sin": "sin", "cos": "cos", "tan": "tan",
    "sec": "sec", "csc": "csc", "cot": "cot", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
    "asin": "asin", "acos": "acos", "atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "coth": "coth", "sech": "sech", "csch": "csch", "arsinh": "asinh", "arcsinh": "asinh",
    "asinh": "asinh", "arcosh": "acosh", "arccosh": "acosh", "acosh": "acosh", "artanh": "atanh",
    "arctanh": "atanh", "atanh": "atanh", "erf": "erf", "erfc": "erfc", "max": "Max", "min": "Min",
    "sgn": "sign", "sign": "sign", "abs": "Abs", "sqrt": "sqrt",
}
_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
            "widetilde": "tilde", "vec": "vec", "dot": "dot", "ddot": "ddot", "mathbf": "bold",
            "textbf": "bold", "boldsymbol": "bold", "bm": "bold", "pmb": "bold",
            # a letter in another typeface is a name of its own: \mathcal{L} (a loss), \Bbb{E}
            "mathcal": "cal", "mathscr": "scr", "mathfrak": "frak", "mathbb": "bb", "Bbb": "bb"}
_TEXT_CMDS = {"text", "mathrm", "operatorname", "textrm", "mathit", "textit", "mbox", "rm", "mathsf",
              "textsf", "mathtt", "texttt", "textnormal", "mathop"}
_UNSUPPORTED = {
    "sum": "sums", "prod": "products over an index", "int": "integrals", "iint": "integrals",
    "oint": "integrals", "lim": "limits", "nabla": "gradients (∇)", "infty": "infinity",
    "pm": "±", "mp": "∓", "cdots": "ellipses", "ldots": "ellipses", "dots": "ellipses", "vdots": "ellipses",
    "langle": "angle brackets", "rangle": "angle brackets", "in": "set membership", "forall": "quantifiers",
    "exists": "quantifiers", "odot": "element-wise products", "otimes": "tensor products",
    "oplus": "direct sums", "top": "transposes", "intercal": "transposes", "circ": "composition",
    "binom": "binomial coefficients", "def": "macro definitions", "newcommand": "macro definitions",
    "renewcommand": "macro definitions", "input": "\\input", "include": "\\include",
    "underbrace": "braces with notes", "overbrace": "braces with notes",
}
# a primed index letter (`y_{i'}`, `\\delta_{ii'}`) is an index of its own: one character, so that a
# subscript stays a string of index letters
PRIMED_INDEX = {c: chr(ord(c) - ord("a") + ord("ａ")) for c in "ijklmn"}
_GLUED_FUNCTIONS = ("sin", "cos", "tan", "sinh", "cosh", "tanh", "log", "exp", "sec", "csc", "cot")
# one-letter names that are functions when a bracket follows, even inside a bare argument
CALL_LETTERS = set("fghFGHpqPQ")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    space = False
    after_delimiter_size = ""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind == "space":
            space = True
            continue
        if after_delimiter_size and value == ".":
            # "\left." / "\right." are invisible delimiters; "\left. … \right|_{x=a}" is a value at a point
            tokens.append(Token("op", after_delimiter_size + ".", m.start(), space))
            after_delimiter_size = ""
            space = False
            continue
        after_delimiter_size = value[1:] if kind == "cmd" and value[1:] in ("left", "right") else ""
        if kind == "cmd":
            name = value[1:]
            if name in _IGNORED:
                space = True
                continue
            if name in _CMD_AS_CHAR:
                tokens.append(Token("op", _CMD_AS_CHAR[name], m.start(), space))
            else:
                tokens.append(Token("cmd", name, m.start(), space))
        elif kind == "char":
            if value == "~":
                space = True
                continue
            tokens.append(Token("op", value, m.start(), space))
        else:
            tokens.append(Token(kind, value, m.start(), space))
        space = False
    tokens.append(Token("eof", "", len(text), space))
    return tokens


# ---------------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------------

_REL_CHARS = {"=": "=", "<": "<", ">": ">"}


def _raise_rightmost(node: Node, exponent: Node) -> Node:
    """`node` with `exponent` on its last symbol, as TeX typesets a braced group's superscript."""
    if isinstance(node, (Add, Mul)):
        return type(node)((*node.args[:-1], _raise_rightmost(node.args[-1], exponent)))
    if isinstance(node, Neg):
        return Neg(_raise_rightmost(node.arg, exponent))
    return Pow(node, exponent)


class Parser:
    """Recursive descent over tokens; one instance per formula."""

    def __init__(self, text: str, words: Collection[str] = frozenset()):
        if len(text) > MAX_LENGTH:
            raise ParseError(f"formula too long ({len(text)} characters, limit {MAX_LENGTH})")
        if "\x00" in text:
            raise ParseError("NUL byte in formula", f"column {text.index(chr(0)) + 1}")
        self.text = text
        self.tokens = tokenize(text)
        # function names a post may use without defining them, lower case (relu, elu): the caller's
        # registry gives them (derivator.catalog's); this module keeps no catalog names of its own
        self.words = frozenset(words)
        self.known_words = self.words | set(FUNCTIONS)
        self.i = 0
        self.depth = 0
        self.abs_open = 0
        self.invisible_open = 0
        self.no_call = 0
        self.brace_group: Node | None = None  # the `{ … }` group just read, when a superscript follows it

    # -- helpers ---------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def next(self) -> Token:
        t = self.tokens[self.i]
        if t.kind != "eof":
            self.i += 1
        return t

    def is_op(self, value: str, t: Token | None = None) -> bool:
        t = t or self.tok
        return t.kind == "op" and t.value == value

    def fail(self, what: str, t: Token | None = None, hint: str | None = None) -> ParseError:
        t = t or self.tok
        return ParseError(what, f"column {t.pos + 1}", hint)

    def expect_op(self, value: str) -> Token:
        if not self.is_op(value):
            found = self.tok.value or "end of formula"
            raise self.fail(f"expected '{value}', found '{found}'")
        return self.next()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"formula nested deeper than {MAX_DEPTH} levels")

    def leave(self) -> None:
        self.depth -= 1

    # -- entry points ----------------------------------------------------------------------------
    def parse_relation(self) -> Node:
        node = self.relation()
        if self.tok.kind != "eof":
            raise self.fail(f"unexpected '{self.tok.value}'")
        return node

    def parse_expression(self) -> Node:
        node = self.expr()
        if self.tok.kind != "eof":
            if self.rel_op() is not None:
                raise self.fail("unexpected comparison inside an expression")
            raise self.fail(f"unexpected '{self.tok.value}'")
        return node

    # -- grammar ---------------------------------------------------------------------------------
    def rel_op(self) -> str | None:
        t = self.tok
        if t.kind == "op" and t.value in _REL_CHARS:
            return _REL_CHARS[t.value]
        if t.kind == "op" and t.value == ":" and self.is_op("=", self.peek()):
            return "def"
        if t.kind == "cmd" and t.value in _RELATION_CMDS:
            return _RELATION_CMDS[t.value]
        return None

    def skip_align(self) -> None:
        # alignment marks "&" (f(x) &= …) carry no meaning outside cases
        while self.is_op("&"):
            self.next()

    def relation(self) -> Node:
        self.skip_align()
        args = [self.expr()]
        ops = []
        while True:
            self.skip_align()
            op = self.rel_op()
            if op is None:
                break
            t = self.next()
            if op == "def" and t.kind == "op":
                self.next()  # the "=" of ":="
            elif op in ("<", ">") and self.is_op("="):
                self.next()
                op = "le" if op == "<" else "ge"
            elif op == "=" and self.is_op("="):
                self.next()  # "==" in plain text
            ops.append(op)
            self.skip_align()
            args.append(self.expr())
        if not ops:
            return args[0]
        return Rel(tuple(ops), tuple(args))

    def expr(self) -> Node:
        self.enter()
        terms: list[Node] = []
        sign = 1
        if self.is_op("+") or self.is_op("-"):
            sign = -1 if self.next().value == "-" else 1
        term = self.term()
        terms.append(Neg(term) if sign < 0 else term)
        ellipsis = None
        while self.is_op("+") or self.is_op("-"):
            sign = -1 if self.next().value == "-" else 1
            if self.tok.kind == "cmd" and self.tok.value in _ELLIPSES and sign > 0:
                dots = self.next()
                ellipsis = ellipsis or dots
                terms.append(_ELLIPSIS)
                continue
            term = self.term()
            terms.append(Neg(term) if sign < 0 else term)
        self.leave()
        if ellipsis is not None:
            return self.written_out_sum(terms, ellipsis)
        return terms[0] if len(terms) == 1 else Add(tuple(terms))

    def written_out_sum(self, terms: list[Node], at: Token) -> Node:
        """`e^{x_1} + e^{x_2} + \\dots + e^{x_n}` (and `+ e^{x_j} + \\dots` between): the sum over every entry
        of a family, each term the same formula in its own entry."""
        first = _resubscript(terms[0], "1", ROW_INDEX) if len(terms) >= 4 else None
        ends = [m.group(1) for m in map(_LETTER_ENTRY.match, _names(terms[-1])) if m]
        if (first is None or first == terms[0] or terms[1] != _resubscript(first, ROW_INDEX, "2") or len(set(ends)) != 1
                or terms[-1] != _resubscript(first, ROW_INDEX, ends[0]) or terms[2] is not _ELLIPSIS or terms[-2] is not _ELLIPSIS):
            raise self.fail("not supported: ellipses", at)
        for middle in terms[3:-2]:
            letters = [m.group(1) for m in map(_LETTER_ENTRY.match, _names(middle)) if m]
            if middle is not _ELLIPSIS and (len(set(letters)) != 1 or middle != _resubscript(first, ROW_INDEX, letters[0])):
                raise self.fail("not supported: ellipses", at)
        return Sum(first, ROW_INDEX, None, ends[0])

    def starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("letter", "digit"):
            return True
        if t.kind == "op":
            if t.value in ("(", "["):
                return True
            if t.value == "{":
                return True
            if t.value == "|":
                return self.abs_open == 0 and not self.is_op("_", self.peek())
            return t.value == "left."
        if t.kind == "cmd":
            if t.value in _RELATION_CMDS or t.value in ("\\", "end"):
                return False
            return True
        return False

    def term(self) -> Node:
        factors = [self.signed_factor()]
        while True:
            if self.is_op("*"):
                self.next()
                factors.append(self.signed_factor())
            elif self.is_op("/"):
                # a b / c reads as (a b)/c, as in plain text
                self.next()
                den = self.signed_factor()
                num = factors[0] if len(factors) == 1 else Mul(tuple(factors))
                factors = [Div(num, den)]
            elif self.starts_factor():
                factors.append(self.factor())
            elif self.is_op(".") and self.peek().kind != "digit" and self._factor_after_dot():
                # `x . \sigma(x)`, `\sigma(x).(1-\sigma(x))`: plain text's dot as a product (a dot
                # before a digit is a decimal point, and a dot at the end was cut off as punctuation)
                self.next()
                factors.append(self.signed_factor())
            else:
                break
        return factors[0] if len(factors) == 1 else Mul(tuple(factors))

    def _factor_after_dot(self) -> bool:
        self.i += 1
        try:
            return self.starts_factor() or self.is_op("-")
        finally:
            self.i -= 1

    def signed_factor(self) -> Node:
        # "a \cdot -b" and "x^2 / -3": a sign right after an operator
        if self.is_op("-"):
            self.next()
            return Neg(self.factor())
        if self.is_op("+"):
            self.next()
        return self.factor()

    def factor(self) -> Node:
        self.enter()
        base = self.postfix(self.atom())
        while self.is_op("^"):
            self.next()
            primes = self.try_prime_superscript()
            if primes:
                base = self.postfix_after_primes(base, primes)
                continue
            self.refuse_label_superscript(base)
            exponent = self.script_arg()
            if base is self.brace_group:
                # TeX sets a brace group's superscript after its last symbol: `{ 1+e }^{ -x }` shows
                # 1+e^{-x}, and is read as it shows (editors that brace every base write it this way)
                self.brace_group = None
                base = _raise_rightmost(base, exponent)
            elif isinstance(base, Sym) and (base.name in GREEK or base.name in CALL_LETTERS) and self.is_op("("):
                # \sigma^{2}(x), f^2(x): the power of the function's value, as \sin^2 x is
                base = Pow(Apply(base.name, self.call_args()), exponent)
            elif isinstance(base, Apply) and base.power is None and not base.primes:
                # keep it on the call: the reader decides between (f(x))^2 and the product x·(x+1)^2
                base = Apply(base.name, base.args, 0, exponent)
            else:
                base = Pow(base, exponent)
            base = self.postfix(base)
        self.leave()
        return base

    def try_prime_superscript(self) -> int:
        # x^{\prime}, f^{\prime\prime}, f^\prime  (\prime was turned into the op "'")
        if self.is_op("'"):
            n = 0
            while self.is_op("'"):
                self.next()
                n += 1
            return n
        if self.is_op("{"):
            j = self.i + 1
            n = 0
            while self.is_op("'", self.tokens[j]):
                j += 1
                n += 1
            if n and self.is_op("}", self.tokens[j]):
                self.i = j + 1
                return n
        return 0

    def postfix_after_primes(self, base: Node, primes: int) -> Node:
        if isinstance(base, Sym) and self.is_op("("):
            args = self.call_args()
            return self.postfix(Apply(base.name, args, primes))
        return self.postfix(Prime(base, primes))

    def postfix(self, node: Node) -> Node:
        while True:
            if self.is_op("'"):
                n = 0
                while self.is_op("'"):
                    self.next()
                    n += 1
                if isinstance(node, Sym) and self.is_op("("):
                    node = Apply(node.name, self.call_args(), n)
                else:
                    node = Prime(node, n)
            elif self.is_op("!") and not self.is_op("=", self.peek()):
                self.next()
                node = Factorial(node)
            elif self.is_op("|") and self.is_op("_", self.peek()) and not self.invisible_open:
                node = self.evaluation_bar(node)
            elif self.is_op("_") and isinstance(node, (Apply, Call)):
                node = self.vector_entry(node)
            else:
                return node

    def vector_entry(self, node: Apply | Call) -> Node:
        """`s(\\mathbf x)_i`, `softmax(x)_i`: entry i of a function applied to a whole vector (a bare or
        bold letter); of anything else (`s(\\mathbf x + c)_i`) it is not read."""
        family = vector_family(node.args[0]) if isinstance(node, Apply) and len(node.args) == 1 else None
        if family is None or not isinstance(node, Apply) or node.primes or node.power is not None:
            raise self.fail("not supported: entries of vector-valued functions")
        self.next()
        name = node.name.lower() if node.name.lower() in VECTOR_WORDS else node.name
        return Entry(name, family, self.subscript_text())

    def family_arguments(self) -> str | None:
        """`(y_0,\\cdots,y_{J-1})`, `(x_1, x_2, \\dots, x_n)`: the entries of one family listed with an
        ellipsis, consumed (its name); None, nothing consumed, for any other bracket."""
        start = self.i
        names: list[str] = []
        ellipsis = False
        try:
            self.expect_op("(")
            while True:
                if self.tok.kind == "cmd" and self.tok.value in ("cdots", "dots", "ldots"):
                    self.next()
                    ellipsis = True
                else:
                    arg = self.atom()
                    if not isinstance(arg, Sym) or "_" not in arg.name:
                        raise self.fail("not a family")
                    names.append(arg.name.split("_", 1)[0])
                if self.is_op(")"):
                    self.next()
                    break
                self.expect_op(",")
        except ParseError:
            self.i = start
            return None
        if ellipsis and len(names) >= 2 and len(set(names)) == 1:
            return names[0]
        self.i = start
        return None

    def evaluation_bar(self, node: Node) -> Node:
        """`… |_{x=0}`: the value at a point."""
        self.next()
        self.next()
        start, end = self.braced_raw()
        at = self.sub_parser(start, end).parse_relation()
        if not (isinstance(at, Rel) and at.ops == ("=",) and isinstance(at.args[0], Sym)):
            raise self.fail("expected |_{x=a} after an expression")
        return At(node, at.args[0].name, at.args[1])

    def invisible_group(self) -> Node:
        """`\\left. … \\right|_{x=a}` or `\\left. … \\right.`"""
        self.next()
        self.invisible_open += 1
        inner = self.relation()
        self.invisible_open -= 1
        if self.is_op("|") and self.is_op("_", self.peek()):
            return self.evaluation_bar(inner)
        if self.is_op("right."):
            self.next()
            return inner
        raise self.fail("\\left. without a matching \\right")

    def refuse_label_superscript(self, base: Node) -> None:
        """`w^T x`, `x^{\\mathsf{T}}`: a transpose; `y^{(i)}`: the i-th sample (or derivative) — labels,
        not powers, so a formula with them is not read as one (never judged on a power it does not hold)."""
        script = [t.value for t in self.tokens[self.i:self.i + 8] if t.kind != "eof"]
        if script[:1] == ["{"]:
            script = script[1:script.index("}")] if "}" in script else []
        else:
            script = script[:1]
        letters = [v for v in script if v not in ("{", "}", "mathsf", "mathrm", "rm", "sf")]
        if letters == ["T"] and len(script) <= 4:
            raise self.fail(f"not supported: {_UNSUPPORTED['top']}")
        if len(script) == 3 and script[0] == "(" and script[2] == ")" and not (isinstance(base, Sym) and base.name == "e"):
            raise self.fail("not supported: superscript labels such as y^(i)")

    def script_arg(self) -> Node:
        """The argument of ^ or _: a braced group, or one character / command."""
        t = self.tok
        if self.is_op("{"):
            self.next()
            node = self.expr()
            self.expect_op("}")
            return node
        if t.kind == "digit":
            self.next()
            return Num(t.value)
        if t.kind == "letter":
            self.next()
            return Sym(t.value)
        if self.is_op("-") or self.is_op("+"):
            # x^-1 is not valid LaTeX, but plain-text lines write it: take the sign and one factor
            sign = self.next().value
            arg = self.script_arg()
            return Neg(arg) if sign == "-" else arg
        if self.is_op("("):
            return self.atom()
        if t.kind == "cmd":
            return self.atom()
        raise self.fail("missing exponent")

    def call_args(self) -> tuple[Node, ...]:
        close = ")" if self.is_op("(") else "]"
        self.next()
        args = [self.relation()]
        while self.is_op(","):
            self.next()
            args.append(self.relation())
        self.expect_op(close)
        return tuple(args)

    def group(self, open_: str, close: str) -> Node:
        self.expect_op(open_)
        node = self.relation()
        if self.is_op(","):
            raise self.fail("a list is not an expression (did you mean a function call?)")
        self.expect_op(close)
        return node

    def braced_raw(self) -> tuple[int, int]:
        """Token index range of a {…} group (or a single token), consumed."""
        if self.is_op("{"):
            start = self.i + 1
            depth = 0
            while True:
                t = self.tok
                if t.kind == "eof":
                    raise self.fail("unclosed '{'")
                if self.is_op("{"):
                    depth += 1
                elif self.is_op("}"):
                    depth -= 1
                    if depth == 0:
                        end = self.i
                        self.next()
                        return start, end
                self.next()
        start = self.i
        self.next()
        return start, self.i

    def sub_parser(self, start: int, end: int) -> "Parser":
        sub = Parser.__new__(Parser)
        sub.text = self.text
        sub.words, sub.known_words = self.words, self.known_words  # the registry the caller gave
        sub.tokens = self.tokens[start:end] + [Token("eof", "", self.tokens[end].pos if end < len(self.tokens) else len(self.text))]
        sub.i = 0
        sub.depth = self.depth
        sub.abs_open = 0
        sub.invisible_open = 0
        sub.no_call = 0
        sub.brace_group = None
        return sub

    def parse_range(self, start: int, end: int) -> Node:
        sub = self.sub_parser(start, end)
        if sub.tok.kind == "eof":
            raise self.fail("empty group")
        node = sub.expr()
        if sub.tok.kind != "eof":
            raise sub.fail(f"unexpected '{sub.tok.value}'")
        return node

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "digit" or (self.is_op(".") and self.peek().kind == "digit"):
            node = self.number()
            return self.indicator() if node == Num("1") and self.is_op("_") else node
        if t.kind == "letter":
            return self.letters()
        if t.kind == "op":
            if t.value == "(":
                node = self.group("(", ")")
                return node
            if t.value == "[":
                return self.group("[", "]")
            if t.value == "{":
                self.next()
                if self.is_op("}"):
                    raise self.fail("empty group", t)
                node = self.relation()
                self.expect_op("}")
                if isinstance(node, (Add, Mul)) and self.is_op("^"):
                    self.brace_group = node  # `{ 1+e }^{ -x }`: see factor()
                return node
            if t.value == "left.":
                return self.invisible_group()
            if t.value == "|":
                self.next()
                self.abs_open += 1
                inner = self.expr()
                self.abs_open -= 1
                self.expect_op("|")
                return Abs(inner)
            if t.value == "-":
                self.next()
                return Neg(self.factor())
            raise self.fail(f"unexpected '{t.value}'")
        if t.kind == "cmd":
            return self.command()
        raise self.fail("unexpected end of formula")

    def indicator(self) -> Node:
        """`1_{i=j}` (1 when i = j, else 0): Kronecker's δ_ij; `1_{i \\ne j}` is 1 − δ_ij."""
        self.next()
        start, end = self.braced_raw()
        spec = self.tokens[start:end]
        if not (len(spec) == 3 and spec[0].kind == spec[2].kind == "letter"
                and (self.is_op("=", spec[1]) or (spec[1].kind == "cmd" and spec[1].value in ("ne", "neq")))):
            raise self.fail("not supported: indicators other than 1_{i=j}", spec[0] if spec else None)
        delta = Sym(f"delta_{spec[0].value}{spec[2].value}")
        return delta if self.is_op("=", spec[1]) else Add((Num("1"), Neg(delta)))

    def number(self) -> Node:
        digits = []
        while self.tok.kind == "digit" or (self.is_op(".") and self.peek().kind == "digit" and "." not in digits):
            digits.append(self.next().value)
        text = "".join(digits)
        if len(text.replace(".", "")) > MAX_INT_DIGITS:
            raise self.fail(f"number with more than {MAX_INT_DIGITS} digits")
        return Num(text)

    def letters(self) -> Node:
        """A letter, or a run of adjacent letters that spells a word (exp, relu, output)."""
        start = self.i
        j = self.i
        while self.tokens[j].kind == "letter" and (j == start or not self.tokens[j].space_before):
            j += 1
        run = "".join(tok.value for tok in self.tokens[start:j])
        word = None
        if len(run) > 1:
            lower = run.lower()
            if lower in self.known_words:
                word = run
            else:
                # the longest known function name at the start of the run: "sinx", "expx" are rare,
                # but "exp(" after letters is not; only accept a prefix if a bracket follows
                if len(run) >= 4:
                    word = run
                if any(lower == f + lower[-1] for f in _GLUED_FUNCTIONS):
                    # `tanx/2`: tan(x/2) or tan(x)/2 — one name "tanx" it is not (plain text's certain
                    # `1-sinx` reaches here already spaced as sin x)
                    raise self.fail(f"'{run}' is a function's name glued to its argument (write brackets)",
                                    self.tokens[start])
        if word is not None:
            self.i = j
            return self.named(word, self.tokens[start])
        self.next()
        name = run[0]
        return self.symbol_tail(name)

    def symbol_tail(self, name: str) -> Node:
        """Subscripts, and a call `f(x)` / `f'(x)` right after a name."""
        if self.is_op("_"):
            self.next()
            name = name + "_" + self.subscript_text()
        if "_" in name and self.is_op("(") and (family := self.family_arguments()) is not None:
            base, index = name.split("_", 1)
            return Entry(base, family, index)  # f_i(y_0, \\cdots, y_{J-1}): entry i of f(y)
        if self.is_op("(") and (not self.no_call or name in CALL_LETTERS or len(name) > 1):
            # in a bare argument (\sinh x(\cosh x)') only function-like names call: \log f(x), \log \sigma(z)
            return _vector_word_entry(Apply(name, self.call_args()))
        if self.is_op("'"):
            # f'(x) or y'
            n = 0
            while self.is_op("'"):
                self.next()
                n += 1
            if self.is_op("("):
                return Apply(name, self.call_args(), n)
            return Prime(Sym(name), n)
        if name == "e":
            return Sym("e")
        return Sym(name)

    def subscript_text(self) -> str:
        start, end = self.braced_raw()
        parts = []
        for tok in self.tokens[start:end]:
            if tok.kind in ("letter", "digit"):
                parts.append(tok.value)
            elif tok.kind == "cmd" and (tok.value in GREEK or tok.value in _TEXT_CMDS):
                if tok.value in GREEK:
                    parts.append(tok.value)
            elif tok.kind == "op" and tok.value in ("{", "}"):
                continue
            elif tok.kind == "op" and tok.value in (",", "+", "-"):
                parts.append({",": "", "+": "p", "-": "m"}[tok.value])
            elif tok.kind == "op" and tok.value == "'" and parts and parts[-1] in PRIMED_INDEX:
                parts[-1] = PRIMED_INDEX[parts[-1]]  # y_{i'}: another index, i′
            else:
                raise self.fail("subscript too complex", tok)
        if not parts:
            raise self.fail("empty subscript")
        return "".join(parts)

    def named(self, word: str, t: Token) -> Node:
        lower = word.lower()
        if lower in FUNCTIONS:
            return self.function(FUNCTIONS[lower], t)
        if lower in self.words:
            return self.symbol_tail(lower)
        return self.symbol_tail(word)

    def function(self, name: str, t: Token) -> Node:
        """exp, log, sin…: optional ^power / _base, then (args), {arg} or a bare argument."""
        power = None
        base = None
        if name == "sqrt":
            return self.sqrt()
        if name in ("Max", "Min") and self.is_op("_"):
            return self.extremum(name)
        while self.is_op("^") or self.is_op("_"):
            if self.next().value == "^":
                power = self.script_arg()
            else:
                base = self.script_arg()
        if self.is_op("'"):
            n = 0
            while self.is_op("'"):
                self.next()
                n += 1
            if not self.is_op("("):
                raise self.fail(f"{name}' needs an argument in brackets")
            args = self.call_args()
            return Prime(Call(name, args), n, at_point=True)
        if self.is_op("(") or self.is_op("["):
            args = self.call_args()
        elif self.is_op("{"):
            self.next()
            args = (self.expr(),)
            self.expect_op("}")
        elif self.starts_factor() or self.is_op("-"):
            args = (self.bare_argument(),)
        else:
            raise self.fail(f"{name} needs an argument", t)
        if name in ("Max", "Min"):
            if len(args) < 2:
                raise self.fail(f"{name} takes at least 2 arguments", t)
        elif len(args) != 1:
            raise self.fail(f"{name} takes 1 argument", t)
        if base is not None:
            if name != "log":
                raise self.fail(f"{name} cannot have a subscript", t)
            args = (args[0], base)
        if power is not None and isinstance(power, Neg) and power.arg == Num("1") and name in _INVERSE:
            return Call(_INVERSE[name], args)
        return Call(name, args, power)

    def extremum(self, name: str) -> Node:
        """`\\max_k x_k`, `\\max_{k} (x_k)`: over an index letter, its body the factor that follows."""
        self.next()
        start, end = self.braced_raw()
        spec = self.tokens[start:end]
        if len(spec) != 1 or spec[0].kind != "letter":
            raise self.fail("not supported: a max or min over anything but one index letter")
        return Extremum(name, self.factor(), spec[0].value)

    def bare_argument(self) -> Node:
        """`\\sin 2x`, `\\log x^2`, `\\exp -x` (no brackets): the following product of plain factors.

        A bracket after them is not part of the argument: `\\sinh x(\\cosh x)'` is sinh(x)·(cosh x)'."""
        if self.is_op("-"):
            self.next()
            return Neg(self.bare_argument())
        self.no_call += 1
        try:
            factors = [self.factor()]
            while self.tok.kind in ("letter", "digit") or (self.tok.kind == "cmd" and self.tok.value in GREEK):
                factors.append(self.factor())
        finally:
            self.no_call -= 1
        return factors[0] if len(factors) == 1 else Mul(tuple(factors))

    def sqrt(self) -> Node:
        index = None
        if self.is_op("["):
            self.next()
            index = self.expr()
            self.expect_op("]")
        if self.is_op("{"):
            self.next()
            arg = self.expr()
            self.expect_op("}")
        elif self.is_op("("):
            arg = self.group("(", ")")
        else:
            arg = self.factor()
        return Call("sqrt", (arg,)) if index is None else Call("root", (arg, index))

    def command(self) -> Node:
        t = self.next()
        name = t.value
        if name in _DFRAC:
            return self.frac(t)
        if name in FUNCTIONS:
            return self.function(FUNCTIONS[name], t)
        if name == "pi":
            return Const("pi")
        if name in GREEK:
            return self.symbol_tail(_GREEK_ALIAS.get(name, name))
        if name in _TEXT_CMDS:
            return self.text_command(t)
        if name in _ACCENTS:
            start, end = self.braced_raw()
            inner = self.parse_range(start, end)
            if not isinstance(inner, Sym):
                raise self.fail(f"\\{name} over more than a symbol", t)
            return self.symbol_tail(f"{inner.name}_{_ACCENTS[name]}")
        if name == "partial" and self.is_op("_"):
            return self.partial_operator(t)
        if name == "partial":
            raise self.fail("a lone ∂ outside \\frac{\\partial …}{\\partial …}", t)
        if name == "begin":
            return self.environment(t)
        if name == "sum":
            return self.index_sum(t)
        if name == "boxed":
            # \boxed{…} frames the result; it says nothing about its value
            return self.parse_range(*self.braced_raw())
        if name in _UNSUPPORTED:
            raise self.fail(f"not supported: {_UNSUPPORTED[name]}", t)
        raise self.fail(f"unknown command \\{name}", t)

    def partial_operator(self, t: Token) -> Node:
        """`\\partial_{z_i} L`, `\\partial_x (x y)`: ∂/∂z_i applied as \\frac{\\partial}{\\partial z_i} is."""
        self.next()
        var = self.parse_range(*self.braced_raw())
        if not isinstance(var, Sym) or var.name.endswith("_bold"):
            # a bold letter is a vector: its gradient is no scalar's derivative
            raise self.fail(f"not supported: {_UNSUPPORTED['nabla']}", t)
        if not self.starts_factor() and not self.is_op("-"):
            raise self.fail("unexpected end of formula" if self.tok.kind == "eof" else f"unexpected '{self.tok.value}'")
        return Deriv(self.term_operand(), var.name, 1, True)

    def index_sum(self, t: Token) -> Node:
        """`\\sum_k`, `\\sum_{k=1}^{K}`, `\\sum_j^C`, `\\sum_{j \\ne i}`, `\\sum x_d` (the one index its
        summand carries), then the summand: the product that follows, up to the next + or −."""
        index = exclude = None
        lower = upper = None
        outer: list[str] = []
        while self.is_op("_") or self.is_op("^"):
            if self.next().value == "^":
                upper = self.script_arg()  # the upper end: the family's size, whatever its name
                continue
            start, end = self.braced_raw()
            spec = self.tokens[start:end]
            if not spec or spec[0].kind != "letter":
                raise self.fail("a sum's index is not a letter", t)
            index = spec[0].value
            rest = spec[1:]
            if rest and self.is_op("'", rest[0]) and index in PRIMED_INDEX:
                index, rest = PRIMED_INDEX[index], rest[1:]  # \\sum_{i'=0}^{J-1}
            if len(rest) >= 2 and all(self.is_op(",", a) and b.kind == "letter" for a, b in zip(rest[::2], rest[1::2])) \
                    and len(rest) % 2 == 0:
                outer = [index] + [b.value for b in rest[1::2]]  # \\sum_{i, j}: a sum over i of a sum over j
                index, rest = outer.pop(), []
            if rest and rest[0].kind == "cmd" and rest[0].value in ("ne", "neq") and len(rest) == 2 and rest[1].kind == "letter":
                exclude = rest[1].value
            elif rest and not (self.is_op("=", rest[0]) and len(rest) == 2 and rest[1].kind == "digit"):
                raise self.fail("a sum's range is not read", t)
            elif rest:
                lower = rest[1].value
        body: Node
        if self.is_op("-"):
            self.next()
            body = Neg(self.term())
        else:
            body = self.term()
        if index is None:
            # `\\sum e^{x_d}`, `\\sum t_i \\frac{1}{y_i}…`: the index its first factor carries
            first = body.arg if isinstance(body, Neg) else body
            first = first.args[0] if isinstance(first, Mul) else first
            letters = {name.split("_", 1)[1] for name in _names(first) if "_" in name}
            letters = {c for c in letters if len(c) == 1 and c.isalpha()}
            if len(letters) != 1:
                raise self.fail("a sum without its index (write \\sum_k)", t)
            index = letters.pop()
        # the sum is read over an indexed family of any size; a fixed end (\\sum_{k=1}^{5} k), or a start
        # other than 1 where the index itself is a number in the summand, asks for more than that
        if isinstance(upper, Num) or (lower not in (None, "1") and Sym(index) in walk(body)):
            raise self.fail("a sum over fixed bounds is not read", t)
        size = upper.name if isinstance(upper, Sym) and "_" not in upper.name else None
        node = Sum(body, index, exclude, size)
        for letter in reversed(outer):
            node = Sum(node, letter)
        return node

    def text_command(self, t: Token) -> Node:
        """\\mathrm{d} → d; \\operatorname{ReLU} → a function name; \\text{ for } → nothing."""
        if t.value == "rm":
            # {\rm d}: the next token
            return self.atom()
        start, end = self.braced_raw()
        raw_tokens = self.tokens[start:end]
        content = "".join(tok.value for tok in raw_tokens if tok.kind in ("letter", "digit"))
        spaced = any(tok.space_before for tok in raw_tokens[1:])
        others = [tok for tok in raw_tokens if tok.kind not in ("letter", "digit")]
        if not raw_tokens:
            raise self.fail("empty text", t)
        if (others and raw_tokens[0].kind == "letter" and not spaced and self.is_op("(", others[0])
                and self.is_op(")", raw_tokens[-1]) and {o.value for o in others} <= {"(", ")"}):
            return self.parse_range(start, end)  # \\textrm{softmax(x)}_i: the call typeset upright
        if others or spaced:
            raise self.fail("text inside a formula", t)
        if len(content) == 1 and content.isalpha():
            if content == "e":
                return Const("E")
            return self.symbol_tail(content)
        if content == "NaN":
            return Const("nan")  # derivator's own value at a kink where none exists (ISRLU′(0))
        if content[:1].isalpha() and content.isalnum():
            return self.named(content, t)  # ReLU, softplus, ReLU6
        raise self.fail("text inside a formula", t)

    def frac(self, t: Token) -> Node:
        num_range = self.braced_raw()
        den_range = self.braced_raw()
        leibniz = self.leibniz(num_range, den_range)
        if leibniz is not None:
            of, var, order, partial = leibniz
            if of is None:
                # the operator d/dx: it applies to the rest of the product
                if not self.starts_factor() and not self.is_op("-"):
                    raise self.fail("d/dx of nothing", t)
                operand = self.term_operand()
                of = operand
            return Deriv(of, var, order, partial)
        num = self.parse_range(*num_range)
        den = self.parse_range(*den_range)
        return Div(num, den)

    def term_operand(self) -> Node:
        """What d/dx applies to: a bracket right after it (d/dx(u) v is u′v), else the rest of the product."""
        if self.is_op("-"):
            self.next()
            return Neg(self.term_operand())
        if self.is_op("(") or self.is_op("["):
            return self.factor()
        factors = [self.factor()]
        while self.starts_factor() or self.is_op("*"):
            if self.is_op("*"):
                self.next()
            factors.append(self.factor())
        return factors[0] if len(factors) == 1 else Mul(tuple(factors))

    def _d_prefix(self, toks: list[Token]) -> tuple[bool, int] | None:
        """Length of a leading `d`, `\\mathrm{d}`, `{\\rm d}` or `\\partial`, and whether partial."""
        if not toks:
            return None
        t0 = toks[0]
        if t0.kind == "letter" and t0.value == "d":
            return False, 1
        if t0.kind == "cmd" and t0.value == "partial":
            return True, 1
        if t0.kind == "cmd" and t0.value in ("mathrm", "text", "operatorname", "textrm", "mathit") and len(toks) >= 4:
            if self.is_op("{", toks[1]) and toks[2].kind == "letter" and toks[2].value == "d" and self.is_op("}", toks[3]):
                return False, 4
        if self.is_op("{", t0) and len(toks) >= 4 and toks[1].kind == "cmd" and toks[1].value == "rm" and toks[2].value == "d" and self.is_op("}", toks[3]):
            return False, 4
        return None

    def _order(self, toks: list[Token], k: int) -> tuple[int, int]:
        """A `^2` / `^{2}` after d: (order, tokens used)."""
        if k < len(toks) and self.is_op("^", toks[k]):
            if k + 1 < len(toks) and toks[k + 1].kind == "digit":
                return int(toks[k + 1].value), 2
            if k + 3 < len(toks) and self.is_op("{", toks[k + 1]) and toks[k + 2].kind == "digit" and self.is_op("}", toks[k + 3]):
                return int(toks[k + 2].value), 4
        return 1, 0

    def leibniz(self, num_range: tuple[int, int], den_range: tuple[int, int]):
        num = self.tokens[num_range[0]:num_range[1]]
        den = self.tokens[den_range[0]:den_range[1]]
        dp = self._d_prefix(den)
        if dp is None:
            return None
        partial, k = dp
        # the variable: one letter or Greek command, maybe with a subscript
        if k >= len(den):
            return None
        vt = den[k]
        braced = _braced_variable(den[k:])
        if braced is not None:
            # d{x_j}: the variable in braces
            var, k = braced, len(den) - 1  # (one more is counted below)
        elif vt.kind == "letter":
            var = vt.value
        elif vt.kind == "cmd" and vt.value in GREEK:
            var = _GREEK_ALIAS.get(vt.value, vt.value)
        elif (vt.kind == "cmd" and vt.value in _ACCENTS and _ACCENTS[vt.value] != "bold" and len(den) >= k + 4
              and self.is_op("{", den[k + 1]) and den[k + 2].kind == "letter" and self.is_op("}", den[k + 3])):
            # \partial \hat{y}, \partial \mathcal{L}: the name the letter gets elsewhere (not a bold one:
            # a vector or matrix, whose derivative is no scalar's)
            var, k = f"{den[k + 2].value}_{_ACCENTS[vt.value]}", k + 3
        else:
            return None
        k += 1
        if k < len(den) and self.is_op("_", den[k]):
            sub = self.sub_parser(den_range[0] + k + 1, den_range[1])
            var = var + "_" + sub.subscript_text()
            k = len(den) - (len(sub.tokens) - 1 - sub.i)
        d_order, used = self._order(den, k)
        k += used
        if k != len(den):
            return None
        np_ = self._d_prefix(num)
        if np_ is None:
            return None
        n_partial, nk = np_
        if n_partial != partial:
            return None
        n_order, used = self._order(num, nk)
        nk += used
        if n_order != d_order:
            raise self.fail("the orders of d in the numerator and denominator differ", num[0])
        if nk == len(num):
            return None, var, d_order, partial
        word = _bare_function(num[nk:])
        if word is not None:
            # dTanh/dx: a function named without its argument is the function of the variable
            return Call(FUNCTIONS[word], (Sym(var),)), var, d_order, partial
        of = self.parse_range(num_range[0] + nk, num_range[1])
        return of, var, d_order, partial

    def environment(self, t: Token) -> Node:
        start, end = self.braced_raw()
        env = "".join(tok.value for tok in self.tokens[start:end])
        if env in ("cases", "dcases", "rcases"):
            return self.cases(env)
        if env in ("pmatrix", "bmatrix"):
            return self.entry_vector(env, t)
        if env in ("aligned", "gathered", "split", "align", "align*"):
            # one row left after the reader split the rows: parse it as the expression it is
            node = self.relation()
            self.end_environment(env)
            return node
        raise self.fail(f"environment '{env}' is not supported", t)

    def entry_vector(self, env: str, t: Token) -> Node:
        """`\\begin{pmatrix} y_1 \\\\ y_2 \\\\ \\vdots \\\\ y_n \\end{pmatrix}`: the column of every entry of a family,
        read as its entry at a row index (ROW_INDEX) — entries 1 and 2, an ellipsis, the last one n, each
        the same formula in its own entry. Any other matrix is not read."""
        rows: list[Node | None] = []  # None: the ellipsis
        unread = self.fail("not supported: matrices other than a column of a family's entries", t)
        try:
            while True:
                if self.tok.kind == "cmd" and self.tok.value in ("vdots", "cdots", "dots", "ldots"):
                    self.next()
                    rows.append(None)
                else:
                    rows.append(self.expr())
                if self.tok.kind == "cmd" and self.tok.value == "\\":
                    self.next()
                    continue
                break
            self.end_environment(env)
        except ParseError:
            raise unread from None
        one, two, gap, end = rows if len(rows) == 4 else (None, None, None, None)
        if one is not None and two is not None and gap is None and end is not None:
            last = [m.group(1) for m in map(_LETTER_ENTRY.match, _names(end)) if m]
            first = _resubscript(one, "1", ROW_INDEX)
            if (len(set(last)) == 1 and first != one
                    and first == _resubscript(two, "2", ROW_INDEX) == _resubscript(end, last[0], ROW_INDEX)):
                return first
        raise unread

    def end_environment(self, env: str) -> None:
        if not (self.tok.kind == "cmd" and self.tok.value == "end"):
            raise self.fail(f"missing \\end{{{env}}}")
        self.next()
        start, end = self.braced_raw()
        name = "".join(tok.value for tok in self.tokens[start:end])
        if name != env:
            raise self.fail(f"\\begin{{{env}}} ended by \\end{{{name}}}")

    def cases(self, env: str) -> Node:
        pieces = []
        while True:
            value = self.expr()
            cond: Node = BoolConst(True)
            if self.is_op("&"):
                self.next()
                if not (self.tok.kind == "cmd" and self.tok.value in ("\\", "end")):
                    cond = self.condition()
            pieces.append((value, cond))
            if self.tok.kind == "cmd" and self.tok.value == "\\":
                self.next()
                if self.tok.kind == "cmd" and self.tok.value == "end":
                    break
                continue
            break
        self.end_environment(env)
        return Cases(tuple(pieces))

    def condition(self) -> Node:
        """`(x > 0)`, `x \\le 0`, `\\text{if } x > 0`, `\\text{otherwise}`, trailing commas."""
        while self.tok.kind == "cmd" and self.tok.value in _TEXT_CMDS:
            start_i = self.i
            self.next()
            s, e = self.braced_raw()
            words = "".join(tok.value for tok in self.tokens[s:e] if tok.kind == "letter").lower()
            if words in ("otherwise", "else", "elsewhere", "sonota"):
                return BoolConst(True)
            if words not in ("if", "for", "when", "where", "and", ""):
                self.i = start_i
                raise self.fail("condition in words", self.tok)
        if self.is_op(","):
            self.next()
        if self.tok.kind == "op" and self.tok.value in ("(", "[") and self._paren_condition():
            close = ")" if self.tok.value == "(" else "]"
            self.next()
            cond = self.relation()
            self.expect_op(close)
        else:
            cond = self.relation()
        while self.is_op(",") or self.is_op("."):
            self.next()
        if not isinstance(cond, Rel):
            raise self.fail("expected a condition such as x > 0")
        return cond

    def _paren_condition(self) -> bool:
        depth = 0
        for tok in self.tokens[self.i:]:
            if tok.kind == "op" and tok.value in ("(", "["):
                depth += 1
            elif tok.kind == "op" and tok.value in (")", "]"):
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and (tok.kind == "op" and tok.value in "<>=" or tok.kind == "cmd" and tok.value in _RELATION_CMDS):
                return True
        return False


_INVERSE = {"sin": "asin", "cos": "acos", "tan": "atan", "sinh": "asinh", "cosh": "acosh", "tanh": "atanh"}


class FunctionNames(Protocol):
    """The name registry a caller gives the reader (derivator.catalog.reading_function): parse never
    imports the catalog."""

    @property
    def words(self) -> frozenset[str]:
        """Lower-case names read as one word each (relu, elu, logsigmoid)."""
        ...

    def __call__(self, name: str) -> Callable[[sp.Expr], sp.Expr] | None:
        """The function a text means by `name` used without a definition, or None."""
        ...


def _words(names: FunctionNames | None) -> frozenset[str]:
    return names.words if names is not None else frozenset()


def parse_latex_ast(text: str, names: FunctionNames | None = None) -> Node:
    """Parse one formula (an expression, or a relation chain) into the syntax tree; `names` is the
    caller's registry of function names (its `words` are read as one word each)."""
    try:
        return Parser(normalize_latex(text), _words(names)).parse_relation()
    except RecursionError:
        raise ParseError("formula nested too deeply") from None


def parse_latex_expression_ast(text: str, names: FunctionNames | None = None) -> Node:
    """Parse one side of an equation (no top-level relation) into the syntax tree."""
    try:
        return Parser(normalize_latex(text), _words(names)).parse_expression()
    except RecursionError:
        raise ParseError("formula nested too deeply") from None


# ---------------------------------------------------------------------------------------------------
# Syntax tree → SymPy
# ---------------------------------------------------------------------------------------------------


def _heaviside(arg: sp.Expr) -> sp.Expr:
    return sp.Heaviside(arg, sp.nan)


_INVERSE_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "sin": sp.asin, "cos": sp.acos, "tan": sp.atan, "cot": sp.acot, "sec": sp.asec, "csc": sp.acsc,
    "sinh": sp.asinh, "cosh": sp.acosh, "tanh": sp.atanh, "coth": sp.acoth, "sech": sp.asech, "csch": sp.acsch,
}


def _is_minus_one(node: Node | None) -> bool:
    return (isinstance(node, Neg) and isinstance(node.arg, Num) and node.arg.text.strip() == "1") or (
        isinstance(node, Num) and node.text.strip() == "-1")


_SYMPY_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "exp": sp.exp, "log": sp.log, "log10": lambda u: sp.log(u, 10), "sin": sp.sin, "cos": sp.cos,
    "tan": sp.tan, "sec": sp.sec, "csc": sp.csc, "cot": sp.cot, "asin": sp.asin, "acos": sp.acos,
    "atan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth, "sech": sp.sech,
    "csch": sp.csch, "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh, "erf": sp.erf,
    "erfc": sp.erfc, "Max": sp.Max, "Min": sp.Min, "sign": sp.sign, "Abs": sp.Abs, "sqrt": sp.sqrt,
    "root": lambda u, n: sp.Pow(u, 1 / n),
}
_REL_SYMPY = {"<": sp.Lt, ">": sp.Gt, "le": sp.Le, "ge": sp.Ge, "=": sp.Eq, "ne": sp.Ne}




class Builder:
    """Turn a syntax tree into SymPy. Subclasses decide what names, calls and primes mean."""

    def __init__(self, functions: FunctionNames | None = None) -> None:
        self.names = functions

    # -- what the text means (override in a reader with definitions) ------------------------------
    def symbol(self, name: str) -> sp.Expr:
        if name == "e":
            return sp.E
        return sp.Symbol(name, real=True)

    def catalog(self, name: str) -> Callable[[sp.Expr], sp.Expr] | None:
        """An activation function a text may use without defining it (σ, ReLU, softplus, Φ, …): asked of
        the name registry the caller passed in (derivator.catalog.reading_function); none without one."""
        return self.names(name) if self.names is not None else None

    def apply(self, node: Apply) -> sp.Expr:
        args = [self.build(a) for a in node.args]
        fn = self.catalog(node.name)
        if node.primes:
            if len(args) != 1:
                raise InterpretError(f"{node.name}' with {len(args)} arguments")
            u = sp.Dummy("u", real=True)
            if fn is not None:
                body = fn(u)
            elif len(node.name) == 1 or node.name in GREEK:
                body = sp.Function(node.name)(u)
            else:
                raise InterpretError(f"{node.name}' of an unknown function")
            d = sp.diff(body, u, node.primes)
            return self._power(d.subs(u, args[0]), node.power)
        if fn is not None and len(args) == 1:
            return self._power(fn(args[0]), node.power)
        if len(node.name) == 1 and node.name in "fghFGH" or node.name in GREEK:
            return self._power(sp.Function(node.name)(*args), node.power)
        # a name before brackets that is not a function: a product  u(2x+3), x(x+1)^2
        if len(args) != 1:
            raise InterpretError(f"{node.name}(…, …) is not a known function")
        return self.symbol(node.name) * self._power(args[0], node.power)

    def prime(self, node: Prime) -> sp.Expr:
        if isinstance(node.arg, Sym) and node.arg.name != "x":
            # y' with nothing known about y: a function of x
            x = self.symbol("x")
            return sp.Derivative(sp.Function(node.arg.name)(x), x, node.order)
        inner = self.build(node.arg)
        var = guess_variable(inner)
        if var is None:
            raise InterpretError("cannot tell the variable of a prime (′)")
        return sp.Derivative(inner, var, node.order)

    def derivative(self, node: Deriv) -> sp.Expr:
        return sp.Derivative(self.build(node.of), self.symbol(node.var), node.order)

    # -- structure ---------------------------------------------------------------------------------
    def build(self, node: Node):
        method = getattr(self, "build_" + type(node).__name__)
        return method(node)

    def build_Num(self, node: Num) -> sp.Expr:
        return sp.Rational(node.text) if "." in node.text else sp.Integer(node.text)

    def build_Sym(self, node: Sym) -> sp.Expr:
        return self.symbol(node.name)

    def build_Const(self, node: Const) -> sp.Expr:
        return {"pi": sp.pi, "E": sp.E, "oo": sp.oo, "nan": sp.nan}[node.name]

    def build_Neg(self, node: Neg) -> sp.Expr:
        return -self.expr(node.arg)

    def build_Add(self, node: Add) -> sp.Expr:
        return sp.Add(*[self.expr(a) for a in node.args])

    def build_Mul(self, node: Mul) -> sp.Expr:
        return sp.Mul(*[self.expr(a) for a in node.args])

    def build_Div(self, node: Div) -> sp.Expr:
        den = self.expr(node.den)
        if den.is_zero:
            raise InterpretError("division by zero")
        return self.expr(node.num) / den

    def build_Pow(self, node: Pow) -> sp.Expr:
        return power(self.expr(node.base), self.expr(node.exp))

    def _power(self, value: sp.Expr, exponent: Node | None) -> sp.Expr:
        return value if exponent is None else power(value, self.expr(exponent))

    def build_Call(self, node: Call) -> sp.Expr:
        args = [bounded(self.expr(a)) for a in node.args]
        inverse = _INVERSE_FUNCTIONS.get(node.name) if _is_minus_one(node.power) else None
        if inverse is not None:
            # \sin^{-1} x, \cosh^{-1} x: the inverse function, as textbooks mean it (never 1/\sin x)
            return inverse(*args)
        try:
            if node.name in ("Max", "Min") and len(args) > 2:
                # \\max_k x_k over a family: SymPy's pairwise comparison of the entries costs seconds
                # a line, and decides nothing the sampled check needs
                value = _SYMPY_FUNCTIONS[node.name](*args, evaluate=False)
            else:
                value = _SYMPY_FUNCTIONS[node.name](*args)
        except (TypeError, ValueError) as err:
            raise InterpretError(f"cannot apply {node.name}: {err}") from None
        return self._power(value, node.power)

    def build_Apply(self, node: Apply) -> sp.Expr:
        return self.apply(node)

    def build_Prime(self, node: Prime) -> sp.Expr:
        return self.prime(node)

    def build_Deriv(self, node: Deriv) -> sp.Expr:
        return self.derivative(node)

    def build_At(self, node: At) -> sp.Expr:
        return self.expr(node.arg).subs(self.symbol(node.var), self.expr(node.value))

    def build_Abs(self, node: Abs) -> sp.Expr:
        return sp.Abs(bounded(self.expr(node.arg)))

    def build_Factorial(self, node: Factorial) -> sp.Expr:
        arg = self.expr(node.arg)
        if arg.is_Number and (not arg.is_Integer or abs(arg) > MAX_FACTORIAL):
            raise InterpretError(f"factorial of {arg} is out of range (limit {MAX_FACTORIAL})")
        return sp.factorial(arg)

    def build_Rel(self, node: Rel):
        parts = []
        for op, a, b in zip(node.ops, node.args, node.args[1:]):
            if op not in _REL_SYMPY:
                raise InterpretError(f"relation '{op}' is not a condition")
            parts.append(_REL_SYMPY[op](bounded(self.expr(a)), bounded(self.expr(b))))
        return sp.And(*parts)

    def build_BoolConst(self, node: BoolConst):
        return sp.true if node.value else sp.false

    def build_Sum(self, node: Sum) -> sp.Expr:
        # only `check` reads a sum, entry by entry (derivator.check.indices writes it out first)
        raise InterpretError("not supported: sums")  # (the same words as the parser's, said in every language)

    def build_Entry(self, node: Entry) -> sp.Expr:
        raise InterpretError("not supported: entries of vector-valued functions")

    def build_Extremum(self, node: Extremum) -> sp.Expr:
        raise InterpretError("not supported: a max or min over an index outside an indexed formula")

    def build_Cases(self, node: Cases) -> sp.Expr:
        pieces = []
        for value, cond in node.pieces:
            c = self.build(cond)
            if isinstance(c, sp.Expr):
                raise InterpretError("a case condition is not a condition")
            pieces.append((self.expr(value), c))
        if pieces[-1][1] is not sp.true:
            pieces.append((sp.nan, True))
        return sp.Piecewise(*pieces)

    def expr(self, node: Node) -> sp.Expr:
        value = self.build(node)
        if not isinstance(value, sp.Expr):
            raise InterpretError("a condition where a number was expected")
        return value


# SymPy evaluates numeric arguments while building (Max, <, Abs, sin): sin(exp(exp(12))) needs ~10^5
# digits to do so and does not finish. Numeric arguments above this size are refused first.
MAX_MAGNITUDE = 1e300


def bounded(value: sp.Expr) -> sp.Expr:
    """value, if it is not a number too large to evaluate safely."""
    if isinstance(value, sp.Expr) and value.is_number and not value.is_Rational:
        try:
            size = abs(complex(value.evalf(15)))
        except (OverflowError, ValueError, TypeError, ArithmeticError):
            size = math.inf
        if not size < MAX_MAGNITUDE:
            raise InterpretError("number too large to evaluate safely")
    elif isinstance(value, sp.Rational) and max(abs(value.p).bit_length(), value.q.bit_length()) > 1000:
        raise InterpretError("number too large to evaluate safely")
    return value


def power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """base**exponent, refusing sizes that would not finish (9^{9^{9}}) before SymPy evaluates them."""
    if exponent.is_Number:
        if abs(exponent) > MAX_EXPONENT:
            raise InterpretError(f"exponent larger than {MAX_EXPONENT}")
        if base.is_Number and base != 0:
            bits = abs(float(exponent)) * max(1.0, math.log2(abs(float(base))) if abs(base) > 1 else 1.0)
            if bits > MAX_RESULT_BITS:
                raise InterpretError("number too large")
    elif base.is_Number and any(
        isinstance(p, sp.Pow) and p.base.is_Number and p.exp.is_Number for p in sp.preorder_traversal(exponent)
    ):
        raise InterpretError("power tower too large")
    if base.is_zero and exponent.is_Number and exponent.is_negative:
        raise InterpretError("division by zero")
    return sp.Pow(base, exponent)


_PREFERRED_VARIABLES = ("x", "t", "z", "u", "s", "v", "w", "y")


def guess_variable(expr: sp.Expr) -> sp.Symbol | None:
    """The variable a prime refers to: x if present, else the only free symbol, else a usual name."""
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    names = {s.name: s for s in symbols}
    if "x" in names:
        return names["x"]
    if len(symbols) == 1:
        return symbols[0]
    for name in _PREFERRED_VARIABLES:
        if name in names:
            return names[name]
    return None


def parse_latex(text: str, builder: Builder | None = None):
    """LaTeX → SymPy (an expression, or a relation for `a = b`); every symbol is real.

    Raises ParseError (one line, with the column) for anything it cannot read.
    """
    builder = builder or Builder()
    node = parse_latex_ast(text, builder.names)
    try:
        if isinstance(node, Rel):
            if all(op in ("=", "def") for op in node.ops):
                values = [builder.expr(a) for a in node.args]
                eqs = [sp.Eq(a, b, evaluate=False) for a, b in zip(values, values[1:])]
                return eqs[0] if len(eqs) == 1 else sp.And(*eqs, evaluate=False)
            return builder.build(node)
        return builder.expr(node)
    except RecursionError:
        raise ParseError("formula nested too deeply") from None
