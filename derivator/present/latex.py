"""LaTeX: an `aligned` block (KaTeX/MathJax/LaTeX alike), or a compilable document with --standalone.

Both narrate every step with the sentence the terminal and Markdown say (narration.say): the block in its
annotation column (`&& \\text{…}` pieces around the math, which KaTeX and MathJax read), the document
as `\\intertext{…}` above each row, where the sentence wraps at the text width like any paragraph.
"""

from __future__ import annotations

import re
from typing import Callable

import sympy as sp

from derivator.i18n import rule_name, t
from derivator.present.narration import convention_label
from derivator.present.narration import lhs_latex, parameter_note, parameter_statement, parameters_line, say, status
from derivator.present.tex import math_text_escape, tex_sentence
from derivator.present.tex_lines import LINE_BUDGET, aligned_rhs, width
from derivator.core.printing import to_latex
from derivator.core.trace import Derivation, Parameter, Step

_HOLE = re.compile("\uE000(\\d+)\uE001")


def _holes() -> tuple[Callable[[sp.Expr], str], list[str]]:
    """A math function for narration that puts a numbered hole for each formula, and the formulas."""
    formulas: list[str] = []

    def hole(expr: sp.Expr) -> str:
        formulas.append(to_latex(expr))
        return f"\uE000{len(formulas) - 1}\uE001"

    return hole, formulas


def _said(step: Step, lang: str) -> tuple[str, list[str]]:
    """The step's sentence with each formula replaced by a numbered hole, and the formulas."""
    hole, formulas = _holes()
    return say(step, lang, hole), formulas


def tex_say(step: Step, lang: str, display_over: float | None = None) -> str:
    """The sentence as TeX text with $…$ math: for \\intertext, itemize, beamer blocks. A formula wider
    than `display_over` (it would run past a narrow line: inline math breaks only at top-level + or =)
    is displayed instead, broken to fit."""
    sentence, formulas = _said(step, lang)
    text = tex_sentence(sentence, formulas)
    if display_over is None:
        return text
    for tex in formulas:
        if width(tex) > display_over:
            shown = r"\[\begin{aligned} &" + aligned_rhs(tex, display_over) + r"\end{aligned}\]"
            text = text.replace(f"${tex}$", shown, 1)
    return text


def _parameters_said(d: Derivation, lang: str) -> tuple[str, list[str]] | None:
    """The parameters' line with its formulas as holes (as _said), or None without parameters."""
    hole, formulas = _holes()
    line = parameters_line(d, lang, hole)
    return None if line is None else (line, formulas)


def parameters_tex(d: Derivation, lang: str = "en") -> str | None:
    """The parameters' line as TeX text with $…$ math (documents), or None without parameters."""
    said = _parameters_said(d, lang)
    return None if said is None else tex_sentence(*said)


def math_say(step: Step, lang: str) -> str:
    """The sentence inside math: `\\text{…}` around the words, the formulas as they are."""
    return _in_math(*_said(step, lang))


def _in_math(sentence: str, formulas: list[str]) -> str:
    out = []
    for i, part in enumerate(_HOLE.split(sentence)):
        if i % 2:
            out.append(f"{{{formulas[int(part)]}}}")
        elif part:
            out.append(rf"\text{{{math_text_escape(part)}}}")
    return " ".join(out)


def _tag(step: Step, lang: str) -> str:
    name = rule_name(step.rule, lang)
    if step.verified:
        return rf"\text{{({name})}}"
    return rf"\text{{({name}; {t('ui.unverified', lang)})}}"


def _narrated(step: Step, lang: str) -> str:
    if step.verified:
        return math_say(step, lang)
    return math_say(step, lang) + rf" \text{{ ({t('ui.unverified', lang)})}}"


def _output_note(d: Derivation) -> str:
    return rf"\text{{(}}{to_latex(d.output_symbol)} = {to_latex(d.function)}\text{{)}}"


def _annotated(d: Derivation, note: Callable[[Step], str], rhs: Callable[[str], str]) -> list[str]:
    """`lhs &= after && note` per step; the lhs is written on the first row only."""
    out = []
    for i, step in enumerate(d.steps):
        lhs = lhs_latex(d) if i == 0 else ""
        out.append(f"{lhs} &= {rhs(to_latex(step.after))} && {note(step)}")
    if not d.steps:
        out.append(f"{lhs_latex(d)} &= {rhs(to_latex(d.derivative))}")
    if d.output_form is not None:
        out.append(rf"{lhs_latex(d)} &= {rhs(to_latex(d.output_form))} && {_output_note(d)}")
    return out


# the share of a rule's tag the line budget gives up for it: align* sets every tag in one column, so
# the widest tag narrows every row (GELU-tanh's "(multiply out)" ran 12 pt past an article's width)
TAG_SHARE = 0.5


