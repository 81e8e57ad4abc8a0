"""Find the math in a document, where it stands: formulas → rows → equations → sides, with source lines.

Reads Markdown (`$$…$$`, `$…$`, `` $`…`$ ``, ```` ```math ```` fences, `\\[…\\]`, `\\(…\\)`, LaTeX
environments), LaTeX files (`equation`, `align`, `align*`, `gather`, … and the same inline forms), WordPress
`$latex …$`, Hatena `[tex:…]`, and plain-text lines such as `dy/dx = 4*(x^2+3*x+1)^3`. Prose and code are
skipped. A hand-written scanner rather than markdown-it: one pass must handle several syntaxes mixed in one
scraped post, keep exact offsets for line numbers, and never fail on malformed input (an unclosed `$` is
simply text).

Nothing here interprets the math: sides are raw text for derivator.parse.latex.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from derivator.catalog import reading_function
from derivator.check.plain import PlainNames, glued_argument, plain_cases
from derivator.parse.latex import FUNCTIONS, GREEK

# Top-level environments that are display math in LaTeX (and in MathJax/KaTeX Markdown)
MATH_ENVIRONMENTS = (
    "equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*",
    "eqnarray", "eqnarray*", "flalign", "flalign*", "alignat", "alignat*", "displaymath", "math",
    "dmath", "dmath*",
    # inner environments standing bare, as `derivator --format latex` writes them and people paste
    # them into MathJax pages; inside $$…$$ or \begin{equation} the outer delimiters are read first
    "aligned", "gathered",
)
# Environments whose rows (split at \\) are separate lines of a derivation
ROW_ENVIRONMENTS = MATH_ENVIRONMENTS + ("aligned", "gathered", "split", "alignedat", "multlined")

MAX_INLINE = 2_000  # an inline formula longer than this is not one: the "$" was text


@dataclass
class Formula:
    """One piece of math as written: the content between its delimiters."""

    text: str
    line: int  # 1-based line where the content starts
    display: bool
    syntax: str  # "$$", "$", "\\[", "\\(", "env:align", "```math", "$latex", "[tex:", "plain", "prose" (a `u = …` inside a sentence),
    # "text" (an equation cut out of a sentence: listed, not judged)
    index: int = 0  # position in the document, in reading order
    dropped_script: str = ""  # `(x-1)` over a line `2`: the exponent a text layer put on its own line


@dataclass
class Side:
    """One side of an equation: raw text and the line it starts on."""

    text: str
    line: int
    written: str | None = None  # the side as the post wrote it, when `text` spells its names for the reader


@dataclass
class Equation:
    """A clause of a row: sides joined by relations. `ops` has one entry fewer than `sides`."""

    sides: list[Side]
    ops: list[str]
    formula: Formula
    row: int
    conditions: list[str] = field(default_factory=list)  # "x > 0" clauses written next to it
    alone: bool = True  # the only clause of its row (a lone expression can then head a continued chain)

    @property
    def line(self) -> int:
        return self.sides[0].line if self.sides[0].text.strip() or len(self.sides) == 1 else self.sides[1].line

    @property
    def continuation(self) -> bool:
        """Starts with a relation ("= …"): continues the previous line's left-hand side."""
        return len(self.sides) > 1 and not self.sides[0].text.strip()

    @property
    def text(self) -> str:
        parts = [self.sides[0].text.strip()]
        for op, side in zip(self.ops, self.sides[1:]):
            parts.append(_OP_TEXT.get(op, op))
            parts.append(side.text.strip())
        return " ".join(p for p in parts if p)


_OP_TEXT = {"=": "=", "def": ":=", "<": "<", ">": ">", "le": r"\le", "ge": r"\ge", "ne": r"\neq",
            "approx": r"\approx", "to": r"\to"}


# ---------------------------------------------------------------------------------------------------
# Documents → formulas
# ---------------------------------------------------------------------------------------------------


class _Lines:
    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def is_latex_document(text: str, name: str = "") -> bool:
    if name.endswith((".tex", ".ltx", ".sty")):
        return True
    return bool(re.search(r"\\documentclass|\\begin\{document\}", text[:20_000]))


def extract_formulas(text: str, name: str = "") -> list[Formula]:
    """Every formula in reading order. `name` (a file name) selects LaTeX rules for .tex files."""
    latex = is_latex_document(text, name)
    masked = _mask_latex_comments(text) if latex else _mask_code(text)
    lines = _Lines(text)
    formulas: list[Formula] = []
    if latex:
        begin = re.search(r"\\begin\{document\}", masked)
        if begin:
            masked = " " * begin.end() + masked[begin.end():]
    else:
        formulas += _math_fences(text, lines)
        masked = _mask_fences(masked)
    formulas += _scan(masked, lines, latex)
    if not latex:
        formulas += _plain_lines(masked, lines, formulas)
    formulas.sort(key=lambda f: (f.line, f.index))
    formulas = _join_cells(formulas)
    for i, f in enumerate(formulas):
        f.index = i
    return formulas


_RELATION_CELL = re.compile(r"\s*(?:=|<|>|\\(?:le|leq|ge|geq|approx)|≤|≥|≈)\s*")


def _join_cells(formulas: list[Formula]) -> list[Formula]:
    """`\\(A\\) \\(=\\) \\(B\\) (quotient rule)`: a table row whose cells are inline spans, one of them a
    relation alone (ProofWiki's derivations), is one equation; the words between the cells are notes."""
    out: list[Formula] = []
    k = 0
    while k < len(formulas):
        f = formulas[k]
        row = [f]
        while (k + len(row) < len(formulas) and not f.display and formulas[k + len(row)].line == f.line
               and not formulas[k + len(row)].display):
            row.append(formulas[k + len(row)])
        if len(row) > 1 and all("\n" not in g.text for g in row) and any(_RELATION_CELL.fullmatch(g.text) for g in row):
            out.append(Formula(" ".join(g.text for g in row), f.line, False, f.syntax, f.index))
        else:
            out += row
        k += len(row)
    return out


_FENCE = re.compile(r"^([ \t]{0,3})(`{3,}|~{3,})[ \t]*([^\n`]*)$", re.M)


