"""derivator compare: seed 003's comparison (step, sigmoid, ReLU; plus tanh, GELU, Swish) in every format,
and the overlay plot of every derivative."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache

import pytest
import sympy as sp

from derivator.present import compare as cmp
from derivator.publish.plot import compare_figure, plot_overlay
from validators import katex_errors, latex_compile, mathjax_errors

SEED = ["step", "sigmoid", "tanh", "relu", "gelu", "swish"]


@lru_cache(maxsize=None)
def seed_columns():
    return tuple(cmp.columns(SEED))


def cols() -> list:
    return list(seed_columns())


def row(label_key: str, lang: str = "en") -> list[str]:
    """The Unicode text of one row's cells, left to right."""
    data = cmp.to_dict(cols(), lang)
    entry = next(r for r in data["table"] if r["row"] == label_key)
    return [c["text"] for c in entry["cells"]]


# -- what the seed says, in the table ----------------------------------------------------------------------


def test_seed_claims_in_the_table():
    at0 = dict(zip(SEED, row("value_at_0")))
    assert at0["step"] == "undefined (f jumps)"
    assert at0["sigmoid"] == "1/4"
    assert at0["relu"].startswith("0 by convention")
    peak = dict(zip(SEED, row("max")))
    assert peak["sigmoid"] == "1/4 at x ∈ {0}"
    assert peak["relu"] == "1 at x ∈ (0, ∞)"
    assert peak["step"] == "0 at x ∈ (-∞, 0) ∪ (0, ∞)"
    sat = dict(zip(SEED, row("limits_df")))
    assert sat["sigmoid"] == "0 (x→−∞), 0 (x→∞)"
    assert sat["relu"] == "0 (x→−∞), 1 (x→∞)"
    rng = dict(zip(SEED, row("range")))
    assert rng["tanh"] == "(-1, 1)" and rng["sigmoid"] == "(0, 1)"
    layers = dict(zip(SEED, row("layer_bound")))
    assert layers["sigmoid"] == "(1/4)ⁿ" and layers["relu"] == "1"


def test_json_carries_each_functions_facts():
    data = cmp.to_dict(cols())
    by_name = {f["input"]: f for f in data["functions"]}
    assert list(by_name) == SEED
    assert sp.sympify(by_name["sigmoid"]["facts"]["max"]) == sp.Rational(1, 4)
    assert by_name["step"]["facts"]["value_at_0"] is None
    assert sp.sympify(by_name["relu"]["facts"]["argmax"]) == sp.Interval.open(0, sp.oo)
    assert sp.sympify(by_name["gelu"]["facts"]["argmax"]) == sp.FiniteSet(sp.sqrt(2))
    # Swish's largest slope has no closed form: it is located numerically, and says so
    assert "max" in by_name["swish"]["facts"]["numeric"]
    assert abs(float(sp.sympify(by_name["swish"]["facts"]["max"])) - 1.0998393) < 1e-6
    assert [r["row"] for r in data["table"]] == list(cmp.ROWS)
    json.dumps(data)  # plain JSON values only


# -- every format ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_latex_table_math_passes_katex_and_mathjax(lang):
    items = cmp.compare_latex_math(cols(), lang)
    assert len(items) > 40
    errors = [(tex, e) for (tex, _), e in zip(items, katex_errors(items)) if e]
    assert not errors, errors[:5]
    errors = [(tex, e) for (tex, _), e in zip(items, mathjax_errors(items)) if e]
    assert not errors, errors[:5]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_table(lang):
    text = cmp.render_markdown(cols(), lang)
    lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(cmp.ROWS)
    # every row has one cell per function plus its label: no stray | inside math
    assert all(line.count(" | ") == len(SEED) for line in lines if not line.startswith("|---"))
    items = [(m, False) for m in re.findall(r"\$`(.*?)`\$", text)]
    errors = [(tex, e) for (tex, _), e in zip(items, katex_errors(items)) if e]
    assert not errors, errors[:5]


def test_terminal_table_has_every_function_and_row():
    text = cmp.terminal_text(cols(), "en", width=220)
    for head in ("step(x)", "σ(x)", "tanh(x)", "ReLU(x)", "GELU(x)", "swish(x)"):
        assert head in text
    for label in ("Slope at 0", "Largest slope", "Range of f", "Kinks", "Bound through n layers"):
        assert label in text


@pytest.mark.parametrize("lang, engine", [("en", "pdflatex"), ("ja", "lualatex")])
def test_standalone_latex_compiles(lang, engine, tmp_path):
    ok, log = latex_compile(cmp.render_latex(cols(), lang, standalone=True), engine, tmp_path)
    assert ok, log


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_overlay_plot_is_written(tmp_path, suffix, magic):
    path = plot_overlay(cols(), tmp_path / f"derivatives{suffix}")
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 5000


def test_overlay_draws_one_curve_per_function():
    fig = compare_figure(cols())
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [label.split(":")[0] for label in labels] == SEED
    # σ′ peaks at 1/4 and ReLU′ is 1 on the right: the drawn data say so
    sigmoid = next(line for line in ax.get_lines() if line.get_label().startswith("sigmoid"))
    assert abs(max(sigmoid.get_ydata()) - 0.25) < 1e-4
    relu = next(line for line in ax.get_lines() if line.get_label().startswith("relu"))
    xs, ys = relu.get_xdata(), relu.get_ydata()
    assert all(y == 1 for x, y in zip(xs, ys) if x > 0.01)


# -- the command line ----------------------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True, timeout=600)


def test_cli_compare_json_and_plot(tmp_path):
    plot = tmp_path / "cmp.svg"
    out = _run("compare", "step", "sigmoid", "relu", "--format", "json", "--plot", str(plot))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [f["input"] for f in data["functions"]] == ["step", "sigmoid", "relu"]
    assert plot.read_bytes().startswith(b"<?xml")


def test_cli_compare_bad_plot_name_is_one_line_exit_2():
    out = _run("compare", "sigmoid", "--plot", "x.gif")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "x.gif" in out.stderr
