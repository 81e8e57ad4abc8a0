"""Strategies: each looks at an expression and returns the rule that applies, or None.

`derive_rule` tries them in order (the order matters: a constant before a product, regions before the
table of functions) and ends in an explicit `DontKnowRule` — the part no strategy covers keeps its place
in the tree, and the strategies go on with every other part. This is manualintegrate's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from derivator.core.functions import NamedFunction
from derivator.core.step_ids import StepId
from derivator.engine.display import U
from derivator.engine.regions import as_regions
from derivator.engine.rules.base import DontKnowRule, Rule
from derivator.engine.rules.chain import ChainRule
from derivator.engine.rules.combining import (
    ConstantMultipleRule,
    GeneralPowerRule,
    ProductRule,
    QuotientRule,
    SumRule,
)
from derivator.engine.rules.elementary import (
    D_TABLE,
    AbsRule,
    ConstantRule,
    ExpRule,
    FunctionRule,
    LemmaRule,
    PowerRule,
    VariableRule,
)
from derivator.engine.rules.piecewise import PiecewiseRule, Region
from derivator.engine.rules.rewrite import RewriteRule

Lemma = Callable[[sp.Expr], sp.Expr]  # v -> g'(v), a proven derivative of a named function g


@dataclass
class Context:
    """What the strategies may use: proven lemmas for named functions, fresh names for u."""

    lemmas: dict[type, Lemma] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def fresh(self) -> sp.Symbol:
        for name in ("u", "v", "w", "t", "s", "r"):
            if name not in self.taken:
                return sp.Symbol(name, real=True)
        return sp.Dummy("u", real=True)


Strategy = Callable[[sp.Expr, sp.Symbol, Context], "Rule | None"]


def derive_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context | None = None) -> Rule:
    """The rule tree for d/dx expr; a part no strategy covers is a DontKnowRule leaf."""
    ctx = ctx or Context(taken={s.name for s in expr.free_symbols})
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    for strategy in STRATEGIES:
        rule = strategy(expr, x, ctx)
        if rule is not None:
            return rule
    return DontKnowRule(expr, x)


def constant_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    return ConstantRule(expr, x) if not expr.has(x) else None


def variable_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    return VariableRule(expr, x) if expr == x else None


def sum_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    if expr.is_Add:
        return SumRule(expr, x, tuple(derive_rule(t, x, ctx) for t in expr.args))
    return None


def mul_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    """A constant factor first; a fraction of two functions of x by the quotient rule; else the product rule."""
    if not expr.is_Mul:
        return None
    constant, rest = expr.as_independent(x, as_Add=False)
    if constant != 1:
        return ConstantMultipleRule(expr, x, constant, derive_rule(rest, x, ctx))
    numerator, denominator = sp.fraction(expr, exact=True)
    if denominator.has(x) and numerator.has(x):
        return QuotientRule(expr, x, derive_rule(numerator, x, ctx), derive_rule(denominator, x, ctx))
    factors = sp.Mul.make_args(expr)
    return ProductRule(expr, x, tuple(derive_rule(f, x, ctx) for f in factors))


def pow_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    """x^n; g(x)^n by the chain rule (1/g written as g^{-1} first); a^g(x); f(x)^g(x) by the general rule."""
    if not expr.is_Pow:
        return None
    base, exponent = expr.as_base_exp()
    if base == sp.E or isinstance(expr, sp.exp):
        return None
    if not exponent.has(x):
        if base == x:
            return PowerRule(expr, x, exponent)
        u = ctx.fresh()
        chain = _chain(expr, x, ctx, base, u**exponent, u)
        if exponent.is_Number and exponent.is_negative:
            # shown as a fraction, differentiated as a power: the seeds write 1/g as g^{-1} first
            return RewriteRule(expr, x, U(base) ** exponent, StepId.REWRITE_NEGATIVE_POWER, chain)
        return chain
    if not base.has(x):
        if exponent == x:
            return ExpRule(expr, x, base)
        u = ctx.fresh()
        return _chain(expr, x, ctx, exponent, base**u, u)
    return GeneralPowerRule(expr, x, derive_rule(base, x, ctx), derive_rule(exponent, x, ctx))


def exp_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    if not isinstance(expr, sp.exp):
        return None
    if expr.args[0] == x:
        return ExpRule(expr, x, sp.E)
    u = ctx.fresh()
    return _chain(expr, x, ctx, expr.args[0], sp.exp(u), u)


def function_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    """f(x) for f with a lemma, in the table, or |·|; f(g(x)) by the chain rule with u = g(x)."""
    f = type(expr)
    leaf: Callable[[sp.Expr, sp.Symbol], Rule]
    if isinstance(expr, sp.Function) and f in ctx.lemmas:
        # a proven result is cited, even for a function the table knows (Mish cites tanh′)
        lemma = ctx.lemmas[f]
        leaf = lambda e, v: LemmaRule(e, v, lemma(v))  # noqa: E731
    elif f in D_TABLE:
        kind = D_TABLE[f][0]
        leaf = lambda e, v: FunctionRule(e, v, kind)  # noqa: E731
    elif isinstance(expr, sp.Abs):
        leaf = AbsRule
    else:
        return None
    if len(expr.args) != 1:
        return None
    (arg,) = expr.args
    if arg == x:
        return leaf(expr, x)
    u = ctx.fresh()
    return ChainRule(expr, x, u, arg, leaf(f(u), u), derive_rule(arg, x, _child(ctx, u)))


def _child(ctx: Context, u: sp.Symbol) -> Context:
    return Context(ctx.lemmas, ctx.taken | {u.name})


def _chain(expr: sp.Expr, x: sp.Symbol, ctx: Context, inner: sp.Expr, outer_expr: sp.Expr, u: sp.Symbol) -> ChainRule:
    child = _child(ctx, u)
    return ChainRule(expr, x, u, inner, derive_rule(outer_expr, u, child), derive_rule(inner, x, child))


def piecewise_rule(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    """Max, Min, Heaviside, Piecewise with numeric boundaries: region by region (written as cases first)."""
    regions = as_regions(expr, x)
    if regions is None:
        return None
    rewritten, pieces = regions
    rule = PiecewiseRule(rewritten, x, tuple(Region(v, lo, hi, derive_rule(v, x, ctx)) for v, lo, hi in pieces))
    if rewritten == expr:
        return rule
    return RewriteRule(expr, x, rewritten, StepId.REWRITE_CASES, rule)


def named_without_lemma(expr: sp.Expr, x: sp.Symbol, ctx: Context) -> Rule | None:
    if isinstance(expr, NamedFunction):
        # no lemma given: differentiate its definition instead (the lemma is proven inline)
        rewritten = expr.defined()
        return RewriteRule(expr, x, rewritten, StepId.REWRITE_DEFINITION, derive_rule(rewritten, x, ctx))
    return None


STRATEGIES: tuple[Strategy, ...] = (
    constant_rule,
    variable_rule,
    sum_rule,
    mul_rule,
    pow_rule,
    exp_rule,
    piecewise_rule,
    function_rule,
    named_without_lemma,
)
