"""One table per rule family: the derivative, the rule the trace names, and every step verified.

Expected derivatives are written by hand, as in a table of derivatives; they are compared with the
engine's result numerically (a different algebraic form is fine, a different function is not).
"""

import pytest
import sympy as sp

from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.core.errors import DerivatorError, UnsupportedError
from derivator.verify import check_equal, plain

x = sp.Symbol("x", real=True)
E = sp.exp

CASES = [
    # (expression, hand-written derivative, a rule the trace must name)
    ("x", 1, "variable"),
    ("3*x", 3, "constant_multiple"),
    ("x**3", 3 * x**2, "power"),
    ("x**(-2)", -2 / x**3, "power"),
    ("sqrt(x)", 1 / (2 * sp.sqrt(x)), "power"),
    ("x**(1/3)", sp.Rational(1, 3) * x ** sp.Rational(-2, 3), "power"),
    ("x**2 + 3*x + 1", 2 * x + 3, "sum"),
    ("x**2*exp(-x)", 2 * x * E(-x) - x**2 * E(-x), "product"),
    ("exp(x)/x", (x * E(x) - E(x)) / x**2, "quotient"),
    ("x**x", x**x * (sp.log(x) + 1), "general_power"),
    ("exp(x)", E(x), "exp"),
    ("2**x", 2**x * sp.log(2), "exp"),
    ("log(x)", 1 / x, "log"),
    ("sin(x)", sp.cos(x), "trig"),
    ("cos(x)", -sp.sin(x), "trig"),
    ("tan(x)", 1 / sp.cos(x) ** 2, "trig"),
    ("asin(x)", 1 / sp.sqrt(1 - x**2), "inverse_trig"),
    ("acos(x)", -1 / sp.sqrt(1 - x**2), "inverse_trig"),
    ("atan(x)", 1 / (1 + x**2), "inverse_trig"),
    ("sinh(x)", sp.cosh(x), "hyperbolic"),
    ("cosh(x)", sp.sinh(x), "hyperbolic"),
    ("tanh(x)", 1 - sp.tanh(x) ** 2, "hyperbolic"),
    ("asinh(x)", 1 / sp.sqrt(x**2 + 1), "inverse_hyperbolic"),
    ("acosh(x)", 1 / sp.sqrt(x**2 - 1), "inverse_hyperbolic"),
    ("atanh(x)", 1 / (1 - x**2), "inverse_hyperbolic"),
    ("erf(x)", 2 / sp.sqrt(sp.pi) * E(-(x**2)), "erf"),
    ("Abs(x)", x / sp.Abs(x), "abs"),
    ("(x**2 + 3*x + 1)**4", 4 * (x**2 + 3 * x + 1) ** 3 * (2 * x + 3), "chain"),
    ("exp(-x)", -E(-x), "chain"),
    ("1/(1+exp(-x))", E(-x) / (1 + E(-x)) ** 2, "rewrite.negative_power"),
    # written-out softplus and x·σ(x) are recognised, then derived through the lemmas softplus′ = σ, σ′
    ("log(1+exp(x))", E(x) / (1 + E(x)), "rewrite.recognise"),
    ("x/(1+exp(-x))", 1 / (1 + E(-x)) + x * E(-x) / (1 + E(-x)) ** 2, "rewrite.recognise"),
    ("log(1+exp(x**2))", 2 * x * E(x**2) / (1 + E(x**2)), "chain"),
    ("x/(2+exp(-x))", 1 / (2 + E(-x)) + x * E(-x) / (2 + E(-x)) ** 2, "quotient"),
    ("x*sigmoid(x)", 1 / (1 + E(-x)) + x * E(-x) / (1 + E(-x)) ** 2, "lemma"),
    ("x*tanh(log(1+exp(x)))", sp.tanh(sp.log(1 + E(x))) + x * (1 - sp.tanh(sp.log(1 + E(x))) ** 2) * E(x) / (1 + E(x)), "chain"),
    ("x*(1+erf(x/sqrt(2)))/2", (1 + sp.erf(x / sp.sqrt(2))) / 2 + x * E(-(x**2) / 2) / sp.sqrt(2 * sp.pi), "erf"),
    ("Max(0, x)", sp.Piecewise((0, x < 0), (1, True)), "piecewise"),
    ("Min(Max(0, x), 6)", sp.Piecewise((0, x < 0), (1, x < 6), (0, True)), "piecewise"),
    ("Heaviside(x)", 0, "piecewise"),
    ("Piecewise((x**2, x < 1), (2*x - 1, True))", sp.Piecewise((2 * x, x < 1), (2, True)), "piecewise"),
]


def rules_named(d):
    names = []
    stack = list(d.steps)
    while stack:
        step = stack.pop()
        names.append(step.rule)
        names += step.params.get("rules", [])
        if "outer_rule" in step.params:
            names.append(step.params["outer_rule"])
        stack += step.substeps
    return names


