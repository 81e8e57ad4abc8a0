"""Fuzzing the LaTeX parser (hypothesis): any formula is read or refused with a ParseError in one line,
quickly; never another exception."""

from __future__ import annotations

import sympy as sp
from fuzzing import LATEX_TOKENS, assert_one_line, time_limit, token_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from derivator.core.errors import ParseError
from derivator.parse.latex import parse_latex

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(text: str):
    with time_limit(5):
        try:
            return parse_latex(text)
        except ParseError as err:
            assert_one_line(err, position=False)  # positions: see the report, not every build error has one
            return None


@FAST
@given(token_text(LATEX_TOKENS, max_size=50))
@example("9^{9^{9}}")
@example("\\def\\a{\\a}\\a")
@example("{" * 5000 + "x" + "}" * 5000)
@example("\\max(\\sin(e^{e^{12}}), 0)")
def test_token_soup(text):
    result = _parse(text)
    assert result is None or isinstance(result, sp.Basic)


@FAST
@given(st.text(max_size=200))
def test_any_unicode(text):
    _parse(text)
