"""Claims about functions the text never defines (`{f(g(x))}' = f'(g(x))g'(x)`, `(u/v)'` with u, v any
functions): a rule of differentiation holds for *every* function, so it is judged by instances — each free
function replaced by several different concrete ones, the claim checked at random points for each.

"Holds for all of them" is ok. "Fails for every one of them" is wrong, with the first instance and the
point as the counterexample — but only for a rule proper: the same free functions on both sides (a function
on one side only, f'(x) = (g t)', is tied to the others by prose, if at all). A claim that fails for some
instances and holds for others is left unchecked.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from dataclasses import dataclass

from derivator.core.printing import to_unicode
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
    arity = {a.func: len(a.args) for a in expr.atoms(AppliedUndef)}
    mapping = {f: concrete(INSTANCES[(k + shift) % len(INSTANCES)], arity.get(f, 1)) for k, f in enumerate(functions)}
    out = expr.replace(lambda e: isinstance(e, sp.Derivative) and not all(v.is_Symbol for v in e.variables), _as_subs)
    for f, fn in mapping.items():
        out = out.replace(f, fn)
    return out.doit()


def concrete(body: sp.Expr, arity: int) -> sp.Lambda:
    """A concrete function of `arity` arguments from a one-argument instance: the instance of a weighted
    sum of the arguments, plus their product — every argument matters, and not separately."""
    if arity == 1:
        return sp.Lambda(_T, body)
    args = sp.symbols(f"t1:{arity + 1}", real=True)
    inner = sum(a / (k + 1) for k, a in enumerate(args))
    return sp.Lambda(args, body.xreplace({_T: inner}) + sp.Mul(*args) / 5)


@dataclass
class FreeVerdict:
    """A rule judged by instances: ok (it held for each) or not (it failed for each, `instance` the
    concrete functions of the counterexample, as `f(t) = …`)."""

    ok: bool
    verification: Verification
    instance: str = ""


def judge_for_any_functions(left: sp.Expr, right: sp.Expr, domain: Domain) -> FreeVerdict | None:
    """The verdict on left = right for every choice of its free functions; None when it has none, when
    they differ between the sides, or when the instances disagree (or one cannot be evaluated)."""
    functions = free_functions(left, right)
    if not functions or free_functions(left) != free_functions(right):
        return None  # a function on one side only (f'(x) = (g t)'): related by the prose, if at all
    verdicts = []
    for shift in range(len(INSTANCES)):  # each free function takes each concrete one in turn
        a, b = instance(left, functions, shift), instance(right, functions, shift)
        if a.atoms(AppliedUndef, sp.Derivative, sp.Subs) or b.atoms(AppliedUndef, sp.Derivative, sp.Subs):
            return None
        v = check_equal(a, b, None, domain, symbolic=False)  # numeric: each instance is cheap
        if v.method is None or (not v.ok and not _real_point(v.counterexample)):
            return None
        verdicts.append(v)
    if all(v.ok for v in verdicts):
        return FreeVerdict(True, verdicts[-1])
    if any(v.ok for v in verdicts):
        return None  # right for some functions only: not a rule, and not certainly what was meant
    arity = {a.func: len(a.args) for e in (left, right) for a in e.atoms(AppliedUndef)}
    return FreeVerdict(False, verdicts[0], describe(functions, 0, arity))


def holds_for_any_functions(left: sp.Expr, right: sp.Expr, domain: Domain) -> Verification | None:
    """The verification of the last instance when left = right holds for every instance of its free
    functions; None otherwise."""
    verdict = judge_for_any_functions(left, right, domain)
    return verdict.verification if verdict is not None and verdict.ok else None


def describe(functions: list[sp.FunctionClass], shift: int, arity: dict | None = None) -> str:
    """The concrete functions of instance `shift`, as a reader writes them: f(t) = sin(t) + …, in a
    letter that is not one of the functions' names."""
    names = {f.__name__ for f in functions}
    letter = next(c for c in "tswrq" if c not in names)
    out = []
    for k, f in enumerate(functions):
        fn = concrete(INSTANCES[(k + shift) % len(INSTANCES)], (arity or {}).get(f, 1))
        args = [sp.Symbol(letter if len(fn.variables) == 1 else f"{letter}{j + 1}", real=True)
                for j in range(len(fn.variables))]
        out.append(f"{f.__name__}({', '.join(map(str, args))}) = {to_unicode(fn(*args))}")
    return ", ".join(out)


def _real_point(counterexample: dict | None) -> bool:
    """A counterexample at a real point, with real values on both sides (a sure difference)."""
    if not counterexample:
        return False
    try:
        return all(complex(sp.sympify(v)).imag == 0 for v in counterexample.values())
    except (TypeError, ValueError, sp.SympifyError):
        return False


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
