"""The one terminal console: rich's, with no escape code at all under NO_COLOR.

rich alone honours NO_COLOR by dropping colours but keeps bold, dim and italic; the convention's users
(and screen readers, log files) expect plain text. Piped output is plain already (rich's own detection).
"""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console
from rich.table import Table


def terminal_console(**options: Any) -> Console:
    """A Console for derivator's terminal output; `options` as rich's (file, width, …)."""
    if os.environ.get("NO_COLOR"):  # set and not empty, as no-color.org defines it
        options.setdefault("color_system", None)
    return Console(**options)


def unclipped(table: Table) -> Table:
    """Every column of `table` folds a token too long for it onto the next line instead of ending it in
    "…" (rich's default): a terminal of any width shows everything."""
    for column in table.columns:
        column.overflow = "fold"
    return table
