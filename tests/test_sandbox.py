"""derivator.app.sandbox: hard limits hold whatever the work does, and answers cross the process boundary."""

from __future__ import annotations

import os
import time

import pytest

from derivator.core.errors import DerivatorError, ParseError
from derivator.core.errors import LimitError
from derivator.app.sandbox import Limits, limits_from, parse_memory, parse_timeout, run_limited

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="limits need os.fork")

SMALL = Limits(timeout=1.5, max_memory=512 * 1024**2)


def _spin():
    while True:
        pass


def _hog():
    blocks = []
    while True:
        blocks.append(bytearray(50 * 1024**2))


def _tower():
    return 9**9**9  # one long C call: only SIGKILL stops it


def _sleep():
    time.sleep(60)


def _parse_error():
    raise ParseError("unexpected character '@'", "column 3", "a hint")


def _bug():
    raise KeyError("oops")


def _recurse(n=0):
    return _recurse(n + 1)


def _segfault():
    import ctypes

    ctypes.string_at(0)


@pytest.mark.parametrize("work", [_spin, _tower, _sleep])
def test_timeout_is_hard(work):
    # CPU seconds of work, however busy the machine (so the wall time is not bounded tightly here); a
    # worker that blocks instead (its CPU time stands still) is ended after 2× + 1 s
    start, cpu_before = time.monotonic(), _children_cpu()
    with pytest.raises(LimitError) as info:
        run_limited(work, limits=SMALL)
    elapsed, cpu = time.monotonic() - start, _children_cpu() - cpu_before
    assert cpu < SMALL.timeout + 0.5  # stopped at its limit of work, not later
    if work is _sleep:
        assert 2 * SMALL.timeout + 1 - 0.1 <= elapsed < 2 * SMALL.timeout + 1 + 1.0
    else:
        assert cpu > SMALL.timeout - 0.2  # and not sooner: a loaded machine does not cut the work short
    assert info.value.exit_code == 2 and "time limit" in str(info.value) and "--timeout" in str(info.value)


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def test_time_is_counted_in_cpu_seconds_of_the_worker():
    def _burn(seconds):
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass
        return time.process_time()

    assert run_limited(_burn, 0.8, limits=Limits(timeout=1.2, max_memory=512 * 1024**2)) >= 0.8
    with pytest.raises(LimitError):
        run_limited(_burn, 2.0, limits=Limits(timeout=1.0, max_memory=512 * 1024**2))


def test_memory_limit_is_hard():
    with pytest.raises(LimitError) as info:
        run_limited(_hog, limits=Limits(timeout=10, max_memory=256 * 1024**2))
    assert info.value.exit_code == 2 and "memory" in str(info.value) and "--max-memory" in str(info.value)


def test_result_and_errors_cross_the_boundary():
    assert run_limited(sorted, [3, 1, 2], limits=SMALL) == [1, 2, 3]
    assert run_limited(dict, a=1, limits=SMALL) == {"a": 1}
    with pytest.raises(ParseError) as info:
        run_limited(_parse_error, limits=SMALL)
    err = info.value
    assert (err.what, err.where, err.hint, err.exit_code) == ("unexpected character '@'", "column 3", "a hint", 2)


@pytest.mark.parametrize("work, code, fragment", [(_bug, 3, "internal error: KeyError"), (_recurse, 2, "deeply nested"),
                                                  (_segfault, 2, "SIGSEGV")])
def test_failures_are_one_line(work, code, fragment):
    with pytest.raises(DerivatorError) as info:
        run_limited(work, limits=SMALL)
    assert info.value.exit_code == code and fragment in str(info.value) and "\n" not in str(info.value)


def test_child_cannot_touch_parent_state():
    box = []
    run_limited(box.append, 1, limits=SMALL)
    assert box == []  # the work ran in another process


MEMORY = [("512M", 512 * 1024**2), ("2G", 2 * 1024**3), ("1.5GiB", int(1.5 * 1024**3)), ("0", 0), ("none", 0),
          ("100000000", 100_000_000), ("64mb", 64 * 1024**2)]


@pytest.mark.parametrize("text, size", MEMORY)
def test_parse_memory(text, size):
    assert parse_memory(text) == size


@pytest.mark.parametrize("text", ["lots", "-1G", "1X", "10M", ""])
def test_parse_memory_refuses(text):
    with pytest.raises(DerivatorError):
        parse_memory(text)


@pytest.mark.parametrize("text", ["-1", "nan", "soon"])
def test_parse_timeout_refuses(text):
    with pytest.raises(DerivatorError):
        parse_timeout(text)


def test_limits_from_environment(monkeypatch):
    monkeypatch.setenv("DERIVATOR_TIMEOUT", "9")
    monkeypatch.setenv("DERIVATOR_MAX_MEMORY", "300M")
    assert limits_from() == Limits(9.0, 300 * 1024**2)
    assert limits_from("2", "1G") == Limits(2.0, 1024**3)  # options win over the environment


def test_no_limit_means_none():
    assert run_limited(sum, [1, 2], limits=Limits(0, 0)) == 3


def _small_work() -> int:
    return sum(range(1000))


def test_memory_limit_counts_what_the_work_adds_not_what_the_parent_maps():
    # a parent with a large address space (torch, SciPy loaded) must not make every sandboxed job fail
    import mmap

    reserved = mmap.mmap(-1, 2 * 1024**3)  # 2 GiB of address space, no memory touched
    try:
        assert run_limited(_small_work, limits=Limits(timeout=10, max_memory=256 * 1024**2)) == 499500
    finally:
        reserved.close()
