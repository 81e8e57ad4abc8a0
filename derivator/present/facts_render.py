"""Facts (derivator.analysis.facts) in every output: LaTeX, Markdown, terminal; JSON lives in facts_json.py.

A fact is a list of rows. A math row is `lhs rel rhs` (σ′(0) = σ(0)(1 − σ(0))); rows that continue it
(`= 1/4`) are drawn in the same aligned block. A text row is a sentence. Every row also has a sentence,
from i18n (facts.say.<rule>), with its math in the format's inline form, and a verification mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import mpmath
import sympy as sp

from derivator.present.tex import math_text_escape
from derivator.analysis.facts import Fact, Facts, Omission
from derivator.i18n import t
from derivator.core.printing import to_latex, to_unicode
from derivator.core.trace import Step

if TYPE_CHECKING:
    from derivator.present.flavors._base import Flavor

Math = Callable[[sp.Basic], str]

REL_LATEX = {"=": "=", "<": "<", ">": ">", "le": r"\le", "ge": r"\ge", "lt": "<", "gt": ">", "iff": r"\iff",
             "implies": r"\implies", "in": r"\in", "to": r"\to", "approx": r"\approx"}
REL_UNICODE = {"=": "=", "<": "<", ">": ">", "le": "≤", "ge": "≥", "lt": "<", "gt": ">", "iff": "⇔",
               "implies": "⇒", "in": "∈", "to": "→", "approx": "≈"}


# -- tidy numbers: SELU's 1.0507009873554804934193349852946 stays a decimal, not a 60-digit fraction ------


def _decimal(r: sp.Rational) -> sp.Expr:
    q = r.q
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1 or r.q <= 10**4:
        return r
    digits = len(str(abs(r.p))) + 2
    return sp.Float(r, digits)


def tidy(expr):
    if not isinstance(expr, sp.Basic) or isinstance(expr, bool):
        return expr
    swap = {r: _decimal(r) for r in expr.atoms(sp.Rational) if not r.is_Integer}
    swap = {k: v for k, v in swap.items() if k != v}
    if not swap:
        return expr
    if isinstance(expr, sp.Set):
        return _tidy_set(expr)
    if isinstance(expr, sp.core.relational.Relational):
        return type(expr)(tidy(expr.lhs), tidy(expr.rhs), evaluate=False)
    return expr.xreplace(swap)


def _tidy_set(s: sp.Set) -> sp.Set:
    return s.xreplace({r: _decimal(r) for r in s.atoms(sp.Rational) if not r.is_Integer})


# -- Unicode math for sets, limits and products (to_unicode covers expressions) ---------------------------

_OO = re.compile(r"(?<![A-Za-z_])oo(?![A-Za-z_])")


def umath(expr) -> str:
    """One-line Unicode for what facts contain: sets, limits, relations, products, ∞."""
    if isinstance(expr, bool) or expr is None:
        return str(expr)
    if expr is sp.S.Reals:
        return "ℝ"
    if expr is sp.S.EmptySet:
        return "∅"
    if expr is sp.true:
        return "ℝ"
    if isinstance(expr, sp.Interval):
        left = "(" if expr.left_open or expr.start == -sp.oo else "["
        right = ")" if expr.right_open or expr.end == sp.oo else "]"
        return f"{left}{umath(expr.start)}, {umath(expr.end)}{right}"
    if isinstance(expr, sp.FiniteSet):
        return "{" + ", ".join(umath(a) for a in expr.args) + "}"
    if isinstance(expr, sp.Union):
        return " ∪ ".join(umath(a) for a in expr.args)
    if isinstance(expr, sp.Contains):
        return f"{umath(expr.args[0])} ∈ {umath(expr.args[1])}"
    if isinstance(expr, sp.core.relational.Relational):
        op = {"==": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">", "!=": "≠"}[expr.rel_op]
        return f"{umath(expr.lhs)} {op} {umath(expr.rhs)}"
    if isinstance(expr, sp.Limit):
        e, z, z0, direction = expr.args
        side = "" if z0.is_infinite else ("⁻" if str(direction) == "-" else "⁺")
        return f"lim_{{{umath(z)}→{umath(z0)}{side}}} {umath(e)}"
    if isinstance(expr, sp.Product):
        body, (i, lo, hi) = expr.args[0], expr.args[1]
        inner = f"|{umath(body.args[0])}|" if isinstance(body, sp.Abs) else umath(body)
        return f"∏_{{{umath(i)}={umath(lo)}}}^{{{umath(hi)}}} {inner}"
    if isinstance(expr, sp.Abs) and isinstance(expr.args[0], sp.Product):
        return f"|{umath(expr.args[0])}|"
    if isinstance(expr, sp.Indexed):
        return f"{expr.base}_{','.join(umath(i) for i in expr.indices)}"
    if isinstance(expr, sp.Basic) and expr.has(sp.Indexed):
        expr = expr.xreplace({i: sp.Symbol(f"{i.base}_{','.join(str(j) for j in i.indices)}") for i in expr.atoms(sp.Indexed)})
    expr = shorten(expr)
    text = to_unicode(expr) if isinstance(expr, sp.Basic) else str(expr)
    return _OO.sub("∞", text)


def shorten(expr):
    """Floats to 6 significant digits, without letting SymPy re-evaluate a relation (an Eq between a
    function value and its rounded value would otherwise become False)."""
    if not isinstance(expr, sp.Basic) or not expr.atoms(sp.Float):
        return expr
    if isinstance(expr, sp.core.relational.Relational):
        return type(expr)(shorten(expr.lhs), shorten(expr.rhs), evaluate=False)
    if isinstance(expr, sp.Contains):
        return sp.Contains(shorten(expr.args[0]), shorten(expr.args[1]), evaluate=False)
    return expr.xreplace({f: sp.Float(f, min(6, mpmath.libmp.prec_to_dps(f._prec))) for f in expr.atoms(sp.Float)})


def lmath(expr) -> str:
    """LaTeX for what facts contain (the shared printer, with Floats shortened to 6 digits)."""
    expr = shorten(expr)
    if expr is sp.true:
        return r"\mathbb{R}"
    return to_latex(expr)


# -- rows ----------------------------------------------------------------------------------------------------


@dataclass
class Row:
    lhs: str  # empty for a row continuing the previous one, or for a text row
    rel: str  # empty for a text row
    rhs: str
    where: str  # "x ∈ (0, ∞)" or ""
    name: str  # short rule name
    sentence: str
    verified: bool
    chain: bool


def _param(key: str, value, math: Math, lang: str) -> str:
    if isinstance(value, str):
        return t(f"facts.convention.{value}", lang) if key == "convention" else value
    if isinstance(value, (list, tuple)):
        return ", ".join(_param(key, v, math, lang) for v in value)
    if isinstance(value, sp.Basic):
        return math(tidy(value))
    return str(value)


def _sentence(step: Step, facts: Facts, lang: str, raw: Math, inline: Callable[[str], str],
              arrow: str = r"\to") -> str:
    """The step's sentence; `raw` prints an expression, `inline` wraps printed math for the format."""
    names = facts.names
    x = facts.derivation.variable

    def math(e) -> str:
        return inline(raw(e))

    params = {
        "f": math(names.f(x)),
        "df": math(names.df(x)),
        "ddf": math(names.ddf(x)),
        "x": math(x),
        "before": math(tidy(step.before)),
        "after": math(tidy(step.after)),
    }
    for key, value in step.params.items():
        if key in ("rel", "chain") or value is None:
            continue
        params[key] = _param(key, value, math, lang)
    # "x = 0" and "x → ∞" as one piece of math each
    if isinstance(step.params.get("at"), sp.Basic):
        params["x_at"] = math(sp.Eq(x, tidy(step.params["at"]), evaluate=False))
    if isinstance(step.params.get("point"), sp.Basic):
        params["x_to"] = inline(f"{raw(x)} {arrow} {raw(step.params['point'])}")
    key = step.rule.removeprefix("facts.")
    try:
        return t(f"facts.say.{key}", lang, **params)
    except (KeyError, IndexError, ValueError):
        return t(f"facts.name.{key}", lang)


