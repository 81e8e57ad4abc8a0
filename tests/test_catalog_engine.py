"""Every catalog entry through the engine (derivator.pipeline.derive), against independent references.

For each entry: the derivation is verified; the derivative agrees with mpmath's numerical derivative of
the source's own formula (tests/catalog_reference.py) at 20 random points on every piece; f'(0) and the
one-sided values at each kink are right and the value used there is PyTorch's; the output form, where
one exists, is f' (checked by substituting y = f(x)); lemmas are cited; second derivatives are right;
the definition typed as an expression derives too; and every emitted math string passes KaTeX.

Known engine gaps are marked xfail(strict=True) with the reason, so the suite says exactly what is
missing and turns red the moment a gap is closed (then remove the mark).
"""

from __future__ import annotations

import json
import re
import signal
from contextlib import contextmanager
from functools import cache

import mpmath as mp
import pytest
import sympy as sp

from catalog_reference import AT_BREAKPOINTS, DERIVATIVE_AT_0, DPS, REFERENCE, mpf, one_sided_derivative
from derivator import catalog
from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.present.latex import render_latex
from derivator.present.markdown import render_markdown
from derivator.verify import plain
from test_catalog import close, numeric, params_of, sample
from validators import katex_errors

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)
NAMES = [e.name for e in catalog.entries()]
TIME_LIMIT = 90  # seconds per derivation; the engine must not hang on any catalog entry

# -- known engine gaps (reported to the lead; see the final report of the catalog issue) -------------------
HANGS: dict[str, str] = {}  # name -> reason, for an entry the engine cannot derive in TIME_LIMIT
OUTPUT_FORM_GAPS: dict[str, str] = {}
LEMMA_GAPS: dict[str, str] = {}


class Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def handler(signum, frame):
        raise Timeout

    previous = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@cache
def derived(name: str, order: int = 1, at_kink: str | None = None, params: tuple = ()):
    if name in HANGS:
        pytest.xfail(HANGS[name])
    try:
        with time_limit(TIME_LIMIT):
            # at the defaults: the references (tests/catalog_reference.py) are numbers; the derivation
            # with its parameters kept symbolic is tested against them in test_params.py
            entry = catalog.lookup(name)
            values = {**({p.name: p.default for p in entry.params} if entry else {}), **dict(params)}
            return derive(name, order=order, at_kink=at_kink, params=values or None)
    except Timeout:
        pytest.fail(f"derive({name!r}, order={order}) took more than {TIME_LIMIT} s")


def num(expr: sp.Expr) -> mp.mpf:
    """An exact SymPy number as an mpmath number at the tests' precision."""
    with mp.workdps(DPS):
        return mp.mpf(sp.N(expr, DPS + 10))


def marked(names, gaps: dict) -> list:
    return [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=gaps[n])) if n in gaps else n for n in names]


def reference(name: str):
    entry = catalog.lookup(name)
    p = params_of(entry)
    return lambda x: REFERENCE[name](x, p)


# -- derivative -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", marked(NAMES, HANGS))
def test_every_step_verified(name):
    d = derived(name)
    assert [s.rule for s in d.all_steps if not s.verified] == []
    assert d.final_check.ok


@pytest.mark.parametrize("name", marked(NAMES, HANGS))
def test_derivative_matches_numerical_derivative_on_every_piece(name):
    d = derived(name)
    entry = catalog.lookup(name)
    f_prime, ref = numeric(d.derivative), reference(name)
    points = sample(entry, per_piece=20)
    assert len(points) >= 20 * (len(entry.breakpoints) + 1)
    with mp.workdps(DPS):
        for x in points:
            assert close(f_prime(x), mp.diff(ref, x), mp.mpf(10) ** -20), (name, x)


def _at_zero_cases():
    cases = []
    for name in NAMES:
        if (name, 0) in AT_BREAKPOINTS:
            expected = AT_BREAKPOINTS[(name, 0)][2]
        elif name in DERIVATIVE_AT_0:
            expected = DERIVATIVE_AT_0[name]
        else:
            continue
        gap = HANGS.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        cases.append(pytest.param(name, expected, marks=marks, id=name))
    return cases


@pytest.mark.parametrize("name, expected", _at_zero_cases())
def test_derivative_at_0(name, expected):
    """f'(0), or at a kink at 0 the value PyTorch's backward uses (ReLU'(0) = 0); None: undefined."""
    d = derived(name)
    value = plain(d.derivative).subs(X, 0)
    if expected is None:
        assert value.has(sp.nan) or not value.is_finite or any(k.at == 0 and k.value is None for k in d.kinks)
        return
    assert value.is_finite, (name, value)
    with mp.workdps(DPS):
        assert close(num(value), mpf(expected)), (name, value)


def test_every_entry_has_a_value_at_0_case():
    covered = {n for n in NAMES if (n, 0) in AT_BREAKPOINTS or n in DERIVATIVE_AT_0}
    assert covered == set(NAMES)


