"""The tree walk that compiles verification's expressions gives lambdify's mpmath values, or declines."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from derivator.core.evaluate import compile_mpmath

x = sp.Symbol("x", real=True)
a = sp.Symbol("a", positive=True)
s = 1 / (1 + sp.exp(-x))

EXPRESSIONS = [
    s * (1 - s),  # σ′: the shared subtree computed once
    sp.log(1 + sp.exp(a * x)) / a,
    sp.sqrt(x**2 + a) / 2 + 1 / sp.sqrt(x**2 + 1) + x ** sp.Rational(1, 3),  # principal roots, as mpmath's
    sp.erf(x / sp.sqrt(2)) * sp.pi + sp.E ** x + sp.tanh(2 * x / 3) * sp.Rational(1, 7),
    sp.Abs(x) + sp.sign(x) + sp.Max(x, a) - sp.Min(x, 0) + sp.atan(x) + sp.asinh(x),
    sp.Float("0.1", 30) * x + sp.Rational(-5, 3),
    sp.Piecewise((x, x > 1), (a * sp.exp(x) - a, (x <= 1) & (x > -2)), (0, True)),
    sp.log(x),  # complex for x < 0, as lambdify's
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
@pytest.mark.parametrize("digits", [30, 120])
def test_same_values_as_lambdify(expr: sp.Expr, digits: int) -> None:
    walked, printed = compile_mpmath(expr, (x, a)), sp.lambdify((x, a), expr, modules="mpmath")
    assert walked is not None
    with mpmath.workdps(digits):
        for v in ("-3.7", "-1.25", "0.4", "2.9"):
            point = (mpmath.mpf(v), mpmath.mpf("1.5"))
            got, want = walked(*point), printed(*point)
            assert abs(got - want) <= mpmath.mpf(10) ** (5 - digits) * max(1, abs(want))


def test_constants_take_the_callers_precision() -> None:
    f = compile_mpmath(sp.Rational(1, 3) + sp.pi, (x,))
    with mpmath.workdps(80):
        assert abs(f(mpmath.mpf(0)) - (mpmath.mpf(1) / 3 + mpmath.pi)) < mpmath.mpf(10) ** -78


def test_an_unchosen_branch_is_not_evaluated() -> None:
    f = compile_mpmath(sp.Piecewise((1 / x, x > 0), (x, True)), (x,))
    assert f(mpmath.mpf(0)) == 0  # 1/0 belongs to a branch not taken


def test_named_implementations_are_called() -> None:
    head = sp.Function("_named0")
    f = compile_mpmath(head(x) * 2, (x,), {"_named0": lambda u: u + 1})
    assert f(mpmath.mpf(3)) == 8


def test_nested_cases_written_as_if_then_else() -> None:
    f = compile_mpmath(sp.Piecewise((1, sp.ITE(x > 0, a > x, a < -x)), (0, True)), (x, a))
    values = [f(mpmath.mpf(u), mpmath.mpf(1)) for u in ("0.5", "2", "-0.5", "-2")]
    assert values == [1, 0, 0, 1]


def test_a_free_parameter_makes_the_call_fail_as_lambdify_does() -> None:
    f = compile_mpmath(x * a, (x,))
    with pytest.raises(NameError):
        f(mpmath.mpf(1))


@pytest.mark.parametrize(
    "expr",
    [
        sp.Heaviside(x),
        sp.Heaviside(x, sp.S.Half),  # its value at 0 is lambdify's to give
        sp.Derivative(sp.Function("g")(x), x),
        sp.Subs(sp.Function("g")(x), x, 1),
        sp.Integral(sp.exp(-(x**2)), (x, 0, 1)),
        sp.UnevaluatedExpr(x) + 1,
        x + sp.oo,
        sp.exp(x) + sp.zoo,
        sp.nan * x,
        sp.floor(x),
        sp.Piecewise((x, sp.Xor(x > 0, x < 2)), (0, True)),
    ],
)
def test_what_it_does_not_cover_it_declines(expr: sp.Expr) -> None:
    assert compile_mpmath(expr, (x,)) is None


def test_a_repeated_subtree_is_computed_once_per_call() -> None:
    calls = []
    head = sp.Function("_named0")
    f = compile_mpmath(head(x) * (1 - head(x)) + sp.exp(head(x)), (x,), {"_named0": lambda u: calls.append(u) or u})
    f(mpmath.mpf(2))
    assert len(calls) == 1


def test_a_condition_is_decided_by_any_part_that_decides_it() -> None:
    # √x < 2 has no truth value at x < 0, but x > 0 is false there: the case is decided, as SymPy decides
    # it (and as lambdify's `and` did); a walk that compared √x first made both sides of a step undefined
    # for every x < 0, so a wrong "otherwise" branch was never sampled
    inside, outside = (x > 0) & (sp.sqrt(x) < 2), (x < 0) | (sp.log(x) > 5)
    f = compile_mpmath(sp.Piecewise((1, inside), (x**2, True)) + sp.Piecewise((x, outside), (7, True)), (x,))
    assert f(mpmath.mpf(-3)) == 9 - 3
    assert f(mpmath.mpf(1)) == 1 + 7
    undecided = compile_mpmath(sp.Piecewise((1, (x < 0) | (sp.sqrt(x - 5) > 1)), (0, True)), (x,))
    with pytest.raises(TypeError):  # at x = 1 no part decides it and √(x − 5) > 1 has no truth value
        undecided(mpmath.mpf(1))
