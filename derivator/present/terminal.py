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
from derivator.core.trace import Derivation
from derivator.present.console import terminal_console


def render_terminal(d: Derivation, *, lang: str = "en", console: Console | None = None) -> None:
    console = console or terminal_console()
    lhs = lhs_unicode(d)
    console.print(Text(t("ui.derivative_of", lang, f=to_unicode(d.function)), style="bold"))
    if (line := parameters_line(d, lang, to_unicode)) is not None:
        console.print(Text(line))
    table = Table(show_header=False, box=None, pad_edge=False)
    # "fold": a token longer than the column (a long number, a long product) continues on the next line
    # instead of ending in "…": nothing shown is ever cut
    table.add_column(justify="right", style="dim", overflow="fold")
    table.add_column(overflow="fold")
    table.add_column(style="cyan", overflow="fold")
    table.add_column(overflow="fold")
    for i, step in enumerate(d.steps, start=1):
        lead = lhs if i == 1 else ""
        mark = Text("✓", style="green") if step.verified else Text(f"✗ {t('ui.unverified', lang)}", style="bold red")
        table.add_row(Text(lead), Text(f"= {to_unicode(step.after)}"), Text(rule_name(step.rule, lang)), mark)
        table.add_row("", Text(say(step, lang, to_unicode), style="italic dim"), "", "")
    console.print(table)
    if d.output_form is not None:
        y = d.output_symbol.name
        console.print(Text(f"{t('ui.output_form', lang)} ({y} = {to_unicode(d.function)}): {lhs} = {to_unicode(d.output_form)}"))
    for k in d.kinks:
        value = to_unicode(k.value) if k.value is not None else t("ui.undefined", lang)
        row = t("ui.kink_row", lang, at=f"{d.variable.name} = {to_unicode(k.at)}", left=to_unicode(k.left),
                right=to_unicode(k.right), value=value, convention=convention_label(k, lang))
        console.print(Text(f"{t('ui.kinks', lang)}: {row}"))
    console.print(Text(status(d, lang), style="green" if d.verified else "bold red"))
