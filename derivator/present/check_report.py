"""`derivator check` reports: terminal (rich), JSON, Markdown and LaTeX, in English or Japanese.

Every sentence comes from derivator/i18n/check_{en,ja}.toml. A message is a template whose literal text
is escaped for the output and whose math parameters are formatted for it: Unicode in the terminal,
`$…$` in Markdown, JSON and LaTeX. The user's own formulas are shown as they wrote them (code spans in
Markdown, math in LaTeX only when derivator could read them, else typewriter text).
"""

from __future__ import annotations

from collections import Counter

import json
from typing import TYPE_CHECKING
import re
from functools import cache

from derivator.catalog import reading_function
from derivator.check.report import CheckReport, ClaimResult, Note
from derivator.i18n import lookup, words
from derivator.present.markup import markdown_code, markdown_text, printable
from derivator.present.tex import preamble, tex_escape

if TYPE_CHECKING:
    from derivator.present.flavors._base import Flavor

# parameters holding LaTeX (formatted as math); the others are plain text or line numbers
MATH_PARAMS = {"factor", "identity", "inner", "should", "meant", "group", "power", "term", "u", "v", "missing", "expected", "condition", "function", "symbol", "values"}
CODE_PARAMS = {"written", "corrected"}
# the relations a line may state instead of "=" (derivator/parse/latex.py's names): Unicode, LaTeX
RELATIONS = {"<": ("<", "<"), ">": (">", ">"), "le": ("≤", r"\leq"), "ge": ("≥", r"\geq"), "ne": ("≠", r"\neq"),
             "approx": ("≈", r"\approx"), "to": ("→", r"\to")}
_PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")


def template(key: str, lang: str) -> str:
    return words(f"check.{key}", lang)


class Style:
    """How one output writes literal text, math and code."""

    def text(self, s: str) -> str:
        return s

    def math(self, tex: str) -> str:
        return f"${tex}$"

    def code(self, s: str) -> str:
        return s


class TerminalStyle(Style):
    """Text quoted from a document may hold escape sequences (ESC[8m hides the rest of the line): shown
    as visible escapes, never sent to the terminal."""

    def text(self, s: str) -> str:
        return printable(s)

    def code(self, s: str) -> str:
        return printable(s)

    def math(self, tex: str) -> str:
        leibniz = re.fullmatch(r"\\frac\{d(\\?\w+)\}\{d(\\?\w+)\}", tex)
        if leibniz:
            return f"d{_greek(leibniz.group(1))}/d{_greek(leibniz.group(2))}"
        if " = " in tex:  # an identity: each side on its own (the printer reads expressions, not equations)
            return " = ".join(latex_to_unicode(side) for side in tex.split(" = "))
        return latex_to_unicode(tex)


def _greek(name: str) -> str:
    from derivator.parse.latex import _GREEK_UNICODE

    if name.startswith("\\"):
        for char, word in _GREEK_UNICODE.items():
            if word == name[1:]:
                return char
    return name


class MarkdownStyle(Style):
    def text(self, s: str) -> str:
        return markdown_text(s)

    def code(self, s: str) -> str:
        return _md_code(s)


class LatexStyle(Style):
    def text(self, s: str) -> str:
        return tex_escape(s)

    def code(self, s: str) -> str:
        return r"\texttt{" + tex_escape(s) + "}"


def say(key: str, lang: str, style: Style, **params) -> str:
    """The sentence for key with params: literal text escaped, math and code formatted for the style."""
    parts = _PLACEHOLDER.split(template(key, lang))
    out = []
    for part in parts:
        m = _PLACEHOLDER.fullmatch(part)
        if not m:
            out.append(style.text(part))
            continue
        name = part[1:-1]
        value = params.get(name, part)
        if name == "op" and value in RELATIONS:  # a relation's name (approx) as its sign: ≈
            unicode, tex = RELATIONS[value]
            out.append(style.text(unicode) if isinstance(style, TerminalStyle) else style.math(tex))
        elif name in MATH_PARAMS and isinstance(value, str):
            out.append(style.math(value))
        elif name in CODE_PARAMS:
            out.append(style.code(str(value)))
        else:
            out.append(style.text(str(value)))
    return "".join(out)


