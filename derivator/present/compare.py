"""derivator compare NAMES…: the facts of several functions side by side, and their derivatives on one figure.

This is the comparison seed 003 makes by hand (step: f′ = 0 everywhere and undefined at 0; sigmoid: 1/4 at
0 and never more, saturating at both ends; ReLU: exactly 1 for x > 0, a kink at 0), built from the same
checked facts `derivator NAME --facts` shows. One row per fact, one column per function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from derivator.core.errors import DerivatorError
from derivator.analysis.facts import Facts, facts
from derivator.i18n import t
from derivator.present.facts_render import lmath, tidy, umath
from derivator.core.trace import Derivation

ROWS = ("function", "derivative", "value_at_0", "max", "limits_f", "limits_df", "range", "monotonic", "kinks",
        "layer_bound")
MAX_FUNCTIONS = 12


@dataclass
class Column:
    name: str
    derivation: Derivation
    facts: Facts


@dataclass(frozen=True)
class Part:
    """A piece of a table cell: prose, or math as LaTeX and as Unicode."""

    kind: str  # "text" or "math"
    latex: str
    unicode: str


def columns(names: list[str], params: dict | None = None) -> list[Column]:
    from derivator.pipeline import derive

    if not names:
        raise DerivatorError("compare needs at least one function", hint="e.g. derivator compare sigmoid tanh relu")
    if len(names) > MAX_FUNCTIONS:
        raise DerivatorError(f"compare takes at most {MAX_FUNCTIONS} functions", hint="split the comparison")
    out = []
    for name in names:
        d = derive(name, params=params)
        d.require_complete()  # facts and plots need the whole derivative
        out.append(Column(name, d, facts(d, params=params)))
    return out


# -- cells ------------------------------------------------------------------------------------------------


def _m(expr) -> Part:
    expr = tidy(expr)
    return Part("math", lmath(expr), umath(expr))


def _raw(latex: str, unicode: str) -> Part:
    return Part("math", latex, unicode)


def _text(key: str, lang: str, **params) -> Part:
    s = t(f"facts.cell.{key}", lang, **params)
    return Part("text", s, s)


def _approx(v: sp.Expr) -> sp.Expr:
    return sp.Float(v, 5) if isinstance(v, sp.Float) else v


def _value(v: sp.Expr) -> list[Part]:
    """An exact value, followed by its decimal value when it is not a plain fraction (1/2 + erf(1)/2 + …)."""
    v = _approx(v)
    if v.is_Rational or v.is_Float or v.is_infinite:
        return [_m(v)]
    approx = sp.Float(sp.N(v, 10), 5)
    return [_m(v), _raw(rf"\approx {lmath(approx)}", f"≈ {umath(approx)}")]


def cell(col: Column, row: str, lang: str) -> list[Part]:
    F, d = col.facts, col.derivation
    x = d.variable
    n = F.names
    values = {f.key: f.values for f in F.facts}
    if row == "function":
        return [_m(sp.Eq(n.f(x), d.definition, evaluate=False))] if n.f(x) != d.definition else [_m(d.definition)]
    if row == "derivative":
        return [_m(sp.Eq(n.df(x), d.derivative, evaluate=False))]
    if row == "value_at_0":
        v = values.get("value_at_0")
        if v is None:
            return [_text("unknown", lang)]
        if v.get("jump"):
            return [_text("undefined_jump", lang)]
        if "convention" in v:
            parts = [_m(v["value"])] if v["value"] is not None else [_text("undefined", lang)]
            return parts + [_text("one_sided", lang), _m(v["left"]), _text("and", lang), _m(v["right"])]
        return [_m(_approx(v["value"]))]
    if row == "max":
        v = values.get("max")
        if v is None:
            return [_text("unknown", lang)]
        if v["sup"] == sp.oo:
            return [_text("unbounded", lang)]
        approx = "approx_" if values and any(f.key == "max" and f.method == "numeric" for f in F.facts) else ""
        if v["max"] is not None:
            return [_text(f"{approx}max_at", lang), *_value(v["max"]), _text("at", lang),
                    _m(sp.Contains(x, tidy(v["argmax"]), evaluate=False))]
        return [_text("sup_not_attained", lang), *_value(v["sup"])]
    if row in ("limits_f", "limits_df"):
        v = values.get("limits", {}).get("f" if row == "limits_f" else "df", {})
        parts: list[Part] = []
        for side, point, lp, up in (("-oo", -sp.oo, r"-\infty", "−∞"), ("oo", sp.oo, r"\infty", "∞")):
            if parts:
                parts.append(Part("text", ",", ","))
            if v.get(side) is None:
                parts.append(_text("unknown", lang))
            else:
                value = v[side]
                parts.append(_raw(f"{lmath(tidy(value))} \\;({lmath(x)} \\to {lp})", f"{umath(tidy(value))} ({x}→{up})"))
        return parts
    if row == "range":
        v = values.get("range")
        if not v:
            return [_text("unknown", lang)]
        numeric = any(f.key == "range" and f.method == "numeric" for f in F.facts)
        return ([_text("approx", lang)] if numeric else []) + [_m(v["range"])]
    if row == "monotonic":
        v = values.get("monotonic")
        return [_text(f"mono_{v['monotonic']}", lang)] if v else [_text("unknown", lang)]
    if row == "kinks":
        v = values.get("kinks")
        if not v:
            return [_text("none", lang)]
        parts = []
        for k in v["kinks"]:
            at = lmath(tidy(k["at"]))
            head = lmath(n.df(x))
            head = head[: head.rfind("(")]
            uhead = umath(n.df(x))
            uhead = uhead[: uhead.rfind("(")]
            if k["jump"]:
                left, right = _f_sides(F, k["at"])
                fhead = lmath(n.f(x))[: lmath(n.f(x)).rfind("(")]
                ufhead = umath(n.f(x))[: umath(n.f(x)).rfind("(")]
                parts += [_raw(f"{fhead}({at}^-) = {lmath(left)},\\ {fhead}({at}^+) = {lmath(right)}",
                               f"{ufhead}({umath(tidy(k['at']))}⁻) = {umath(left)}, {ufhead}({umath(tidy(k['at']))}⁺) = {umath(right)}"),
                          _text("jump", lang)]
            else:
                parts.append(_raw(f"{head}({at}^-) = {lmath(tidy(k['left']))},\\ {head}({at}^+) = {lmath(tidy(k['right']))}",
                                  f"{uhead}({umath(tidy(k['at']))}⁻) = {umath(tidy(k['left']))}, "
                                  f"{uhead}({umath(tidy(k['at']))}⁺) = {umath(tidy(k['right']))}"))
        return parts
    if row == "layer_bound":
        v = values.get("layer_bound")
        if v is None:
            return [_text("unknown", lang)]
        bound = v["bound"]
        if isinstance(v["sup_abs"], sp.Float):
            bound = sp.Pow(sp.Float(v["sup_abs"], 5), bound.exp, evaluate=False) if bound.is_Pow else bound
        return [_m(bound)]
    raise KeyError(row)


def _f_sides(F: Facts, at: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """f(a−), f(a+) at a jump, as the kinks fact recorded them."""
    for f in F.facts:
        for s in f.steps:
            if s.rule == "facts.jump" and s.params.get("at") == at:
                return s.params.get("left"), s.params.get("right")
    return sp.nan, sp.nan


def table(cols: list[Column], lang: str) -> list[tuple[str, list[list[Part]]]]:
    def parts(c: Column, row: str) -> list[Part]:
        return [p for p in cell(c, row, lang) if p.latex]

    return [(t(f"facts.row.{row}", lang), [parts(c, row) for c in cols]) for row in ROWS]


def headers(cols: list[Column]) -> list[tuple[str, str]]:
    """(LaTeX, Unicode) of each column's function, e.g. (\\sigma(x), σ(x))."""
    return [(lmath(c.facts.names.f(c.derivation.variable)), umath(c.facts.names.f(c.derivation.variable))) for c in cols]


