"""Round trip: everything derivator writes checks clean with `derivator check` — every catalog entry, in
LaTeX, the terminal and every Markdown flavour, in both languages; with facts; the loss gradients; the
comparison table; the documents made from templates. And one flipped sign in any step of it is caught
at that step's line. A checker that rejects the tool's own verified output would cry wolf on every post
that quotes it; one that misses a flipped sign in it reads nothing.

Parametrized over catalog names, so tests/conftest.py keeps all but its representatives out of the quick
subset."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivator.analysis.facts import facts as derive_facts
from derivator.analysis.losses import derive_loss, names as loss_names
from derivator.catalog import entries
from derivator.check import check_text
from derivator.pipeline import derive
from derivator.present.compare import columns, render_latex as compare_latex, render_markdown as compare_markdown
from derivator.present.dispatch import render, render_with_facts
from derivator.present.flavors import FLAVORS
from derivator.publish.documents import render_document

NAMES = [e.name for e in entries()]
LANGS = ("en", "ja")

# Where a known gap keeps an entry from checking clean, its name goes here (strict: each case fails as
# soon as it checks clean, so the list only shrinks). Empty: the facts of an entry with a symbolic
# parameter (CELU's α) display the function at the default they hold for, and check reads them there.
SYMBOLIC_PARAMETER_GAP: dict[str, set[str]] = {
    "every_format": set(),
    "facts": set(),
    "documents": set(),
}


def _names(kind: str) -> list:
    gap = pytest.mark.xfail(strict=True, reason="a symbolic parameter's assumption is not stated where check reads it")
    return [pytest.param(n, marks=gap) if n in SYMBOLIC_PARAMETER_GAP[kind] else n for n in NAMES]


def _problems(text: str, name: str) -> list[tuple]:
    report = check_text(text, name)
    return [(c.line, c.text, c.status, c.follows) for c in report.claims if c.is_error]


def _derivation_documents(d, lang: str) -> dict[str, str]:
    documents = {"latex": render(d, "latex", lang), "terminal": render(d, "terminal", lang)}
    return documents | {flavor: render(d, "markdown", lang, flavor=flavor) for flavor in FLAVORS}


@pytest.mark.parametrize("name", _names("every_format"))
def test_every_format_flavour_and_language_checks_clean(name):
    d = derive(name)
    for lang in LANGS:
        for label, text in _derivation_documents(d, lang).items():
            assert _problems(text, f"{name}.{'txt' if label == 'terminal' else 'md'}") == [], (lang, label)


@pytest.mark.parametrize("name", _names("facts"))
def test_facts_check_clean(name):
    # facts state values at kinks (ReLU′(0) = 0 by PyTorch's convention), solve f′ = 0 (also where it
    # has no solution) and take limits: none of it is a claim to call wrong
    d = derive(name)
    facts = derive_facts(d)
    for lang in LANGS:
        documents = {"latex": render_with_facts(d, facts, "latex", lang)}
        documents |= {flavor: render_with_facts(d, facts, "markdown", lang, flavor=flavor) for flavor in FLAVORS}
        for label, text in documents.items():
            assert _problems(text, f"{name}.md") == [], (lang, label)


TEMPLATES = [("article", "github"), ("beamer", "github")] + [("blog", flavor) for flavor in FLAVORS]


@pytest.mark.parametrize("name", _names("documents"))
def test_documents_from_templates_check_clean(name):
    d = derive(name)
    for lang in LANGS:
        for template, flavor in TEMPLATES:
            doc = render_document(d, template, lang=lang, flavor=flavor, plot=f"{name}-plot.png")
            suffix = "tex" if doc.kind == "tex" else "md"
            assert _problems(doc.text, f"{name}.{suffix}") == [], (lang, template, flavor)


@pytest.mark.parametrize("loss", loss_names())
def test_loss_gradients_check_clean(loss):
    d = derive_loss(loss)
    for lang in LANGS:
        for label, text in _derivation_documents(d, lang).items():
            assert _problems(text, f"{loss}.md") == [], (lang, label)


def test_a_loss_without_indices_is_judged_line_by_line():
    # BCE on a sigmoid has no index: every step is read and judged right, so the clean result above is
    # a reading, not a row of unchecked lines
    for lang in LANGS:
        report = check_text(render(derive_loss("bce"), "markdown", lang), "bce.md")
        assert report.claims and all(c.status == "ok" for c in report.claims), \
            [(c.line, c.status, c.reason) for c in report.claims]


@pytest.mark.parametrize("names", [["sigmoid", "tanh", "relu"], ["gelu", "silu", "softplus"], ["step", "hard_tanh", "elu"]])
def test_compare_table_checks_clean(names):
    cols = columns(names)
    for lang in LANGS:
        documents = {"latex": compare_latex(cols, lang, standalone=True)}
        documents |= {flavor: compare_markdown(cols, lang, flavor) for flavor in FLAVORS}
        for label, text in documents.items():
            assert _problems(text, "compare.md") == [], (lang, label)


# --- one flipped sign -------------------------------------------------------------------------------

_ENDS = (r" \\", r" \end{aligned}", "$</p>", "&&")


def _step_rows(text: str) -> list[tuple[int, int, int]]:
    """(line index, start, end) of each step's right-hand side: after `&=` in an aligned block (every
    flavour but WordPress), or after the `=` of a WordPress `$latex \\displaystyle …$` step."""
    out = []
    for i, line in enumerate(text.splitlines()):
        if "&=" in line:
            start = line.index("&=") + 2
        elif r"$latex \displaystyle" in line and " = " in line:
            start = line.index(" = ", line.index(r"\displaystyle")) + 3
        else:
            continue
        after = max(start, line.rfind(r"\end{cases}"))  # a row's own \\ ends it, not the rows of a cases block
        ends = [line.find(end, after) for end in _ENDS if line.find(end, after) != -1]
        out.append((i, start, min(ends) if ends else len(line)))
    return out


def _flip(text: str, row: tuple[int, int, int]) -> str:
    lines = text.splitlines()
    i, start, end = row
    line = lines[i]
    lines[i] = line[:start] + rf" -\left({line[start:end].strip()}\right) " + line[end:]
    return "\n".join(lines) + "\n"


def _caught_at(text: str, row: tuple[int, int, int], name: str) -> None:
    report = check_text(_flip(text, row), name)
    assert report.exit_code == 1
    assert report.first_error_line == row[0] + 1, [(c.line, c.status, c.follows, c.text) for c in report.claims]


@pytest.mark.parametrize("flavor", ("latex", *FLAVORS))
def test_a_flipped_sign_is_caught_at_its_line_in_every_flavour(flavor):
    # every flavour's own math syntax (Hatena's [tex:…], WordPress's $latex …$), in Japanese
    d = derive("sigmoid")
    text = "$$\n" + render(d, "latex", "ja") + "\n$$\n" if flavor == "latex" else render(d, "markdown", "ja", flavor=flavor)
    rows = _step_rows(text)
    assert len(rows) >= 5
    for row in (rows[1], rows[len(rows) // 2], rows[-1]):
        _caught_at(text, row, "sigmoid.md")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_flipped_sign_in_any_entry_flavour_and_language_is_caught(data):
    name = data.draw(st.sampled_from(NAMES), label="entry")
    flavor = data.draw(st.sampled_from(FLAVORS), label="flavor")
    lang = data.draw(st.sampled_from(LANGS), label="lang")
    text = render(derive(name), "markdown", lang, flavor=flavor)
    rows = [r for r in _step_rows(text) if r[0] + 1 in _judged_lines(text, name)]
    if not rows:
        return  # an entry whose steps check cannot judge (a parameter kept symbolic): nothing to catch
    _caught_at(text, data.draw(st.sampled_from(rows), label="row"), f"{name}.md")


def _judged_lines(text: str, name: str) -> set[int]:
    """Lines whose step the unflipped document judges right and following, with a value that is not 0
    (−0 is 0: no error to catch): a flip there must be caught."""
    return {c.line for c in check_text(text, f"{name}.md").claims
            if c.status == "ok" and c.follows is not False and _nonzero(c.read_value)}


def _nonzero(value) -> bool:
    if value is None:
        return False
    if value.atoms(AppliedUndef):
        return True  # a rule for any functions f, g ((f/g)' = …): not zero for them in general
    points = ({s: sp.Float(v) for s in value.free_symbols} for v in (0.37, -0.41, 1.3))
    return any(complex(sp.sympify(value.xreplace(p)).evalf()) != 0 for p in points)


def test_a_point_named_in_a_sentence_does_not_define_the_variable():
    # derivator's kink sentences say "At $x = a$ the left derivative is …": x stays the variable, so a
    # flipped claim after it is still caught (read as x := a, every later line held at that one point)
    text = ("$$\nf(x) = \\begin{cases} a & (x < a) \\\\ x & (a \\leq x \\leq b) \\\\ b & (x > b) \\end{cases}\n$$\n\n"
            "At $x = a$ the function has a kink.\n\n"
            "$$\nf'(x) = \\begin{cases} 0 & (x < a) \\\\ 1 & (a < x < b) \\\\ 0 & (x > b) \\end{cases}\n$$\n\n"
            "$$\nf'(x) = -\\left(\\begin{cases} 0 & (x < a) \\\\ 1 & (a < x < b) \\\\ 0 & (x > b) \\end{cases}\\right)\n$$\n")
    report = check_text(text, "post.md")
    statuses = {c.line: c.status for c in report.claims}
    assert statuses[5] == "ok" and statuses[8] == "ok" and statuses[12] == "wrong", report.claims


def test_a_flipped_case_split_with_a_nan_case_is_caught():
    # ISRLU′ has no value at 0 and derivator writes \text{NaN} there: the flipped block −(cases) is read
    # with NaN as a value, not as a letter the text never defines (which had left it unchecked)
    text = render(derive("isrlu"), "markdown", "en", flavor="github")
    rows = [r for r in _step_rows(text) if "NaN" in text.splitlines()[r[0]] and r[0] + 1 in _judged_lines(text, "isrlu")]
    assert rows
    for row in rows:
        _caught_at(text, row, "isrlu.md")


@pytest.mark.parametrize("name", ["celu", "isrlu"])
def test_a_flipped_sign_in_facts_at_a_default_is_caught(name):
    # the facts hold at α = 1 and display the function there: check reads them against that function,
    # so a flipped line among them (CELU″ = −eˣ) is wrong, not right for some α nor left unchecked
    d = derive(name)
    text = render_with_facts(d, derive_facts(d), "markdown", "en", flavor="github")
    # after the displayed function (a definition: flipping it changes what the facts are about)
    start = next(i for i, line in enumerate(text.splitlines()) if line.startswith("### "))
    judged = _judged_lines(text, name)
    rows = [r for r in _step_rows(text) if r[0] > start and r[0] + 1 in judged]
    assert rows
    for row in rows:
        _caught_at(text, row, f"{name}.md")
