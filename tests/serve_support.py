"""Shared pieces of the `derivator serve` tests and bench/serve_load.py: a real server in its own process
(`python -m derivator serve --port 0`, the address read from what it prints), the processes it runs, and
a sample post with one planted error."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the sigmoid's derivative with the sign of du/dx dropped at line 6: the one wrong line
POST = r"""# The sigmoid's derivative

Let $u = 1 + e^{-x}$, so that $\sigma(x) = \frac{1}{u}$.

$$
\frac{du}{dx} = e^{-x}
$$

By the chain rule,

$$
\sigma'(x) = \frac{e^{-x}}{(1+e^{-x})^2}
$$

and therefore $\sigma'(x) = \sigma(x)(1-\sigma(x))$.
"""
WRONG_LINE = 6

# hostile inputs: a power tower (SymPy works on it for a long time), a deep nest (refused by the parser)
# work that outlasts the 5 s limit on any machine: σ nested 40 deep (a power tower x**x**… now runs out of
# memory within a second, which ends the request too soon for the tests that need a busy worker)
TOWER = "sigmoid(" * 40 + "x" + ")" * 40
DEEP = "(" * 1_999 + "x" + ")" * 1_999


class Server:
    """`derivator serve` on a free loopback port, with its own cache folder; its log is kept in a file."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="derivator-serve-")
        self.log_path = Path(self.folder.name) / "server.log"
        environment = {**os.environ, "XDG_CACHE_HOME": self.folder.name, "PYTHONPATH": str(ROOT), **(env or {})}
        environment.pop("DERIVATOR_NO_SANDBOX", None)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "derivator", "serve", "--port", "0", *args], cwd=ROOT,
                                        env=environment, stdout=subprocess.PIPE, stderr=self._log, text=True)
        self.url = self._address()

    def _address(self, timeout: float = 180.0) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"the server ended before it listened: {self.log()[-2000:]}")
            found = re.search(r"derivator serve: (http://\S+/)", line)
            if found:
                return found.group(1).rstrip("/")
        raise RuntimeError("the server did not print its address in time")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text("utf-8", "replace")

    def children(self, pid: int | None = None) -> list[int]:
        """Direct child processes (Linux /proc): the server's are its pool workers, a worker's its sandbox."""
        pid = pid or self.process.pid
        found: list[int] = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found += [int(p) for p in handle.read().split()]
        except OSError:
            pass
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # as Ctrl-C: uvicorn shuts down, the pool stops its workers
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()
        self.folder.cleanup()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def cli(*args: str, cwd: Path | str = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m derivator ARGS` from the source tree, as the tests run it."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "DERIVATOR_NO_CACHE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "derivator", *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=300)
