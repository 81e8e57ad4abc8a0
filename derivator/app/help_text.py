"""`--help` in the language of the command line (`derivator --help --lang ja`).

The English help stands beside each option in app/cli.py, where typer reads it; another language's
help lives in its i18n folder, in help.toml: a table per command (`derive`, …, `app` for the top level)
with the command's help under `help` and each option's under its parameter name, and a `click` table for
the words click writes itself (Usage, Options, [default: …]). A help text the language lacks stays in
English (tests/test_help_text.py keeps every one there).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, Sequence

from typer._click.core import Context
from typer._click.formatting import HelpFormatter, term_len

from derivator.present.prose import break_offsets


@cache
def help_table(lang: str) -> dict[str, Any]:
    """The language's help.toml, or {} (English, or a language without one)."""
    path = resources.files("derivator.i18n") / lang / "help.toml"
    return tomllib.loads(path.read_text("utf-8")) if path.is_file() else {}


def localise(command: Any, lang: str) -> None:
    """Put the language's help texts on the click command typer built (the group and each command)."""
    table = help_table(lang)
    if not table:
        return
    _localise_one(command, table.get("app", {}), table["click"])
    for name, sub in getattr(command, "commands", {}).items():
        _localise_one(sub, table.get(name, {}), table["click"])


def _localise_one(command: Any, texts: dict[str, str], words: dict[str, str]) -> None:
    if "help" in texts:
        command.help = texts["help"]
        command.short_help = texts.get("short_help")
    for param in command.params:
        if param.name in texts and hasattr(param, "help"):
            param.help = texts[param.name]
    command.context_class = _context_class(tuple(sorted(words.items())))


@cache
def _context_class(words: tuple[tuple[str, str], ...]) -> type[Context]:
    """A click Context whose help formatter writes click's own words in the language."""
    said = dict(words)

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, said["usage"] + " " if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            super().write_heading(said.get(heading.lower(), heading))

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            for k, paragraph in enumerate(_paragraphs(text)):
                self.write("\n" if k else "")
                for line in _cell_lines(paragraph, max(self.width - self.current_indent, 11)):
                    self.write(f"{indent}{line}\n")

        def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
            # click's own layout, with the second column wrapped by terminal cells (a Japanese character
            # takes two; click counts one, and its lines ran up to twice the terminal's width)
            rows = [(term, _said(text, said)) for term, text in rows]
            first_col = min(max((term_len(term) for term, _ in rows), default=0), col_max) + col_spacing
            for term, text in rows:
                self.write(f"{'':>{self.current_indent}}{term}")
                if not text:
                    self.write("\n")
                    continue
                if term_len(term) <= first_col - col_spacing:
                    self.write(" " * (first_col - term_len(term)))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                lines = [line for p in _paragraphs(text) for line in _cell_lines(p, max(self.width - first_col - 2, 10))]
                self.write(f"{lines[0] if lines else ''}\n")
                for line in lines[1:]:
                    self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    class LocalContext(Context):
        formatter_class = Formatter

    return LocalContext


def _said(text: str, said: dict[str, str]) -> str:
    """An option's help with click's additions ([default: x], [required], its own --help) in the language."""
    text = text.replace("[default: ", f"[{said['default']}: ").replace("[required]", f"[{said['required']}]")
    return said["help_option"] if text == "Show this message and exit." else text


def _paragraphs(text: str) -> list[str]:
    """A help text's paragraphs (blank-line separated), each on one line, as click rewraps them."""
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _cell_lines(text: str, width: int) -> list[str]:
    """`text` broken into lines at most `width` terminal cells wide (between Japanese characters too)."""
    cuts = [0, *break_offsets(text, width), len(text)]
    return [text[a:b].strip() for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
