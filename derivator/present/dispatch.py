"""The one dispatcher: a derivation (with its facts or cited lemmas) in a format, flavour and language.

Every command that prints a derivation comes here, so a format or a flavour works everywhere at once.
Renderers are imported when used: the CLI's start-up pays only for the one it needs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

from derivator.core.display import register_renderer

if TYPE_CHECKING:  # the CLI reads CODE_FORMATS before anything imports SymPy
    from derivator.analysis.facts import Facts
    from derivator.check.report import CheckReport
    from derivator.core.trace import Derivation
    from derivator.present.compare import Column

CODE_FORMATS = ("numpy", "torch", "python", "jax", "csharp")  # derivator.present.codegen.FORMATS
TEXT_FORMATS = ("terminal", "latex", "markdown", "json")
# formats of the local web page (`derivator serve`), not offered by commands whose other outputs lack them
PAGE_FORMATS = ("html",)


def render(d: Derivation | CheckReport | list[Column], format: str, lang: str, *, standalone: bool = False,
           flavor: str = "github") -> str:
    """The one dispatcher: a derivation (or a loss gradient), a check report or a comparison table, in a
    format, flavour and language. Each kind of object has its module of renderers; this picks one."""
    # a check report exists only once its module is loaded: a derivation never imports the checker
    report = sys.modules.get("derivator.check.report")
    if report is not None and isinstance(d, report.CheckReport):
        from derivator.present.check_report import render as render_report

        return render_report(d, format, lang, flavor=flavor)
    if isinstance(d, list):
        from derivator.present.compare import render as render_table

        return render_table(d, format, lang, standalone=standalone, flavor=flavor)
    derivation = cast("Derivation", d)  # neither a report nor a table (both returned above)
    if format in CODE_FORMATS:
        from derivator.present.codegen import export_code

        derivation.require_complete()  # code cannot compute a derivative that has a part without a rule
        return export_code(derivation, format)
    if format == "markdown" and flavor != "github":
        from derivator.present.flavors import render_flavor

        return render_flavor(derivation, flavor, lang=lang)
    if format == "latex":
        from derivator.present.latex import render_latex

        return render_latex(derivation, lang=lang, standalone=standalone)
    if format == "markdown":
        from derivator.present.markdown import render_markdown

        return render_markdown(derivation, lang=lang)
    if format == "json":
        from derivator.present.json import render_json

        return render_json(derivation, lang=lang)
    if format == "html":
        from derivator.present.html import render_html

        return render_html(derivation, lang=lang)
    from io import StringIO

    from rich.console import Console

    from derivator.present.terminal import render_terminal

    buffer = StringIO()
    render_terminal(derivation, lang=lang, console=Console(file=buffer, no_color=True, width=120))
    return buffer.getvalue()


register_renderer(render)  # derivations and check reports display themselves in Jupyter through this


def cited_derivations(d) -> list:
    """The derivations of the results d cites, each after the ones it cites itself, without repeats."""
    out: list = []

    def visit(current) -> None:
        for lemma in current.lemmas:
            sub = lemma.derivation
            if sub is not None and all(sub is not seen for seen in out):
                visit(sub)
                out.append(sub)

    visit(d)
    return out


def render_with_lemmas(d, format: str, lang: str, *, standalone: bool = False, to_terminal: bool = False) -> str | None:
    """--expand-lemmas: the cited results derived in full first (σ′ before Swish′), then d."""
    chain = [*cited_derivations(d), d]
    if to_terminal:
        from derivator.present.terminal import render_terminal

        for item in chain:
            render_terminal(item, lang=lang)
        return None
    if format == "json":
        import json

        from derivator.present.json import to_dict

        data = to_dict(d, lang)
        data["expanded_lemmas"] = [to_dict(item, lang) for item in chain[:-1]]
        return json.dumps(data, ensure_ascii=False, indent=2)
    if format == "latex":
        from derivator.present.latex import document, rows

        # one aligned block: σ′(x) = … rows, then Swish′(x) = … rows
        body = " \\\\\n".join(row for item in chain for row in rows(item, lang))
        return document(d, body, lang) if standalone else "\\begin{aligned}\n" + body + "\n\\end{aligned}"
    return "\n".join(render(item, format, lang) for item in chain)


def render_with_facts(d, facts: Facts, format: str, lang: str, *, standalone: bool = False,
                      to_terminal: bool = False, flavor: str = "github") -> str | None:
    """The derivation in `format`, then its facts; printed directly (None) when to_terminal."""
    if format == "json":
        from derivator.present.json import render_json

        return render_json(d, lang=lang, facts=facts)
    if format == "html":
        from derivator.present.html import render_html

        return render_html(d, lang=lang, facts=facts)
    if to_terminal:
        from derivator.present.terminal import render_terminal

        from derivator.present.facts_render import render_facts_terminal

        render_terminal(d, lang=lang)
        render_facts_terminal(facts, lang=lang)
        return None
    from derivator.present.facts_render import facts_terminal_text, render_facts_latex, render_facts_markdown

    text = render(d, format, lang, standalone=standalone)
    if format == "latex":
        fragment = render_facts_latex(facts, lang=lang)
        if standalone and "\\end{document}" in text:
            head, _, tail = text.rpartition("\\end{document}")
            return head + fragment + "\\end{document}" + tail
        return text.rstrip("\n") + "\n\n" + fragment
    if format == "markdown" and flavor != "github":
        from derivator.present.facts_render import render_facts_flavor
        from derivator.present.flavors import flavor_module, render_flavor

        return render_flavor(d, flavor, lang=lang).rstrip("\n") + "\n\n" + render_facts_flavor(
            facts, flavor_module(flavor).FLAVOR, lang=lang)
    if format == "markdown":
        return text.rstrip("\n") + "\n\n" + render_facts_markdown(facts, lang=lang)
    return text.rstrip("\n") + "\n\n" + facts_terminal_text(facts, lang=lang)
