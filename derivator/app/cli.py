"""The command line: a thin typer app. `derivator NAME_OR_EXPR` is `derivator derive NAME_OR_EXPR`.

Heavy imports (SymPy, the engine, renderers) happen inside the commands, so `--help`, `--version`
and cache hits stay fast. Every failure caused by the input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, List, NoReturn, Optional

import typer

from derivator import __version__
from derivator.core.errors import DerivatorError, PartialDerivationError
from derivator.i18n import LANGS, t
from derivator.parse.syntax import SYNTAXES
from derivator.present.dispatch import CODE_FORMATS, TEXT_FORMATS
from derivator.present.flavors import FLAVORS

app = typer.Typer(
    add_completion=True,  # --install-completion, --show-completion (bash, zsh, fish, PowerShell)
    # plain help, as click writes it: a flag shows no value type (typer's rich help writes <bool> for it)
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Verified, step-by-step derivations: `derivator sigmoid --format latex`, `derivator \"x*tanh(x)\"`.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


# every choice comes from its registry, so a new language, flavour or format needs no edit here
CHOICES = {"Format": TEXT_FORMATS, "ListFormat": ("terminal", "json"), "DeriveFormat": TEXT_FORMATS + CODE_FORMATS,
           "CodeFormat": CODE_FORMATS, "Lang": LANGS, "Flavor": FLAVORS}


def choice(values: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in values:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)}")
        return value

    return parse


def completions(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    """What the shell offers after the option (`--format la<TAB>`)."""
    return lambda incomplete: [v for v in values if v.startswith(incomplete)]


def metavar(values: tuple[str, ...]) -> str:
    return "[" + "|".join(values) + "]"


def choose(values: tuple[str, ...]) -> dict[str, Any]:
    """An option taking one of `values`: checked, shown as [a|b|c] in --help, completed by the shell."""
    return {"parser": choice(values), "metavar": metavar(values), "autocompletion": completions(values)}


def refuse_unless(applies: bool, option: str, needs: str, hint: str | None = None) -> None:
    """An option that does not apply to the chosen format is refused in one line (exit 2), never ignored:
    `--standalone` without `--format latex` would otherwise print something other than what was asked."""
    if not applies:
        raise DerivatorError(f"{option} applies only {needs}",
                             hint=hint or f"add {needs.removeprefix('with ')}, or leave {option} out")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"derivator {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """derivator: derive, verify and render derivatives step by step."""


def _params(values: list[str] | None) -> dict[str, str]:
    params = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise DerivatorError(f"--param expects name=value, got {item!r}", hint="e.g. --param alpha=0.2")
        name = name.strip()
        if name in params:  # silently keeping one of two values would derive something the user did not ask
            raise DerivatorError(f"--param {name} is given twice ({params[name]!r} and {value.strip()!r})",
                                 hint="give each parameter once")
        params[name] = value.strip()
    return params


def write_output(text: str, output: Path | None) -> None:
    """Print, or write atomically to --output (a reader never sees a half-written file); "-" is stdout."""
    from derivator.app.fsutil import write_output_text

    write_output_text(output, text)


# Limits on work done on untrusted input (derivator.app.sandbox); shared by the commands that read input.
TIMEOUT_HELP = ("Seconds of CPU work for the whole command: derivation, facts, plot and document share it "
                "(default 5, or $DERIVATOR_TIMEOUT; 0: no limit).")
CHECK_TIMEOUT_HELP = "Seconds of CPU work per input file (default 5, or $DERIVATOR_TIMEOUT; 0: no limit)."
MEMORY_HELP = "Memory allowed per input, e.g. 512M or 2G (default 1G, or $DERIVATOR_MAX_MEMORY; 0: no limit)."


@app.command()
def derive(
    expression: str = typer.Argument(..., metavar="NAME_OR_EXPR", help="A catalog name (sigmoid, relu, …), an expression such as 'x**2*exp(-x)' or '3x', or LaTeX such as '\\frac{1}{1+e^{-x}}'."),
    format: str = typer.Option("terminal", "--format", "-f", **choose(CHOICES["DeriveFormat"]), help="Output format; numpy, torch, python, jax, csharp: code for f and f′."
    ),
    flavor: str = typer.Option("github", "--flavor", **choose(CHOICES["Flavor"]), help="With --format markdown: the platform it is pasted into."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language of the narration (generated code stays in English)."),
    var: str = typer.Option("x", "--var", metavar="NAME", help="The variable to differentiate by."),
    order: int = typer.Option(1, "--order", "-n", metavar="N", help="Order of the derivative."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE", help="Catalog parameter, name=value (repeatable)."),
    at_kink: Optional[str] = typer.Option(None, "--at-kink", metavar="CONVENTION", help="Value used at kinks: left, right, mean or undefined."),
    standalone: bool = typer.Option(False, "--standalone", help="With --format latex: a compilable document."),
    expand_lemmas: bool = typer.Option(
        False, "--expand-lemmas", help="Derive the cited results too (σ′ for Swish), before the main derivation."
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to this file (atomically)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=TIMEOUT_HELP),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the result cache."),
    facts: bool = typer.Option(
        False, "--facts", help="Also derive the facts lecturers quote: f′(0), max f′, limits, range, monotonicity, kinks."
    ),
    # (Annotated: a plain default, so a caller that predates the option still gets "auto")
    syntax: Annotated[str, typer.Option(
        "--syntax", **choose(SYNTAXES),
        help="How the expression is spelt: auto (LaTeX when it has a backslash or a brace), text (SymPy's) or latex.")] = "auto",
) -> None:
    """Derive NAME_OR_EXPR step by step, verify every step, and render the trace."""
    # SymPy is imported only in the worker, after the cache: a cache hit costs a fraction of `import sympy`.
    from derivator.app import cache
    from derivator.app.sandbox import limits_from, run_limited

    if not var.isidentifier() or var.startswith("_"):
        raise DerivatorError(f"--var {var!r} is not a variable name", hint="use a name such as x or z")
    params = _params(param)
    limits = limits_from(timeout, max_memory, default_timeout=DEFAULT_TIMEOUT * (FACTS_TIME_FACTOR if facts else 1))
    if format in CODE_FORMATS and (facts or expand_lemmas):
        raise DerivatorError(f"--format {format} writes code", hint="--facts and --expand-lemmas go with text formats")
    refuse_unless(not standalone or format == "latex", "--standalone", "with --format latex")
    refuse_unless(flavor == "github" or format == "markdown", f"--flavor {flavor}", "with --format markdown")
    to_terminal = format == "terminal" and output is None  # rich output depends on the terminal: not cached
    options = {"format": format, "lang": lang, "var": var, "order": order, "params": params,
               "at_kink": at_kink, "standalone": standalone, "expand_lemmas": expand_lemmas}
    if flavor != "github":
        options["flavor"] = flavor  # (only when set, so existing cache keys stay valid)
    if syntax != "auto":
        options["syntax"] = syntax  # (likewise)
    if facts:
        options["facts"] = True
    key = None if to_terminal or no_cache else cache.key("derive", expression, options)
    text = cache.get(key) if key else None
    if text is None:
        try:
            text, budgeted = run_limited(_with_budget_record, _derive_rendered, expression, options, to_terminal,
                                         limits=limits)
        except PartialDerivationError as partial:
            # the derivation up to the part without a rule is printed (never cached), then the error
            if partial.output is not None:
                write_output(partial.output, output)
            raise
        if key and text is not None and not budgeted:
            cache.put(key, text)
            cache.put_argv(text)  # the same output under the literal command line: see cache.serve
    if text is not None:
        write_output(text, output)


def _with_budget_record(work, *args):
    """(work(*args), whether a time budget ran out during it). A result shaped by a budget (a fact left
    out, a form not found in time) is not cached: the same request may well finish next time."""
    from derivator.core import budget

    before = budget.expirations()
    result = work(*args)
    return result, budget.expirations() > before


def _derive_rendered(expression: str, options: dict, to_terminal: bool) -> str | None:
    """The work on the input, run inside the sandbox: parse, derive, verify, render."""
    from derivator.pipeline import derive as run

    o = options
    d = run(expression, o["var"], order=o["order"], params=o["params"], at_kink=o["at_kink"],
            syntax=o.get("syntax", "auto"))
    if d.partial:
        _partial(d, o, to_terminal)
    if o.get("facts"):
        from derivator.analysis.facts import facts
        from derivator.present.dispatch import render_with_facts

        return render_with_facts(d, facts(d, params=o["params"]), o["format"], o["lang"],
                                 standalone=o["standalone"], to_terminal=to_terminal, flavor=o.get("flavor", "github"))
    if o.get("expand_lemmas"):
        from derivator.present.dispatch import render_with_lemmas

        return render_with_lemmas(d, o["format"], o["lang"], standalone=o["standalone"], to_terminal=to_terminal)
    if to_terminal:
        from derivator.present.terminal import render_terminal

        render_terminal(d, lang=o["lang"])
        return None
    from derivator.present.dispatch import render

    return render(d, o["format"], o["lang"], standalone=o["standalone"], flavor=o.get("flavor", "github"))


def _partial(d, options: dict, to_terminal: bool) -> NoReturn:
    """A part has no rule: what was derived is rendered with that part marked, and travels back with the
    error (exit code 2; the README says why). Facts need the whole derivative and are left out; code
    formats refuse before anything is printed."""
    o = options
    text = None
    if to_terminal:
        from derivator.present.terminal import render_terminal

        render_terminal(d, lang=o["lang"])
    elif o.get("expand_lemmas"):
        from derivator.present.dispatch import render_with_lemmas

        text = render_with_lemmas(d, o["format"], o["lang"], standalone=o["standalone"])
    else:
        from derivator.present.dispatch import render

        text = render(d, o["format"], o["lang"], standalone=o["standalone"], flavor=o.get("flavor", "github"))
    from derivator.core.trace import no_rule_for

    raise PartialDerivationError(no_rule_for(d.unknown_parts[0]), output=text,
                                 hint="the derivation up to it is in the output, that part marked; please report the expression")


@app.command("list")
def list_(
    format: str = typer.Option("terminal", "--format", "-f", **choose(CHOICES["ListFormat"]), help="terminal or json."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language of the titles."),
    verify: bool = typer.Option(False, "--verify", help="Self-check: derive and verify every entry (exit 1 if one fails)."),
    jobs: int = typer.Option(1, "--jobs", "-j", metavar="N", help="With --verify: entries at a time (0: one per CPU core)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=CHECK_TIMEOUT_HELP.replace("file", "entry")),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
) -> None:
    """List every function derivator knows: formula, aliases, output form, kinks and PyTorch's value there."""
    from derivator import catalog

    for given, option in ((jobs != 1, "--jobs"), (timeout is not None, "--timeout"), (max_memory is not None, "--max-memory")):
        refuse_unless(verify or not given, option, "with --verify")
    # the JSON holds both titles and the self-check has none: only the table speaks a language
    refuse_unless(lang == "en" or (format == "terminal" and not verify), f"--lang {lang}", "to the table",
                  hint=f"the JSON has the titles in every language; leave --lang {lang} out")

    if verify:
        raise typer.Exit(_verify_catalog([e.name for e in catalog.entries()], format, jobs, timeout, max_memory))
    if format == "json":
        import json

        typer.echo(json.dumps([catalog.describe(e) for e in catalog.entries()], ensure_ascii=False, indent=2))
        return
    import sympy as sp
    from derivator.present.console import terminal_console, unclipped
    from derivator.present.prose import prose_cells
    from rich.table import Table
    from rich.text import Text

    from derivator.core.printing import to_unicode
    from derivator.pipeline import kink_positions

    x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
    table = Table(*(t(f"list.{column}", lang) for column in ("name", "formula", "aliases", "output_form", "kinks")),
                  show_lines=False)
    for e in catalog.entries():
        title = e.title_ja if lang == "ja" else e.title
        formula = to_unicode(catalog.definition(e, x, symbolic=True))
        form = catalog.output_form(e, y, symbolic=True)
        jumps = kink_positions(e.name)  # at the default parameters; smooth joins are no kinks
        # where the parameters' symbols, as `derivator NAME` writes them (a, b; −λ, λ)
        written = {id(b): at for at, b in catalog.breakpoints(e, symbolic=True)}
        kinks = ", ".join(f"{to_unicode(written[id(b)])} ({t(f'convention.{b.convention}', lang)}"
                          f"{t('convention.jump', lang) if b.jump else ''})"
                          for at, b in catalog.breakpoints(e) if any(sp.simplify(at - k) == 0 for k in jumps))
        table.add_row(*prose_cells(
            Text.assemble((e.name, "bold"), "\n", (title, "dim")),
            Text(formula),
            Text(", ".join(e.aliases)),  # every alias, wrapped in its column: a cut list hides names that work
            Text(to_unicode(form) if form is not None else "—"),
            Text(kinks or "—"),
        ))
    terminal_console().print(unclipped(table))


