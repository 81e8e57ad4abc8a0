"""Turn a rule tree into the lines a lecturer writes.

The trace starts from the pending derivative d/dx f(x). Each step applies the rule of the first pending
d/dx node (in reading order) and replaces the node by that rule's line, in which the sub-derivatives still
to be done appear as new pending nodes. A chain rule's inner derivative, when it is elementary (the
reader does it in their head), is done inside the same step and kept as its sub-steps. A part no rule
covers (DontKnowRule) gets its own step, which replaces its pending node by the marked hole: the trace
then goes on with every other part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derivator.core.functions import expand_inner, inner_function
from derivator.core.step_ids import StepId
from derivator.core.trace import Step
from derivator.engine import rules as R
from derivator.engine.display import group, mul

# from this many nested chain rules on, the inner functions get names (u₁ = g₁(x), u₂ = g₂(u₁), …) as a
# lecturer names them, so each line holds O(1) new material; two levels (e^{sin(x²)}) read best written out
NAMED_CHAIN_DEPTH = 2

INLINE_RULES = (
    R.ConstantRule, R.VariableRule, R.PowerRule, R.ExpRule, R.FunctionRule, R.LemmaRule,
    R.ConstantMultipleRule, R.SumRule,
)


def elementary(rule: R.Rule) -> bool:
    """Small enough to differentiate in one's head: no product, quotient, lemma or region."""
    if isinstance(rule, R.ChainRule):
        inner = rule.inner_rule
        linear = sp.Poly(rule.inner, rule.var).degree() <= 1 if rule.inner.is_polynomial(rule.var) else False
        return linear and elementary(rule.outer) and elementary(inner)
    if not isinstance(rule, INLINE_RULES):
        return False
    return all(elementary(child) for child in rule.children())


@dataclass
class Tracer:
    var: sp.Symbol
    registry: dict[sp.Expr, R.Rule] = field(default_factory=dict)

    def node(self, rule: R.Rule, display: sp.Expr | None = None) -> sp.Expr:
        """A pending d/dx node for `rule` (shown with `display` if given)."""
        shown = R.group(display if display is not None else rule.expr)
        pending = sp.Derivative(shown, rule.var, evaluate=False)
        self.registry[pending] = rule
        return pending

    def first_pending(self, expr: sp.Expr) -> sp.Expr | None:
        for sub in sp.preorder_traversal(expr):
            if isinstance(sub, sp.Derivative) and sub in self.registry:
                return sub
        return None

    def all_pending(self, expr: sp.Expr) -> list[sp.Expr]:
        found = []
        for sub in sp.preorder_traversal(expr):
            if isinstance(sub, sp.Derivative) and sub in self.registry and sub not in found:
                found.append(sub)
        return found

    def run(self, root: R.Rule, start: sp.Expr | None = None) -> tuple[list[Step], sp.Expr]:
        """Steps from the pending derivative of root (or from `start`, which contains it) to the end."""
        current = start if start is not None else self.node(root)
        steps: list[Step] = []
        while (pending := self.first_pending(current)) is not None:
            rule = self.registry[pending]
            substeps: list[Step] = []
            if elementary(rule) and pending != current:
                # every elementary derivative still pending is done in one line, each kept as sub-steps
                batch = [p for p in self.all_pending(current) if elementary(self.registry[p])]
                names: list[str] = []
                for node in batch:
                    inner_steps, _ = Tracer(self.registry[node].var).run(self.registry[node])
                    substeps.extend(inner_steps)
                    names += _names_done(self.registry[node], inner_steps)
                after = substitute(current, {node: self.registry[node].result() for node in batch})
                unique = list(dict.fromkeys(names))
                step_rule = unique[0] if len(unique) == 1 else StepId.ELEMENTARY
                # one derivative alone is narrated as its rule is (the power rule with its n)
                params = {**self.registry[batch[0]].params(), "rules": unique} if len(batch) == 1 else {"rules": unique}
                steps.append(Step(step_rule, current, after, params, substeps))
                current = after
                continue
            levels = _chain_levels(rule)
            if len(levels) >= NAMED_CHAIN_DEPTH:
                named = self.named_chain(current, pending, levels)
                steps += named
                current = named[-1].after
                continue
            if isinstance(rule, R.RewriteRule):
                # the new form is shown, and what differentiates it is left pending
                replacement = self.node(rule.then, display=rule.rewritten)
            else:
                replacement = rule.expand(_PendingNodes(self, substeps))
            step_rule, params = rule.name, rule.params()
            after = substitute(current, {pending: replacement})
            steps.append(Step(step_rule, current, after, params, substeps))
            current = after
        return steps, current


    def named_chain(self, current: sp.Expr, pending: sp.Expr, levels: list[R.ChainRule]) -> list[Step]:
        """f(g_m(…g_1(x))) as a lecturer writes it: u₁ = g_1(x), u_k = g_k(u_{k-1}); one chain rule for
        f(u_m), then u_k′ = g_k′(u_{k-1})·u_{k-1}′ one line each (sub-steps), multiplied in one line.
        Every line holds O(1) new material, so the trace grows linearly with the depth."""
        m = len(levels)
        x = levels[0].var
        definitions = [levels[-1].inner]  # u_1 = g_1(x), then u_k in terms of u_{k-1}
        names = [inner_function(1, definitions[0], x)(x)]
        for k in range(2, m + 1):
            level = levels[m - k + 1]
            definitions.append(level.outer.expr.xreplace({level.u: names[-1]}))
            names.append(inner_function(k, definitions[-1], x)(x))

        def link(level: R.ChainRule, u: sp.Expr, definition: sp.Expr) -> tuple[sp.Expr, dict]:
            """The outer derivative at u times u′ (pending), and the chain rule's parameters."""
            outer = level.outer.result().xreplace({level.u: u})
            du = sp.Derivative(u, x, evaluate=False)
            params = {"u": u, "outer_rule": level.outer.name, "inner": definition,
                      "outer": level.outer.expr.xreplace({level.u: u}), "outer_derivative": outer,
                      "inner_derivative": du}
            return group(outer) if outer.is_Add else outer, params

        top, params = link(levels[0], names[-1], definitions[-1])
        du_top = sp.Derivative(names[-1], x, evaluate=False)
        after_top = substitute(current, {pending: mul(top, du_top)})
        substeps: list[Step] = []
        factors = []
        for k in range(m, 1, -1):
            factor, link_params = link(levels[m - k + 1], names[k - 2], definitions[k - 2])
            du = sp.Derivative(names[k - 2], x, evaluate=False)
            substeps.append(Step(StepId.CHAIN, sp.Derivative(names[k - 1], x, evaluate=False), mul(factor, du), link_params))
            factors.append(factor)
        leaf = levels[-1].inner_rule
        if elementary(leaf):
            leaf_steps, _ = Tracer(x).run(leaf)
            substeps += leaf_steps
            last = leaf.result()
        else:
            last = self.node(leaf)
        if not (isinstance(last, sp.Number) and last == 1):
            factors.append(group(last) if last.is_Add else last)
        after = substitute(after_top, {du_top: mul(*factors)})
        statements = [sp.Eq(u, d, evaluate=False) for u, d in zip(names, definitions)]
        steps = [Step(StepId.CHAIN, current, after_top, {**params, "names": statements}),
                 Step(StepId.CHAIN_NAMED, after_top, after, {"names": statements}, substeps)]
        written = expand_inner(after)
        if sp.count_ops(written) <= 2 * sp.count_ops(after) + 4:
            # short enough to read written out (2x·cos(x²)·e^{sin x²}): the names go back in, as a lecturer
            # ends; a deep nest stays in u_k, its line holding O(1) new material per level
            steps.append(Step(StepId.CHAIN_WRITE_BACK, after, written, {"names": statements}))
        return steps


