"""Line breaking for narration in the terminal, as Japanese and English are set.

rich breaks lines only at spaces. Japanese has none, so a sentence of it moves to the next line whole
(leaving a ragged column of short lines) or, when longer than the column, is chopped mid-word. Japanese
may break between any two characters except before closing punctuation and small kana, or after an
opening bracket (kinsoku shori, JIS X 4051); Latin words and math stay whole as rich keeps them. Widths
are terminal cells: a kanji or kana takes two.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text

# characters a line must not start with (closing punctuation, prolonged sound mark, small kana) or end with
_NO_START = set("、。，．・：；？！）」』】〕〉》’”ー…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻),.:;!?]}′")
_NO_END = set("（「『【〔〈《‘“([{")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _may_break_before(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    if before.isspace() or after.isspace():
        return False  # a space is a break of its own, taken with the space
    if not (_wide(before) or _wide(after)):
        return False  # inside a Latin word or a piece of math
    return after not in _NO_START and before not in _NO_END


def close_up(text: str) -> str:
    """No space between two Japanese characters, as Japanese is written: a template's "{name} の微分" filled
    with a Japanese name ("シグモイド関数 の微分") reads "シグモイド関数の微分"; beside math the space stays."""
    return "".join(ch for i, ch in enumerate(text)
                   if not (ch == " " and 0 < i < len(text) - 1 and _wide(text[i - 1]) and _wide(text[i + 1])))


def _units(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each piece that stays on one line: a run up to the next break, its trailing spaces
    included."""
    start = 0
    for i in range(1, len(text)):
        if (text[i - 1].isspace() and not text[i].isspace()) or _may_break_before(text, i):
            yield start, i
            start = i
    if text:
        yield start, len(text)


def break_offsets(text: str, width: int) -> list[int]:
    """Where to start each new line of `text` (no newline in it) so that no line is wider than `width`
    cells, trailing spaces not counted; a piece wider than a line is cut at the cell boundary."""
    offsets: list[int] = []
    used = 0
    for start, end in _units(text):
        piece = text[start:end]
        need = cell_len(piece.rstrip())
        if used and used + need > width:
            offsets.append(start)
            used = 0
        if need > width:  # a piece no line can hold: fold it, nothing is dropped
            for part in chop_cells(piece, width)[:-1]:
                start += len(part)
                offsets.append(start)
            piece = text[start:end]
        used += cell_len(piece)
    return offsets


def wrap(text: Text, width: int, first_width: int | None = None) -> list[Text]:
    """`text` as lines of at most `width` cells (`first_width` for the very first line), styles kept, the
    spaces at each break dropped."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        if not lines and first_width is not None:
            # the first line has its own width (an indent, a hanging indent): set it, then the rest as one
            cut = (break_offsets(paragraph.plain, max(first_width, 2)) or [len(paragraph)])[0]
            head, paragraph = paragraph[:cut], paragraph[cut:]
            head.rstrip()
            lines.append(head)
            if not paragraph.plain:
                continue
        for line in paragraph.divide(break_offsets(paragraph.plain, max(width, 2))):
            line.rstrip()
            lines.append(line)
    return lines


class Prose:
    """A renderable paragraph that breaks as Japanese (and English) text is set; usable in a table cell.
    `indent` cells before its first line, `hang` before the others; no line is padded with spaces."""

    def __init__(self, text: str | Text, style: str = "", *, indent: int = 0, hang: int | None = None) -> None:
        self.text = Text(text, style=style) if isinstance(text, str) else text
        self.indent = indent
        self.hang = indent if hang is None else hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = wrap(self.text, width - self.hang, first_width=width - self.indent)
        yield Text("\n").join(Text(" " * (self.hang if i else self.indent)) + line for i, line in enumerate(lines))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        pieces: Iterable[str] = (plain[s:e].rstrip() for line in plain.split("\n") for s, e in _units(line))
        narrowest = max((cell_len(p) for p in pieces), default=0)
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(narrowest, widest) + self.indent, widest + self.indent).clamp(
            max_width=options.max_width)


def prose_cells(*cells: RenderableType) -> list[RenderableType]:
    """A table row whose text cells break as prose: a string is read as rich markup, as Table reads it."""
    return [Prose(Text.from_markup(c) if isinstance(c, str) else c) if isinstance(c, (str, Text)) else c
            for c in cells]
