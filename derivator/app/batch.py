"""Many inputs at once: `derivator check FILES… --jobs N` and `derivator list --verify --jobs N`.

Each input runs under its own hard limits (derivator.app.sandbox: a forked worker per input), N of them at
a time in a ProcessPoolExecutor, with a rich progress bar on stderr when stderr is a terminal. Results
come back in input order, already rendered by the worker: the parent process never imports SymPy.
One input that hangs or exhausts memory costs its own time limit and becomes a one-line error; the
others are unaffected.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from derivator.app.fsutil import is_stream, read_stream
from derivator.app.sandbox import Limits, run_limited
from derivator.core.errors import DerivatorError

MAX_FILE_BYTES = 5_000_000  # as derivator.check (not imported here: the parent stays light)


@dataclass
class Result:
    """One input's outcome: exit code 0/1 (judged), 2 (unreadable or a limit), with its rendering."""

    name: str
    exit_code: int
    error: str | None = None
    rendered: Any = None  # str for text formats, a dict for JSON
    seconds: float = 0.0
    unchecked: int = 0  # claims left unchecked (with --strict they fail the run)


WORKER_BYTES = 256 * 1024**2  # a pool worker with SymPy and the checker imported, besides its input's limit


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available_memory() -> int | None:
    """Bytes the machine can still give (MemAvailable in /proc/meminfo); None where unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def jobs_count(jobs: int, max_memory: int = 0) -> int:
    """--jobs: 0 for one per core, N ≥ 1 as given, but never more than the cores, nor more workers than
    the memory the machine has left can hold at their limit (each job is a pool worker and the sandboxed
    worker under it): a larger N is lowered with a note on stderr."""
    if jobs < 0:
        raise DerivatorError(f"--jobs {jobs} must be 0 (one per core) or more")
    cores = usable_cores()
    wanted = jobs or cores
    count = min(wanted, cores)
    reason = f"{cores} core{'s' if cores != 1 else ''}"
    free = available_memory()
    if free is not None:
        fits = max(1, free // (WORKER_BYTES + (max_memory or WORKER_BYTES)))
        if fits < count:
            count, reason = int(fits), f"memory for {fits} worker{'s' if fits != 1 else ''} at their limit"
    if count < wanted and jobs:
        sys.stderr.write(f"derivator: note: --jobs {jobs} lowered to {count} ({reason})\n")
    return count


# -- work done in the sandboxed worker -----------------------------------------------------------------------
def _check_one(path: str, format: str, lang: str, color: bool, width: int, flavor: str = "github",
               data: bytes | None = None) -> Result:
    from derivator.check import check_file
    from derivator.present import check_report

    report = check_file(path, data)
    if report.error is not None:
        return Result(report.file, 2, report.error)
    if format == "json":
        rendered: Any = check_report.report_dict(report, lang)
    elif format == "terminal":
        import io

        from rich.console import Console

        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=color, no_color=not color, width=width)
        check_report.render_terminal(report, lang, console)
        rendered = buffer.getvalue()
    else:
        from derivator.present.dispatch import render

        rendered = render(report, format, lang, flavor=flavor)
    return Result(report.file, report.exit_code, None, rendered, unchecked=report.counts()["unchecked"])


def _verify_one(name: str) -> Result:
    from derivator.pipeline import derive

    d = derive(name)
    failed = [s.rule for s in d.all_steps if not s.verified]
    if d.final_check is None or not d.final_check.ok:
        failed.append("final check against sympy.diff")
    return Result(name, 0 if not failed else 1, None, {"name": name, "verified": not failed, "steps": len(d.all_steps),
                                                        "unverified": failed})


def _limited(work: Callable[..., Result], name: str, args: tuple, limits: Limits) -> Result:
    """One input under its limits; a limit or an input error becomes a Result, never an exception."""
    import time

    start = time.perf_counter()
    try:
        result = run_limited(work, *args, limits=limits)
    except DerivatorError as err:
        label = "" if str(err).startswith(name) else f"{name}: "
        result = Result(name, err.exit_code if err.exit_code != 0 else 2, f"{label}{err}")
    result.seconds = time.perf_counter() - start
    return result


def _warm(modules: tuple[str, ...]) -> None:
    # each pool worker imports once; every input then forks from a warm process. A pool worker ends with
    # the CLI, whatever ended it (its own sandboxed children end with it in turn).
    import importlib

    from derivator.app.sandbox import die_with_parent

    die_with_parent()
    for module in modules:
        importlib.import_module(module)


# -- runner ------------------------------------------------------------------------------------------------
def run_all(
    items: list[tuple[str, Callable[..., Result], tuple]],
    *,
    jobs: int,
    limits: Limits,
    label: str,
    warm: tuple[str, ...] = (),
    progress: bool | None = None,
) -> list[Result]:
    """[(name, work, args)] → Results in the same order, `jobs` at a time."""
    results: list[Result | None] = [None] * len(items)
    show = (sys.stderr.isatty() and len(items) > 1) if progress is None else progress
    bar = _progress(show, label, len(items))
    with bar as advance:
        if jobs <= 1 or len(items) <= 1:
            for i, (name, work, args) in enumerate(items):
                results[i] = _limited(work, name, args, limits)
                advance(results[i])
        else:
            pool = ProcessPoolExecutor(min(jobs, len(items)), initializer=_warm, initargs=(warm,))
            try:
                futures = {pool.submit(_limited, work, name, args, limits): i for i, (name, work, args) in enumerate(items)}
                for future in as_completed(futures):
                    i = futures[future]
                    results[i] = future.result()
                    advance(results[i])
            except BaseException:  # SIGTERM, Ctrl-C: do not wait for the inputs still running
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
    return [r for r in results if r is not None]


class _progress:
    """A rich progress bar on stderr (or nothing); `advance(result)` moves it on."""

    def __init__(self, show: bool, label: str, total: int) -> None:
        self.show, self.label, self.total, self.bar = show, label, total, None

    def __enter__(self) -> Callable[[Result], None]:
        if not self.show:
            return lambda result: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("[dim]{task.fields[last]}"), console=Console(stderr=True), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task(self.label, total=self.total, last="")
        return lambda result: self.bar.update(task, advance=1, last=result.name[-40:])

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _report_width(to_terminal: bool) -> int:
    """The width the workers render a terminal report at: $COLUMNS when set (as rich reads it for
    derivations), else the terminal's, else 120 for a file or a pipe."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if to_terminal and sys.stdout.isatty() else 120
    except OSError:
        return 120


