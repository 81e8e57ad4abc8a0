"""Renderers: golden files for sigmoid (read by a person once, then kept), real KaTeX and MathJax for
every math string, unverified steps visible in every format."""

import json
import re
from pathlib import Path

import sys

import pytest

from derivator import catalog
from derivator.pipeline import derive
from derivator.present.dispatch import render
from derivator.present.latex import render_latex
from derivator.present.markdown import render_markdown
from derivator.core.trace import Verification
from validators import katex_errors, mathjax_errors

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))
from regenerate import cases, produce  # noqa: E402  (the one definition of what the golden files hold)

_derivations: dict = {}


@pytest.mark.parametrize("file, name, lang, fmt, flavor", cases(), ids=[c[0] for c in cases()])
def test_golden(file, name, lang, fmt, flavor):
    """sigmoid, tanh, relu, gelu in every format, flavour and language, as a person read them once."""
    assert produce(name, lang, fmt, flavor, _derivations) == (GOLDEN / file).read_text("utf-8")


EXPRESSIONS = [
    "sigmoid", "tanh", "relu", "softplus", "x**2*exp(-x)", "log(1+exp(x))", "x/(1+exp(-x))", "Max(0, x)",
    "x*sigmoid(x)", "x*tanh(log(1+exp(x)))", "x*(1+erf(x/sqrt(2)))/2", "Min(Max(0,x),6)", "Heaviside(x)",
    "x**x", "acosh(x)", "Abs(x)", "sqrt(1+x**2)", "atan(x)", "2**x",
    # parameters kept symbolic (α, λ, β, a < 0 < b): their cases, output forms and the parameters' line
    "elu", "selu", "celu", "swish", "leaky_relu", "hardtanh", "softshrink", "threshold",
]


def _math_strings(text: str) -> list[tuple[str, bool]]:
    display = re.findall(r"^[ \t]*\$\$\n(.*?)\n[ \t]*\$\$$", text, flags=re.S | re.M)
    inline = re.findall(r"\$`(.*?)`\$", text)
    return [(m, True) for m in display] + [(m, False) for m in inline]


@pytest.fixture(scope="module")
def emitted() -> list[tuple[str, bool]]:
    """Every math string the renderers emit for the table above, in both languages."""
    items = []
    for text in EXPRESSIONS:
        d = derive(text)
        for lang in ("en", "ja"):
            items.append((render_latex(d, lang=lang), True))
            items += _math_strings(render_markdown(d, lang=lang))
        data = json.loads(render(d, "json", "en"))
        items += [(s["latex"], True) for s in data["steps"]]
        items += [(p["symbol_latex"], False) for p in data.get("parameters", [])]
        items.append((data["derivative_latex"], True))
    # the extraction itself must have worked: one display per step at least, and inline math too
    assert sum(1 for _, display in items if display) > 6 * len(EXPRESSIONS)
    assert sum(1 for _, display in items if not display) > 2 * len(EXPRESSIONS)
    return items


def test_every_emitted_string_passes_katex(emitted):
    errors = katex_errors(emitted)
    bad = [(tex, err) for (tex, _), err in zip(emitted, errors) if err]
    assert not bad, bad[:3]


def test_every_emitted_string_passes_mathjax(emitted):
    errors = mathjax_errors(emitted)
    bad = [(tex, err) for (tex, _), err in zip(emitted, errors) if err]
    assert not bad, bad[:3]


def test_textbook_typography():
    tex = render_latex(derive("sigmoid"))
    assert r"\sigma(x) \left(1 - \sigma(x)\right)" in tex
    assert r"{\left(x \right)}" not in tex
    assert "e^{-x}" in tex and "e^{- x}" not in tex
    assert r"\text{Chain rule with } {u = 1 + e^{-x}}" in tex


def test_standalone_document_compiles(tmp_path):
    from validators import latex_compile

    ok, log = latex_compile(render_latex(derive("sigmoid"), standalone=True), "pdflatex", tmp_path / "en")
    assert ok, log
    ok, log = latex_compile(render_latex(derive("relu"), standalone=True, lang="ja"), "lualatex", tmp_path / "ja")
    assert ok, log


