"""What the engine's [input, expected] tables share: reading a row, the shape of a rule tree, and SymPy's
own `diff` as the reference every rule's result is compared with.

A row names the expression as derivator reads it (derivator.parse.text, catalog names callable) and the
rule tree the strategies must choose, written as nested class names without "Rule":
`Sum(Power, ConstantMultiple(Variable))`. A table function is called per family; it calls
`derive_rule` directly, never the pipeline.
"""

from __future__ import annotations

import sympy as sp

from derivator import catalog
from derivator.engine import rules as R
from derivator.parse.text import parse_text
from derivator.verify import Domain, check_equal, plain

x = sp.Symbol("x", real=True)


def read(text: str) -> sp.Expr:
    return parse_text(text, functions=catalog.callables(), variables=("x",))


def shape(rule: R.Rule) -> str:
    """The rule tree as nested class names: the rule each strategy chose, and for which part."""
    name = type(rule).__name__.removesuffix("Rule")
    if isinstance(rule, R.FunctionRule):
        name += f":{rule.kind}"
    if isinstance(rule, R.RewriteRule):
        name += f":{rule.reason.removeprefix('rewrite.')}"
    # a chain rule's outer rule is applied in its own line, so it is part of the shape too
    kids = (rule.outer, rule.inner_rule) if isinstance(rule, R.ChainRule) else rule.children()
    return f"{name}({', '.join(shape(k) for k in kids)})" if kids else name


def sympy_pending(child: R.Rule, inline: bool = False, /) -> sp.Expr:
    """A pending sub-derivative left to SymPy: expand()'s line then evaluates with doit()."""
    return sp.Derivative(child.expr, child.var)


def kinks(rule: R.Rule) -> tuple[float, ...]:
    found: list[float] = []
    if isinstance(rule, R.PiecewiseRule):
        found += [float(k) for k in rule.kinks()]
    for child in rule.children():
        found += kinks(child)
    return tuple(found)


def assert_rule_row(text: str, tree: str, ctx: R.Context | None = None) -> R.Rule:
    """The strategies choose `tree` for `text`; its result() and its expand() line both equal sympy.diff."""
    expr = read(text)
    rule = R.derive_rule(expr, x, ctx)
    assert shape(rule) == tree, f"{text}: {shape(rule)}"
    assert not rule.contains_dont_know()
    assert_matches_sympy(rule, expr)
    return rule


def assert_matches_sympy(rule: R.Rule, expr: sp.Expr) -> None:
    reference = sp.diff(plain(expr), x)
    domain = Domain(avoid=kinks(rule) + (0.0,), real_for=plain(expr))
    result = rule.result()
    assert not result.has(sp.Derivative), result  # a result is plain: nothing left pending
    check = check_equal(result, reference, (x,), domain)
    assert check.ok and check.method, (result, reference, check)
    line = rule.expand(sympy_pending)
    check = check_equal(line, reference, (x,), domain)
    assert check.ok and check.method, (line, reference, check)
