"""Claims about functions the text never defines (`{f(g(x))}' = f'(g(x))g'(x)`, `(u/v)'` with u, v any
functions): a rule of differentiation holds for *every* function, so it is judged by instances — each free
function replaced by several different concrete ones, the claim checked at random points for each.

Only "holds for all of them" is a verdict (ok). A claim that fails for an instance may still be meant with
a relation the prose states (g(x)/h(x) = f(x) in a sentence), so it stays unchecked: never wrong from here.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from derivator.verify import Domain, Verification, check_equal

_T = sp.Symbol("t", real=True)
# smooth, defined on the whole line, unlike each other (no pair a constant multiple or shift of another)
INSTANCES = (
    sp.sin(_T) + _T**2 / 3 + 2,
    sp.exp(_T / 2) + _T / 5 + 1,
    _T**3 / 7 - _T + 3,
)


def free_functions(*exprs: sp.Expr) -> list[sp.FunctionClass]:
    """The undefined functions (f, g of `f(g(x))`) the expressions apply, in a stable order."""
    found = {a.func for e in exprs for a in e.atoms(AppliedUndef)}
    return sorted(found, key=lambda f: f.__name__)


def instance(expr: sp.Expr, functions: list[sp.FunctionClass], shift: int) -> sp.Expr:
    """expr with the k-th free function replaced by concrete function number k + shift, derivatives done."""
    mapping = {f: sp.Lambda(_T, INSTANCES[(k + shift) % len(INSTANCES)]) for k, f in enumerate(functions)}
    out = expr.replace(lambda e: isinstance(e, sp.Derivative) and not all(v.is_Symbol for v in e.variables), _as_subs)
    for f, concrete in mapping.items():
        out = out.replace(f, concrete)
    return out.doit()


def holds_for_any_functions(left: sp.Expr, right: sp.Expr, domain: Domain) -> Verification | None:
    """The verification of the last instance when left = right holds for every instance of its free
    functions; None when there are none, or it fails (or cannot be evaluated) for one."""
    functions = free_functions(left, right)
    if not functions or free_functions(left) != free_functions(right):
        return None  # a function on one side only (f'(x) = (g t)'): related by the prose, if at all
    last = None
    for shift in range(len(INSTANCES)):  # each free function takes each concrete one in turn
        a, b = instance(left, functions, shift), instance(right, functions, shift)
        if a.atoms(AppliedUndef, sp.Derivative, sp.Subs) or b.atoms(AppliedUndef, sp.Derivative, sp.Subs):
            return None
        last = check_equal(a, b, None, domain, symbolic=False)  # numeric: each instance is cheap
        if not (last.ok and last.method is not None):
            return None
    return last


def _as_subs(d: sp.Derivative) -> sp.Expr:
    """df/dg at g = g(x) (SymPy's chain rule differentiates with respect to g(x)) as a derivative at a
    point, which stays meaningful once g is replaced by a concrete function."""
    out = d.expr
    points = []
    for var, count in d.variable_count:
        if var.is_Symbol:
            out = sp.Derivative(out, (var, count))
            continue
        u = sp.Dummy("u", real=True)
        out = sp.Derivative(out.xreplace({var: u}), (u, count))
        points.append((u, var))
    for u, var in points:
        out = sp.Subs(out, u, var)
    return out