def _chain_levels(rule: R.Rule) -> list[R.ChainRule]:
    """A chain rule and the chain rules nested in its inner derivative that are not done in one's head."""
    levels: list[R.ChainRule] = []
    while isinstance(rule, R.ChainRule):
        levels.append(rule)
        rule = rule.inner_rule
        if elementary(rule):
            break
    return levels


def _names_done(rule: R.Rule, steps: list[Step]) -> list[str]:
    """The rules a line applies to one pending derivative: a sum's line also differentiates its terms
    (d/dx[eˣ − e⁻ˣ] is the sum rule and the exponential rule, not the sum rule alone)."""
    if not isinstance(rule, R.SumRule):
        return [rule.name]
    return [n for s in steps for n in (s.params["rules"] if s.rule == StepId.ELEMENTARY else [s.rule])]


@dataclass
class _PendingNodes:
    """What a rule's expand() calls for each part: a pending d/dx node, or (inline and elementary, as a
    chain rule's inner derivative) the result at once, its own steps kept as this step's sub-steps."""

    tracer: Tracer
    substeps: list[Step]

    def __call__(self, child: R.Rule, inline: bool = False) -> sp.Expr:
        if inline and elementary(child):
            inner_steps, _ = Tracer(child.var).run(child)
            self.substeps.extend(inner_steps)
            return child.result()
        return self.tracer.node(child)


_KEEP_AS_WRITTEN = (sp.Add, sp.Mul, sp.Pow, sp.Derivative)


def substitute(expr: sp.Expr, mapping: dict[sp.Expr, sp.Expr]) -> sp.Expr:
    """Replace sub-expressions without re-evaluating what is around them (xreplace would reorder)."""
    if expr in mapping:
        return mapping[expr]
    if expr.is_Atom or not expr.args:
        return expr
    args = [substitute(a, mapping) for a in expr.args]
    if all(a is b for a, b in zip(args, expr.args)):
        return expr
    if isinstance(expr, sp.Mul):
        # a factor that became 1 (d/dx x) or a term that became 0 (d/dx c) is not written
        args = [a for a in args if a != 1] or [sp.S.One]
        if any(a == 0 for a in args):
            return sp.S.Zero
        return args[0] if len(args) == 1 else sp.Mul(*args, evaluate=False)
    if isinstance(expr, sp.Add):
        args = [a for a in args if a != 0] or [sp.S.Zero]
        return args[0] if len(args) == 1 else sp.Add(*args, evaluate=False)
    if isinstance(expr, _KEEP_AS_WRITTEN):
        return expr.func(*args, evaluate=False)
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(a.args[0], a.args[1]) for a in args], evaluate=False)
    return expr.func(*args)
