"""f and f′ on one figure (matplotlib), SVG or PNG, kinks marked, Japanese labels without tofu.

Built on matplotlib's object API (Figure, no pyplot), so plotting never touches a GUI backend or the
global pyplot state. Styles (fonts, the minus sign) are applied inside an rc_context for the same reason.

For `lang="ja"` a CJK font is registered with matplotlib: the HaranoAji fonts of TeX Live's
texlive-lang-japanese (found with kpsewhich), or any CJK font matplotlib already knows. If there is
none, plotting fails with a DerivatorError instead of drawing tofu boxes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import functools
import glob
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import sympy as sp

from derivator.core.errors import DerivatorError
from derivator.i18n import t
from derivator.core.functions import NamedFunction
from derivator.core.trace import Derivation, Kink
from derivator.verify import lambdify_safe, plain

if TYPE_CHECKING:
    from derivator.present.compare import Column

PLOT_FORMATS = ("svg", "png", "pdf")
DEFAULT_RANGE = (-6.0, 6.0)
SAMPLES = 1201

# HaranoAji ships with texlive-lang-japanese; the other names are common system CJK fonts.
_CJK_FILES = ("HaranoAjiGothic-Regular.otf", "HaranoAjiGothic-Medium.otf")
_TEXLIVE_DIRS = ("/usr/share/texlive/texmf-dist/fonts/opentype/public/haranoaji",
                 "/usr/local/texlive/*/texmf-dist/fonts/opentype/public/haranoaji")
_CJK_FAMILIES = ("Harano Aji Gothic", "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic",
                 "TakaoGothic", "VL Gothic")

@dataclass(frozen=True)
class Curves:
    """What is drawn: sampled f and f′ with their labels, and the kinks."""

    xs: np.ndarray
    f: np.ndarray
    df: np.ndarray
    f_label: str  # mathtext, e.g. $\sigma(x)$, for the legend
    df_label: str
    f_name: str  # plain Unicode, e.g. σ(x), for text around it: mathtext has no font fallback for kana
    df_name: str
    kinks: tuple[Kink, ...]


# --- fonts ---------------------------------------------------------------------------------------


@functools.cache
def cjk_font_family() -> str | None:
    """Register a CJK font with matplotlib and return its family name (None if there is none)."""
    from matplotlib import font_manager

    for path in _cjk_font_files():
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):
            continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FAMILIES if name in known), None)


def _cjk_font_files() -> list[str]:
    found: list[str] = []
    if shutil.which("kpsewhich"):
        for name in _CJK_FILES:
            out = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip():
                found.append(out.stdout.strip())
    for pattern in _TEXLIVE_DIRS:
        for name in _CJK_FILES:
            found.extend(sorted(glob.glob(f"{pattern}/{name}")))
    return list(dict.fromkeys(found))


def _style(lang: str) -> dict:
    families = ["DejaVu Sans"]
    if lang == "ja":
        cjk = cjk_font_family()
        if cjk is None:
            raise DerivatorError(
                "no Japanese font for the plot labels",
                hint="install texlive-lang-japanese (HaranoAji) or fonts-noto-cjk, or use --lang en",
            )
        families.append(cjk)  # per-glyph fallback: Latin/Greek from DejaVu, kana and kanji from CJK
    return {
        "font.family": families,
        "axes.unicode_minus": False,  # CJK fonts often lack U+2212; '-' is in every font
        "svg.fonttype": "path",  # glyphs as paths: the SVG shows the same text on any machine
        "svg.hashsalt": "derivator",  # stable ids, so committed samples do not churn
        "path.simplify": True,
    }


# --- sampling ------------------------------------------------------------------------------------


def _head_latex(fn: sp.Expr, x: sp.Symbol) -> str | None:
    """The LaTeX name of f when f is a named function of x (\\sigma, \\tanh), else None."""
    if isinstance(fn, NamedFunction) and fn.args == (x,):
        return type(fn).latex_name
    if isinstance(fn, sp.Function) and fn.args == (x,) and not isinstance(fn, sp.core.function.AppliedUndef):
        from sympy.printing.latex import LatexPrinter

        return LatexPrinter()._hprint_Function(type(fn).__name__)  # \tanh, \operatorname{erf}
    return None


def _head_unicode(fn: sp.Expr, x: sp.Symbol) -> str | None:
    if isinstance(fn, NamedFunction) and fn.args == (x,):
        return type(fn).unicode_name
    if isinstance(fn, sp.Function) and fn.args == (x,) and not isinstance(fn, sp.core.function.AppliedUndef):
        return type(fn).__name__
    return None


def labels(d: Derivation) -> tuple[str, str, str, str]:
    """Labels for f and f′: mathtext ($\\sigma(x)$, $\\sigma'(x)$) and Unicode (σ(x), σ′(x));
    f(x) and f′(x) when f has no name of its own."""
    x = d.variable.name
    head = _head_latex(d.function, d.variable) or "f"
    uhead = _head_unicode(d.function, d.variable) or "f"
    return f"${head}({sp.latex(d.variable)})$", f"${head}'({sp.latex(d.variable)})$", f"{uhead}({x})", f"{uhead}′({x})"


def _numeric(expr: sp.Expr, x: sp.Symbol, params: dict[str, float] | None) -> callable:
    expr = plain(expr)
    if params:
        expr = expr.subs({s: params[s.name] for s in expr.free_symbols if s.name in params})
    missing = sorted(s.name for s in expr.free_symbols - {x})
    if missing:
        raise DerivatorError(
            f"the plot needs a value for {', '.join(missing)}",
            hint="give parameters a value, e.g. --param " + f"{missing[0]}=1",
        )
    # lambdify prints derivator's own expression tree (not user text) to NumPy/SciPy code
    try:
        import scipy.special  # noqa: F401  (erf and friends, which NumPy lacks)
    except ImportError:
        # without SciPy: Python's math module, one point at a time (slower, same values)
        scalar = lambdify_safe(x, expr, modules="math")

        def safe(t: float) -> float:
            try:
                return float(scalar(t))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return float("nan")  # outside the domain: a gap in the curve, as NumPy gives

        return np.vectorize(safe, otypes=[float])
    return lambdify_safe(x, expr, modules=["scipy", "numpy"])


def _sample(fn: callable, xs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        ys = np.asarray(fn(xs), dtype=float)
    if ys.shape != xs.shape:  # constants come back as scalars
        ys = np.full_like(xs, float(ys))
    ys[~np.isfinite(ys)] = np.nan
    return ys


def curves(d: Derivation, *, xrange: tuple[float, float] = DEFAULT_RANGE,
           params: dict[str, float] | None = None, samples: int = SAMPLES) -> Curves:
    """Sample f and f′ (the derivation's own derivative) and break f′ at every kink."""
    x = d.variable
    lo, hi = xrange
    if not lo < hi:
        raise DerivatorError(f"empty plot range {lo}..{hi}", hint="the first bound must be the smaller")
    # a curve needs numbers: parameters kept symbolic are drawn at the source's defaults
    at_defaults = d.default_values
    definition, derivative = d.definition.xreplace(at_defaults), d.derivative.xreplace(at_defaults)
    kinks = tuple(replace(k, at=k.at.xreplace(at_defaults), left=k.left.xreplace(at_defaults),
                          right=k.right.xreplace(at_defaults),
                          value=None if k.value is None else k.value.xreplace(at_defaults)) for k in d.kinks)
    kink_xs = [float(k.at) for k in kinks if k.at.is_number and k.at.is_real and lo < float(k.at) < hi]
    # the kinks themselves are sample points, so a corner is drawn exactly where it is
    xs = np.unique(np.concatenate([np.linspace(lo, hi, samples), kink_xs]))
    f = _sample(_numeric(definition, x, params), xs)
    df = _sample(_numeric(derivative, x, params), xs)
    for a in kink_xs:
        # f′ jumps at a kink: NaN at the kink itself keeps matplotlib from drawing a vertical line
        df[xs == a] = np.nan
    return Curves(xs, f, df, *labels(d), kinks)


# --- drawing -------------------------------------------------------------------------------------


def figure(d: Derivation, *, lang: str = "en", xrange: tuple[float, float] = DEFAULT_RANGE,
           params: dict[str, float] | None = None):
    """The matplotlib Figure of f and f′ (drawn inside derivator's style)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    c = curves(d, xrange=xrange, params=params)
    with rc_context(_style(lang)):
        fig = Figure(figsize=(7.0, 4.2), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.plot(c.xs, c.f, color="#1f77b4", lw=2.2, label=c.f_label)
        ax.plot(c.xs, c.df, color="#d62728", lw=2.2, ls="--", label=c.df_label)
        _mark_kinks(ax, c, lang)
        ax.set_xlim(*xrange)
        ax.set_ylim(*_ylim(c))
        ax.set_xlabel(f"${sp.latex(d.variable)}$")
        # words from the i18n catalogs ([plot]); formulas come from the derivation, never translated
        ax.set_title(t("plot.title", lang, f=c.f_name, df=c.df_name))
        ax.grid(True, color="0.9")
        ax.legend(loc="best", frameon=True)
    return fig


def _mark_kinks(ax, c: Curves, lang: str) -> None:
    first = True
    for k in c.kinks:
        a = float(k.at)
        if not c.xs[0] < a < c.xs[-1]:
            continue
        left, right = float(k.left), float(k.right)
        ax.axvline(a, color="0.5", lw=0.8, ls=":")
        # one-sided limits of f′ as open circles, as in a textbook
        ax.plot([a, a], [left, right], ls="none", marker="o", ms=7, mfc="white", mec="#d62728", mew=1.6,
                label=t("plot.kink", lang, df=c.df_name) if first else None, zorder=3)
        if k.value is not None:
            ax.plot([a], [float(k.value)], ls="none", marker="o", ms=6, color="#d62728", zorder=4,
                    label=t("plot.value", lang, df=c.df_name) if first else None)
        first = False


def _ylim(c: Curves) -> tuple[float, float]:
    values = np.concatenate([c.f[np.isfinite(c.f)], c.df[np.isfinite(c.df)]])
    values = np.concatenate([values] + [[float(k.left), float(k.right)] for k in c.kinks])
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = np.percentile(values, [1, 99]) if np.ptp(values) > 100 else (values.min(), values.max())
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = 0.08 * (hi - lo or 1.0)
    return float(lo - pad), float(hi + pad)


# Every figure says in its metadata that derivator drew it: that is how `doc` knows an existing side
# file (report-plot.pdf) is its own to replace, and that one with another origin needs --force.
MAKER = "derivator"
_MAKER_MARKS = {"pdf": b"/Creator (derivator)", "png": b"tEXtSoftware\x00derivator",
                "svg": b"<dc:title>derivator</dc:title>"}
_MAX_FIGURE_BYTES = 64 * 1024**2


def figure_format(path: str | Path) -> str:
    """svg, png or pdf from the file's suffix, or a one-line error."""
    fmt = Path(path).suffix.lstrip(".").lower()
    if fmt not in PLOT_FORMATS:
        raise DerivatorError(f"cannot write a plot as {Path(path).name!r}", hint="use a .svg, .png or .pdf file name")
    return fmt


def figure_bytes(fig, fmt: str, lang: str) -> bytes:
    """The figure as a file's bytes, with derivator's mark and no dates (committed samples stay
    byte-stable)."""
    import io

    from matplotlib import rc_context

    metadata = {"svg": {"Date": None, "Creator": MAKER}, "png": {"Software": MAKER},
                "pdf": {"CreationDate": None, "Creator": MAKER}}[fmt]
    buffer = io.BytesIO()
    with rc_context(_style(lang)):
        fig.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else None, metadata=metadata)
    return buffer.getvalue()


def save_figure(fig, path: str | Path, lang: str) -> Path:
    """Write a figure through the one atomic writer: a full disk never leaves half an image."""
    from derivator.core.files import atomic_write_bytes

    data = figure_bytes(fig, figure_format(path), lang)
    atomic_write_bytes(path, data)
    return Path(path)


def made_by_derivator(path: str | Path) -> bool:
    """Whether an existing regular file (not a symlink) is a figure derivator drew."""
    import os
    import stat

    mark = _MAKER_MARKS.get(Path(path).suffix.lstrip(".").lower())
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        if mark is None or not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return mark in handle.read(_MAX_FIGURE_BYTES)


def plot(d: Derivation, path: str | Path, *, lang: str = "en", xrange: tuple[float, float] = DEFAULT_RANGE,
         params: dict[str, float] | None = None) -> Path:
    """Draw f and f′ into an SVG, PNG or PDF file (the format is the file's suffix)."""
    figure_format(path)
    return save_figure(figure(d, lang=lang, xrange=xrange, params=params), path, lang)


def svg_text(d: Derivation, *, lang: str = "en", xrange: tuple[float, float] = DEFAULT_RANGE) -> str:
    """The figure as SVG text, as `plot(d, "f.svg")` writes it: the web page shows it without a file."""
    import io

    from matplotlib import rc_context

    fig = figure(d, lang=lang, xrange=xrange)
    buffer = io.StringIO()
    with rc_context(_style(lang)):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def run_plot(expression: str, options: dict) -> str:
    """The `derivator plot` command's work (inside the sandbox): derive, draw, return the file written."""
    from derivator.pipeline import derive

    o = options
    d = derive(expression, o["var"], params=o["params"], at_kink=o["at_kink"])
    d.require_complete()  # a derivative with a part that has no rule cannot be drawn
    return str(plot(d, o["output"], lang=o["lang"], xrange=(o["xmin"], o["xmax"])))


# --- several derivatives on one figure (derivator compare --plot) -----------------------------------

_COMPARE_TITLE = {"en": "Derivatives compared", "ja": "導関数の比較"}
_STYLES = ("-", "--", "-", "-.", "-", ":")
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#000000", "#aec7e8")


def compare_figure(cols: list[Column], *, lang: str = "en", xrange: tuple[float, float] = (-6.0, 6.0)):
    """Every column's f′ on one set of axes (each curve sampled and broken at kinks as in plot())."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(_style(lang)):
        fig = Figure(figsize=(7.5, 4.5), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        low, high = 0.0, 0.0
        for i, c in enumerate(cols):
            curve = curves(c.derivation, xrange=xrange)
            color = _COLORS[i % len(_COLORS)]
            # line styles as well as colours: curves that coincide (step′ and ReLU′ for x < 0) stay visible
            ax.plot(curve.xs, curve.df, color=color, lw=2.0, ls=_STYLES[i % len(_STYLES)], label=f"{c.name}: {curve.df_label}")
            for k in curve.kinks:
                a = float(k.at)
                if xrange[0] < a < xrange[1]:
                    ax.plot([a, a], [float(k.left), float(k.right)], ls="none", marker="o", ms=5, mfc="white",
                            mec=color, mew=1.4, zorder=3)
            finite = curve.df[~_isnan(curve.df)]
            if finite.size:
                low, high = min(low, float(finite.min())), max(high, float(finite.max()))
        pad = 0.08 * ((high - low) or 1.0)
        ax.set_ylim(low - pad, high + pad)
        ax.set_xlim(*xrange)
        ax.set_xlabel(f"${sp.latex(cols[0].derivation.variable)}$")
        ax.set_title(_COMPARE_TITLE.get(lang, _COMPARE_TITLE["en"]))
        ax.grid(True, color="0.9")
        ax.legend(loc="best", frameon=True, fontsize="small")
    return fig


def _isnan(a):
    import numpy as np

    return np.isnan(a)


def plot_overlay(cols: list[Column], path: str | Path, *, lang: str = "en") -> Path:
    figure_format(path)
    return save_figure(compare_figure(cols, lang=lang), path, lang)
