"""The chain rule, with an explicit u = g(x)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from derivator.core.step_ids import StepId
from derivator.engine.display import group, mul
from derivator.engine.rules.base import Pending, Rule


@dataclass(frozen=True)
class ChainRule(Rule):
    """d/dx f(g(x)) = f'(u)·g'(x) with u = g(x)."""

    u: sp.Symbol
    inner: sp.Expr  # g(x)
    outer: Rule  # derivative of f(u) with respect to u
    inner_rule: Rule  # derivative of g(x) with respect to x
    step: ClassVar[StepId] = StepId.CHAIN

    def children(self) -> tuple[Rule, ...]:
        # the outer rule is applied inside this one's line (f'(u) is read off); only g' is left pending
        return (self.inner_rule,)

    def contains_dont_know(self) -> bool:
        return self.outer.contains_dont_know() or self.inner_rule.contains_dont_know()

    def outer_derivative(self) -> sp.Expr:
        return self.outer.result()

    def result(self) -> sp.Expr:
        return self.outer.result().subs(self.u, self.inner) * self.inner_rule.result()

    def expand(self, pending: Pending) -> sp.Expr:
        outer = self.outer.result().xreplace({self.u: group(self.inner)})
        inner = pending(self.inner_rule, True)
        if isinstance(inner, sp.Number) and inner == 1:
            return outer
        return mul(group(outer) if outer.is_Add else outer, group(inner) if _needs_group(inner) else inner)

    def params(self) -> dict[str, Any]:
        return {
            "u": self.u,
            "outer_rule": self.outer.name,
            "inner": self.inner,
            "outer": self.outer.expr,
            "outer_derivative": self.outer.result(),
            "inner_derivative": self.inner_rule.result(),
        }


def _needs_group(expr: sp.Expr) -> bool:
    return bool(expr.is_Add or (expr.could_extract_minus_sign() and not isinstance(expr, sp.Derivative)))
