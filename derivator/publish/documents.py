"""Documents from Jinja2 templates: a LaTeX article, a Beamer lecture, a blog post per Markdown flavour.

The templates live in templates/ (shipped as the package derivator.templates); a user's own template
directory is searched first, so one file can be overridden or a new template added. A template gets a
context of ready-to-paste pieces — the formulas from the shared textbook printer, the words from the
i18n catalogs, already escaped for the target (TeX or the flavour's Markdown) — so templates hold only
layout. LaTeX templates use `\\VAR{…}` and `\\BLOCK{…}` instead of `{{ }}` and `{% %}`, which would
clash with TeX's braces and comments.

Every document holds the definition, the plot, the steps, the output form and the code, and a
`properties` block (empty until the facts of a derivative are derived) that later sections can fill.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import sympy as sp

from derivator import __version__
from derivator.present.codegen import LANGUAGE
from derivator.present.dispatch import render
from derivator.core.errors import DerivatorError
from derivator.core.package_data import templates_dir
from derivator.present.tex import tex_escape, tex_sentence
from derivator.i18n import rule_name, t
from derivator.present.flavors import FLAVORS, flavor_module
from derivator.present.flavors import _base
from derivator.present.latex import parameter_row, parameters_tex, rows as latex_rows, tex_say
from derivator.present.tex_lines import LINE_BUDGET, aligned_rhs, break_tex
from derivator.present.narration import convention_label, lhs_latex, reader_name
from derivator.present.prose import close_up
from derivator.core.printing import to_latex
from derivator.core.trace import Derivation

TEMPLATES = ("article", "beamer", "blog")
# file names in templates/ (and in a user's template directory)
_FILES = {"article": "article.tex", "beamer": "beamer.tex"}
# a slide's line (11pt sans, 128 mm paper) holds about three quarters of an article's math
SLIDE_BUDGET = 0.75 * LINE_BUDGET
STEPS_PER_SLIDE = 3  # a slide holds three displayed steps and the rule block below them
ROWS_PER_SLIDE = 4  # … or fewer, when their lines are broken: four rows of math leave room for the block
SMALL_FONT = 0.9  # \small's size against the slide's own (10 pt against 11 pt)


@dataclass(frozen=True)
class Document:
    text: str
    kind: str  # "tex" or "markdown"
    engine: str | None  # pdflatex or lualatex for .tex
    plot_suffix: str  # the plot file this document refers to: pdf for LaTeX, png for blogs


# --- context ---------------------------------------------------------------------------------------


def _display_name(d: Derivation) -> str:
    return d.name or d.input



def _f_tex(d: Derivation) -> str:
    """The function's own name, σ(x) or tanh(x); f(x) for a plain expression (never "e = e")."""
    named = isinstance(d.function, sp.Function) and d.function.args == (d.variable,)
    if d.name is not None or named:
        return to_latex(d.function)
    return f"f({to_latex(d.variable)})"


def _common(d: Derivation, lang: str, code_format: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "version": __version__,
        "verified": d.verified,
        "has_output_form": d.output_form is not None,
        "code": render(d, code_format, lang),
        "code_format": code_format,
        "code_language": LANGUAGE[code_format],
        # issue 7 fills this with the derived facts (value at 0, maximum, limits, …); templates render
        # their "properties" block only when it is set
        "properties": None,
    }


