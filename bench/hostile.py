"""The full hostile corpus (tests/hostile/) through every reading path, with counts.

    python bench/hostile.py              # in-process paths: text, latex, derive (expr/), check (doc/), and every
                                         # hostile-surroundings scenario (tests/hostile/scenarios.py)
    python bench/hostile.py --cli        # also every input through the real command line
    python bench/hostile.py --jobs 2 --json bench/results/hostile.json

Each input runs in a forked worker with hard limits (5 s, 1 GiB), so a hang is counted, not waited for.
Prints a table of outcomes per path and every problem found (crash, limit hit, error without a position
or longer than a line, injected code that ran), then the scenarios' counts: tracebacks, internal errors,
hangs, files touched outside the outputs, code executed. Exit code 1 when there are problems.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

import harness  # noqa: E402
import scenarios  # noqa: E402

DERIVATOR = [sys.executable, "-m", "derivator"]
CLI_TIMEOUT = 20.0  # outer guard: the CLI's own limit (5 s) must trigger long before this


def _in_process(task: tuple[str, str, bytes]) -> dict:
    path, name, data = task
    with tempfile.TemporaryDirectory() as cwd:
        os.chdir(cwd)
        if path == "check":
            target = Path(cwd) / name
            target.write_bytes(data)
            outcome = harness.run_one("check", str(target))
        else:
            # parse_latex is an internal API, not a command-line path: position is not required there
            outcome = harness.run_one(path, harness.as_argument(data), need_position=(path != "latex"))
    return {"path": path, "file": name, "kind": outcome.kind, "seconds": round(outcome.seconds, 3),
            "message": outcome.message[:200], "problems": outcome.problems}


def _cli(task: tuple[str, str, bytes]) -> dict:
    """One input through `python -m derivator`: exit code, stderr lines, canary, time."""
    kind, name, data = task
    with tempfile.TemporaryDirectory() as cwd:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(cwd, "cache"), NO_COLOR="1", PYTHONPATH=str(ROOT))
        if kind == "doc":
            target = Path(cwd) / name
            target.write_bytes(data)
            argv = [*DERIVATOR, "check", str(target), "--format", "json"]
        else:
            if b"\x00" in data:  # argv cannot carry a NUL byte; the in-process paths cover these inputs
                return {"path": "cli-" + kind, "file": name, "kind": "skipped", "seconds": 0, "message": "", "problems": []}
            argv = [*DERIVATOR, "derive", "--format", "json", "--", harness.as_argument(data)]
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=CLI_TIMEOUT)
            code, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired:
            code, out, err = None, b"", b""
        seconds = time.perf_counter() - start
        problems = []
        text_err = err.decode("utf-8", "replace")
        if code is None:
            problems.append(f"no answer after {CLI_TIMEOUT} s")
        elif kind == "expr" and code not in (0, 2):
            problems.append(f"exit code {code}: {text_err.strip()[:200]}")
        elif kind == "doc" and code not in (0, 1, 2):
            problems.append(f"exit code {code}: {text_err.strip()[:200]}")
        if "Traceback" in text_err:
            problems.append("traceback on stderr")
        if code == 2:
            lines = [line for line in text_err.splitlines() if line.strip()]
            if kind == "expr" and len(lines) != 1:
                problems.append(f"{len(lines)} lines on stderr")
            if lines and not harness.POSITION.search(lines[-1]):
                problems.append(f"error names no position: {lines[-1][:160]}")
        if os.path.exists(os.path.join(cwd, harness.CANARY)):
            problems.append("injected code ran: canary created")
        if any(m.encode() in out + err and m.encode() not in data for m in harness.MARKERS):
            problems.append("marker of injected code in the output")
        if seconds > 6.0:
            problems.append(f"took {seconds:.1f} s")
        outcome = "ok" if code in (0, 1) else "error" if code == 2 else "crash"
        return {"path": "cli-" + kind, "file": name, "kind": outcome, "seconds": round(seconds, 3),
                "message": text_err.strip()[:200], "problems": problems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", action="store_true", help="also run every input through the command line")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="write every outcome here")
    parser.add_argument("--only", default="", help="only files whose name starts with this")
    parser.add_argument("--no-scenarios", action="store_true", help="leave out the hostile-surroundings scenarios")
    args = parser.parse_args()

    exprs = [(p.name, p.read_bytes()) for p in harness.corpus("expr", args.only)]
    docs = [(p.name, p.read_bytes()) for p in harness.corpus("doc", args.only)]
    tasks = [(path, n, d) for n, d in exprs for path in ("text", "latex", "derive")]
    tasks += [("check", n, d) for n, d in docs]
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs, initializer=_warm) as pool:
        results = list(pool.map(_in_process, tasks, chunksize=8))
        if args.cli:
            cli_tasks = [("expr", n, d) for n, d in exprs] + [("doc", n, d) for n, d in docs]
            results += list(pool.map(_cli, cli_tasks, chunksize=4))
    elapsed = time.perf_counter() - start

    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in results:
        counts[r["path"]][r["kind"]] += 1
        counts[r["path"]]["problems"] += bool(r["problems"])
    kinds = ["ok", "error", "limit", "crash", "pwned", "skipped", "problems"]
    print(f"hostile corpus: {len(exprs)} expression inputs, {len(docs)} documents "
          f"({len(exprs) + len(docs)} in all); {len(results)} runs in {elapsed:.0f} s with {args.jobs} jobs\n")
    print(f"| path | runs | {' | '.join(kinds)} | slowest (s) |")
    print(f"|---|---:|{'---:|' * len(kinds)}---:|")
    for path, c in counts.items():
        slowest = max(r["seconds"] for r in results if r["path"] == path)
        print(f"| {path} | {sum(c[k] for k in kinds[:-1])} | {' | '.join(str(c[k]) for k in kinds)} | {slowest:.2f} |")
    problems = [r for r in results if r["problems"]]
    if problems:
        print(f"\n{len(problems)} problems:")
        for r in problems:
            print(f"  {r['path']:8} {r['file']:32} {'; '.join(r['problems'])[:220]}")
    scenario_problems = 0 if args.no_scenarios else run_scenarios(args.only, results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"elapsed": elapsed, "results": results}, indent=1))
    return 1 if problems or scenario_problems else 0


SCENARIO_COUNTS = ("tracebacks", "internal_errors", "hangs", "files_touched", "code_executed")


def run_scenarios(only: str, results: list[dict]) -> int:
    """Every scenario, one at a time (some measure processes and signals: a busy pool would skew them)."""
    names = [n for n in scenarios.names() if n.startswith(only)] if only else scenarios.names()
    start = time.perf_counter()
    outcomes = [scenarios.run_scenario(name) for name in names]
    elapsed = time.perf_counter() - start
    by_finding: dict[int, list] = collections.defaultdict(list)
    for o in outcomes:
        by_finding[o.finding].append(o)
        results.append({"path": "scenario", "file": o.name, "kind": "skipped" if o.skipped else
                        ("ok" if not o.problems else "problem"), "seconds": round(o.seconds, 3),
                        "message": o.skipped or "", "problems": o.problems})
    print(f"\nhostile surroundings: {len(outcomes)} scenarios, {sum(o.runs for o in outcomes)} command lines "
          f"in {elapsed:.0f} s\n")
    print(f"| finding | scenarios | passed | skipped | {' | '.join(c.replace('_', ' ') for c in SCENARIO_COUNTS)} |")
    print(f"|---:|---:|---:|---:|{'---:|' * len(SCENARIO_COUNTS)}")
    for finding in sorted(by_finding):
        group = by_finding[finding]
        passed = sum(1 for o in group if not o.problems and not o.skipped)
        skipped = sum(1 for o in group if o.skipped)
        counts = " | ".join(str(sum(getattr(o, c) for o in group)) for c in SCENARIO_COUNTS)
        print(f"| {finding} | {len(group)} | {passed} | {skipped} | {counts} |")
    totals = " | ".join(str(sum(getattr(o, c) for o in outcomes)) for c in SCENARIO_COUNTS)
    print(f"| all | {len(outcomes)} | {sum(1 for o in outcomes if not o.problems and not o.skipped)} | "
          f"{sum(1 for o in outcomes if o.skipped)} | {totals} |")
    failed = [o for o in outcomes if o.problems]
    if failed:
        print(f"\n{len(failed)} scenarios with problems:")
        for o in failed:
            print(f"  {o.name:48} {'; '.join(o.problems)[:220]}")
    return len(failed)


def _warm() -> None:
    # import once per pool worker; every input then forks from a warm process
    from derivator import catalog
    import derivator.pipeline  # noqa: F401
    import derivator.check  # noqa: F401
    import derivator.parse.latex  # noqa: F401

    catalog.callables()


if __name__ == "__main__":
    sys.exit(main())
