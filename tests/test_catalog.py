"""The catalog's own data, checked against independent references (tests/catalog_reference.py).

These tests need no engine: they check that each definition *is* the function its source describes,
that the breakpoints, one-sided derivatives and PyTorch conventions are right, that the textbook output
forms in the catalog are true, and that names, aliases, parameters and citations behave.
"""

from __future__ import annotations

import random
import re

import mpmath as mp
import pytest
import sympy as sp

from catalog_reference import (
    AT_BREAKPOINTS,
    DPS,
    REFERENCE,
    VALUE_AT_0,
    derivative,
    mpf,
    one_sided_derivative,
)
from derivator import catalog
from derivator.core.errors import DerivatorError
from derivator.parse.text import FUNCTIONS, parse_text
from derivator.verify import plain

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)
NAMES = [e.name for e in catalog.entries()]
ISSUE_LIST = [
    "step", "identity", "sigmoid", "tanh", "lecun_tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "celu",
    "softplus", "softsign", "silu", "swish", "gelu", "gelu_tanh", "mish", "hard_sigmoid", "hard_sigmoid_keras2",
    "hard_swish", "hardtanh", "relu6", "log_sigmoid", "tanhshrink", "softshrink", "hardshrink", "threshold",
    "gaussian", "arctan", "sin", "sinc", "bent_identity", "isru", "isrlu", "sqnl", "exponential",
]
TOL = mp.mpf(10) ** -25


def params_of(entry: catalog.Entry) -> dict[str, mp.mpf]:
    with mp.workdps(DPS):
        return {k: mp.mpf(sp.N(v, DPS)) for k, v in catalog.param_values(entry).items()}


def numeric(expr: sp.Expr, var: sp.Symbol = X):
    """expr as an mpmath function of var (named functions written out)."""
    return sp.lambdify(var, plain(expr), modules="mpmath")


def reference(entry: catalog.Entry):
    p = params_of(entry)
    return lambda x: REFERENCE[entry.name](x, p)


def pieces(entry: catalog.Entry, low: float = -7.0, high: float = 7.0) -> list[tuple[float, float]]:
    cuts = [float(at) for at, _ in catalog.breakpoints(entry)]
    bounds = [low, *cuts, high]
    return list(zip(bounds, bounds[1:]))


def sample(entry: catalog.Entry, per_piece: int = 20) -> list[mp.mpf]:
    """per_piece random points strictly inside every piece, reproducibly seeded by the name."""
    rng = random.Random(entry.name)
    points = []
    for a, b in pieces(entry):
        margin = min(1e-2, (b - a) / 10)
        points += [mp.mpf(repr(rng.uniform(a + margin, b - margin))) for _ in range(per_piece)]
    return points


def close(a, b, tol=TOL) -> bool:
    return abs(a - b) <= tol * max(1, abs(a), abs(b))


# -- names ----------------------------------------------------------------------------------------------
def test_at_least_35_entries_covering_the_issue_list():
    assert len(NAMES) >= 35
    missing = [n for n in ISSUE_LIST if catalog.lookup(n) is None]
    assert missing == []


def test_every_entry_has_a_reference_implementation():
    assert sorted(REFERENCE) == sorted(NAMES)


@pytest.mark.parametrize(
    "alias, name",
    [
        ("torch.nn.SiLU", "silu"),
        ("keras.activations.swish", "silu"),
        ("keras.activations.gelu", "gelu"),
        ("torch.nn.GELU", "gelu"),
        ("gelu_new", "gelu_tanh"),
        ("torch.nn.LeakyReLU", "leaky_relu"),
        ("LEAKY-RELU", "leaky_relu"),
        ("torch.nn.Hardsigmoid", "hard_sigmoid"),
        ("keras.activations.hard_sigmoid", "hard_sigmoid"),
        ("tf.keras.backend.hard_sigmoid", "hard_sigmoid_keras2"),
        ("keras.activations.hard_silu", "hard_swish"),
        ("torch.nn.ReLU6", "relu6"),
        ("logistic", "sigmoid"),
        ("シグモイド関数", "sigmoid"),
        ("Phi", "normal_cdf"),
        ("torch.nn.Mish", "mish"),
        ("torch.nn.LogSigmoid", "log_sigmoid"),
        ("torch.nn.Threshold", "threshold"),
    ],
)
def test_aliases(alias, name):
    assert catalog.lookup(alias).name == name


