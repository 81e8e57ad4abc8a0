"""Long display lines broken as a textbook breaks them: at a top-level + or −, else at a top-level ·,
each continuation set as `\\ &\\quad + …` under the first line, so nothing runs past the text width.

The printed LaTeX is cut, not the expression: the shared printer decides signs and order once, and a
break never falls inside braces or a \\left … \\right pair (TeX cannot span those across rows).
"""

from __future__ import annotations

import re

# about as many characters of math as fit beside `f'(x) =` and a \quad on an article or beamer line
LINE_BUDGET = 40

_TOKEN = re.compile(r"\\(?:left|right)(?:\\[A-Za-z]+|\\.|\W)|\\[A-Za-z]+|\\.|[{}]|\s[+-]\s|\s|.", re.S)


def _cuts(tex: str) -> tuple[list[int], list[int]]:
    """Offsets of top-level ` + `/` - ` (sums) and of top-level `\\cdot` or spaces between factors."""
    sums: list[int] = []
    products: list[int] = []
    depth = 0
    for m in _TOKEN.finditer(tex):
        tok = m.group()
        # a cases environment's rows are its own: \begin … \end nests like a brace
        if tok in ("{", r"\begin") or tok.startswith(r"\left"):
            depth += 1
        elif tok in ("}", r"\end") or tok.startswith(r"\right"):
            depth -= 1
        elif depth == 0 and m.start() > 0:
            if tok.strip() in ("+", "-") and len(tok) == 3:
                sums.append(m.start() + 1)
            elif tok == r"\cdot":
                products.append(m.start())
            elif (tok == " " and tex.startswith((r"\left(", r"\frac"), m.end())
                  and not re.search(r"(?:[-+=(]|\\cdot)\s*$", tex[: m.start()])):
                products.append(m.start())  # x \left(…\right), a \frac{…}{…}: a product written without a dot
    return sums, products


def width(tex: str) -> float:
    """A rough printed width in characters: a fraction is as wide as its wider part, exponents are small."""
    tex = re.sub(r"\\(?:left|right)(?=\W)", "", tex)
    while True:  # innermost \frac{a}{b} first
        m = re.search(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", tex)
        if not m:
            break
        wide = max(width(m.group(1)), width(m.group(2)))
        tex = tex[: m.start()] + "#" * round(wide) + tex[m.end():]
    tex = re.sub(r"\^\{([^{}]*)\}", lambda m: "#" * round(0.7 * width(m.group(1))), tex)
    tex = re.sub(r"\\[A-Za-z]+", "#", tex)
    return float(len(re.sub(r"[{}\s]", "", tex)) + 0.5 * tex.count(" "))


# a bracket broken inside a bracket broken inside a bracket reads worse than a line a little too long
MAX_NESTING = 2


def break_tex(tex: str, budget: float = LINE_BUDGET, nesting: int = 0) -> list[str]:
    """The lines of one right-hand side: the first as printed, each further one starting with its + or ·."""
    if width(tex) <= budget or nesting > MAX_NESTING:
        return [tex]
    sums, products = _cuts(tex)
    cuts = sums or products
    if not cuts:
        lines = _broken_fraction(tex, budget, nesting)
        return lines if len(lines) > 1 else _broken_group(tex, budget, nesting)
    pieces = [tex[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(tex)])]
    lines = [pieces[0]]
    for piece in pieces[1:]:
        if width(lines[-1] + " " + piece) <= budget:
            lines[-1] += " " + piece
        elif sums or piece.startswith(r"\cdot"):
            lines.append(piece)
        else:  # a product broken where no dot was written gets one at the break, as a textbook sets it
            lines.append(r"\cdot " + piece)
    return [part for line in lines for part in _within(line, budget, nesting)]


def _within(line: str, budget: float, nesting: int) -> list[str]:
    """One piece still too wide (a long fraction among the terms), broken in its turn after its sign."""
    if width(line) <= budget:
        return [line]
    sign = re.match(r"(?:[-+]|\\cdot)\s", line)
    head = sign.group() if sign else ""
    parts = _broken_fraction(line[len(head):], budget, nesting)
    if len(parts) == 1:
        parts = _broken_group(parts[0], budget, nesting)
    return [head + parts[0], *parts[1:]]


def _broken_group(tex: str, budget: float, nesting: int) -> list[str]:
    """`x \\left(a + b\\right)` too wide: the last bracket as \\Bigl( … \\Bigr), broken inside."""
    if not tex.endswith(r"\right)"):
        return [tex]
    depth = 0
    opens = [m for m in _TOKEN.finditer(tex)]
    for m in reversed(opens):  # walk back from the closing \right) to its \left(
        tok = m.group()
        if tok.startswith(r"\right") or tok in ("}", r"\end"):
            depth += 1
        elif tok.startswith(r"\left") or tok in ("{", r"\begin"):
            depth -= 1
            if depth == 0:
                if tok != r"\left(":
                    return [tex]
                head, inner = tex[: m.start()], tex[m.end(): -len(r"\right)")]
                lines = break_tex(inner, budget - width(head), nesting + 1)
                if len(lines) == 1:
                    return [tex]
                return [head + r"\Bigl(" + lines[0], *lines[1:-1], lines[-1] + r"\Bigr)"]
    return [tex]


def _broken_fraction(tex: str, budget: float, nesting: int) -> list[str]:
    """A fraction too wide for the line, \\frac{N}{D}, as \\frac{1}{D} \\Bigl(N\\Bigr) with N broken: \\Bigl
    and \\Bigr, unlike \\left and \\right, may stand on different rows."""
    m = re.fullmatch(r"(-?)\\frac\{(.*)\}\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", tex, re.S)
    if not m or _depth_ok(m.group(2)) is False:
        return [tex]
    lines = break_tex(m.group(2), budget - 6, nesting + 1)
    if len(lines) == 1:
        return [tex]
    lines[0] = rf"{m.group(1)}\frac{{1}}{{{m.group(3)}}} \Bigl(" + lines[0]
    lines[-1] += r"\Bigr)"
    return lines


def _depth_ok(tex: str) -> bool:
    """Are the braces of this piece balanced (so it is a whole numerator, not half of one)?"""
    depth = 0
    for ch in re.sub(r"\\.", "", tex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def aligned_rhs(tex: str, budget: float = LINE_BUDGET) -> str:
    """`rhs` as it stands after `&=` in an align row, with continuation rows `\\ &\\quad + …`."""
    return " \\\\\n &\\quad ".join(break_tex(tex, budget))