# the parser's messages (derivator/parse, derivator/check/interpret) as check.detail keys, so that a
# report says why a line was not read in its own language; a message not listed is shown as it is
DETAILS = {
    "located": r"(?P<what>.+) at column (?P<column>\d+)",
    "hinted": r"(?P<what>.+?) — (?P<hint>.+)",
    "not_defined": r"(?P<name>\S+) is not defined before this line",
    "no_argument": r"function (?P<name>\S+) used without an argument",
    "unknown_function": r"(?P<name>\S+)\(…, …\) is not a known function",
    "quantity": r"(?P<name>\S+) is defined as a quantity, not a function",
    "prime_variable": r"cannot tell the variable of a prime \(′\)",
    "prime_unknown": r"(?P<name>\S+)' of an unknown function",
    "respect_to": r"cannot tell what (?P<name>\S+)′ is taken with respect to",
    "leibniz": r"cannot tell d(?P<name>\S+)/d(?P<var>\S+) from the text",
    "not_supported": r"not supported: (?P<what>.+)",
    "environment": r"environment '(?P<env>[^']+)' is not supported",
    "unknown_command": r"unknown command (?P<command>\\\S+)",
    "unexpected": r"unexpected '(?P<token>.+)'",
    "unexpected_end": r"unexpected end of formula",
    "expected": r"expected '(?P<value>.+)', found '(?P<found>.+)'",
    "unclosed": r"unclosed '(?P<bracket>.)'",
    "unmatched": r"unmatched '(?P<bracket>.)'",
    "text_inside": r"text inside a formula",
    "condition_in_words": r"condition in words",
    "empty": r"empty(?: expression)?",
    "empty_group": r"empty group",
    "not_valid": r"not a valid expression",
    "nested": r"(?:formula nested too deeply|expression too deeply nested|(?:formula|expression) nested deeper than .+)",
    "division_by_zero": r"division by zero",
    "too_large": r"number too large(?: to evaluate safely)?",
    "kink_convention": r"the derivative at a kink is a convention, not a value to check",
    "comparison_inside": r"unexpected comparison inside an expression",
    "orders_differ": r"the orders of d in the numerator and denominator differ",
    "sum_fixed_bounds": r"a sum over fixed bounds is not read",
    "sum_range": r"a sum's range is not read",
    "sum_without_index": r"a sum without its index \(write \\sum_k\)",
    "sum_index_letter": r"a sum's index is not a letter",
    "glued_name": r"'(?P<name>[^']+)' is a function's name glued to its argument \(write brackets\)",
}
# the pieces of a message that are messages themselves, and the one that names a construct
_NESTED_PARTS = {"what", "hint"}


def detail_text(detail: str, lang: str) -> str:
    """A parser message said in `lang`: "not supported: sums at column 1" → "1 文字目: 総和 Σ には対応して
    いません". A hint no language but English has is left out rather than shown in English."""
    for key, pattern in DETAILS.items():
        m = re.fullmatch(pattern, detail)
        if m is None:
            continue
        parts = {name: detail_text(value, lang) if name in _NESTED_PARTS else value
                 for name, value in m.groupdict().items()}
        if key == "not_supported":
            # a construct without a name of its own (±, \\input) is shown as it is
            named = lookup(f"check.unsupported.{re.sub(r'[^a-z]+', '_', m['what']).strip('_')}", lang)
            parts["what"] = named or m["what"]
        return template(f"detail.{key}", lang).format(**parts)
    return detail