def test_unverified_step_is_visible_in_every_format():
    d = derive("sigmoid")
    d.steps[2].verification = Verification(ok=False, method=None, note="test")
    assert "NOT VERIFIED" in render_latex(d)
    assert "未検証" in render_latex(d, lang="ja")
    assert "NOT VERIFIED" in render_markdown(d) and "⚠" in render_markdown(d)
    assert "NOT VERIFIED" in render(d, "terminal", "en")
    data = json.loads(render(d, "json", "en"))
    assert data["steps"][2]["verified"] is False and data["verified"] is False


def test_unicode_prints_greek_names_as_letters():
    import sympy as sp

    from derivator.core.printing import to_unicode

    beta, x, alpha_1, lam = sp.symbols("beta x alpha_1 lambda")
    assert to_unicode(beta * x + alpha_1) == "α_1 + β·x"
    assert to_unicode(lam * x) == "λ·x"
    assert to_unicode(sp.Symbol("b") * x) == "b·x"  # other names as written


_x, _y, _q = __import__("sympy").symbols("x y q", real=True)

UNICODE_TABLE = [  # [expression, what a terminal shows]
    ("exp(-x)", "e⁻ˣ"),
    ("x**2 + 1", "x² + 1"),
    ("(1 + exp(-x))**(-2)", "(1 + e⁻ˣ)⁻²"),
    ("1/(1 + exp(-x))", "1/(1 + e⁻ˣ)"),
    ("exp(-x**2/2)", "e^(-x²/2)"),        # a long exponent keeps ^(…): superscripts that long are unreadable
    ("x**q", "x^q"),                      # q has no superscript letter
    ("x**(n-1)", "xⁿ⁻¹"),
    ("sqrt(1 + x**2)", "√(x² + 1)"),
    ("1/sqrt(x)", "1/√x"),
    ("Abs(x)", "|x|"),
    ("Max(0, x)", "max(0, x)"),
    ("pi*x", "π·x"),
    ("Piecewise((0, x <= 0), (x, True))", "{0 (x ≤ 0); x (x > 0)}"),   # no English "otherwise"
    ("Piecewise((-1, x < -1), (x, x <= 1), (1, True))", "{-1 (x < -1); x (-1 ≤ x ≤ 1); 1 (x > 1)}"),  # rows as read
    ("Piecewise((y + 1, (y > -1) & (y < 0)), (1, True))", "{y + 1 (-1 < y < 0); 1 (y ≥ 0 ∨ y ≤ -1)}"),
    ("And(x >= a, b >= x)", "a ≤ x ≤ b"),  # an interval with symbolic bounds, whichever side SymPy put x
]


@pytest.mark.parametrize("text, shown", UNICODE_TABLE)
def test_unicode_math_as_a_terminal_shows_it(text, shown):
    import sympy as sp

    from derivator.core.printing import to_unicode

    expr = sp.sympify(text, locals={"x": _x, "y": _y, "q": _q, "n": sp.Symbol("n")})
    assert to_unicode(expr) == shown


def _kept(expr):
    import sympy as sp

    return sp.UnevaluatedExpr(expr)


NEGATIVE_BASES = [  # (-1)² is 1 and -1² is -1: a negative base keeps its brackets in every printer
    (lambda sp: 1 - sp.Pow(_kept(-1), 2, evaluate=False), "1 - (-1)²", r"1 - \left(-1\right)^{2}"),
    (lambda sp: sp.Pow(_kept(sp.Rational(-1, 2)), 3, evaluate=False), "(-1/2)³", r"\left(-\frac{1}{2}\right)^{3}"),
    (lambda sp: sp.Pow(_kept(-2), -1, evaluate=False), "(-2)⁻¹", r"\left(-2\right)^{-1}"),
    (lambda sp: sp.Pow(_kept(-_x), 2, evaluate=False), "(-x)²", r"\left(-x\right)^{2}"),
    (lambda sp: sp.Pow(-3, sp.S.Half, evaluate=False), "√(-3)", r"\sqrt{-3}"),
    (lambda sp: sp.Add(_x, sp.Mul(-1, _kept(-1), evaluate=False), evaluate=False), "x - (-1)", r"x - \left(-1\right)"),
]


@pytest.mark.parametrize("build, unicode, latex", NEGATIVE_BASES)
def test_a_negative_base_or_term_keeps_its_brackets(build, unicode, latex):
    import sympy as sp

    from derivator.core.printing import to_latex, to_unicode

    expr = build(sp)
    assert (to_unicode(expr), to_latex(expr)) == (unicode, latex)


