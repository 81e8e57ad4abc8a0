"""Region by region: Max, Min, Heaviside and Piecewise differentiated on open intervals of the variable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sympy as sp

from derivator.core.step_ids import StepId
from derivator.engine.rules.base import Pending, Rule


@dataclass(frozen=True)
class Region:
    """One formula on the open interval (low, high) of the variable, and the rule for its derivative."""

    value: sp.Expr
    low: sp.Expr
    high: sp.Expr
    rule: Rule


@dataclass(frozen=True)
class PiecewiseRule(Rule):
    """Differentiate region by region; the kinks between regions are recorded, not guessed."""

    regions: tuple[Region, ...]
    step: ClassVar[StepId] = StepId.PIECEWISE

    def children(self) -> tuple[Rule, ...]:
        return tuple(r.rule for r in self.regions)

    def result(self) -> sp.Expr:
        return cases([(r.rule.result(), r.low, r.high) for r in self.regions], self.var)

    def expand(self, pending: Pending) -> sp.Expr:
        return cases([(pending(r.rule), r.low, r.high) for r in self.regions], self.var, evaluate=False)

    def kinks(self) -> list[sp.Expr]:
        return [r.high for r in self.regions[:-1]]


def cases(pieces: list[tuple[sp.Expr, sp.Expr, sp.Expr]], x: sp.Symbol, evaluate: bool = True) -> sp.Expr:
    """Piecewise over open intervals (low, high); the boundaries themselves are left out."""
    args = []
    for value, low, high in pieces:
        conditions = []
        if low is not sp.S.NegativeInfinity:
            conditions.append(sp.StrictGreaterThan(x, low))
        if high is not sp.S.Infinity:
            conditions.append(sp.StrictLessThan(x, high))
        args.append((value, sp.And(*conditions) if conditions else sp.true))
    return sp.Piecewise(*args, evaluate=evaluate)