def note_key(note: Note, section: str) -> str:
    kind = note.kind
    if section == "diag":
        if kind == "sign" and note.params.get("inner"):
            return "diag.sign_inner"
        if kind in ("product_rule", "quotient_rule", "dropped_index_term"):
            return f"diag.{kind}_{note.params.get('variant', 'product')}"
        if kind == "sign_term" and "written" in note.params:
            return "diag.sign_term_written"
        if kind == "missing_prime" and "function" in note.params:
            return "diag.missing_prime_whole"
    return f"{section}.{kind}"


def note_message(note: Note, section: str, claim: ClaimResult, lang: str, style: Style) -> str:
    params = dict(note.params)
    params.setdefault("previous", claim.previous_line)
    if isinstance(params.get("detail"), str):
        params["detail"] = detail_text(params["detail"], lang)
    text = say(note_key(note, section), lang, style, **params)
    if section == "diag" and note.params.get("cancels"):
        text += template("ui.sentence_sep", lang) + say("diag.cancels_note", lang, style, **params)
    return text


def details(claim: ClaimResult, lang: str, style: Style) -> list[str]:
    """Everything said about one claim, in reading order."""
    out = []
    if claim.diagnosis is not None:
        out.append(note_message(claim.diagnosis, "diag", claim, lang, style))
    elif claim.follows is False and claim.previous_line is not None:
        out.append(say("ui.not_follows", lang, style, line=claim.previous_line))
    if claim.reason is not None:
        out.append(note_message(claim.reason, "reason", claim, lang, style))
    for note in claim.notes:
        out.append(note_message(note, "note", claim, lang, style))
    if claim.read_as is not None:
        # how the line was read, so that a misreading shows before any verdict is trusted
        if isinstance(style, TerminalStyle) and claim.read_value is not None:
            from derivator.core.printing import to_unicode

            read = to_unicode(claim.read_value)
        else:
            read = style.math(claim.read_as)
        out.append(style.text(template("ui.read_as", lang) + ": ") + read)
    if claim.expected is not None:
        if isinstance(style, TerminalStyle) and claim.expected_value is not None:
            from derivator.core.printing import to_unicode

            shown = to_unicode(claim.expected_value)
        else:
            shown = style.math(claim.expected)
        out.append(style.text(template("ui.expected", lang) + ": ") + shown)
    if claim.counterexample:
        point = ", ".join(f"{k} = {_short(v)}" for k, v in claim.counterexample.items() if k not in ("lhs", "rhs"))
        values = f"{_short(claim.counterexample.get('lhs'))} ≠ {_short(claim.counterexample.get('rhs'))}"
        body = f"{point}: {values}" if point else values
        out.append(style.text(template("ui.counterexample", lang) + ": " + body))
    return out


def _short(value) -> str:
    """A sample value with 8 significant digits (the JSON keeps them all)."""
    try:
        return f"{float(value):.8g}"
    except (TypeError, ValueError):
        return str(value)


TOP_REASONS = 3


def summary(report: CheckReport, lang: str, style: Style) -> str:
    """"N equations: a right, b wrong, c unchecked", the first error, and why lines were left unchecked."""
    counts = report.counts()
    if not report.claims:
        return say("ui.no_math", lang, style)
    fields = {k: str(v) for k, v in counts.items()}
    if report.ok:
        text = say("ui.summary_ok", lang, style, **fields)
    else:
        text = say("ui.summary_bad", lang, style, line=str(report.first_error_line), **fields)
    reasons = unchecked_reasons(report)
    if reasons:
        top = [say("ui.reason_count", lang, style, count=str(n), reason=template(f"reason_label.{kind}", lang))
               for kind, n in reasons.most_common(TOP_REASONS)]
        text += template("ui.sentence_sep", lang) + say("ui.unchecked_because", lang, style,
                                                        reasons=template("ui.list_sep", lang).join(top))
    return text


def unchecked_reasons(report: CheckReport) -> Counter:
    return Counter(c.reason.kind for c in report.claims if c.status == "unchecked" and c.reason is not None)