def _fence_blocks(text: str):
    """(start, end, info, body_start, body_end) of every fenced code block."""
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if not m:
            return
        fence = m.group(2)
        close = re.compile(r"^[ \t]{0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        c = close.search(text, m.end())
        end = c.end() if c else len(text)
        body_end = c.start() if c else len(text)
        yield m.start(), end, m.group(3).strip().lower(), m.end() + 1, body_end
        pos = end if end > m.end() else m.end() + 1


def _math_fences(text: str, lines: _Lines) -> list[Formula]:
    out = []
    for _start, _end, info, body_start, body_end in _fence_blocks(text):
        if info in ("math", "latex", "tex", "katex"):
            body_start = min(body_start, len(text))
            out.append(Formula(text[body_start:body_end], lines.line(body_start), True, "```math"))
    return out


def _mask(text: str, start: int, end: int) -> str:
    segment = text[start:end]
    return text[:start] + re.sub(r"[^\n]", " ", segment) + text[end:]


def _mask_fences(text: str) -> str:
    for start, end, _info, _bs, _be in list(_fence_blocks(text)):
        text = _mask(text, start, end)
    return text


def _mask_code(text: str) -> str:
    """Blank out inline code spans (but not GitHub's $`…`$ math) so their $ and \\[ are not math. The
    math spans are set aside first: the closing `$ of one and the opening $` of the next on the same
    line would otherwise read as a code span between them."""
    hidden = re.sub(r"\$`[^`\n]+?`\$", lambda m: "\x01" * len(m.group()), text)
    out = []
    pos = 0
    for m in re.finditer(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", hidden, flags=re.S):
        if "\n\n" in m.group(2):
            continue
        out.append(text[pos:m.start()])
        out.append(re.sub(r"[^\n]", " ", m.group()))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _mask_latex_comments(text: str) -> str:
    return re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group()), text)


_ENV_BEGIN = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in MATH_ENVIRONMENTS) + r")\}")


def _scan(text: str, lines: _Lines, latex: bool) -> list[Formula]:
    """Delimited math: $$ $ $`…`$ \\[ \\( environments, $latex …$ and [tex:…]."""
    out: list[Formula] = []
    missing: set[str] = set()  # closers already known to be absent after some point
    i = 0
    n = len(text)

    def find(closer: str, start: int, limit: int | None = None) -> int:
        if closer in missing:
            return -1
        end = text.find(closer, start, limit if limit is not None else n)
        if end < 0 and limit is None:
            missing.add(closer)
        return end

    while i < n:
        c = text[i]
        if c not in "$\\[":
            nxt = _next_candidate(text, i)
            if nxt < 0:
                break
            i = nxt
            continue
        if text.startswith("\\$", i) or text.startswith("\\\\", i):
            i += 2
            continue
        if text.startswith("$$", i):
            end = find("$$", i + 2)
            if end >= 0:
                out.append(Formula(text[i + 2:end], lines.line(i + 2), True, "$$"))
                i = end + 2
                continue
            i += 2
            continue
        if text.startswith("$latex", i) and not latex:
            end = text.find("$", i + 6, i + 6 + MAX_INLINE)
            if end >= 0:
                out += _wordpress(text[i + 6:end], lines.line(i))
                i = end + 1
                continue
        if text.startswith("$`", i):
            end = text.find("`$", i + 2, i + 2 + MAX_INLINE)
            if end >= 0:
                out.append(Formula(text[i + 2:end], lines.line(i + 2), False, "$"))
                i = end + 2
                continue
        if c == "$":
            end = _inline_dollar_end(text, i)
            if end >= 0:
                out.append(Formula(text[i + 1:end], lines.line(i + 1), False, "$"))
                i = end + 1
                continue
            i += 1
            continue
        if text.startswith("\\[", i):
            end = find("\\]", i + 2)
            if end >= 0:
                out.append(Formula(text[i + 2:end], lines.line(i + 2), True, "\\["))
                i = end + 2
                continue
            i += 2
            continue
        if text.startswith("\\(", i):
            end = find("\\)", i + 2)
            if end >= 0 and end - i < MAX_INLINE:
                out.append(Formula(text[i + 2:end], lines.line(i + 2), False, "\\("))
                i = end + 2
                continue
            i += 2
            continue
        if text.startswith("\\begin{array}", i) and not latex and _starts_line(text, i):
            # a page whose formulas are bare arrays, one a line (a WordPress plugin typesets them):
            # the array is the display, read as align
            closer = "\\end{array}"
            end = find(closer, i)
            if end >= 0:
                out.append(Formula(text[i:end + len(closer)], lines.line(i), True, "env:array"))
                i = end + len(closer)
                continue
        if text.startswith("\\begin{", i):
            m = _ENV_BEGIN.match(text, i)
            if m:
                closer = "\\end{" + m.group(1) + "}"
                end = find(closer, m.end())
                if end >= 0:
                    out.append(Formula(text[m.end():end], lines.line(m.end()), True, "env:" + m.group(1)))
                    i = end + len(closer)
                    continue
            i += 7
            continue
        if text.startswith("[tex:", i) and not latex:
            end = _hatena_end(text, i + 5)
            if end >= 0:
                line_start = text.rfind("\n", 0, i) + 1
                in_html = text[line_start:i].lstrip().startswith("<")
                out.append(Formula(_hatena_unescape(text[i + 5:end], in_html), lines.line(i), False, "[tex:"))
                i = end + 1
                continue
        i += 1
    return out


def _starts_line(text: str, i: int) -> bool:
    """Whether only blanks stand before position i on its line."""
    return not text[text.rfind("\n", 0, i) + 1:i].strip()


def _next_candidate(text: str, i: int) -> int:
    best = -1
    for ch in "$\\[":
        j = text.find(ch, i)
        if j >= 0 and (best < 0 or j < best):
            best = j
    return best


_MATHY = re.compile(r"[=\\^_]")


def _inline_dollar_end(text: str, i: int) -> int:
    """Pandoc's rule (no space just inside the dollars, no digit right after the closing one), widened to
    what MathJax on Qiita, Hatena and WordPress renders: `$ f(x) = x^2 $` with spaces inside, when the
    content is plainly math and the closing dollar is not glued to a word (`$5 and $10` stays money)."""
    if i + 1 >= len(text) or text[i + 1] in "\n$":
        return -1
    spaced_open = text[i + 1] in " \t"
    j = i + 1
    limit = min(len(text), i + MAX_INLINE)
    while j < limit:
        j = text.find("$", j, limit)
        if j < 0:
            return -1
        if text[j - 1] == "\\":
            j += 1
            continue
        if "\n\n" in text[i:j]:
            return -1
        after = text[j + 1] if j + 1 < len(text) else ""
        if after.isdigit():
            j += 1
            continue
        spaced_close = text[j - 1] in " \t\n"
        if spaced_open or spaced_close:
            glued = after.isascii() and (after.isalnum() or after == "\\")
            if glued or not _MATHY.search(text[i + 1:j]):
                if spaced_open:
                    return -1
                j += 1
                continue
        return j
    return -1