def rows(fact: Fact, facts: Facts, lang: str, math: Math, inline: Callable[[str], str], rel_table: dict) -> list[Row]:
    out = []
    for step in fact.steps:
        rel = step.params.get("rel", "=")
        key = step.rule.removeprefix("facts.")
        sentence = _sentence(step, facts, lang, math, inline, rel_table["to"])
        where = step.params.get("where")
        where_text = math(where) if where is not None and where is not sp.S.Reals and rel != "text" else ""
        if where is sp.S.Reals and rel != "text":
            where_text = math(sp.Contains(facts.derivation.variable, sp.S.Reals, evaluate=False))
        if rel == "text":
            out.append(Row("", "", "", "", t(f"facts.name.{key}", lang), sentence, step.verified, False))
            continue
        chain = bool(step.params.get("chain"))
        out.append(Row("" if chain else math(tidy(step.before)), rel_table.get(rel, rel), math(tidy(step.after)),
                       where_text, t(f"facts.name.{key}", lang), sentence, step.verified, chain))
    return out


def groups(rs: list[Row]) -> list[list[Row]]:
    """A math row with the rows that continue it (one aligned block), or a single text row."""
    out: list[list[Row]] = []
    for r in rs:
        if r.chain and out and out[-1][0].rel:
            out[-1].append(r)
        else:
            out.append([r])
    return out


