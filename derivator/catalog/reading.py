"""The names hand-written derivations use for catalog functions, as the LaTeX reader is given them.

`derivator.parse.latex` never imports the catalog: it is given `reading_function`, the one registry of
these names — called with a name, it says what the name means; its `words` say which runs of letters
are one word. Both come from the `in_posts` keys of data.py, so a post's spelling of a new activation
is added there and nowhere else.
"""

from __future__ import annotations

from functools import cache
from typing import Callable

import sympy as sp

from derivator.catalog.registry import entries, lookup
from derivator.catalog.symbolic import callables, function_class
from derivator.parse.text import parse_text


@cache
def words() -> frozenset[str]:
    """Lower-case spellings the LaTeX reader takes as one word (relu, elu, logsigmoid, …)."""
    return frozenset(w for entry in entries() for w in entry.in_posts.words)


@cache
def _reading_table() -> dict[str, Callable[[sp.Expr], sp.Expr]]:
    """Exact names (σ, Φ, φ, lower-case spellings) read as the function written out: each entry's
    `in_posts` names, read as its `means` (in x, parsed with the catalog's names)."""
    x = sp.Symbol("x", real=True)
    table: dict[str, Callable[[sp.Expr], sp.Expr]] = {}
    for entry in entries():
        if not entry.in_posts.names:
            continue
        body = parse_text(entry.in_posts.means or "", functions=callables(), variables=("x",))
        for name in entry.in_posts.names:
            if name in table:
                raise ValueError(f"catalog: the post name {name!r} is read two ways")
            table[name] = _written_out(body, x)
    return table


def _written_out(body: sp.Expr, x: sp.Symbol) -> Callable[[sp.Expr], sp.Expr]:
    def read(u: sp.Expr) -> sp.Expr:
        return body.xreplace({x: u})

    return read


class ReadingNames:
    """The catalog's names as the LaTeX reader is given them (derivator.parse.latex.FunctionNames)."""

    @property
    def words(self) -> frozenset[str]:
        return words()

    def __call__(self, name: str) -> Callable[[sp.Expr], sp.Expr] | None:
        """What a text means by `name` used without a definition (σ, ReLU, softplus, Φ, …), or None.

        Entries with parameters are left out: ELU's α or Swish's β could be anything in a post, and a
        guessed default would be a false alarm."""
        fn = _reading_table().get(name)
        if fn is not None or len(name) < 3:
            return fn
        entry = lookup(name)
        if entry is None or entry.params or not entry.cite_as_function:
            return None
        return function_class(entry.name)

    def __repr__(self) -> str:
        return "derivator.catalog.reading_function"


# one instance: `reading_function(name)` as before, and `reading_function.words` for the tokenizer
reading_function = ReadingNames()