def _hatena_end(text: str, start: int) -> int:
    depth = 0
    j = start
    limit = min(len(text), start + MAX_INLINE)
    while j < limit:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                return j
            depth -= 1
        j += 1
    return -1


def _hatena_unescape(body: str, in_html: bool) -> str:
    """The formula as Hatena's MathJax gets it. In running text Markdown resolves backslash escapes
    first (`\\\\sigma` → `\\sigma`, `\\_` → `_`); inside block HTML (`<div>[tex:…]</div>`) it does not.
    Then the tag's own escapes: `\\[` `\\]` for brackets."""
    if not in_html:
        body = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", body)
    # `\\^` and `\\_` as Hatena's help teaches them, also where Markdown would leave them (authors write
    # them everywhere; in math they mean nothing else)
    return re.sub(r"\\([\[\]^_])", r"\1", body)


def _wordpress(body: str, line: int) -> list[Formula]:
    # Scraped WordPress posts lose the text between shortcodes: "$latex e latex x $" is two formulas
    parts = re.split(r"\s+latex\s+", " " + body + " ")
    return [Formula(p.strip(), line, False, "$latex") for p in parts if p.strip()]


# ---------------------------------------------------------------------------------------------------
# Plain-text lines
# ---------------------------------------------------------------------------------------------------

# what a math line of a plain-text post may hold: ASCII math, bare LaTeX (\frac{…}{…}, x_i), and the
# Unicode people type — – − ー as minus, ・ · × as product, ’ ′ as prime, Greek letters, superscripts
_MATH_CHARS = (r" \tA-Za-z0-9+\-*/^().,'=<>|!{}\[\]_\\–−ー・·×∗’′⁰¹²³⁴-⁹⁺⁻ⁿˣʸᶻᵗᵃᵇᵏⁱʲ"
               r"α-ωΓΔΘΛΞΠΣΦΨΩϕϵ∂∑√∞≤≥≠①-⑳")
_PLAIN_CHARS = re.compile(f"^[{_MATH_CHARS}]+$")
_LATEX_COMMAND = re.compile(r"\\(?:text|mathrm|operatorname)\s*\{[^{}]*\}|\\[A-Za-z]+")
_LIST_MARK = re.compile(r"^\s*(?:[-*+>]\s+|\d+[.)]\s+)")
# `h1 = w1*i1 + w2*i2 # weights of the first layer`, `y = x^2  <- the square`: a note after the math;
# `= 1/cos^2(x)・・・①`: a circled number tagging the result
_TRAILING_COMMENT = re.compile(r"\s+(?:(?:#|//)\s|<-+(?!\s*\d)|←).*$|\s*(?:・{2,}|…|\.{3})\s*[①-⑳]\s*$")
# `**dy/dx = …**`: a whole line set in bold; `Definition: f(x) = …`: a short label before the math
_BOLD = re.compile(r"^\*\*(.+)\*\*$")
_LABEL = re.compile(r"^(?:(?:[A-Z][a-z]+(?: [a-z]+){0,3}|[\u3040-\u30ff\u4e00-\u9fff]{1,8})\s*[:：]|"
                    r"(?:With|Using|Since|As|Because|Where|Hence|Thus|So|Then|And|Note that)\s)\s*")
# `… = 2cosh(x) here:`: the words that lead on to the next line
_LEAD_ON = re.compile(r"\s+(?:here|below|so|then|we get|gives)\s*[:.,]?$|\s*:$")
_LONE_EXPONENT = re.compile(r"[2-9]|-?[1-9]|[⁰¹²³⁴-⁹]")  # a line holding only a small number, under a math line
_PLAIN_WORDS = set(FUNCTIONS) | reading_function.words | set(GREEK) | {"e", "pi"}


def _plain_lines(text: str, lines: _Lines, formulas: list[Formula]) -> list[Formula]:
    math_lines = set()
    for f in formulas:
        for k in range(f.text.count("\n") + 1):
            math_lines.add(f.line + k)
    out = []
    offset = 0
    raw_lines = text.split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        start = offset
        offset += len(raw) + 1
        if number in math_lines or "=" not in raw:
            continue
        body = _TRAILING_COMMENT.sub("", _LIST_MARK.sub("", raw)).strip().rstrip(".,")
        body = _BOLD.sub(r"\1", body)
        label = _LABEL.match(body)
        rest = _LEAD_ON.sub("", body[label.end():]) if label else ""
        bare = re.sub(r"\\[hv]space\*?\{[^{}]*\}", "", body).strip()
        if is_index_range(bare):
            out.append(Formula(bare, number, True, "plain"))
        elif label and _is_plain_math(rest):
            out.append(Formula(rest, number, True, "plain"))
        elif _is_plain_math(body):
            below = raw_lines[number].strip() if number < len(raw_lines) else ""
            out.append(Formula(body, number, True, "plain", dropped_script=below if _LONE_EXPONENT.fullmatch(below) else ""))
        else:
            defined = definitions_in_prose(body)
            out += [Formula(d, number, False, "prose") for d in defined]
            seen = {re.sub(r"\s", "", d) for d in defined}
            # (only where the text marks no math at all: a post that does put its formulas in $…$ writes
            # `(log u)' = u'/u` in a sentence as words)
            for m in math_in_sentence(body) if not formulas else []:
                if not any(d in re.sub(r"\s", "", m.text) for d in seen):
                    out.append(Formula(m.text, number, False, "plain" if m.delimited else "text"))
        del start
    return out


# what separates the math of a sentence from its words: Japanese text and punctuation (ー and ・ are
# math there: minus and product), and whole words that are no names of math
_SENTENCE_BREAK = re.compile(r"[\u3001-\u30fa\u30fd-\u30ff\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20「」『』【】（）]+")
_WORD_TOKEN = re.compile(r"^\(?([A-Za-z]{2,})\)?[.,:;!?]?$")
_TEXT_MATH = re.compile(f"^[{_MATH_CHARS}∇…→]+$")  # and what flattened MathJax leaves


@dataclass
class SentenceMath:
    """An equation cut out of a prose line; `delimited`: where it starts and ends is certain."""

    text: str
    delimited: bool