def at_defaults_text(facts: Facts, lang: str, math: Math, *, short: bool = False) -> str | None:
    """"At the PyTorch default α = 1: …" when the facts are those at a catalog entry's default values
    (`short`: "facts at the PyTorch default α = 1", for a note beside a table)."""
    at = facts.at
    if at is None:
        return None
    values = ", ".join(math(sp.Eq(s, v, evaluate=False)) for s, v in at.values)
    key = "facts.ui.at_defaults" + ("_short" if short else "") + ("_source" if at.source else "")
    return t(key, lang, source=at.source or "", values=values)


def at_defaults_definition(facts: Facts, math: Math) -> tuple[str, str] | None:
    """(lhs, rhs) of the function at the defaults the facts hold for (CELU(x) = x or eˣ − 1), displayed
    after the "At the default α = 1" sentence: the facts below are about that function, and a reader
    (and `derivator check`) takes it from this line rather than from the symbolic definition above."""
    if facts.at is None:
        return None
    return math(facts.names.f(facts.derivation.variable)), math(facts.derivation.definition)


def omission_text(o: Omission, lang: str, math: Math) -> str:
    params = {k: _param(k, v, math, lang) for k, v in o.params.items()}
    try:
        note = t(f"facts.note.{o.note}", lang, **params)
    except (KeyError, IndexError, ValueError):
        note = o.note
    return t("facts.ui.omitted", lang, title=t(f"facts.title.{o.key}", lang), note=note)


def _status(f: Fact, lang: str) -> str:
    mark = t("facts.ui.numeric_fact", lang) if f.method == "numeric" else ""
    return mark


# -- LaTeX ------------------------------------------------------------------------------------------------


