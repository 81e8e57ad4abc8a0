"""One table row per diagnosis: a derivation with that one slip → its JSON code at the slip's line, and its
words in English and Japanese; and per diagnosis a near miss (two things differ, or the slip is another)
that must not get it. A diagnosis is a verified explanation, never a guess."""

from __future__ import annotations

import re

import pytest

from derivator.check import check_text
from derivator.present.check_report import report_dict

SIGMOID = "$$\\sigma(x) = \\frac{1}{1+e^{-x}}$$\n"

# (derivation, line of the slip, JSON code, words in the English message, words in the Japanese one)
SLIPS = [
    ("$$\\frac{d}{dx}e^{-x} = e^{-x}$$\n", 1, "sign", "Sign error", "符号の誤り"),
    ("$$f(x) = x^2$$\n$$f'(x) = -2x$$\n$$= 2x$$\n", 3, "sign_flip", "sign flips", "符号が反転"),
    ("$$f(x) = x + \\cos x$$\n$$f'(x) = 1 + \\sin x$$\n", 2, "sign_term", "one term", "項の符号"),
    ("$$f(x) = \\sigma(x)$$\n$$f'(x) = \\sigma(x)(1 + \\sigma(x))$$\n", 2, "sign_term", "+ \\sigma(x)", "- \\sigma(x)"),
    ("$$\\frac{d}{dx} x^4 = 4x^4$$\n", 1, "power_exponent", "Power rule", "指数"),
    ("$$\\frac{d}{dx}\\tanh x = 1 + \\tanh^2 x$$\n", 1, "tanh_identity", "derivative of tanh", "双曲線正接"),
    ("$$\\frac{d}{dx}\\tanh(2x) = 2(1 + \\tanh^2(2x))$$\n", 1, "tanh_identity", "derivative of tanh", "双曲線正接"),
    (SIGMOID + "$$\\sigma'(x) = \\frac{e^{-x}}{(1+e^{-x})^2}$$\n$$= \\frac{1 + e^{-x} + 1}{(1+e^{-x})^2}$$\n", 3,
     "add_subtract_split", "+c −c split", "足して引く"),
    ("$$\\sigma'(x) = \\frac{1 + e^{-x} + 1}{(1+e^{-x})^2}$$\n", 1, "add_subtract_split", "“- 1”", "「- 1」"),
    # the split's second part written with the wrong numerator (a real post's slip)
    (SIGMOID + "$$\\sigma'(x) = \\sigma(x)\\left(\\frac{1-1+e^{-x}}{1 + e^{-x}}\\right)$$\n"
     "$$= \\sigma(x)\\left(\\frac{1+e^{-x}}{1 + e^{-x}}-\\frac{e^{-x}}{1 + e^{-x}} \\right)$$\n", 3,
     "add_subtract_split", "“\\frac{1}{1 + e^{-x}}”", "「\\frac{1}{1 + e^{-x}}」"),
    ("$$f(x) = x^3 + 2x$$\n$$f'(x) = x^3 + 2x$$\n", 2, "missing_prime", "the expression itself", "微分する前"),
    ("$$\\frac{d}{dx} \\frac{1}{1+e^{-x}} = -\\frac{1}{(1+e^{-x})^2} (1+e^{-x})$$\n", 1, "missing_prime", "Missing prime", "′ が抜けて"),
    ("$$L = -y \\log p$$\n$$\\frac{dL}{dp} = \\frac{y}{p}$$\n", 2, "dropped_minus", "leading minus", "先頭のマイナス"),
    ("$$f(x) = -x^2 + 3x$$\n$$f'(x) = 2x + 3$$\n", 2, "dropped_minus", "line 1", "1 行目"),
    # only the k = i term of the cross-entropy's sum differentiated (the k ≠ i terms dropped)
    ("$$L = -\\sum_k y_k \\log p_k$$\n$$p_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n"
     "$$\\frac{\\partial L}{\\partial z_i} = -y_i (1 - p_i)$$\n", 3, "dropped_index_term", "other terms dropped", "ほかの項を落として"),
    # the k = i term left out of the right value 2 Σ_k x_k
    ("$$S = \\left(\\sum_k x_k\\right)^2$$\n$$\\frac{\\partial S}{\\partial x_i} = 2 \\sum_{k \\ne i} x_k$$\n", 2,
     "dropped_index_term", "is missing", "がありません"),
    ("$$f(x) = (x^2+3x)^5$$\n$$f'(x) = 5(x^2+3x)^4$$\n", 2, "chain_factor", "chain-rule factor", "連鎖律"),
    ("$$g(x) = \\frac{x^4}{2}$$\n$$g'(x) = 4x^3$$\n", 2, "constant_factor", "constant factor", "定数倍"),
    ("$$f(x) = x^2 \\sin x$$\n$$f'(x) = 2x \\cos x$$\n", 2, "product_rule", "Product rule", "積の微分"),
    ("$$f(x) = \\frac{\\sin x}{x}$$\n$$f'(x) = \\frac{x\\cos x + \\sin x}{x^2}$$\n", 2, "quotient_rule", "quotient rule", "商の微分"),
    ("$$f(x) = (x^2+3x+1)^4$$\n$$f'(x) = 4(x2+3x+1)^3 (2x+3)$$\n", 2, "typo", "typo", "書き誤り"),
    ("$$u = e^{-x}$$\n$$y = u^2$$\n$$\\frac{du}{dx} = -2e^{-2x}$$\n", 3, "wrong_lhs", "left-hand side", "左辺"),
    ("$$f(x) = x^3$$\n$$f'(x) = 3x^3$$\n$$= 3x \\cdot x^2$$\n", 3, "carried", "carries the error of line 2", "2 行目の誤り"),
]


