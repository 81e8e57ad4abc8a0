"""Coverage-guided fuzzing with atheris (libFuzzer for Python), for a bounded time, on every reading path.

    pip install atheris                                   # bench-only dependency
    python bench/fuzz_atheris.py all --seconds 120        # each target in turn, a summary at the end
    python bench/fuzz_atheris.py text --seconds 600       # one target: text | latex | check

Targets:
  text   derivator.parse.text.parse_text   (the expression argument of `derivator EXPR`)
  latex  derivator.parse.latex.parse_latex (formulas inside documents)
  check  derivator.check.check_text        (whole documents, the `check` path)

Contract checked on every input: the call returns, or raises DerivatorError whose message is one line
(and, for `text`, names a column). Anything else is a crash: libFuzzer stops and writes the input to
<workdir>/crash-*. A run longer than 5 s is a hang (libFuzzer's -timeout), more than 2 GB of memory an
out-of-memory, both saved the same way. The seed corpus is tests/hostile/ (copied, never written to);
derivator's own modules are instrumented for coverage, SymPy is not (it would be ten times slower).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("text", "latex", "check")
SEEDS = {"text": ["expr"], "latex": ["expr"], "check": ["doc"]}
POSITION = re.compile(r"\bat (column|line) \d+")


def _target(name: str):
    import atheris

    with atheris.instrument_imports(include=["derivator"]):
        from derivator import catalog
        from derivator.check import check_text
        from derivator.core.errors import DerivatorError
        from derivator.parse.latex import parse_latex
        from derivator.parse.text import parse_text

    functions = catalog.callables()

    def one_input(data: bytes) -> None:
        text = data.decode("utf-8", "surrogateescape")
        try:
            if name == "text":
                parse_text(text, functions=functions, variables=("x",))
            elif name == "latex":
                parse_latex(text)
            else:
                check_text(text, "fuzz.md")
        except DerivatorError as err:
            message = str(err)
            if "\n" in message:
                raise AssertionError(f"error is not one line: {message!r}") from None
            if name == "text" and not POSITION.search(message):
                raise AssertionError(f"error names no position: {message!r}") from None

    return one_input


def run_target(name: str, seconds: int, workdir: Path) -> None:
    """In this process: fuzz one target (libFuzzer exits the process when done)."""
    import atheris

    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))
    from harness import KNOWN_BROKEN, KNOWN_SLOW

    known = set().union(*KNOWN_SLOW.values(), *KNOWN_BROKEN.values())  # libFuzzer stops at the first finding
    # libFuzzer runs every seed before its clock starts; whole documents through instrumented check cost
    # ~1 s each, so that target gets the small ones only
    largest = 4096 if name != "check" else 300
    for folder in SEEDS[name]:
        for seed in sorted((ROOT / "tests" / "hostile" / folder).iterdir()):
            if seed.stat().st_size <= largest and seed.name not in known:  # longer seeds are in the suite
                shutil.copy(seed, corpus / seed.name)
    one_input = _target(name)
    args = [sys.argv[0], f"-max_total_time={seconds}", "-timeout=5", "-rss_limit_mb=2048", "-max_len=4096",
            f"-artifact_prefix={workdir}/", "-print_final_stats=1", str(corpus)]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


def summarise(log: str) -> dict:
    stats = {}
    for key in ("number_of_executed_units", "average_exec_per_sec", "peak_rss_mb"):
        found = re.search(rf"stat::{key}:\s+(\d+)", log)
        stats[key] = int(found.group(1)) if found else None
    done = re.findall(r"#\d+\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)", log)
    if done:
        stats["cov"], stats["ft"], stats["corpus"] = (int(v) for v in done[-1])
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=[*TARGETS, "all"])
    parser.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    parser.add_argument("--workdir", type=Path, help="corpus and crash files (default: a temporary folder)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="derivator-atheris-"))
    if args.inner:
        run_target(args.target, args.seconds, workdir)
        return 0
    rows, failed = [], False
    for name in TARGETS if args.target == "all" else (args.target,):
        target_dir = workdir / name
        target_dir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        argv = [sys.executable, __file__, name, "--inner", "--seconds", str(args.seconds), "--workdir", str(target_dir)]
        try:
            # libFuzzer runs every seed before -max_total_time counts: allow for that
            done = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=2 * args.seconds + 900)
        except subprocess.TimeoutExpired as err:
            stderr = err.stderr.decode("utf-8", "replace") if isinstance(err.stderr, bytes) else (err.stderr or "")
            done = subprocess.CompletedProcess(argv, -1, "", stderr + "\n[driver: no answer in time]")
        elapsed = time.perf_counter() - start
        (target_dir / "fuzz.log").write_text(done.stderr)
        crashes = sorted(p.name for p in target_dir.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
        stats = summarise(done.stderr)
        failed |= bool(crashes) or done.returncode != 0
        rows.append((name, elapsed, stats, crashes, done.returncode))
    print("| target | seconds | executions | execs/s | coverage (edges) | features | corpus | findings |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, elapsed, s, crashes, code in rows:
        findings = ", ".join(crashes) or ("none" if code == 0 else f"exit {code}")
        print(f"| {name} | {elapsed:.0f} | {s.get('number_of_executed_units')} | {s.get('average_exec_per_sec')} | "
              f"{s.get('cov')} | {s.get('ft')} | {s.get('corpus')} | {findings} |")
    print(f"\nlogs, corpus and any crash inputs: {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
