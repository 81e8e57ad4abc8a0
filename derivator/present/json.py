"""JSON: the documented, stable schema other tools (and derivator's own checks) read.

`definition`, `derivative` and `output_form` are strings `sympy.sympify` reads back with SymPy's
built-in functions only (σ written out as 1/(1+exp(-x))). A symbol whose name sympify would read as
something else — I, E, oo, nan, S, beta, Symbol, N, a Python builtin, a name Python normalises (ℌ → H) —
is written Symbol('beta'), so every expression reads back exactly.
"""

from __future__ import annotations

import builtins
import json as _json
import keyword
import unicodedata
from functools import lru_cache

import sympy as sp
from sympy.printing.str import StrPrinter

from derivator import __version__
from derivator.present.narration import say
from derivator.core.functions import InnerFunction
from derivator.core.printing import to_latex
from derivator.core.trace import SCHEMA_VERSION, Derivation, Step
from derivator.verify import plain


@lru_cache(maxsize=1)
def _sympify_names() -> frozenset[str]:
    """Every name sympify resolves itself instead of making a Symbol: SymPy's namespace and Python's
    builtins (what sympy.parsing.sympy_parser evaluates in)."""
    return frozenset(sp.__all__) | frozenset(vars(builtins)) | frozenset(keyword.kwlist)


def reads_back(name: str) -> bool:
    """Whether sympify(name) is Symbol(name)."""
    return (name.isidentifier() and name not in _sympify_names() and unicodedata.normalize("NFKC", name) == name
            and not name.startswith("_"))


class ReadableStrPrinter(StrPrinter):
    """sstr, with symbols sympify would misread written Symbol('name')."""

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = expr.name
        return name if reads_back(name) else f"Symbol({name!r})"

    def _print_Heaviside(self, expr: sp.Heaviside) -> str:
        # H(x) with no value at 0 (what the other formats write as H(x)): Heaviside(x) alone would read
        # back as H(0) = 1/2, so the step is written by its two sides, which sympify leaves undefined at 0
        arg, at_zero = expr.args
        if at_zero is not sp.nan:
            return f"Heaviside({self._print(arg)})" if at_zero == sp.S.Half else self._print_Function(expr)
        return self._print(sp.Piecewise((0, sp.StrictLessThan(arg, 0)), (1, sp.StrictGreaterThan(arg, 0))))

    def _print(self, expr, **kwargs) -> str:
        # Before the objects' own _sympystr, which sympify cannot read back: z[k] (an Indexed), and a loss's
        # ∂L/∂z_i and σ′(z_k) (Derivative subclasses that print as a lecturer writes them)
        if isinstance(expr, sp.Indexed):
            return f"Indexed({expr.base.label.name!r}, {', '.join(self._print(i) for i in expr.indices)})"
        if isinstance(expr, sp.IndexedBase):
            return f"IndexedBase({expr.label.name!r})"
        if isinstance(expr, sp.Derivative) and type(expr) is not sp.Derivative:
            return self._print_Derivative(expr)
        return super()._print(expr, **kwargs)


def sympy_str(expr) -> str:
    """A SymPy object as a string sympify reads back exactly."""
    return ReadableStrPrinter().doprint(expr)


def builtin_str(expr: sp.Expr) -> str:
    return sympy_str(plain(expr))


def _jsonable(value):
    if isinstance(value, sp.Basic):
        return sympy_str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _step(step: Step, lang: str) -> dict:
    v = step.verification
    return {
        "rule": step.rule,
        "description": say(step, lang, to_latex),
        "before": sympy_str(step.before),
        "after": sympy_str(step.after),
        "latex": to_latex(step.after),
        "verified": step.verified,
        "method": v.method if v else None,
        "params": {k: _jsonable(p) for k, p in step.params.items()},
        "substeps": [_step(s, lang) for s in step.substeps],
    }