def _verify_catalog(names: list[str], format: str, jobs: int, timeout: float | None, max_memory: str | None) -> int:
    """`list --verify`: each entry derived and verified in its own sandboxed worker, `jobs` at a time."""
    import json

    from derivator.app.batch import jobs_count, verify_catalog
    from derivator.app.sandbox import limits_from

    limits = limits_from(timeout, max_memory)
    results = verify_catalog(names, jobs=jobs_count(jobs, limits.max_memory), limits=limits)
    rows = [r.rendered or {"name": r.name, "verified": False, "steps": 0, "unverified": [], "error": r.error}
            for r in results]
    for row, r in zip(rows, results):
        row["seconds"] = round(r.seconds, 2)
    if format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from derivator.present.console import terminal_console, unclipped
        from rich.table import Table

        table = Table("name", "verified", "steps", "seconds", "problem")
        for row in rows:
            problem = row.get("error") or ", ".join(row["unverified"])
            table.add_row(row["name"], "[green]yes[/green]" if row["verified"] else "[bold red]no[/bold red]",
                          str(row["steps"]), f"{row['seconds']:.2f}", problem)
        terminal_console().print(unclipped(table))
    return 0 if all(row["verified"] for row in rows) else 1


@app.command()
def loss(
    name: str = typer.Argument(..., metavar="LOSS", help="bce, mse, softmax or softmax-ce (also cross-entropy, BCEWithLogitsLoss)."),
    format: str = typer.Option("terminal", "--format", "-f", **choose(CHOICES["Format"]), help="Output format."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language of the narration."),
    flavor: str = typer.Option("github", "--flavor", **choose(CHOICES["Flavor"]), help="With --format markdown: the platform it is pasted into."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to this file (atomically)."),
) -> None:
    """Derive a loss gradient with indices: BCE on a sigmoid (σ(z) − y), MSE on a sigmoid, the softmax
    Jacobian s_i(δ_ij − s_j), softmax with cross-entropy (p_i − y_i)."""
    from derivator.analysis.losses import derive_loss
    from derivator.present.dispatch import render

    refuse_unless(flavor == "github" or format == "markdown", f"--flavor {flavor}", "with --format markdown")
    d = derive_loss(name)
    if format == "terminal" and output is None:
        from derivator.present.terminal import render_terminal

        render_terminal(d, lang=lang)
        return
    write_output(render(d, format, lang, flavor=flavor), output)


@app.command()
def check(
    files: List[str] = typer.Argument(..., metavar="FILE", help="Post, notes or .tex file(s) to check; '-' reads stdin."),
    format: str = typer.Option("terminal", "--format", "-f", **choose(CHOICES["Format"]), help="Output format."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language of the report."),
    flavor: str = typer.Option("github", "--flavor", **choose(CHOICES["Flavor"]), help="With --format markdown: the platform the report is pasted into."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to this file (atomically)."),
    jobs: int = typer.Option(1, "--jobs", "-j", metavar="N", help="Check this many files at a time (0: one per CPU core; never more than the cores)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=CHECK_TIMEOUT_HELP),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) when an equation is left unchecked, too: for CI."),
) -> None:
    """Judge a hand-written derivation line by line. Exit 0: every claim holds; 1: a line is wrong or does
    not follow (with --strict: or is unchecked); 2: the input cannot be read."""
    # each file in its own sandboxed worker (time and memory limits), rendered there: SymPy stays out of here
    from derivator.app.batch import check_files, jobs_count
    from derivator.app.fsutil import refuse_overwriting_input
    from derivator.app.sandbox import limits_from

    refuse_unless(flavor == "github" or format == "markdown", f"--flavor {flavor}", "with --format markdown")
    refuse_overwriting_input(output, files)  # check never writes to what it reads
    to_terminal = format == "terminal" and output is None
    limits = limits_from(timeout, max_memory)
    reports = check_files(files, format=format, lang=lang, flavor=flavor, jobs=jobs_count(jobs, limits.max_memory),
                          limits=limits, to_terminal=to_terminal)
    for report in reports:
        if report.error is not None:
            say_error(error_line(report.error, lang))
    readable = [r for r in reports if r.error is None]
    if readable:
        if to_terminal:
            for report in readable:
                sys.stdout.write(report.rendered)
        elif format == "json":
            import json

            body = readable[0].rendered if len(readable) == 1 else [r.rendered for r in readable]
            write_output(json.dumps(body, ensure_ascii=False, indent=2), output)
        else:
            write_output("\n".join(r.rendered for r in readable), output)
    code = max(r.exit_code for r in reports)
    if strict and code == 0 and any(r.unchecked for r in reports):
        code = 1
    raise typer.Exit(code)


FACTS_TIME_FACTOR = 3  # facts take a second derivation, limits and solving: their default is 3 times a derivation's


DEFAULT_TIMEOUT = 5.0  # seconds of CPU work for a derivation; the other commands' defaults are multiples


@app.command()
def compare(
    names: List[str] = typer.Argument(..., metavar="NAME_OR_EXPR", help="Catalog names or expressions, e.g. step sigmoid tanh relu gelu swish."),
    format: str = typer.Option("terminal", "--format", "-f", **choose(CHOICES["Format"]), help="Output format."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language of the table."),
    flavor: str = typer.Option("github", "--flavor", **choose(CHOICES["Flavor"]), help="With --format markdown: the platform it is pasted into."),
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE", help="Also draw every derivative on one figure (.svg, .png or .pdf)."),
    standalone: bool = typer.Option(False, "--standalone", help="With --format latex: a compilable document."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the table to this file (atomically)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=TIMEOUT_HELP.replace("(default 5", "(default 15 per function")),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the result cache."),
) -> None:
    """The facts of several functions side by side (f′(0), largest slope, limits, range, monotonicity, kinks,
    the bound through n layers), each derived and checked as `derivator NAME --facts` does."""
    from derivator.app.sandbox import limits_from, run_limited

    refuse_unless(not standalone or format == "latex", "--standalone", "with --format latex")
    refuse_unless(flavor == "github" or format == "markdown", f"--flavor {flavor}", "with --format markdown")
    limits = limits_from(timeout, max_memory, default_timeout=DEFAULT_TIMEOUT * FACTS_TIME_FACTOR * len(names))
    to_terminal = format == "terminal" and output is None
    options = {"format": format, "lang": lang, "standalone": standalone,
               "plot": str(plot) if plot is not None else None}
    if flavor != "github":
        options["flavor"] = flavor  # (only when set, so existing cache keys stay valid)
    from derivator.app import cache

    # the table is cached like a derivation; a run that draws a plot (a file) or prints rich output is not
    key = None if to_terminal or plot is not None or no_cache else cache.key("compare", "\n".join(names), options)
    text = cache.get(key) if key else None
    if text is None:
        text, budgeted = run_limited(_with_budget_record, _compare_rendered, list(names), options, to_terminal,
                                     limits=limits)
        if key and text is not None and not budgeted:
            cache.put(key, text)
    if text is not None:
        write_output(text, output)


def _compare_rendered(names: list[str], options: dict, to_terminal: bool) -> str | None:
    """Inside the sandbox: derive each function, establish its facts, render the table (and the plot)."""
    from derivator.present import compare as cmp

    if options["plot"] and Path(options["plot"]).suffix.lower() not in (".svg", ".png", ".pdf"):
        raise DerivatorError(f"cannot write a plot as {Path(options['plot']).name}", hint="use a .svg, .png or .pdf file name")
    cols = cmp.columns(names)
    if options["plot"]:
        from derivator.publish.plot import plot_overlay

        plot_overlay(cols, options["plot"], lang=options["lang"])
    if to_terminal:
        cmp.render_terminal(cols, options["lang"])
        return None
    from derivator.present.dispatch import render

    return render(cols, options["format"], options["lang"], standalone=options["standalone"],
                  flavor=options.get("flavor", "github"))


DOC_TIME_FACTOR = 6  # a document adds matplotlib and the plot to the derivation: its default is 6 times


@app.command()
def doc(
    expression: str = typer.Argument(..., metavar="NAME_OR_EXPR", help="A catalog name or an expression."),
    template: str = typer.Option("article", "--template", "-t", metavar="TEMPLATE", help="article, beamer, blog, notebook, or one of yours (--templates)."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language (ja: compile with lualatex)."),
    flavor: str = typer.Option("github", "--flavor", **choose(CHOICES["Flavor"]), help="With --template blog: the platform."),
    templates: Optional[Path] = typer.Option(None, "--templates", metavar="FOLDER", help="Your template folder, searched before derivator's."),
    code: str = typer.Option("numpy", "--code", **choose(CHOICES["CodeFormat"]), help="Language of the code section."),
    var: str = typer.Option("x", "--var", metavar="NAME", help="The variable to differentiate by."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE", help="Catalog parameter, name=value (repeatable)."),
    at_kink: Optional[str] = typer.Option(None, "--at-kink", metavar="CONVENTION", help="Value used at kinks: left, right, mean or undefined."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write here, with the graph beside it (NAME-plot.pdf/.png)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=TIMEOUT_HELP.replace("(default 5", "(default 30, 90 with --facts")),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
    facts: bool = typer.Option(False, "--facts", help="Add the properties section/slide: f′(0), max f′, limits, range, …"),
    force: bool = typer.Option(False, "--force", help="Replace a plot file beside the document that derivator did not make."),
    trust_templates: bool = typer.Option(False, "--trust-templates", help="Render --templates without Jinja2's sandbox (only for templates you wrote)."),
) -> None:
    """A document from templates/: a LaTeX article, a Beamer lecture, a blog post or a Jupyter notebook,
    holding the definition, the graph, the steps, the output form and the code."""
    from derivator.publish.documents import run_doc
    from derivator.app.sandbox import limits_from, run_limited

    if not var.isidentifier() or var.startswith("_"):
        raise DerivatorError(f"--var {var!r} is not a variable name", hint="use a name such as x or z")
    # derivator's own templates that have no platform, or no choice of code (a template of yours may use both)
    refuse_unless(flavor == "github" or template not in ("article", "beamer", "notebook"), f"--flavor {flavor}",
                  "with --template blog")
    refuse_unless(code == "numpy" or template != "notebook", f"--code {code}", "with --template article, beamer or blog")
    options: dict[str, Any] = {"template": template, "lang": lang, "flavor": flavor, "code": code, "var": var,
               "params": _params(param), "at_kink": at_kink, "output": str(output) if output else None,
               "templates": str(templates) if templates else None}
    if force:
        options["force"] = True
    if trust_templates:
        options["trust_templates"] = True
    default = DEFAULT_TIMEOUT * DOC_TIME_FACTOR * (FACTS_TIME_FACTOR if facts else 1)
    limits = limits_from(timeout, max_memory, default_timeout=default)
    if facts:
        options["facts"] = True
    text, written = run_limited(run_doc, expression, options, limits=limits)
    if text is not None:
        write_output(text, None)
        if template != "notebook":
            typer.echo(f"derivator: {t('doc.plot_hint', lang)}", err=True)
    for path in written:
        typer.echo(f"derivator: wrote {path}", err=True)


@app.command()
def plot(
    expression: str = typer.Argument(..., metavar="NAME_OR_EXPR", help="A catalog name or an expression."),
    output: Path = typer.Option(..., "--output", "-o", metavar="FILE", help="The figure: .svg, .png or .pdf."),
    lang: str = typer.Option("en", "--lang", "-l", **choose(CHOICES["Lang"]), help="Language of the labels (ja: a CJK font is required)."),
    var: str = typer.Option("x", "--var", metavar="NAME", help="The variable."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE", help="Catalog parameter, name=value (repeatable)."),
    at_kink: Optional[str] = typer.Option(None, "--at-kink", metavar="CONVENTION", help="Value used at kinks: left, right, mean or undefined."),
    xmin: float = typer.Option(-6.0, "--xmin", metavar="X", help="Left end of the x axis."),
    xmax: float = typer.Option(6.0, "--xmax", metavar="X", help="Right end of the x axis."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=TIMEOUT_HELP.replace("(default 5", "(default 30")),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
) -> None:
    """Draw f and f′ on one figure, kinks marked."""
    from derivator.publish.plot import run_plot
    from derivator.app.sandbox import limits_from, run_limited

    if not var.isidentifier() or var.startswith("_"):
        raise DerivatorError(f"--var {var!r} is not a variable name", hint="use a name such as x or z")
    _plot_range(xmin, xmax)
    options = {"lang": lang, "var": var, "params": _params(param), "at_kink": at_kink,
               "output": str(output), "xmin": xmin, "xmax": xmax}
    written = run_limited(run_plot, expression, options, limits=limits_from(timeout, max_memory, default_timeout=DEFAULT_TIMEOUT * DOC_TIME_FACTOR))
    typer.echo(f"derivator: wrote {written}", err=True)


class StdoutClosed(OSError):
    """Standard output was closed before derivator started (`derivator … >&-`)."""


class _ClosedStream(io.TextIOBase):
    """Stands in for a closed standard stream: writing says so (one line), flushing is harmless."""

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise StdoutClosed(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass


def prepare_streams() -> None:
    """A closed stdout writes nothing and says so; stderr never fails on a character its encoding lacks
    (PYTHONIOENCODING=ascii) — stdout checks that per output, see derivator.app.fsutil.write_output_text;
    the terminal view degrades to escapes instead of failing."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # nowhere to say anything: say nothing
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not _unicode_capable(stream):
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _unicode_capable(stream) -> bool:
    try:
        "σ′∞日".encode(getattr(stream, "encoding", None) or "ascii")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _silence_stdout() -> None:
    # the interpreter flushes stdout at exit; a dead pipe must not turn that into a traceback
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        sys.stdout = _ClosedStream()


MAX_PLOT_X = 1e6  # past this the axis labels and sampling stop meaning anything


def _plot_range(xmin: float, xmax: float) -> None:
    import math

    for name, value in (("--xmin", xmin), ("--xmax", xmax)):
        if not math.isfinite(value) or abs(value) > MAX_PLOT_X:
            raise DerivatorError(f"{name} {value:g} is not a finite number of at most {MAX_PLOT_X:g} in size",
                                 hint="e.g. --xmin -6 --xmax 6")
    if not xmin < xmax:
        raise DerivatorError(f"empty plot range {xmin:g}..{xmax:g}", hint="--xmin must be smaller than --xmax")


def lang_of(args: list[str]) -> str:
    """The --lang of a command line, read from its words: an error can come before typer has parsed them
    (a usage error) or from inside any command, and is said in that language all the same."""
    lang = "en"
    for i, arg in enumerate(args):
        if arg in ("--lang", "-l") and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.removeprefix("--lang=")
    return lang if lang in LANGS else "en"


def error_line(line: str, lang: str) -> str:
    from derivator.present.error_text import error_line as said

    translated = said(line, lang)
    encoding = getattr(sys.stderr, "encoding", None) or "ascii"
    try:
        translated.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return line  # a terminal that cannot show the language gets derivator's own words, hint and all
    return translated


def say_error(line: str) -> None:
    """One line on stderr, whatever it quotes: a file name with a newline or an escape sequence stays one
    visible line, and an encoding that cannot show a character shows its escape instead."""
    from derivator.present.markup import printable

    text = printable(line) + "\n"
    stream = sys.stderr
    try:
        stream.write(text)
    except UnicodeEncodeError:
        stream.write(text.encode(stream.encoding or "ascii", "backslashreplace").decode(stream.encoding or "ascii"))
    except (OSError, ValueError):
        pass  # stderr closed: nothing to say it on
    try:
        stream.flush()
    except (OSError, ValueError):
        pass


def signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS", help="Address to listen on (anything but localhost prints a warning)."),
    port: int = typer.Option(8000, "--port", metavar="PORT", help="Port to listen on (0: any free port)."),
    workers: int = typer.Option(0, "--workers", metavar="N", help="Worker processes (0: one per core; never more than the cores)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", help=TIMEOUT_HELP),
    max_memory: Optional[str] = typer.Option(None, "--max-memory", metavar="SIZE", help=MEMORY_HELP),
    max_body: str = typer.Option("1M", "--max-body", metavar="SIZE", help="Largest request body, e.g. 1M or 200K."),
    rate: float = typer.Option(5.0, "--rate", metavar="PER_SECOND", help="API requests a second per client, on average (0: no limit)."),
    burst: int = typer.Option(30, "--burst", metavar="N", help="API requests a client may send at once before --rate applies."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the result cache."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No line per request in the log."),
) -> None:
    """A local web page to derive, preview and check (and its JSON API), at http://127.0.0.1:8000/."""
    from derivator.app.sandbox import limits_from
    from derivator.app.serve import Settings, parse_size, run

    if not 0 <= port <= 65535:
        raise DerivatorError(f"--port {port} is not a port number", hint="use 1 to 65535, or 0 for any free port")
    run(Settings(host=host, port=port, workers=workers, limits=limits_from(timeout, max_memory),
                 max_body=parse_size(max_body), rate=rate, burst=max(1, burst), use_cache=not no_cache,
                 access_log=not quiet))


def command(lang: str = "en") -> Any:
    """The click command typer builds from `app`, with each argument's help showing its name only: typer
    writes the Python type beside it (NAME_OR_EXPR <str>, FILE... <list[str]>), which says nothing to a user;
    its help in `lang`."""
    import typer.main

    from derivator.app.help_text import localise

    built = typer.main.get_command(app)
    for sub in getattr(built, "commands", {}).values():
        for param in sub.params:
            if param.param_type_name == "argument":
                setattr(param, "display_type_rich", lambda ctx: None)  # (this object only; typer is untouched)
    localise(built, lang)
    return built


def _root_help(args: list[str]) -> bool:
    """`derivator --help --lang ja`: the top-level help asked for in a language (the top level has no
    --lang of its own; the word is read for the help and dropped)."""
    rest = [a for a in args if not a.startswith("--lang=")]
    for flag in ("--lang", "-l"):
        if flag in rest and rest.index(flag) + 1 < len(rest):
            at = rest.index(flag)
            rest = rest[:at] + rest[at + 2:]
    return bool(rest) and all(a in ("--help", "-h") for a in rest) and rest != args


COMMANDS = {"derive", "list", "check", "doc", "plot", "compare", "loss", "serve"}
PASSTHROUGH = {"--help", "-h", "--version", "--install-completion", "--show-completion"}


def main(argv: list[str] | None = None) -> None:
    """Console entry point: default to `derive`, and turn every input error into one line, exit 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = lang_of(args)
    if _root_help(args):
        args = ["--help"]
    if args and args[0] not in COMMANDS and args[0] not in PASSTHROUGH:
        args = ["derive", *args]
    from derivator.app.sandbox import Terminated, end_on_signals, one_blas_thread, reader_gone

    one_blas_thread()  # before anything loads NumPy: its workers inherit the setting
    end_on_signals()  # SIGTERM/SIGHUP unwind like Ctrl-C, so the workers are killed on the way out
    prepare_streams()
    try:
        from derivator.app import cache

        if cache.serve(args):  # a repeated command line, answered before typer parses it (and imports pydantic)
            return
        result = command(lang)(args=args, prog_name="derivator", standalone_mode=False)
        if isinstance(result, int) and result:
            sys.exit(result)
    except DerivatorError as err:
        say_error(error_line(str(err), lang_of(args)))
        sys.exit(err.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Terminated as stop:
        say_error(f"derivator: stopped by {signal_name(stop.signum)}")
        sys.exit(128 + stop.signum)
    except RecursionError:
        say_error(error_line("expression too deeply nested", lang_of(args)))
        sys.exit(2)
    except (BrokenPipeError, SystemExit) as err:
        if not reader_gone(err):
            raise
        # the reader went away (`derivator … | head -1`): it has what it wanted, so this is a success,
        # said quietly, as `yes | head -1` and `git log | head -1` end
        _silence_stdout()
        sys.exit(0)
    except OSError as err:
        if err.errno == errno.EBADF or isinstance(err, StdoutClosed):
            say_error("derivator: error: cannot write the output: standard output is closed — redirect it, "
                      "or write to a file with --output")
        else:
            say_error(f"derivator: error: cannot write the output: {err.strerror or err}")
        _silence_stdout()
        sys.exit(2)
    except Exception as err:  # never a traceback for users; DERIVATOR_DEBUG=1 shows it
        if hasattr(err, "format_message") and hasattr(err, "exit_code"):
            # typer's (vendored click's) usage errors: bad option, missing argument
            say_error(error_line(err.format_message(), lang_of(args)))
            sys.exit(2)
        if os.environ.get("DERIVATOR_DEBUG"):
            raise
        say_error(f"derivator: internal error: {type(err).__name__}: {err} (please report; DERIVATOR_DEBUG=1 shows details)")
        sys.exit(3)
