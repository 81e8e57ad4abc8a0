"""The contract every differentiation rule keeps (SymPy manualintegrate's, for derivatives).

A rule is a frozen dataclass: the expression it differentiates, the variable, and — as typed, required
fields — what the rule needs (a constant, the rules of its parts). It knows

- `result()`: the derivative as a plain SymPy expression (abstract: every rule must say);
- `expand(pending)`: the line a lecturer writes when the rule is applied once, where the derivatives
  still to be done appear as pending d/dx nodes made by `pending`;
- `children()`: the rules of its parts, and `contains_dont_know()`: whether a part has no rule.

`DontKnowRule` ends the strategies explicitly: the part no rule covers keeps its place in the tree (its
result is an inert `UnknownDerivative`), so the rest of the derivation is kept instead of lost.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import sympy as sp

from derivator.core.step_ids import StepId
from derivator.core.unknown import UnknownDerivative


class Pending(Protocol):
    """Makes the pending d/dx node of a child rule (or, `inline` and elementary, its result)."""

    def __call__(self, child: Rule, inline: bool = False, /) -> sp.Expr: ...


@dataclass(frozen=True)
class Rule(ABC):
    expr: sp.Expr
    var: sp.Symbol
    step: ClassVar[StepId]  # the id the trace records for this rule (its words are in i18n/)

    @property
    def name(self) -> StepId:
        return self.step

    @abstractmethod
    def result(self) -> sp.Expr:
        """d/dx expr as a plain SymPy expression."""

    def children(self) -> tuple[Rule, ...]:
        return ()

    def contains_dont_know(self) -> bool:
        return any(child.contains_dont_know() for child in self.children())

    def expand(self, pending: Pending) -> sp.Expr:
        """The expression after applying this rule once; sub-derivatives via `pending`."""
        return self.result()

    def params(self) -> dict[str, Any]:
        """What the narration quotes (n, c, u, …)."""
        return {}


@dataclass(frozen=True)
class DontKnowRule(Rule):
    """No rule covers expr: its derivative stays a marked hole, never a guess, never verified."""

    step: ClassVar[StepId] = StepId.DONT_KNOW

    def result(self) -> sp.Expr:
        return UnknownDerivative(self.expr, self.var)

    def contains_dont_know(self) -> bool:
        return True

    def params(self) -> dict[str, Any]:
        return {"part": self.expr}