def _in_named_functions(d: Derivation) -> tuple[sp.Expr, list[tuple[sp.Symbol, sp.Expr, sp.Expr]]] | None:
    """(the final line, [(u_k, its one-level definition, the same with σ named)]) in plain symbols u_1, u_2, …, when the derivation
    ends in named inner functions (a deep nest: σ(σ(…σ(x)))). Written out, each factor σ′(u_k) repeats the
    whole inner chain, so the derivative's text grows with depth²; in the u_k it grows with the depth, as
    a lecturer writes it. None when the final line has no u_k (every catalog entry, every shallow nest)."""
    last = d.steps[-1].after if d.steps else None
    if last is None or d.partial or not last.has(InnerFunction):
        return None
    found: dict[int, InnerFunction] = {}
    todo = list(last.atoms(InnerFunction))
    while todo:
        u = todo.pop()
        if u.index not in found:
            found[u.index] = u
            todo += u.defined().atoms(InnerFunction)
    taken = {s.name for s in d.definition.free_symbols}
    names = {u: sp.Symbol(f"u_{k}", real=True) for k, u in found.items()}
    if taken & {s.name for s in names.values()}:
        return None  # the input has its own u_k: the written-out derivative is unambiguous
    definitions = [(names[u], plain(u.defined().xreplace(names)), u.defined()) for _, u in sorted(found.items())]
    return plain(last.xreplace(names)), definitions


def to_dict(d: Derivation, lang: str = "en", facts=None) -> dict:
    """The derivation as JSON values; with `facts` (derivator.analysis.facts.Facts) also a "facts" object."""
    named = _in_named_functions(d)
    out = {
        "schema": SCHEMA_VERSION,
        "version": __version__,
        "input": d.input,
        "name": d.name,
        "variable": d.variable.name if isinstance(d.variable, sp.Symbol) else sympy_str(d.variable),
        "order": d.order,
        "definition": builtin_str(d.definition),
        "derivative": builtin_str(d.derivative) if named is None else sympy_str(named[0]),
        "derivative_latex": to_latex(d.derivative if named is None else d.steps[-1].after),
        "output_form": sympy_str(d.output_form) if d.output_form is not None else None,
        "verified": d.verified,
        "steps": [_step(s, lang) for s in d.steps],
        "output_steps": [_step(s, lang) for s in d.output_steps],
        "kinks": [
            {
                "at": sympy_str(k.at),
                "left": sympy_str(k.left),
                "right": sympy_str(k.right),
                "convention": k.convention,
                "value": sympy_str(k.value) if k.value is not None else None,
                "jump": k.jump,
                "source": k.source,
            }
            for k in d.kinks
        ],
        "lemmas": [{"name": lm.name, "statement": f"{sympy_str(lm.statement_lhs)} = {sympy_str(lm.statement_rhs)}"} for lm in d.lemmas],
    }
    if named is not None:
        # only then, so every other derivation's JSON is exactly what it always was
        out["inner_functions"] = [{"name": u.name, "definition": sympy_str(body), "definition_latex": to_latex(shown)}
                                  for u, body, shown in named[1]]
    if d.parameters:
        # machine-readable names (as --param takes them) with the symbol's text and LaTeX; only for an
        # entry with parameters, so every other derivation's JSON is exactly what it always was
        out["parameters"] = [
            {"name": p.name, "symbol": p.symbol.name, "symbol_latex": to_latex(p.symbol),
             "value": sympy_str(p.value) if p.value is not None else None, "default": p.default, "source": p.source}
            for p in d.parameters
        ]
    if d.partial:
        # only then, so a complete derivation's JSON is exactly what it always was
        out["partial"] = True
        out["no_rule_for"] = [builtin_str(part) for part in d.unknown_parts]
    if facts is not None:
        from derivator.present.facts_json import facts_dict

        out["facts"] = facts_dict(facts, lang)
    return out


def render_json(d: Derivation, *, lang: str = "en", facts=None) -> str:
    return _json.dumps(to_dict(d, lang, facts), ensure_ascii=False, indent=2)
