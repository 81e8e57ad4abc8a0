"""A rewrite before a rule: the expression is written in a new form, then that form is differentiated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from derivator.core.step_ids import StepId
from derivator.engine.rules.base import Rule

# the rewrites a rule tree may start with
REWRITE_REASONS = (StepId.REWRITE_NEGATIVE_POWER, StepId.REWRITE_CASES, StepId.REWRITE_DEFINITION)


@dataclass(frozen=True)
class RewriteRule(Rule):
    """Rewrite first (Max → cases, 1/g → g^{-1}, a named function → its definition), then differentiate.

    `rewritten` is how the new form is displayed; `then` differentiates it (its expr may be the original
    expression, when the rewrite changes only the display: 1/g is differentiated as the power g^{-1})."""

    rewritten: sp.Expr
    reason: StepId  # one of REWRITE_REASONS
    then: Rule

    def __post_init__(self) -> None:
        if self.reason not in REWRITE_REASONS:
            raise ValueError(f"{self.reason!r} is not a rewrite before a rule")

    @property
    def name(self) -> StepId:
        return self.reason

    def children(self) -> tuple[Rule, ...]:
        return (self.then,)

    def result(self) -> sp.Expr:
        return self.then.result()

    def params(self) -> dict[str, Any]:
        return {"before": self.expr, "after": self.rewritten}
