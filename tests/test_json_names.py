"""The JSON reads back with sympify for every name the parser accepts (issue 10, finding 9): symbols that
sympify would read as constants, functions or Python objects (I, oo, nan, E as a variable, S, beta,
Symbol, N, sum, …) are written Symbol('name')."""

from __future__ import annotations

import builtins
import json
import unicodedata

import pytest
import sympy as sp

from derivator import catalog
from derivator.parse.text import parse_text
from derivator.pipeline import derive
from derivator.present.json import builtin_str, reads_back, render_json
from derivator.core.errors import DerivatorError

GREEK = [unicodedata.lookup(f"GREEK SMALL LETTER {n}") for n in ("ALPHA", "BETA", "SIGMA", "LAMDA", "MU")]
CANDIDATES = sorted(set(sp.__all__) | set(vars(builtins)) | set(GREEK) | {"ℌ", "µ", "ﬁ", "alpha", "lambda_", "y", "x1"})


def _accepted() -> list[tuple[str, sp.Expr]]:
    """(name, parsed f) for every candidate name the parser reads as a symbol."""
    out = []
    for name in CANDIDATES:
        if not name.isidentifier() or name == "x":
            continue
        try:
            expr = parse_text(f"{name}*x**2 + x", functions=catalog.callables(), variables=("x",))
        except DerivatorError:
            continue
        if any(s.name == name for s in expr.free_symbols):
            out.append((name, expr))
    return out


ACCEPTED = _accepted()


def _plain_symbols(expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols})


def test_many_names_are_accepted():
    # the parser takes SymPy's and Python's names as symbols: each must survive the round trip below
    names = {n for n, _ in ACCEPTED}
    assert {"I", "oo", "nan", "S", "beta", "Symbol", "zoo", "N", "sum"} <= names, sorted(names)[:50]


@pytest.mark.parametrize("name, expr", ACCEPTED, ids=[n for n, _ in ACCEPTED])
def test_every_accepted_name_reads_back(name, expr):
    text = builtin_str(expr)
    assert sp.sympify(text) == _plain_symbols(expr), text


@pytest.mark.parametrize("name", ["E", "I", "S", "beta", "Symbol", "N", "oo", "gamma", "pi", "e"])
def test_a_variable_of_any_accepted_name_reads_back(name):
    d = derive(f"{name}**3 + {name}", name)
    data = json.loads(render_json(d))
    for key in ("definition", "derivative"):
        assert sp.sympify(data[key]) == _plain_symbols(getattr(d, key)), (key, data[key])


def test_ordinary_names_stay_plain():
    assert reads_back("x") and reads_back("alpha") and reads_back("y")
    assert builtin_str(parse_text("alpha*x", variables=("x",))) == "alpha*x"
    assert not reads_back("E") and not reads_back("ℌ")


def test_a_step_with_no_value_at_zero_reads_back_as_one():
    # H(x) as the other formats write it: sympify's Heaviside(x) would mean H(0) = 1/2, Heaviside(x, nan) is
    # no one's notation; both sides of the step, undefined at 0, read back as the same function
    out = json.loads(render_json(derive("x*Heaviside(x)", "x"), lang="en"))
    x = sp.Symbol("x")
    written = [out["definition"], out["derivative"], *(s[side] for s in out["steps"] for side in ("before", "after"))]
    assert not any("nan" in w for w in written)
    definition = sp.sympify(out["definition"])
    assert definition.subs(x, 0) is sp.nan
    assert (definition.subs(x, 2), definition.subs(x, -2)) == (2, 0)