def check_files(files: Iterable[str], *, format: str, lang: str, jobs: int, limits: Limits,
                to_terminal: bool = True, progress: bool | None = None, flavor: str = "github") -> list[Result]:
    """`derivator check` on many files; `to_terminal`: the output goes to stdout (colour if it is a tty)."""
    files = list(files)
    color = to_terminal and format == "terminal" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = _report_width(to_terminal)
    items: list[tuple[str, Callable[..., Result], tuple]] = []
    slots: list[Result | None] = []  # in input order: a Result already known (unreadable stream), or None
    for path in files:
        args: tuple = (path, format, lang, color, width, flavor)
        if is_stream(path):
            # stdin and FIFOs are read here, under their own bound, before any worker's time runs
            try:
                args += (read_stream(path, limit=MAX_FILE_BYTES),)
            except DerivatorError as err:
                slots.append(Result(path, 2, str(err)))
                continue
        items.append((path, _check_one, args))
        slots.append(None)
    results = iter(run_all(items, jobs=jobs, limits=limits, label="checking", progress=progress,
                           warm=("derivator.check.extract", "derivator.check.judge", "derivator.present.check_report")))
    return [slot if slot is not None else next(results) for slot in slots]


def verify_catalog(names: Iterable[str], *, jobs: int, limits: Limits, progress: bool | None = None) -> list[Result]:
    """The catalog's self-check: every entry derived, traced and verified, each under its own limits."""
    items = [(name, _verify_one, (name,)) for name in names]
    return run_all(items, jobs=jobs, limits=limits, label="verifying the catalog", progress=progress,
                   warm=("derivator.pipeline",))
