"""Hostile surroundings (issue 10): each scenario of tests/hostile/scenarios.py is a test.

A scenario runs the real command line in a scratch folder and fails on its own expectations, and on any
traceback, internal error, hang, file touched outside the outputs, or injected code that ran. The same
scenarios, counted, are part of `python bench/hostile.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "hostile"))
import scenarios  # noqa: E402


def _params():
    for name in scenarios.names():
        marks = [pytest.mark.slow] if scenarios.is_slow(name) else []
        yield pytest.param(name, id=f"f{scenarios.SCENARIOS[name][0]}-{name}", marks=marks)


@pytest.mark.parametrize("name", list(_params()))
def test_scenario(name):
    outcome = scenarios.run_scenario(name)
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert not outcome.problems, "\n".join(outcome.problems)
