"""The plain-text parser: SymPy spelling in, SymPy out, nothing evaluated, sizes bounded."""

import pytest
import sympy as sp

from derivator import catalog
from derivator.core.errors import ParseError
from derivator.core.functions import sigmoid
from derivator.parse.text import parse_text

x, z = sp.symbols("x z", real=True)
beta = sp.Symbol("beta", real=True)

VALID = [
    ("x**2*exp(-x)", x**2 * sp.exp(-x)),
    ("x^2*3", 3 * x**2),  # ^ is a power with power's precedence, not XOR
    ("ln(x) + log(x)", 2 * sp.log(x)),
    ("abs(x) + Abs(x)", 2 * sp.Abs(x)),
    ("max(0, x)", sp.Max(0, x)),
    ("Min(x, 1)", sp.Min(x, 1)),
    ("sqrt(x)", sp.sqrt(x)),
    ("x**0.5", sp.sqrt(x)),  # decimals are exact rationals
    ("0.01*x", sp.Rational(1, 100) * x),
    ("pi*E", sp.pi * sp.E),
    ("e**x", sp.exp(x)),
    ("x*sigmoid(beta*x)", x * sigmoid(beta * x)),  # beta is a symbol, not SymPy's beta function
    ("erf(x)/2", sp.erf(x) / 2),
    ("asinh(x)+acosh(x)+atanh(x)", sp.asinh(x) + sp.acosh(x) + sp.atanh(x)),
    ("Piecewise((x, x > 0), (0, True))", sp.Piecewise((x, x > 0), (0, True))),
    ("Piecewise((x, (x > 0) & (x < 1)), (0, True))", sp.Piecewise((x, (x > 0) & (x < 1)), (0, True))),
    ("Piecewise((1, Eq(x, 0)), (x, True))", sp.Piecewise((1, sp.Eq(x, 0)), (x, True))),
]


@pytest.mark.parametrize("text, expected", VALID)
def test_valid(text, expected):
    assert parse_text(text, functions=catalog.callables()) == expected


def test_heaviside_never_takes_a_silent_value_at_zero():
    h = parse_text("Heaviside(x)")
    assert h.subs(x, 0) is sp.nan  # SymPy's default would be 1/2


def test_variable_name_is_respected():
    assert parse_text("z**2", variables=("z",)) == z**2


INVALID = [
    ("", "empty"),
    ("__import__('os').system('echo PWNED')", "column"),
    ("().__class__.__base__", "column"),
    ("x.real", "column"),
    ("lambda: 1", "column"),
    ("[x for x in y]", "column"),
    ("9**9**9", "exponent"),
    ("2**100000", "exponent"),
    ("x**(10**6)", "exponent"),
    ("1" * 40, "digits"),
    ("factorial(10**8)", "unknown function"),
    ("gamma(x)", "unknown function"),
    ("sin", "must be called"),
    ("(" * 1000 + "x" + ")" * 1000, "nested"),
    ("(" * 5000 + "x" + ")" * 5000, "too long"),
    ("x" * 100_000, "too long"),
    ("x +\x00 1", "NUL"),
    ("(x + 1", "unclosed"),
    ("x + 1)", "unmatched"),
    ("1/0", "division by zero"),
    ("x > 0", "condition"),
    ("sin(x, 2)", "argument"),
    ("Piecewise(x)", "pairs"),
    ("f(x=1)", "keyword"),
]


@pytest.mark.parametrize("text, fragment", INVALID)
def test_invalid_is_one_clear_error(text, fragment):
    with pytest.raises(ParseError) as info:
        parse_text(text, functions=catalog.callables())
    message = str(info.value)
    assert fragment.lower() in message.lower()
    assert "\n" not in message


# A number against what it multiplies, and a bracket against the next factor, are products, as on paper;
# a number's own letters (1e-3, 0x1F, 1_000) are the number's.
IMPLICIT = [
    ("3x", 3 * x),
    ("2x*exp(-x)", 2 * x * sp.exp(-x)),
    ("2(x+1)", 2 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("(x+1)x", (x + 1) * x),
    ("0.5exp(x)", sp.exp(x) / 2),
    ("2e^x", 2 * sp.exp(x)),
    ("1e-3x", x / 1000),
    ("1e-3", sp.Rational(1, 1000)),
    ("1e5", sp.Integer(100_000)),
    ("0x1F*x", 31 * x),
    ("1_000x", 1000 * x),
    ("x^2(x+1)", x**2 * (x + 1)),
    # a keyword after a number or a bracket is an operator, not a factor
    ("Piecewise((x, x > 0 and x < 1), (0, True))", sp.Piecewise((x, (x > 0) & (x < 1)), (0, True))),
    ("Piecewise((1, (x > 0) or (x < -1)), (0, True))", sp.Piecewise((1, (x > 0) | (x < -1)), (0, True))),
]


@pytest.mark.parametrize("text, expected", IMPLICIT)
def test_implicit_products(text, expected):
    assert parse_text(text, variables=("x",)) == expected


@pytest.mark.parametrize("text, column", [("x y", 3), ("3x +* 2", 5), ("sin x", 5)])
def test_names_side_by_side_stay_an_error_at_the_users_column(text, column):
    with pytest.raises(ParseError) as info:
        parse_text(text, variables=("x",))
    assert f"column {column}" in str(info.value)


def test_a_call_against_a_bracket_stays_a_call_and_says_how_to_multiply():
    with pytest.raises(ParseError) as info:
        parse_text("exp(x)(1+x)", variables=("x",))
    assert "exp(x)*(1+x)" in str(info.value)
    assert parse_text("sin(x)x", variables=("x",)) == x * sp.sin(x)
