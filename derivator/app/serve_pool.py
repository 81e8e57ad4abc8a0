"""A bounded pool of worker processes for `derivator serve`: no more workers than cores, each one warm.

Why a pool of separate processes (and not the sandbox's fork straight from the server): the server runs
an event loop and threads, and forking such a process is unsafe (a lock held by another thread stays
locked in the child forever). Each pool worker is a plain, single-threaded Python process started with
`python -c` (so neither multiprocessing's re-import of `__main__` nor the server's threads are involved);
it imports SymPy and derivator once, then runs every job through `derivator.app.sandbox.run_limited`,
which forks a limited child from that warm, single-threaded process (about a millisecond).

Messages between the server and a worker are JSON (never pickle): the server does not unpickle what a
process working on untrusted input sends it. A worker that dies mid-request (killed, crashed) costs that
request an error (`WorkerLost`) and is replaced; the other workers and their requests go on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from multiprocessing.connection import Connection
from typing import Any

from derivator.app.sandbox import Limits

READY_TIMEOUT = 120.0  # seconds a new worker may take to import everything (a cold disk, a busy machine)
SLACK = 15.0  # seconds past the sandbox's own wall-clock backstop before the server gives up on a worker
LOOK_EVERY = 0.25  # seconds between looks at whether a busy worker is still alive


class WorkerLost(Exception):
    """The worker running this request died or stopped answering; it has been replaced."""


class PoolBusy(Exception):
    """Too many requests are already waiting for a worker."""


class JobFailed(Exception):
    """The job ran and failed: `kind` is "error" (the input's fault), "limit" (time or memory) or
    "internal" (a bug); the message is one line."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind, self.message = kind, message


# -- the worker process --------------------------------------------------------------------------------------


def _jobs() -> dict[str, Any]:
    from derivator.app import serve_jobs

    def derive(text: str, syntax: str, options: dict, wanted: list, plot: bool) -> dict:
        found = serve_jobs.derive_outputs(text, syntax, options, [tuple(w) for w in wanted], plot)
        found["outputs"] = [[fmt, flavor, out] for (fmt, flavor), out in found["outputs"].items()]
        return found

    return {"derive": derive, "check": serve_jobs.check_json, "catalog": serve_jobs.catalog_names}


def _one_line(text: object, limit: int = 500) -> str:
    return " ".join(str(text).split())[:limit]


def worker_main(fd: int) -> None:
    """A pool worker: warm up, say so, then answer jobs until the connection closes."""
    import signal
    import warnings

    # Ctrl-C in the server's terminal reaches the whole process group: the server stops its workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")  # a library's warning is no answer; it would only clutter the server's log
    conn = Connection(fd)
    try:
        import importlib

        from derivator.app.serve_jobs import WARM_MODULES

        for module in WARM_MODULES:
            importlib.import_module(module)
        jobs = _jobs()
    except BaseException as err:  # noqa: BLE001 — reported to the server in one line
        conn.send_bytes(json.dumps({"status": "failed", "message": _one_line(f"{type(err).__name__}: {err}")}).encode())
        return
    try:
        from derivator.app.serve_jobs import warm_up

        warm_up()
    except Exception:  # noqa: BLE001 — only a head start: a worker that could not warm up still serves
        pass
    from derivator.app.sandbox import run_limited
    from derivator.core.errors import DerivatorError, LimitError

    conn.send_bytes(json.dumps({"status": "ready", "pid": os.getpid()}).encode())
    while True:
        try:
            message = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if message is None:
            return
        reply: dict[str, Any] = {"id": message["id"]}
        try:
            value = run_limited(jobs[message["job"]], *message["args"], limits=Limits(**message["limits"]))
            reply.update(status="ok", value=value)
        except LimitError as err:
            reply.update(status="limit", message=_one_line(err))
        except DerivatorError as err:
            reply.update(status="internal" if err.exit_code == 3 else "error", message=_one_line(err))
        except Exception as err:  # noqa: BLE001 — a bug; said in one line, the worker goes on
            reply.update(status="internal", message=_one_line(f"internal error: {type(err).__name__}: {err}"))
        try:
            data = json.dumps(reply, ensure_ascii=False).encode("utf-8", "replace")  # the server reads UTF-8 only
        except (TypeError, ValueError) as err:
            data = json.dumps({"id": message["id"], "status": "internal", "message": _one_line(f"unserialisable answer: {err}")}).encode()
        conn.send_bytes(data)


# -- the server's side -----------------------------------------------------------------------------------------


class _Worker:
    """One worker process and the server's end of its socket pair."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ)
        # the worker imports the same derivator as the server, wherever the server was started from
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        code = f"from derivator.app.serve_pool import worker_main; worker_main({theirs.fileno()})"
        self.process = subprocess.Popen([sys.executable, "-c", code], pass_fds=[theirs.fileno()], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        # a session (and process group) of its own: a worker's sandboxed children are in its group, so a
        # lost worker is ended with them (they hold the worker's end of the socket, and run on otherwise)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False
        self.pid = self.process.pid

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        if self.ready:
            return
        try:
            if not self.conn.poll(timeout):
                raise WorkerLost("a worker did not start in time")
            hello = json.loads(self.conn.recv_bytes())
        except (EOFError, OSError, ValueError):
            raise WorkerLost("a worker stopped while starting") from None
        if hello.get("status") != "ready":
            raise WorkerLost(f"a worker could not start: {hello.get('message', '?')}")
        self.ready = True

    def call(self, message: dict, wall: float | None) -> dict:
        """Send one job and wait for its answer (blocking; run in a thread)."""
        self.wait_ready()
        deadline = None if wall is None else time.monotonic() + wall
        try:
            self.conn.send_bytes(json.dumps(message).encode())
            while not self.conn.poll(LOOK_EVERY):
                if self.process.poll() is not None:
                    raise WorkerLost("the worker running this request stopped")
                if deadline is not None and time.monotonic() > deadline:
                    raise WorkerLost("the worker did not answer in time")
            reply = json.loads(self.conn.recv_bytes())
        except (EOFError, OSError, ValueError):
            raise WorkerLost("the worker running this request stopped") from None
        if reply.get("id") != message["id"]:
            raise WorkerLost("the worker answered another request")
        return reply

    def stop(self, kill: bool = False) -> None:
        try:
            if not kill:
                self.conn.send_bytes(b"null")
        except OSError:
            pass
        try:
            self.process.wait(timeout=0 if kill else 2)
        except subprocess.TimeoutExpired:
            pass
        if kill or self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)  # the worker and whatever sandboxed child it still has
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
        self.conn.close()


class WorkerPool:
    """`size` warm workers (at most one per core); `run` waits for a free one, fairly, in arrival order."""

    def __init__(self, size: int = 0, *, max_waiting: int = 64) -> None:
        cores = os.cpu_count() or 1
        self.size = max(1, min(size or cores, cores))
        self.max_waiting = max_waiting
        self._ids = itertools.count(1)
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._lock = threading.Lock()  # guards _all (replacements are made in executor threads)
        self._waiting = 0
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads: ThreadPoolExecutor | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._threads = ThreadPoolExecutor(self.size + 1, thread_name_prefix="derivator-pool")
        workers = [_Worker() for _ in range(self.size)]
        self._all = list(workers)
        await asyncio.gather(*(self._loop.run_in_executor(self._threads, w.wait_ready) for w in workers))
        self._idle = workers
        self._slots = asyncio.Semaphore(self.size)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all]

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop(kill=True)
        fresh = _Worker()  # warms up on its own; its first job waits for it (wait_ready)
        with self._lock:
            self._all = [fresh if w is worker else w for w in self._all]
        return fresh

    def _serve(self, worker: _Worker, message: dict, wall: float | None) -> dict:
        """In an executor thread: the job on one worker; the worker goes back to the pool here, when it is
        free again, and not when the waiting request is cancelled (a client that hung up)."""
        try:
            return worker.call(message, wall)
        except WorkerLost:
            worker = self._replace(worker)
            raise
        finally:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._release, worker)

    def _release(self, worker: _Worker) -> None:
        assert self._slots is not None
        self._idle.append(worker)
        self._slots.release()

    async def run(self, job: str, args: list, limits: Limits, *, factor: float = 1.0) -> Any:
        """The job's value; raises JobFailed, WorkerLost or PoolBusy. `factor` scales the time limit."""
        if self._slots is None or self._threads is None or self._loop is None:
            raise RuntimeError("the pool is not started")
        if self._waiting >= self.max_waiting:
            raise PoolBusy("too many requests are waiting")
        limits = Limits(limits.timeout * factor, limits.max_memory) if limits.timeout else limits
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        worker = self._idle.pop()
        message = {"id": next(self._ids), "job": job, "args": args, "limits": asdict(limits)}
        # the sandbox kills a worker's child after 2 × its limit + 1 s of wall clock; this is the backstop's backstop
        wall = 2 * limits.timeout + 1 + SLACK if limits.timeout else None
        reply = await self._loop.run_in_executor(self._threads, self._serve, worker, message, wall)
        if reply["status"] == "ok":
            return reply["value"]
        raise JobFailed(reply["status"], reply.get("message", ""))

    async def stop(self) -> None:
        with self._lock:
            workers = list(self._all)
        for w in workers:
            w.stop()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
