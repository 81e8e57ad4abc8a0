"""Shared pieces of the fuzz tests (tests/test_fuzz_*.py) and bench/fuzz_atheris.py: token alphabets that
reach deep into each parser, and the contract every reading path must keep on any input."""

from __future__ import annotations

import re
import signal
from contextlib import contextmanager

from hypothesis import strategies as st

from derivator.core.errors import DerivatorError

POSITION = re.compile(r"\bat (column|line) \d+")

TEXT_TOKENS = [
    "x", "y", "beta", "2", "0.5", "1e308", "10**29", "9", "pi", "E", "e", "(", ")", "(", ")", "+", "-", "*", "/",
    "**", "^", ",", " ", "<", ">", "<=", "==", "!=", "&", "|", "~", "not ", " and ", "exp(", "log(", "sqrt(",
    "sin(", "tanh(", "Abs(", "Max(", "Min(", "Heaviside(", "erf(", "sigmoid(", "softplus(", "Piecewise((",
    ", True)", "Eq(", "__class__", "__import__", ".", "'", "[", "]", ":", "lambda", "\x00", "\u2212", "σ",
    "9**9**9", "0x", "_", "1j", "@", "\\", "{", "}",
]
LATEX_TOKENS = [
    "x", "y", "u", "2", "9", "e", "\\pi", "(", ")", "{", "}", "^", "_", "+", "-", "=", "&", "\\\\", "'", "!",
    "\\frac{", "\\dfrac{", "\\sqrt{", "\\sqrt[", "]", "\\left(", "\\right)", "\\left|", "\\right|", "\\cdot",
    "\\times", "\\sigma", "\\tanh", "\\exp", "\\log", "\\ln", "\\max", "\\operatorname{", "\\mathrm{",
    "\\text{", "ReLU", "d", "dx", "\\frac{d}{dx}", "\\frac{dy}{dx}", "\\partial", "\\begin{cases}",
    "\\end{cases}", "\\begin{aligned}", "\\end{aligned}", "\\,", "\\;", "\\quad", "\u2212", "\u2032", "・",
    "\\def", "\\input{/etc/passwd}", "\\write18{", "9^{9^{9}}", "\\infty", "\\lim", "\\sum", "\\int", "|",
    "<", "\\le", "\\ge", "\\neq", ",", ".", " ", "\\", "%", "$", "#",
]
DOC_PIECES = [
    "$$", "$", "\\[", "\\]", "\\(", "\\)", "```math\n", "```\n", "$latex ", "[tex:", "]", "\n", "\n\n", " ",
    "\\begin{align*}\n", "\\end{align*}\n", "\\begin{equation}", "\\end{equation}", "&=", "\\\\\n",
    "f(x) = ", "f'(x) = ", "u = ", "\\frac{du}{dx} = ", "y = ", "dy/dx = ", "= ", "\\sigma(x) = ",
    "\\frac{1}{1+e^{-x}}", "e^{-x}", "x^2", "(x^2+3x+1)^4", "\\sigma(x)(1-\\sigma(x))", "プロズ",
    "prose. ", "<!-- ", " -->", "`code $x$`", "%comment\n", "\\%", "\\$",
]


def token_text(tokens: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    """Strings glued from tokens, with some raw characters mixed in."""
    piece = st.one_of(st.sampled_from(tokens), st.text(min_size=1, max_size=3))
    return st.lists(piece, max_size=max_size).map("".join)


@contextmanager
def time_limit(seconds: int):
    """Fail an example that runs longer than `seconds` (SIGALRM; Python-level work only)."""

    def expired(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_one_line(err: DerivatorError, *, position: bool) -> None:
    message = str(err)
    assert message and "\n" not in message, repr(message)
    if position:
        assert POSITION.search(message), message
