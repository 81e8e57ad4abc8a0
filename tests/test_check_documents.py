"""Judging whole documents: correct derivations in every syntax pass clean; each planted error is found
at its line with its diagnosis; lines check cannot understand are unchecked with a reason, never wrong.

Expected lines and kinds below were read off the fixture files by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derivator.check import check_file, check_text

FIXTURES = Path(__file__).parent / "fixtures" / "check"

CLEAN = [
    ("ok_github.md", 6),  # $$, aligned rows, $…$, $`…`$; code and prices ignored
    ("ok_math_fence.md", 3),
    ("ok_brackets.md", 4),
    ("ok_latex.tex", 6),
    ("ok_wordpress.txt", 2),
    ("ok_hatena.md", 2),
    ("ok_plain.txt", 3),
    ("ok_loss.md", 1),  # ∂L/∂z with the label y a constant
    ("ok_relu_gelu.md", 4),  # ReLU with cases, GELU with Φ and φ from the catalog, a stated domain
]


@pytest.mark.parametrize("name, min_ok_claims", CLEAN)
def test_correct_derivations_pass(name, min_ok_claims):
    report = check_file(str(FIXTURES / name))
    assert report.error is None
    flagged = [(c.line, c.text, c.status, c.follows) for c in report.claims if c.is_error]
    assert flagged == []
    unchecked = [(c.line, c.text, c.reason) for c in report.claims if c.status == "unchecked"]
    assert unchecked == []
    claims = [c for c in report.claims if c.kind == "claim" and c.status == "ok"]
    assert len(claims) >= min_ok_claims
    assert report.exit_code == 0


PLANTED = [
    # file, first wrong line, diagnosis kind, a parameter the diagnosis must carry
    ("err_sign_wordpress.txt", 3, "sign", None),
    ("err_chain_latex.tex", 10, "chain_factor", ("factor", "2 x + 3")),
    ("err_constant_brackets.md", 3, "constant_factor", ("factor", "2")),
    ("err_product_plain.txt", 2, "product_rule", ("variant", "product")),
    ("err_product_missing.md", 3, "product_rule", ("variant", "missing")),
    ("err_quotient_fence.md", 2, "quotient_rule", ("variant", "plus")),
    ("err_wrong_lhs.md", 7, "wrong_lhs", ("should", r"\frac{dy}{dx}")),
    ("err_typo_hatena.md", 5, "typo", ("written", "x2")),
    ("err_cancel.md", 5, "sign", None),
    ("err_identity_paren.md", 1, "sign", None),
]


@pytest.mark.parametrize("name, line, kind, param", PLANTED)
def test_planted_error_found_at_its_line(name, line, kind, param):
    report = check_file(str(FIXTURES / name))
    assert report.first_error_line == line
    assert report.exit_code == 1
    first = next(c for c in report.claims if c.is_error)
    assert first.diagnosis is not None and first.diagnosis.kind == kind
    if param is not None:
        key, value = param
        assert first.diagnosis.params[key] == value


def test_errors_that_cancel():
    report = check_file(str(FIXTURES / "err_cancel.md"))
    by_line = {c.line: c for c in report.claims}
    assert by_line[5].status == "wrong"  # du/dx = e^{-x}
    assert by_line[10].status == "wrong" and by_line[10].diagnosis.kind == "carried"
    assert by_line[10].diagnosis.params["line"] == 5
    last = by_line[14]  # right again, but only because the sign was dropped
    assert last.status == "ok" and last.follows is False
    assert last.diagnosis.kind == "sign_flip"
    assert last.diagnosis.params["cancels"] == 5


def test_unknown_things_are_unchecked_with_a_reason():
    report = check_file(str(FIXTURES / "ok_unchecked.md"))
    assert report.exit_code == 0
    assert report.claims, "each line is reported"
    for claim in report.claims:
        assert claim.status == "unchecked", claim.text
        assert claim.reason is not None and claim.reason.kind


DOCUMENTS = [
    # (text, {line: expected status or (status, follows)})
    ("$$f(x) = x^3$$\n$$f'(x) = 3x^2$$\n$$f''(x) = 6x$$", {2: "ok", 3: "ok"}),
    ("$$f(x) = x^3$$\n$$f''(x) = 3x$$", {2: "wrong"}),
    ("$$\\sigma'(z) = \\sigma(z)(1-\\sigma(z))$$", {1: "ok"}),  # catalog σ, not defined in the text
    ("$$\\frac{d}{dx}\\tanh x = 1 - \\tanh^2 x$$", {1: "ok"}),
    ("$$\\frac{d}{dx}\\tanh x = 1 + \\tanh^2 x$$", {1: "wrong"}),
    ("$$y = x^2$$\n$$y' = 2x$$", {2: "ok"}),
    ("$$u = 3x$$\n$$y = u^2$$\n$$y' = 2u$$\n$$\\frac{dy}{dx} = 6u$$", {3: "ok", 4: "ok"}),  # y' = dy/du
    ("$$u = x^2$$\n$$f(x) = \\sin u$$\n$$f'(u) = \\cos u$$", {3: "ok"}),  # chain-rule notation
    ("$$u = x^2$$\n$$f(x) = \\sin u$$\n$$f'(x) = \\cos u$$", {3: "wrong"}),
    ("$$u = x+1$$\n$$u(u-1) = x^2 + x$$", {2: "ok"}),  # u(…) after u = … is a product
    ("$$e^{i} = e^{i}$$", {1: "ok"}),
    ("$$a = b = c$$", {}),  # definitions a := b, and then b = c is a claim between undefined symbols
    ("$$f(x) = x^2 \\\\ = x \\cdot x$$", {1: "ok"}),
    ("$$\\frac{d}{dx}\\left(x^2 + 1\\right)^{3} = 6x(x^2+1)^2$$", {1: "ok"}),
    ("$$\\left.\\frac{d}{dx}x^3\\right|_{x=2} = 12$$", {1: "ok"}),
    ("$$\\frac{d^2}{dx^2}e^{-x^2} = (4x^2-2)e^{-x^2}$$", {1: "ok"}),
    ("$$\\frac{\\partial}{\\partial w}(wx+b)^2 = 2x(wx+b)$$", {1: "ok"}),
    ("$$\\frac{\\partial}{\\partial w}(wx+b)^2 = 2(wx+b)$$", {1: "wrong"}),
    ("$$\\sqrt{x^2} = x$$", {1: "wrong"}),
    ("$$\\sqrt{x^2} = x, \\quad x > 0$$", {1: "ok"}),
    ("$$\\log(xy) = \\log x + \\log y \\quad (x > 0)$$", {}),  # y unconstrained: no verdict required
    ("$$x = \\log\\frac{y}{1-y}$$", {}),
    ("$$y = \\sigma(x)$$\n$$x = \\log\\frac{y}{1-y}$$", {2: "ok"}),  # a claim about the variable
    # catalog functions used without a definition: parameter-free ones only
    ("$$\\mathrm{ReLU6}'(x) = 1 \\quad (0 < x < 6)$$", {1: "ok"}),
    ("$$\\mathrm{Softsign}'(x) = \\frac{1}{(1+|x|)^2}$$", {1: "ok"}),
    ("$$\\mathrm{Softsign}'(x) = \\frac{1}{(1+x)^2}$$", {1: "wrong"}),
    ("$$\\mathrm{ELU}'(x) = \\alpha e^{x} \\quad (x<0)$$", {1: "unchecked"}),  # α: ELU must be defined
    ("$$\\mathrm{Swish}'(x) = \\sigma(\\beta x) + \\beta x\\sigma'(\\beta x)$$", {1: "unchecked"}),
]


@pytest.mark.parametrize("text, expected", DOCUMENTS)
def test_notation(text, expected):
    report = check_text(text, "doc.md")
    got = {c.line: c.status for c in report.claims if c.kind == "claim"}
    for line, status in expected.items():
        assert got.get(line) == status, (line, [(c.line, c.text, c.status, c.reason) for c in report.claims])


def test_json_like_fields_of_a_wrong_line():
    report = check_text("$$\\frac{d}{dx}e^{-x} = e^{-x}$$", "doc.md")
    (claim,) = report.claims
    assert claim.status == "wrong"
    assert claim.expected == "-e^{-x}"
    assert set(claim.counterexample) == {"x", "lhs", "rhs"}
    # the counterexample really is one: lhs = -rhs there
    assert float(claim.counterexample["lhs"]) == pytest.approx(-float(claim.counterexample["rhs"]))


def test_never_wrong_from_not_understanding():
    texts = [
        "$$\\frac{dy}{dx} = 2x$$",  # y never defined
        "$$f'(x) = 2x$$",
        "$$\\nabla L = 0$$",
        "$$A \\odot B = C$$",
        "$$\\mathbf{W}^\\top x = y$$",
        "$$\\text{loss} = \\frac{1}{n}$$",
        "$$\\frac{d}{dx} = 0$$",
    ]
    for text in texts:
        report = check_text(text, "doc.md")
        assert not any(c.status == "wrong" for c in report.claims), (text, report.claims)


REAL_POST_STYLES = [
    # backprop with partial derivatives through intermediates
    ("$$z = wx + b$$\n$$a = \\sigma(z)$$\n$$L = \\frac{1}{2}(a - t)^2$$\n"
     "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial a}\\frac{\\partial a}{\\partial z}"
     "\\frac{\\partial z}{\\partial w} = (a - t)\\,\\sigma(z)(1-\\sigma(z))\\,x$$\n"
     "$$\\therefore \\frac{\\partial L}{\\partial b} = (a-t)\\,a(1-a)$$", 3),
    # bare function arguments followed by brackets; primes on brackets
    ("\\[ (\\tanh x)' = \\frac{(\\sinh x)'\\cosh x - \\sinh x(\\cosh x)'}{\\cosh^2 x} = \\frac{1}{\\cosh^2 x} \\]", 2),
    ("$$L = -\\left(y \\log \\sigma(z) + (1-y)\\log(1-\\sigma(z))\\right)$$\n$$\\frac{d L}{d z} = \\sigma(z) - y$$", 1),
    ("$$\\frac{d}{dx}\\log f(x) = \\frac{f'(x)}{f(x)} \\quad (f(x) = x^2 + 1)$$", 0),
    ("$$f(x) = x^2 \\quad \\text{(定義)}$$\n$$f'(x) = 2x \\qquad \\text{for all } x$$", 1),
]


@pytest.mark.parametrize("text, ok_claims", REAL_POST_STYLES)
def test_real_post_styles_have_no_false_alarm(text, ok_claims):
    report = check_text(text, "post.md")
    assert not any(c.is_error for c in report.claims), [(c.line, c.text, c.status) for c in report.claims]
    assert sum(c.status == "ok" and c.kind == "claim" for c in report.claims) >= ok_claims
