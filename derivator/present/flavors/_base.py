"""What every Markdown flavour shares: the layout of a derivation, and the way narration is escaped.

A flavour is data (a `Flavor`): how inline and display math are delimited and escaped on its
platform, how plain text is escaped, and how the platform itself pulls the math back out of a post
(`extract`, used by the tests to feed KaTeX/MathJax exactly what the platform would). The layout below
is the same for every flavour; the words come from the i18n catalogs through `say`, and every formula
from the shared textbook printer, so σ(x) and the narration read the same on every platform.

Steps are paragraphs, not list items: an indented `$$` block inside a list item is where platforms
disagree most (Zenn, Hatena and WordPress do not see it as math), and a paragraph renders everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from derivator.i18n import rule_name, t
from derivator.present.narration import convention_label
from derivator.present.narration import lhs_latex, parameters_line, say, status, verification_label
from derivator.core.printing import to_latex
from derivator.core.trace import Derivation, Step

Extracted = list[tuple[str, bool]]  # (tex, display mode) in document order


@dataclass(frozen=True)
class Flavor:
    name: str
    inline: Callable[[str], str]  # TeX -> inline math markup
    display: Callable[[list[str]], str]  # rows of an aligned block (with &) -> display markup
    text: Callable[[str], str]  # escape plain text (narration, headings)
    extract: Callable[[str], Extracted]  # markup -> the math, as the platform extracts it
    strong: Callable[[str], str] = lambda s: f"**{s}**"
    image: Callable[[str, str], str] = lambda alt, src: f"![{alt}]({src})"
    code: Callable[[str, str], str] = lambda lang, src: f"```{lang}\n{src.rstrip()}\n```"
    heading: Callable[[int, str], str] = lambda level, s: "#" * level + " " + s
    bullets: Callable[[list[str]], str] = lambda items: "\n".join("- " + i for i in items)


# --- narration with math kept out of the text escaper ---------------------------------------------

# A formula's place in a sentence while the text around it is escaped: private-use characters, never in
# narration and never touched by an escaper. A flavour's `text` sees them (Hatena needs to).
HOLE_OPEN, HOLE_CLOSE = "\uE000", "\uE001"
_HOLE = HOLE_OPEN + "{}" + HOLE_CLOSE
_HOLE_RE = re.compile(HOLE_OPEN + "(\\d+)" + HOLE_CLOSE)


def sentence(step: Step, lang: str, flavor: Flavor) -> str:
    """The step's narration: text escaped for the platform, formulas in its inline math form."""
    formulas: list[str] = []

    def hole(expr: sp.Expr) -> str:
        formulas.append(to_latex(expr))
        return _HOLE.format(len(formulas) - 1)

    return fill(say(step, lang, hole), formulas, flavor)


def fill(text: str, formulas: list[str], flavor: Flavor) -> str:
    escaped = flavor.text(text)
    return _HOLE_RE.sub(lambda m: flavor.inline(formulas[int(m.group(1))]), escaped)


# --- layout ---------------------------------------------------------------------------------------


def heading(d: Derivation, lang: str, flavor: Flavor) -> str:
    return fill(t("ui.derivative_of", lang, f=_HOLE.format(0)), [to_latex(d.function)], flavor)


def step_blocks(d: Derivation, lang: str, flavor: Flavor) -> list[str]:
    """One block per step: rule name and sentence, then the equation it reaches."""
    lhs = lhs_latex(d)
    blocks = []
    for i, step in enumerate(d.steps, start=1):
        mark = "✓" if step.verified else "⚠"
        title = flavor.strong(f"{i}. " + flavor.text(rule_name(step.rule, lang)))
        status = flavor.text(f"({mark} {verification_label(step, lang)})")
        blocks.append(f"{title} — {sentence(step, lang, flavor)} {status}")
        blocks.append(flavor.display([f"{lhs} &= {to_latex(step.after)}"]))
    return blocks


def result_blocks(d: Derivation, lang: str, flavor: Flavor) -> list[str]:
    lhs = lhs_latex(d)
    blocks = [flavor.strong(flavor.text(t("ui.result", lang))) + flavor.text(":"),
              flavor.display([f"{lhs} &= {to_latex(d.derivative)}"])]
    if d.output_form is not None:
        y = to_latex(d.output_symbol)
        blocks.append(flavor.strong(flavor.text(t("ui.output_form", lang)))
                      + f" ({flavor.inline(f'{y} = {to_latex(d.function)}')}):")
        blocks.append(flavor.display([f"{lhs} &= {to_latex(d.output_form)}"]))
    return blocks