# the Japanese that ends a line of math and says it holds: `… とおくと`, `… となる。`, `… です`
# (`… なので`, `… より`: since; `… を使う`, `… として`: using, taking; `… は既知`: is known; `… を整理すると`: rearranging)
_AFFIRMING_TAIL = re.compile(r"(?:とおく|と置く|とする|となり|となる|になる|となります|になります|です|である|が成り立つ"
                             r"|を得る|なので|ので|より|から|を使|として|は既知|を整理)")
_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def math_in_sentence(line: str) -> list[SentenceMath]:
    """The runs of a prose line that hold an equation (`yi=e^xi/Σe^xj(jは1からn)`, `f(x) = x if x ≥ 0`,
    MathJax flattened to text), each listed so nothing is skipped silently. A run is judged only when
    both its ends are certain (`delimited`): it starts after Japanese text or a colon and runs to the end
    of the line, or it ends in Japanese that says it holds (`u = x^2 + 1 とおくと`, `… となる。`); and it
    reads as plain math on its own, brackets balanced. English words around it (`f(x) = x if x ≥ 0`)
    may belong to it: never certain."""
    if _is_code(line) or "://" in line:
        return []
    out: list[SentenceMath] = []
    bounds = [0] + [k for m in _SENTENCE_BREAK.finditer(line) for k in (m.start(), m.end())] + [len(line)]
    for chunk_start, chunk_end in zip(bounds[::2], bounds[1::2]):
        chunk = line[chunk_start:chunk_end]
        tail = line[chunk_end:]
        left_certain = chunk_start > 0  # after Japanese text (at the line's start it would be a plain line)
        run: list[str] = []
        for token in chunk.split() + [""]:
            word = _WORD_TOKEN.match(token)
            if token and not (word and word.group(1).lower() not in _PLAIN_WORDS
                              and not re.fullmatch(r"[A-Z]{2,3}|d[a-z]|e[a-z]", word.group(1))):
                run.append(token)
                continue
            text = " ".join(run).strip(" .,;:")
            at_end = not token  # the run reaches the end of the chunk
            right_certain = at_end and (not tail.strip(" 。．.") or _AFFIRMING_TAIL.match(tail) is not None)
            delimited = left_certain and right_certain or (at_end and _AFFIRMING_TAIL.match(tail) is not None
                                                           and chunk_start == 0 and not out)
            run = []
            left_certain = token.endswith((":", "："))  # `…, so we have: f(x) = …`
            left, eq, right = text.partition("=")
            # (`= D_ij * p_j`, a line of its own continuing the one before: listed)
            continued = not left.strip() and chunk_start == 0 and not out and line.lstrip().startswith("=")
            # `x = y` among words may be a figure of speech; a digit, bracket or operator makes it math
            if (eq and _TEXT_MATH.match(text) and len(text) <= 500 and re.search(r"[0-9^_/()∂∑Σ√'’′⁰-⁹⁻ˣ]", text)
                    and (continued or re.search(r"[A-Za-z0-9]", left)) and re.search(r"[A-Za-z0-9]", right)):
                out.append(SentenceMath(text, delimited and _balanced(text) and _is_plain_math(text)
                                        and not _glued_middle(text)))
    return out


def _glued_middle(text: str) -> bool:
    """`f(x)=(1/3)x^3 g(x)=tan(x)`: a middle side ending, after a space, in a function's head — two
    definitions side by side, or a product (x^3·g(x)): not certain which."""
    sides, _ = _split_sides(text)
    for side, _offset in sides[1:-1]:
        gap = _last_top_level_space(side.rstrip())
        if gap is not None and re.fullmatch(r"[A-Za-z]\w*\([^()]*\)", side[gap:].strip()):
            return True
    return False


def _balanced(text: str) -> bool:
    opened: list[str] = []
    for ch in text:
        if ch in _BRACKETS:
            opened.append(_BRACKETS[ch])
        elif ch in _BRACKETS.values() and (not opened or opened.pop() != ch):
            return False
    return not opened


# `u = e^x and v = e^{-x}, giving`, `u = x^2 + 1 とおくと`: a one-letter name set equal to a formula that
# ends at a comma, a full stop, Japanese text or an English joining word
_PROSE_DEFINITION = re.compile(
    r"(?<![A-Za-z0-9_\\'∂/^])([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s*=\s*(.+?)"
    r"(?=\s*(?:[,;:、。．，]|\.\s|\.$|$|[\u3040-\u30ff\u4e00-\u9fff]|\s(?:and|then|so|we|giving|gives|where|with|is|for|in|as)\b))")


_CODE_MARKS = re.compile(r"\b(?:import|def|return|print|lambda|np|torch|tf|math)\b[ .(]|==|;|\bself\.")


def _is_code(line: str) -> bool:
    """Flattened code (`import numpy as np x = np.arange(…)`, `if a == b`) — but a doubled `==` in a
    Japanese sentence (`ーe^xie^xjA⁻²==ーyiyj`) is a slip of the keyboard, not code."""
    m = _CODE_MARKS.search(line)
    if m is not None and m.group() == "==" and _JAPANESE.search(line):
        return _CODE_MARKS.search(line.replace("==", "=")) is not None
    return m is not None


_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def definitions_in_prose(line: str) -> list[str]:
    """The `name = formula` pieces of a prose line whose formula is plain math on its own."""
    if _is_code(line):
        return []  # flattened code (`import numpy as np x = np.arange(…)`), not a sentence
    out = []
    for m in _PROSE_DEFINITION.finditer(line):
        rhs = m.group(2).strip()
        if rhs and "=" not in rhs and _is_plain_math(f"{m.group(1)} = {rhs}"):
            out.append(f"{m.group(1)} = {rhs}")
    return out


# the d-words of a plain-text Leibniz fraction: dET/dw1, dE1/da_o1, d(E1+E2)/da_h1
_LEIBNIZ_WORD = re.compile(r"(?<![A-Za-z0-9_])d[A-Za-z]\w*(?=\s*/\s*d[A-Za-z(])|(?<=/)\s*d[A-Za-z]\w*")