def test_every_entry_has_a_source_and_a_torch_or_keras_alias_where_one_exists():
    for entry in catalog.entries():
        assert entry.source, entry.name
        assert entry.title and entry.title_ja, entry.name
    without = {e.name for e in catalog.entries() if not any(a.startswith(("torch.", "keras.")) for a in e.aliases)}
    # none of these is in torch.nn or keras.activations under a name of its own
    assert without == {
        "lecun_tanh", "swish", "normal_cdf", "normal_pdf", "gelu_tanh", "quick_gelu", "hard_sigmoid_keras2",
        "gaussian", "arctan", "sin", "sinc", "bent_identity", "isru", "isrlu", "sqnl", "lisht", "snake",
    }


def test_unknown_name_is_a_one_line_error_with_suggestions():
    with pytest.raises(DerivatorError) as err:
        catalog.get("sigmiod")
    assert "sigmoid" in str(err.value) and "\n" not in str(err.value)


def test_callables_never_shadow_the_parsers_own_functions():
    table = catalog.callables()
    assert not set(table) & set(FUNCTIONS)
    assert "tanh" not in table and "Heaviside" not in table
    # names people use as words or parameters are not functions
    assert "threshold" not in table and "identity" not in table


# -- definitions ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_definition_text_is_what_the_cli_reads(name):
    """`derivator derive "<definition>"` (parameters as numbers) starts from the same expression."""
    entry = catalog.lookup(name)
    text = entry.definition
    for p in entry.params:  # the default as a user types it: SELU's constants as decimals
        text = re.sub(rf"\b{p.name}\b", f"({p.default})", text)
    user = parse_text(text, functions=catalog.callables(), variables=("x",))
    assert sp.simplify(plain(user) - plain(catalog.definition(entry, X))) == 0


@pytest.mark.parametrize("name", NAMES)
def test_definition_matches_the_sources_formula(name):
    entry = catalog.lookup(name)
    f, ref = numeric(catalog.definition(entry, X)), reference(entry)
    with mp.workdps(DPS):
        for x in sample(entry, per_piece=10):
            assert close(f(x), ref(x)), (name, x)


@pytest.mark.parametrize("name", NAMES)
def test_value_at_0(name):
    entry = catalog.lookup(name)
    exact = catalog.definition(entry, X).subs(X, 0)
    with mp.workdps(DPS):
        assert close(mp.mpf(sp.N(plain(exact), DPS)), mpf(VALUE_AT_0[name]))
        assert close(reference(entry)(mp.mpf(0)), mpf(VALUE_AT_0[name]))


@pytest.mark.parametrize("name", [e.name for e in catalog.entries() if e.breakpoints])
def test_value_at_each_breakpoint_follows_the_sources_forward(name):
    """Which piece owns the boundary matters where f jumps (hardshrink(0.5) = 0 in PyTorch)."""
    entry = catalog.lookup(name)
    for at, _ in catalog.breakpoints(entry):
        exact = plain(catalog.definition(entry, X).subs(X, at))
        with mp.workdps(DPS):
            assert close(mp.mpf(sp.N(exact, DPS)), reference(entry)(mp.mpf(sp.N(at, DPS)))), (name, at)


# -- breakpoints, kinks and PyTorch's conventions -------------------------------------------------------
BREAKPOINT_CASES = sorted(AT_BREAKPOINTS, key=lambda k: (k[0], k[1]))


