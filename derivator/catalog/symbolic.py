"""Entries as SymPy: parameter values, definitions, breakpoints, and the functions that stand for them.

Every text of the data (definitions, parameter values, breakpoints, output forms) is read by the same
safe parser as user input, so `derivator derive "<definition>"` and `derivator NAME` start from the very
same expression. A definition written with another entry's name (Swish as `x*sigmoid(beta*x)`) is parsed
with that name as a function, so the engine can cite the other entry's derivative as a lemma.
"""

from __future__ import annotations

import re
from functools import cache

import sympy as sp

from derivator.catalog.model import Breakpoint, Entry, Param
from derivator.catalog.registry import entries, get, lookup
from derivator.core.errors import DerivatorError
from derivator.core.functions import NamedFunction, named_function, sigmoid
from derivator.core.trace import Parameter, ParameterSymbol
from derivator.parse.text import FUNCTIONS, parse_text

# SymPy functions whose derivative a lecturer cites as a result of its own (tanh′ = 1 − tanh², proven
# from tanh's definition), unlike exp, sin and atan, whose derivatives are table rules
CITED_BUILTINS = (sp.tanh,)
# classes the engine itself already uses for an entry (its σ folds and rewrites): the catalog must hand
# out the very same class, not a look-alike
_ENGINE_CLASSES: dict[str, type[sp.Function]] = {"sigmoid": sigmoid}

# -- parameters ----------------------------------------------------------------------------------------
_DOMAINS = {
    "positive": (lambda v: v.is_positive, "must be positive"),
    "nonzero": (lambda v: v.is_nonzero, "must not be 0"),
    "real": (lambda v: v.is_real, "must be a real number"),
}


def param_symbols(entry: Entry) -> dict[str, sp.Symbol]:
    """The symbol each parameter is shown as when kept symbolic (λ for lambd, α for negative_slope)."""
    return {p.name: ParameterSymbol(p.symbol or p.name, real=True, **({} if p.assume == "real" else {p.assume: True}))
            for p in entry.params}


def param_name(entry: Entry, name: str) -> str:
    """The parameter a user's `--param` name means: its own name or the symbol it prints as
    (`lambda` is SELU's scale, `alpha` is leaky ReLU's negative_slope); unknown names are kept."""
    for p in entry.params:
        if name in (p.name, p.symbol):
            return p.name
    return name


def param_values(
    entry: Entry, overrides: dict[str, str] | None = None, *, symbolic: bool = False
) -> dict[str, sp.Expr]:
    """Exact parameter values: the user's `--param name=value`, else the defaults (or, with
    symbolic=True, the parameter's symbol: what `derivator NAME` derives with).

    A value may also name a source (`--param negative_slope=keras`) or be a symbol (`alpha`), which
    keeps the parameter symbolic.
    """
    overrides = {param_name(entry, k): v for k, v in (overrides or {}).items()}
    unknown = set(overrides) - {p.name for p in entry.params}
    if unknown:
        raise DerivatorError(
            f"{entry.name} has no parameter {sorted(unknown)[0]!r}",
            hint=f"its parameters: {', '.join(p.name for p in entry.params) or 'none'}",
        )
    values: dict[str, sp.Expr] = {}
    for p in entry.params:
        if symbolic and p.name not in overrides:
            values[p.name] = param_symbols(entry)[p.name]
            continue
        text = overrides.get(p.name, p.default)
        named = {source.lower(): value for source, value in p.sources}
        if text.strip().lower() in named:
            text = named[text.strip().lower()]
        value = parse_text(text)
        if value.free_symbols:
            value = value.xreplace({s: param_symbols(entry).get(p.name, s) for s in value.free_symbols
                                    if isinstance(s, sp.Symbol) and s.name in (p.name, p.symbol)})
        elif value.is_number:
            check, what = _DOMAINS[p.domain]
            if check(value) is not True:
                raise DerivatorError(f"{entry.name}: {p.name} = {text} {what}", hint=p.doc or None)
        values[p.name] = value
    for low, high in entry.ordered:
        a, b = values[low], values[high]
        if (a - b).is_number and not a < b:
            raise DerivatorError(f"{entry.name}: {low} must be less than {high}", hint=f"got {a} and {b}")
        if (a - b).is_negative is None:  # one given, the other a symbol: its assumption may not hold
            raise DerivatorError(f"{entry.name}: give both {low} and {high}, or neither",
                                 hint=f"{low} < {high} is assumed only while both are symbols")
    return values


