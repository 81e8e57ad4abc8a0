"""The structure keeps itself: the import layers (import-linter), ruff, and mypy against a baseline that
may only shrink. The README's test command runs these, so CI does too."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).with_name("mypy-baseline.txt")


def _tool(module: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_imports_follow_the_layers():
    # importlinter has no __main__; its click command is called directly
    done = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c;"
                           " sys.exit(c(standalone_mode=False))"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "BROKEN" not in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]
    assert "KEPT" in done.stdout, done.stdout[-2000:]


def test_ruff_finds_nothing():
    done = _tool("ruff", "check", "--output-format", "concise", "derivator", "tests", "bench")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]


def _mypy_errors(output: str) -> Counter[str]:
    return Counter(m.group(1) for m in re.finditer(r"^([\w/.]+\.py):\d+: error:", output, re.M))


@pytest.mark.slow
def test_mypy_errors_only_shrink():
    done = _tool("mypy", "--no-error-summary", "--hide-error-context")
    now = _mypy_errors(done.stdout)
    baseline = Counter({path: int(n) for path, n in (line.split() for line in BASELINE.read_text().splitlines()
                                                       if line.strip() and not line.startswith("#"))})
    grown = {path: (baseline.get(path, 0), n) for path, n in now.items() if n > baseline.get(path, 0)}
    assert not grown, f"mypy errors grew (baseline, now): {grown}\n{done.stdout[-3000:]}"
    shrunk = {path: (n, now.get(path, 0)) for path, n in baseline.items() if now.get(path, 0) < n}
    assert not shrunk, f"fewer mypy errors than the baseline: lower tests/mypy-baseline.txt to {shrunk}"