def test_every_breakpoint_has_expected_values_and_every_expected_value_a_breakpoint():
    listed = {(e.name, float(at)) for e in catalog.entries() for at, _ in catalog.breakpoints(e)}
    assert listed == {(n, float(a)) for n, a in AT_BREAKPOINTS}


@pytest.mark.parametrize("name, at", BREAKPOINT_CASES)
def test_one_sided_derivatives_of_the_reference(name, at):
    """The hand-written one-sided values agree with the source's formula, differentiated numerically."""
    entry = catalog.lookup(name)
    left, right, _ = AT_BREAKPOINTS[(name, at)]
    ref = reference(entry)
    with mp.workdps(DPS):
        assert close(one_sided_derivative(ref, at, -1), mpf(left), mp.mpf(10) ** -15)
        assert close(one_sided_derivative(ref, at, +1), mpf(right), mp.mpf(10) ** -15)


@pytest.mark.parametrize("name, at", BREAKPOINT_CASES)
def test_convention_gives_pytorchs_backward_value(name, at):
    entry = catalog.lookup(name)
    left, right, torch_value = AT_BREAKPOINTS[(name, at)]
    (bp,) = [b for a, b in catalog.breakpoints(entry) if float(a) == at]
    assert bp.convention in catalog.CONVENTIONS
    assert bp.convention_source
    if torch_value is None:
        assert bp.convention == "undefined"
        return
    chosen = {"left": mpf(left), "right": mpf(right), "mean": (mpf(left) + mpf(right)) / 2}[bp.convention]
    assert close(chosen, mpf(torch_value))


def test_jumps_are_marked():
    jumps = {(e.name, float(at)) for e in catalog.entries() for at, b in catalog.breakpoints(e) if b.jump}
    assert jumps == {("step", 0.0), ("hardshrink", -0.5), ("hardshrink", 0.5), ("threshold", 1.0)}


def test_breakpoints_move_with_parameters():
    entry = catalog.lookup("softshrink")
    assert [at for at, _ in catalog.breakpoints(entry, {"lambd": "2"})] == [-2, 2]
    hardtanh = catalog.lookup("hardtanh")
    assert [at for at, _ in catalog.breakpoints(hardtanh, {"min_val": "-2", "max_val": "3"})] == [-2, 3]


# -- output forms (the catalog's textbook forms, checked by substituting y = f(x)) -----------------------
WITH_OUTPUT_FORM = [e.name for e in catalog.entries() if e.output_form]


def test_the_issues_output_forms_are_listed():
    for name in ["sigmoid", "tanh", "softplus", "elu", "arctan", "log_sigmoid", "softsign", "isru", "exponential"]:
        assert catalog.lookup(name).output_form, name
    for name in ["gelu", "mish", "silu", "gelu_tanh"]:
        assert catalog.lookup(name).output_form is None, name


@pytest.mark.parametrize("name", WITH_OUTPUT_FORM)
def test_output_form_is_the_derivative(name):
    entry = catalog.lookup(name)
    form = catalog.output_form(entry, Y)
    in_x = numeric(form.subs(Y, catalog.definition(entry, X)))
    ref = reference(entry)
    with mp.workdps(DPS):
        for x in sample(entry):
            assert close(in_x(x), derivative(ref, x), mp.mpf(10) ** -20), (name, x)


# -- parameters -----------------------------------------------------------------------------------------
def test_sources_disagreeing_on_leaky_relu_are_named_and_selectable():
    entry = catalog.lookup("leaky_relu")
    (p,) = entry.params
    assert dict(p.sources)["PyTorch"] == "0.01" and dict(p.sources)["Keras"] == "0.2"
    assert catalog.param_values(entry)["negative_slope"] == sp.Rational(1, 100)
    assert catalog.param_values(entry, {"negative_slope": "keras"})["negative_slope"] == sp.Rational(1, 5)
    assert catalog.param_values(entry, {"negative_slope": "0.3"})["negative_slope"] == sp.Rational(3, 10)
    assert "0.2" in entry.notes and "0.01" in entry.notes


