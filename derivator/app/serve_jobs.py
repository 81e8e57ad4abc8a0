"""The work behind each request of `derivator serve`, as it runs inside the sandbox (a forked child of a
pool worker, under CPU-time and memory limits): read, derive, verify, render; check a post.

These are the same calls the command line makes (derivator.pipeline.derive, derivator.check, the one
dispatcher in derivator.present.dispatch, the check report's JSON), so an answer is what `derivator …`
prints for the same input. One derivation is rendered in several formats at once when the page asks
for it: the page shows HTML and the plot, and offers LaTeX and every flavour's Markdown to copy, all
from one derivation instead of one per format.
"""

from __future__ import annotations

import json
from typing import Any

from derivator.core.errors import DerivatorError

Wanted = tuple[str, str]  # (format, flavor)


def read_latex(text: str, var: str) -> str:
    """LaTeX as posts write it → the plain-text expression the page shows it was read as (`derivator
    derive` reads the same LaTeX itself: derivator.pipeline.read_latex)."""
    import sympy as sp

    from derivator.pipeline import read_latex as read

    expr = read(text, var)
    return expr if isinstance(expr, str) else sp.sstr(expr)


def _render(d, facts, fmt: str, flavor: str, options: dict) -> str:
    """One format, as `derivator derive` renders it (app/cli.py _derive_rendered, without a terminal)."""
    from derivator.present.dispatch import render, render_with_facts, render_with_lemmas

    lang, standalone = options["lang"], options["standalone"]
    if facts is not None:
        text = render_with_facts(d, facts, fmt, lang, standalone=standalone, flavor=flavor)
    elif options["expand_lemmas"]:
        text = render_with_lemmas(d, fmt, lang, standalone=standalone)
    else:
        text = render(d, fmt, lang, standalone=standalone, flavor=flavor)
    assert text is not None  # only a terminal gets None
    return text


def derive_outputs(text: str, syntax: str, options: dict, wanted: list[Wanted], plot: bool) -> dict[str, Any]:
    """{"read_as": the plain text derived, "outputs": {(format, flavor): text}, "svg": the plot or None}."""
    from derivator.pipeline import derive

    o = options
    read_as = read_latex(text, o["var"]) if syntax == "latex" else text  # (the page shows how it was read)
    # derived from the text as typed, as the command line does: the JSON's `input` is the user's LaTeX
    source = text if syntax == "latex" else read_as
    d = derive(source, o["var"], order=o["order"], params=o["params"], at_kink=o["at_kink"], syntax=syntax)
    facts = None
    if o.get("facts"):
        from derivator.analysis.facts import facts as establish

        facts = establish(d, params=o["params"])
    outputs = {(fmt, flavor): _render(d, facts, fmt, flavor, o) for fmt, flavor in wanted}
    svg = None
    if plot:
        from derivator.publish.plot import svg_text

        try:
            first = d if d.order == 1 else derive(source, o["var"], params=o["params"], at_kink=o["at_kink"], syntax=syntax)
            svg = svg_text(first, lang=o["lang"])  # f and f′, as `derivator plot` draws them
        except Exception:
            if not wanted:
                raise  # the plot was the question
            svg = None  # the derivation is the answer; a function that cannot be drawn has none
    return {"read_as": read_as, "outputs": outputs, "svg": svg}


def check_json(text: str, name: str, lang: str) -> tuple[int, str]:
    """(exit code of `derivator check`, its --format json output) for one document given as text."""
    from derivator.check import check_text
    from derivator.present.check_report import report_dict

    report = check_text(text, name)
    if report.error is not None:
        raise DerivatorError(report.error)
    return report.exit_code, json.dumps(report_dict(report, lang), ensure_ascii=False, indent=2)


def catalog_names() -> list[dict[str, Any]]:
    """What the page offers to type: each catalog entry's name, titles and parameters."""
    from derivator import catalog

    return [{"name": e.name, "title": e.title, "title_ja": e.title_ja, "aliases": list(e.aliases[:4]),
             "params": [{"name": p.name, "default": str(p.default)} for p in e.params]} for e in catalog.entries()]


# A short post with one wrong line (the sign of du/dx), the warm-up's check below.
WARM_POST = r"""Let $u = 1 + e^{-x}$, so that $\sigma(x) = \frac{1}{u}$.

$$
\frac{du}{dx} = e^{-x}
$$

$$
\sigma'(x) = \frac{e^{-x}}{(1+e^{-x})^2} = \sigma(x)(1-\sigma(x))
$$
"""


def warm_up() -> None:
    """Work a pool worker does once, on fixed inputs of its own, before any request: each sandboxed child
    is forked from the worker and starts with what this filled in (SymPy's cache, the lemma σ′ = σ(1 − σ)
    that Swish cites, the parsers' tables, matplotlib's fonts). Measured on 2 cores: a check of a short
    post 0.23 s cold, 0.01 s warm; a page's derivation of a catalog entry 2.8 s cold, 1.2 s warm.
    The answers do not change (these are caches of pure functions): the API tests compare them with the
    command line's, which starts cold."""
    from derivator.present.flavors import FLAVORS

    options = {"format": "html", "lang": "en", "var": "x", "order": 1, "params": {}, "at_kink": None,
               "standalone": False, "expand_lemmas": False}
    wanted: list[Wanted] = [("html", "github"), ("json", "github"), ("latex", "github")] + [("markdown", f) for f in FLAVORS]
    derive_outputs("swish", "text", options, wanted, True)
    derive_outputs(r"\tanh(x)", "latex", {**options, "lang": "ja"}, wanted, False)
    check_json(WARM_POST, "post.md", "en")


# what a pool worker imports once, so that each sandboxed child forks warm
WARM_MODULES = ("derivator.pipeline", "derivator.analysis.facts", "derivator.check.extract", "derivator.check.judge",
                "derivator.present.dispatch", "derivator.present.html", "derivator.present.json",
                "derivator.present.latex", "derivator.present.markdown", "derivator.present.check_report",
                "derivator.present.facts_render", "derivator.present.facts_json", "derivator.publish.plot",
                "matplotlib.backends.backend_svg")
