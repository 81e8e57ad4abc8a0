"""Reports of `derivator check` (JSON, Markdown, LaTeX, terminal; en and ja) and the command's exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from derivator.check import check_file
from derivator.present.check_report import render, render_json, render_latex, render_markdown, render_terminal_text
from validators import katex_errors, latex_compile

FIXTURES = Path(__file__).parent / "fixtures" / "check"
SEED = str(FIXTURES / "seed_001.txt")
ERRORS = sorted(str(p) for p in FIXTURES.glob("err_*"))


@pytest.fixture(scope="module")
def seed_report():
    return check_file(SEED)


def test_json_schema(seed_report):
    data = json.loads(render_json(seed_report))
    assert {"file", "ok", "first_error_line", "claims"} <= set(data)
    assert data["ok"] is False and data["first_error_line"] == 58
    source = Path(SEED).read_text(encoding="utf-8").splitlines()
    for claim in data["claims"]:
        assert {"line", "text", "status", "follows", "expected", "counterexample", "diagnosis"} <= set(claim)
        assert claim["status"] in ("ok", "wrong", "unchecked")
        assert claim["follows"] in (True, False, None)
        # the line really holds (part of) that equation
        rhs = claim["text"].split("=")[-1].strip()
        assert rhs[:6] in source[claim["line"] - 1], (claim["line"], claim["text"])
        if claim["status"] == "wrong":
            assert claim["expected"] and claim["counterexample"]
        if claim["diagnosis"] is not None:
            assert claim["diagnosis"]["kind"] and claim["diagnosis"]["message"]


def test_json_languages_differ_only_in_words(seed_report):
    en = json.loads(render_json(seed_report, "en"))
    ja = json.loads(render_json(seed_report, "ja"))
    strip = lambda d: [{k: v for k, v in c.items() if k not in ("diagnosis", "reason", "notes")} for c in d["claims"]]
    assert strip(en) == strip(ja)
    flip_ja = next(c for c in ja["claims"] if c["line"] == 143)
    assert "符号" in flip_ja["diagnosis"]["message"] and "129" in flip_ja["diagnosis"]["message"]


@pytest.mark.parametrize("lang, words", [("en", ["wrong", "Likely typo", "Sign error"]), ("ja", ["誤り", "書き誤り", "符号"])])
def test_markdown(seed_report, lang, words):
    text = render_markdown(seed_report, lang)
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(seed_report.claims)
    for word in words:
        assert word in text
    assert "| 129 |" in text and "| 143 |" in text


def _math_segments(text: str) -> list[str]:
    # $…$ outside code spans
    text = re.sub(r"``.*?``|`[^`]*`", "", text)
    return re.findall(r"(?<![\\$])\$([^$]+)\$", text)


def test_every_emitted_math_string_renders_in_katex():
    items = []
    for path in [SEED, *ERRORS]:
        report = check_file(path)
        for lang in ("en", "ja"):
            for tex in _math_segments(render_markdown(report, lang)):
                items.append((tex, False))
        for claim in report.claims:
            if claim.expected:
                items.append((claim.expected, True))
    assert items
    errors = [(tex, err) for (tex, _), err in zip(items, katex_errors(items)) if err]
    assert errors == []


@pytest.mark.parametrize("lang, engine", [("en", "pdflatex"), ("ja", "lualatex")])
def test_latex_report_compiles(tmp_path, lang, engine):
    report = check_file(SEED)
    source = render_latex(report, lang)
    assert source.count(r"\item[") == len(report.claims)
    ok, log = latex_compile(source, engine, tmp_path)
    assert ok, log


def test_terminal_report_plain_when_piped(seed_report):
    text = render_terminal_text(seed_report, "en")
    assert "\x1b[" not in text
    assert re.search(r"^\s*129\s+✗ wrong", text, flags=re.M)
    assert re.search(r"^\s*143\s+✗ does not follow", text, flags=re.M)
    assert "First error at line 58" in " ".join(text.split())


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derivator", "check", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_cli_exit_codes(tmp_path):
    assert run_cli(str(FIXTURES / "ok_github.md"), "--format", "json").returncode == 0
    wrong = run_cli(SEED, "--format", "json")
    assert wrong.returncode == 1
    assert json.loads(wrong.stdout)["first_error_line"] == 58
    missing = run_cli(str(tmp_path / "nope.md"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\x00\x01\x02$$x=1$$")
    assert run_cli(str(binary)).returncode == 2
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("$$f(x) = x$$ caf\xe9".encode("latin-1"))
    result = run_cli(str(latin1))
    assert result.returncode == 2 and "UTF-8" in result.stderr


def test_cli_stdin_and_formats():
    text = "$$\\frac{d}{dx}e^{-x} = e^{-x}$$\n"
    result = run_cli("-", "--format", "markdown", "--lang", "ja", stdin=text)
    assert result.returncode == 1
    assert "符号の誤り" in result.stdout
    result = run_cli("-", "--format", "latex", stdin=text)
    assert result.returncode == 1 and result.stdout.startswith(r"\documentclass")
    result = run_cli("-", stdin=text)
    assert result.returncode == 1 and "wrong" in result.stdout


def test_cli_never_writes_to_its_input(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("$$f(x) = x^2$$\n$$f'(x) = 2x$$\n", encoding="utf-8")
    before = post.read_bytes(), post.stat().st_mtime_ns
    out = tmp_path / "report.json"
    assert run_cli(str(post), "--format", "json", "--output", str(out)).returncode == 0
    assert (post.read_bytes(), post.stat().st_mtime_ns) == before
    assert json.loads(out.read_text(encoding="utf-8"))["ok"] is True


def test_render_dispatch(seed_report):
    for fmt in ("json", "markdown", "latex", "terminal"):
        assert "129" in render(seed_report, fmt, "en")
