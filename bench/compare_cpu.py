"""This checkout against another, in CPU seconds, the commands interleaved: what machine load does not add to.

    git archive main | tar -x -C /tmp/main-copy         # the other checkout (any tree of derivator)
    python bench/compare_cpu.py /tmp/main-copy catalog --repeat 2
    python bench/compare_cpu.py /tmp/main-copy startup --repeat 9
    python bench/compare_cpu.py /tmp/main-copy posts

Wall time on a shared machine swings by 2x within minutes; the user + system seconds of a process and
its workers (os.wait4's rusage) hardly move with the load. Each command runs on both checkouts before
the next (catalog: bench/run.py's inner catalog measurement of each checkout, then SymPy's reference;
startup: `derivator sigmoid --format latex --no-cache`, then `python -c "import sympy"`; posts: `check`
on every post of tests/realposts). Prints the medians and maxima as JSON, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _env(root: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root), DERIVATOR_NO_CACHE="1", NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: from compiled bytecode
    return env


def _cpu(argv: list[str], root: Path) -> tuple[float, float]:
    """(CPU seconds of the process and its workers, wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=_env(root), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout")
    parser.add_argument("what", choices=["catalog", "startup", "posts"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    roots = {"this": ROOT, "other": args.other.resolve()}
    runs: dict[str, list[list[str]]] = {}
    if args.what == "posts":
        posts = tomllib.loads((ROOT / "tests" / "realposts" / "manifest.toml").read_text())["post"]
        runs = {name: [[PY, "-m", "derivator", "check", str(ROOT / "tests" / "realposts" / p["file"]), "--format", "json"]
                       for p in posts] for name in roots}
    elif args.what == "startup":
        runs = {name: [[PY, "-m", "derivator", "sigmoid", "--format", "latex", "--no-cache"]] * args.repeat for name in roots}
        runs["sympy"] = [[PY, "-c", "import sympy"]] * args.repeat
    else:
        runs = {name: [[PY, str(root / "bench" / "run.py"), "--inner", "catalog-derivator"]] * args.repeat
                for name, root in roots.items()}
        runs["sympy"] = [[PY, str(ROOT / "bench" / "run.py"), "--inner", "catalog-sympy"]] * args.repeat
    samples: dict[str, dict[str, list[float]]] = {name: {"cpu": [], "wall": []} for name in runs}
    for i in range(len(runs["this"])):
        for name, argvs in runs.items():
            cpu, wall = _cpu(argvs[i], roots.get(name, ROOT))
            samples[name]["cpu"].append(cpu)
            samples[name]["wall"].append(wall)
    result = {name: {kind: {"median": round(statistics.median(v), 3), "max": round(max(v), 3)} for kind, v in s.items()}
              for name, s in samples.items()}
    print(json.dumps({"what": args.what, "load_at_end": os.getloadavg(), **result}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
