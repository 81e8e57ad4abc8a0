"""The Python API: what the command line does, as typed functions returning data.

    from derivator import derive, check, render

    d = derive("sigmoid")                     # or "x*tanh(x)", or LaTeX: r"\\frac{1}{1+e^{-x}}"
    d.derivative, d.output_form, d.verified   # SymPy expressions and a bool; d.steps: the verified lines
    render(d, "markdown", flavor="zenn")      # any format the CLI has, in English or Japanese
    report = check(text)                      # a post's derivation judged line by line
    report.ok, report.first_error_line

`check` is also the package derivator.check, callable (the name cannot be two things; see there). In
Jupyter a Derivation and a CheckReport display themselves (LaTeX and Markdown). The names exported
here are the stable API (semantic versioning applies to them); everything else in the package is
internal. Nothing here runs in a sandbox: limit untrusted input yourself, as `derivator serve` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from derivator.check import check_file as _check_file
from derivator.check import check_text
from derivator.check.report import CheckReport, ClaimResult, Note
from derivator.core.errors import DerivatorError, ParseError, UnsupportedError
from derivator.core.trace import Derivation, Kink, Lemma, Step, Verification
from derivator.i18n import LANGS
from derivator.parse.syntax import SYNTAXES
from derivator.present.dispatch import CODE_FORMATS, TEXT_FORMATS
from derivator.present.flavors import FLAVORS

__all__ = [
    "derive", "check", "check_file", "loss", "render", "SYNTAXES",
    "Derivation", "Step", "Kink", "Lemma", "Verification", "CheckReport", "ClaimResult", "Note",
    "DerivatorError", "ParseError", "UnsupportedError",
]

ParamValue = str | int | float


def derive(
    expression: str,
    var: str = "x",
    *,
    order: int = 1,
    params: Mapping[str, ParamValue] | None = None,
    at_kink: str | None = None,
    syntax: str = "auto",
) -> Derivation:
    """Derive d^order/dvar^order of a catalog name ("sigmoid"), an expression in SymPy's spelling
    ("x**2*exp(-x)", "3x") or LaTeX (r"\\frac{1}{1+e^{-x}}"; `syntax` "auto" decides by a backslash or a
    brace, or say "text"/"latex"), and verify every step.

    `params` are catalog parameters ({"alpha": 0.2}, exact: 0.2 is 1/5); `at_kink` the value used at kinks
    (left, right, mean, undefined). Raises DerivatorError (one line: what, where, what to do) for input it
    cannot read. A part no rule covers is kept (`d.partial`, `d.unknown_parts`; `d.require_complete()`
    raises instead)."""
    from derivator.pipeline import derive as run

    values = {name: str(value) for name, value in (params or {}).items()}
    return run(expression, var, order=order, params=values, at_kink=at_kink, syntax=syntax)


def check(text: str, name: str = "<text>") -> CheckReport:
    """Judge every equation of a post or notes given as text (Markdown, LaTeX or plain; `name`'s ending,
    .md or .tex, tells the syntax as a file name does). Every link is ok, wrong (with the correct value,
    a counterexample and a diagnosis) or unchecked (with the reason)."""
    return check_text(text, name)


def check_file(path: str | Path) -> CheckReport:
    """`check` of a file ("-": standard input); an unreadable file gives a report with `error` set."""
    return _check_file(str(path))


def loss(name: str) -> Derivation:
    """A loss gradient with indices: "bce", "mse", "softmax", "softmax_ce" (and their aliases)."""
    from derivator.analysis.losses import derive_loss

    return derive_loss(name)


def render(result: Derivation | CheckReport, format: str = "latex", lang: str = "en", *,
           flavor: str = "github", standalone: bool = False) -> str:
    """The text `derivator … --format FORMAT` prints: terminal (plain), latex, markdown (`flavor`: github,
    qiita, zenn, …), json; for a Derivation also numpy, torch, python, jax, csharp. `lang`: en or ja."""
    formats = TEXT_FORMATS if isinstance(result, CheckReport) else TEXT_FORMATS + CODE_FORMATS
    for what, value, allowed in (("format", format, formats), ("lang", lang, LANGS), ("flavor", flavor, FLAVORS)):
        if value not in allowed:  # (the dispatcher would fall back to the terminal's text)
            raise DerivatorError(f"unknown {what} {value!r}", hint=f"use one of {', '.join(allowed)}")
    if isinstance(result, CheckReport) and standalone:
        raise DerivatorError("standalone applies to a derivation's LaTeX", hint="render the report without it")
    from derivator.present.dispatch import render as render_any

    return render_any(result, format, lang, standalone=standalone, flavor=flavor)