def verdict(claim: ClaimResult, lang: str) -> str:
    if claim.kind in ("definition", "condition") and claim.status == "ok":
        return template(f"kind.{claim.kind}", lang)
    mark = {"ok": "✓", "wrong": "✗", "unchecked": "?"}[claim.status]
    word = template(f"status.{claim.status}", lang)
    if claim.status != "wrong" and claim.follows is False:
        mark, word = "✗", template("status.not_following", lang)
    return f"{mark} {word}"


# ---------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------


def report_dict(report: CheckReport, lang: str = "en") -> dict:
    style = Style()

    def note(n: Note | None, section: str, claim: ClaimResult) -> dict | None:
        if n is None:
            return None
        return {"kind": n.kind, "message": note_message(n, section, claim, lang, style), **n.params}

    claims = []
    for c in report.claims:
        claims.append({
            "line": c.line,
            "text": c.text,
            "status": c.status,
            "follows": c.follows,
            "expected": c.expected,
            "read_as": c.read_as,
            "counterexample": c.counterexample,
            "diagnosis": note(c.diagnosis, "diag", c),
            "kind": c.kind,
            "previous_line": c.previous_line,
            "reason": note(c.reason, "reason", c),
            "notes": [note(n, "note", c) for n in c.notes],
            "method": c.method,
        })
    return {
        "file": report.file,
        "ok": report.ok,
        "first_error_line": report.first_error_line,
        "claims": claims,
        # the counts, the most frequent reasons a line was left unchecked, and the sentence the other
        # formats print
        "summary": {**report.counts(), "unchecked_reasons": dict(unchecked_reasons(report).most_common(TOP_REASONS)),
                    "message": summary(report, lang, style)},
    }


def render_json(report: CheckReport, lang: str = "en") -> str:
    return json.dumps(report_dict(report, lang), ensure_ascii=False, indent=2)