@pytest.mark.parametrize("text, expected, rule", CASES)
def test_rule(text, expected, rule):
    d = derive(text)
    assert rule in rules_named(d), f"{rule} not in {rules_named(d)}"
    assert all(step.verified for step in d.steps), [(s.rule, s.verification) for s in d.steps if not s.verified]
    assert d.final_check.ok
    kinks = tuple(float(k.at) for k in d.kinks)
    from derivator.verify import Domain

    assert check_equal(plain(d.derivative), sp.sympify(expected), (x,), Domain(avoid=kinks + (0.0, 1.0, 6.0), real_for=plain(d.definition))).ok


def test_no_two_consecutive_lines_render_the_same():
    from derivator.core.printing import to_latex

    for text, _, _ in CASES:
        d = derive(text)
        rendered = [to_latex(s.after) for s in d.steps]
        assert all(a != b for a, b in zip(rendered, rendered[1:])), text


@pytest.mark.parametrize(
    "text",
    [
        "Piecewise((x, beta > 0), (0, True))",  # condition not in the variable: regions unknown
        "Max(x, beta)",  # kink position depends on a parameter
    ],
)
def test_dont_know_is_explicit_and_never_verified(text):
    """No rule: a partial derivation whose open part is named, never verified; uses that need the whole
    derivative get the one-line "don't know" error (tests/test_dont_know.py has the rest)."""
    d = derive(text)
    assert d.partial and not d.verified and not d.final_check.ok
    assert [s.rule for s in d.steps if not s.verified] == ["dont_know"]
    with pytest.raises(UnsupportedError) as info:
        d.require_complete()
    assert "no differentiation rule" in str(info.value)


def test_constant_expression_is_rejected_with_a_hint():
    with pytest.raises(DerivatorError) as info:
        derive("y**2")
    assert "--var y" in str(info.value)


def test_relu_kink_follows_pytorch_by_default_and_can_be_chosen():
    d = derive("relu")
    (kink,) = d.kinks
    assert (kink.at, kink.left, kink.right, kink.value) == (0, 0, 1, 0)
    assert derive("relu", at_kink="mean").kinks[0].value == sp.Rational(1, 2)
    assert derive("relu", at_kink="right").kinks[0].value == 1
    undefined = derive("relu", at_kink="undefined")
    assert undefined.kinks[0].value is None
    # the region-by-region result never contains SymPy's Heaviside(0) = 1/2
    assert not plain(undefined.derivative).has(sp.Heaviside)


def test_heaviside_kink_is_discontinuous_and_undefined():
    (kink,) = derive("Heaviside(x)").kinks
    assert kink.jump and kink.convention == "undefined" and kink.value is None


@pytest.mark.parametrize(
    "text, at, left, right, jump",
    [  # kinks wherever Abs, Heaviside, Max/Min or a Piecewise stand in an expression, not only at its head
        ("Abs(x)", 0, -1, 1, False),
        ("x*Heaviside(x)", 0, 0, 1, False),
        ("exp(-Abs(x))", 0, 1, -1, False),
        ("sqrt(x**2)", 0, -1, 1, False),
        ("x + Abs(x - 2)", 2, 0, 2, False),
        ("Heaviside(x, nan)", 0, 0, 0, True),
    ],
)
def test_kinks_anywhere_in_an_expression(text, at, left, right, jump):
    d = derive(text)
    (kink,) = d.kinks
    assert (kink.at, kink.left, kink.right, kink.jump) == (at, left, right, jump)
    assert kink.value is None and kink.convention == "undefined"  # no convention is made up for an expression
    assert derive(text, at_kink="mean").kinks[0].value == sp.Rational(left + right, 2)


def test_a_smooth_product_of_a_kinked_function_has_no_kink():
    assert derive("x*Max(0, x)").kinks == []  # x·ReLU(x): 0 and 2x meet with slope 0


def test_heaviside_written_with_nan_is_sympys_undecided_value():
    d = derive("Heaviside(x, nan)")
    assert d.definition == sp.Heaviside(d.variable, sp.nan)
    assert "nan" not in render(d, "terminal", "en").replace("Heaviside(x, nan)", "")
    with pytest.raises(DerivatorError, match="value at 0 must be a number"):
        derive("Heaviside(x, y)")


@pytest.mark.parametrize(
    "name, at, value",
    [
        ("hardtanh", 1, 0),  # PyTorch: grad 0 where x >= max_val: the right side at the upper kink
        ("relu6", 6, 0),
        ("hardtanh", -1, 0),
        ("hardshrink", sp.Rational(1, 2), 0),  # f jumps; PyTorch still returns 0, stated as a convention
        ("hardtanh", "b", 0),  # the same, with the bounds kept symbolic (a < 0 < b)
        ("hardshrink", "lambda", 0),
    ],
)
def test_conventions_are_per_point(name, at, value):
    # a number: the kink at the source's default values; a name: the kink at that symbolic parameter
    d = derive(name)
    if isinstance(at, str):
        kink = next(k for k in d.kinks if str(k.at) == at)
    else:
        d = derive(name, params={p.name: p.default for p in d.parameters})
        kink = next(k for k in d.kinks if k.at == at)
    assert kink.value == value and kink.source


@pytest.mark.parametrize("text, form", [("identity", 1), ("3*x", 3), ("x/2 + 1", sp.Rational(1, 2))])
def test_a_constant_derivative_is_its_own_output_form(text, form):
    d = derive(text)
    assert d.output_form == form and d.output_steps == []
