"""Leaf rules: derivatives read off a table, with no part left to differentiate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import sympy as sp

from derivator.core.step_ids import StepId
from derivator.engine.display import frac, mul
from derivator.engine.rules.base import Pending, Rule


@dataclass(frozen=True)
class ConstantRule(Rule):
    step: ClassVar[StepId] = StepId.CONSTANT

    def result(self) -> sp.Expr:
        return sp.S.Zero


@dataclass(frozen=True)
class VariableRule(Rule):
    step: ClassVar[StepId] = StepId.VARIABLE

    def result(self) -> sp.Expr:
        return sp.S.One


@dataclass(frozen=True)
class PowerRule(Rule):
    """d/dx x^n = n x^(n-1), for any constant n (integer, negative, fractional)."""

    exponent: sp.Expr
    step: ClassVar[StepId] = StepId.POWER

    def result(self) -> sp.Expr:
        return self.exponent * self.var ** (self.exponent - 1)

    def expand(self, pending: Pending) -> sp.Expr:
        n = self.exponent
        return mul(n, sp.Pow(self.var, n - 1)) if n != 1 else sp.S.One

    def params(self) -> dict[str, Any]:
        return {"n": self.exponent}


@dataclass(frozen=True)
class ExpRule(Rule):
    """d/dx e^x = e^x; d/dx a^x = a^x ln a."""

    base: sp.Expr
    step: ClassVar[StepId] = StepId.EXP

    def result(self) -> sp.Expr:
        return self.expr if self.base == sp.E else self.expr * sp.log(self.base)

    def expand(self, pending: Pending) -> sp.Expr:
        return self.expr if self.base == sp.E else mul(self.expr, sp.log(self.base))

    def params(self) -> dict[str, Any]:
        return {"base": self.base}


def _d_table() -> dict[type, tuple[StepId, Callable[[sp.Expr], sp.Expr]]]:
    """Outer derivatives of SymPy's elementary functions, as a lecturer writes them, with the family
    (the step id) each belongs to."""
    return {
        sp.log: (StepId.LOG, lambda u: 1 / u),
        sp.sin: (StepId.TRIG, lambda u: sp.cos(u)),
        sp.cos: (StepId.TRIG, lambda u: -sp.sin(u)),
        sp.tan: (StepId.TRIG, lambda u: 1 / sp.cos(u) ** 2),
        sp.asin: (StepId.INVERSE_TRIG, lambda u: 1 / sp.sqrt(1 - u**2)),
        sp.acos: (StepId.INVERSE_TRIG, lambda u: -1 / sp.sqrt(1 - u**2)),
        sp.atan: (StepId.INVERSE_TRIG, lambda u: 1 / (1 + u**2)),
        sp.sinh: (StepId.HYPERBOLIC, lambda u: sp.cosh(u)),
        sp.cosh: (StepId.HYPERBOLIC, lambda u: sp.sinh(u)),
        sp.tanh: (StepId.HYPERBOLIC, lambda u: 1 - sp.tanh(u) ** 2),
        sp.asinh: (StepId.INVERSE_HYPERBOLIC, lambda u: 1 / sp.sqrt(u**2 + 1)),
        sp.acosh: (StepId.INVERSE_HYPERBOLIC, lambda u: 1 / sp.sqrt(u**2 - 1)),
        sp.atanh: (StepId.INVERSE_HYPERBOLIC, lambda u: 1 / (1 - u**2)),
        sp.erf: (StepId.ERF, lambda u: 2 / sp.sqrt(sp.pi) * sp.exp(-(u**2))),
    }


D_TABLE = _d_table()


@dataclass(frozen=True)
class FunctionRule(Rule):
    """d/dx f(x) for an elementary f from the table of derivatives (log, trig, hyperbolic, erf…)."""

    kind: StepId  # the family in D_TABLE: log, trig, inverse_trig, hyperbolic, inverse_hyperbolic, erf

    @property
    def name(self) -> StepId:
        return self.kind

    def result(self) -> sp.Expr:
        return D_TABLE[type(self.expr)][1](self.var)

    def params(self) -> dict[str, Any]:
        return {"function": type(self.expr).__name__}


@dataclass(frozen=True)
class AbsRule(Rule):
    """d/dx |x| = x/|x| for x ≠ 0; a kink at 0."""

    step: ClassVar[StepId] = StepId.ABS

    def result(self) -> sp.Expr:
        return frac(self.var, sp.Abs(self.var))


@dataclass(frozen=True)
class LemmaRule(Rule):
    """d/dx g(x) for a named function g, by a lemma proven in its own derivation (σ' = σ(1−σ))."""

    lemma: sp.Expr  # g'(x) in terms of x
    step: ClassVar[StepId] = StepId.LEMMA

    def result(self) -> sp.Expr:
        return self.lemma

    def params(self) -> dict[str, Any]:
        return {"function": type(self.expr).__name__, "lemma": self.lemma}
