"""Real math validators for the test-suite: KaTeX, MathJax 4 (node) and LaTeX (latexmk).

Usage from any test module (tests/ is on sys.path under pytest):

    from validators import katex_errors, mathjax_errors, latex_compile

    assert katex_errors([(r"\\frac{1}{2}", True)]) == [None]
    ok, log = latex_compile(source, "lualatex", tmp_path)

Every entry point checks its tool first: a missing tool skips the test locally but FAILS it when
CI=true, because a validator that silently skipped in CI would let broken math land.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VALIDATE_MATH = REPO / "tools" / "validate-math"

# Files each engine needs beyond its binary; callers can ask for more (e.g. "beamer.cls").
_TEX_FILES = {
    "pdflatex": ("amsmath.sty",),
    "lualatex": ("amsmath.sty", "luatexja.sty", "HaranoAjiMincho-Regular.otf"),
}
_LATEXMK_MODE = {"pdflatex": "-pdf", "lualatex": "-lualatex"}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Skip locally, fail under CI=true (nothing may be skipped in CI)."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def require_node() -> str:
    """Path to node, after checking that tools/validate-math has its node_modules."""
    node = shutil.which("node")
    if node is None:
        unavailable("node is not installed")
    for pkg in ("katex", "@mathjax/src"):
        if not (VALIDATE_MATH / "node_modules" / pkg).is_dir():
            unavailable(f"{pkg} missing: run `npm ci` in tools/validate-math")
    return node


def require_tex(engine: str, extra_files: tuple[str, ...] = ()) -> None:
    """Check latexmk, the engine and the TeX files it needs (found with kpsewhich)."""
    if engine not in _LATEXMK_MODE:
        raise ValueError(f"unknown engine {engine!r}; expected one of {sorted(_LATEXMK_MODE)}")
    for tool in ("latexmk", engine, "kpsewhich"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed (TeX Live: see .ci/run)")
    for name in _TEX_FILES[engine] + tuple(extra_files):
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
        if found.returncode != 0 or not found.stdout.strip():
            unavailable(f"{name} not found by kpsewhich (TeX Live: see .ci/run)")


# (script, tex, display) -> {"ok", "error", ...}. Formulas repeat a lot across tests, and one node
# start costs more than validating a hundred formulas, so results live for the whole session.
_cache: dict[tuple[str, str, bool], dict] = {}


def _run_batch(script: str, items: list[tuple[str, bool]]) -> list[dict]:
    node = require_node()
    missing = list(dict.fromkeys((tex, bool(display)) for tex, display in items
                                 if (script, tex, bool(display)) not in _cache))
    if missing:
        payload = json.dumps([{"tex": tex, "display": display} for tex, display in missing])
        proc = subprocess.run([node, script], input=payload, capture_output=True, text=True,
                              cwd=VALIDATE_MATH, timeout=300)
        if proc.returncode != 0:
            # The validator itself broke: an error in the test run, never a verdict on the math.
            raise RuntimeError(f"{script} exited {proc.returncode}: {proc.stderr.strip()}")
        for (tex, display), result in zip(missing, json.loads(proc.stdout), strict=True):
            _cache[(script, tex, display)] = result
    return [_cache[(script, tex, bool(display))] for tex, display in items]


def katex_errors(items: list[tuple[str, bool]], *, strict: bool = False) -> list[str | None]:
    """KaTeX verdict per (tex, display_mode): None if it renders, else the ParseError message.

    KaTeX runs with strict "warn" like real KaTeX platforms; strict=True also reports its
    strict-mode complaints (e.g. Japanese outside \\text{}) as errors.
    """
    out = []
    for r in _run_batch("katex-check.mjs", items):
        if not r["ok"]:
            out.append(r["error"])
        elif strict and r["warnings"]:
            out.append("KaTeX strict: " + "; ".join(r["warnings"]))
        else:
            out.append(None)
    return out


def mathjax_errors(items: list[tuple[str, bool]]) -> list[str | None]:
    """MathJax 4 verdict per (tex, display_mode): None if it parses, else the TeX error message."""
    return [None if r["ok"] else r["error"] for r in _run_batch("mathjax-check.mjs", items)]


def latex_compile(tex_source: str, engine: str, workdir: Path | str,
                  *, extra_files: tuple[str, ...] = (), tail: int = 40) -> tuple[bool, str]:
    """Compile tex_source with latexmk in workdir; return (ok, last lines of the output).

    ok means latexmk exited 0 AND a PDF exists. extra_files are TeX files the document needs
    (e.g. "beamer.cls") so that a missing package skips/fails clearly instead of a bare compile error.
    """
    require_tex(engine, extra_files)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "doc.tex").write_text(tex_source, encoding="utf-8")
    # -norc: no user/system latexmkrc can change the result; -halt-on-error: stop at the first error
    # instead of producing a PDF with the error "recovered".
    cmd = ["latexmk", _LATEXMK_MODE[engine], "-norc", "-halt-on-error", "-interaction=nonstopmode",
           "-file-line-error", "doc.tex"]
    try:
        proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL, timeout=600)
    except subprocess.TimeoutExpired as exc:
        return False, f"latexmk timed out after {exc.timeout} s"
    lines = (proc.stdout + proc.stderr).splitlines()
    ok = proc.returncode == 0 and (workdir / "doc.pdf").is_file()
    return ok, "\n".join(lines[-tail:])
