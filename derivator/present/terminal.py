"""Terminal: rich, Unicode math, rule names highlighted; plain text when piped or NO_COLOR is set.

Every piece of math goes in as rich Text, never as a markup string: d/dx[x^3] is math, not a style tag.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from derivator.i18n import rule_name, t
from derivator.present.narration import convention_label, lhs_unicode, parameters_line, say, status
from derivator.core.printing import to_unicode
from derivator.core.trace import Derivation, Step
from derivator.present.console import terminal_console
from derivator.present.prose import Prose

# below this many columns the four columns of the step table leave the math a sliver: one step is then
# printed as lines (the math, then its mark, rule and sentence, indented), each using the full width
TABLE_WIDTH = 72


def _mark(step: Step, lang: str) -> Text:
    return Text("✓", style="green") if step.verified else Text(f"✗ {t('ui.unverified', lang)}", style="bold red")


def _step_table(d: Derivation, lhs: str, lang: str) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    # "fold": a token longer than the column (a long number, a long product) continues on the next line
    # instead of ending in "…": nothing shown is ever cut
    table.add_column(justify="right", style="dim", overflow="fold")
    table.add_column(overflow="fold")
    table.add_column(style="cyan", overflow="fold")
    table.add_column(overflow="fold")
    for i, step in enumerate(d.steps, start=1):
        lead = lhs if i == 1 else ""
        table.add_row(Text(lead), Prose(f"= {to_unicode(step.after)}"), Prose(rule_name(step.rule, lang)),
                      _mark(step, lang))
        table.add_row("", Prose(say(step, lang, to_unicode), style="italic dim"), "", "")
    return table


def print_stacked_row(console: Console, math: str | None, mark: Text, rule: str, sentence: str) -> None:
    """One row of a step table on a narrow terminal: the math (if any), then its mark and rule, then its
    sentence, each on lines of their own, indented under the math."""
    if math:
        console.print(Prose(math, indent=2, hang=4))
    console.print(Prose(Text.assemble(mark, " ", (rule, "cyan")), indent=4))
    console.print(Prose(sentence, style="italic dim", indent=4))


def _print_stacked(d: Derivation, lhs: str, lang: str, console: Console) -> None:
    console.print(Text(lhs, style="dim"))
    for step in d.steps:
        print_stacked_row(console, f"= {to_unicode(step.after)}", _mark(step, lang), rule_name(step.rule, lang),
                          say(step, lang, to_unicode))


def render_terminal(d: Derivation, *, lang: str = "en", console: Console | None = None) -> None:
    console = console or terminal_console()
    lhs = lhs_unicode(d)
    console.print(Prose(t("ui.derivative_of", lang, f=to_unicode(d.function)), style="bold"))
    if (line := parameters_line(d, lang, to_unicode)) is not None:
        console.print(Prose(line))
    if console.width >= TABLE_WIDTH:
        console.print(_step_table(d, lhs, lang))
    else:
        _print_stacked(d, lhs, lang, console)
    if d.output_form is not None:
        y = d.output_symbol.name
        console.print(Prose(f"{t('ui.output_form', lang)} ({y} = {to_unicode(d.function)}): {lhs} = {to_unicode(d.output_form)}"))
    for k in d.kinks:
        value = to_unicode(k.value) if k.value is not None else t("ui.undefined", lang)
        row = t("ui.kink_row", lang, at=f"{d.variable.name} = {to_unicode(k.at)}", left=to_unicode(k.left),
                right=to_unicode(k.right), value=value, convention=convention_label(k, lang))
        console.print(Prose(f"{t('ui.kinks', lang)}: {row}"))
    console.print(Prose(status(d, lang), style="green" if d.verified else "bold red"))