def rows(d: Derivation, lang: str = "en") -> list[str]:
    """Align rows for documents: `lhs &= after && (rule)`, a long right side broken at + or · to fit
    beside the widest tag (the sentences stand in the document's list of steps)."""
    widest = max((len(rule_name(step.rule, lang)) for step in d.steps), default=0)
    budget = LINE_BUDGET - TAG_SHARE * widest
    return _annotated(d, lambda step: _tag(step, lang), lambda tex: aligned_rhs(tex, budget))


def parameter_row(p: Parameter) -> str:
    """An align row stating a parameter, aligned at its relation: `\\alpha &> 0`, `\\alpha &= \\frac{1}{5}`."""
    symbol, statement = to_latex(p.symbol), to_latex(parameter_statement(p))
    return f"{symbol} &{statement.removeprefix(symbol).lstrip()}"


def _parameter_rows(d: Derivation, lang: str) -> list[str]:
    """A derivation with parameters opens as a textbook does: each parameter stated in the math column
    (`\\alpha &> 0`, `\\alpha &= \\frac{1}{5}`), then the definition it is in. Both where a reader and
    `derivator check` read them: the cases of LeakyReLU′ in y hold for α > 0 only, and softplus with β is
    not the β-less softplus a post means by the bare name."""
    if not d.parameters:
        return []
    out = []
    for i, p in enumerate(d.parameters):
        hole, formulas = _holes()
        note = (f"{t('ui.parameters', lang)}: " if i == 0 else "") + parameter_note(p, lang, hole)
        out.append(f"{parameter_row(p)} && {_in_math(note, formulas)}")
    definition = rf"\text{{({rule_name('definition', lang)})}}"
    return out + [f"{to_latex(d.function)} &= {to_latex(d.definition)} && {definition}"]


def block_rows(d: Derivation, lang: str = "en") -> list[str]:
    """The `aligned` block's rows: `lhs &= after && narration` — for KaTeX, MathJax and pasting; the
    parameters and the definition first."""
    return _parameter_rows(d, lang) + _annotated(d, lambda step: _narrated(step, lang), lambda tex: tex)


def intertext_rows(d: Derivation, lang: str = "en") -> list[str]:
    """align* rows for a document: each step's sentence as \\intertext, then its line, broken to fit."""
    out = []
    for i, step in enumerate(d.steps):
        lhs = lhs_latex(d) if i == 0 else ""
        mark = "" if step.verified else rf" \textbf{{({t('ui.unverified', lang)})}}"
        out.append(rf"\intertext{{{tex_say(step, lang)}{mark}}}" + f"\n{lhs} &= {aligned_rhs(to_latex(step.after))}")
    if not d.steps:
        out.append(f"{lhs_latex(d)} &= {aligned_rhs(to_latex(d.derivative))}")
    if d.output_form is not None:
        y = f"${to_latex(d.output_symbol)} = {to_latex(d.function)}$"
        out.append(rf"\intertext{{{t('ui.output_form', lang)} ({y}):}}"
                   + f"\n{lhs_latex(d)} &= {aligned_rhs(to_latex(d.output_form))}")
    return out


def render_latex(d: Derivation, *, lang: str = "en", standalone: bool = False) -> str:
    if not standalone:
        return "\\begin{aligned}\n" + " \\\\\n".join(block_rows(d, lang)) + "\n\\end{aligned}"
    return document(d, " \\\\\n".join(intertext_rows(d, lang)), lang)


def document(d: Derivation, body: str, lang: str) -> str:
    from derivator.present.tex import preamble, tex_escape

    kinks = ""
    if d.kinks:
        items = []
        for k in d.kinks:
            value = to_latex(k.value) if k.value is not None else t("ui.undefined", lang)
            items.append(
                "  \\item "
                + t(
                    "ui.kink_row",
                    lang,
                    at=f"${to_latex(d.variable)} = {to_latex(k.at)}$",
                    left=f"${to_latex(k.left)}$",
                    right=f"${to_latex(k.right)}$",
                    value=f"${value}$" if k.value is not None else value,
                    convention=tex_escape(convention_label(k, lang)),
                )
            )
        kinks = "\n\\paragraph{" + t("ui.kinks", lang) + "}\n\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}\n"
    return (
        preamble(lang)
        + "\\begin{document}\n"
        + f"\\section*{{{t('ui.derivative_of', lang, f=f'${to_latex(d.function)}$')}}}\n"
        # ragged right: a source's default (SELU's 34 digits) is one unbreakable number
        + ("" if (line := parameters_tex(d, lang)) is None else "{\\raggedright " + line + "\\par}\n")
        + "\\begin{align*}\n"
        + body
        + "\n\\end{align*}\n"
        + kinks
        + status(d, lang)
        + "\n\\end{document}\n"
    )
