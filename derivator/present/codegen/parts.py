"""What generated code is made of, taken from a Derivation once and shared by every target."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derivator.present.codegen.safe_forms import safe_form
from derivator.core.functions import NamedFunction
from derivator.core.trace import Derivation


@dataclass(frozen=True)
class CodeParts:
    """The formulas of one export (as derived, for docstrings) and their safe forms (for the code)."""

    name: str  # wanted function name (mangled per target by NameTable)
    variable: sp.Symbol
    params: tuple[sp.Symbol, ...]
    definition: sp.Expr
    derivative: sp.Expr
    output_form: sp.Expr | None
    output_symbol: sp.Symbol
    order: int
    verified: bool | None
    library: sp.Expr | None  # f is a library function of x (tanh(x)): call it, never its definition
    # a catalog parameter kept symbolic → its source's default, as a float literal: the exported
    # functions take it as an argument with that default (elu(x, alpha=1.0))
    defaults: tuple[tuple[sp.Symbol, str], ...] = ()

    @property
    def suffix(self) -> str:
        return "grad" if self.order == 1 else f"d{self.order}"


@dataclass(frozen=True)
class SafeBodies:
    """The expressions the code evaluates (see safe_forms)."""

    function: sp.Expr
    derivative: sp.Expr
    from_output: sp.Expr | None


def display_free(expr: sp.Expr) -> sp.Expr:
    """Remove display-only structure (UnevaluatedExpr, pending Derivative) and write Heaviside as
    Piecewise, keeping named functions (the docstrings quote them as derived)."""
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    if expr.has(sp.Derivative):
        expr = expr.doit()
    return expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min, sp.Heaviside)), lambda e: e.rewrite(sp.Piecewise))


def wanted_name(text: str | None) -> str:
    """A function name from a catalog name or `f` (the user's expression text is no name)."""
    if not text:
        return "f"
    name = re.sub(r"\W+", "_", text).strip("_")
    return name if name and name.isascii() and not name[0].isdigit() else "f"


def code_parts(d: Derivation) -> CodeParts:
    """Collect what the code needs from a derivation."""
    x = d.variable
    definition = display_free(d.definition)
    derivative = display_free(d.derivative)
    output_form = display_free(d.output_form) if d.output_form is not None else None
    free = definition.free_symbols | derivative.free_symbols
    defaults = {s: repr(float(v)) for s, v in d.default_values.items() if s in free}
    # the arguments without a default first: Python and C# want the defaulted ones last
    params = tuple(sorted(free - {x}, key=lambda s: (s in defaults, s.name, sp.default_sort_key(s))))
    fn = d.function
    library = fn if isinstance(fn, sp.Function) and not isinstance(fn, NamedFunction) and fn.args == (x,) else None
    return CodeParts(
        name=wanted_name(d.name),
        variable=x,
        params=params,
        definition=definition,
        derivative=derivative,
        output_form=output_form,
        output_symbol=d.output_symbol,
        order=d.order,
        verified=d.verified if d.steps else None,
        library=library,
        defaults=tuple((s, defaults[s]) for s in params if s in defaults),
    )


@lru_cache(maxsize=32)
def safe_bodies(parts: CodeParts) -> SafeBodies:
    """The safe forms of f, f' and f' from the output (computed once for every target)."""
    x = parts.variable
    function = parts.library if parts.library is not None else safe_form(parts.definition, x)
    derivative = safe_form(parts.derivative, x)
    from_output = None
    if parts.output_form is not None and parts.order == 1:
        from_output = safe_form(parts.output_form, parts.output_symbol)
    return SafeBodies(function, derivative, from_output)