def test_tanh_facts_write_the_limit_as_a_bracketed_power():
    done = _terminal("tanh", "--facts")
    assert "1 - (-1)²" in done.stdout and "-1²" not in done.stdout


def test_a_name_containing_pi_or_sqrt_is_printed_as_written():
    import sympy as sp

    from derivator.core.printing import to_unicode

    assert to_unicode(sp.Symbol("spin") * sp.Symbol("sqrtx")) == "spin·sqrtx"


def _terminal(*args: str, **env: str):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    environment = {**os.environ, "PYTHONPATH": str(root), "DERIVATOR_NO_CACHE": "1", **env}
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True,
                          env=environment, timeout=120)


def test_no_color_means_no_escape_code_even_on_a_terminal():
    # rich alone keeps bold and dim under NO_COLOR; FORCE_COLOR makes rich believe it writes to a terminal
    coloured = _terminal("relu", FORCE_COLOR="1")
    assert "\x1b[" in coloured.stdout  # the check below would mean nothing if rich never styled at all
    plain = _terminal("relu", FORCE_COLOR="1", NO_COLOR="1")
    assert plain.returncode == 0 and "\x1b" not in plain.stdout and "ReLU′(x)" in plain.stdout


@pytest.mark.parametrize("args", [("selu",), ("tanh", "--lang", "ja"), ("relu", "--facts")])
def test_a_narrow_terminal_wraps_and_never_cuts(args):
    narrow = _terminal(*args, COLUMNS="24")
    assert narrow.returncode == 0, narrow.stderr
    assert "…" not in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 24
    # every character of the wide rendering's math is still there, only moved to other lines
    wide = _terminal(*args, COLUMNS="400")
    assert sorted(wide.stdout.replace(" ", "").replace("\n", "")) == sorted(narrow.stdout.replace(" ", "").replace("\n", ""))


def _condition_holds(tex: str, value: float) -> bool:
    """A rendered cases condition (x < 0, -1 \\leq x \\leq 1, y = 0 \\vee y > 0) at one value of its variable."""
    text = tex.replace(r"\left", "").replace(r"\right", "").replace(r"\leq", "<=").replace(r"\geq", ">=")
    text = re.sub(r"(?<![<>=])=(?!=)", "==", text.replace(r"\vee", " or ").replace(r"\wedge", " and "))
    return bool(eval(re.sub(r"\b[xy]\b", repr(value), text)))  # test-only: derivator's own output, digits and x/y


@pytest.mark.parametrize("name", ["relu", "relu6", "hardtanh", "elu"])
def test_cases_rows_read_as_written_and_no_word_otherwise(name):
    # each row's condition is where that row holds (SymPy tries rows in order: x (x < 6) after 0 (x ≤ 0)
    # means 0 < x < 6), and the last row says where, not "otherwise", in every language
    # at the defaults: the rows are read by evaluating x and y alone (parameters are symbols by default)
    defaults = {p.name: p.default for p in catalog.get(name).params} or None
    text = render_latex(derive(name, params=defaults), lang="ja")
    assert "otherwise" not in text
    blocks = re.findall(r"\\begin\{cases\}(.*?)\\end\{cases\}", text)
    assert blocks, text
    for block in blocks:
        conditions = re.findall(r"& \((.*?)\)\s*(?:\\\\|$)", block.strip())
        assert conditions, block
        for point in (-7, -6, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 6, 7):
            assert sum(_condition_holds(c, point) for c in conditions) <= 1, (block, point)  # rows never overlap


NARRATED = ["sigmoid", "tanh", "relu", "gelu", "softplus", "swish", "elu", "x**(-3)*exp(-x**2/2)", "sqrt(1+x**2)",
            "x**2 + x**3", "log(1+exp(x))", "x*sigmoid(x)", "sin(x)**2", "Abs(x)", "x**x"]


@pytest.mark.parametrize("text", NARRATED)
def test_every_step_is_narrated_not_only_named(text):
    from derivator.core.printing import to_unicode
    from derivator.i18n import rule_name
    from derivator.present.narration import say

    for step in derive(text).steps:
        for lang in ("en", "ja"):
            assert say(step, lang, to_unicode) != rule_name(step.rule, lang), (text, step.rule, lang)