def default_source(entry: Entry, param: Param) -> str:
    """Whose default a parameter's default is: PyTorch where the entry follows it, else the source
    that lists the same value, else the entry's own reference (a paper)."""
    if "PyTorch" in entry.source:
        return "PyTorch"
    for source, value in param.sources:
        if value == param.default:
            return source
    return re.split(r"[:;(]", entry.source)[0].strip()


def parameters(entry: Entry, overrides: dict[str, str] | None = None) -> list[Parameter]:
    """The entry's parameters as a derivation states them: each a symbol, or the exact value given."""
    given = {param_name(entry, k): v for k, v in (overrides or {}).items()}
    values = param_values(entry, given, symbolic=True)
    symbols, defaults = param_symbols(entry), param_values(entry)
    out = []
    for p in entry.params:
        value = values[p.name] if p.name in given and values[p.name].is_number else None
        out.append(Parameter(p.name, symbols[p.name], p.default, default_source(entry, p), value,
                             given.get(p.name, "") if value is not None else "", defaults[p.name]))
    return out


# -- definitions ---------------------------------------------------------------------------------------
@cache
def _template(name: str) -> sp.Expr:
    """The entry's definition as parsed once: in x (real) and its parameters' plain symbols."""
    entry = get(name)
    variables = ("x", *(p.name for p in entry.params))
    return parse_text(entry.definition, functions=callables(exclude=entry.name), variables=variables)


def _param_subs(values: dict[str, sp.Expr]) -> dict[sp.Basic, sp.Basic]:
    return {sp.Symbol(name, real=True): value for name, value in values.items()}


def definition(
    entry: Entry, x: sp.Symbol, params: dict[str, str] | None = None, *, symbolic: bool = False
) -> sp.Expr:
    """The entry's definition in the variable x, its parameters substituted (or, with symbolic=True,
    those not given kept as the symbols a lecturer writes: α, β, λ)."""
    subs = _param_subs(param_values(entry, params, symbolic=symbolic))
    subs[sp.Symbol("x", real=True)] = x
    return _template(entry.name).xreplace(subs)


def output_form(
    entry: Entry, y: sp.Symbol, params: dict[str, str] | None = None, *, symbolic: bool = False
) -> sp.Expr | None:
    """The textbook's f' in y (for listing and tests, never for the engine: it finds forms itself)."""
    if entry.output_form is None:
        return None
    variables = ("y", *(p.name for p in entry.params))
    expr = parse_text(entry.output_form, variables=variables)
    subs = _param_subs(param_values(entry, params, symbolic=symbolic))
    subs[sp.Symbol("y", real=True)] = y
    return expr.xreplace(subs)


def breakpoints(
    entry: Entry, params: dict[str, str] | None = None, *, symbolic: bool = False
) -> list[tuple[sp.Expr, Breakpoint]]:
    """(position, breakpoint) with the parameters substituted, left to right when numeric."""
    subs = _param_subs(param_values(entry, params, symbolic=symbolic))
    names = tuple(p.name for p in entry.params)
    points = [(parse_text(b.at, variables=names).xreplace(subs), b) for b in entry.breakpoints]
    if all(at.is_number for at, _ in points):
        points.sort(key=lambda pair: float(pair[0]))
    return points


def convention_at(entry: Entry, at: sp.Expr, params: dict[str, str] | None = None) -> str | None:
    """PyTorch's convention at the breakpoint at `at` (hardtanh: left at -1, right at 1), or None."""
    for position, bp in breakpoints(entry, params):
        if sp.simplify(position - at) == 0:
            return bp.convention
    return None