# -- kinks ----------------------------------------------------------------------------------------------------
def _kink_cases():
    cases = []
    for (name, at), (left, right, torch_value) in sorted(AT_BREAKPOINTS.items()):
        if mpf(left) == mpf(right):
            continue
        cases.append(pytest.param(name, at, left, right, torch_value, id=f"{name}@{at}"))
    return cases


@pytest.mark.parametrize("name, at, left, right, torch_value", _kink_cases())
def test_kink_one_sided_values_and_pytorch_value(name, at, left, right, torch_value):
    d = derived(name)
    matches = [k for k in d.kinks if abs(float(k.at) - at) < 1e-12]
    assert len(matches) == 1, [k.at for k in d.kinks]
    (kink,) = matches
    with mp.workdps(DPS):
        assert close(num(kink.left), mpf(left)) and close(num(kink.right), mpf(right))
        # and the reference agrees (the table itself is checked in test_catalog)
        assert close(one_sided_derivative(reference(name), at, -1), mpf(left), mp.mpf(10) ** -15)
        if torch_value is None:
            assert kink.value is None
        else:
            assert kink.value is not None and close(num(kink.value), mpf(torch_value))
            assert close(num(plain(d.derivative).subs(X, sp.nsimplify(at))), mpf(torch_value))


@pytest.mark.parametrize("name", marked([e.name for e in catalog.entries() if e.breakpoints], HANGS))
def test_no_kink_where_the_derivative_is_continuous(name):
    d = derived(name)
    for (n, at), (left, right, _) in AT_BREAKPOINTS.items():
        if n == name and mpf(left) == mpf(right):
            assert all(abs(float(k.at) - at) > 1e-12 or k.left == k.right for k in d.kinks), (name, at)


@pytest.mark.parametrize("name", marked([e.name for e in catalog.entries() if e.breakpoints], HANGS))
def test_list_names_the_kinks_the_derivation_finds(name):
    # `derivator list` reads kinks off the regions without deriving; the derivation must agree, and a
    # breakpoint where the independent reference's one-sided derivatives agree is never listed
    from derivator.pipeline import kink_positions

    listed = kink_positions(name)
    assert sorted(listed, key=float) == sorted((k.at for k in derived(name).kinks), key=float)
    jumps = [float(k.at) for k in derived(name).kinks if k.jump]  # f itself jumps: a kink whatever f′ does
    for (n, at), (left, right, _) in AT_BREAKPOINTS.items():
        if n == name and mpf(left) == mpf(right) and at not in jumps:
            assert all(abs(float(k) - at) > 1e-12 for k in listed), (name, at)


def test_a_parameter_can_make_a_smooth_join_a_kink():
    from derivator.pipeline import kink_positions

    assert kink_positions("elu") == []  # α = 1: e^x and 1 meet with slope 1
    assert kink_positions("elu", {"alpha": "2"}) == [0]


@pytest.mark.parametrize(
    "convention, expected", [("left", 0), ("right", 1), ("mean", sp.Rational(1, 2)), ("undefined", None)]
)
def test_at_kink_chooses_the_value(convention, expected):
    (kink,) = derived("relu", at_kink=convention).kinks
    assert kink.value == expected


def test_parameters_move_kinks_and_values():
    leaky = derived("leaky_relu", params=(("negative_slope", "keras"),))
    (kink,) = leaky.kinks
    assert kink.left == sp.Rational(1, 5) and kink.value == sp.Rational(1, 5)
    elu = derived("elu", params=(("alpha", "2"),))
    (kink,) = elu.kinks
    assert (kink.left, kink.right) == (2, 1)


# -- output forms ---------------------------------------------------------------------------------------------
WITH_FORM = [e.name for e in catalog.entries() if e.output_form]
WITHOUT_FORM = ["silu", "swish", "gelu", "quick_gelu", "mish", "hard_swish", "gaussian", "sin", "tanhshrink",
                "lisht", "snake", "normal_pdf"]


@pytest.mark.parametrize("name", marked(WITH_FORM, OUTPUT_FORM_GAPS))
def test_output_form_is_the_derivative_on_every_piece(name):
    d = derived(name)
    entry = catalog.lookup(name)
    # (a constant derivative, identity′ = 1, is its own form in y: nothing to substitute, no step)
    assert d.output_form is not None and d.output_check.ok and (d.output_steps or not d.derivative.has(X))
    in_x = numeric(d.output_form.subs(Y, catalog.definition(entry, X)))
    ref = reference(name)
    with mp.workdps(DPS):
        for x in sample(entry):
            assert close(in_x(x), mp.diff(ref, x), mp.mpf(10) ** -20), (name, x)
    # as short as a textbook writes it (within reason)
    textbook = catalog.output_form(entry, Y)
    assert sp.count_ops(d.output_form) <= 3 * sp.count_ops(textbook) + 6, d.output_form


