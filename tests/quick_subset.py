"""Measure the quick subset and list what keeps it from being quick: python tests/quick_subset.py

Runs `pytest -m "not slow" --durations=0` and rewrites tests/slow-tests.txt with every test function whose
quick cases took `--threshold` seconds or more in all. tests/conftest.py then marks such a function slow
(a parametrized one: every case after its first), so the quick subset keeps one case of each and the full
suite runs them all. Read the diff before committing: a test that got slow may be a regression to fix.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIST = HERE / "slow-tests.txt"
HEADER = """\
# test functions too slow for the quick subset (`pytest -m "not slow"`), measured by tests/quick_subset.py;
# tests/conftest.py marks each slow (a parametrized one: every case after the first). One per line.
"""


def measure(threshold: float) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "-m", "not slow", "-q", "-p", "no:cacheprovider",
                           "--durations=0", "--durations-min=0.05"], cwd=HERE.parent, capture_output=True, text=True)
    seconds: dict[str, float] = defaultdict(float)
    for match in re.finditer(r"^([\d.]+)s (?:call|setup|teardown)\s+tests/(\S+?)(?:\[.*\])?$", done.stdout, re.M):
        seconds[match.group(2)] += float(match.group(1))
    return sorted(name for name, total in seconds.items() if total >= threshold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=1.0, help="seconds per test function (default 1.0)")
    args = parser.parse_args()
    known = {line for line in LIST.read_text().splitlines() if line and not line.startswith("#")} if LIST.exists() else set()
    names = sorted(known | set(measure(args.threshold)))  # a listed test is quick now only because it is listed
    LIST.write_text(HEADER + "".join(f"{name}\n" for name in names))
    print(f"{len(names)} test functions listed in {LIST.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