# -- functions usable by name inside expressions -----------------------------------------------------------
def _builtin(entry: Entry) -> type[sp.Function]:
    """The text parser's own function named by `sympy_function` (its allow-list, never getattr on SymPy)."""
    function = FUNCTIONS.get(entry.sympy_function or "")
    if not (isinstance(function, type) and issubclass(function, sp.Function)):
        raise ValueError(f"catalog entry {entry.name!r}: sympy_function {entry.sympy_function!r} is not a "
                         "function of the text parser")
    return function


@cache
def function_class(name: str) -> type[sp.Function]:
    """The SymPy Function standing for this entry inside other derivations (σ in x·σ(x)).

    Entries with parameters stand for their defaults here: softplus(x) inside Mish is PyTorch's beta = 1.
    """
    entry = lookup(name)
    if entry is None:
        raise KeyError(name)
    if entry.sympy_function:
        return _builtin(entry)
    if entry.name in _ENGINE_CLASSES:
        return _ENGINE_CLASSES[entry.name]
    u = sp.Symbol("x", real=True)

    def define(arg: sp.Expr, _entry: Entry = entry) -> sp.Expr:
        return definition(_entry, u).xreplace({u: arg})

    return named_function(entry.name, define, entry.latex_name, entry.unicode_name)


@cache
def _callables() -> dict[str, tuple[str, type[sp.Function]]]:
    table: dict[str, tuple[str, type[sp.Function]]] = {}
    for entry in entries():
        if not entry.cite_as_function:
            continue
        for name in (entry.name, *entry.aliases):
            # the parser's own names (tanh, Heaviside) keep their meaning
            if name.isidentifier() and name.isascii() and name not in FUNCTIONS:
                table[name] = (entry.name, function_class(entry.name))
    return table


def callables(exclude: str | None = None) -> dict[str, type[sp.Function]]:
    """Catalog names usable as functions in expressions: x*sigmoid(x), x*Phi(x) (given to parse_text)."""
    return {name: cls for name, (owner, cls) in _callables().items() if owner != exclude}


def entry_of_function(func: type) -> Entry | None:
    """The catalog entry a SymPy function class stands for (sigmoid → sigmoid, sp.tanh → tanh)."""
    for entry in entries():
        if entry.sympy_function and _builtin(entry) is func:
            return entry
    if isinstance(func, type) and issubclass(func, NamedFunction):
        return lookup(func.__name__)
    return None


@cache
def cites(name: str) -> tuple[str, ...]:
    """The entries this entry's definition is written in terms of, outermost first.

    Mish → (tanh, softplus); Swish → (sigmoid,). The engine cites their derivatives as lemmas.
    """
    entry = get(name)
    found: list[str] = []
    for node in sp.preorder_traversal(_template(entry.name)):
        if isinstance(node, NamedFunction) or type(node) in CITED_BUILTINS:
            other = entry_of_function(type(node))
            if other is not None and other.name != entry.name and other.name not in found:
                found.append(other.name)
    return tuple(found)


def cited_by(name: str) -> tuple[str, ...]:
    """The entries whose definitions cite this one (sigmoid → silu, swish, quick_gelu, log_sigmoid)."""
    target = get(name).name
    return tuple(e.name for e in entries() if target in cites(e.name))


def describe(entry: Entry) -> dict:
    """Everything `derivator list --format json` shows about an entry, as plain JSON values."""
    return {
        "name": entry.name,
        "title": entry.title,
        "title_ja": entry.title_ja,
        "aliases": list(entry.aliases),
        "definition": entry.definition,
        "params": [
            {"name": p.name, "default": p.default, "symbol": p.symbol or p.name, "doc": p.doc,
             "sources": dict(p.sources)}
            for p in entry.params
        ],
        "output_form": entry.output_form,
        "breakpoints": [
            {"at": b.at, "convention": b.convention, "convention_source": b.convention_source, "jump": b.jump}
            for b in entry.breakpoints
        ],
        "cites": list(cites(entry.name)),
        "source": entry.source,
        "notes": entry.notes,
    }
