"""HTML: a derivation (and its facts) as a fragment for the local web page (`derivator serve`).

The fragment has no scripts, no style attributes and no links: the page's Content-Security-Policy allows
neither inline scripts nor inline styles, and the page inserts this text as it is. Every piece of text is
escaped here; math is left as TeX inside `<span class="math">` / `<div class="math display">`, which the
page typesets with KaTeX (katex.render builds DOM nodes, so its styles are set through the CSSOM, which
the CSP allows).

Prose is made with the same i18n sentences as the other formats; math inside a sentence goes through a
placeholder, so the sentence is escaped as text and the formula as TeX, never one mistaken for the other.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import sympy as sp

from derivator.core.printing import to_latex
from derivator.core.trace import Derivation, Step
from derivator.i18n import rule_name, t
from derivator.present.narration import convention_label, lhs_latex, parameters_line, say

if TYPE_CHECKING:
    from derivator.analysis.facts import Facts

_HOLE = re.compile("\x00(\\d+)\x01")
_NAME_HOLE = "\x00f\x01"  # where a heading puts its formula


class _Prose:
    """Collects the formulas of sentences: `hole(tex)` stands in for one, `fill(text)` writes the HTML."""

    def __init__(self) -> None:
        self.formulas: list[str] = []

    def hole(self, tex: str) -> str:
        self.formulas.append(tex)
        return f"\x00{len(self.formulas) - 1}\x01"

    def expr(self, e: sp.Basic) -> str:
        return self.hole(to_latex(e))

    def fill(self, text: str) -> str:
        parts = _HOLE.split(text)
        # even parts are prose, odd parts are indices of formulas
        return "".join(math_span(self.formulas[int(p)]) if i % 2 else html.escape(p, quote=False)
                       for i, p in enumerate(parts))


def math_span(tex: str) -> str:
    return f'<span class="math">{html.escape(tex, quote=False)}</span>'


def math_display(tex: str) -> str:
    return f'<div class="math display">{html.escape(tex, quote=False)}</div>'


def _mark(verified: bool, lang: str, method: str | None = None) -> str:
    state = "ok" if verified else "unverified"
    sign = "✓" if verified else "⚠"
    title = f' title="{html.escape(method)}"' if method else ""
    return f'<span class="mark {state}"{title}>{sign} {html.escape(t("ui.verified" if verified else "ui.unverified", lang))}</span>'


def _step(step: Step, lhs: str, lang: str) -> str:
    prose = _Prose()
    sentence = prose.fill(say(step, lang, prose.expr))
    v = step.verification
    parts = [
        f'<li class="step{"" if step.verified else " unverified"}" data-rule="{html.escape(step.rule)}">',
        math_display(f"{lhs} = {to_latex(step.after)}" if lhs else to_latex(step.after)),
        f'<p class="narration"><span class="rule">{html.escape(rule_name(step.rule, lang))}</span> — {sentence} '
        f'{_mark(step.verified, lang, v.method if v else None)}</p>',
    ]
    if step.substeps:
        parts.append(f'<details class="substeps"><summary>{html.escape(t("ui.step", lang))} ({len(step.substeps)})</summary><ol>')
        parts += [_step(s, "", lang) for s in step.substeps]
        parts.append("</ol></details>")
    parts.append("</li>")
    return "\n".join(parts)


def _kink(d: Derivation, k, lang: str) -> str:
    prose = _Prose()
    value = prose.expr(k.value) if k.value is not None else t("ui.undefined", lang)
    row = t("ui.kink_row", lang, at=prose.hole(f"{to_latex(d.variable)} = {to_latex(k.at)}"), left=prose.expr(k.left),
            right=prose.expr(k.right), value=value, convention=convention_label(k, lang))
    return f"<li>{prose.fill(row)}</li>"


def render_html(d: Derivation, *, lang: str = "en", facts: Facts | None = None) -> str:
    lhs = lhs_latex(d)
    out = [f'<article class="derivation" lang="{html.escape(lang)}" data-verified="{str(d.verified).lower()}">',
           f'<h2>{html.escape(t("ui.derivative_of", lang, f=_NAME_HOLE)).replace(_NAME_HOLE, math_span(to_latex(d.function)))}</h2>',
           '<ol class="steps">']
    if (line := parameters_line(d, lang, lambda e: math_span(to_latex(e)), html.escape)) is not None:
        out.insert(2, f'<p class="parameters">{line}</p>')
    out += [_step(step, lhs, lang) for step in d.steps]
    out.append("</ol>")
    out += ['<section class="result">', f'<h3>{html.escape(t("ui.result", lang))}</h3>',
            math_display(f"{lhs} = {to_latex(d.derivative)}"), "</section>"]
    out.append('<section class="output-form">')
    if d.output_form is not None:
        y = to_latex(d.output_symbol)
        out.append(f'<h3>{html.escape(t("ui.output_form", lang))} ({math_span(f"{y} = {to_latex(d.function)}")})</h3>')
        out.append(math_display(f"{lhs} = {to_latex(d.output_form)}"))
        if d.output_steps:
            out.append('<details class="substeps"><summary>'
                       f'{html.escape(t("ui.step", lang))} ({len(d.output_steps)})</summary><ol>')
            out += [_step(s, lhs, lang) for s in d.output_steps]
            out.append("</ol></details>")
    else:
        out.append(f'<p>{html.escape(t("ui.no_output_form", lang))}</p>')
    out.append("</section>")
    if d.kinks:
        out += ['<section class="kinks">', f'<h3>{html.escape(t("ui.kinks", lang))}</h3>', "<ul>"]
        out += [_kink(d, k, lang) for k in d.kinks]
        out += ["</ul>", "</section>"]
    if d.lemmas:
        out += ['<section class="lemmas">', f'<h3>{html.escape(t("ui.lemmas", lang))}</h3>', "<ul>"]
        out += [f"<li>{math_span(f'{to_latex(lm.statement_lhs)} = {to_latex(lm.statement_rhs)}')}</li>" for lm in d.lemmas]
        out += ["</ul>", "</section>"]
    if facts is not None:
        out.append(render_facts_html(facts, lang=lang))
    status = "ui.all_verified" if d.verified else "ui.some_unverified"
    out.append(f'<p class="status {"ok" if d.verified else "unverified"}">{html.escape(t(status, lang))}</p>')
    out.append("</article>")
    return "\n".join(out) + "\n"


def render_facts_html(facts: Facts, *, lang: str = "en") -> str:
    """The facts as sections: each group of rows is its sentences and one aligned display."""
    from derivator.present.facts_render import REL_LATEX, _unique, groups, lmath, omission_text, rows

    prose = _Prose()
    out = ['<section class="facts">', f'<h3>{html.escape(t("facts.heading", lang))}</h3>']
    for f in facts.facts:
        title = t(f"facts.title.{f.key}", lang)
        if f.method == "numeric":
            title += f" ({t('facts.ui.numeric_fact', lang)})"
        out.append(f'<h4 data-fact="{html.escape(f.key)}">{html.escape(title)}</h4>')
        for g in groups(rows(f, facts, lang, lmath, prose.hole, REL_LATEX)):
            names = " → ".join(dict.fromkeys(r.name for r in g))
            sentence = prose.fill(t("facts.ui.join", lang).join(r.sentence for r in g))
            out.append(f'<p class="narration"><span class="rule">{html.escape(names)}</span> — {sentence} '
                       f'{_mark(all(r.verified for r in g), lang)}</p>')
            if g[0].rel:
                body = " \\\\\n".join(f"{r.lhs} &{r.rel} {r.rhs}" + (rf" \quad ({r.where})" if r.where else "") for r in g)
                out.append(math_display("\\begin{aligned}\n" + body + "\n\\end{aligned}"))
    if facts.omitted:
        out.append(f'<h4>{html.escape(t("facts.ui.not_established", lang))}</h4><ul>')
        out += [f"<li>{prose.fill(omission_text(o, lang, lambda e: prose.hole(lmath(e))))}</li>" for o in _unique(facts.omitted)]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)

