"""Time budgets for optional SymPy work (solve, factor, simplify) that can run for minutes.

The optional parts of a derivation — an output form, a factored last line, a symbolic proof on top of
the numeric check — are worth a fraction of a second, not a hang. `within(seconds)` interrupts the
work after that many seconds of this process's CPU time (ITIMER_PROF / SIGPROF): a loaded machine
stretches the wall clock, not the budget, so the same input gets the same answer idle or busy. The
caller treats an interruption as "not found" and moves on; `expirations()` counts them, so a result
shaped by a budget can be kept out of the cache. Outside the main thread (where signals cannot be
used) the work runs unbounded; the CLI's worker process has a hard limit anyway.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class OutOfTime(BaseException):
    """Raised inside the bounded block; a BaseException so SymPy's `except Exception` cannot eat it."""


_expired = 0  # budgets that ran out in this process (see expirations)
# CPU time, not wall-clock time: results must not depend on how busy the machine is
_TIMER, _SIGNAL = (signal.ITIMER_PROF, signal.SIGPROF) if hasattr(signal, "SIGPROF") else (signal.ITIMER_REAL, signal.SIGALRM)


def expirations() -> int:
    """How many budgets have run out in this process so far."""
    return _expired


@contextmanager
def within(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum, frame):
        global _expired
        _expired += 1
        raise OutOfTime()

    started = time.process_time()
    # the outer budget's timer off first, then this handler in: the other order leaves a moment where an
    # outer alarm (repeating every 50 ms once it has expired) reaches this handler before the `try`
    # below, and the handler then stays armed for good
    previous_timer, previous_interval = signal.setitimer(_TIMER, 0)
    previous_handler = signal.signal(_SIGNAL, expire)  # (no timer is armed here)
    try:
        # an outer budget that ends sooner keeps priority; after expiry the alarm repeats every 50 ms,
        # because a bare `except:` somewhere in SymPy may swallow one OutOfTime
        signal.setitimer(_TIMER, min(seconds, previous_timer) if previous_timer else seconds, 0.05)
        yield
    finally:
        try:
            _disarm(previous_handler, previous_timer, previous_interval, started)
        except OutOfTime:  # (an alarm between the two: disarm again)
            _disarm(previous_handler, previous_timer, previous_interval, started)


def _disarm(previous_handler, previous_timer: float, previous_interval: float, started: float) -> None:
    """Stop the timer and put back what was there before. After expiry the alarm repeats every 50 ms,
    so one can fire while this runs (a loaded machine makes that likely): keep going until it is off,
    or the handler stays armed and interrupts whatever runs next."""
    while True:
        try:
            signal.setitimer(_TIMER, 0)
            signal.signal(_SIGNAL, previous_handler)
            break
        except OutOfTime:
            continue
    # (from here on an alarm is the outer budget's own, and must reach it)
    if previous_timer:
        left = previous_timer - (time.process_time() - started)
        signal.setitimer(_TIMER, max(left, 0.001), previous_interval)


def attempt(seconds: float, work, *args, **kwargs):
    """work(*args) within the budget, or None when it ran out of time."""
    try:
        with within(seconds):
            return work(*args, **kwargs)
    except OutOfTime:
        return None
