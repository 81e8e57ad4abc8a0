"""Hostile conditions around the command line: planted files, a shared cache, signals, odd limits.

The corpus beside this file is hostile *input*; these are hostile *surroundings* (issue 10): a cache
folder someone else can write to, a FIFO where a file is expected, a full disk, a signal in the middle of
the work, an output name made to break out of a document. Each scenario sets up a scratch folder, runs
the real command line in it (`python -m derivator`, a fresh process each time) and says what went wrong.

Every run is also judged the same way, whatever the scenario:
  traceback       "Traceback" on stderr
  internal error  exit code 3 (or "internal error" on stderr): a bug, not a refusal
  hang            no exit within the run's own guard (the CLI's limits must end it well before)
  files touched   a file in the scratch folder changed, appeared or vanished outside the run's outputs
  code executed   the canary file appeared (an injected command ran)

Used by tests/test_hostile_scenarios.py (each scenario is a test) and bench/hostile.py (counts).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# the tree under test: this one, or another checkout (to see a scenario fail on code without its fix)
ROOT = Path(os.environ.get("DERIVATOR_TREE") or Path(__file__).resolve().parents[2])
CANARY = "HOSTILE_CANARY"
GUARD = 30.0  # seconds: the outer bound of one run; a run that needs it has hung


@dataclass
class Run:
    argv: list[str]
    code: int | None  # None: still running at the guard (a hang)
    stdout: bytes
    stderr: bytes
    seconds: float

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Outcome:
    name: str
    finding: int
    problems: list[str] = field(default_factory=list)
    tracebacks: int = 0
    internal_errors: int = 0
    hangs: int = 0
    files_touched: int = 0
    code_executed: int = 0
    runs: int = 0
    seconds: float = 0.0
    skipped: str | None = None


class Skip(Exception):
    """The scenario cannot run here (needs root, or Linux /proc)."""


def _digest(path: Path, st: os.stat_result) -> tuple:
    kind = stat.S_IFMT(st.st_mode)
    if stat.S_ISREG(st.st_mode):
        return (kind, st.st_ino, st.st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    if stat.S_ISLNK(st.st_mode):
        return (kind, st.st_ino, os.readlink(path))
    return (kind, st.st_ino, st.st_rdev)


def snapshot(root: Path, skip: set[Path]) -> dict[str, tuple]:
    """Every path under root (symlinks not followed), with what it is and holds; `skip` subtrees left out."""
    seen: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in dirs + files:
            path = here / name
            if path in skip:
                continue
            st = path.lstat()
            seen[str(path.relative_to(root))] = _digest(path, st) if not stat.S_ISDIR(st.st_mode) else ("dir",)
    return seen


class Ctx:
    """A scenario's scratch folder, the runs made in it, and the problems found."""

    def __init__(self, root: Path, outcome: Outcome) -> None:
        self.root = root
        self.cache = root / "cache"  # $XDG_CACHE_HOME
        self.outcome = outcome
        self.allowed: set[Path] = {self.cache}
        self._before: dict[str, tuple] | None = None
        self.cleanups: list[Callable[[], object]] = []

    # -- setting up -------------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        return self.root / name

    def write(self, name: str, data: bytes | str = b"precious\n") -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def entries(self) -> list[Path]:
        folder = self.cache / "derivator"
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    # -- running ----------------------------------------------------------------------------------
    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ, XDG_CACHE_HOME=str(self.cache), NO_COLOR="1")
        for name in ("DERIVATOR_NO_CACHE", "DERIVATOR_NO_SANDBOX", "DERIVATOR_DEBUG", "DERIVATOR_TIMEOUT",
                     "DERIVATOR_MAX_MEMORY"):
            env.pop(name, None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env.update(extra or {})
        return env

    def command(self, args: list[str], preload: str | None = None) -> list[str]:
        if preload is None:
            return [sys.executable, "-m", "derivator", *args]
        # a patch applied before derivator starts (a full disk, a read-only folder), then the real CLI
        boot = preload + "\nimport runpy, sys\nsys.argv[0] = 'derivator'\nrunpy.run_module('derivator', run_name='__main__')"
        return [sys.executable, "-c", boot, *args]

    def cli(self, *args: str, outputs: tuple[str | Path, ...] = (), env: dict[str, str] | None = None,
            stdin: bytes | int | None = subprocess.DEVNULL, stdout: int | None = None, guard: float = GUARD,
            preload: str | None = None) -> Run:
        """One run of the command line in the scratch folder; `outputs` may change, nothing else may."""
        if self._before is None:
            self.protect()
        self.allowed |= {self.root / o for o in outputs}
        argv = self.command(list(args), preload)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=self.root, env=self.env(env), start_new_session=True,
                                stdin=subprocess.PIPE if isinstance(stdin, bytes) else stdin,
                                stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(stdin if isinstance(stdin, bytes) else None, timeout=guard)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            code = None
        run = Run(list(args), code, out or b"", err or b"", time.perf_counter() - start)
        self.judge(run)
        return run

    def judge(self, run: Run) -> None:
        o = self.outcome
        o.runs += 1
        o.seconds += run.seconds
        label = " ".join(run.argv)[:80]
        if run.code is None:
            o.hangs += 1
            self.problem(f"{label}: no exit within its guard")
        if "Traceback" in run.err:
            o.tracebacks += 1
            self.problem(f"{label}: traceback on stderr")
        if run.code == 3 or "internal error" in run.err:
            o.internal_errors += 1
            self.problem(f"{label}: internal error: {run.err.strip()[:160]}")

    def protect(self) -> None:
        """Take the picture of the folder that later runs are compared with (done at the first run)."""
        self._before = snapshot(self.root, {self.cache})

    # -- judging ----------------------------------------------------------------------------------
    def problem(self, text: str) -> None:
        self.outcome.problems.append(text)

    def expect(self, condition: bool, text: str) -> bool:
        if not condition:
            self.problem(text)
        return condition

    def one_line_error(self, run: Run, *fragments: str, code: int = 2) -> None:
        """Refused as promised: exit code 2, exactly one line on stderr, holding every fragment."""
        label = " ".join(run.argv)[:60]
        self.expect(run.code == code, f"{label}: exit code {run.code}, not {code}: {run.err.strip()[:160]}")
        self.expect(len(run.lines) == 1, f"{label}: {len(run.lines)} lines on stderr: {run.err.strip()[:200]}")
        for fragment in fragments:
            self.expect(fragment in run.err, f"{label}: {fragment!r} not in {run.err.strip()[:160]!r}")

    def ok(self, run: Run, *, warnings: int = 0) -> None:
        """Answered: exit code 0, and at most `warnings` lines on stderr."""
        label = " ".join(run.argv)[:60]
        self.expect(run.code == 0, f"{label}: exit code {run.code}: {run.err.strip()[:200]}")
        self.expect(len(run.lines) <= warnings, f"{label}: {len(run.lines)} lines on stderr: {run.err.strip()[:200]}")

    def finish(self) -> None:
        if self._before is None:
            return
        after = snapshot(self.root, {self.cache})
        allowed = {str(p.relative_to(self.root)) for p in self.allowed if p.is_relative_to(self.root)}

        def free(rel: str) -> bool:
            # an output may bring its temporary files and side files; nothing else may change
            return any(rel == a or rel.startswith(a + os.sep) for a in allowed)

        changed = sorted(k for k in set(self._before) | set(after)
                         if self._before.get(k) != after.get(k) and not free(k))
        if changed:
            self.outcome.files_touched += len(changed)
            self.problem("files touched outside the outputs: " + ", ".join(changed[:8]))
        if (self.root / CANARY).exists():
            self.outcome.code_executed += 1
            self.problem("injected code ran: the canary file exists")


SCENARIOS: dict[str, tuple[int, Callable[[Ctx], None], bool]] = {}


def scenario(finding: int, *, slow: bool = False):
    def register(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        SCENARIOS[fn.__name__] = (finding, fn, slow)
        return fn

    return register


def run_scenario(name: str, base: Path | None = None) -> Outcome:
    finding, fn, _ = SCENARIOS[name]
    outcome = Outcome(name, finding)
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        ctx = Ctx(Path(tmp), outcome)
        try:
            fn(ctx)
            ctx.finish()
        except Skip as why:
            outcome.skipped = str(why)
        finally:
            for cleanup in reversed(ctx.cleanups):
                cleanup()
            _unfreeze(Path(tmp))
    return outcome


def _unfreeze(root: Path) -> None:
    # scenarios make folders read-only; the scratch folder must still be removable
    for folder, dirs, _ in os.walk(root):
        for d in dirs:
            try:
                os.chmod(os.path.join(folder, d), 0o700, follow_symlinks=False)
            except (OSError, NotImplementedError):
                pass


def need_root() -> None:
    if os.geteuid() != 0:
        raise Skip("needs root (chown to another user)")


FAST = ("sigmoid", "--format", "latex")  # a cached command: ~1 s


# =================================================================================================
# 2. the cache folder is trusted blindly
# =================================================================================================
def _warm(ctx: Ctx) -> Run:
    """Fill the cache with FAST's entries (the derive key and the command-line key)."""
    first = ctx.cli(*FAST)
    ctx.ok(first)
    ctx.expect(len(ctx.entries()) == 2, f"expected 2 cache entries, found {len(ctx.entries())}")
    return first


@scenario(2)
def cache_folder_is_private(ctx: Ctx) -> None:
    ctx.cli(*FAST)
    folder = ctx.cache / "derivator"
    ctx.expect(folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) == 0o700,
               f"cache folder mode {oct(stat.S_IMODE(folder.stat().st_mode)) if folder.exists() else 'missing'}")


@scenario(2)
def cache_dangling_symlinks_are_not_followed(ctx: Ctx) -> None:
    first = _warm(ctx)
    for i, entry in enumerate(ctx.entries()):
        entry.unlink()
        entry.symlink_to(ctx.root / f"planted-target-{i}")
        (entry.parent / f".{entry.name}.tmp").symlink_to(ctx.root / f"planted-tmp-{i}")
    again = ctx.cli(*FAST)
    ctx.ok(again, warnings=1)
    ctx.expect(again.stdout == first.stdout, "a different answer after planted symlinks")
    ctx.expect(not list(ctx.root.glob("planted-*")), "a file was created at a planted symlink's target")


@scenario(2)
def cache_entry_of_another_user_is_not_served(ctx: Ctx) -> None:
    need_root()
    first = _warm(ctx)
    for entry in ctx.entries():
        _forge(entry, "PLANTED")
        os.chown(entry, 65534, 65534)
    again = ctx.cli(*FAST)
    ctx.ok(again, warnings=1)
    ctx.expect(b"PLANTED" not in again.stdout and again.stdout == first.stdout, "served another user's entry")


@scenario(2)
def cache_entry_writable_by_others_is_not_served(ctx: Ctx) -> None:
    first = _warm(ctx)
    for entry in ctx.entries():
        _forge(entry, "PLANTED")
        entry.chmod(0o666)
    again = ctx.cli(*FAST)
    ctx.ok(again, warnings=1)
    ctx.expect(b"PLANTED" not in again.stdout and again.stdout == first.stdout, "served a world-writable entry")


@scenario(2)
def cache_folder_writable_by_others_is_not_used(ctx: Ctx) -> None:
    first = _warm(ctx)
    for entry in ctx.entries():
        _forge(entry, "PLANTED")
    (ctx.cache / "derivator").chmod(0o777)
    again = ctx.cli(*FAST)
    ctx.ok(again, warnings=1)
    ctx.expect(b"PLANTED" not in again.stdout and again.stdout == first.stdout, "used a world-writable cache folder")


@scenario(2)
def cache_folder_symlink_is_not_followed(ctx: Ctx) -> None:
    elsewhere = ctx.root / "elsewhere"
    elsewhere.mkdir()
    ctx.cache.mkdir()
    (ctx.cache / "derivator").symlink_to(elsewhere)
    ctx.protect()
    ctx.ok(ctx.cli(*FAST), warnings=1)
    ctx.expect(not list(elsewhere.iterdir()), "wrote through a symlinked cache folder")


@scenario(2)
def cache_entry_with_a_bad_checksum_is_dropped(ctx: Ctx) -> None:
    first = _warm(ctx)
    for entry in ctx.entries():
        body = json.loads(entry.read_text())
        body["output"] = "PLANTED"  # the checksum is left as it was
        entry.write_text(json.dumps(body))
    again = ctx.cli(*FAST)
    ctx.ok(again, warnings=1)
    ctx.expect(again.stdout == first.stdout, "served an entry whose checksum does not match")


def _forge(entry: Path, output: str) -> None:
    """Rewrite an entry with another output and a checksum that matches it (what a planter would do)."""
    body = json.loads(entry.read_text())
    body["output"] = output
    key = body.get("key", "")
    body["checksum"] = hashlib.sha256(f"{key}\0{output}".encode()).hexdigest()
    entry.write_text(json.dumps(body))


# =================================================================================================
# 3. cache failures are fatal
# =================================================================================================
READ_ONLY = """
import errno, os
_open = os.open
def _refuse(path, flags, *args, **kwargs):
    if flags & os.O_CREAT and kwargs.get("dir_fd") is not None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
    return _open(path, flags, *args, **kwargs)
os.open = _refuse
"""
FULL_DISK = """
import errno, os, stat
_write = os.write
def _full(fd, data):
    if stat.S_ISREG(os.fstat(fd).st_mode):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return _write(fd, data)
os.write = _full
"""


@scenario(3)
def cache_read_only_folder(ctx: Ctx) -> None:
    for _ in range(2):
        ctx.ok(ctx.cli(*FAST, preload=READ_ONLY), warnings=1)


@scenario(3)
def cache_full_disk(ctx: Ctx) -> None:
    run = ctx.cli(*FAST, preload=FULL_DISK)
    ctx.ok(run, warnings=1)
    ctx.expect(b"sigma" in run.stdout, "no result on a full disk")
    ctx.expect(not list((ctx.cache / "derivator").glob(".*.tmp")), "a temporary cache file was left behind")


@scenario(3)
def cache_directory_at_the_entry_path(ctx: Ctx) -> None:
    first = _warm(ctx)
    for entry in ctx.entries():
        entry.unlink()
        entry.mkdir()
        (entry / "inside").write_text("x")
    for _ in range(2):
        run = ctx.cli(*FAST)
        ctx.ok(run, warnings=1)
        ctx.expect(run.stdout == first.stdout, "a different answer with a directory at the entry path")


@scenario(3)
def cache_deeply_nested_entry(ctx: Ctx) -> None:
    first = _warm(ctx)
    for entry in ctx.entries():
        entry.write_text("[" * 200_000 + "]" * 200_000)
    second = ctx.cli(*FAST)
    ctx.ok(second, warnings=1)
    third = ctx.cli(*FAST)
    ctx.ok(third)  # the bad entry was dropped and rewritten: no warning the second time
    ctx.expect(second.stdout == first.stdout == third.stdout, "a different answer after a nested entry")


@scenario(3)
def cache_fifo_at_the_entry_path(ctx: Ctx) -> None:
    first = _warm(ctx)
    for entry in ctx.entries():
        entry.unlink()
        os.mkfifo(entry)
    run = ctx.cli(*FAST, guard=15)
    ctx.ok(run, warnings=1)
    ctx.expect(run.stdout == first.stdout, "a different answer with a FIFO at the entry path")
    ctx.expect(run.code is None or run.seconds < 10, f"took {run.seconds:.1f} s with a FIFO in the cache")


# =================================================================================================
# 4. SIGTERM or SIGHUP to the CLI leaves the sandbox worker running
# =================================================================================================
ENDLESS = "(x+1)**1000*(x+2)**1000*(x+3)**1000"  # the engine expands it for minutes


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def descendants(pid: int) -> set[int]:
    """Every live process below pid (from /proc)."""
    parents = {int(p): _parent_of(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {p for p in found if _alive(p)}


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except OSError:
        return False


def _signal_mid_work(ctx: Ctx, signum: int, args: list[str], *, workers: int = 1) -> None:
    """Start the CLI on endless work, wait for its workers, signal the CLI alone, and require every
    worker gone within a second."""
    if not os.path.isdir("/proc/self"):
        raise Skip("needs Linux /proc")
    ctx.protect()
    # stderr to a file, not a pipe: a worker left behind would hold a pipe open and hide that the CLI ended
    err_file = tempfile.TemporaryFile()
    proc = subprocess.Popen(ctx.command(args), cwd=ctx.root, env=ctx.env(), start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err_file)
    start = time.perf_counter()
    try:
        below: set[int] = set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(below) < workers:
            time.sleep(0.1)
            below = descendants(proc.pid)
        if not ctx.expect(len(below) >= workers, f"only {len(below)} worker(s) started"):
            return
        time.sleep(0.5)  # into the work
        below = descendants(proc.pid)
        os.kill(proc.pid, signum)
        signalled = time.monotonic()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            ctx.outcome.hangs += 1
            ctx.problem(f"the CLI did not end within 10 s of {signal.Signals(signum).name}")
        while time.monotonic() < signalled + 1.0 and any(_alive(p) for p in below):
            time.sleep(0.02)
        left = [p for p in below if _alive(p)]
        ctx.expect(not left, f"{len(left)} worker(s) still running 1 s after {signal.Signals(signum).name} "
                             f"to the CLI")
        err_file.seek(0)
        ctx.judge(Run(args, proc.returncode if proc.returncode is not None else -1, b"", err_file.read(),
                      time.perf_counter() - start))
    finally:
        for p in descendants(proc.pid) | below:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
        err_file.close()


@scenario(4)
def sigterm_ends_the_worker(ctx: Ctx) -> None:
    _signal_mid_work(ctx, signal.SIGTERM, ["derive", ENDLESS, "-f", "json", "--no-cache"])


@scenario(4)
def sighup_ends_the_worker(ctx: Ctx) -> None:
    _signal_mid_work(ctx, signal.SIGHUP, ["derive", ENDLESS, "-f", "json", "--no-cache"])


@scenario(4)
def sigterm_ends_the_worker_without_a_time_limit(ctx: Ctx) -> None:
    _signal_mid_work(ctx, signal.SIGTERM, ["derive", ENDLESS, "-f", "json", "--no-cache", "--timeout", "0"])


@scenario(4)
def sigkill_ends_the_worker_without_a_time_limit(ctx: Ctx) -> None:
    # no handler sees SIGKILL: the worker must end with its parent by itself (PR_SET_PDEATHSIG)
    _signal_mid_work(ctx, signal.SIGKILL, ["derive", ENDLESS, "-f", "json", "--no-cache", "--timeout", "0"])


@scenario(4)
def sigterm_ends_every_batch_worker(ctx: Ctx) -> None:
    endless = (Path(__file__).parent / "doc" / "cur-found-000.tex").read_bytes()  # judged for ever
    for i in range(2):
        ctx.write(f"slow{i}.tex", endless)
    _signal_mid_work(ctx, signal.SIGTERM, ["check", "slow0.tex", "slow1.tex", "--jobs", "2", "--timeout", "0"],
                     workers=4)


# =================================================================================================
# 5. doc, plot and notebooks not written atomically; side files overwritten
# =================================================================================================
@scenario(5, slow=True)
def doc_keeps_a_side_file_it_did_not_make(ctx: Ctx) -> None:
    ctx.write("report-plot.pdf", b"%PDF-1.4 someone's own figure\n")
    refused = ctx.cli("doc", "sigmoid", "-o", "report.tex", outputs=("report.tex",))
    ctx.one_line_error(refused, "report-plot.pdf", "--force")
    ctx.expect(not ctx.path("report.tex").exists(), "the document was written although its plot was refused")
    forced = ctx.cli("doc", "sigmoid", "-o", "report.tex", "--force", outputs=("report.tex", "report-plot.pdf"))
    ctx.expect(forced.code == 0, f"--force: exit code {forced.code}: {forced.err[:160]}")
    again = ctx.cli("doc", "sigmoid", "-o", "report.tex", outputs=("report.tex", "report-plot.pdf"))
    ctx.expect(again.code == 0, f"its own plot was not replaced: {again.err[:160]}")


def _tiny_disk(ctx: Ctx, size: str = "256k") -> Path:
    """A small tmpfs under the scratch folder (root only), unmounted when the scenario ends."""
    need_root()
    mount = ctx.path("disk")
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        raise Skip("cannot mount a tmpfs here")
    ctx.cleanups.append(lambda: subprocess.run(["umount", "-l", str(mount)], capture_output=True))
    return mount


def _fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


@scenario(5, slow=True)
def full_disk_keeps_every_existing_output(ctx: Ctx) -> None:
    disk = _tiny_disk(ctx, "8m")
    made = {
        "s.json": ["sigmoid", "-f", "json", "--no-cache", "-o"],
        "relu.ipynb": ["doc", "relu", "--template", "notebook", "-o"],
        "relu.png": ["plot", "relu", "-o"],
        "relu.tex": ["doc", "relu", "-o"],
        "cmp.svg": ["compare", "relu", "step", "-f", "json", "--no-cache", "--plot"],
    }
    for name, args in made.items():
        run = ctx.cli(*args, str(disk / name))
        if not ctx.expect(run.code == 0, f"{name}: not made on an empty disk: {run.err[:160]}"):
            return
    before = {p.name: p.read_bytes() for p in disk.iterdir()}
    _fill(disk)
    ctx.protect()
    for name, args in made.items():
        run = ctx.cli(*args, str(disk / name))
        ctx.one_line_error(run)
    after = {p.name: p.read_bytes() for p in disk.iterdir() if p.name != "filler"}
    cut = sorted(n for n in before if after.get(n) != before[n])
    ctx.expect(not cut, f"cut or lost on a full disk: {', '.join(cut)}")
    ctx.expect(not [n for n in after if n not in before], f"left behind: {sorted(set(after) - set(before))}")


# =================================================================================================
# never replace or truncate a non-regular file, nor a file derivator did not create
# =================================================================================================
POST = "$$\\frac{d}{dx} x^2 = 2x$$\n"
WRITERS = {  # command → (arguments before the target, the target's name)
    "derive": (["sigmoid", "-f", "json", "--no-cache", "-o"], "out.json"),
    "derive-cached": (["sigmoid", "-f", "json", "-o"], "out.json"),
    "check": (["check", "post.md", "-o"], "report.md"),
    "doc": (["doc", "sigmoid", "-o"], "report.tex"),
    "doc-side-file": (["doc", "sigmoid", "-o", "report.tex"], "report-plot.pdf"),
    "plot": (["plot", "sigmoid", "-o"], "figure.svg"),
    "compare": (["compare", "sigmoid", "step", "-f", "json", "--no-cache", "--plot"], "figure.png"),
    "notebook": (["doc", "relu", "--template", "notebook", "-o"], "relu.ipynb"),
}
KINDS = ("fifo", "directory", "device", "foreign")  # foreign: a regular file derivator did not make


def _plant(ctx: Ctx, name: str, kind: str) -> tuple:
    path = ctx.path(name)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
        (path / "kept").write_text("kept\n")
    elif kind == "device":
        need_root()
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    else:
        path.write_bytes(b"someone else's file\n")
    st = path.lstat()
    return stat.S_IFMT(st.st_mode), st.st_ino, st.st_rdev


def _never_replaces(command: str, kind: str) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        before, target = WRITERS[command]
        ctx.write("post.md", POST)
        if command == "derive-cached":
            ctx.ok(ctx.cli(*before, "warm.json", outputs=("warm.json",)))
        planted = _plant(ctx, target, kind)
        ctx.protect()
        args = [*before] if command == "doc-side-file" else [*before, target]
        # a document written into a FIFO or device in place may still bring its plot beside it
        outputs = ("report.tex",) if command == "doc-side-file" else ("report-plot.pdf",) if command == "doc" else ()
        done = ctx.cli(*args, outputs=outputs, guard=20)
        ctx.expect(done.code in (0, 2), f"exit code {done.code}: {done.err[:160]}")
        if done.code == 2:
            ctx.one_line_error(done)
        st = ctx.path(target).lstat()
        ctx.expect((stat.S_IFMT(st.st_mode), st.st_ino, st.st_rdev) == planted,
                   f"{command}: the {kind} at {target} was replaced")
        if kind == "directory":
            ctx.expect((ctx.path(target) / "kept").read_text() == "kept\n", f"{command}: the directory's file changed")
        if kind == "foreign":
            ctx.expect(ctx.path(target).read_bytes() == b"someone else's file\n", f"{command}: {target} was overwritten")
    return run


for _command in WRITERS:
    # foreign: an output the user names is theirs to replace; only side files are protected
    for _kind in KINDS if _command == "doc-side-file" else KINDS[:-1]:
        _fn = _never_replaces(_command, _kind)
        _fn.__name__ = f"never_replaces_{_kind}_via_{_command.replace('-', '_')}"
        scenario(5, slow=_command in ("doc", "notebook", "compare"))(_fn)


# =================================================================================================
# 6. strings reaching a document unescaped
# =================================================================================================
TEX_BREAKOUT = f"x}}\\immediate\\write18{{touch {CANARY}}}\\iffalse{{.tex"
HTML_BREAKOUT = "<img src=x onerror=alert(1)>"


def compile_tex(ctx: Ctx, tex: Path, *, engine: str = "pdflatex", shell_escape: bool = False) -> subprocess.CompletedProcess | None:
    """Compile a copy of the document (and the figures beside it) in its own folder; None without TeX."""
    import shutil

    if shutil.which(engine) is None:
        return None
    folder = ctx.path("compile")
    folder.mkdir(exist_ok=True)
    ctx.allowed.add(folder)
    for figure in tex.parent.glob("*-plot.pdf"):
        shutil.copy(figure, folder / figure.name)
    shutil.copy(tex, folder / "doc.tex")  # a plain name: the file name on TeX's command line is TeX too
    argv = [engine, "-interaction=nonstopmode", "-halt-on-error", *(["-shell-escape"] if shell_escape else []), "doc.tex"]
    return subprocess.run(argv, cwd=folder, capture_output=True, timeout=120)


@scenario(6, slow=True)
def output_name_cannot_inject_tex(ctx: Ctx) -> None:
    run = ctx.cli("doc", "sigmoid", "-o", TEX_BREAKOUT, outputs=(TEX_BREAKOUT,))
    ctx.ok(run, warnings=2)  # "wrote …" lines
    written = [p for p in ctx.root.iterdir() if p.name.endswith("-plot.pdf")]
    ctx.allowed |= set(written)
    ctx.expect(all(set(p.name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") for p in written),
               f"the plot's name keeps TeX specials: {[p.name for p in written]}")
    source = ctx.path(TEX_BREAKOUT).read_text()
    ctx.expect("\\immediate\\write18" not in source, "the output name reached the document unescaped")
    done = compile_tex(ctx, ctx.path(TEX_BREAKOUT), shell_escape=True)
    if done is not None:
        ctx.expect(done.returncode == 0, f"pdflatex failed: {done.stdout.decode(errors='replace')[-300:]}")
        ctx.expect(not (ctx.path("compile") / CANARY).exists() and not ctx.path(CANARY).exists(),
                   "\\write18 ran when the article was compiled with shell escape")


def _no_live_html(ctx: Ctx, markdown: str, where: str) -> None:
    import re

    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    ctx.expect(not re.search(r"<img\b[^>]*\sonerror\s*=", html), f"{where}: live HTML from a file name")


def _blog_name_is_escaped(flavor: str) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        name = f"{HTML_BREAKOUT}.md"
        done = ctx.cli("doc", "sigmoid", "--template", "blog", "--flavor", flavor, "-o", name, outputs=(name,))
        ctx.ok(done, warnings=2)
        ctx.allowed |= {p for p in ctx.root.iterdir() if p.name.endswith("-plot.png")}
        _no_live_html(ctx, ctx.path(name).read_text(), flavor)
    return run


for _flavor in ("github", "qiita", "zenn", "hatena", "wordpress", "mkdocs", "jupyter"):
    _fn = _blog_name_is_escaped(_flavor)
    _fn.__name__ = f"output_name_cannot_inject_html_{_flavor}"
    scenario(6, slow=True)(_fn)


# =================================================================================================
# 7. time limits multiplied without saying so; waiting for input counted as work
# =================================================================================================
def _time_limit_is_the_whole_command(args: list[str]) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        done = ctx.cli(*args, "--timeout", "1", "--no-cache", guard=20) if args[0] != "doc" else \
            ctx.cli(*args, "--timeout", "1", guard=20, outputs=("t.tex", "t-plot.pdf"))
        ctx.one_line_error(done, "after 1 s of work")
        ctx.expect(done.seconds < 12, f"took {done.seconds:.1f} s against --timeout 1")
    return run


for _label, _args in {"facts": ["derive", "mish", "--facts", "-f", "json"],
                      "doc": ["doc", "mish", "--facts", "-o", "t.tex"],
                      "compare": ["compare", "mish", "gelu", "swish", "-f", "json"]}.items():
    _fn = _time_limit_is_the_whole_command(_args)
    _fn.__name__ = f"timeout_is_for_the_whole_command_{_label}"
    scenario(7)(_fn)


@scenario(7)
def stdin_that_never_ends_has_its_own_bound(ctx: Ctx) -> None:
    read_end, write_end = os.pipe()  # the write end stays open: the input never ends
    try:
        done = ctx.cli("check", "-", stdin=read_end, env={"DERIVATOR_INPUT_TIMEOUT": "2"}, guard=20)
    finally:
        os.close(read_end)
        os.close(write_end)
    ctx.one_line_error(done, "<stdin>", "no end of input after 2 s")
    ctx.expect("time limit" not in done.err, "waiting for input reported as a time limit")


@scenario(7)
def fifo_without_a_writer_has_its_own_bound(ctx: Ctx) -> None:
    os.mkfifo(ctx.path("post.md"))
    done = ctx.cli("check", "post.md", env={"DERIVATOR_INPUT_TIMEOUT": "2"}, guard=20)
    ctx.one_line_error(done, "post.md", "no end of input after 2 s")
    ctx.expect("time limit" not in done.err, "waiting for input reported as a time limit")


@scenario(7)
def piped_stdin_is_checked(ctx: Ctx) -> None:
    done = ctx.cli("check", "-", "--format", "json", stdin=POST.encode())
    ctx.ok(done)
    ctx.expect(b'"ok": true' in done.stdout, f"stdin not judged: {done.stdout[:200]!r}")


# =================================================================================================
# 12. cached answers depend on machine load
# =================================================================================================
STARVED = """
import derivator.core.budget as _b
_within = _b.within
_b.within = lambda seconds: _within(min(seconds, 0.001))  # every optional step runs out of time
"""


@scenario(12, slow=True)
def result_shaped_by_a_budget_is_not_cached(ctx: Ctx) -> None:
    args = ("sigmoid", "--facts", "-f", "json")
    starved = ctx.cli(*args, preload=STARVED)
    ctx.ok(starved)
    ctx.expect(not ctx.entries(), f"a result shaped by a time budget was cached ({len(ctx.entries())} entries)")
    fresh = ctx.cli(*args)
    reference = ctx.cli(*args, "--no-cache")
    ctx.expect(fresh.stdout == reference.stdout, "an answer computed under a budget was served later")


# =================================================================================================
# 11. terminal and markup injection through check
# =================================================================================================
ESCAPES = "$$\\frac{d}{dx} x^2 = 2x \x1b[8m hidden \x1b]0;title\x07 \x9b2J$$\n\x1b[31mred prose\x1b[0m\n"


@scenario(11)
def check_never_echoes_escape_sequences(ctx: Ctx) -> None:
    ctx.write("post.md", ESCAPES)
    for fmt in ("terminal", "markdown", "latex", "json"):
        done = ctx.cli("check", "post.md", "--format", fmt)
        ctx.expect(done.code in (0, 1), f"{fmt}: exit code {done.code}: {done.err[:160]}")
        out = done.stdout.decode("utf-8", "replace")
        if fmt == "json":
            out = json.dumps(json.loads(out), ensure_ascii=False)  # \u001b stays escaped in JSON strings
        bad = [c for c in ("\x1b", "\x9b", "\x07") if c in out]
        ctx.expect(not bad, f"{fmt}: control characters reach the output: {bad}")


@scenario(11)
def file_name_with_a_newline_is_one_line(ctx: Ctx) -> None:
    done = ctx.cli("check", "no\nsuch\x1b[8m.md")
    ctx.one_line_error(done, "such")
    ctx.expect("\x1b" not in done.err, "an escape sequence from the file name reached the terminal")


@scenario(11)
def file_name_is_escaped_in_the_markdown_report(ctx: Ctx) -> None:
    name = f"{HTML_BREAKOUT}.md"
    ctx.write(name, POST)
    done = ctx.cli("check", name, "--format", "markdown")
    ctx.ok(done)
    _no_live_html(ctx, done.stdout.decode(), "check's Markdown report")


# =================================================================================================
# 8. --jobs has no cap
# =================================================================================================
@scenario(8)
def jobs_are_capped_at_the_cores(ctx: Ctx) -> None:
    if not os.path.isdir("/proc/self"):
        raise Skip("needs Linux /proc")
    files = [ctx.write(f"post{i}.md", POST).name for i in range(12)]
    ctx.protect()
    proc = subprocess.Popen(ctx.command(["check", *files, "--jobs", "60", "--format", "json"]), cwd=ctx.root,
                            env=ctx.env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    most = 0
    start = time.perf_counter()
    while proc.poll() is None and time.perf_counter() - start < GUARD:
        most = max(most, len(descendants(proc.pid)))
        time.sleep(0.05)
    out, err = proc.communicate(timeout=GUARD)
    ctx.judge(Run(["check", "--jobs", "60"], proc.returncode, out, err, time.perf_counter() - start))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    # each job is a pool worker and the sandboxed worker under it; the pool's manager may add one more
    ctx.expect(most <= 2 * cores + 1, f"{most} processes at once with --jobs 60 on {cores} cores")
    ctx.expect(proc.returncode == 0, f"exit code {proc.returncode}: {err[-200:]!r}")
    ctx.expect(b"--jobs 60 lowered to" in err, f"no note that --jobs was lowered: {err[-200:]!r}")
    ctx.expect(len(json.loads(out)) == 12, "not every file was checked")


# =================================================================================================
# 9. the JSON does not read back with sympify
# =================================================================================================
@scenario(9, slow=True)
def json_reads_back_for_unusual_names(ctx: Ctx) -> None:
    import sympy as sp

    for args in (["I*x**2 + oo*x", "-f", "json"], ["S*x + beta*Symbol*x**2", "-f", "json"],
                 ["x*E + nan", "--var", "E", "-f", "json"], ["sigmoid", "--var", "E", "-f", "json"]):
        done = ctx.cli(*args)
        if not ctx.expect(done.code == 0, f"{args[0]}: exit code {done.code}: {done.err[:160]}"):
            continue
        data = json.loads(done.stdout)
        for key in ("definition", "derivative"):
            try:
                read = sp.sympify(data[key])
            except (sp.SympifyError, TypeError, ValueError) as err:
                ctx.problem(f"{args[0]}: {key} {data[key]!r} does not read back: {type(err).__name__}")
                continue
            if key == "definition":
                names = sorted(s.name for s in read.free_symbols)
                ctx.expect(data["variable"] in names, f"{args[0]}: {key} {data[key]!r} reads back without its variable")
            ctx.expect(not read.has(sp.I, sp.oo, sp.nan, sp.zoo) and (args[0] == "sigmoid" or not read.has(sp.E)),
                       f"{args[0]}: {key} {data[key]!r} reads back with SymPy's constants")


# =================================================================================================
# 10. internal errors where one line is promised
# =================================================================================================
ONE_LINE = {  # name → (arguments, a fragment of the one line)
    "timeout_inf": (["sigmoid", "-f", "json", "--timeout", "inf"], "timeout"),
    "timeout_1e20": (["sigmoid", "-f", "json", "--timeout", "1e20"], "timeout"),
    "max_memory_huge": (["sigmoid", "-f", "json", "--max-memory", "99999999T"], "memory"),
    "plot_infinite_range": (["plot", "sigmoid", "--xmin", "-inf", "--xmax", "inf", "-o", "p.png"], "--xmin"),
    "plot_nan_range": (["plot", "sigmoid", "--xmin", "nan", "-o", "p.png"], "--xmin"),
    "doc_into_a_missing_folder": (["doc", "sigmoid", "-o", "missing/a.tex"], "missing"),
    "plot_into_a_missing_folder": (["plot", "sigmoid", "-o", "missing/a.png"], "missing"),
    "doc_name_of_300_bytes": (["doc", "sigmoid", "-o", "a" * 300 + ".tex"], "too long"),
    "plot_name_of_300_bytes": (["plot", "sigmoid", "-o", "a" * 300 + ".png"], "too long"),
    "doc_with_64M": (["doc", "sigmoid", "--max-memory", "64M", "-o", "small.tex"], "memory"),
}


def _refused_in_one_line(args: list[str], fragment: str) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        ctx.one_line_error(ctx.cli(*args, "--no-cache") if args[0] not in ("plot", "doc") else ctx.cli(*args), fragment)
    return run


for _name, (_args, _fragment) in ONE_LINE.items():
    _fn = _refused_in_one_line(_args, _fragment)
    _fn.__name__ = f"one_line_{_name}"
    scenario(10)(_fn)


def _variable_named(name: str) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        done = ctx.cli("plot", "relu", "--var", name, "-o", "p.png", outputs=("p.png",))
        ctx.ok(done, warnings=1)  # "wrote p.png"
    return run


for _var in ("select", "exp", "log", "erf"):
    _fn = _variable_named(_var)
    _fn.__name__ = f"plot_with_a_variable_named_{_var}"
    scenario(10)(_fn)


@scenario(10)
def closed_stdout_is_one_line(ctx: Ctx) -> None:
    done = ctx.cli("sigmoid", "-f", "json", "--no-cache", preload="import os; os.close(1)")
    ctx.one_line_error(done, "standard output is closed")


@scenario(10)
def ascii_stdout_is_one_line(ctx: Ctx) -> None:
    done = ctx.cli("tanh", "-f", "markdown", "--lang", "ja", "--no-cache", env={"PYTHONIOENCODING": "ascii"})
    ctx.one_line_error(done, "PYTHONIOENCODING=utf-8")
    shown = ctx.cli("tanh", "--no-cache", env={"PYTHONIOENCODING": "ascii"})  # the terminal view degrades
    ctx.ok(shown)


TEMPLATE_FAILURES = {
    "missing_include": ("\\BLOCK{include 'nope.tex'}\n", "nope.tex"),
    "division_by_zero": ("\\VAR{1/0}\n", "ZeroDivisionError"),
    "recursion": ("\\BLOCK{macro f(n)}\\VAR{f(n)}\\BLOCK{endmacro}\\VAR{f(1)}\n", "RecursionError"),
    "syntax": ("\\BLOCK{if}\n", "template error"),
    "undefined": ("\\VAR{no_such_name}\n", "no_such_name"),
}


def _template_failure(body: str, fragment: str) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        ctx.write("tpl/article.tex", body)
        done = ctx.cli("doc", "sigmoid", "--templates", "tpl", "-o", "a.tex")
        ctx.one_line_error(done, fragment, "article.tex")
    return run


for _name, (_body, _fragment) in TEMPLATE_FAILURES.items():
    _fn = _template_failure(_body, _fragment)
    _fn.__name__ = f"template_{_name}_is_one_line"
    scenario(10)(_fn)


# =================================================================================================
# 14. user templates run unsandboxed
# =================================================================================================
TEMPLATE_ATTACKS = {
    "runs_code": f"\\VAR{{cycler.__init__.__globals__.os.system('touch {CANARY}')}}\n",
    "reads_files": "\\VAR{lipsum.__globals__['__builtins__']['open']('/etc/passwd').read()}\n",
    "imports": "\\VAR{namespace.__init__.__globals__['__builtins__']['__import__']('os').getcwd()}\n",
}


def _template_attack(body: str) -> Callable[[Ctx], None]:
    def run(ctx: Ctx) -> None:
        ctx.write("tpl/article.tex", body)
        done = ctx.cli("doc", "sigmoid", "--templates", "tpl", "-o", "a.tex", outputs=("a.tex", "a-plot.pdf"))
        ctx.one_line_error(done, "unsafe")
        ctx.expect(not ctx.path("a.tex").exists() or b"root:" not in ctx.path("a.tex").read_bytes(),
                   "a template read /etc/passwd")
    return run


for _name, _body in TEMPLATE_ATTACKS.items():
    _fn = _template_attack(_body)
    _fn.__name__ = f"sandboxed_template_{_name}"
    scenario(14)(_fn)


@scenario(14)
def trusted_templates_still_render(ctx: Ctx) -> None:
    ctx.write("tpl/article.tex", "\\VAR{text.definition}: \\VAR{'%x' % 255}\n")
    for extra in ([], ["--trust-templates"]):
        done = ctx.cli("doc", "sigmoid", "--templates", "tpl", "-o", "a.tex", *extra, outputs=("a.tex", "a-plot.pdf"))
        ctx.expect(done.code == 0, f"{extra}: exit code {done.code}: {done.err[:200]}")
        ctx.expect(ctx.path("a.tex").read_text().startswith("Definition: ff"), f"{extra}: {ctx.path('a.tex').read_text()[:80]!r}")


# =================================================================================================
# 13. smaller: a parameter named y, doc --var σ, a repeated --param
# =================================================================================================
@scenario(13)
def parameter_named_y_is_not_the_output(ctx: Ctx) -> None:
    for expression in ("exp(y*x)", "exp(x)*y"):
        done = ctx.cli(expression, "-f", "json", "--no-cache")
        ctx.ok(done)
        data = json.loads(done.stdout)
        ctx.expect(data["verified"] is True, f"{expression}: a correct derivation marked unverified")
        ctx.expect(data["output_form"] not in ("y**2", "y"), f"{expression}: output form {data['output_form']!r} "
                                                             f"reads the parameter y as the output")


@scenario(13, slow=True)
def doc_with_a_greek_variable_compiles_or_is_refused(ctx: Ctx) -> None:
    done = ctx.cli("doc", "sigmoid", "--var", "σ", "-o", "s.tex", outputs=("s.tex", "s-plot.pdf"))
    if done.code == 2:
        ctx.one_line_error(done, "σ")
        return
    ctx.ok(done, warnings=2)
    compiled = compile_tex(ctx, ctx.path("s.tex"))
    if compiled is not None:
        ctx.expect(compiled.returncode == 0, "pdflatex cannot compile the article with --var σ")


@scenario(13)
def repeated_param_is_refused(ctx: Ctx) -> None:
    done = ctx.cli("elu", "--param", "alpha=0.1", "--param", "alpha=0.2", "-f", "json", "--no-cache")
    ctx.one_line_error(done, "alpha", "twice")


def names(finding: int | None = None) -> list[str]:
    return [n for n, (f, _, _) in SCENARIOS.items() if finding is None or f == finding]


def is_slow(name: str) -> bool:
    return SCENARIOS[name][2]


if __name__ == "__main__":
    for name in sys.argv[1:] or names():
        result = run_scenario(name)
        status = "skip" if result.skipped else ("ok" if not result.problems else "FAIL")
        print(f"{status:4} {name} ({result.runs} runs, {result.seconds:.1f} s) {result.skipped or ''}")
        for p in result.problems:
            print("     ", p)
