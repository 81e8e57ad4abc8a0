"""Japanese output has no English in it: once the math is taken out, no Latin word is left but proper
names (PyTorch, Gruntz), identifiers (threshold_backward, torch.heaviside, negative_slope) and the names
of functions as math writes them (tanh, ReLU, max).

Two checks: every Japanese word derivator has (the i18n catalog, the catalog's Japanese texts), and what
every command family prints with --lang ja over representative catalog entries in each text format."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from derivator import catalog
from derivator.i18n import catalog as words_of

PROPER_NAMES = {"PyTorch", "Keras", "TensorFlow", "ClipByValue", "Gruntz", "derivator", "LaTeX", "Markdown",
                "NumPy", "JAX", "Python", "Leaky"}
# function names as math writes them, in the terminal's Unicode math (ReLU(x), log u, lim_{x→∞}, d/dx)
MATH_WORDS = {"max", "min", "exp", "log", "erf", "erfc", "sin", "cos", "tan", "atan", "asin", "acos", "tanh", "sinh",
              "cosh", "atanh", "asinh", "acosh", "sign", "sgn", "lim", "sup", "inf",
              "dx", "dy", "dz", "dL", "id", "uv", "fg", "ab"}  # and products of letters: (uv)′, δ_ab
# the math of each format: a LaTeX preamble, display blocks, inline spans, code, LaTeX commands
_MATH = [r"\A.*?\\begin\{document\}", r"\$\$.*?\$\$", r"\$.*?\$", r"\\\[.*?\\\]", r"\\\(.*?\\\)", r"```.*?```", r"`[^`\n]*`",
         r"\\begin\{(aligned|align\*?|equation\*?|lstlisting|verbatim)\}.*?\\end\{\1\}", r"\\[A-Za-z]+\*?",
         r"\{[a-z_]+\}"]  # and a template's {placeholder}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*")


def _catalog_names() -> set[str]:
    names = set()
    for e in catalog.entries():
        names |= {e.name, e.unicode_name or e.name, *e.aliases, *(p.name for p in e.params)}
    return names


def latin_words(text: str) -> set[str]:
    """The Latin words of a text once its math is gone, less the allowed ones."""
    text = re.sub(r"<[^>]+>", " ", text.replace("\\_", "_"))  # Markdown's and LaTeX's escaped _, HTML tags
    for pattern in _MATH:
        text = re.sub(pattern, " ", text, flags=re.S)
    allowed = {w.lower() for w in PROPER_NAMES | MATH_WORDS | _catalog_names()}
    found = set()
    for m in _WORD.finditer(text):
        word = m.group()
        identifier = "_" in word or "." in word
        applied = text[m.end():m.end() + 1] == "("  # f(x) in Unicode math
        if len(word) > 1 and not identifier and not applied and word.lower() not in allowed:
            found.add(word)
    return found


def _strings(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}".lstrip("."))
    elif isinstance(node, str):
        yield path, node


# the web page's words: a syntax named for what it is (SymPy's spelling), and example inputs
# messages on stderr, where naming an option is what the reader needs
TOOL_HINTS = {"doc.plot_hint"}
_OPTION = r"--[a-z][a-z-]*"
WEB_NAMES = {"SymPy", "sigmoid", "frac", "alpha", "beta", "LaTeX", "JSON", "Markdown", "md", "tex", "txt", "Web"}


def test_every_japanese_message_is_japanese():
    leaks = {}
    for key, text in _strings(words_of("ja")):
        if key in TOOL_HINTS:
            text = re.sub(_OPTION, " ", text)
        found = latin_words(text) - (WEB_NAMES if key.startswith("web.") else set())
        if found:
            leaks[key] = sorted(found)
    assert leaks == {}


def test_every_kink_convention_has_its_japanese_words():
    for e in catalog.entries():
        for b in e.breakpoints:
            assert bool(b.convention_source) == bool(b.convention_source_ja), (e.name, b.at)
            assert latin_words(b.convention_source_ja) == set(), (e.name, b.convention_source_ja)


ENTRIES = ("sigmoid", "tanh", "relu", "gelu", "elu", "leaky_relu", "hard_tanh", "step")
CHECKED = "tests/fixtures/check/err_chain_latex.tex"


def _commands():
    for name in ENTRIES:
        for fmt in ("terminal", "markdown", "latex"):
            yield (name, "--format", fmt)
        yield (name, "--facts")
    yield ("compare", "sigmoid", "relu", "step")
    yield ("compare", "sigmoid", "relu", "--format", "markdown")
    yield ("loss", "bce")
    yield ("loss", "softmax", "--format", "markdown")
    yield ("check", CHECKED)
    yield ("check", CHECKED, "--format", "markdown")
    yield ("list",)
    yield ("doc", "relu", "--facts")
    yield ("doc", "sigmoid", "--template", "blog")


@pytest.mark.slow
@pytest.mark.parametrize("args", list(_commands()), ids=" ".join)
def test_japanese_output_has_no_english(args):
    done = subprocess.run([sys.executable, "-m", "derivator", *args, "--lang", "ja"], capture_output=True,
                          text=True, timeout=300, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert done.returncode in (0, 1), done.stderr
    # a hint on stderr may name the option it means (--output)
    hints = re.sub(_OPTION, " ", done.stderr)
    assert latin_words((done.stdout + hints).replace("\\_", "_").replace(CHECKED, " ")) == set()
