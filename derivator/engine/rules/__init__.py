"""Differentiation rules: one frozen dataclass per rule, built by strategies that return None.

The package is split by family; everything a caller needs is importable from here:

- base.py        the contract (Rule, abstract result()) and DontKnowRule, the explicit end
- elementary.py  leaves read off a table: constant, variable, power, exp, log/trig/…, abs, lemma
- combining.py   constant multiple, sum, product, quotient, general power f^g
- chain.py       the chain rule with an explicit u
- piecewise.py   region by region (Max, Min, Heaviside, Piecewise)
- rewrite.py     a rewrite before a rule (1/g → g^{-1}, Max → cases, a named function → its definition)
- strategies.py  derive_rule(): the strategies, tried in order
"""

from derivator.engine.display import U, add, frac, group, mul
from derivator.engine.rules.base import DontKnowRule, Pending, Rule
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
from derivator.engine.rules.piecewise import PiecewiseRule, Region, cases
from derivator.engine.rules.rewrite import REWRITE_REASONS, RewriteRule
from derivator.engine.rules.strategies import STRATEGIES, Context, Strategy, derive_rule

__all__ = [
    "U", "add", "frac", "group", "mul",
    "Rule", "DontKnowRule", "Pending",
    "ConstantRule", "VariableRule", "PowerRule", "ExpRule", "FunctionRule", "AbsRule", "LemmaRule", "D_TABLE",
    "ConstantMultipleRule", "SumRule", "ProductRule", "QuotientRule", "GeneralPowerRule",
    "ChainRule", "PiecewiseRule", "Region", "cases", "RewriteRule", "REWRITE_REASONS",
    "Context", "Strategy", "STRATEGIES", "derive_rule",
]
