"""Hard time and memory limits around work on untrusted input.

The work runs in a forked child process: `RLIMIT_AS` caps its address space (an allocation past it raises
MemoryError, or the kernel ends the child), and the parent kills the child when its time is up. No limit
depends on the work cooperating: SymPy and mpmath spend their time in long C calls that neither signals
nor threads can interrupt, but SIGKILL can.

Time is counted in CPU seconds of the worker (read from /proc while waiting), so a verdict does not
depend on how busy the machine is: on an idle machine that is the wall-clock time, on a loaded one the
same input gets the same amount of work. A worker whose CPU time stands still for 2× the limit + 1 s
blocks without working and is ended; one that works slowly because the machine is busy is not (the wall
clock ends it only at 10× the limit + 10 s). Where /proc does not exist the limit is plain wall-clock time.

Forking (not spawning) costs about a millisecond and no imports: the parent (the CLI, before SymPy is
imported) stays light, and the child inherits everything already loaded. The result comes back pickled
through a pipe; a DerivatorError raised in the child is raised again in the parent.

Where `os.fork` does not exist (Windows) the work runs in-process without limits.
"""

from __future__ import annotations

import errno
import functools
import os
import pickle
import re
import select
import signal
import struct
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from derivator.core.errors import DerivatorError, LimitError

DEFAULT_TIMEOUT = 5.0  # seconds of wall clock for one input (the catalog's slowest entry needs ~1 s)
DEFAULT_MAX_MEMORY = 1024**3  # bytes of address space; a derivation maps ~70 MiB, ~190 MiB with NumPy
ENV_TIMEOUT = "DERIVATOR_TIMEOUT"
ENV_MAX_MEMORY = "DERIVATOR_MAX_MEMORY"
ENV_DISABLE = "DERIVATOR_NO_SANDBOX"  # "1": run in-process (debugging with a debugger or a profiler)
# SymPy recurses once per level of an expression tree (free_symbols, doit, subs): σ∘σ∘…∘σ at depth 32
# needs more than Python's default 1,000 frames. Raised only in the worker, where a C-stack overflow
# (SIGSEGV) is caught and reported in one line like any other failure.
RECURSION_LIMIT = 10_000

MAX_TIMEOUT = 1e6  # seconds (11 days)
MAX_MEMORY = 1024**5  # bytes (1 PiB)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


@dataclass(frozen=True)
class Limits:
    """timeout in seconds, max_memory in bytes; 0 means no limit."""

    timeout: float = DEFAULT_TIMEOUT
    max_memory: int = DEFAULT_MAX_MEMORY


def parse_memory(text: str) -> int:
    """'512M', '2G', '1.5GiB', '800000000' → bytes; '0', 'none', 'unlimited' → 0 (no limit)."""
    value = text.strip().lower()
    if value in ("0", "none", "unlimited", "off"):
        return 0
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", value)
    if not match:
        raise DerivatorError(f"cannot read memory size {text!r}", hint="write e.g. 512M, 2G or 0 for no limit")
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    if size > MAX_MEMORY:  # past what RLIMIT_AS can hold; no machine has it anyway
        raise DerivatorError(f"memory limit {text!r} is too large", hint="use at most 1024T, or 0 for no limit")
    if 0 < size < 64 * 1024**2:
        raise DerivatorError(f"memory limit {text!r} is too small to start Python", hint="use at least 64M")
    return size


