"""Run hostile inputs through every reading path and classify what happened.

Used by tests/test_hostile.py (a fast subset, in the suite) and bench/hostile.py (everything, with counts).
Each input runs in a forked worker (derivator.app.sandbox) with hard limits, so a hang or a memory bomb is
recorded as such instead of stopping the run.

Outcomes:
  ok       the input was read and processed (valid input, or a document whose bad lines are `unchecked`)
  error    a DerivatorError: must be one line, and for the command-line paths name a position
  limit    the time or memory limit stopped the work (a finding: it should have been refused sooner)
  crash    any other exception: a bug
  pwned    injected code ran (the canary file exists, or a marker appeared in the output)
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from derivator.core.errors import DerivatorError
from derivator.app.sandbox import Limits, run_limited
from derivator.core.errors import LimitError

HERE = Path(__file__).resolve().parent
CANARY = "HOSTILE_CANARY"
MARKERS = ("PWNED", "root:x:0:0", "HOSTILE_CANARY_RAN")
POSITION = re.compile(r"\b(column|line|byte)\s+\d+")
LIMITS = Limits(timeout=5.0, max_memory=1024**3)

# Known to exceed the time limit (the sandbox stops them after 5 s, one line, exit 2, but no position).
# Reported to the owners; tests/test_hostile.py fails when one gets fast, so it can leave this list.
KNOWN_SLOW = {
    # Max/Piecewise/& of 800-1,000 arguments; x^x^…^x 300 levels deep (found by atheris)
    # and sin(exp(exp(14))！) < 0: a fullwidth '!' makes a factorial of e^(e^14) (found by atheris: never returns)
    "latex": {"cur-size-040.txt", "cur-size-041.txt", "cur-size-042.txt", "cur-found-000.txt", "cur-found-002.txt"},
    "derive": {"cur-size-046.txt"},  # (x+1)**1000*(x+2)**1000*(x+3)**1000: the engine expands
    # 5,000 unclosed inline '$x '; e^{e^{e^{e^{20}}}} in an align row (found by atheris: judged
    # numerically, never finishes)
    "check": {"cur-unclosed-inline.md", "cur-found-000.tex"},
}
# Known to crash a path (an exception other than DerivatorError), reported to the path's owner.
KNOWN_BROKEN = {
    "latex": {"cur-found-001.txt"},  # TypeError: unsupported operand type(s) for *: 'Symbol' and 'Equality'
}


@dataclass
class Outcome:
    path: str  # which reading path: text, latex, derive, check
    kind: str  # ok, error, limit, crash, pwned
    message: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


def corpus(kind: str, prefix: str = "") -> list[Path]:
    """Corpus files of one kind ('expr' or 'doc'), sorted, optionally only those starting with prefix."""
    return sorted(p for p in (HERE / kind).iterdir() if p.name.startswith(prefix))


def as_argument(data: bytes) -> str:
    """The str Python would see for these bytes as a command-line argument (surrogateescape)."""
    return data.decode("utf-8", "surrogateescape")


# -- work done inside the worker ---------------------------------------------------------------------------
def _text(source: str):
    from derivator import catalog
    from derivator.parse.text import parse_text

    return str(parse_text(source, functions=catalog.callables(), variables=("x",)))[:200]


def _latex(source: str):
    from derivator.parse.latex import parse_latex

    return str(parse_latex(source))[:200]


def _derive(source: str):
    from derivator.pipeline import derive
    from derivator.present.json import render_json
    from derivator.present.latex import render_latex
    from derivator.present.markdown import render_markdown

    d = derive(source)
    return render_latex(d) + render_markdown(d, lang="ja") + render_json(d)


def _check(path: str):
    from derivator.check import check_file

    report = check_file(path)
    if report.error is not None:
        raise DerivatorError(report.error)
    from derivator.present import check_report

    return check_report.render_json_many([report], "en")


WORK = {"text": _text, "latex": _latex, "derive": _derive, "check": _check}


def run_one(path: str, argument: str, *, limits: Limits = LIMITS, need_position: bool = True) -> Outcome:
    """Run one reading path on one input in a limited worker, in the current directory.

    For "check", argument is the path of the document."""
    start = time.perf_counter()
    outcome = Outcome(path, "ok")
    try:
        result = run_limited(WORK[path], argument, limits=limits)
        outcome.message = str(result)[:300]
    except LimitError as err:
        outcome.kind, outcome.message = "limit", str(err)
    except DerivatorError as err:
        outcome.kind, outcome.message = ("crash" if err.exit_code == 3 else "error"), str(err)
    outcome.seconds = time.perf_counter() - start
    if path == "check":
        argument = Path(argument).read_bytes().decode("utf-8", "replace")
    if outcome.kind == "crash":
        outcome.problems.append(f"crash: {outcome.message}")
    if outcome.kind == "limit":
        outcome.problems.append(f"hit a limit instead of being refused: {outcome.message}")
    if outcome.kind == "error":
        if "\n" in outcome.message or "Traceback" in outcome.message:
            outcome.problems.append(f"error is not one line: {outcome.message!r}")
        if need_position and not POSITION.search(outcome.message):
            outcome.problems.append(f"error names no position: {outcome.message}")
    if os.path.exists(CANARY):
        os.unlink(CANARY)
        outcome.kind = "pwned"
        outcome.problems.append("injected code ran: the canary file was created")
    if any(marker in outcome.message and marker not in argument for marker in MARKERS):
        # (a report may quote the input's own text; a marker the input did not contain came from running it)
        outcome.kind = "pwned"
        outcome.problems.append("a marker of injected code or a read file appeared in the output")
    if outcome.seconds > 5.5:
        outcome.problems.append(f"took {outcome.seconds:.1f} s")
    return outcome


def run_batch(path: str, arguments: list[str]) -> list[tuple[str, str, float]]:
    """Many inputs of one fast path (text, latex) in ONE worker: (kind, message, seconds) each.

    For parsers that must answer in milliseconds: a batch that hangs fails as a whole, and
    run_one then finds the culprit.
    """
    results = []
    for argument in arguments:
        start = time.perf_counter()
        try:
            WORK[path](argument)
            kind, message = "ok", ""
        except DerivatorError as err:
            kind, message = "error", str(err)
        except Exception as err:  # noqa: BLE001 — a crash is what we are looking for
            kind, message = "crash", f"{type(err).__name__}: {err}"[:300]
        results.append((kind, message, time.perf_counter() - start))
    return results