# -- renderers ------------------------------------------------------------------------------------------------


def _join_latex(parts: list[Part], math: callable) -> str:
    from derivator.present.facts_render import latex_prose

    return " ".join(math(p.latex) if p.kind == "math" else latex_prose(p.latex) for p in parts).replace(" ,", ",")


def render_markdown(cols: list[Column], lang: str = "en", flavor: str = "github") -> str:
    """The table as Markdown for one platform: its math delimiters, escaping, bold and headings."""
    from derivator.present.flavors import flavor_module

    fl = flavor_module(flavor).FLAVOR
    inline = fl.inline

    def cell_text(parts: list[Part]) -> str:
        # a | inside a cell ends it, even inside math: write |u| as \lvert u \rvert
        out = " ".join(inline(p.latex.replace(r"\left|", r"\left\lvert ").replace(r"\right|", r"\right\rvert ").replace("|", r"\vert "))
                       if p.kind == "math" else p.latex.replace("|", "\\|") for p in parts)
        return out.replace(" ,", ",")
    head = [fl.text(t("facts.row.fact", lang))] + [inline(h) for h, _ in headers(cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, cells in table(cols, lang):
        lines.append("| " + " | ".join([fl.strong(fl.text(label))] + [cell_text(c) for c in cells]) + " |")
    return (fl.heading(2, fl.text(t("facts.compare_heading", lang))) + "\n\n" + "\n".join(lines) + "\n"
            + _notes_markdown(cols, lang, inline))


def _notes_markdown(cols: list[Column], lang: str, inline: Callable[[str], str]) -> str:
    from derivator.present.facts_render import _unique, at_defaults_text, omission_text

    notes = []
    for c in cols:
        if (at := at_defaults_text(c.facts, lang, lambda e: inline(lmath(e)), short=True)) is not None:
            notes.append(f"- {c.name}: {at}")
        for o in _unique(c.facts.omitted):
            notes.append(f"- {c.name}: {omission_text(o, lang, lambda e: inline(lmath(e)))}")
        numeric = [t(f"facts.title.{f.key}", lang) for f in c.facts.facts if f.method == "numeric"]
        if numeric:
            notes.append(f"- {c.name}: {t('facts.cell.numeric_note', lang, facts=', '.join(numeric))}")
    return ("\n" + "\n".join(notes) + "\n") if notes else ""


def compare_latex_math(cols: list[Column], lang: str = "en") -> list[tuple[str, bool]]:
    """Every math string of the LaTeX table, as (tex, display=False), for validation."""
    out = [(h, False) for h, _ in headers(cols)]
    for _, cells in table(cols, lang):
        out += [(p.latex, False) for parts in cells for p in parts if p.kind == "math"]
    return out


def render_latex(cols: list[Column], lang: str = "en", *, standalone: bool = False) -> str:
    from derivator.present.facts_render import latex_prose

    spec = "l" + "l" * len(cols)
    lines = [
        "% " + t("facts.packages", lang, packages="\\usepackage{amsmath,amssymb,graphicx}"),
        "\\begin{center}",
        "\\renewcommand{\\arraystretch}{1.5}",
        "\\resizebox{\\linewidth}{!}{%",
        f"\\begin{{tabular}}{{{spec}}}",
        "\\hline",
        " & ".join([latex_prose(t("facts.row.fact", lang))] + [f"${h}$" for h, _ in headers(cols)]) + " \\\\",
        "\\hline",
    ]
    for label, cells in table(cols, lang):
        row = [f"\\textbf{{{latex_prose(label)}}}"] + [_join_latex(c, lambda m: f"${m}$") for c in cells]
        lines.append(" & ".join(row) + " \\\\")
    lines += ["\\hline", "\\end{tabular}}", "\\end{center}"]
    from derivator.present.facts_render import at_defaults_text

    for c in cols:  # the facts of an entry with parameters are those at its defaults: said under the table
        if (at := at_defaults_text(c.facts, lang, lambda e: f"${lmath(e)}$", short=True)) is not None:
            lines.append(f"\\noindent {latex_prose(c.name)}: {latex_prose(at)}\\par")
    body = "\n".join(lines) + "\n"
    if not standalone:
        return body
    from derivator.present.tex import preamble

    head = preamble(lang, packages=(r"\usepackage[landscape,margin=1.5cm]{geometry}", r"\usepackage{graphicx}"))
    return (head + "\\begin{document}\n"
            + f"\\section*{{{latex_prose(t('facts.compare_heading', lang))}}}\n" + body + "\\end{document}\n")


def render_terminal(cols: list[Column], lang: str = "en", console=None) -> None:
    from derivator.present.console import terminal_console, unclipped
    from derivator.present.prose import Prose, prose_cells
    from rich.table import Table
    from rich.text import Text

    console = console or terminal_console()
    tbl = Table(title=t("facts.compare_heading", lang), show_lines=True)
    tbl.add_column(t("facts.row.fact", lang), style="bold")
    for _, u in headers(cols):
        tbl.add_column(u)
    for label, cells in table(cols, lang):
        tbl.add_row(*prose_cells(Text(label), *[Text(_unicode_cell(c)) for c in cells]))
    console.print(unclipped(tbl))
    from derivator.present.facts_render import _unique, at_defaults_text, omission_text

    for c in cols:
        if (at := at_defaults_text(c.facts, lang, umath, short=True)) is not None:
            console.print(Prose(f"{c.name}: {at}"))
        for o in _unique(c.facts.omitted):
            console.print(Prose(f"{c.name}: {omission_text(o, lang, umath)}", style="yellow"))


def _unicode_cell(parts: list[Part]) -> str:
    return " ".join(p.unicode for p in parts).replace(" ,", ",")


def terminal_text(cols: list[Column], lang: str = "en", width: int = 160) -> str:
    from io import StringIO

    from rich.console import Console

    buffer = StringIO()
    render_terminal(cols, lang, Console(file=buffer, no_color=True, width=width))
    return buffer.getvalue()


def to_dict(cols: list[Column], lang: str = "en") -> dict:
    from derivator.present.facts_json import facts_dict, sympy_string

    return {
        "functions": [
            {
                "input": c.name,
                "name": c.derivation.name,
                "definition": sympy_string(c.derivation.definition),
                "derivative": sympy_string(c.derivation.derivative),
                "facts": facts_dict(c.facts, lang),
            }
            for c in cols
        ],
        "table": [
            {"row": row, "label": label, "cells": [{"latex": _join_latex(parts, lambda m: f"${m}$"),
                                                     "text": _unicode_cell(parts)} for parts in cells]}
            for row, (label, cells) in zip(ROWS, table(cols, lang))
        ],
    }


def render_json(cols: list[Column], lang: str = "en") -> str:
    import json

    return json.dumps(to_dict(cols, lang), ensure_ascii=False, indent=2)


# -- the overlay plot ------------------------------------------------------------------------------------------

def render(cols: list[Column], format: str, lang: str, *, standalone: bool = False, flavor: str = "github") -> str:
    if format == "markdown":
        return render_markdown(cols, lang, flavor)
    if format == "latex":
        return render_latex(cols, lang, standalone=standalone)
    if format == "json":
        return render_json(cols, lang)
    return terminal_text(cols, lang)
