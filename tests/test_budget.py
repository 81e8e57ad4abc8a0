"""Time budgets: optional SymPy work is stopped, even through a swallowed interrupt, and nests. Budgets
count CPU time (a loaded machine stretches the wall clock, not the budget), and so do these bounds."""

import time

from derivator.core.budget import attempt, within, OutOfTime


def spin():
    while True:
        pass


def swallow_once():
    try:
        spin()
    except BaseException:  # what a bare `except:` deep in a library would do
        pass
    spin()


def test_budget_stops_work():
    started = time.process_time()
    assert attempt(0.2, spin) is None
    assert time.process_time() - started < 2


def test_budget_survives_a_swallowed_interrupt():
    started = time.process_time()
    assert attempt(0.2, swallow_once) is None
    assert time.process_time() - started < 2


def test_inner_budget_gives_the_outer_one_back():
    started = time.process_time()
    try:
        with within(0.5):
            assert attempt(0.1, spin) is None  # the inner one expires first
            spin()  # the outer one must still fire
    except OutOfTime:
        pass
    assert 0.4 < time.process_time() - started < 2


def test_result_passes_through():
    assert attempt(1.0, lambda: 42) == 42


def test_budget_counts_cpu_time_not_waiting():
    # a wall-clock budget would stop this after 0.2 s; waiting uses no CPU, so the answer comes back
    def wait_then_answer():
        time.sleep(0.5)
        return 42

    assert attempt(0.2, wait_then_answer) == 42


def test_expirations_are_counted():
    from derivator.core.budget import expirations

    before = expirations()
    assert attempt(0.05, spin) is None
    assert expirations() > before
