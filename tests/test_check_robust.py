"""check survives any document: random LaTeX fragments, hostile files; no crash, nothing slow, and a line
it cannot understand is never reported wrong."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivator.check import check_file, check_text
from derivator.core.errors import DerivatorError

FRAGMENTS = [
    r"\frac{", "}{", "}", "{", "x", "y", "u", "f(x)", "f'(x)", "=", "&=", r"\\", "^", "_", "2", "-", "+",
    r"\sigma", "(", ")", r"\left(", r"\right)", "e^{-x}", r"\sqrt{", r"\begin{cases}", r"\end{cases}", "&",
    r"\begin{aligned}", r"\end{aligned}", "$$", "$", r"\[", r"\]", r"\(", r"\)", "[tex:", "]", "$latex ", "\n",
    "\n\n", " ", "'", "′", "−", "・", r"\frac{d}{dx}", r"\frac{dy}{dx}", r"\partial", "|", r"\max(0,", r"\log",
    r"\text{if }", ">", r"\le", "0", "9^{9^{9}}", r"\exp", "!", ",", r"\quad", "dy/dx", "((((", "))))",
    r"\mathrm{d}", r"\operatorname{ReLU}", "y'", "u’", "%", "```", "```math\n", "`", r"\tanh", "x2", r"\cdot",
    ":=", r"\approx", "&&", r"\text{(}", r"\text{)}", r"\left.", r"\right|_{x=0}", r"\def\a{\a}", r"\input{/etc/passwd}",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=50), st.booleans())
def test_random_documents(parts, wrap):
    doc = "".join(parts)
    if wrap:
        doc = "$$" + doc + "$$"
    start = time.process_time()  # CPU seconds of this process: load elsewhere does not count
    try:
        report = check_text(doc, "fuzz.md")
    except DerivatorError:
        return
    assert time.process_time() - start < 5
    for claim in report.claims:
        assert claim.status in ("ok", "wrong", "unchecked")
        if claim.status == "unchecked":
            assert claim.reason is not None
        if claim.status == "wrong":
            assert claim.expected is not None and claim.counterexample


HOSTILE = [
    "$$" + "(" * 5000 + "x" + ")" * 5000 + " = 1$$",
    "$$x^{" * 2000 + "$$",
    "$$9^{9^{9}} = 1$$",
    "$$f(x) = 9^{9^{9}}$$\n$$f'(x) = 0$$",
    "$$\\def\\a{\\a}\\a = 1$$",
    "$$\\input{/etc/passwd} = 1$$",
    "$$" + "x+" * 20_000 + "x = 1$$",
    "$" * 50_000,
    "\\[" + "\\frac{1}{" * 3000 + "\\]",
    "$$\\max(0, \\sin(e^{e^{12}})) = 0$$",
    "$$x = " + "9" * 100 + "$$",
    "$$\\frac{d^{9}}{dx^{9}} e^{e^{e^{x}}} = 0$$",
    ("$$a = b$$\n" * 3000),
]


@pytest.mark.parametrize("doc", HOSTILE, ids=lambda d: repr(d[:24]))
def test_hostile_documents(doc):
    start = time.process_time()  # CPU seconds of this process: load elsewhere does not count
    report = check_text(doc, "hostile.md")
    assert time.process_time() - start < 10
    assert not any(c.status == "wrong" for c in report.claims if "9^{9" in c.text or "\\input" in c.text)


@pytest.mark.parametrize("data", [b"", b"\x00\x01binary", b"\xff\xfe\xfd", "é".encode("latin-1")])
def test_unreadable_files(tmp_path, data):
    path = tmp_path / "post.md"
    path.write_bytes(data)
    report = check_file(str(path))
    if data:
        assert report.error is not None and report.exit_code == 2
        assert "\n" not in report.error
    else:
        assert report.error is None and report.claims == [] and report.exit_code == 0


def test_directory_is_unreadable(tmp_path):
    report = check_file(str(tmp_path))
    assert report.exit_code == 2


@pytest.mark.parametrize("doc", [
    # a piecewise right side judged piece by piece, and a rule over free functions judged by instances
    "$$f(z) = \\max(0, z)$$\n$$\\frac{df}{dz} = \\begin{cases} 1 & \\text{if } z > 0 \\\\ 1 & \\text{if } z \\le 0 \\end{cases}$$\n",
    "$$\\left( \\frac{g}{h} \\right)' = \\frac{g' h + g h'}{h^2}$$\n",
])
def test_every_wrong_line_says_the_right_value_and_a_counterexample(doc):
    wrong = [c for c in check_text(doc, "p.md").claims if c.status == "wrong"]
    assert wrong
    assert all(c.expected is not None and c.counterexample for c in wrong)
