"""Terminal line breaking: Japanese breaks between characters (not before 。、) and at spaces, English
only at spaces, widths in terminal cells (a kanji takes two), nothing dropped and nothing cut with "…"."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from derivator.pipeline import derive
from derivator.present.prose import Prose, wrap
from derivator.present.terminal import render_terminal

CHAIN = "u = 1 + e⁻ˣ とおいて連鎖律を使います。外側の微分 -1/u² に内側の微分 -e⁻ˣ を掛けます。"
ENGLISH = "Let u = 1 + e⁻ˣ and apply the chain rule: the outer derivative times the inner one."


def _lines(text: str, width: int) -> list[str]:
    return [line.plain for line in wrap(Text(text), width)]


@pytest.mark.parametrize("width", range(4, 60))
def test_every_line_fits_and_nothing_is_lost(width):
    for text in (CHAIN, ENGLISH):
        lines = _lines(text, width)
        assert all(cell_len(line) <= width for line in lines), lines
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("width", [12, 20, 30, 47])
def test_japanese_fills_its_lines(width):
    # rich alone moves a Japanese run to the next line whole, leaving lines of a few cells ("u = 1 + e⁻ˣ")
    lines = _lines(CHAIN, width)
    assert all(cell_len(line) >= width - 6 for line in lines[:-1]), lines


def test_no_line_starts_with_closing_punctuation():
    for width in range(6, 40):
        for line in _lines(CHAIN + "(未検証)。次に、「定義」を使います。", width)[1:]:
            assert line[0] not in "、。)」", (width, line)


def test_english_breaks_only_at_spaces():
    words = ENGLISH.split()
    for width in range(12, 60):
        for line in _lines(ENGLISH, width):
            assert all(w in words for w in line.split()), (width, line)


def test_a_table_cell_measures_and_wraps_japanese():
    table = Table(show_header=False, box=None)
    table.add_column()
    table.add_row(Prose(CHAIN))
    out = io.StringIO()
    Console(file=out, width=30, no_color=True).print(table)
    lines = out.getvalue().splitlines()
    assert max(cell_len(line) for line in lines) <= 30
    assert "".join(lines).replace(" ", "") == CHAIN.replace(" ", "")


def _render(name: str, width: int, lang: str = "ja") -> str:
    out = io.StringIO()
    render_terminal(derive(name), lang=lang, console=Console(file=out, width=width, no_color=True))
    return out.getvalue()


@pytest.mark.parametrize("name", ["sigmoid", "hardtanh"])
@pytest.mark.parametrize("width", [20, 33, 60, 71, 72, 100, 200])
def test_a_derivation_fits_any_width_in_cells(name, width):
    text = _render(name, width)
    assert "…" not in text
    assert max(cell_len(line) for line in text.splitlines()) <= width
    # the same characters at every width: only the line breaks move
    assert sorted(re.sub(r"\s", "", text)) == sorted(re.sub(r"\s", "", _render(name, 200)))


def test_a_narrow_terminal_stacks_each_step():
    # under TABLE_WIDTH the math, the rule and the sentence each get the full width, indented
    text = _render("sigmoid", 40)
    assert "  = d/dx[1/(1 + e⁻ˣ)]" in text.splitlines()
    assert "    ✓ 合成関数の微分法" in text.splitlines()
    assert not any(line.endswith(" ") for line in text.splitlines())  # no padding to the width


def _cli(*args: str, columns: int) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "DERIVATOR_NO_CACHE": "1", "NO_COLOR": "1", "COLUMNS": str(columns)}
    done = subprocess.run([sys.executable, "-m", "derivator", *args, "--lang", "ja"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


FAMILIES = [("sigmoid", "--facts"), ("compare", "sigmoid", "relu", "step"), ("loss", "softmax-ce"),
            ("check", "tests/fixtures/check/seed_001.txt"), ("list",)]


@pytest.mark.slow
@pytest.mark.parametrize("args", FAMILIES, ids=" ".join)
def test_every_command_fits_the_terminal_in_cells(args):
    # facts, tables and check reports at widths from a phone's to a wide monitor's: each line fits in
    # terminal cells (a kanji takes two) and the same characters are there at every width
    texts = {columns: _cli(*args, columns=columns) for columns in (20, 33, 80, 200)}
    for columns, text in texts.items():
        assert max(cell_len(line) for line in text.splitlines()) <= columns, (columns, text)
    if args[0] not in ("compare", "list", "check"):  # tables draw borders and headers once per line
        assert len({"".join(sorted(re.sub(r"\s", "", text))) for text in texts.values()}) == 1


def test_a_narrow_terminal_stacks_facts_too():
    text = _cli("sigmoid", "--facts", columns=40)
    lines = text.splitlines()
    assert "    ✓ 代入" in lines and max(cell_len(line) for line in lines) <= 40