def render_json_many(reports: list[CheckReport], lang: str = "en") -> str:
    """Several files: a JSON list of reports (one report alone stays a single object)."""
    if len(reports) == 1:
        return render_json(reports[0], lang)
    return json.dumps([report_dict(r, lang) for r in reports], ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------


def _md_code(s: str) -> str:
    return markdown_code(s)


class FlavorStyle(MarkdownStyle):
    """A Markdown platform's own escaping and inline math (Hatena's [tex:…], WordPress's $latex …$)."""

    def __init__(self, flavor: "Flavor") -> None:
        self.flavor = flavor

    def text(self, s: str) -> str:
        return self.flavor.text(printable(s))

    def math(self, tex: str) -> str:
        return self.flavor.inline(tex)


def render_markdown(report: CheckReport, lang: str = "en", flavor: str = "github") -> str:
    """The report as a Markdown table, for GitHub or (flavor) another platform's syntax."""
    from derivator.present.flavors import flavor_module

    fl = flavor_module(flavor).FLAVOR
    style: Style = MarkdownStyle() if flavor == "github" else FlavorStyle(fl)
    lines = [fl.heading(2, say("ui.title", lang, style, file=report.file)), ""]
    lines.append(fl.strong(summary(report, lang, style)))
    lines.append("")
    if report.claims:
        head = [template(k, lang) for k in ("ui.line", "ui.verdict", "ui.equation", "ui.details")]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|---:|---|---|---|")
        for c in report.claims:
            info = "<br>".join(details(c, lang, style))
            lines.append(f"| {c.line} | {verdict(c, lang)} | {_md_code(c.text)} | {info} |")
        lines.append("")
        lines.append(f"_{style.text(template('ui.legend', lang))}_")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------------------------------

def _formula_tex(text: str, lang: str) -> str:
    """The user's formula as math when derivator could read it, else as escaped typewriter text."""
    from derivator.core.errors import ParseError
    from derivator.parse.latex import normalize_latex, parse_latex_ast

    norm = " ".join(normalize_latex(text).split())
    body = norm[1:].strip() if norm.startswith("=") else norm
    try:
        if body:
            parse_latex_ast(body, reading_function)
        if norm.isascii() and "\\begin" not in norm:
            return f"${norm}$"
    except (ParseError, RecursionError):
        pass
    return r"\texttt{" + tex_escape(text, ascii_only=lang == "en") + "}"


class _LatexReportStyle(LatexStyle):
    def __init__(self, lang: str):
        self.lang = lang

    def text(self, s: str) -> str:
        return tex_escape(s, ascii_only=self.lang == "en")

    def code(self, s: str) -> str:
        return r"\texttt{" + tex_escape(s, ascii_only=self.lang == "en") + "}"


def render_latex(report: CheckReport, lang: str = "en") -> str:
    """A compilable document: pdflatex for English, lualatex (luatexja) for Japanese."""
    style = _LatexReportStyle(lang)
    out = [
        preamble(lang).rstrip("\n"),
        r"\begin{document}",
        r"\section*{" + say("ui.title", lang, style, file=report.file) + "}",
        summary(report, lang, style),
        "",
    ]
    if report.claims:
        out.append(r"\begin{description}")
        for c in report.claims:
            label = f"{tex_escape(template('ui.line', lang))} {c.line}" if lang == "en" else f"{c.line} {tex_escape(template('ui.line', lang))}"
            word = style.text(verdict(c, lang))
            out.append(rf"\item[{label}] \textbf{{{word}}} \quad {_formula_tex(c.text, lang)}")
            for item in details(c, lang, style):
                out.append(r"\\ " + item)
        out.append(r"\end{description}")
        out.append("")
        out.append(r"\noindent\emph{" + style.text(template("ui.legend", lang)) + "}")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------
# Terminal
# ---------------------------------------------------------------------------------------------------


@cache
def latex_to_unicode(tex: str) -> str:
    """A LaTeX string derivator produced, shown in Unicode (falls back to the LaTeX itself)."""
    try:
        from derivator.core.printing import to_unicode
        from derivator.parse.latex import Builder, parse_latex

        return to_unicode(parse_latex(tex, Builder(reading_function)))
    except Exception:  # any failure just means the LaTeX is shown as it is
        return tex


def render_terminal(report: CheckReport, lang: str = "en", console=None) -> None:
    from derivator.present.console import terminal_console
    from derivator.present.prose import Prose, prose_cells
    from rich.table import Table
    from rich.text import Text

    console = console or terminal_console()
    style = TerminalStyle()
    console.print(Prose(say("ui.title", lang, style, file=report.file), style="bold"))
    if report.claims:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
        table.add_column(template("ui.line", lang), justify="right", style="dim", no_wrap=True)
        table.add_column(template("ui.verdict", lang), no_wrap=True)
        table.add_column(template("ui.equation", lang), overflow="fold")
        table.add_column(template("ui.details", lang), overflow="fold")
        colours = {"ok": "green", "wrong": "bold red", "unchecked": "yellow"}
        for c in report.claims:
            colour = "dim" if c.kind in ("definition", "condition") and c.status == "ok" else colours[c.status]
            if c.follows is False:
                colour = "bold red"
            table.add_row(str(c.line), Text(verdict(c, lang), style=colour),
                          *prose_cells(Text(printable(c.text)), Text("\n".join(details(c, lang, style)))))
        console.print(table)
    console.print(Prose(summary(report, lang, style), style="bold green" if report.ok else "bold red"))


def render_terminal_text(report: CheckReport, lang: str = "en", width: int = 120) -> str:
    """The terminal report as plain text (for --output and tests)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    render_terminal(report, lang, Console(file=buffer, no_color=True, width=width, force_terminal=False))
    return buffer.getvalue()


def render(report: CheckReport, format: str, lang: str = "en", *, flavor: str = "github") -> str:
    if format == "json":
        return render_json(report, lang) + "\n"
    if format == "markdown":
        return render_markdown(report, lang, flavor)
    if format == "latex":
        return render_latex(report, lang)
    return render_terminal_text(report, lang)
