"""Sampling keeps derivator's named functions; one whose definition holds a parameter it does not take
as an argument (squareplus(x) = (x + √(x² + b))/2) is sampled through its written-out form."""

from __future__ import annotations

import sympy as sp

from derivator.pipeline import derive
from derivator.verify import check_equal, plain


def test_a_named_function_with_a_hidden_parameter_is_sampled() -> None:
    d = derive("squareplus")
    f = d.function  # squareplus(x): b is in its definition, not among its arguments
    assert plain(f).free_symbols - {d.variable}
    result = check_equal(2 * f, d.variable + sp.sqrt(d.variable**2 + sorted(plain(f).free_symbols - {d.variable}, key=str)[0]))
    assert result.ok and result.points >= 8


def test_squareplus_output_form_is_verified() -> None:
    d = derive("squareplus")
    assert d.output_check is not None and d.output_check.ok, d.output_check


def test_a_wrong_claim_about_it_is_still_caught() -> None:
    d = derive("squareplus")
    assert not check_equal(2 * d.function, d.variable + sp.sqrt(d.variable**2 + 1) + 1).ok
