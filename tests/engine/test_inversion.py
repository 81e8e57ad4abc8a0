"""The tests that let the output form skip `solve`: they must fire only where no form in y exists."""

from __future__ import annotations

import pytest
import sympy as sp

from derivator.engine.inversion import cannot_invert
from derivator.engine.output_form import by_inversion
from derivator.verify import Domain

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)


@pytest.mark.parametrize(
    "f",
    [
        x / (1 + sp.exp(-x)),  # swish: a minimum near x = -1.28
        sp.exp(-x**2),  # the Gaussian: even
        x * sp.tanh(x),  # LiSHT: even
        sp.sin(x),
        sp.sin(x) / x,  # Kepler type: x free and inside sin
        x + sp.sin(x) ** 2,
    ],
)
def test_no_form_in_y(f: sp.Expr) -> None:
    assert cannot_invert(f, sp.diff(f, x), x, Domain())


@pytest.mark.parametrize(
    "f",
    [sp.log(1 + sp.exp(x)), sp.atan(x), x / sp.sqrt(x**2 + 1), sp.exp(x) / (1 + sp.exp(x)), x + sp.exp(x), x**3],
)
def test_invertible_functions_are_left_to_solve(f: sp.Expr) -> None:
    assert not cannot_invert(f, sp.diff(f, x), x, Domain())


def test_a_minimum_outside_the_sampled_interval_is_not_a_witness() -> None:
    f = (x - 10) ** 2  # decreasing on [-4, 4], its minimum at 10: inverting is for solve to try
    assert not cannot_invert(f, sp.diff(f, x), x, Domain())


def test_by_inversion_still_finds_softplus() -> None:
    f = sp.log(1 + sp.exp(x))
    steps = by_inversion(f, sp.diff(f, x), x, y)
    assert steps is not None and sp.simplify(steps[-1].after - (1 - sp.exp(-y))) == 0