@pytest.mark.parametrize("name", WITHOUT_FORM)
def test_honest_no_output_form(name):
    assert derived(name).output_form is None


# -- lemmas and higher orders -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", marked(["silu", "swish", "quick_gelu", "log_sigmoid", "gelu", "mish"], LEMMA_GAPS))
def test_cited_lemmas(name):
    d = derived(name)
    cited = {lemma.name for lemma in d.lemmas}
    assert set(catalog.cites(name)) <= cited
    assert all(lemma.derivation is None or lemma.derivation.verified for lemma in d.lemmas)

    def rules(steps):
        for step in steps:
            yield step.rule
            yield step.params.get("outer_rule")  # a chain rule whose outer derivative is the lemma
            yield from rules(step.substeps)

    assert "lemma" in set(rules(d.steps))


@pytest.mark.parametrize(
    "name, function",
    [
        ("gelu", "normal_pdf"),
        ("softplus", "sigmoid"),
        ("silu", "sigmoid"),
        ("log_sigmoid", "sigmoid"),
    ],
)
def test_derivative_written_with_named_functions(name, function):
    """GELU' = Φ(x) + x φ(x) and softplus' = σ(x), as lecturers write them."""
    assert derived(name).derivative.has(catalog.function_class(function))


@pytest.mark.parametrize(
    "name, order, expected",
    [
        ("sigmoid", 2, Y * (1 - Y) * (1 - 2 * Y)),
        ("tanh", 2, -2 * Y * (1 - Y**2)),
        ("sigmoid", 3, Y * (1 - Y) * (1 - 6 * Y + 6 * Y**2)),
        ("exponential", 2, Y),
    ],
)
def test_higher_orders_in_output_form(name, order, expected):
    d = derived(name, order=order)
    assert d.verified and d.output_form is not None
    assert sp.expand(d.output_form - expected) == 0


SMOOTH = [e.name for e in catalog.entries() if not e.breakpoints and e.name not in HANGS]


@pytest.mark.parametrize("name", SMOOTH)
def test_second_derivative_numerically(name):
    d = derived(name, order=2)
    assert d.verified
    f2, ref = numeric(d.derivative), reference(name)
    with mp.workdps(DPS):
        for x in sample(catalog.lookup(name), per_piece=10):
            assert close(f2(x), mp.diff(ref, x, 2), mp.mpf(10) ** -15), (name, x)


# -- the generic engine, from the definition text -----------------------------------------------------------------
@pytest.mark.parametrize("name", marked(NAMES, HANGS))
def test_definition_typed_as_an_expression_derives(name):
    entry = catalog.lookup(name)
    text = entry.definition
    for p in entry.params:
        text = re.sub(rf"\b{p.name}\b", f"({p.default})", text)
    with time_limit(TIME_LIMIT):
        d = derive(text)
    assert d.final_check.ok and all(s.verified for s in d.steps)
    f_prime, ref = numeric(d.derivative), reference(name)
    with mp.workdps(DPS):
        for x in sample(entry, per_piece=5):
            assert close(f_prime(x), mp.diff(ref, x), mp.mpf(10) ** -20), (name, x)


# -- every emitted math string through KaTeX ------------------------------------------------------------------------
def _math_strings(text: str) -> list[tuple[str, bool]]:
    display = re.findall(r"^[ \t]*\$\$\n(.*?)\n[ \t]*\$\$$", text, flags=re.S | re.M)
    inline = re.findall(r"\$`(.*?)`\$", text)
    return [(m, True) for m in display] + [(m, False) for m in inline]


KATEX_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def katex_verdicts() -> dict[str, list]:
    """Every math string emitted for every entry (and its second derivative where smooth), judged in one
    KaTeX run: name -> the strings KaTeX rejected, with its message."""
    items: dict[str, list[tuple[str, bool]]] = {}
    for name in NAMES:
        if name in HANGS:
            continue
        strings = []
        for d in (derived(name), *([derived(name, order=2)] if name in SMOOTH else [])):
            for lang in ("en", "ja"):
                strings.append((render_latex(d, lang=lang), True))
                strings += _math_strings(render_markdown(d, lang=lang))
            data = json.loads(render(d, "json", "en"))
            strings += [(s["latex"], True) for s in data["steps"]]
        items[name] = strings
    flat = [item for strings in items.values() for item in strings]
    assert len(flat) > 20 * len(items)
    errors = iter(katex_errors(flat))
    return {name: [(tex, err) for (tex, _), err in zip(strings, errors) if err] for name, strings in items.items()}


@pytest.mark.parametrize("name", marked(NAMES, {**HANGS, **KATEX_GAPS}))
def test_every_emitted_string_passes_katex(katex_verdicts, name):
    assert katex_verdicts[name] == []