def latex_context(d: Derivation, lang: str = "en", *, plot: str | None = None, code_format: str = "numpy") -> dict:
    """Everything a LaTeX template needs, as TeX (math without delimiters, text escaped)."""
    lhs = lhs_latex(d)
    name = tex_escape(_display_name(d))
    ctx = _common(d, lang, code_format)
    steps = []
    for i, step in enumerate(d.steps, start=1):
        steps.append({
            "number": i,
            "rule": tex_escape(rule_name(step.rule, lang)),
            "sentence": tex_say(step, lang, display_over=1.5 * LINE_BUDGET),
            "slide_sentence": tex_say(step, lang, display_over=SLIDE_BUDGET),
            "after": to_latex(step.after),
            **_slide_lines(to_latex(step.after)),
            "verified": step.verified,
            "status": tex_escape(t("ui.verified" if step.verified else "ui.unverified", lang)),
        })
    kinks = []
    for k in d.kinks:
        value = f"${to_latex(k.value)}$" if k.value is not None else tex_escape(t("ui.undefined", lang))
        kinks.append(tex_escape(t("ui.kinks", lang)) + ": " + _kink_row(d, k, lang, value))
    ctx.update({
        "name": name,
        "input": tex_escape(d.input),
        "title": tex_escape(t("doc.title", lang, name="\uE000")).replace("\uE000", f"${to_latex(d.function)}$"),
        "function": _f_tex(d),
        "definition": to_latex(d.definition),
        "parameters": parameters_tex(d, lang),
        "lhs": lhs,
        "rows": latex_rows(d, lang),
        "steps": steps,
        "slides": _slides(steps),
        "derivative": to_latex(d.derivative),
        "output_form": to_latex(d.output_form) if d.output_form is not None else None,
        # the same right sides broken to fit, for `lhs &= …` in align*: article lines, then slide lines
        "broken": _broken(d, LINE_BUDGET),
        "on_slide": _broken(d, SLIDE_BUDGET),
        "output_symbol": to_latex(d.output_symbol),
        "kinks": kinks,
        "lemmas": [f"{to_latex(lm.statement_lhs)} = {to_latex(lm.statement_rhs)}" for lm in d.lemmas],
        "status": tex_escape(t("ui.all_verified" if d.verified else "ui.some_unverified", lang)),
        "plot": plot,
        "text": _TextTable(lang, tex_escape),
    })
    return ctx


def _broken(d: Derivation, budget: float) -> dict[str, str | None]:
    """Definition, derivative and output form as align rows' right sides, broken at + or · to fit."""
    return {
        "definition": aligned_rhs(to_latex(d.definition), budget),
        "derivative": aligned_rhs(to_latex(d.derivative), budget),
        "output_form": aligned_rhs(to_latex(d.output_form), budget) if d.output_form is not None else None,
    }


def _slide_lines(tex: str) -> dict:
    """A step's rows on a slide, the first after "=": at the slide's size, or in \\small (a line holds a
    tenth more) when they would not fit one slide otherwise (GELU-tanh's last line took six rows)."""
    lines = break_tex(tex, SLIDE_BUDGET)
    if len(lines) <= ROWS_PER_SLIDE:
        return {"lines": lines, "small": False}
    return {"lines": break_tex(tex, SLIDE_BUDGET / SMALL_FONT), "small": True}


def _slides(steps: list[dict]) -> list[dict]:
    """Steps in groups that fit a slide; each group restates the expression it starts from."""
    groups: list[list[dict]] = []
    rows = 0
    for step in steps:
        # a new slide when this one holds three steps, or its rows (the restated start too) would not fit
        previous = len(groups[-1][-1]["lines"]) if groups else 0
        if not groups or len(groups[-1]) == STEPS_PER_SLIDE or rows + len(step["lines"]) > ROWS_PER_SLIDE:
            groups.append([])
            rows = previous
        groups[-1].append(step)
        rows += len(step["lines"])
    return [{"steps": g, "index": i + 1, "count": len(groups), "previous": _restated(groups, i),
             "small": any(step["small"] for step in g)}
            for i, g in enumerate(groups)]


def _restated(groups: list[list[dict]], i: int) -> dict | None:
    """The step a slide restates before its own, if the two fit the slide together; else None, and the
    slide starts at its first step, `f′(x) = …` (GELU-tanh's four-row lines ran off the slide's bottom)."""
    if not i:
        return None
    previous = groups[i - 1][-1]
    return previous if len(previous["lines"]) + len(groups[i][0]["lines"]) <= ROWS_PER_SLIDE else None


def _kink_row(d: Derivation, k, lang: str, value: str) -> str:
    holes = {"at": f"{to_latex(d.variable)} = {to_latex(k.at)}", "left": to_latex(k.left), "right": to_latex(k.right)}
    formulas = list(holes.values())
    marked = {key: f"\uE000{i}\uE001" for i, key in enumerate(holes)}
    row = tex_sentence(t("ui.kink_row", lang, value="\uE002", convention=convention_label(k, lang), **marked), formulas)
    return row.replace("\uE002", value)


