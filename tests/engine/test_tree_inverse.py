"""x from y = f(x) by undoing f's operations, before `solve`: right where it applies, None elsewhere."""

from __future__ import annotations

import pytest
import sympy as sp

from derivator.engine import output_form
from derivator.engine.tree_inverse import invert_by_tree

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
beta = sp.Symbol("beta", positive=True)


@pytest.mark.parametrize(
    "f",
    [
        1 / (1 + sp.exp(-x)),  # σ: x = −log(1/y − 1)
        sp.log(1 + sp.exp(beta * x)) / beta,  # softplus with β
        -sp.log(1 + sp.exp(-x)),  # log σ
        sp.erf(x / sp.sqrt(2)) / 2 + sp.Rational(1, 2),  # Φ
        sp.atan(x),
        3 * sp.tanh(2 * x / 3) + 1,
        2 ** (x + 1),
        sp.sqrt(x + 1) / 2,
    ],
)
def test_the_inverse_undoes_f(f: sp.Expr) -> None:
    g = invert_by_tree(f, x, y)
    assert g is not None and not g.has(x)
    for value in (sp.Rational(-7, 10), sp.Rational(3, 10), sp.Rational(19, 10)):  # g(f(x)) = x, g real there
        assert abs(complex(g.subs(y, f).subs({x: value, beta: 2}).evalf(30)) - value) < 1e-20


@pytest.mark.parametrize(
    "f",
    [
        x / sp.sqrt(1 + x**2),  # x in two places: for solve
        x + sp.sqrt(x**2 + 1),
        x**2 + 1,  # an even power: two roots
        (x - 1) ** 3,  # SymPy's cube root of a negative y is complex: for solve
        sp.sin(x),  # not single-valued
        sp.cosh(x),
    ],
)
def test_where_the_walk_stops_it_says_so(f: sp.Expr) -> None:
    assert invert_by_tree(f, x, y) is None


def test_by_inversion_takes_the_walked_inverse_without_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_solve(*args, **kwargs):
        raise AssertionError("solve called although the tree gives the inverse")

    monkeypatch.setattr(output_form.sp, "solve", no_solve)
    f = sp.log(1 + sp.exp(x))
    steps = output_form.by_inversion(f, sp.diff(f, x), x, y)
    assert steps is not None and sp.simplify(steps[-1].after - (1 - sp.exp(-y))) == 0
    assert steps[0].params["x"] == sp.log(sp.exp(y) - 1)


def test_solve_is_still_the_fallback() -> None:
    f = x / sp.sqrt(1 + x**2)  # the walk stops; solve finds x = y/√(1 − y²)
    steps = output_form.by_inversion(f, sp.diff(f, x), x, y)
    assert steps is not None
    for value in (sp.Rational(-1, 2), sp.Rational(9, 10)):  # f′ = (1 − y²)^{3/2} for |y| < 1
        assert abs(complex((steps[-1].after - (1 - y**2) ** sp.Rational(3, 2)).subs(y, value).evalf(30))) < 1e-20


def test_an_inverse_that_does_not_undo_f_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # the walk's answer is a candidate like solve's: one that fails g(f(x)) = x never reaches the output
    f = sp.log(1 + sp.exp(x))
    monkeypatch.setattr(output_form, "invert_by_tree", lambda *args: sp.log(sp.exp(y) + 1))
    steps = output_form.by_inversion(f, sp.diff(f, x), x, y)
    assert steps is not None and steps[0].params["x"] == sp.log(sp.exp(y) - 1)


@pytest.mark.parametrize(
    "f, low, high, form",
    [
        (x**2, -4.0, 0.0, -2 * sp.sqrt(y)),  # x = −√y on x < 0, not the +√y a naive root takes
        (x**2, 0.0, 4.0, 2 * sp.sqrt(y)),
        (sp.tanh(x), -4.0, 4.0, 1 - y**2),  # atanh is tanh's inverse on all of (−1, 1)
    ],
)
def test_the_form_holds_on_the_branch_it_is_checked_on(f: sp.Expr, low: float, high: float, form: sp.Expr) -> None:
    steps = output_form.by_inversion(f, sp.diff(f, x), x, y, output_form.Domain(low=low, high=high, avoid=(low, high)))
    assert steps is not None
    for value in (sp.Rational(1, 10), sp.Rational(1, 2), sp.Rational(99, 100)):
        assert abs(complex((steps[-1].after - form).subs(y, value).evalf(30))) < 1e-20


def test_swish_has_no_inverse_by_the_walk_and_no_form_by_inversion() -> None:
    f = x / (1 + sp.exp(-x))  # not injective (a minimum at x ≈ −1.28): no single-valued x(y)
    assert invert_by_tree(f, x, y) is None
    assert output_form.by_inversion(f, sp.diff(f, x), x, y) is None