def _diagnosis(text: str, line: int, lang: str) -> dict | None:
    claims = report_dict(check_text(text, "post.md"), lang)["claims"]
    at_line = [c for c in claims if c["line"] == line and (c["status"] == "wrong" or c["follows"] is False)]
    assert at_line, claims
    return at_line[-1]["diagnosis"]


@pytest.mark.parametrize("text, line, code, en, ja", SLIPS, ids=[f"{s[2]}-{i}" for i, s in enumerate(SLIPS)])
def test_a_slip_gets_its_diagnosis_in_both_languages(text, line, code, en, ja):
    english, japanese = _diagnosis(text, line, "en"), _diagnosis(text, line, "ja")
    assert english is not None and english["kind"] == code, english
    assert japanese["kind"] == code and {k: v for k, v in japanese.items() if k != "message"} == \
        {k: v for k, v in english.items() if k != "message"}
    assert en in english["message"] and ja in japanese["message"], (english["message"], japanese["message"])
    for message in (english["message"], japanese["message"]):
        assert not re.search(r"(?<![\w}])\{[a-z_]+\}", message), message  # every placeholder filled
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", japanese["message"])


# (derivation, line, the code it must NOT get): the difference is not that one slip
NEAR_MISSES = [
    # two terms differ: no single sign explains it
    ("$$\\frac{d}{dx} (x^3 - e^{x}) = 3x^3 + e^{x}$$\n", 1, "sign_term"),
    ("$$f(x) = x + \\cos x$$\n$$f'(x) = 2 + \\sin x$$\n", 2, "sign_term"),
    # the exponent is off by one AND the coefficient is wrong
    ("$$\\frac{d}{dx} x^4 = 3x^4$$\n", 1, "power_exponent"),
    # 1 + tanh² times a wrong factor
    ("$$\\frac{d}{dx}\\tanh(2x) = 1 + \\tanh^2(2x)$$\n", 1, "tanh_identity"),
    # the constant pair is +1 +2: reversing one sign does not balance it
    (SIGMOID + "$$\\sigma'(x) = \\frac{e^{-x}}{(1+e^{-x})^2}$$\n$$= \\frac{1 + e^{-x} + 2}{(1+e^{-x})^2}$$\n", 3,
     "add_subtract_split"),
    # the same wrong fraction, but the line before adds and subtracts nothing: no split to have slipped in
    (SIGMOID + "$$\\sigma'(x) = \\sigma(x)\\left(\\frac{e^{-x}}{1 + e^{-x}}\\right)$$\n"
     "$$= \\sigma(x)\\left(\\frac{1+e^{-x}}{1 + e^{-x}}-\\frac{e^{-x}}{1 + e^{-x}} \\right)$$\n", 3,
     "add_subtract_split"),
    # one sign reversed fixes it, but the term is no constant added and subtracted: a plain sign slip
    (SIGMOID + "$$\\sigma'(x) = \\sigma(x)(1 + \\sigma(x))$$\n", 2, "add_subtract_split"),
    # the expression itself times 2 is not the expression
    ("$$f(x) = x^3 + 2x$$\n$$f'(x) = 2x^3 + 4x$$\n", 2, "missing_prime"),
    # no leading minus in the definition: a negated derivative is a sign error, not a dropped minus
    ("$$L = y \\log p$$\n$$\\frac{dL}{dp} = -\\frac{y}{p}$$\n", 2, "dropped_minus"),
    # a leading minus, but dropping it does not give what was written
    ("$$f(x) = -x^2 + 3x$$\n$$f'(x) = 2x + 4$$\n", 2, "dropped_minus"),
    # a sum's term missing, and another term changed too: no one dropped term explains it
    ("$$S = \\left(\\sum_k x_k\\right)^2$$\n$$\\frac{\\partial S}{\\partial x_i} = 2 \\sum_{k \\ne i} x_k + 3 x_i$$\n", 2,
     "dropped_index_term"),
    # a sum of three terms that is no index sum (renumbering does not map its terms onto each other)
    ("$$f(x) = x^3 + x^2 + x$$\n$$f'(x) = 3x^2 + 2x$$\n", 2, "dropped_index_term"),
]


@pytest.mark.parametrize("text, line, code", NEAR_MISSES, ids=[f"{s[2]}-{i}" for i, s in enumerate(NEAR_MISSES)])
def test_a_near_miss_is_not_given_that_diagnosis(text, line, code):
    diagnosis = _diagnosis(text, line, "en")
    assert diagnosis is None or diagnosis["kind"] != code, diagnosis


def test_a_diagnosis_is_verified_not_guessed():
    # -x² + 3x with its derivative negated: G = −E also holds, but the sign slip is not a dropped
    # leading minus (dropping it gives 2x + 3): the diagnosis is the one that reproduces the line exactly
    diagnosis = _diagnosis("$$f(x) = -x^2 + 3x$$\n$$f'(x) = 2x - 3$$\n", 2, "en")
    assert diagnosis is not None and diagnosis["kind"] == "sign"
