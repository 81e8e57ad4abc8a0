"""LaTeX: an `aligned` block (KaTeX/MathJax/LaTeX alike), or a compilable document with --standalone."""

from __future__ import annotations

from derivator.i18n import rule_name, t
from derivator.present.narration import convention_label
from derivator.present.narration import lhs_latex, status
from derivator.core.printing import to_latex
from derivator.core.trace import Derivation, Step


def _tag(step: Step, lang: str) -> str:
    name = rule_name(step.rule, lang)
    if step.verified:
        return rf"\text{{({name})}}"
    return rf"\text{{({name}; {t('ui.unverified', lang)})}}"


def rows(d: Derivation, lang: str = "en") -> list[str]:
    """One aligned row per step: `lhs &= after && (rule)`; the lhs is written on the first row only."""
    out = []
    for i, step in enumerate(d.steps):
        lhs = lhs_latex(d) if i == 0 else ""
        out.append(f"{lhs} &= {to_latex(step.after)} && {_tag(step, lang)}")
    if not d.steps:
        out.append(f"{lhs_latex(d)} &= {to_latex(d.derivative)}")
    if d.output_form is not None:
        y = to_latex(d.output_symbol)
        out.append(rf"{lhs_latex(d)} &= {to_latex(d.output_form)} && \text{{(}}{y} = {to_latex(d.function)}\text{{)}}")
    return out


def render_latex(d: Derivation, *, lang: str = "en", standalone: bool = False) -> str:
    body = " \\\\\n".join(rows(d, lang))
    if not standalone:
        return "\\begin{aligned}\n" + body + "\n\\end{aligned}"
    return document(d, body, lang)


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
        + "\\begin{align*}\n"
        + body
        + "\n\\end{align*}\n"
        + kinks
        + status(d, lang)
        + "\n\\end{document}\n"
    )
