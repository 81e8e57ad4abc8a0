"""Loss-gradient derivations: every step verified, the end results σ(z) − y and p_i − y_i, checked again
here against numerical gradients for a number of outputs (n = 4) that the verifier never used, and a
wrong line is caught."""

from __future__ import annotations

import json
import random
import re

import mpmath as mp
import pytest
import sympy as sp

from derivator.analysis import losses
from derivator.present.dispatch import render
from derivator.core.errors import DerivatorError
from derivator.core.functions import sigmoid
from derivator.present.latex import render_latex
from derivator.present.markdown import render_markdown
from validators import katex_errors

NAMES = ["bce", "mse", "softmax", "softmax_ce"]


@pytest.fixture(scope="module")
def derived():
    return {name: losses.derive_loss(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_step_and_the_result_are_verified(derived, name):
    d = derived[name]
    assert len(d.steps) >= 5
    assert all(step.verified for step in d.steps), [s.rule for s in d.steps if not s.verified]
    assert d.final_check.ok and d.verified


def test_binary_cross_entropy_ends_in_sigma_minus_y(derived):
    d = derived["bce"]
    z, y = losses.Z, losses.Y
    assert sp.simplify(d.derivative - (sigmoid(z) - y)) == 0
    assert sp.simplify(d.steps[-1].after.doit() - (sigmoid(z) - y)) == 0
    # the line a lecturer shows before the cancellation: −y + yσ + σ − yσ, four terms
    multiplied = [s for s in d.steps if s.rule == "rewrite.multiply"][-1]
    assert len(multiplied.after.args) == 4
    assert [lemma.name for lemma in d.lemmas] == ["sigmoid"] and d.lemmas[0].derivation.verified


def test_softmax_cross_entropy_ends_in_p_minus_y(derived):
    d = derived["softmax_ce"]
    p, y, i = losses.p, losses.y, losses.i
    assert sp.simplify(d.derivative - (p[i] - y[i])) == 0
    assert d.steps[-1].after == sp.Add(p[i], -y[i], evaluate=False)
    rules = [s.rule for s in d.steps]
    assert rules.index("lemma") < rules.index("loss.kronecker_sum") < rules.index("loss.constraint")
    (lemma,) = d.lemmas
    assert lemma.derivation.verified and lemma.derivation.name == "softmax"


def test_softmax_jacobian_is_s_i_times_delta_minus_s_j(derived):
    d = derived["softmax"]
    s, i, j = losses.s, losses.i, losses.j
    assert d.derivative == s[i] * (sp.KroneckerDelta(i, j) - s[j])
    assert [st.rule for st in d.steps][:3] == ["definition", "quotient", "loss.kronecker_derivative"]


# -- independent numerical gradients at n = 4 (the verifier uses n = 2 and 3) --------------------------------
N = 4


def _softmax(zs):
    total = mp.fsum(mp.exp(v) for v in zs)
    return [mp.exp(v) / total for v in zs]


def _sig(v):
    return 1 / (1 + mp.exp(-v))


def _grad(f, zs, index):
    def along(t):
        moved = list(zs)
        moved[index] = t
        return f(moved)

    return mp.diff(along, zs[index])


def _points(seed: str, count: int = 5):
    rng = random.Random(seed)
    return [[mp.mpf(repr(rng.uniform(-3, 3))) for _ in range(N)] for _ in range(count)]


def test_bce_gradient_numerically():
    rng = random.Random("bce")
    with mp.workdps(30):
        for _ in range(20):
            zv, yv = mp.mpf(repr(rng.uniform(-5, 5))), mp.mpf(rng.choice([0, 1]))
            loss = lambda t: -(yv * mp.log(_sig(t)) + (1 - yv) * mp.log(1 - _sig(t)))  # noqa: E731
            assert abs(mp.diff(loss, zv) - (_sig(zv) - yv)) < mp.mpf(10) ** -20


def test_mse_gradient_numerically():
    with mp.workdps(30):
        for zs in _points("mse"):
            ys = [mp.mpf(v) / 7 for v in range(N)]
            loss = lambda v: mp.fsum((_sig(a) - b) ** 2 for a, b in zip(v, ys)) / 2  # noqa: E731
            for idx in range(N):
                expected = (_sig(zs[idx]) - ys[idx]) * _sig(zs[idx]) * (1 - _sig(zs[idx]))
                assert abs(_grad(loss, zs, idx) - expected) < mp.mpf(10) ** -20


def test_softmax_jacobian_numerically():
    with mp.workdps(30):
        for zs in _points("softmax"):
            s = _softmax(zs)
            for a in range(N):
                for b in range(N):
                    numeric = _grad(lambda v: _softmax(v)[a], zs, b)
                    assert abs(numeric - s[a] * ((1 if a == b else 0) - s[b])) < mp.mpf(10) ** -20


def test_softmax_cross_entropy_gradient_numerically():
    with mp.workdps(30):
        for trial, zs in enumerate(_points("ce")):
            ys = [mp.mpf(1 if m == trial % N else 0) for m in range(N)]  # one-hot
            loss = lambda v: -mp.fsum(t * mp.log(q) for t, q in zip(ys, _softmax(v)))  # noqa: E731
            p = _softmax(zs)
            for idx in range(N):
                assert abs(_grad(loss, zs, idx) - (p[idx] - ys[idx])) < mp.mpf(10) ** -20


# -- the verifier is not a rubber stamp ---------------------------------------------------------------------
def test_a_wrong_indexed_line_is_caught():
    s, i, j = losses.s, losses.i, losses.j
    problem = losses.IndexedProblem(free=(i, j), definitions={s: losses._softmax_of})
    right = losses._d(s[i], losses.z[j])
    wrong = s[i] * (sp.KroneckerDelta(i, j) + s[j])
    result = losses._verify_pair(right, wrong, problem, constrained=False)
    assert not result.ok and "n = 2" in result.note


def test_the_constraint_step_needs_the_constraint():
    p, y, i, k = losses.p, losses.y, losses.i, losses.k
    problem = losses.IndexedProblem(free=(i,), definitions={p: losses._softmax_of})
    before = sp.Add(-y[i], p[i] * losses._sum(y[k]), evaluate=False)
    after = p[i] - y[i]
    assert not losses._verify_pair(before, after, problem, constrained=False).ok
    assert losses._verify_pair(before, after, problem, constrained=True).ok


def test_a_wrong_scalar_line_is_caught():
    z, y = losses.Z, losses.Y
    problem = losses.IndexedProblem(free=(), scalar=True)
    assert not losses._verify_pair(sigmoid(z) - y, y - sigmoid(z), problem, False).ok


# -- names and rendering ------------------------------------------------------------------------------------
@pytest.mark.parametrize("alias, name", [("BCE", "bce"), ("torch.nn.BCEWithLogitsLoss", "bce"),
                                         ("cross-entropy", "softmax_ce"), ("torch.nn.CrossEntropyLoss", "softmax_ce"),
                                         ("softmax_jacobian", "softmax"), ("mse", "mse")])
def test_aliases(alias, name):
    assert losses.derive_loss(alias).name == name


def test_unknown_loss_is_a_one_line_error():
    with pytest.raises(DerivatorError) as err:
        losses.derive_loss("hinge")
    assert "bce" in str(err.value) and "\n" not in str(err.value)


def _math_strings(text: str) -> list[tuple[str, bool]]:
    display = re.findall(r"^[ \t]*\$\$\n(.*?)\n[ \t]*\$\$$", text, flags=re.S | re.M)
    inline = re.findall(r"\$`(.*?)`\$", text)
    return [(m, True) for m in display] + [(m, False) for m in inline]


def test_every_rendered_math_string_passes_katex(derived):
    items = []
    for d in derived.values():
        for lang in ("en", "ja"):
            items.append((render_latex(d, lang=lang), True))
            markdown = render_markdown(d, lang=lang)
            assert "name.loss" not in markdown and "say.loss" not in markdown  # every rule has words
            items += _math_strings(markdown)
        data = json.loads(render(d, "json", "en"))
        items += [(st["latex"], True) for st in data["steps"]]
    assert len(items) > 60
    errors = katex_errors(items)
    bad = [(tex, err) for (tex, _), err in zip(items, errors) if err]
    assert not bad, bad[:3]


@pytest.mark.parametrize("name", NAMES)
def test_terminal_rendering_names_every_rule(derived, name):
    text = render(derived[name], "terminal", "ja")
    assert "name.loss" not in text and "検証" in text


# -- readable in every format and flavour; the JSON reads back with sympify -------------------------------------
SYMPY_NAMES = re.compile(r"Indexed|KroneckerDelta|Sum\(|Derivative\(|\bPartial\b|\bPrime\b")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_terminal_writes_indices_as_a_lecturer_does(derived, lang):
    texts = {name: render(d, "terminal", lang) for name, d in derived.items()}
    for name, text in texts.items():
        assert not SYMPY_NAMES.search(text), (name, SYMPY_NAMES.search(text).group())
    assert "∂L/∂zᵢ" in texts["mse"] and "σ′(zₖ)" in texts["mse"] and "Σₖ₌₁ⁿ" in texts["mse"]
    assert "∂sᵢ/∂zⱼ" in texts["softmax"] and "sᵢ·(δᵢⱼ - sⱼ)" in texts["softmax"]
    assert "/(Σₖ₌₁ⁿ e^zₖ)²" in texts["softmax"]  # a power of a sum is bracketed whole
    assert "= pᵢ - yᵢ" in texts["softmax_ce"]
    assert texts["bce"].splitlines()[1].startswith("dL/dz ")


def test_every_format_and_flavour_is_readable_and_renders(derived):
    from derivator.present.flavors import FLAVORS, flavor_module

    math: list[tuple[str, bool]] = []
    for name, d in derived.items():
        for lang in ("en", "ja"):
            texts = {"latex": render(d, "latex", lang), "standalone": render_latex(d, lang=lang, standalone=True)}
            texts |= {flavor: render(d, "markdown", lang, flavor=flavor) for flavor in FLAVORS}
            for label, text in texts.items():
                assert not SYMPY_NAMES.search(text.replace(r"\sum", "")), (name, lang, label)
            math.append((texts["latex"], True))
            for flavor in FLAVORS:
                found = flavor_module(flavor).extract(texts[flavor])
                assert len(found) > 3, (name, flavor)
                math += found
    assert len(math) > 400
    for engine in (katex_errors, __import__("validators").mathjax_errors):
        errors = [(tex, err) for (tex, _), err in zip(math, engine(math)) if err]
        assert not errors, f"{engine.__name__}: {errors[:3]}"


def _plain_symbols(expr):
    """What sympify gives for derivator's expression: the same, with symbols and bases without assumptions."""
    from derivator.verify import plain

    expr = plain(expr)
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.atoms(sp.Symbol)})  # bound indices too


@pytest.mark.parametrize("name", NAMES)
def test_json_reads_back_with_sympify(derived, name):
    d = derived[name]
    data = json.loads(render(d, "json", "en"))
    assert sp.sympify(data["definition"]) == _plain_symbols(d.definition)
    assert sp.sympify(data["derivative"]) == _plain_symbols(d.derivative)
    assert sp.sympify(data["variable"]) == _plain_symbols(d.variable)
    for step in data["steps"]:
        for key in ("before", "after"):
            assert isinstance(sp.sympify(step[key]), sp.Basic), step[key]
    for lemma in data["lemmas"]:
        assert all(isinstance(sp.sympify(side), sp.Basic) for side in lemma["statement"].split(" = "))
    if name == "mse":
        assert data["variable"] == "Indexed('z', i)"
        assert "Indexed('y', k)" in data["definition"] and "Sum(" in data["definition"]


def test_loss_json_from_the_command_line_reads_back():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "derivator", "loss", "softmax", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    i, j = sp.symbols("i j")
    s = sp.IndexedBase("s")
    assert sp.sympify(data["derivative"]) == s[i] * (sp.KroneckerDelta(i, j) - s[j])
