"""Seed 001 (a real Japanese post) checked in full, and every seed post read without a crash.

Line numbers are those of tests/fixtures/check/seed_001.txt, read by hand.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from derivator.check import check_file

FIXTURES = Path(__file__).parent / "fixtures" / "check"
SEED = FIXTURES / "seed_001.txt"


@pytest.fixture(scope="module")
def report():
    return check_file(str(SEED))


def by_line(report, line):
    return [c for c in report.claims if c.line == line]


def test_sign_error_in_du_dx(report):
    (claim,) = by_line(report, 129)  # \frac{du}{dx}=e^{−x}
    assert claim.status == "wrong"
    assert claim.diagnosis.kind == "sign"
    assert claim.expected == "-e^{-x}"


def test_silent_sign_flip_does_not_follow(report):
    (claim,) = by_line(report, 143)  # f′(x)=\frac{e^{−x}}{(1+e^{−x})}・\frac{1}{(1+e^{−x})}
    assert claim.status == "ok"  # right again …
    assert claim.follows is False  # … only because the minus sign of line 139 was dropped
    assert claim.previous_line == 139
    assert claim.diagnosis.kind == "sign_flip"
    assert claim.diagnosis.params["cancels"] == 129


def test_lines_carrying_the_sign_error(report):
    for line in (136, 139):
        (claim,) = by_line(report, line)
        assert claim.status == "wrong" and claim.follows is True
        assert claim.diagnosis.kind == "carried" and claim.diagnosis.params["line"] == 129


def test_typo_x2(report):
    (claim,) = by_line(report, 58)  # =4(x2+3x+1)^{3}(2x+3)
    assert claim.status == "wrong"
    assert claim.diagnosis.kind == "typo"
    assert claim.diagnosis.params == {"written": "x2", "meant": "x^{2}"}


def test_du_dx_that_should_be_dy_dx(report):
    (claim,) = by_line(report, 97)  # \frac{du}{dx}=-e^{-2x}・e^{x}
    assert claim.status == "wrong"
    assert claim.diagnosis.kind == "wrong_lhs"
    assert claim.diagnosis.params["should"] == r"\frac{dy}{dx}"
    for carried in by_line(report, 100):  # =-e^{-2x+1x}=-e^{-x}
        assert carried.follows is True and carried.diagnosis.kind == "carried"


def test_first_error_and_exit_code(report):
    assert report.first_error_line == 58
    assert report.exit_code == 1


def test_every_other_line_right_or_unchecked_with_reason(report):
    errors = {58, 97, 100, 129, 136, 139, 143}
    for claim in report.claims:
        if claim.line in errors:
            continue
        assert claim.status in ("ok", "unchecked"), (claim.line, claim.text)
        assert claim.follows is not False, (claim.line, claim.text)
        if claim.status == "unchecked":
            assert claim.reason is not None
    # the general chain rule before any definition is the one line left unchecked
    unchecked = [c.line for c in report.claims if c.status == "unchecked"]
    assert unchecked == [27]
    assert len(report.claims) >= 40


def test_chain_rule_lines_judged(report):
    expected_ok = {
        43: "ok",  # dy/du = 4u^3 with y = u^4
        47: "ok",  # du/dx = 2x+3
        52: "ok",  # dy/dx = dy/du · du/dx
        55: "ok",  # = 4u^3(2x+3)
        89: "ok",  # y' = -u^{-2}: y' is dy/du after y = u^{-1}
        93: "ok",  # y' = -e^{-2x}
        121: "ok",  # f'(x) = f'(u) du/dx
        167: "ok",  # f'(x) = (1 - f(x)) f(x)
    }
    for line, status in expected_ok.items():
        claims = by_line(report, line)
        assert claims and all(c.status == status for c in claims), line


SEEDS = sorted(FIXTURES.glob("seed_*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_every_seed_reads_without_crash(path):
    report = check_file(str(path))
    assert report.error is None
    for claim in report.claims:
        assert claim.status in ("ok", "wrong", "unchecked")
        assert claim.status != "unchecked" or claim.reason is not None


def test_seed_001_in_process_is_fast():
    check_file(str(SEED))  # warm imports
    start = time.process_time()
    check_file(str(SEED))
    assert time.process_time() - start < 1.5