def test_both_hard_sigmoids_exist_and_differ():
    torch_form = catalog.definition(catalog.lookup("hard_sigmoid"), X)
    keras2 = catalog.definition(catalog.lookup("hard_sigmoid_keras2"), X)
    assert torch_form.subs(X, 1) == sp.Rational(2, 3) and keras2.subs(X, 1) == sp.Rational(7, 10)


def test_selu_constants_are_pytorchs_digits_exactly():
    values = catalog.param_values(catalog.lookup("selu"))
    assert values["alpha"] == sp.Rational("1.6732632423543772848170429916717")
    assert values["scale"] == sp.Rational("1.0507009873554804934193349852946")


def test_param_overrides_change_the_definition():
    entry = catalog.lookup("elu")
    d = catalog.definition(entry, X, {"alpha": "2"})
    assert d.subs(X, -1) == 2 * (sp.exp(-1) - 1)


def test_symbolic_parameters_print_as_a_lecturer_writes_them():
    entry = catalog.lookup("selu")
    d = catalog.definition(entry, X, symbolic=True)
    assert {s.name for s in d.free_symbols} == {"x", "alpha", "lambda"}
    assert r"\lambda" in sp.latex(d) and r"\alpha" in sp.latex(d)
    kept = catalog.param_values(catalog.lookup("swish"), {"beta": "beta"})["beta"]
    assert isinstance(kept, sp.Symbol) and kept.name == "beta"


@pytest.mark.parametrize(
    "name, overrides, message",
    [
        ("elu", {"gamma": "1"}, "no parameter 'gamma'"),
        ("softplus", {"beta": "0"}, "must be positive"),
        ("isru", {"alpha": "-1"}, "must be positive"),
        ("hardtanh", {"min_val": "2"}, "less than"),
        ("elu", {"alpha": "os.system(1)"}, "only plain function names"),
    ],
)
def test_bad_parameters_are_one_line_errors(name, overrides, message):
    with pytest.raises(DerivatorError) as err:
        catalog.param_values(catalog.lookup(name), overrides)
    assert message in str(err.value) and "\n" not in str(err.value)


# -- lemmas: which entries are written in terms of which ---------------------------------------------------
@pytest.mark.parametrize(
    "name, cited",
    [
        ("silu", ("sigmoid",)),
        ("swish", ("sigmoid",)),
        ("quick_gelu", ("sigmoid",)),
        ("log_sigmoid", ("sigmoid",)),
        ("mish", ("tanh", "softplus")),
        ("gelu", ("normal_cdf",)),
        ("sigmoid", ()),
        ("relu", ()),
    ],
)
def test_cites(name, cited):
    assert catalog.cites(name) == cited


def test_cited_functions_appear_as_named_functions_in_the_definition():
    d = catalog.definition(catalog.lookup("swish"), X)
    assert d.has(catalog.function_class("sigmoid"))
    mish = catalog.definition(catalog.lookup("mish"), X)
    assert mish.has(catalog.function_class("softplus")) and mish.has(sp.tanh)
    assert set(catalog.cited_by("sigmoid")) >= {"silu", "swish", "log_sigmoid"}


def test_named_functions_print_as_textbook_names():
    d = catalog.definition(catalog.lookup("gelu"), X)
    assert sp.latex(d) == r"x \Phi(x)"


def test_describe_is_plain_json():
    import json

    rows = [catalog.describe(e) for e in catalog.entries()]
    again = json.loads(json.dumps(rows))
    assert again == rows
    relu = next(r for r in rows if r["name"] == "relu")
    assert relu["breakpoints"] == [
        {"at": "0", "convention": "left", "convention_source": relu["breakpoints"][0]["convention_source"],
         "jump": False}
    ]