def _is_plain_math(line: str) -> bool:
    if not line or len(line) > 500 or not _PLAIN_CHARS.match(line):
        return False
    if "==" in line or line.count("=") > 8:
        return False
    left, _, right = line.partition("=")
    continuation = not left.strip()  # `= swish(x) + …` under the line it continues
    if not (continuation or re.search(r"[A-Za-z0-9①-⑳]", left)) or not re.search(r"[A-Za-z0-9]", right):
        return False
    bare = _LEIBNIZ_WORD.sub(" ", _LATEX_COMMAND.sub(" ", line))
    for m in re.finditer(r"[A-Za-z]{2,}", bare):
        word = m.group()
        # ET, MSE: an upper-case name of a quantity (prose has no short capitalised words next to "=")
        if word.lower() in _PLAIN_WORDS or re.fullmatch(r"d[a-z]?|d[a-z]?d[a-z]|d|[A-Z]{2,3}", word):
            continue
        if glued_argument(word):
            continue  # sinx (see check.plain; before / or ^ it is left for the reader to refuse: tanx/2)
        if re.match(r"\^|['’′](?![A-Za-z])", bare[m.end():]):
            continue  # nx^(n-1), uv': a product raised or differentiated — no word of prose takes ^ or ′
        # `= D_ij * exp(o_j) / Sum_k(exp(o_k))` on a line of its own: names the reader may not know, but
        # written as names (a subscript, a call) on a line that is math from its first character
        if continuation and (bare[m.end():m.end() + 1] in ("_", "(") or bare[m.start() - 1:m.start()] == "_"):
            continue
        return False
    # a line of prose such as "a = b" with nothing mathematical is still accepted: it parses or is ignored
    return True


# ---------------------------------------------------------------------------------------------------
# Formulas → rows → equations
# ---------------------------------------------------------------------------------------------------

_ROW_ENV = re.compile(r"\\(begin|end)\{([A-Za-z*]+)\}(\[[a-z]\])?")
_REL_CMDS = {
    "le": "le", "leq": "le", "leqslant": "le", "leqq": "le", "ge": "ge", "geq": "ge", "geqslant": "ge",
    "geqq": "ge", "lt": "<", "gt": ">", "neq": "ne", "ne": "ne", "approx": "approx", "simeq": "approx",
    "sim": "approx", "fallingdotseq": "approx", "equiv": "def", "coloneqq": "def", "triangleq": "def",
    "to": "to", "rightarrow": "to", "Rightarrow": "to", "Longrightarrow": "to", "longrightarrow": "to",
    "implies": "to", "iff": "to", "Leftrightarrow": "to", "mapsto": "to",
}
_REL_CHARS = {"=": "=", "＝": "=", "<": "<", ">": ">", "＜": "<", "＞": ">", "≤": "le", "≦": "le",
              "≥": "ge", "≧": "ge", "≠": "ne", "≈": "approx", "≒": "approx", "→": "to", "⇒": "to",
              "≡": "def", "≔": "def"}
_SEPARATOR_CMDS = ("quad", "qquad")
_HSPACE = re.compile(r"\\hspace\*?\s*\{[^{}]*\}")
# (a product broken before its \cdot continues the row as a sum broken before its + does)
_CONTINUED_ROW = re.compile(r"\s*&\s*(?:\\q?quad(?![A-Za-z])\s*)*(?=[+\-]|\\(?:cdot|times)(?![A-Za-z]))")
_NOISE = re.compile(r"\\(?:label|tag\*?|eqref)\{[^{}]*\}|\\(?:nonumber|notag|displaystyle|ds|textstyle|scriptstyle"
                   r"|tiny|small|normalsize|large|Large|LARGE|huge|Huge)(?![A-Za-z])")
_PROSE_TEXT = re.compile(r"\\(?:text|mbox|textrm|mathrm)\s*\{([^{}]*)\}")


# `$$\begin{array}{ll} a &= b \\ &= c \end{array}$$`: an array that is the whole display is used as align
_OUTER_ARRAY = re.compile(r"(\s*\\begin\{array\}\{[lcr|\s]*\})(.*)(\\end\{array\})[\s.,]*", re.S)


def _blank_outer_array(text: str) -> str:
    m = _OUTER_ARRAY.fullmatch(text)
    if m is None or "\\begin{array}" in m.group(2):
        return text
    return " " * m.end(1) + m.group(2) + " " * (len(text) - m.start(3))


