"""The tracer: [expression, the step ids it records, the sub-step ids of each]; every line it writes is
an equality (checked by SymPy), and the last line is the rule tree's result."""

from __future__ import annotations

import pytest
from engine_tables import read, x

from derivator.core.step_ids import StepId as S
from derivator.engine import rules as R
from derivator.engine.tracer import Tracer
from derivator.verify import Domain, check_equal

TRACES = [
    # (expression, steps, sub-steps of each step)
    ("sin(x**2)", [S.CHAIN], [[S.POWER]]),  # an elementary inner derivative is done in the chain's line
    ("sin(2*x)", [S.CHAIN], [[S.CONSTANT_MULTIPLE, S.VARIABLE]]),
    ("(x**2+1)**3", [S.CHAIN], [[S.SUM, S.ELEMENTARY]]),
    ("x*exp(x)", [S.PRODUCT, S.ELEMENTARY], [[], [S.VARIABLE, S.EXP]]),  # pending elementary parts in one line
    ("x**2*exp(-x)", [S.PRODUCT, S.ELEMENTARY], [[], [S.POWER, S.CHAIN]]),
    ("exp(x)/x", [S.QUOTIENT, S.ELEMENTARY], [[], [S.EXP, S.VARIABLE]]),
    ("x**x", [S.GENERAL_POWER, S.VARIABLE], [[], [S.VARIABLE]]),
    ("1/(1+exp(-x))", [S.REWRITE_NEGATIVE_POWER, S.CHAIN], [[], [S.SUM, S.ELEMENTARY]]),
    ("Max(0, x)", [S.REWRITE_CASES, S.PIECEWISE, S.ELEMENTARY], [[], [], [S.CONSTANT, S.VARIABLE]]),
    ("sigmoid(x)", [S.REWRITE_DEFINITION, S.REWRITE_NEGATIVE_POWER, S.CHAIN], [[], [], [S.SUM, S.ELEMENTARY]]),
    # a part without a rule gets its own line, after which the trace goes on with the rest
    ("x**2 + Max(x, beta)", [S.SUM, S.POWER, S.DONT_KNOW], [[], [S.POWER], []]),
    ("x*exp(Max(x, beta))", [S.PRODUCT, S.VARIABLE, S.CHAIN, S.DONT_KNOW], [[], [S.VARIABLE], [], []]),
]


@pytest.mark.parametrize("text, steps, substeps", TRACES)
def test_trace(text, steps, substeps):
    rule = R.derive_rule(read(text), x)
    trace, last = Tracer(x).run(rule)
    assert [s.rule for s in trace] == steps
    assert [[sub.rule for sub in s.substeps] for s in trace] == substeps
    domain = Domain(low=0.2, high=3.0, avoid=(1.0,))
    for step in trace:
        if step.rule != S.DONT_KNOW:  # a line that only marks a part as open claims nothing
            assert check_equal(step.before, step.after, None, domain).ok, (step.rule, step.before, step.after)
    assert check_equal(last, rule.result(), None, domain).ok
    assert trace[0].before.args[0].args[0] == read(text)  # it starts from d/dx of the expression
