"""Markdown, GitHub flavour: numbered steps with narration, display math in $$\\begin{aligned}…$$.

GitHub runs Markdown before MathJax, so inline math uses $`…`$ (its escaping-safe form) and display
math is always wrapped in `aligned` (a bare \\\\ at the top of a display is ignored there).
"""

from __future__ import annotations

from derivator.i18n import rule_name, t
from derivator.present.narration import convention_label
from derivator.present.narration import lhs_latex, parameters_line, say, status, verification_label
from derivator.present.markup import markdown_text
from derivator.core.printing import to_latex
from derivator.core.trace import Derivation


def escape(text: str) -> str:
    """Prose that may hold code-like words (shrink_backward): no accidental emphasis, no raw HTML."""
    return markdown_text(text)


def inline(tex: str) -> str:
    return f"$`{tex}`$"


def display(tex: str) -> str:
    return "$$\n\\begin{aligned}\n" + tex + "\n\\end{aligned}\n$$"


def render_markdown(d: Derivation, *, lang: str = "en") -> str:
    lhs = lhs_latex(d)
    math = lambda e: inline(to_latex(e))  # noqa: E731
    lines = [f"## {t('ui.derivative_of', lang, f=inline(to_latex(d.function)))}", ""]
    if (line := parameters_line(d, lang, math, escape)) is not None:
        lines += [line, ""]
    for i, step in enumerate(d.steps, start=1):
        mark = "✓" if step.verified else "⚠"
        lines.append(f"{i}. **{rule_name(step.rule, lang)}** — {say(step, lang, math)} ({mark} {verification_label(step, lang)})")
        lines.append("")
        lines.append("   " + display(f"{lhs} &= {to_latex(step.after)}").replace("\n", "\n   "))
        lines.append("")
    lines.append(f"**{t('ui.result', lang)}:**")
    lines.append("")
    lines.append(display(f"{lhs} &= {to_latex(d.derivative)}"))
    lines.append("")
    if d.output_form is not None:
        y = to_latex(d.output_symbol)
        lines.append(f"**{t('ui.output_form', lang)}** ({inline(f'{y} = {to_latex(d.function)}')}):")
        lines.append("")
        lines.append(display(f"{lhs} &= {to_latex(d.output_form)}"))
        lines.append("")
    for k in d.kinks:
        value = inline(to_latex(k.value)) if k.value is not None else t("ui.undefined", lang)
        row = t(
            "ui.kink_row", lang, at=inline(f"{to_latex(d.variable)} = {to_latex(k.at)}"),
            left=inline(to_latex(k.left)), right=inline(to_latex(k.right)), value=value, convention=escape(convention_label(k, lang)),
        )
        lines.append(f"- {t('ui.kinks', lang)}: {row}")
    if d.kinks:
        lines.append("")
    lines.append(status(d, lang))
    return "\n".join(lines) + "\n"
