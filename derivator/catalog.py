"""Named activations: definition, aliases, parameters, sources and conventions at kinks.

Each definition is plain text in SymPy's spelling, read by the same safe parser as user input, so
`derivator derive "<definition>"` and `derivator NAME` start from the very same expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import sympy as sp

from derivator.errors import DerivatorError
from derivator.functions import NamedFunction, named_function, sigmoid


@dataclass(frozen=True)
class Param:
    name: str
    default: str  # exact value as text, e.g. "0.01"
    doc: str = ""
    # where sources disagree: {"PyTorch": "0.01", "Keras": "0.2"}
    sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Entry:
    name: str
    definition: str  # in the variable x, SymPy spelling, parameters by name
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    latex_name: str | None = None  # e.g. \sigma; default \operatorname{name}
    unicode_name: str | None = None
    source: str = ""
    # the value of f' used at each kink by PyTorch's backward: "left", "right" or "mean"
    kink_convention: str = "left"
    # the expression f(x) is written with in derivations of *other* functions (σ in Swish)
    cite_as_function: bool = True
    # SymPy's own function for this entry, when it has one (tanh): used instead of a NamedFunction
    sympy_function: str | None = None
    notes: str = ""
    tags: tuple[str, ...] = field(default=())


ENTRIES: tuple[Entry, ...] = (
    Entry(
        name="sigmoid",
        definition="1/(1+exp(-x))",
        aliases=("logistic", "torch.nn.Sigmoid", "torch.sigmoid", "keras.activations.sigmoid", "expit"),
        latex_name=r"\sigma",
        unicode_name="σ",
        source="logistic function; PyTorch torch.nn.Sigmoid",
    ),
    Entry(
        name="tanh",
        definition="(exp(x)-exp(-x))/(exp(x)+exp(-x))",
        aliases=("torch.nn.Tanh", "torch.tanh", "keras.activations.tanh"),
        latex_name=r"\tanh",
        unicode_name="tanh",
        source="hyperbolic tangent; PyTorch torch.nn.Tanh",
        sympy_function="tanh",
    ),
    Entry(
        name="relu",
        definition="Max(0, x)",
        aliases=("ReLU", "torch.nn.ReLU", "keras.activations.relu"),
        latex_name=r"\operatorname{ReLU}",
        unicode_name="ReLU",
        source="Nair & Hinton 2010; PyTorch torch.nn.ReLU (backward uses 0 at x = 0)",
        kink_convention="left",
    ),
    Entry(
        name="softplus",
        definition="log(1+exp(x))",
        aliases=("torch.nn.Softplus", "keras.activations.softplus"),
        latex_name=r"\operatorname{softplus}",
        unicode_name="softplus",
        source="Dugas et al. 2001; PyTorch torch.nn.Softplus with beta = 1",
    ),
)


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


@cache
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in ENTRIES:
        for name in (entry.name, *entry.aliases):
            index[_key(name)] = entry
    return index


def lookup(name: str) -> Entry | None:
    """The entry for a name or alias (case-insensitive), or None."""
    return _index().get(_key(name))


def entries() -> tuple[Entry, ...]:
    return ENTRIES


def param_values(entry: Entry, overrides: dict[str, str] | None = None) -> dict[str, sp.Expr]:
    """Exact parameter values, the defaults overridden by the user's `--param name=value`."""
    from derivator.parse.text import parse_text

    overrides = dict(overrides or {})
    unknown = set(overrides) - {p.name for p in entry.params}
    if unknown:
        raise DerivatorError(
            f"{entry.name} has no parameter {sorted(unknown)[0]!r}",
            hint=f"its parameters: {', '.join(p.name for p in entry.params) or 'none'}",
        )
    values = {}
    for p in entry.params:
        text = overrides.get(p.name, p.default)
        values[p.name] = parse_text(text)
    return values


def definition(entry: Entry, x: sp.Symbol, params: dict[str, str] | None = None) -> sp.Expr:
    """The entry's definition in the variable x with its parameters substituted."""
    from derivator.parse.text import parse_text

    expr = parse_text(entry.definition, functions=callables(exclude=entry.name), variables=("x",))
    values = param_values(entry, params)
    subs = {sp.Symbol(name, real=True): value for name, value in values.items()}
    subs[sp.Symbol("x", real=True)] = x
    return expr.xreplace(subs)


@cache
def function_class(name: str) -> type[sp.Function]:
    """The SymPy Function standing for this entry inside other derivations (σ in x·σ(x))."""
    entry = lookup(name)
    if entry is None:
        raise KeyError(name)
    if entry.sympy_function:
        return getattr(sp, entry.sympy_function)
    if entry.name == "sigmoid":
        return sigmoid
    u = sp.Symbol("x", real=True)

    def define(arg: sp.Expr, _entry: Entry = entry) -> sp.Expr:
        return definition(_entry, u).xreplace({u: arg})

    return named_function(entry.name, define, entry.latex_name, entry.unicode_name)


def callables(exclude: str | None = None) -> dict[str, type[sp.Function]]:
    """Catalog names usable as functions in expressions: x*sigmoid(x)."""
    table: dict[str, type[sp.Function]] = {}
    for entry in ENTRIES:
        if not entry.cite_as_function or entry.name == exclude or entry.params:
            continue
        for name in (entry.name, *entry.aliases):
            if name.isidentifier():
                table[name] = function_class(entry.name)
    return table