def kink_lines(d: Derivation, lang: str, flavor: Flavor) -> list[str]:
    rows = []
    for k in d.kinks:
        math = {
            "at": f"{to_latex(d.variable)} = {to_latex(k.at)}",
            "left": to_latex(k.left),
            "right": to_latex(k.right),
        }
        # value and convention are words when undefined; put them in as escaped text
        value = to_latex(k.value) if k.value is not None else None
        holes = {name: _HOLE.format(i) for i, name in enumerate(math)}
        formulas = list(math.values())
        if value is not None:
            holes["value"] = _HOLE.format(len(formulas))
            formulas.append(value)
        else:
            holes["value"] = t("ui.undefined", lang)
        row = t("ui.kink_row", lang, convention=convention_label(k, lang), **holes)
        rows.append(flavor.text(t("ui.kinks", lang)) + ": " + fill(row, formulas, flavor))
    return rows


def parameter_lines(d: Derivation, lang: str, flavor: Flavor) -> list[str]:
    """The parameters' line (symbols and the source's defaults), or nothing for an entry without any."""
    formulas: list[str] = []

    def hole(expr: sp.Expr) -> str:
        formulas.append(to_latex(expr))
        return _HOLE.format(len(formulas) - 1)

    line = parameters_line(d, lang, hole)
    return [] if line is None else [fill(line, formulas, flavor)]


def status_line(d: Derivation, lang: str, flavor: Flavor) -> str:
    return flavor.text(status(d, lang))


def render(d: Derivation, flavor: Flavor, *, lang: str = "en", level: int = 2) -> str:
    """The derivation as a Markdown section of this flavour (heading, steps, result, kinks, status)."""
    parts = [flavor.heading(level, heading(d, lang, flavor))]
    parts += parameter_lines(d, lang, flavor)
    parts += step_blocks(d, lang, flavor)
    parts += result_blocks(d, lang, flavor)
    kinks = kink_lines(d, lang, flavor)
    if kinks:
        parts.append(flavor.bullets(kinks))
    parts.append(status_line(d, lang, flavor))
    # blank lines around every block: Zenn and Qiita need them around display math
    return "\n\n".join(parts) + "\n"


# --- shared escapers and extractors ---------------------------------------------------------------

from derivator.present.markup import markdown_text  # noqa: E402,F401  (the one Markdown escaper, re-exported)


def aligned(rows: list[str], sep: str = "\n") -> str:
    return "\\begin{aligned}" + sep + (" \\\\" + sep).join(rows) + sep + "\\end{aligned}"


def markdown_it(*, dollars: bool = True, **dollar_options):
    """A CommonMark parser, with dollar math (mdit-py-plugins) as the platform reads it."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": True})
    if dollars:
        md.use(dollarmath_plugin, **dollar_options)
    return md


def walk(tokens):
    for tok in tokens:
        yield tok
        if tok.children:
            yield from walk(tok.children)


def dollar_math(markdown: str, **options) -> Extracted:
    """Math that a `$…$` / `$$…$$` platform (markdown-it + dollarmath) sees, in order."""
    out: Extracted = []
    for tok in walk(markdown_it(**options).parse(markdown)):
        if tok.type in ("math_block", "math_block_label"):
            out.append((tok.content.strip(), True))
        elif tok.type == "math_inline":
            out.append((tok.content, False))
        elif tok.type == "math_inline_double":
            out.append((tok.content, True))
    return out


def backtick_dollar_math(tokens) -> Extracted:
    """GitHub's and Qiita's inline $`…`$: a code span with a `$` touching it on both sides."""
    out: Extracted = []
    for tok in walk(tokens):
        kids = tok.children or []
        for prev, mid, nxt in zip(kids, kids[1:], kids[2:]):
            if (mid.type == "code_inline" and prev.type == "text" and prev.content.endswith("$")
                    and nxt.type == "text" and nxt.content.startswith("$")):
                out.append((mid.content, False))
    return out


def code_fences(tokens, info: str) -> Extracted:
    return [(tok.content.strip(), True) for tok in walk(tokens) if tok.type == "fence" and tok.info.strip() == info]