def markdown_context(d: Derivation, flavor: str, lang: str = "en", *, plot: str | None = None,
                     code_format: str = "numpy") -> dict:
    """Everything a blog template needs, in the flavour's own Markdown (math delimited and escaped)."""
    from derivator.publish.plot import labels

    module = flavor_module(flavor)
    f = module.FLAVOR
    names = labels(d)  # (mathtext f, mathtext f', Unicode f, Unicode f'): the alt text reads like the plot
    lhs = lhs_latex(d)
    ctx = _common(d, lang, code_format)
    ctx.update({
        "flavor": flavor,
        "name": reader_name(d, lang),
        "title": close_up(t("doc.title", lang, name=reader_name(d, lang))),
        "function": f.inline(to_latex(d.function)),
        # the parameters stated above the definition they are in (λ > 0: softshrink's cases hold for it)
        "definition": f.display([*map(parameter_row, d.parameters), f"{_f_tex(d)} &= {to_latex(d.definition)}"]),
        "derivation": render(d, "markdown", lang, flavor=flavor),
        "result": f.display([f"{lhs} &= {to_latex(d.derivative)}"]),
        "output_form": (f.display([f"{lhs} &= {to_latex(d.output_form)}"])
                        if d.output_form is not None else None),
        "output_symbol": f.inline(f"{to_latex(d.output_symbol)} = {_f_tex(d)}"),
        "lemmas": [f.inline(f"{to_latex(lm.statement_lhs)} = {to_latex(lm.statement_rhs)}") for lm in d.lemmas],
        "plot": f.image(f.text(t("plot.title", lang, f=names[2], df=names[3])), plot) if plot else None,
        "code_block": f.code(ctx["code_language"], ctx["code"]),
        "heading": f.heading,
        "status": _base.status_line(d, lang, f),
        "text": _TextTable(lang, f.text),
    })
    return ctx


class _TextTable:
    """`text.definition` in a template: the i18n word for doc.definition, escaped for the target."""

    def __init__(self, lang: str, escape) -> None:
        self._lang, self._escape = lang, escape

    def __getattr__(self, key: str) -> str:
        # (the sandbox asks every callable for these two; a catalog word would read as "yes, unsafe")
        if key.startswith("_") or key in ("unsafe_callable", "alters_data"):
            raise AttributeError(key)
        return self._escape(t(f"doc.{key}", self._lang))

    def __call__(self, key: str, **params: str) -> str:
        return self._escape(close_up(t(key, self._lang, **params)))


# --- environments ----------------------------------------------------------------------------------


def builtin_templates() -> Path:
    return templates_dir()


def _loader(template_dir: Path | None) -> jinja2.BaseLoader:
    loaders = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise DerivatorError(f"template directory {template_dir} does not exist",
                                 hint="pass a folder holding article.tex, beamer.tex or blog/*.md")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates())))
    return jinja2.ChoiceLoader(loaders)


def _environment_class(template_dir: Path | None, trusted: bool) -> type[jinja2.Environment]:
    """A user's template folder is rendered in Jinja2's sandbox unless --trust-templates: a template
    downloaded with a theme must not read files or run code (`cycler.__init__.__globals__.os`)."""
    if template_dir is None or trusted:
        return jinja2.Environment
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment


def latex_environment(template_dir: Path | None = None, *, trusted: bool = False) -> jinja2.Environment:
    # TeX-friendly delimiters; StrictUndefined so a typo in a template fails instead of printing nothing
    env = _environment_class(template_dir, trusted)(
        loader=_loader(template_dir),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_statement_prefix="%%", line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )
    env.filters["tex"] = tex_escape
    return env


