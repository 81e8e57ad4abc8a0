"""Fuzzing the plain-text parser (hypothesis): any text is read or refused in one line with a position,
quickly; and what it reads means what SymPy's own printer wrote."""

from __future__ import annotations

import sympy as sp
from fuzzing import TEXT_TOKENS, assert_one_line, time_limit, token_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from derivator import catalog
from derivator.core.errors import ParseError
from derivator.parse.text import parse_text
from derivator.verify import Domain, check_equal

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(text: str):
    with time_limit(5):
        try:
            return parse_text(text, functions=catalog.callables(), variables=("x",))
        except ParseError as err:
            assert_one_line(err, position=True)
            return None


@FAST
@given(token_text(TEXT_TOKENS))
@example("x" + "**x" * 150)
@example("+".join(["x"] * 2400))
@example("Max(sin(exp(exp(12))), 0)")
def test_token_soup(text):
    result = _parse(text)
    assert result is None or isinstance(result, sp.Expr)


@FAST
@given(st.text(max_size=200))
def test_any_unicode(text):
    _parse(text)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_as_an_argument(data):
    _parse(data.decode("utf-8", "surrogateescape"))


# -- meaning: SymPy prints a random expression, the parser reads back the same expression -----------------
x, y = sp.symbols("x y", real=True)
LEAVES = st.sampled_from([x, y, sp.Integer(2), sp.Integer(-3), sp.Rational(1, 3), sp.Rational(5, 2), sp.pi, sp.E])
UNARY = [sp.exp, sp.sin, sp.cos, sp.tanh, sp.atan, sp.erf, sp.sqrt, sp.Abs, sp.log, sp.asinh, lambda e: -e]


def _safe(f):
    def build(a, b):
        try:
            return f(a, b)
        except (ValueError, TypeError):  # Max of a non-real value: SymPy refuses, the tree takes a sum
            return a + b

    return build


BINARY = [sp.Add, sp.Mul, lambda a, b: a / b, lambda a, b: a**b, _safe(sp.Max), _safe(sp.Min), lambda a, b: a - b]


def _trees(depth: int):
    if depth == 0:
        return LEAVES
    smaller = _trees(depth - 1)
    return st.one_of(
        smaller,
        st.builds(lambda f, e: f(e), st.sampled_from(UNARY), smaller),
        st.builds(lambda f, a, b: f(a, b), st.sampled_from(BINARY), smaller, smaller),
    )


def _printable(expr) -> bool:
    # I is a symbol to the parser (derivator works over the reals), so complex values are left out
    return not expr.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo) and sp.count_ops(expr) < 40


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_trees(3).filter(_printable))
def test_reads_back_what_sympy_prints(expr):
    text = sp.sstr(expr)
    try:
        with time_limit(5):
            back = parse_text(text, variables=("x", "y"))
    except ParseError as err:
        # refusing is allowed only for the documented size bounds, never for a plain expression
        assert any(word in str(err) for word in ("too large", "exponent", "digits", "nested")), (text, str(err))
        return
    if back != expr:  # same value, written differently (SymPy's printer reorders): equal as functions
        verdict = check_equal(back, expr, (x, y), Domain(0.1, 3.0), symbolic=False)
        assert verdict.ok or verdict.method is None, (text, back, verdict)
