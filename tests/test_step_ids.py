"""Step ids have one home (derivator.core.step_ids) and words in every language: a test per way that
can go wrong — an id without words, words without an id, a step recorded with an id from elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from derivator.core.step_ids import StepId
from derivator.core.trace import walk
from derivator.i18n import LANGS, catalog

PACKAGE = Path(__file__).resolve().parent.parent / "derivator"


def words(lang: str) -> dict:
    # one language's own tables, not derivator.i18n.t: t falls back to English, which would hide a
    # missing translation
    return catalog(lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", ["name", "say"])
def test_every_step_id_has_words(lang, table):
    have = words(lang)[table]
    missing = [s.value for s in StepId if not str(have.get(s.i18n_key, "")).strip()]
    assert not missing, f"i18n/{lang}/narration.toml [{table}] has no words for {missing}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", ["name", "say"])
def test_no_words_without_a_step_id(lang, table):
    orphans = set(words(lang)[table]) - {s.i18n_key for s in StepId}
    assert not orphans, f"i18n/{lang}/narration.toml [{table}] has words for ids not in StepId: {sorted(orphans)}"


def _step_calls() -> list[tuple[str, int, ast.expr]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Step" and node.args:
                calls.append((str(path.relative_to(PACKAGE)), node.lineno, node.args[0]))
    return calls


def test_no_step_is_recorded_with_an_id_written_in_place():
    """A string literal as a step's rule bypasses the registry (and its words). Facts keep their own
    ids (facts.*, with words under [facts.name] and [facts.say])."""
    calls = _step_calls()
    assert len(calls) > 8  # the scan found the places that record steps
    written = [(f, line) for f, line, arg in calls if isinstance(arg, (ast.Constant, ast.JoinedStr))
               and f != "analysis/facts.py"]
    assert not written, f"steps recorded with a literal id instead of a StepId: {written}"


@pytest.mark.parametrize("text, order", [("sigmoid", 1), ("relu", 1), ("swish", 1), ("gelu", 1), ("sigmoid", 2),
                                         ("x**x + Max(x, beta)", 1), ("sinc", 1)])
def test_every_recorded_step_is_a_registered_id(text, order):
    from derivator.pipeline import derive

    d = derive(text, order=order)
    rules = [s.rule for s in walk(d.steps) + walk(d.output_steps)]
    rules += [r for s in walk(d.steps) for r in s.params.get("rules", [])]
    assert rules and all(isinstance(r, StepId) for r in rules), [r for r in rules if not isinstance(r, StepId)]


# the softmax derivations take seconds each: bce is the quick one
@pytest.mark.parametrize("loss", ["bce", *(pytest.param(n, marks=pytest.mark.slow) for n in ("mse", "softmax", "softmax_ce"))])
def test_loss_steps_are_registered_ids(loss):
    from derivator.analysis.losses import LOSSES

    assert all(isinstance(s.rule, StepId) for s in walk(LOSSES[loss]().steps))
