"""Fuzzing `check` on text (hypothesis): any document is judged or refused in one line; a claim is never
reported wrong without a counterexample or a diagnosis; nothing runs longer than the time limit."""

from __future__ import annotations

from fuzzing import DOC_PIECES, LATEX_TOKENS, time_limit, token_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivator.check import check_text
from derivator.check.report import STATUSES
from derivator.core.errors import DerivatorError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
documents = st.lists(st.one_of(st.sampled_from(DOC_PIECES), token_text(LATEX_TOKENS, max_size=8)), max_size=30).map("".join)


def _check(text: str):
    with time_limit(10):
        try:
            return check_text(text, "fuzz.md")
        except DerivatorError as err:
            assert "\n" not in str(err)
            return None


@SETTINGS
@given(documents)
def test_documents(text):
    report = _check(text)
    if report is None:
        return
    lines = text.count("\n") + 1
    for claim in report.claims:
        assert claim.status in STATUSES
        assert 1 <= claim.line <= lines, (claim.line, lines)
        if claim.status == "wrong":
            assert claim.counterexample or claim.diagnosis or claim.expected, claim
        if claim.status == "unchecked":
            assert claim.reason is not None, claim


@SETTINGS
@given(st.text(max_size=300))
def test_any_unicode(text):
    _check(text)
