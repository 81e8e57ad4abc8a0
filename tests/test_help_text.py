"""`--help` in Japanese with --lang ja (the top level and every command), English by default."""

from __future__ import annotations

import re

import pytest

from derivator.app.cli import command, main
from derivator.app.help_text import help_table

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _helps(cmd) -> dict[str, str]:
    """Every help text of a built command: its own and each option's, by (command, parameter)."""
    out = {}
    for name, sub in [("app", cmd), *getattr(cmd, "commands", {}).items()]:
        out[(name, "help")] = sub.help or ""
        for param in sub.params:
            if getattr(param, "help", None):
                out[(name, param.name)] = param.help
    return out


def test_every_command_and_option_has_its_japanese_help():
    english, japanese = _helps(command("en")), _helps(command("ja"))
    assert english.keys() == japanese.keys()
    untranslated = [key for key in english if english[key] == japanese[key] or not JAPANESE.search(japanese[key])]
    assert not untranslated


def test_the_japanese_table_names_only_commands_and_options_that_exist():
    known = _helps(command("en")).keys()
    stray = [(table, key) for table, texts in help_table("ja").items() if table != "click"
             for key in texts if key != "short_help" and (table, key) not in known]
    assert not stray


def _run(capsys, *args: str) -> str:
    try:
        main(list(args))
    except SystemExit as done:
        assert done.code in (0, None)
    return capsys.readouterr().out


@pytest.mark.parametrize("args", [("--help", "--lang", "ja"), ("-l", "ja", "-h"), ("--lang=ja", "--help")])
def test_top_level_help_in_japanese(capsys, args):
    out = _run(capsys, *args)
    assert out.startswith("使い方: derivator")
    assert "オプション:" in out and "コマンド:" in out and "このヘルプを表示して終了します。" in out
    assert "Usage" not in out and "Show this message" not in out


@pytest.mark.parametrize("name", ["derive", "check", "list", "doc"])
def test_command_help_in_japanese(capsys, name):
    out = _run(capsys, name, "--help", "--lang", "ja")
    assert out.startswith(f"使い方: derivator {name}")
    assert "[既定値: " in out and "[default:" not in out and "Options" not in out


def test_english_is_the_default(capsys):
    out = _run(capsys, "derive", "--help")
    assert out.startswith("Usage: derivator derive") and re.search(r"\[default:\s+terminal\]", out)
    assert not JAPANESE.search(out)


@pytest.mark.parametrize("width", [50, 80])
@pytest.mark.parametrize("name", ["", "derive", "check", "doc"])
def test_japanese_help_fits_the_terminal_in_cells(capsys, monkeypatch, name, width):
    # a Japanese character takes two terminal cells: wrapped by characters, lines ran twice as wide
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", str(width))
    out = _run(capsys, *([name] if name else []), "--help", "--lang", "ja")
    words = set(re.sub(r"[\u3000-\u30ff\u4e00-\u9fff（）、。「」]", " ", out).split())
    for line in out.splitlines():
        # (an option's own name, or one unbreakable word such as a command line, may stand wider alone)
        assert cell_len(line) <= width or line.strip() in words or line.split()[0].startswith("-"), line
    assert JAPANESE.search(out)
