"""Rules that combine the derivatives of parts: constant multiple, sum, product, quotient, f^g."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import sympy as sp

from derivator.core.step_ids import StepId
from derivator.engine.display import U, add, frac, group, mul
from derivator.engine.rules.base import Pending, Rule


@dataclass(frozen=True)
class ConstantMultipleRule(Rule):
    """(c f)' = c f'."""

    constant: sp.Expr
    other: Rule
    step: ClassVar[StepId] = StepId.CONSTANT_MULTIPLE

    def children(self) -> tuple[Rule, ...]:
        return (self.other,)

    def result(self) -> sp.Expr:
        return self.constant * self.other.result()

    def expand(self, pending: Pending) -> sp.Expr:
        return mul(group(self.constant), pending(self.other))

    def params(self) -> dict[str, Any]:
        return {"c": self.constant}


@dataclass(frozen=True)
class SumRule(Rule):
    """(f + g)' = f' + g'."""

    terms: tuple[Rule, ...]
    step: ClassVar[StepId] = StepId.SUM

    def children(self) -> tuple[Rule, ...]:
        return self.terms

    def result(self) -> sp.Expr:
        return sp.Add(*(t.result() for t in self.terms))

    def expand(self, pending: Pending) -> sp.Expr:
        return add(*(pending(t) for t in self.terms))


@dataclass(frozen=True)
class ProductRule(Rule):
    """(f g)' = f' g + f g' (for n factors, one term per factor)."""

    factors: tuple[Rule, ...]
    step: ClassVar[StepId] = StepId.PRODUCT

    def children(self) -> tuple[Rule, ...]:
        return self.factors

    def result(self) -> sp.Expr:
        total = sp.S.Zero
        for i, rule in enumerate(self.factors):
            others = [f.expr for j, f in enumerate(self.factors) if j != i]
            total += rule.result() * sp.Mul(*others)
        return total

    def expand(self, pending: Pending) -> sp.Expr:
        terms = []
        for i, rule in enumerate(self.factors):
            parts = [pending(f) if j == i else group(f.expr) for j, f in enumerate(self.factors)]
            terms.append(mul(*parts))
        return add(*terms)


@dataclass(frozen=True)
class QuotientRule(Rule):
    """(f/g)' = (f' g − f g') / g²."""

    numerator: Rule
    denominator: Rule
    step: ClassVar[StepId] = StepId.QUOTIENT

    def children(self) -> tuple[Rule, ...]:
        return (self.numerator, self.denominator)

    def result(self) -> sp.Expr:
        f, g = self.numerator.expr, self.denominator.expr
        return (self.numerator.result() * g - f * self.denominator.result()) / g**2

    def expand(self, pending: Pending) -> sp.Expr:
        f, g = group(self.numerator.expr), group(self.denominator.expr)
        top = add(mul(pending(self.numerator), g), -mul(f, pending(self.denominator)))
        return frac(top, sp.Pow(g, 2, evaluate=False))


@dataclass(frozen=True)
class GeneralPowerRule(Rule):
    """(f^g)' = f^g (g' ln f + g f'/f)."""

    base: Rule
    exponent: Rule
    step: ClassVar[StepId] = StepId.GENERAL_POWER

    def children(self) -> tuple[Rule, ...]:
        return (self.base, self.exponent)

    def result(self) -> sp.Expr:
        f, g = self.base.expr, self.exponent.expr
        return f**g * (self.exponent.result() * sp.log(f) + g * self.base.result() / f)

    def expand(self, pending: Pending) -> sp.Expr:
        f, g = self.base.expr, self.exponent.expr
        inside = add(mul(pending(self.exponent), sp.log(f)), mul(group(g), frac(pending(self.base), group(f))))
        return mul(group(self.expr), U(inside))
