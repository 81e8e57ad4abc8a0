"""Named activations: definition, aliases, parameters, sources, and what happens at each kink.

The catalog is data: every entry is one dict of literals in `data.py` (its docstring lists the keys),
built into frozen records (`model.py`) once by `registry.py`, which also keeps the one index of names.
`symbolic.py` reads the texts with derivator's own parser (never eval) and makes the functions that stand
for entries inside expressions; `reading.py` hands the names posts use to the LaTeX reader. The parsers
never import the catalog: they are given its names (`callables()` for plain text, `words()` and
`reading_function` for LaTeX).

Parameters are symbols in the definition with exact defaults (`0.01` is read as 1/100). Where the
frameworks disagree the parameter lists each source's value, and `--param negative_slope=keras` picks
one by the source's name. Where they disagree on the *formula* (hard sigmoid), there are two entries.

Breakpoints are the points where the definition changes piece. At each, `convention` says which
one-sided derivative PyTorch's backward returns there (read from ATen's CPU kernels, cited per
breakpoint), so `derivator relu` says ReLU'(0) = 0 as PyTorch computes it; `--at-kink` overrides it.
Whether a breakpoint is a kink (one-sided derivatives differ) depends on the parameters (ELU with
alpha = 1 has none), so that is computed, not stored.

`output_form` is the textbook's form of f' in y = f(x), kept for `derivator list` and as the tests'
expected answer. The engine never reads it: it finds output forms by its own general method.
"""

from derivator.catalog.model import CONVENTIONS, Breakpoint, Entry, InPosts, Param
from derivator.catalog.reading import reading_function, words
from derivator.catalog.registry import CatalogDataError, entries, get, lookup
from derivator.catalog.symbolic import (
    CITED_BUILTINS,
    breakpoints,
    callables,
    cited_by,
    cites,
    convention_at,
    definition,
    describe,
    entry_of_function,
    function_class,
    output_form,
    param_name,
    param_symbols,
    parameters,
    param_values,
)

__all__ = [
    "CITED_BUILTINS", "CONVENTIONS", "Breakpoint", "CatalogDataError", "Entry", "InPosts", "Param", "breakpoints",
    "callables", "cited_by", "cites", "convention_at", "definition", "describe", "entries", "entry_of_function",
    "function_class", "get", "lookup", "output_form", "param_name", "param_symbols", "parameters", "param_values", "reading_function", "words",
]
