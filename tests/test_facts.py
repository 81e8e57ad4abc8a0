"""Facts about f and f′ (derivator.analysis.facts): the seed posts' claims, every established fact of every catalog
entry against independent numbers, omissions instead of guesses, and every rendering.

The numbers that judge the facts come from tests/catalog_reference.py (each function written in mpmath
from its source's formula, not from derivator's definition) and mpmath's own numerical differentiation,
so neither the engine nor derivator.analysis.facts grades its own work.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from functools import lru_cache

import mpmath as mp
import pytest
import sympy as sp

from catalog_reference import AT_BREAKPOINTS, DERIVATIVE_AT_0, REFERENCE, mpf, one_sided_derivative
from derivator import catalog
from derivator.pipeline import derive
from derivator.analysis.facts import bounded, facts
from derivator.present.facts_json import facts_dict
from derivator.present.facts_render import (
    facts_latex_math,
    facts_terminal_text,
    render_facts_markdown,
)
from validators import katex_errors, latex_compile, mathjax_errors

X = sp.Symbol("x", real=True)
NAMES = [e.name for e in catalog.entries()]
DPS = 30
GRID = [mp.mpf(i) / 20 for i in range(-400, 401)]  # [-20, 20] in steps of 0.05
FAR = [mp.mpf(10) ** k for k in (2, 4, 8)]


# -- shared ------------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def established(name: str):
    """derive + facts for a catalog entry, once per session (bounded: a slow engine skips, never hangs)."""
    got = bounded(lambda: facts(derive(name)), 120)
    if got.value is None:
        pytest.fail(f"derive/facts for {name} did not finish (timed out: {got.timed_out})")
    return got.value


def omitted_with_a_note(name: str, key: str) -> bool:
    """A fact that is not established must be omitted with its reason, never silently missing."""
    F = established(name)
    assert any(o.key == key and o.note for o in F.omitted), f"{name}: {key} neither established nor omitted with a note"
    return True


def values(name: str, key: str) -> dict | None:
    f = established(name).get(key)
    return f.values if f is not None else None


def ref(name: str):
    entry = catalog.get(name)
    with mp.workdps(DPS):
        p = {k: mp.mpf(sp.N(v, DPS)) for k, v in catalog.param_values(entry).items()}
    return lambda x: REFERENCE[name](x, p)


def cuts(name: str) -> list[float]:
    return [float(at) for at, _ in catalog.breakpoints(catalog.get(name))]


def num(v) -> mp.mpf:
    if v == sp.oo:
        return mp.inf
    if v == -sp.oo:
        return -mp.inf
    with mp.workdps(DPS):
        return mp.mpf(sp.N(v, DPS))


def slope(f, x) -> mp.mpf:
    with mp.workdps(DPS):
        return mp.diff(f, x)


def away(x, points: list[float], margin: float = 1e-3) -> bool:
    return all(abs(float(x) - p) > margin for p in points)


def in_closure(v: mp.mpf, s: sp.Set, tol: float) -> bool:
    """Is v in the closure of a union of intervals and points (written for the tests, not from verify)."""
    if s is sp.S.Reals:
        return True
    parts = s.args if isinstance(s, sp.Union) else (s,)
    for part in parts:
        if isinstance(part, sp.FiniteSet):
            if any(abs(v - num(p)) <= tol for p in part):
                return True
        elif isinstance(part, sp.Interval):
            if num(part.start) - tol <= v <= num(part.end) + tol:
                return True
    return False


# -- the seed posts' claims ---------------------------------------------------------------------------------


def test_sigmoid_slope_at_0_is_a_quarter_and_never_more():
    at0 = values("sigmoid", "value_at_0")
    peak = values("sigmoid", "max")
    assert at0["value"] == sp.Rational(1, 4)
    assert peak["max"] == sp.Rational(1, 4)
    assert peak["argmax"] == sp.FiniteSet(0)  # equality only at 0
    f = ref("sigmoid")
    for x in GRID:
        if abs(x) >= mp.mpf("0.01"):
            assert slope(f, x) < mp.mpf(1) / 4
    # the proof goes through σ″ = 0 ⇒ σ = 1/2 ⇒ x = 0 with the sign change shown
    rules = [s.rule for s in established("sigmoid").get("max").steps]
    for rule in ("facts.second_derivative", "facts.output_form", "facts.solve_y", "facts.in_range", "facts.invert"):
        assert rule in rules
    signs = [s for s in established("sigmoid").get("max").steps if s.rule == "facts.sign"]
    assert [s.params["rel"] for s in signs] == [">", "<"]


def test_sigmoid_saturates_and_its_layer_bound_vanishes():
    lim = values("sigmoid", "limits")
    assert lim["f"] == {"-oo": 0, "oo": 1}
    assert lim["df"] == {"-oo": 0, "oo": 0}
    bound = values("sigmoid", "layer_bound")["bound"]
    n = sp.Symbol("n", positive=True, integer=True)
    assert sp.simplify(bound - sp.Rational(1, 4) ** n) == 0


def test_relu_slope_is_exactly_one_for_positive_x():
    peak = values("relu", "max")
    assert peak["max"] == 1
    assert peak["argmax"] == sp.Interval.open(0, sp.oo)
    assert peak["range"] == sp.FiniteSet(0, 1)
    kink = values("relu", "kinks")["kinks"][0]
    assert (kink["at"], kink["left"], kink["right"]) == (0, 0, 1)


def test_tanh_range_is_minus_one_to_one():
    assert values("tanh", "range")["range"] == sp.Interval.open(-1, 1)
    assert values("tanh", "monotonic")["monotonic"] == "increasing"


def test_step_derivative_is_zero_everywhere_and_undefined_at_0():
    at0 = values("step", "value_at_0")
    assert at0["value"] is None and at0["jump"]
    peak = values("step", "max")
    assert peak["range"] == sp.FiniteSet(0)
    assert peak["argmax"] == sp.Union(sp.Interval.open(-sp.oo, 0), sp.Interval.open(0, sp.oo))
    assert values("step", "range")["range"] == sp.FiniteSet(0, 1)


def test_every_step_of_the_seed_facts_is_verified():
    for name in ("step", "sigmoid", "tanh", "relu", "gelu", "swish"):
        F = established(name)
        bad = [(f.key, s.rule, s.verification) for f in F.facts for s in f.steps if not s.verified]
        assert not bad, (name, bad)


# -- every fact of every catalog entry, against independent numbers -------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_value_at_0(name):
    v = values(name, "value_at_0")
    if v is None:
        assert omitted_with_a_note(name, "value_at_0")
        return
    f = ref(name)
    if v.get("jump"):  # left and right are f(0−) and f(0+): f jumps, f′(0) does not exist
        assert v["value"] is None
        with mp.workdps(DPS):
            assert abs(num(v["f_left"]) - f(mp.mpf("-1e-20"))) < 1e-15
            assert abs(num(v["f_right"]) - f(mp.mpf("1e-20"))) < 1e-15
        return
    if 0.0 in cuts(name) and "convention" in v:
        left, right, _ = AT_BREAKPOINTS[(name, 0)]
        assert abs(num(v["left"]) - mpf(left)) < 1e-15
        assert abs(num(v["right"]) - mpf(right)) < 1e-15
        return
    expected = DERIVATIVE_AT_0.get(name)
    assert v["value"] is not None
    if expected is not None:
        assert abs(num(v["value"]) - mpf(expected)) < 1e-15
    if 0.0 not in cuts(name):
        assert abs(num(v["value"]) - slope(f, 0)) < 1e-15


@pytest.mark.parametrize("name", NAMES)
def test_limits(name):
    v = values(name, "limits")
    if v is None:
        assert omitted_with_a_note(name, "limits")
        return
    f = ref(name)
    with mp.workdps(DPS):
        for which in ("f", "df"):
            for side, limit in v[which].items():
                if limit is None:
                    continue
                s = 1 if side == "oo" else -1
                g = f if which == "f" else (lambda x: slope(f, x))
                at = [g(s * X_) for X_ in FAR]
                if limit in (sp.oo, -sp.oo):
                    sign = 1 if limit == sp.oo else -1
                    assert sign * at[-1] > 1e4 and sign * at[-1] > sign * at[0], (which, side, at)
                else:
                    assert abs(at[-1] - num(limit)) < 1e-6, (which, side, at, limit)


@pytest.mark.parametrize("name", NAMES)
def test_range(name):
    v = values(name, "range")
    if v is None:
        assert omitted_with_a_note(name, "range")
        return
    rng = v["range"]
    f = ref(name)
    with mp.workdps(DPS):
        xs = GRID + FAR + [-p for p in FAR]
        seen = [f(x) for x in xs]
    for x, y in zip(xs, seen):
        assert in_closure(y, rng, 1e-9), (x, y, rng)
    low, high = min(seen), max(seen)
    if rng.inf.is_finite:
        assert abs(low - num(rng.inf)) < 1e-3, (low, rng)
    else:
        assert low < -1e4
    if rng.sup.is_finite:
        assert abs(high - num(rng.sup)) < 1e-3, (high, rng)
    else:
        assert high > 1e4


@pytest.mark.parametrize("name", NAMES)
def test_monotonic(name):
    v = values(name, "monotonic")
    if v is None:
        assert omitted_with_a_note(name, "monotonic")
        return
    f = ref(name)
    with mp.workdps(200):  # Φ(20) − Φ(19.95) ≈ 10^-89: strict increase needs the digits
        ys = [f(x) for x in GRID]
    steps = [b - a for a, b in zip(ys, ys[1:])]
    kind = v["monotonic"]
    if kind == "increasing":
        assert all(d > 0 for d in steps)
    elif kind == "nondecreasing":
        assert all(d >= 0 for d in steps) and any(d == 0 for d in steps)
    elif kind == "decreasing":
        assert all(d < 0 for d in steps)
    elif kind == "nonincreasing":
        assert all(d <= 0 for d in steps) and any(d == 0 for d in steps)
    elif kind == "constant":
        assert all(d == 0 for d in steps)
    else:
        assert any(d > 0 for d in steps) and any(d < 0 for d in steps)


@pytest.mark.parametrize("name", NAMES)
def test_largest_and_smallest_slope(name):
    v = values(name, "max")
    if v is None:
        assert omitted_with_a_note(name, "max")
        return
    f = ref(name)
    breaks = cuts(name)
    # the grid, far points, and points just beside each breakpoint (a supremum can be a one-sided limit)
    beside = [mp.mpf(c) + d for c in breaks for d in (mp.mpf("-1e-7"), mp.mpf("1e-7"))]
    xs = [x for x in GRID + FAR + [-p for p in FAR] if away(x, breaks)] + beside
    slopes = [slope(f, x) for x in xs]
    sup, inf = num(v["sup"]), num(v["inf"])
    tol = 1e-9
    assert all(s <= sup + tol for s in slopes), max(slopes)
    assert all(s >= inf - tol for s in slopes), min(slopes)
    if v["sup"].is_finite:
        assert max(slopes) > sup - 1e-3  # the bound is sharp: the samples come close to it
    if v["inf"].is_finite:
        assert min(slopes) < inf + 1e-3
    if v["max"] is not None:
        assert v["max"] == v["sup"]
        argmax = v["argmax"]
        witnesses = list(argmax) if isinstance(argmax, sp.FiniteSet) else []
        for w in witnesses:
            if away(num(w), breaks):
                assert abs(slope(f, num(w)) - sup) < 1e-9
        if isinstance(argmax, sp.FiniteSet):
            # equality only there: samples 0.05 or more away stay strictly below
            for x, s in zip(xs, slopes):
                if all(abs(x - num(w)) >= mp.mpf("0.05") for w in witnesses) and abs(x) <= 20:
                    assert s < sup - 1e-12, (x, s)


@pytest.mark.parametrize("name", NAMES)
def test_layer_bound(name):
    v = values(name, "layer_bound")
    if v is None:
        assert omitted_with_a_note(name, "layer_bound")
        return
    peak = values(name, "max")
    M = v["sup_abs"]
    assert _close(num(M), max(abs(num(peak["sup"])), abs(num(peak["inf"]))))
    n = sp.Symbol("n", positive=True, integer=True)
    assert sp.simplify(v["bound"] - M**n) == 0


def _close(a, b) -> bool:
    return abs(a - b) <= 1e-12 * max(1, abs(a))


@pytest.mark.parametrize("name", [n for n in NAMES if catalog.get(n).breakpoints])
def test_kinks_one_sided_derivatives(name):
    v = values(name, "kinks")
    if v is None:
        assert not established(name).derivation.kinks  # no kink at the default parameters
        return
    f = ref(name)
    for k in v["kinks"]:
        at = float(k["at"])
        left, right, _ = AT_BREAKPOINTS[(name, at if at != int(at) else int(at))]
        assert abs(num(k["left"]) - mpf(left)) < 1e-12
        assert abs(num(k["right"]) - mpf(right)) < 1e-12
        if not k["jump"]:
            assert abs(one_sided_derivative(f, at, -1) - num(k["left"])) < 1e-12
            assert abs(one_sided_derivative(f, at, 1) - num(k["right"])) < 1e-12
        else:
            with mp.workdps(DPS):
                h = mp.mpf("1e-20")
                assert abs(f(mp.mpf(at) - h) - f(mp.mpf(at) + h)) > 1e-6  # f really jumps


@pytest.mark.parametrize("name", NAMES)
def test_established_facts_are_verified_step_by_step(name):
    F = established(name)
    bad = [(f.key, s.rule, s.verification) for f in F.facts for s in f.steps if not s.verified]
    assert not bad


# -- what cannot be established is omitted with a note, never guessed -----------------------------------------


def test_omissions_carry_notes():
    F = established("sin")  # infinitely many critical points
    keys = {o.key for o in F.omitted}
    assert {"max", "range", "monotonic"} <= keys
    assert F.get("max") is None and F.get("range") is None
    assert all(o.note for o in F.omitted)
    data = facts_dict(F)
    assert data["max"] is None and data["range"] is None
    assert {o["key"] for o in data["omitted"]} >= {"max", "range"}


def test_symbolic_catalog_parameters_give_facts_at_the_stated_defaults():
    # β kept symbolic: the facts are those at the source's default β = 1, and say so (never a guess)
    d = derive("swish", params={"beta": "beta"})
    F = facts(d)
    assert F.at is not None and dict(F.at.given) == {"beta": "1"}
    top = next(f for f in F.facts if f.key == "max")
    assert abs(float(top.values["max"]) - 1.0998393) < 1e-6


def test_letters_of_an_expression_are_not_guessed():
    F = facts(derive("a*x**2"))
    assert not F.facts
    assert {o.note for o in F.omitted} == {"symbolic_parameters"}


def test_a_limit_sympy_cannot_finish_in_time_is_omitted(monkeypatch):
    import time

    import derivator.analysis.facts as module

    def slow_limit(*args, **kwargs):
        # SymPy's slow limits burn CPU; budgets count CPU seconds, so the stand-in must too (sleep would not)
        end = time.process_time() + 30
        while time.process_time() < end:
            pass

    monkeypatch.setattr(module, "LIMIT_SECONDS", 0.2)
    monkeypatch.setattr(sp, "limit", slow_limit)
    started = time.monotonic()
    F = facts(derive("tanh"))  # tanh's definition needs SymPy's limit at ±∞ (e^x/e^x is indeterminate)
    assert time.monotonic() - started < 20
    notes = {(o.key, o.note) for o in F.omitted}
    assert ("limits", "limit_timeout") in notes
    assert F.get("range") is None  # the range needs those limits: omitted too, not guessed
    lim = F.get("limits")
    assert lim is None or lim.values["f"].get("oo") is None


# -- rendering ------------------------------------------------------------------------------------------------


SEED = ("step", "sigmoid", "tanh", "relu", "gelu", "swish")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_latex_math_passes_katex_and_mathjax(lang):
    names = NAMES if lang == "en" else SEED
    items = []
    for name in names:
        try:
            items += facts_latex_math(established(name), lang)
        except pytest.skip.Exception:
            continue
    errors = [(tex, e) for (tex, _), e in zip(items, katex_errors(items)) if e]
    assert not errors, errors[:5]
    errors = [(tex, e) for (tex, _), e in zip(items, mathjax_errors(items)) if e]
    assert not errors, errors[:5]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_math_passes_katex(lang):
    items = []
    for name in SEED:
        text = render_facts_markdown(established(name), lang=lang)
        items += [(m, False) for m in re.findall(r"\$`(.*?)`\$", text, re.S)]
        items += [(m, True) for m in re.findall(r"\$\$\n(.*?)\n\s*\$\$", text, re.S)]
    assert items
    errors = [(tex, e) for (tex, _), e in zip(items, katex_errors(items)) if e]
    assert not errors, errors[:5]


def test_json_values_read_back_with_sympify():
    data = facts_dict(established("sigmoid"))
    for key in ("value_at_0", "max", "argmax", "sup", "inf", "range", "derivative_range", "layer_bound"):
        assert isinstance(sp.sympify(data[key]), sp.Basic), key
    assert sp.sympify(data["value_at_0"]) == sp.Rational(1, 4)
    assert sp.sympify(data["argmax"]) == sp.FiniteSet(0)
    assert sp.sympify(data["range"]) == sp.Interval.open(0, 1)
    assert data["limits"] == {"f": {"-oo": "0", "oo": "1"}, "df": {"-oo": "0", "oo": "0"}}
    assert data["monotonic"] == "increasing"
    relu = facts_dict(established("relu"))
    assert sp.sympify(relu["argmax"]) == sp.Interval.open(0, sp.oo)
    assert relu["kinks"][0] | {} == {"at": "0", "left": "0", "right": "1", "value": "0", "convention": "left", "jump": False}


def test_terminal_rendering_names_every_fact():
    text = facts_terminal_text(established("sigmoid"))
    for phrase in ("σ′(0)", "= 1/4", "σ′(x)  ≤ 1/4", "equality exactly for x ∈ {0}", "(0, 1)", "(1/4)ⁿ"):
        assert phrase in text, phrase


@pytest.mark.parametrize("lang, engine", [("en", "pdflatex"), ("ja", "lualatex")])
def test_standalone_document_with_facts_compiles(lang, engine, tmp_path):
    from derivator.present.dispatch import render_with_facts

    for name in ("sigmoid", "relu", "step"):
        F = established(name)
        source = render_with_facts(F.derivation, F, "latex", lang, standalone=True)
        assert "\\subsection*" in source and source.rstrip().endswith("\\end{document}")
        ok, log = latex_compile(source, engine, tmp_path / f"{name}-{lang}")
        assert ok, log


# -- the command line ---------------------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True, timeout=300)


def test_cli_facts_json_and_cpu_time():
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = _run("sigmoid", "--facts", "--format", "json", "--no-cache")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)["facts"]
    assert data["value_at_0"] == "1/4" and data["max"] == "1/4" and data["argmax"] == "FiniteSet(0)"
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 6, f"derivator sigmoid --facts used {cpu:.1f} s of CPU"  # ~1.5 s measured; generous for CI


def test_cli_facts_markdown_and_plain_derive_unchanged():
    out = _run("sigmoid", "--facts", "--format", "markdown", "--no-cache")
    assert out.returncode == 0, out.stderr
    assert "## Facts" in out.stdout and "equality exactly for" in out.stdout
    plain_out = _run("sigmoid", "--format", "markdown", "--no-cache")
    assert "## Facts" not in plain_out.stdout
    assert "\"facts\"" not in _run("sigmoid", "--format", "json", "--no-cache").stdout


# -- the documents from templates/: the properties section, slide and blog section ---------------------------


@pytest.mark.parametrize("template, lang, engine", [
    ("article", "en", "pdflatex"), ("article", "ja", "lualatex"), ("beamer", "en", "pdflatex"), ("beamer", "ja", "lualatex"),
])
def test_documents_hold_the_properties_and_compile(template, lang, engine, tmp_path):
    from derivator.publish.documents import render_document

    F = established("sigmoid")
    doc = render_document(F.derivation, template, lang=lang, facts=F)
    without = render_document(F.derivation, template, lang=lang)
    heading = "Properties" if lang == "en" else "性質"
    assert heading in doc.text and heading not in without.text
    assert r"\frac{1}{4}" in doc.text
    extra = ("beamer.cls",) if template == "beamer" else ()
    ok, log = latex_compile(doc.text, engine, tmp_path, extra_files=extra)
    assert ok, log


@pytest.mark.parametrize("flavor", ["github", "qiita", "zenn", "hatena", "wordpress", "mkdocs", "jupyter"])
def test_blog_properties_in_every_flavour_pass_katex(flavor):
    from derivator.publish.documents import render_document
    from derivator.present.flavors import flavor_module

    F = established("relu")
    text = render_document(F.derivation, "blog", flavor=flavor, facts=F).text
    assert "ReLU" in text
    items = flavor_module(flavor).FLAVOR.extract(text)
    properties = [(tex, display) for tex, display in items if "ReLU}'" in tex or "\\lim" in tex]
    assert properties, "no math from the properties section was found"
    errors = [(tex, e) for (tex, _), e in zip(items, katex_errors(items)) if e]
    assert not errors, errors[:5]


@pytest.mark.parametrize("name", NAMES)
def test_json_facts_for_every_entry_read_back(name):
    data = facts_dict(established(name))
    json.dumps(data)
    for key in ("value_at_0", "max", "argmax", "sup", "inf", "min", "argmin", "range", "derivative_range", "layer_bound"):
        if data[key] is not None:
            assert isinstance(sp.sympify(data[key]), (sp.Basic, sp.Set)), (key, data[key])
    for which in ("f", "df"):
        for value in data["limits"][which].values():
            if value is not None:
                sp.sympify(value)
    # what is missing is said, not left blank: a missing fact has a note
    missing = {"max": data["max"] is None and data["sup"] is None, "range": data["range"] is None}
    for key, absent in missing.items():
        if absent:
            assert key in {o["key"] for o in data["omitted"]}, key