def split_rows(formula: Formula) -> list[tuple[str, int]]:
    """Rows of a formula (split at \\\\ in aligned/align/…), each with its offset in the formula."""
    text = _blank_outer_array(formula.text)
    rows: list[tuple[str, int]] = []
    env_stack: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    chars = list(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            m = _ROW_ENV.match(text, i)
            if m:
                name = m.group(2)
                if m.group(1) == "begin":
                    env_stack.append(name)
                elif env_stack and env_stack[-1] == name:
                    env_stack.pop()
                if name in ROW_ENVIRONMENTS:
                    for k in range(m.start(), m.end()):
                        chars[k] = " "
                i = m.end()
                continue
            if text.startswith("\\\\", i):
                continued = _CONTINUED_ROW.match(text, i + 2)
                if continued and depth == 0:
                    # `… \\ &\quad + …`: a long right side broken before an operator stays one row
                    for k in range(i, continued.end()):
                        if chars[k] != "\n":
                            chars[k] = " "
                    i = continued.end()
                    continue
                if depth == 0 and all(e in ROW_ENVIRONMENTS for e in env_stack):
                    rows.append(("".join(chars[start:i]), start))
                    i += 2
                    sp = re.match(r"\s*\[[^\]]*\]", text[i:])  # \\[2pt]
                    if sp:
                        for k in range(i, i + sp.end()):
                            chars[k] = " "
                        i += sp.end()
                    start = i
                    continue
                i += 2
                continue
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        i += 1
    rows.append(("".join(chars[start:n]), start))
    # labels, tags and style commands say nothing about the math; blank them (offsets stay valid)
    rows = [(_NOISE.sub(lambda m: " " * len(m.group()), row), offset) for row, offset in rows]
    return [(row, offset) for row, offset in rows if row.strip()]


INDEX_LETTERS = frozenset("ijklmn")


def is_index_relation(sides: list[tuple[str, int]], ops: list[str]) -> bool:
    """`i = j`, `i \\ne k`: which entry of an indexed formula a line is about — a condition, never a
    definition of i."""
    return bool(ops) and all(op in ("=", "ne") for op in ops) and all(
        text.strip() in INDEX_LETTERS for text, _ in sides)


def index_relation_parts(text: str) -> tuple[list[str], list[str]]:
    """The sides and relations of an index condition such as `i \\ne k`."""
    sides, ops = _split_sides(text)
    return [side for side, _ in sides], ops


def is_index_condition(text: str) -> bool:
    """Is this condition text (written next to an equation) an index relation such as `i = j`?"""
    return is_index_relation(*_split_sides(text))


# `(i=1,2,…,n)`, `i = 0, \cdots, J-1`, `i,i’=0,…,J-1`: the range of an index — a condition, never a claim
_INDEX_RANGE = re.compile(r"\s*(?:\\q?quad\s*)*[(\[]?\s*[ijklmn](?:\s*,\s*[ijklmn]['’]?)*\s*=\s*"
                          r"[^()=]*?(?:\\[lc]?dots|\\dots[bc]?|…|\.\.\.?)[^()=]*?\s*[)\]]?[\s.,]*")


def is_index_range(text: str) -> bool:
    return _INDEX_RANGE.fullmatch(text) is not None


def _trailing_index_range(clause: str) -> int | None:
    """Where a bracketed index range `(i=1,2,\\dots,n)` at the end of an equation starts (None: no such)."""
    for m in reversed(list(re.finditer(r"[(\[]", clause))):
        if re.search(r"=\s*\S", clause[:m.start()]) and is_index_range(clause[m.start():]):
            return m.start()
    return None


_GLUED_CONDITION = re.compile(r"(?:\\quad\s*|\s)\(\s*([^()]*(?:<|>|\\le|\\ge|\\ne|\\neq|\\lt|\\gt|≤|≥|≠)[^()]*)\)\s*[.,]?\s*$")


_INTERVAL_CONDITION = re.compile(
    r"\s*\(\s*([A-Za-z])\s*\\in\s*(?:\\left)?([(\[])\s*([^,()\[\]]+?)\s*,\s*([^,()\[\]]+?)\s*(?:\\right)?([)\]])\s*\)[\s.,]*")
_INFINITE = re.compile(r"[+-]?\s*\\infty")


def _interval_condition(clause: str) -> str | None:
    """`(x \\in \\left(-1, 1\\right))` after an equation, as the inequalities it means: `-1 < x < 1`
    (an infinite end says nothing; a closed one is ≤)."""
    m = _INTERVAL_CONDITION.fullmatch(clause)
    if m is None:
        return None
    var, opening, low, high, closing = m.groups()
    strict_low, strict_high = ("<" if opening == "(" else r"\le"), ("<" if closing == ")" else r"\le")
    parts = []
    if not _INFINITE.fullmatch(low):
        parts.append(f"{low} {strict_low} ")
    parts.append(var)
    if not _INFINITE.fullmatch(high):
        parts.append(f" {strict_high} {high}")
    return "".join(parts) if len(parts) > 1 else None


def _move_trailing_equals(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """`a = \\\\ b = \\\\ c`: a row that ends with its `=` continues on the next row — move the `=` there
    (after the next row's leading blanks, so offsets and line numbers stay right)."""
    out = list(rows)
    for k in range(len(out) - 1):
        row, offset = out[k]
        body = row.rstrip()
        if body.endswith("=") and not body.endswith("==") and body[:-1].strip() and "=" not in out[k + 1][0].lstrip()[:1]:
            out[k] = (body[:-1] + " " * (len(row) - len(body) + 1), offset)
            nxt, nxt_offset = out[k + 1]
            blanks = len(nxt) - len(nxt.lstrip())
            # the "=" takes the place of the last blank, or goes first (offset one earlier)
            if blanks:
                out[k + 1] = (nxt[:blanks - 1] + "=" + nxt[blanks:], nxt_offset)
            else:
                out[k + 1] = ("=" + nxt, nxt_offset - 1)
    return out


def split_equations(formula: Formula) -> list[Equation]:
    """Every clause of every row, split into sides at top-level relations."""
    out = []

    def line_of(offset: int, text: str) -> int:
        # the line where the text's first visible character stands
        offset += len(text) - len(text.lstrip())
        return formula.line + formula.text[:offset].count("\n")

    for row_index, (row, row_offset) in enumerate(_move_trailing_equals(split_rows(formula))):
        row, notes = _split_annotation(row)
        equations = []
        conditions = []
        # "&& (y = σ(x))": a where-clause in the annotation column defines before the row is judged
        for clause, offset in _split_clauses(notes):
            sides, ops = _split_sides(clause)
            if ops == ["="] and re.fullmatch(r"\s*[A-Za-z]\s*", sides[0][0]):
                side_objs = [Side(text, line_of(row_offset + offset + o, text)) for text, o in sides]
                out.append(Equation(side_objs, ops, formula, row_index))
        clauses = [piece for clause in _split_clauses(row) for implied in _split_implications(*clause)
                   for piece in _split_glued_claims(*implied)]
        for clause, offset in clauses:
            glued = _GLUED_CONDITION.search(clause)
            if glued and re.search(r"=\s*\S", clause[:glued.start()]):
                # `f(x) = \frac{1}{1+e^{-ax}} (a > 0)`: a condition in brackets at the end of the clause
                inner_sides, inner_ops = _split_sides(glued.group(1))
                if inner_ops and all(op in ("<", ">", "le", "ge", "ne") for op in inner_ops):
                    conditions.append(glued.group(1).strip())
                    clause = clause[:glued.start()] + " " * (len(clause) - glued.start())
            at = _trailing_index_range(clause)
            if at is not None:
                # `\\frac{e^{x_i}}{\\sum_j e^{x_j}} (i=1,2,\\dots,n)`: the range of the index, glued on
                conditions.append(clause[at:].strip().strip("()[]., ").strip())
                clause = clause[:at] + " " * (len(clause) - at)
            sides, ops = _split_sides(clause)
            if len(sides) > 2 and not sides[-1][0].strip():
                # `= \\frac{…}{…} =` at the end of a display, the next display going on with `= …`
                sides, ops = sides[:-1], ops[:-1]
            if equations and is_index_range(clause):
                conditions.append(clause.strip().strip("()[]., ").strip())
                continue
            interval = _interval_condition(clause) if not ops and equations else None
            if interval is not None:
                conditions.append(interval)
                continue
            if not ops and equations:
                # "(x > 0)" written after an equation: a condition in brackets
                inner = re.fullmatch(r"\s*[(\[]([^()\[\]]*)[)\]][\s.,]*", clause)
                if inner:
                    inner_sides, inner_ops = _split_sides(inner.group(1))
                    if inner_ops and (all(op in ("<", ">", "le", "ge", "ne") for op in inner_ops)
                                      or is_index_relation(inner_sides, inner_ops)):
                        conditions.append(inner.group(1).strip())
                        continue
            if not ops:
                if clause.strip():
                    equations.append(Equation([Side(clause, line_of(row_offset + offset, clause))], [], formula, row_index))
                continue
            side_objs = []
            for text, side_offset in sides:
                side_objs.append(Side(text, line_of(row_offset + offset + side_offset, text)))
            eq = Equation(side_objs, ops, formula, row_index)
            if len(equations) > 0 and (all(op in ("<", ">", "le", "ge", "ne") for op in ops)
                                       or is_index_relation(sides, ops)):
                conditions.append(eq.text)
                continue
            equations.append(eq)
        for eq in equations:
            eq.conditions = conditions
            eq.alone = len(clauses) == 1
        out += equations
    return out


_EQUIVALENCE = re.compile(r"\\(?:iff|Leftrightarrow|Longleftrightarrow|leftrightarrow)(?![A-Za-z])|⇔|↔")
# a piece that solves for a letter: `x = 0`, `x = \frac{1}{2}`
_SOLVED = re.compile(r"^\s*[A-Za-z](?:_\{?\w+\}?)?\s*=\s*[-+]?\s*(?:\d+(?:\.\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\})\s*[.,]?\s*$")


def _split_implications(clause: str, offset: int) -> list[tuple[str, int]]:
    """`f(x) = x^n \\to f'(x) = nx^{n-1}`, `a = b \\Rightarrow c = d`: an arrow between equalities joins
    two claims (each judged on its own), it is not a relation between their sides."""
    sides, ops = _split_sides(clause)
    if "to" not in ops or "=" not in ops:
        return [(clause, offset)]
    pieces = []
    start = 0
    for k, op in enumerate(ops):
        if op == "to":
            text, side_start = sides[k]
            if _EQUIVALENCE.search(clause[side_start + len(text):sides[k + 1][1]]):
                return [(clause, offset)]  # σ(x) = ½ ⟺ x = 0: solving an equation, not two claims
            pieces.append((clause[start:side_start + len(text)], offset + start))
            start = sides[k + 1][1]
    pieces.append((clause[start:], offset + start))
    pieces = [(text, o) for text, o in pieces if text.strip()]
    if any(_SOLVED.match(text) for text, _ in pieces):
        return [(clause, offset)]  # … ⇒ x = 0: the steps of solving an equation
    return pieces


# the head of a new claim: a derivative written with a prime, `{cos(x)}'`, `f'(x)`, `(u/v)'`
_PRIME_HEAD = re.compile(r"(?:[{(\[].*[})\]]|[A-Za-z]\w*)\s*['’′]+(?:\([^()]*\))?")


def _split_glued_claims(clause: str, offset: int) -> list[tuple[str, int]]:
    """`{sin(x)}'=cos(x) {cos(x)}'=-sin(x)`: two claims on one line with a space between them, not the
    chain sin′ = cos(x)·cos′(x) = −sin(x). A middle side that ends, after a space at the top level, in a
    derivative with a prime starts a new claim there."""
    sides, ops = _split_sides(clause)
    if ops.count("=") < 2:
        return [(clause, offset)]
    for k in range(1, len(sides) - 1):
        text, start = sides[k]
        gap = _last_top_level_space(text.rstrip())
        if gap is not None and text[:gap].strip() and _PRIME_HEAD.fullmatch(text[gap:].strip()):
            cut = start + gap
            return [(clause[:cut], offset)] + _split_glued_claims(clause[cut:], offset + cut)
    return [(clause, offset)]


def _last_top_level_space(text: str) -> int | None:
    depth, last = 0, None
    for i, ch in enumerate(text):
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch.isspace() and depth == 0 and text[:i].strip():
            last = i
    return last


def _split_annotation(row: str) -> tuple[str, str]:
    """Split off the annotation column after `&&` (rule names, "(y = σ(x))"); both keep their offsets."""
    depth = 0
    envs = 0
    i = 0
    while i < len(row) - 1:
        if row.startswith("\\begin", i):
            envs += 1
        elif row.startswith("\\end", i):
            envs = max(0, envs - 1)
        ch = row[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif row.startswith("&&", i) and depth == 0 and envs == 0:
            note = row[i + 2:]
            # text in the annotation is words or brackets around a where-clause: blank it
            note = re.sub(r"\\(?:text|mbox|textrm|mathrm)\s*\{[^{}]*\}", lambda m: " " * len(m.group()), note)
            note = re.sub(r"^(\s*)\((.*)\)(\s*)$", lambda m: m.group(1) + " " + m.group(2) + " " + m.group(3), note, flags=re.S)
            blank = " " * (len(row) - i)
            return row[:i] + blank, " " * (i + 2) + note
        i += 1
    return row, ""


_SPACE_RUN = re.compile(r"(?:\\ \s*){2,}|\\hspace\*?\{[^{}]*\}")  # explicit spaces that separate, as \quad does
_RELATION_ALONE = re.compile(r"=|<|>|\\(?:le|leq|ge|geq|ne|neq|approx|equiv)|≤|≥|≠|≈")


def _split_clauses(row: str) -> list[tuple[str, int]]:
    """Split at top-level ",", ";", \\quad and prose (\\text{ for }) — "f = g, \\quad x > 0"."""
    cuts = []
    depth = 0
    envs = 0
    amps = 0
    last_amp = -1
    i = 0
    n = len(row)
    while i < n:
        ch = row[i]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)", row[i:])
            if m:
                name = m.group(1)
                if name == "begin":
                    envs += 1
                elif name == "end":
                    envs = max(0, envs - 1)
                elif depth == 0 and envs == 0 and name in _SEPARATOR_CMDS:
                    cuts.append((i, i + m.end()))
                elif depth == 0 and envs == 0 and name == "hspace" and (space := _HSPACE.match(row, i)):
                    cuts.append((i, space.end()))  # `u = … \\hspace{2em} (i=0,\\cdots,J-1)`: a gap between clauses
                    i = space.end()
                    continue
                elif depth == 0 and envs == 0 and name in ("text", "mbox", "textrm", "mathrm"):
                    t = _PROSE_TEXT.match(row, i)
                    if t and (" " in t.group(1).strip() or not t.group(1).strip().isascii()
                              or t.group(1).strip().lower() in ("for", "if", "where", "and", "when", "with")):
                        cuts.append((i, t.end()))
                i += m.end()
                continue
            spaces = _SPACE_RUN.match(row, i)
            if spaces and depth == 0 and envs == 0:
                cuts.append((i, spaces.end()))  # `a = b \ \ \ c = d`: spaced apart like \quad
                i = spaces.end()
                continue
            if row.startswith("\\{", i) or row.startswith("\\}", i):
                depth += 1 if row[i + 1] == "{" else -1
                depth = max(depth, 0)
            i += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0 and envs == 0:
            cuts.append((i, i + 1))
        elif ch == "&" and depth == 0 and envs == 0:
            # align's columns come in pairs (`a &= b & x \le 1`): a second `&` starts another clause —
            # but not eqnarray's `a &=& b`, whose middle column is the relation alone
            between = row[last_amp + 1:i].strip() if last_amp >= 0 else None
            if amps % 2 == 1 and between is not None and _RELATION_ALONE.fullmatch(between):
                pass
            else:
                amps += 1
                if amps % 2 == 0:
                    cuts.append((i, i + 1))
            last_amp = i
        i += 1
    out = []
    start = 0
    for a, b in cuts:
        out.append((row[start:a], start))
        start = b
    out.append((row[start:], start))
    cleaned = [(c, o) for c, o in out if c.strip()]
    return cleaned or [(row, 0)]


def _split_sides(clause: str) -> tuple[list[tuple[str, int]], list[str]]:
    sides = []
    ops = []
    depth = 0
    envs = 0
    start = 0
    i = 0
    n = len(clause)
    chars = list(clause)
    while i < n:
        ch = clause[i]
        op = None
        width = 1
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)", clause[i:])
            if m:
                name = m.group(1)
                width = m.end()
                if name == "begin":
                    envs += 1
                elif name == "end":
                    envs = max(0, envs - 1)
                elif name in _REL_CMDS and depth == 0 and envs == 0:
                    op = _REL_CMDS[name]
                elif name in ("left", "right"):
                    # \left( / \right) are brackets: the next character is counted below
                    i += width
                    continue
                if op is None:
                    i += width
                    continue
            else:
                if clause.startswith("\\{", i) or clause.startswith("\\}", i):
                    depth = max(0, depth + (1 if clause[i + 1] == "{" else -1))
                i += 2
                continue
        elif ch in "{([":
            depth += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
        elif ch == "&" and envs == 0:
            chars[i] = " "
        elif ch == ":" and clause.startswith(":=", i) and depth == 0 and envs == 0:
            op, width = "def", 2
        elif ch in _REL_CHARS and depth == 0 and envs == 0:
            op = _REL_CHARS[ch]
            if ch in "<>" and clause.startswith("=", i + 1):
                op, width = ("le" if ch == "<" else "ge"), 2
            elif ch == "=" and clause.startswith("=", i + 1):
                width = 2
        if op is not None:
            sides.append(("".join(chars[start:i]), start))
            ops.append(op)
            start = i + width
            i += width
            continue
        i += 1
    last = "".join(chars[start:n])
    # sentence punctuation after a formula: "f(x) = (x^2+3x)^5 ." (but not the spacing command "\,")
    last = re.sub(r"(?<!\\)[.,;:。、．，]\s*$", lambda m: " " * len(m.group()), last)
    sides.append((last, start))
    return sides, ops


# (also "with exactly one $t_i$ equal to 1": the labels said one-hot without the word)
_ONE_HOT = re.compile(r"one[- ]hot|1-of-K|ワンホット|ワン・ホット"
                      r"|\b(?:exactly|only) one\b[^.\n]{0,40}?\b(?:is|equal to|equals|=)\s*(?:1|one)\b", re.I)


_STANDARD_NORMAL = re.compile(r"standard normal|標準正規分布", re.I)


def one_hot_line(text: str) -> int | None:
    """The line where the prose says its labels are one-hot (they sum to one), if it does."""
    return _line_of(_ONE_HOT, text)


def standard_normal_line(text: str) -> int | None:
    """The line where the prose names the standard normal distribution (φ, Φ then mean its density and CDF)."""
    return _line_of(_STANDARD_NORMAL, text)


def _line_of(pattern: re.Pattern, text: str) -> int | None:
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def extract_equations(text: str, name: str = "") -> list[Equation]:
    """All equations (and lone display expressions, kept as heads of continued chains), in order."""
    out = []
    formulas = extract_formulas(text, name)
    names = PlainNames.of(f.text for f in formulas if f.syntax in _PLAIN_SYNTAX)
    for formula in formulas:
        cases = plain_cases(formula.text) if formula.syntax in _PLAIN_SYNTAX else None
        if cases is not None:
            formula.text = formula.text.replace(*cases)
        equations = split_equations(formula)
        if cases is not None:
            for side in (s for eq in equations for s in eq.sides if cases[1] in s.text):
                side.written = side.text.replace(cases[1], cases[0])
        if formula.syntax in _PLAIN_SYNTAX:
            _spell_names(equations, names)
        out += equations
    return out


_PLAIN_SYNTAX = ("plain", "prose")


def _spell_names(equations: list[Equation], names: PlainNames) -> None:
    """Plain-text names (`w1`, `a_h1`, `dET/da_o1`) as the LaTeX reader reads them (see check.plain); each
    side keeps what the post wrote, to be shown."""
    for eq in equations:
        for side in eq.sides:
            spelled = names.as_latex(side.text)
            if spelled != side.text:
                side.written, side.text = side.text, spelled


# `1 / 1 + exp(-ax)`, `1-sinx/1+sinx`: a division by 1 that goes on with + or −, pointless as written
_LOST_BRACKET = re.compile(r"[^\s=]*\s*/\s*1\s*[-+–−ー]\s*[^\s=]+")


def lost_bracket(eq: Equation) -> str | None:
    """In plain text, where a denominator seems to have lost its brackets (what was written), or None."""
    if eq.formula.syntax not in _PLAIN_SYNTAX:
        return None
    for side in eq.sides:
        m = _LOST_BRACKET.search(side.written or side.text)
        if m is not None:
            return m.group()
    return None


def as_written(claim_text: str, line: int, equations: list[Equation]) -> str:
    """A claim's text with every side that was spelled for the reader shown as the post wrote it."""
    for eq in equations:
        for side in eq.sides:
            if side.written is not None and line in (side.line, eq.line):
                for read in (side.text.strip(), " ".join(side.text.split())):
                    claim_text = claim_text.replace(read, side.written.strip())
    return claim_text
