"""The report as a whole: a summary in every format, every claim shown as it was read, the whole report
in Japanese with --lang ja (no English word left outside math and quoted text), a file with no math."""

from __future__ import annotations

import json
import re

import pytest

from derivator.check import check_text
from derivator.present.check_report import latex_to_unicode, render, report_dict

# one of each: definitions, a restatement, right and wrong lines, a carried error, a diagnosis, and
# lines left unchecked for several reasons (an integral, an undefined name, an equation to solve)
POST = """\
# 微分の練習

$$f(x) = x^3$$
$$f'(x) = 3x^3$$
$$= 3x \\cdot x^2$$

$$\\int_0^1 x \\, dx = \\frac{1}{2}$$

$$y' = 2y$$

$$g(x) = x^2 \\quad (x > 0)$$
$$g(x) = x \\cdot x$$
$$g'(x) = 2x$$
$$x^2 - 1 = 0$$
$$\\frac{d}{dx}\\tanh x = 1 + \\tanh^2 x$$
$$L = -y \\log p$$
$$\\frac{dL}{dp} = \\frac{y}{p}$$
$$\\frac{d}{dx} \\sin x = \\cos x$$
"""
FORMATS = ("terminal", "markdown", "json", "latex")


@pytest.fixture(scope="module")
def report():
    return check_text(POST, "post.md")


def _latin_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]{2,}", text)}


def _allowed(report) -> set[str]:
    """Latin words the report may show in Japanese too: the author's formulas and derivator's math."""
    data = report_dict(report, "ja")
    quoted = [report.file]
    for claim in data["claims"]:
        quoted += [claim["text"], claim["read_as"] or "", claim["expected"] or ""]
        for note in [claim["diagnosis"], claim["reason"], *claim["notes"]]:
            quoted += [str(v) for k, v in (note or {}).items() if k not in ("kind", "message")]
        quoted += [str(v) for v in (claim["counterexample"] or {}).values()]
    quoted += [latex_to_unicode(q) for q in quoted] + [latex_to_unicode(side) for q in quoted for side in q.split(" = ")]
    return set().union(*(_latin_words(q) for q in quoted))


def _outside_math(text: str, fmt: str) -> str:
    if fmt == "latex":
        text = text.split(r"\begin{document}", 1)[1]
        text = re.sub(r"\\texttt\{(?:[^{}]|\{[^{}]*\})*\}", " ", text)
        text = re.sub(r"\$[^$]*\$", " ", text)
        text = re.sub(r"\\(?:begin|end)\{[a-z*]+\}|\\[A-Za-z]+\*?", " ", text)
    elif fmt == "markdown":
        text = re.sub(r"``.*?``|`[^`]*`|<br>", " ", text)
        text = re.sub(r"\$[^$]*\$", " ", text)
    elif fmt == "json":
        data = json.loads(text)
        messages = [data["summary"]["message"]]
        for claim in data["claims"]:
            messages += [n["message"] for n in [claim["diagnosis"], claim["reason"], *claim["notes"]] if n]
        text = re.sub(r"\$[^$]*\$", " ", "\n".join(messages))
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_japanese_report_has_no_english_left(report, fmt):
    text = _outside_math(render(report, fmt, "ja"), fmt)
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)
    left = _latin_words(text) - _allowed(report)
    assert left == set(), (left, text)


def test_the_english_report_is_english(report):
    # the scan above is not vacuous: the same report in English is full of words it would flag
    text = _outside_math(render(report, "markdown", "en"), "markdown")
    assert len(_latin_words(text) - _allowed(report)) > 10


def _summary_counts(report) -> tuple[int, int, int, int]:
    c = report.counts()
    return c["total"], c["ok"], c["wrong"], c["unchecked"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang, pattern", [
    ("en", r"(\d+) equations: (\d+) right, (\d+) wrong, \d+ not following from the line before, (\d+) unchecked"),
    ("ja", r"式 (\d+) 個: 正しい (\d+) 個、誤り (\d+) 個、前の行から導けない行 \d+ 個、未判定 (\d+) 個"),
])
def test_every_format_has_the_summary_with_top_reasons(report, fmt, lang, pattern):
    text = render(report, fmt, lang)
    if fmt == "json":
        summary = json.loads(text)["summary"]
        assert summary["unchecked_reasons"] == {"unreadable": 1, "not_understood": 1, "equation": 1}
        text = summary["message"]
    # Japanese prose wraps between two characters, with no space to keep
    text = re.sub(r"(?<=[\u3040-\u30ff\u4e00-\u9fff])[ ]*\n[ ]*(?=[\u3040-\u30ff\u4e00-\u9fff])", "", text)
    flat = " ".join(text.split())
    m = re.search(pattern, flat)
    assert m, flat
    assert tuple(int(g) for g in m.groups()) == _summary_counts(report)
    reasons = {"en": ["1 unreadable", "1 not understood", "1 equations to solve"],
               "ja": ["読み取れない式 1 個", "解釈できない式 1 個", "解くべき方程式 1 個"]}[lang]
    for reason in reasons:
        assert reason in flat, (reason, flat)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_how_each_claim_was_read(report, fmt):
    text = " ".join(render(report, fmt, "en").split())
    read = [c for c in report.claims if c.read_as is not None]
    right = [c for c in read if c.status == "ok"]
    assert right and len(read) >= 6
    for claim in read:
        if fmt == "json":
            continue  # read_as is a field of every claim (checked below)
        shown = latex_to_unicode(claim.read_as) if fmt == "terminal" else claim.read_as
        shown = " ".join(shown.split())
        assert f"read as: {'$' if fmt != 'terminal' else ''}{shown}" in text, (claim.line, shown)
    if fmt == "json":
        data = json.loads(render(report, "json", "en"))
        assert {c["line"]: c["read_as"] for c in data["claims"] if c["read_as"]} == {c.line: c.read_as for c in read}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang, words", [("en", "No equations found"), ("ja", "式が見つかりませんでした")])
def test_a_file_with_no_math_says_so(fmt, lang, words):
    report = check_text("# 日記\n\n今日は晴れでした。 No formulas here, only prose.\n", "diary.md")
    assert report.claims == [] and report.exit_code == 0
    text = render(report, fmt, lang)
    if fmt == "json":
        text = json.loads(text)["summary"]["message"]
    assert words in text