def parse_timeout(text: str | float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DerivatorError(f"cannot read timeout {text!r}", hint="seconds, e.g. 10 or 0.5; 0 for no limit") from None
    if value < 0 or value != value:
        raise DerivatorError(f"timeout {text!r} must be 0 or more seconds")
    if value > MAX_TIMEOUT:  # inf, 1e20: past what the CPU limit can hold
        raise DerivatorError(f"timeout {text!r} is too large", hint=f"use at most {MAX_TIMEOUT:g} seconds, or 0 for no limit")
    return value


def limits_from(timeout: str | float | None = None, max_memory: str | None = None, *,
                default_timeout: float = DEFAULT_TIMEOUT) -> Limits:
    """Limits from command-line options, else the environment, else the defaults. A timeout the user
    gives is the whole command's; `default_timeout` is the command's own default (a document needs more
    than a derivation)."""
    if timeout is None:
        timeout = os.environ.get(ENV_TIMEOUT, default_timeout)
    if max_memory is None:
        max_memory = os.environ.get(ENV_MAX_MEMORY)
    memory = DEFAULT_MAX_MEMORY if max_memory is None else parse_memory(str(max_memory))
    return Limits(parse_timeout(timeout), memory)


def _human(size: int) -> str:
    for unit in ("G", "M", "K"):
        if size >= _UNITS[unit.lower()] and size % (_UNITS[unit.lower()] // 1024 or 1) == 0:
            return f"{size / _UNITS[unit.lower()]:g}{unit}"
    return f"{size}B"


def _mapped_bytes() -> int:
    """The address space this process maps already (Linux /proc; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Terminated(BaseException):
    """SIGTERM or SIGHUP reached the parent while a worker ran: the worker is killed, then this is raised
    (a BaseException, like KeyboardInterrupt, so no `except Exception` between here and the CLI eats it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_END_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_PR_SET_PDEATHSIG = 1


@functools.lru_cache(maxsize=1)
def _prctl() -> Callable[..., int] | None:
    # looked up in the parent, once: a forked child then calls it without importing ctypes again
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None  # no prctl: the parent's signal handlers still end the worker on SIGTERM/SIGHUP


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (even by SIGKILL, which no handler sees)."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated(signum)


def end_on_signals() -> None:
    """In the CLI's main thread: SIGTERM and SIGHUP raise Terminated, so `finally` blocks and the worker
    clean-up run (the default action would end the CLI at once and leave its worker running)."""
    if threading.current_thread() is threading.main_thread():
        for signum in _END_SIGNALS:
            signal.signal(signum, _raise_terminated)


class _EndWorkerOnSignal:
    """While a worker runs: SIGTERM/SIGHUP to the parent raise Terminated (the caller kills the worker).
    Only the main thread may set handlers; elsewhere the worker relies on die_with_parent alone."""

    def __enter__(self) -> "_EndWorkerOnSignal":
        self.previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for signum in _END_SIGNALS:
                self.previous[signum] = signal.signal(signum, _raise_terminated)
        return self

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def one_blas_thread() -> None:
    """One BLAS thread: each thread's buffers count against the memory limit (importing NumPy alone can
    exhaust a small one), and the work is single-threaded SymPy anyway. Effective before NumPy loads."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def reader_gone(err: BaseException) -> bool:
    """True when `err` means nobody reads standard output any more (`derivator … | head -1`): a
    BrokenPipeError, or the SystemExit rich raises in its place."""
    return isinstance(err, BrokenPipeError) or (isinstance(err, SystemExit)
                                                and isinstance(err.__context__, BrokenPipeError))


def _child(fn: Callable, args: tuple, kwargs: dict, limits: Limits, out: int, parent: int) -> None:
    """Runs in the forked child; never returns."""
    status = 0
    try:
        for signum in _END_SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        die_with_parent()
        if os.getppid() != parent:  # the parent died before the request above took effect
            os._exit(70)
        import resource

        one_blas_thread()
        if not os.environ.get("DERIVATOR_DEBUG"):
            # what C libraries print on their way down ("OpenBLAS error: Memory allocation failed") would
            # be a second line; the parent reports every outcome itself, in one
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 2)
            os.close(quiet)
        if limits.max_memory:
            # the limit is on what the work adds: a parent that already maps a lot (torch, SciPy) would
            # otherwise fail at its first allocation
            ceiling = _mapped_bytes() + limits.max_memory
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        if limits.timeout:
            cpu = int(limits.timeout) + 2  # backstop if the parent is gone; the parent kills first
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        import faulthandler

        faulthandler.disable()  # a crash is reported by the parent in one line, not as a C stack dump
        sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
        try:
            payload = ("ok", fn(*args, **kwargs))
        except DerivatorError as err:
            payload = ("error", err)
        except MemoryError:
            payload = ("memory", None)
        except RecursionError:
            payload = ("error", DerivatorError("input too deeply nested to process"))
        except BaseException as err:  # noqa: BLE001 — reported to the parent, which decides
            if reader_gone(err):
                payload = ("pipe", None)
            else:
                import traceback

                payload = ("crash", (type(err).__name__, str(err)[:500], traceback.format_exc()[-4000:]))
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception as err:  # an unpicklable result is a bug in the caller, said plainly
            data = pickle.dumps(("crash", (type(err).__name__, f"result not picklable: {err}"[:500], "")))
        view = memoryview(struct.pack("!Q", len(data)) + data)
        while view:
            view = view[os.write(out, view):]
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 — a closed pipe must not turn into a crash report
                pass
    except BaseException:  # noqa: BLE001
        status = 70
    finally:
        os._exit(status)


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_POLL = 0.05  # seconds between looks at the worker's CPU time
WALL_FACTOR = 10  # the wall-clock last resort: 10 × the limit + 10 s (CPU time is the limit itself)


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by a child, from /proc; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime and stime (fields 14 and 15)
    except (OSError, IndexError, ValueError):
        return None


def _read_all(fd: int, pid: int, limits: Limits) -> bytes | None:
    """Everything the child writes, or None when its time is up first.

    With /proc the limit is CPU time. A worker that is not working at all (its CPU time stands still for
    2 × the limit + 1 s) is stopped too; the wall clock is only a last resort, far out (WALL_FACTOR × the
    limit): a loaded machine stretches wall time, and must not change the verdict."""
    chunks = []
    start = time.monotonic()
    measured = _cpu_seconds(pid) is not None
    if not limits.timeout:
        wall = None
    else:
        wall = WALL_FACTOR * limits.timeout + 10 if measured else limits.timeout
    idle = 2 * limits.timeout + 1
    last_cpu, last_progress = 0.0, start
    while True:
        wait = None
        if wall is not None:
            left = start + wall - time.monotonic()
            if left <= 0:
                return None
            wait = min(left, _POLL) if measured else left
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            if wall is None:
                continue
            if not measured:
                if time.monotonic() - start >= wall:
                    return None
                continue
            cpu, now = _cpu_seconds(pid) or 0.0, time.monotonic()
            if cpu > limits.timeout:
                return None
            if cpu > last_cpu:
                last_cpu, last_progress = cpu, now
            elif now - last_progress > idle:
                return None  # blocked, not working
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_limited(fn: Callable[..., Any], *args: Any, limits: Limits | None = None, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a child process under `limits`; its result, or its DerivatorError raised here.

    A timeout or memory exhaustion raises LimitError (exit code 2); an unexpected exception in the child
    raises DerivatorError with exit code 3 (a bug: the input should have been refused more politely).
    """
    limits = limits or limits_from()
    if not hasattr(os, "fork") or os.environ.get(ENV_DISABLE) == "1":
        return fn(*args, **kwargs)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # else the child inherits and repeats whatever is still buffered
    _prctl()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = 0
    with _EndWorkerOnSignal():  # set before the fork: no moment where a SIGTERM leaves the worker behind
        try:
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _child(fn, args, kwargs, limits, write_end, parent)
            os.close(write_end)
            write_end = -1
            data = _read_all(read_end, pid, limits)
            if data is None:
                os.kill(pid, signal.SIGKILL)
        except BaseException:  # Ctrl-C, SIGTERM, SIGHUP: take the child down too
            if os.getpid() != parent:  # a signal in the child before it reset its handlers
                os._exit(70)
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            raise
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)
    _, status = os.waitpid(pid, 0)
    if data is None:
        raise LimitError(
            f"gave up after {limits.timeout:g} s of work (time limit)",
            hint="the input may be too large to work on; raise the limit with --timeout",
        )
    return _outcome(data, status, limits)


def _outcome(data: bytes, status: int, limits: Limits) -> Any:
    if len(data) >= 8:
        (size,) = struct.unpack("!Q", data[:8])
        if len(data) - 8 == size:
            kind, value = pickle.loads(data[8:])
            if kind == "ok":
                return value
            if kind == "error":
                raise value
            if kind == "pipe":
                raise BrokenPipeError(errno.EPIPE, "the reader of standard output went away")
            if kind == "memory":
                raise LimitError(
                    f"ran out of memory (limit {_human(limits.max_memory)})",
                    hint="the input may be too large to work on; raise the limit with --max-memory",
                )
            name, message, trace = value
            if os.environ.get("DERIVATOR_DEBUG"):
                sys.stderr.write(trace)
            raise DerivatorError(
                f"internal error: {name}: {message}".replace("\n", " "),
                hint="please report; DERIVATOR_DEBUG=1 shows details",
                exit_code=3,
            )
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGKILL, signal.SIGXCPU):
            # the kernel's answer to an exhausted address space or CPU limit
            raise LimitError(
                f"stopped by the system ({signal.Signals(number).name}) near the time or memory limit",
                hint="raise the limits with --timeout / --max-memory",
            )
        raise DerivatorError(
            f"the worker process crashed ({signal.Signals(number).name}) on this input",
            hint="the input may be too deeply nested or too large",
        )
    if limits.max_memory and os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        # a C library that cannot allocate under the address-space limit exits on its own (OpenBLAS does)
        raise LimitError(
            f"ran out of memory (limit {_human(limits.max_memory)}) before an answer",
            hint="raise the limit with --max-memory",
        )
    raise DerivatorError(
        "the worker process ended without an answer",
        hint="DERIVATOR_DEBUG=1 and DERIVATOR_NO_SANDBOX=1 show details",
        exit_code=3,
    )
