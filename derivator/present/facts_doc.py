"""Facts in the documents from templates/: the `properties` slot the article, the Beamer deck, the blog
posts and the notebook leave for them (derivator.publish.documents).

The article gets every fact with its steps; a slide gets the headline of each (σ′(0) = 1/4, σ′ ≤ 1/4 with
equality only at 0, the limits, the range, the layer bound); a blog post gets the steps in its platform's
own Markdown (math delimited and escaped as derivator.present.flavors does for the derivation).
"""

from __future__ import annotations


from derivator.analysis.facts import Fact, Facts
from derivator.i18n import t
from derivator.present.facts_render import (
    REL_LATEX,
    Row,
    _unique,
    groups,
    latex_prose,
    at_defaults_text,
    lmath,
    omission_text,
    render_facts_latex,
    rows,
)

HEADLINE_RULES = ("max", "sup", "min", "inf", "unbounded_above", "unbounded_below")


def headlines(fact: Fact, facts: Facts, lang: str, inline) -> list[str]:
    """The conclusion of a fact, for a slide: its first line's left side = its last line's right side,
    or the sentence that states it."""
    rs = rows(fact, facts, lang, lmath, inline, REL_LATEX)
    out: list[str] = []
    if fact.key == "layer_bound":
        g = groups(rs)[0]
        return [inline(f"{g[0].lhs} {REL_LATEX['le']} {g[-1].rhs}")]
    if fact.key == "limits":
        # σ → 0 and 1, σ′ → 0 at both ends: one line per function
        lines = [f"{g[0].lhs} = {g[-1].rhs}" for g in groups(rs) if g[0].rel]
        half = len(lines) // 2 if len(lines) == 4 else len(lines)
        return [inline(r",\quad ".join(lines[i:i + half])) for i in range(0, len(lines), half or 1)]
    if fact.key in ("value_at_0", "range"):
        for g in groups(rs):
            if g[0].rel and fact.key == "value_at_0":
                out.append(inline(f"{g[0].lhs} = {g[-1].rhs}"))
            elif g[0].rel:
                out = [inline(f"{g[0].lhs} {g[0].rel} {g[0].rhs}")]
            elif fact.key == "value_at_0":
                out.append(g[0].sentence)
        return out
    if fact.key == "max":
        return [r.sentence for r, step in zip(rs, fact.steps) if step.rule.removeprefix("facts.") in HEADLINE_RULES]
    if fact.key == "monotonic":
        return [rs[-1].sentence]
    if fact.key == "kinks":
        return [r.sentence for r in rs if not r.rel]
    return []


def properties_latex(facts: Facts, lang: str = "en", *, slide: bool = False) -> str:
    """TeX for the `properties` slot: the full facts (article) or their headlines (a Beamer slide)."""
    if not slide:
        return render_facts_latex(facts, lang=lang, heading=False)
    items = []
    if (at := at_defaults_text(facts, lang, lambda e: f"${lmath(e)}$")) is not None:
        items.append("    \\item " + latex_prose(at))
    for f in facts.facts:
        for line in headlines(f, facts, lang, lambda m: f"${m}$"):
            items.append("    \\item " + latex_prose(line))
    for o in _unique(facts.omitted):
        items.append("    \\item " + latex_prose(omission_text(o, lang, lambda e: f"${lmath(e)}$")))
    return "\\small\n  \\begin{itemize}\n" + "\n".join(items) + "\n  \\end{itemize}"


def properties_markdown(facts: Facts, flavor: str, lang: str = "en") -> str:
    """Markdown for the `properties` slot, in the flavour's own math and escaping; steps are paragraphs."""
    from derivator.present.flavors import flavor_module
    from derivator.present.flavors._base import HOLE_CLOSE, HOLE_OPEN, fill

    fl = flavor_module(flavor).FLAVOR
    blocks: list[str] = []
    if facts.at is not None:
        shown: list[str] = []

        def hole_at(e) -> str:
            shown.append(lmath(e))
            return f"{HOLE_OPEN}{len(shown) - 1}{HOLE_CLOSE}"

        blocks.append(fill(at_defaults_text(facts, lang, hole_at) or "", shown, fl))
    for f in facts.facts:
        title = t(f"facts.title.{f.key}", lang)
        if f.method == "numeric":
            title += f" ({t('facts.ui.numeric_fact', lang)})"
        blocks.append(fl.heading(3, fl.text(title)))
        formulas: list[str] = []

        def hole(tex: str) -> str:
            formulas.append(tex)
            return f"{HOLE_OPEN}{len(formulas) - 1}{HOLE_CLOSE}"

        for g in groups(rows(f, facts, lang, lmath, hole, REL_LATEX)):
            mark = "✓" if all(r.verified for r in g) else t("ui.unverified", lang)
            sentence = t("facts.ui.join", lang).join(r.sentence for r in g)
            names = " → ".join(dict.fromkeys(r.name for r in g))
            blocks.append(fl.strong(fl.text(names)) + " " + fill(sentence, formulas, fl) + f" ({fl.text(mark)})")
            if g[0].rel:
                aligned = _keeps_alignment(fl)
                blocks.append(fl.display([_row_tex(r, aligned) for r in g]))
    for o in _unique(facts.omitted):
        formulas = []

        def hole_expr(e) -> str:
            formulas.append(lmath(e))
            return f"{HOLE_OPEN}{len(formulas) - 1}{HOLE_CLOSE}"

        blocks.append(fill(omission_text(o, lang, hole_expr), formulas, fl))
    return "\n\n".join(blocks)


def _row_tex(r: Row, aligned: bool = True) -> str:
    mark = "&" if aligned else ""
    return f"{r.lhs} {mark}{r.rel} {r.rhs}".strip() + (rf" \quad ({r.where})" if r.where else "")


def _keeps_alignment(fl) -> bool:
    """Does the flavour's display set rows in an aligned block? (WordPress has one equation per row: an
    alignment mark other than &= would reach KaTeX there.)"""
    probe = fl.display([r"a &\le b"])
    return "aligned" in probe or "&" not in probe