def markdown_environment(template_dir: Path | None = None, *, trusted: bool = False) -> jinja2.Environment:
    env = _environment_class(template_dir, trusted)(loader=_loader(template_dir), trim_blocks=True, lstrip_blocks=True,
                             autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    # a JSON string is a YAML double-quoted scalar: safe for any title in front matter
    env.filters["yaml_str"] = lambda s: json.dumps(str(s), ensure_ascii=False)
    return env


def _get(env: jinja2.Environment, names: list[str], template: str) -> jinja2.Template:
    try:
        return env.select_template(names)
    except jinja2.TemplatesNotFound:
        raise DerivatorError(f"no template {template!r}", hint="use " + ", ".join(TEMPLATES)
                             + ", notebook, or a file of yours with --templates") from None
    except jinja2.TemplateSyntaxError as err:
        raise DerivatorError(f"template error: {err.message}", where=f"{err.filename}:{err.lineno}") from None


def _render(tpl: jinja2.Template, ctx: dict, template: str) -> str:
    """tpl.render, with every failure of the template itself (a missing include, an unsafe attribute in
    the sandbox, 1/0, a recursive macro) as one line naming the template file and line."""
    try:
        return tpl.render(**ctx)
    except MemoryError:
        raise
    except jinja2.TemplateSyntaxError as err:
        raise DerivatorError(f"template error: {err.message}", where=f"{err.filename}:{err.lineno}") from None
    except (jinja2.TemplateError, Exception) as err:  # noqa: BLE001 — a template is a program of its own
        message = getattr(err, "message", None) or str(err) or type(err).__name__
        if isinstance(err, jinja2.TemplateNotFound):
            message = f"no template {err.name!r} (included or extended)"
        elif not isinstance(err, jinja2.TemplateError):
            message = f"{type(err).__name__}: {message}"
        raise DerivatorError(f"template error: {' '.join(str(message).split())[:300]}", where=_template_line(err, tpl, template),
                             hint="fix the template, or leave --templates out") from None


def _template_line(err: BaseException, tpl: jinja2.Template, template: str) -> str:
    """file:line of the innermost template frame of a failure (Jinja2 maps its frames to template lines)."""
    import traceback

    frames = [f for f in traceback.extract_tb(err.__traceback__) if not f.filename.endswith(".py")]
    if frames:
        return f"{frames[-1].filename}:{frames[-1].lineno}"
    return tpl.filename or template


# --- documents -------------------------------------------------------------------------------------


def render_document(d: Derivation, template: str = "article", *, lang: str = "en", flavor: str = "github",
                    template_dir: Path | None = None, plot: str | None = None,
                    code_format: str = "numpy", facts=None, trust_templates: bool = False) -> Document:
    """Render one document; `plot` is the file name the document refers to (None: no graph); `facts`
    (derivator.analysis.facts.Facts) fills the templates' `properties` block."""
    template_dir = Path(template_dir) if template_dir else None
    user_tex = template_dir is not None and (template_dir / f"{template}.tex").is_file()
    if template in _FILES or user_tex:
        if lang != "ja":
            _refuse_names_pdflatex_cannot_set(d)
        env = latex_environment(template_dir, trusted=trust_templates)
        tpl = _get(env, [_FILES.get(template, f"{template}.tex")], template)
        ctx = latex_context(d, lang, plot=plot, code_format=code_format)
        if facts is not None:
            from derivator.present.facts_doc import properties_latex

            ctx["properties"] = properties_latex(facts, lang, slide=template == "beamer")
        text = _render(tpl, ctx, template)
        return Document(text.lstrip("\n"), "tex", "lualatex" if lang == "ja" else "pdflatex", "pdf")
    if flavor not in FLAVORS:
        flavor_module(flavor)  # raises the one-line error
    env = markdown_environment(template_dir, trusted=trust_templates)
    names = [f"blog/{flavor}.md", "blog/base.md"] if template == "blog" else [f"{template}.md", template]
    tpl = _get(env, names, template)
    ctx = markdown_context(d, flavor, lang, plot=plot, code_format=code_format)
    if facts is not None:
        from derivator.present.facts_doc import properties_markdown

        ctx["properties"] = properties_markdown(facts, flavor, lang)
    text = _render(tpl, ctx, template)
    return Document(text, "markdown", None, "png")


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def side_file(out: Path, suffix: str) -> Path:
    """The plot beside a document: report.tex → report-plot.pdf. Its name is written into the document
    (\\includegraphics, an image link), so it keeps only letters, digits, '.', '_' and '-' of the
    document's name: no TeX or Markdown in it can break out of the reference."""
    stem = _SAFE_NAME.sub("_", out.stem).strip("._") or "document"
    return out.with_name(f"{stem[:200]}-plot.{suffix}")


def refuse_foreign_side_file(path: Path, force: bool) -> None:
    """A side file that exists but that derivator did not draw (no mark in its metadata) is someone
    else's: it is replaced only with --force, and a non-regular one (FIFO, device, folder) never."""
    import stat

    from derivator.publish.plot import made_by_derivator

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as err:
        raise DerivatorError(f"cannot write the plot {os.fspath(path)!r}: {err.strerror}") from None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise DerivatorError(f"the plot file {os.fspath(path)!r} exists and is not a regular file",
                             hint="move it away, or write the document under another name")
    if not force and not made_by_derivator(path):
        raise DerivatorError(f"{os.fspath(path)!r} exists and was not made by derivator",
                             hint="the document's plot goes there: move it away, or pass --force to replace it")


def _refuse_names_pdflatex_cannot_set(d: Derivation) -> None:
    """pdflatex has no glyph for a symbol named σ, neither in math nor in the code listing: say so in one
    line instead of writing an article that does not compile (sigma prints as σ; lualatex has the glyph)."""
    odd = sorted(s.name for s in d.definition.free_symbols | {d.variable} if not s.name.isascii())
    if odd:
        which = "--var" if d.variable.name in odd else "the symbol"
        raise DerivatorError(f"{which} {odd[0]!r} is not ASCII: pdflatex cannot set it in the document",
                             hint="spell Greek letters out (--var sigma prints as σ), or use --lang ja (lualatex)")


def _refuse_unwritable(out: Path) -> None:
    """What would make writing the document fail whatever it holds: a folder there, no folder to put it
    in, a name longer than the file system allows."""
    if os.path.isdir(out):
        raise DerivatorError(f"cannot write to {str(out)!r}: it is a directory", hint="name a file")
    folder = out.parent
    if not os.path.isdir(folder):
        raise DerivatorError(f"cannot write to {str(out)!r}: there is no folder {str(folder)!r}",
                             hint="create the folder first")
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(os.fsencode(out.name)) > limit:
        raise DerivatorError(f"cannot write to {str(out)[:60]!r}…: file name too long (over {limit} bytes)",
                             hint="choose a shorter name")


def write_document(d: Derivation, out: Path, template: str = "article", *, lang: str = "en",
                   flavor: str = "github", template_dir: Path | None = None, code_format: str = "numpy",
                   with_plot: bool = True, facts=None, force: bool = False,
                   trust_templates: bool = False) -> list[Path]:
    """Write the document and, beside it, the plot it refers to, each through the atomic writer.
    Returns the files written."""
    from derivator.core.files import atomic_write_text
    from derivator.publish.plot import plot as draw

    out = Path(out)
    _refuse_unwritable(out)  # before the plot is drawn beside it: never a plot without its document
    probe = render_document(d, template, lang=lang, flavor=flavor, template_dir=template_dir,
                            code_format=code_format, trust_templates=trust_templates)
    written = []
    plot_name = None
    plot_path = side_file(out, probe.plot_suffix) if with_plot else None
    if plot_path is not None:
        refuse_foreign_side_file(plot_path, force)
        plot_name = plot_path.name
    doc = render_document(d, template, lang=lang, flavor=flavor, template_dir=template_dir, plot=plot_name,
                          code_format=code_format, facts=facts, trust_templates=trust_templates)
    if plot_path is not None:
        draw(d, plot_path, lang=lang)
        written.append(plot_path)
    atomic_write_text(out, doc.text)
    return [out, *written]


# --- the `derivator doc` command's work (run inside the sandbox) ------------------------------------


def run_doc(expression: str, options: dict) -> tuple[str | None, list[str]]:
    """Derive and write one document. Returns (text to print or None, files written)."""
    from derivator.pipeline import derive

    o = options
    d = derive(expression, o["var"], params=o["params"], at_kink=o["at_kink"])
    d.require_complete()  # a document is for publishing: its plot, code and facts need the whole derivative
    out = Path(o["output"]) if o.get("output") else None
    found = None
    if o.get("facts"):  # the `properties` block (issue 7): f′(0), max f′, limits, range, …
        from derivator.analysis.facts import facts

        found = facts(d, params=o["params"])
    if o["template"] == "notebook":
        import nbformat

        from derivator.publish.notebook import build_notebook

        properties = None
        if found is not None:
            from derivator.present.facts_doc import properties_markdown

            properties = properties_markdown(found, "jupyter", o["lang"])
        nb = build_notebook(d, lang=o["lang"], properties=properties)
        nbformat.validate(nb)
        if out is None:
            return nbformat.writes(nb), []
        from derivator.core.files import atomic_write_text

        atomic_write_text(out, nbformat.writes(nb) + "\n")
        return None, [str(out)]
    common = dict(lang=o["lang"], flavor=o["flavor"], template_dir=o.get("templates"), code_format=o["code"],
                  facts=found, trust_templates=o.get("trust_templates", False))
    if out is None:
        return render_document(d, o["template"], **common).text, []
    return None, [str(p) for p in write_document(d, out, o["template"], force=o.get("force", False), **common)]