def _latex_block(group: list[Row], lang: str) -> str:
    lines = []
    for r in group:
        tag = r.name if r.verified else f"{r.name}; {t('ui.unverified', lang)}"
        where = rf" \quad ({r.where})" if r.where else ""
        lines.append(f"{r.lhs} &{r.rel} {r.rhs}{where} && \\text{{({math_text_escape(tag)})}}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def facts_latex_math(facts: Facts, lang: str = "en") -> list[tuple[str, bool]]:
    """Every math string the LaTeX rendering contains, as (tex, display): for validation."""
    out = []
    for f in facts.facts:
        rs = rows(f, facts, lang, lmath, lambda m: "\x00" + m + "\x01", REL_LATEX)
        for g in groups(rs):
            if g[0].rel:
                out.append((_latex_block(g, lang), True))
            for r in g:
                out += [(m, False) for m in re.findall("\x00(.*?)\x01", r.sentence, re.S)]
    return out


def render_facts_latex(facts: Facts, *, lang: str = "en", heading: bool = True) -> str:
    """A LaTeX fragment (a section of an article): each fact as a paragraph of sentences and aligned
    displays, then what could not be established."""
    parts = [f"\\subsection*{{{t('facts.heading_of', lang, f=f'${lmath(facts.names.f(facts.derivation.variable))}$')}}}"] if heading else []
    if (at := at_defaults_text(facts, lang, lambda e: f"${lmath(e)}$")) is not None:
        parts.append(latex_prose(at))
    if (fx := at_defaults_definition(facts, lmath)) is not None:
        parts += [latex_prose(t("facts.ui.at_defaults_function", lang)), "\\[\n" + " = ".join(fx) + "\n\\]"]
    for f in facts.facts:
        title = t(f"facts.title.{f.key}", lang)
        if f.method == "numeric":
            title += f" ({t('facts.ui.numeric_fact', lang)})"
        parts.append(f"\\paragraph{{{latex_prose(title)}}}")
        rs = rows(f, facts, lang, lmath, lambda m: f"${m}$", REL_LATEX)
        for g in groups(rs):
            text = t("facts.ui.join", lang).join(_latex_sentence(r, lang) for r in g)
            parts.append(text)
            if g[0].rel:
                parts.append("\\[\n" + _latex_block(g, lang) + "\n\\]")
    if facts.omitted:
        parts.append(f"\\paragraph{{{t('facts.ui.not_established', lang)}}}")
        parts.append("\\begin{itemize}\n" + "\n".join(
            "  \\item " + latex_prose(omission_text(o, lang, lambda e: f"${lmath(e)}$")) for o in _unique(facts.omitted)) + "\n\\end{itemize}")
    return "\n".join(parts) + "\n"


# symbols the catalogs write as Unicode in prose, for pdflatex (which has no glyphs for them in text)
_PROSE_SYMBOLS = {"ℝ": r"$\mathbb{R}$", "±": r"$\pm$", "²": r"$^{2}$", "¹²": r"$^{12}$", "⁴": r"$^{4}$",
                  "−": "-", "…": r"\ldots{}", "→": r"$\to$", "≤": r"$\le$", "≥": r"$\ge$", "∞": r"$\infty$",
                  "≈": r"$\approx$", "′": r"$'$", "∈": r"$\in$", "∪": r"$\cup$", "⁻": r"$^-$", "⁺": r"$^+$"}
_PROSE = re.compile("|".join(sorted(map(re.escape, _PROSE_SYMBOLS), key=len, reverse=True)))


def latex_prose(text: str) -> str:
    """Prose with inline $…$ math: escape the prose, and write its Unicode symbols as LaTeX."""
    pieces = re.split(r"(\$[^$]*\$)", text)
    return "".join(p if p.startswith("$") else _PROSE.sub(lambda m: _PROSE_SYMBOLS[m.group(0)], math_text_escape(p))
                   for p in pieces)


def _latex_sentence(r: Row, lang: str) -> str:
    text = latex_prose(r.sentence)
    if not r.verified:
        text += f" \\textbf{{({math_text_escape(t('ui.unverified', lang))})}}"
    return text


def _names(group: list[Row]) -> str:
    return " → ".join(dict.fromkeys(r.name for r in group))


def _unique(omitted: list[Omission]) -> list[Omission]:
    seen, out = set(), []
    for o in omitted:
        key = (o.key, o.note, tuple(sorted((k, str(v)) for k, v in o.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(o)
    return out


# -- Markdown -----------------------------------------------------------------------------------------


def render_facts_markdown(facts: Facts, *, lang: str = "en", inline: Callable[[str], str] | None = None,
                          display: Callable[[str], str] | None = None) -> str:
    """Markdown (GitHub flavour by default; pass a flavour's inline/display wrappers for others)."""
    from derivator.present.markdown import display as gh_display, inline as gh_inline

    inline = inline or gh_inline
    display = display or gh_display
    lines = [f"## {t('facts.heading', lang)}", ""]
    if (at := at_defaults_text(facts, lang, lambda e: inline(lmath(e)))) is not None:
        lines += [at, ""]
    if (fx := at_defaults_definition(facts, lmath)) is not None:
        lines += [t("facts.ui.at_defaults_function", lang), "", display(" &= ".join(fx)), ""]
    for f in facts.facts:
        title = t(f"facts.title.{f.key}", lang)
        if f.method == "numeric":
            title += f" ({t('facts.ui.numeric_fact', lang)})"
        lines += [f"### {title}", ""]
        rs = rows(f, facts, lang, lmath, inline, REL_LATEX)
        for g in groups(rs):
            mark = "✓" if all(r.verified for r in g) else f"⚠ {t('ui.unverified', lang)}"
            lines.append(f"- **{_names(g)}** — {t('facts.ui.join', lang).join(r.sentence for r in g)} ({mark})")
            if g[0].rel:
                body = " \\\\\n".join(f"{r.lhs} &{r.rel} {r.rhs}" + (rf" \quad ({r.where})" if r.where else "") for r in g)
                lines += ["", "  " + display(body).replace("\n", "\n  ")]
            lines.append("")
    if facts.omitted:
        lines += [f"### {t('facts.ui.not_established', lang)}", ""]
        lines += [f"- {omission_text(o, lang, lambda e: inline(lmath(e)))}" for o in _unique(facts.omitted)]
        lines.append("")
    return "\n".join(lines)


def render_facts_flavor(facts: Facts, flavor: "Flavor", *, lang: str = "en") -> str:
    """The facts for one Markdown platform: its delimiters and escaping, and paragraphs rather than
    list items (an indented display inside a list item is not math on Zenn, Hatena or WordPress)."""
    from derivator.present.flavors._base import HOLE_CLOSE, HOLE_OPEN, fill

    formulas: list[str] = []

    def hole(tex: str) -> str:
        formulas.append(tex)
        return f"{HOLE_OPEN}{len(formulas) - 1}{HOLE_CLOSE}"

    def prose(text: str) -> str:
        return fill(text, formulas, flavor)

    lines = [flavor.heading(2, flavor.text(t("facts.heading", lang))), ""]
    if (at := at_defaults_text(facts, lang, lambda e: hole(lmath(e)))) is not None:
        lines += [prose(at), ""]
    if (fx := at_defaults_definition(facts, lmath)) is not None:
        lines += [flavor.text(t("facts.ui.at_defaults_function", lang)), "", flavor.display([" &= ".join(fx)]), ""]
    for f in facts.facts:
        title = t(f"facts.title.{f.key}", lang)
        if f.method == "numeric":
            title += f" ({t('facts.ui.numeric_fact', lang)})"
        lines += [flavor.heading(3, flavor.text(title)), ""]
        for g in groups(rows(f, facts, lang, lmath, hole, REL_LATEX)):
            mark = "✓" if all(r.verified for r in g) else f"⚠ {t('ui.unverified', lang)}"
            sentence = prose(t("facts.ui.join", lang).join(r.sentence for r in g))
            lines.append(f"{flavor.strong(flavor.text(_names(g)))} — {sentence} ({flavor.text(mark)})")
            if g[0].rel:
                lines += ["", flavor.display([f"{r.lhs} &{r.rel} {r.rhs}" + (rf" \quad ({r.where})" if r.where else "")
                                              for r in g])]
            lines.append("")
    if facts.omitted:
        lines += [flavor.heading(3, flavor.text(t("facts.ui.not_established", lang))), ""]
        lines += [flavor.bullets([prose(omission_text(o, lang, lambda e: hole(lmath(e)))) for o in _unique(facts.omitted)]), ""]
    return "\n".join(lines)


# -- terminal -------------------------------------------------------------------------------------------


def render_facts_terminal(facts: Facts, *, lang: str = "en", console=None) -> None:
    from derivator.present.console import terminal_console
    from derivator.present.prose import Prose, prose_cells
    from derivator.present.terminal import TABLE_WIDTH, print_stacked_row
    from rich.table import Table
    from rich.text import Text

    console = console or terminal_console()
    console.print(Prose(t("facts.heading_of", lang, f=umath(facts.names.f(facts.derivation.variable))), style="bold"))
    if (at := at_defaults_text(facts, lang, umath)) is not None:
        console.print(Prose(at))
    if (fx := at_defaults_definition(facts, umath)) is not None:
        console.print(Prose(t("facts.ui.at_defaults_function", lang)))
        console.print(Text(" = ".join(fx)))
    for f in facts.facts:
        title = t(f"facts.title.{f.key}", lang)
        if f.method == "numeric":
            title += f" ({t('facts.ui.numeric_fact', lang)})"
        console.print(Prose(title, style="bold underline"))
        if console.width < TABLE_WIDTH:
            for r in rows(f, facts, lang, umath, lambda m: m, REL_UNICODE):
                mark = Text("✓", style="green") if r.verified else Text(f"✗ {t('ui.unverified', lang)}", style="bold red")
                where = f"   ({r.where})" if r.where else ""
                math = f"{r.lhs} {r.rel} {r.rhs}{where}".strip() if r.rel else None
                print_stacked_row(console, math, mark, r.name, r.sentence)
            continue
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(justify="right", style="dim", overflow="fold")
        table.add_column(overflow="fold")  # sentences wrap, never end in "…"
        table.add_column(style="cyan", overflow="fold")
        table.add_column(overflow="fold")
        for r in rows(f, facts, lang, umath, lambda m: m, REL_UNICODE):
            mark = Text("✓", style="green") if r.verified else Text(f"✗ {t('ui.unverified', lang)}", style="bold red")
            if r.rel:
                where = f"   ({r.where})" if r.where else ""
                table.add_row(*prose_cells(Text(r.lhs), Text(f"{r.rel} {r.rhs}{where}"), Text(r.name), mark))
                table.add_row("", Prose(r.sentence, style="italic dim"), "", "")
            else:
                table.add_row(*prose_cells("", Text(r.sentence), Text(r.name), mark))
        console.print(table)
    for o in _unique(facts.omitted):
        console.print(Prose(omission_text(o, lang, umath), style="yellow"))


def facts_terminal_text(facts: Facts, *, lang: str = "en", width: int = 120) -> str:
    from io import StringIO

    from rich.console import Console

    buffer = StringIO()
    render_facts_terminal(facts, lang=lang, console=Console(file=buffer, no_color=True, width=width))
    return buffer.getvalue()
