"""derivator.app.batch and `check --jobs`: parallel, in order, each file under its own limits; check never
writes to its input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from derivator.app.batch import check_files, jobs_count, verify_catalog
from derivator.core.errors import DerivatorError
from derivator.app.sandbox import Limits

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "check"
GOOD = "$$f(x) = x^2$$\n\n$$f'(x) = 2x$$\n"
WRONG = "$$f(x) = x^2$$\n\n$$f'(x) = 3x$$\n"
HANG = "\\begin{align*}\nf(x) &= e^{e^{e^{e^{20}}}} \\\\\n&= 1\n\\end{align*}\n"  # found by atheris: hangs check


@pytest.fixture
def docs(tmp_path):
    paths = {}
    for name, body in {"good.md": GOOD, "wrong.md": WRONG, "hang.tex": HANG}.items():
        paths[name] = tmp_path / name
        paths[name].write_text(body)
    paths["binary.md"] = tmp_path / "binary.md"
    paths["binary.md"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return paths


def test_results_in_input_order_each_under_its_own_limit(docs):
    order = [docs[n] for n in ("wrong.md", "hang.tex", "binary.md", "good.md")]
    # the hanging file is stopped by its own time limit ("time limit" below), not by the run's; how long the
    # run takes is a machine's figure, not a unit test's
    results = check_files([str(p) for p in order], format="json", lang="en", jobs=2,
                          limits=Limits(timeout=4, max_memory=1024**3), progress=False)
    assert [Path(r.name).name for r in results] == [p.name for p in order]
    wrong, hang, binary, good = results
    assert (wrong.exit_code, good.exit_code) == (1, 0)
    assert wrong.rendered["first_error_line"] == 3 and good.rendered["ok"] is True
    assert hang.exit_code == 2 and "time limit" in hang.error and "\n" not in hang.error
    assert binary.exit_code == 2 and "\n" not in binary.error


def test_parallel_equals_sequential(docs):
    files = [str(docs["wrong.md"]), str(docs["good.md"])] + sorted(str(p) for p in FIXTURES.glob("ok_*.md"))[:3]
    kwargs = dict(format="markdown", lang="ja", limits=Limits(timeout=30, max_memory=1024**3), progress=False)
    one = check_files(files, jobs=1, **kwargs)
    two = check_files(files, jobs=2, **kwargs)
    assert [(r.name, r.exit_code, r.rendered) for r in one] == [(r.name, r.exit_code, r.rendered) for r in two]


def test_jobs_count(capsys):
    from derivator.app.batch import usable_cores

    cores = usable_cores()
    assert jobs_count(1) == 1 and jobs_count(0) == cores
    assert capsys.readouterr().err == ""
    assert jobs_count(10_000) == cores  # never more than the cores, and said so
    assert "--jobs 10000 lowered to" in capsys.readouterr().err
    with pytest.raises(DerivatorError):
        jobs_count(-1)


def test_jobs_count_fits_the_free_memory(monkeypatch, capsys):
    from derivator.app import batch

    monkeypatch.setattr(batch, "usable_cores", lambda: 64)
    monkeypatch.setattr(batch, "available_memory", lambda: 4 * 1024**3)
    assert jobs_count(64, 1024**3) == 3  # 4 GiB at 1 GiB + a worker's own 256 MiB each
    assert "memory" in capsys.readouterr().err


def test_verify_catalog_entries():
    results = verify_catalog(["sigmoid", "relu", "no_such_function"], jobs=2,
                             limits=Limits(timeout=30, max_memory=1024**3), progress=False)
    assert [r.name for r in results] == ["sigmoid", "relu", "no_such_function"]
    assert results[0].exit_code == 0 and results[0].rendered["verified"] and results[0].rendered["steps"] >= 7
    assert results[2].exit_code == 2 and results[2].error


def _cli(args, cwd):
    env = dict(os.environ, XDG_CACHE_HOME=str(cwd / "cache"), NO_COLOR="1")
    root = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "derivator", *args], cwd=cwd, env=env, capture_output=True, timeout=120)


def test_check_never_writes_to_its_input(docs, tmp_path):
    target = docs["wrong.md"]
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    for output in (str(target), str(link)):
        done = _cli(["check", str(target), "--output", output], tmp_path)
        assert done.returncode == 2 and b"never writes" in done.stderr
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before


def test_check_jobs_on_the_command_line(docs, tmp_path):
    out = tmp_path / "report.json"
    done = _cli(["check", str(docs["good.md"]), str(docs["wrong.md"]), str(docs["binary.md"]),
                 "--jobs", "2", "--format", "json", "--output", str(out)], tmp_path)
    assert done.returncode == 2  # the worst of the files: one cannot be read
    assert done.stderr.decode().count("\n") == 1 and b"binary" in done.stderr
    reports = json.loads(out.read_text())
    assert [Path(r["file"]).name for r in reports] == ["good.md", "wrong.md"]
    assert [r["ok"] for r in reports] == [True, False]
