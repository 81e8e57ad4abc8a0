"""Round trip: everything derivator writes checks clean with `derivator check` — every catalog entry, in
LaTeX and in every Markdown flavour, in both languages, with and without facts. A checker that rejects
the tool's own verified output would cry wolf on every post that quotes it."""

from __future__ import annotations

import pytest

from derivator.analysis.facts import facts as derive_facts
from derivator.catalog import entries
from derivator.check import check_text
from derivator.pipeline import derive
from derivator.present.dispatch import render, render_with_facts
from derivator.present.flavors import FLAVORS

NAMES = [e.name for e in entries()]
QUICK = {"sigmoid", "tanh", "relu", "log_sigmoid"}


def _problems(text: str, name: str) -> list[tuple]:
    report = check_text(text, name)
    return [(c.line, c.text, c.status, c.follows) for c in report.claims if c.is_error]


@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n in QUICK else pytest.mark.slow) for n in NAMES])
def test_every_format_flavour_and_language_checks_clean(name):
    d = derive(name)
    for lang in ("en", "ja"):
        documents = {"latex": render(d, "latex", lang)}
        documents |= {flavor: render(d, "markdown", lang, flavor=flavor) for flavor in FLAVORS}
        for label, text in documents.items():
            assert _problems(text, f"{name}.md") == [], (lang, label)


@pytest.mark.parametrize("name", ["sigmoid", pytest.param("tanh", marks=pytest.mark.slow),
                                  pytest.param("relu", marks=pytest.mark.slow),
                                  pytest.param("hard_tanh", marks=pytest.mark.slow)])
def test_facts_check_clean(name):
    # facts state values at kinks (ReLU′(0) = 0 by PyTorch's convention) and where f′ = 0 is solved:
    # neither is a claim to call wrong
    d = derive(name)
    facts = derive_facts(d)
    for lang in ("en", "ja"):
        text = render_with_facts(d, facts, "markdown", lang)
        assert _problems(text, f"{name}.md") == [], lang
