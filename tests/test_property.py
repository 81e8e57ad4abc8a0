"""Property: for random expression trees every step verifies and the result equals sympy.diff."""

import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivator.pipeline import derive
from derivator.verify import check_equal, plain

x = sp.Symbol("x", real=True)

LEAVES = st.sampled_from([x, x, sp.Integer(2), sp.Integer(3), sp.Rational(1, 2), -x])
UNARY = [sp.exp, sp.sin, sp.cos, sp.tanh, sp.atan, sp.erf, sp.sinh, lambda e: sp.log(1 + e**2), lambda e: sp.sqrt(1 + e**2)]
BINARY = [sp.Add, sp.Mul, lambda a, b: a / (1 + b**2), lambda a, b: a ** 2 - b]


def trees(depth: int):
    if depth == 0:
        return LEAVES
    smaller = trees(depth - 1)
    return st.one_of(
        smaller,
        st.builds(lambda f, e: f(e), st.sampled_from(UNARY), smaller),
        st.builds(lambda f, a, b: f(a, b), st.sampled_from(BINARY), smaller, smaller),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(3).filter(lambda e: e.has(x) and sp.count_ops(e) < 30))
def test_random_trees_derive_verified(expr):
    text = sp.sstr(expr)
    d = derive(text)
    assert all(step.verified for step in d.steps), [(s.rule, s.verification) for s in d.steps if not s.verified]
    assert check_equal(plain(d.derivative), sp.diff(expr, x), (x,)).ok
