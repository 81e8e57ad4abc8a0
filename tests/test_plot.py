"""Plots: both curves drawn from the derivation, kinks marked, Japanese labels without tofu."""

from __future__ import annotations

import logging
import re
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from derivator.publish import plot as plotmod
from derivator.pipeline import derive
from derivator.core.errors import DerivatorError
from derivator.core.functions import expand_named
from derivator.i18n import t
from derivator.publish.plot import figure, plot

NAMES = ["sigmoid", "tanh", "relu", "gelu", "swish"]


@pytest.fixture(scope="module")
def derivations():
    return {}


def get(derivations, name):
    if name not in derivations:
        derivations[name] = derive(name)
    return derivations[name]


def lines(fig):
    ax = fig.axes[0]
    return {ln.get_label(): ln for ln in ax.get_lines() if not ln.get_label().startswith("_")}


@pytest.mark.parametrize("name", NAMES)
def test_both_curves_are_f_and_its_derivative(derivations, name):
    """The two labelled curves are f and f' (checked against mpmath, not against the plot's code)."""
    d = get(derivations, name)
    fig = figure(d)
    drawn = lines(fig)
    assert len(drawn) >= 2
    f_line, df_line = list(drawn.values())[:2]  # drawn first: f, then f'
    assert "'" not in f_line.get_label() and "'" in df_line.get_label()
    x = d.variable
    # a symbolic catalog parameter is drawn at its source's default (Swish's β = 1)
    at = d.default_values
    f = sp.lambdify(x, expand_named(d.definition).xreplace(at), modules="mpmath")
    kinks = [float(sp.sympify(k.at).xreplace(at)) for k in d.kinks]
    xs, fs = f_line.get_data()
    _, dfs = df_line.get_data()
    for i in range(0, len(xs), 97):
        t = float(xs[i])
        if any(abs(t - a) < 1e-6 for a in kinks):
            assert np.isnan(dfs[i])  # f' is broken at a kink, never drawn as a vertical line
            continue
        assert fs[i] == pytest.approx(float(f(mpmath.mpf(t))), rel=1e-9, abs=1e-12)
        assert dfs[i] == pytest.approx(float(mpmath.diff(f, mpmath.mpf(t))), rel=1e-7, abs=1e-9)


def test_relu_kink_is_marked_with_both_one_sided_limits(derivations):
    d = get(derivations, "relu")
    fig = figure(d)
    markers = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "o"]
    points = {(float(a), float(b)) for ln in markers for a, b in zip(*ln.get_data())}
    k = d.kinks[0]
    assert (float(k.at), float(k.left)) in points and (float(k.at), float(k.right)) in points


@pytest.mark.parametrize("suffix", ["svg", "png"])
@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", NAMES)
def test_file_is_written_without_missing_glyphs(derivations, name, lang, suffix, tmp_path, caplog):
    d = get(derivations, name)
    out = tmp_path / f"{name}.{suffix}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            plot(d, out, lang=lang)
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]
    data = out.read_bytes()
    assert len(data) > 10_000
    if suffix == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert data.lstrip().startswith(b"<?xml")


def test_japanese_title_is_drawn_with_the_cjk_font(derivations, tmp_path):
    """Every kana/kanji of the title becomes a HaranoAji (or other CJK) glyph in the SVG."""
    out = plot(get(derivations, "sigmoid"), tmp_path / "s.svg", lang="ja")
    svg = out.read_text()
    family = plotmod.cjk_font_family().replace(" ", "")
    glyphs = set(re.findall(r'id="([A-Za-z-]+)-[0-9a-f]+"', svg))
    cjk_glyphs = set(re.findall(rf'id="({family}[A-Za-z-]*-[0-9a-f]+)"', svg))
    title = t("plot.title", "ja", f="", df="")
    cjk_chars = {ch for ch in title if ord(ch) > 0x3000}
    assert len(cjk_glyphs) >= len(cjk_chars), glyphs


def test_no_cjk_font_is_an_error_not_tofu(derivations, monkeypatch, tmp_path):
    monkeypatch.setattr(plotmod, "cjk_font_family", lambda: None)
    with pytest.raises(DerivatorError):
        plot(get(derivations, "sigmoid"), tmp_path / "s.png", lang="ja")


@pytest.mark.parametrize("filename", ["s.jpg", "s"])
def test_unknown_file_type_is_a_derivator_error(derivations, filename, tmp_path):
    with pytest.raises(DerivatorError):
        plot(get(derivations, "sigmoid"), tmp_path / filename)


def test_empty_range_is_a_derivator_error(derivations):
    with pytest.raises(DerivatorError):
        figure(get(derivations, "sigmoid"), xrange=(2.0, -2.0))


def test_cli_plot_writes_the_figure(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "derivator", "plot", "sigmoid", "-o", "s.svg", "--lang", "ja"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "s.svg").read_bytes().lstrip().startswith(b"<?xml")
    bad = subprocess.run([sys.executable, "-m", "derivator", "plot", "sigmoid", "-o", "s.jpg"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
