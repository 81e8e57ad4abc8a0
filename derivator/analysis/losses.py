"""Loss gradients as a lecturer derives them on the board, with indices.

    bce         L = −[y log σ(z) + (1 − y) log(1 − σ(z))]        ∂L/∂z   = σ(z) − y
    mse         L = ½ Σ_k (σ(z_k) − y_k)²                          ∂L/∂z_i = (σ(z_i) − y_i) σ(z_i)(1 − σ(z_i))
    softmax     s_i = e^{z_i} / Σ_k e^{z_k}                        ∂s_i/∂z_j = s_i(δ_ij − s_j)
    softmax_ce  L = −Σ_k y_k log p_k,  p = softmax(z), Σ_k y_k = 1  ∂L/∂z_i = p_i − y_i

Each is a Derivation of Steps written here, line by line (the moves are the lecturer's: the chain rule
inside a sum, ∂z_k/∂z_i = δ_ki, the sum collapsed by δ, the σ′ lemma, Σ_k y_k = 1), and each Step is
then verified independently: the indexed expressions are made concrete for n = 2 and n = 3 outputs at
every assignment of the free indices, softmax outputs and the loss are written out by their
definitions, pending derivatives are taken by SymPy, and both sides are compared numerically at random
points (derivator.verify.check_equal). A step that uses Σ_k y_k = 1 is checked on that constraint.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from derivator.core.errors import DerivatorError
from derivator.core.functions import sigmoid
from derivator.core.step_ids import StepId
from derivator.core.trace import Derivation, Lemma, Step, Verification
from derivator.verify import Domain, check_equal

SIZES = (2, 3)  # numbers of outputs n the indexed identities are checked for

z = sp.IndexedBase("z")
y = sp.IndexedBase("y")
s = sp.IndexedBase("s")
p = sp.IndexedBase("p")
i, j, k, q = sp.symbols("i j k q", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
L = sp.Symbol("L")
Z = sp.Symbol("z", real=True)  # the scalar logit of binary cross-entropy
Y = sp.Symbol("y", real=True)  # its label


class Partial(sp.Derivative):
    """∂f/∂z_i, printed as a lecturer writes it; `.doit()` differentiates with SymPy."""

    def _latex(self, printer, exp=None):
        var = printer._print(self.variables[0])
        inner = self.expr.args[0] if isinstance(self.expr, sp.UnevaluatedExpr) else self.expr
        if inner.is_Symbol or isinstance(inner, sp.Indexed) or (inner.is_Function and not inner.args[0].is_Add):
            return rf"\frac{{\partial {printer._print(inner)}}}{{\partial {var}}}"
        return rf"\frac{{\partial}}{{\partial {var}}}\left({printer._print(inner)}\right)"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._sympystr(printer))

    def _sympystr(self, printer):
        inner = self.expr.args[0] if isinstance(self.expr, sp.UnevaluatedExpr) else self.expr
        var = printer._print(self.variables[0])
        if inner.is_Symbol or isinstance(inner, sp.Indexed) or (inner.is_Function and not inner.args[0].is_Add):
            return f"∂{printer._print(inner)}/∂{var}"  # ∂L/∂zᵢ, ∂σ(zₖ)/∂zᵢ: as the LaTeX reads
        return f"∂({printer._print(inner)})/∂{var}"

    _unicode_str = _sympystr  # the terminal's printer


def _head(printer, applied: sp.Expr) -> str:
    """A function's name as the printer writes it (σ, \\sigma): the function applied to a bare symbol, its
    argument cut off (cutting at the last bracket of f(z_k) would cut inside an argument with brackets)."""
    probe = printer._print(applied.func(sp.Symbol("u")))
    return probe[: probe.rfind("(")]


class Prime(sp.Derivative):
    """f′(u) for a named function applied to u: σ′(z_k). `.doit()` differentiates with SymPy."""

    def _latex(self, printer, exp=None):
        return f"{_head(printer, self.expr)}'({printer._print(self.variables[0])})"

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._sympystr(printer))

    def _sympystr(self, printer):
        return f"{_head(printer, self.expr)}′({printer._print(self.variables[0])})"

    _unicode_str = _sympystr


def _d(expr: sp.Expr, var: sp.Expr) -> Partial:
    return Partial(sp.UnevaluatedExpr(expr) if not (expr.is_Symbol or isinstance(expr, sp.Indexed)) else expr, var,
                   evaluate=False)


def _sigma_prime(u: sp.Expr) -> Prime:
    return Prime(sigmoid(u), u, evaluate=False)


def U(expr: sp.Expr) -> sp.UnevaluatedExpr:
    return sp.UnevaluatedExpr(expr)


def M(*factors: sp.Expr) -> sp.Expr:
    """A product in the order a lecturer writes it (SymPy would reorder and cancel)."""
    return sp.Mul(*factors, evaluate=False)


def A(*terms: sp.Expr) -> sp.Expr:
    """A sum kept as written, so that y σ − y σ is visible before it cancels."""
    return sp.Add(*terms, evaluate=False)


def _sum(term: sp.Expr, index: sp.Symbol = k) -> sp.Sum:
    return sp.Sum(term, (index, 1, n))


@dataclass
class IndexedProblem:
    """What the verifier needs besides the steps: the definitions behind the names."""

    free: tuple[sp.Symbol, ...]  # free indices (i, j)
    definitions: dict[sp.Expr, Callable[[int, int], sp.Expr]] = field(default_factory=dict)  # base -> (m, N) -> expr
    scalar: bool = False  # binary cross-entropy: no indices at all


def _softmax_of(m, size: int) -> sp.Expr:
    return sp.exp(z[m]) / sum(sp.exp(z[q]) for q in range(1, size + 1))


def _concrete(expr: sp.Expr, problem: IndexedProblem, size: int, values: dict, constrained: bool) -> sp.Expr:
    """The expression for n = size and the free indices set: sums expanded, names written out,
    pending derivatives taken, and z_m, y_m as plain real symbols."""
    expr = expr.xreplace({n: sp.Integer(size), **values})
    for base, define in problem.definitions.items():
        expr = expr.replace(
            lambda e, _b=base: isinstance(e, sp.Indexed) and e.base == _b,
            lambda e, _d=define: _d(e.indices[0], size),
        )
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    expr = expr.doit()
    symbols = {}
    for base in (z, y):
        for m in range(1, size + 1):
            symbols[base[m]] = sp.Symbol(f"{base.name}_{m}", real=True)
    expr = expr.xreplace(symbols)
    if constrained:
        last = sp.Symbol(f"y_{size}", real=True)
        expr = expr.xreplace({last: 1 - sum(sp.Symbol(f"y_{m}", real=True) for m in range(1, size))})
    return expr


def _verify_pair(a: sp.Expr, b: sp.Expr, problem: IndexedProblem, constrained: bool) -> Verification:
    if problem.scalar:
        return check_equal(a, b, (Y, Z), Domain(-4, 4))
    points, cases = 0, []
    for size in SIZES:
        for combo in itertools.product(range(1, size + 1), repeat=len(problem.free)):
            values = dict(zip(problem.free, map(sp.Integer, combo)))
            ca = _concrete(a, problem, size, values, constrained)
            cb = _concrete(b, problem, size, values, constrained)
            symbols = tuple(sp.Symbol(f"{base}_{m}", real=True) for base in ("y", "z") for m in range(1, size + 1))
            result = check_equal(ca, cb, symbols, Domain(-4, 4))
            if not result.ok:
                where = ", ".join(f"{s_}={v}" for s_, v in values.items())
                result.note = f"fails for n = {size}, {where}"
                return result
            points += result.points
            cases.append(result.method)
    method = "symbolic+numeric" if all(c == "symbolic+numeric" for c in cases) else "numeric"
    note = f"n = {', '.join(map(str, SIZES))} outputs, every value of {', '.join(map(str, problem.free))}"
    if constrained:
        note += ", on Σ_k y_k = 1"
    return Verification(True, method, points, note=note)


def _chain(start: sp.Expr, *moves: tuple[StepId, sp.Expr, dict]) -> list[Step]:
    steps, current = [], start
    for rule, after, params in moves:
        steps.append(Step(rule, current, after, params))
        current = after
    return steps


# -- the four derivations ------------------------------------------------------------------------------
def _sigmoid_lemma() -> Lemma:
    from derivator.pipeline import derive

    u = sp.Symbol("u", real=True)
    return Lemma("sigmoid", Prime(sigmoid(u), u, evaluate=False), sigmoid(u) * (1 - sigmoid(u)), derive("sigmoid"))


def binary_cross_entropy() -> Derivation:
    """∂L/∂z = σ(z) − y for L = −[y log σ(z) + (1 − y) log(1 − σ(z))]."""
    sz = sigmoid(Z)
    loss = A(-M(Y, sp.log(sz)), -M(U(1 - Y), sp.log(1 - sz)))
    start = _d(L, Z)
    lemma = _sigmoid_lemma()
    sp_ = _sigma_prime(Z)
    one_minus = 1 - sz
    moves = [
        (StepId.DEFINITION, _d(loss, Z), {"function": L, "definition": loss}),
        # d/dz log u = u'/u for each logarithm, the outer minus sign distributed at once
        (StepId.LOSS_LOG_CHAIN, A(-M(Y, sp_, sp.Pow(sz, -1)), M(U(1 - Y), sp_, sp.Pow(one_minus, -1))), {}),
        (StepId.LEMMA,
         A(-M(Y, U(sz * one_minus), sp.Pow(sz, -1)), M(U(1 - Y), U(sz * one_minus), sp.Pow(one_minus, -1))),
         {"lemma": sp.Eq(lemma.statement_lhs, lemma.statement_rhs, evaluate=False)}),
        (StepId.REWRITE_CANCEL, A(-M(Y, U(one_minus)), M(U(1 - Y), sz)), {}),
        (StepId.REWRITE_MULTIPLY, A(-Y, M(Y, sz), sz, -M(Y, sz)), {}),
        (StepId.REWRITE_CANCEL, A(sz, -Y), {}),
    ]
    steps = _chain(start, *moves)
    d = Derivation(
        input="bce", variable=Z, function=L, definition=loss, steps=steps, derivative=sz - Y,
        lemmas=[lemma], name="bce",
    )
    return _verify_scalar(d, loss)


def _verify_scalar(d: Derivation, loss: sp.Expr) -> Derivation:
    problem = IndexedProblem(free=(), scalar=True)
    subs = {L: loss}
    for step in d.steps:
        step.verification = _verify_pair(step.before.xreplace(subs), step.after.xreplace(subs), problem, False)
    d.final_check = _verify_pair(sp.Derivative(loss, Z), d.derivative, problem, False)
    return d


def mean_squared_error() -> Derivation:
    """∂L/∂z_i = (σ(z_i) − y_i) σ(z_i)(1 − σ(z_i)) for L = ½ Σ_k (σ(z_k) − y_k)²."""
    residual = sigmoid(z[k]) - y[k]
    loss = sp.Rational(1, 2) * _sum(residual**2)
    lemma = _sigmoid_lemma()
    zi_residual = sigmoid(z[i]) - y[i]
    half = sp.UnevaluatedExpr(sp.Rational(1, 2))
    moves = [
        (StepId.DEFINITION, _d(loss, z[i]), {"function": L, "definition": loss}),
        (StepId.LOSS_CHAIN_SUM, M(half, _sum(M(2, U(residual), _d(sigmoid(z[k]), z[i])))), {}),
        (StepId.REWRITE_CANCEL, _sum(M(U(residual), _d(sigmoid(z[k]), z[i]))), {}),
        (StepId.LOSS_KRONECKER_DERIVATIVE,
         _sum(M(U(residual), _sigma_prime(z[k]), sp.KroneckerDelta(k, i))), {"index": k, "free": i}),
        (StepId.LOSS_KRONECKER_SUM, M(U(zi_residual), _sigma_prime(z[i])), {"kept": sp.Eq(k, i, evaluate=False)}),
        (StepId.LEMMA, M(U(zi_residual), sigmoid(z[i]), U(1 - sigmoid(z[i]))),
         {"lemma": sp.Eq(lemma.statement_lhs, lemma.statement_rhs, evaluate=False)}),
    ]
    steps = _chain(_d(L, z[i]), *moves)
    d = Derivation(
        input="mse", variable=z[i], function=L, definition=loss, steps=steps,
        derivative=zi_residual * sigmoid(z[i]) * (1 - sigmoid(z[i])), lemmas=[lemma], name="mse",
    )
    problem = IndexedProblem(free=(i,), definitions={})
    return _verify_named(d, problem, {L: loss}, _d(loss, z[i]))


def _verify_named(d: Derivation, problem: IndexedProblem, names: dict, start: sp.Expr) -> Derivation:
    """Write L (and other plain names) out, then verify every step and the end result."""
    for step in d.steps:
        step.verification = _verify_pair(
            step.before.xreplace(names), step.after.xreplace(names), problem, step.params.get("constraint") is not None
        )
    uses_constraint = any(step.params.get("constraint") is not None for step in d.steps)
    d.final_check = _verify_pair(start, d.derivative, problem, uses_constraint)
    return d


def softmax_jacobian(out: sp.IndexedBase = s, wrt: sp.Expr | None = None, row: sp.Expr = i) -> Derivation:
    """∂s_i/∂z_j = s_i(δ_ij − s_j) for s_i = e^{z_i} / Σ_k e^{z_k}."""
    col = wrt if wrt is not None else j
    dummy = k if k not in (row, col) else q  # the summation index must differ from the free ones
    total = _sum(sp.exp(z[dummy]), dummy)
    definition = sp.exp(z[row]) / total
    e_row, e_col = sp.exp(z[row]), sp.exp(z[col])
    delta = sp.KroneckerDelta(row, col)
    moves = [
        (StepId.DEFINITION, _d(definition, z[col]), {"function": out[row], "definition": definition}),
        (StepId.QUOTIENT,
         sp.Mul(U(_d(e_row, z[col]) * U(total) - e_row * _d(total, z[col])), sp.Pow(total, -2), evaluate=False),
         {}),
        (StepId.LOSS_KRONECKER_DERIVATIVE,
         sp.Mul(U(A(M(delta, e_row, total), -M(e_row, e_col))), sp.Pow(total, -2), evaluate=False),
         {"index": row, "free": col}),
        (StepId.REWRITE_SPLIT_FRACTION,
         A(M(delta, e_row, sp.Pow(total, -1)), -M(U(e_row / total), U(e_col / total))),
         {}),
        (StepId.REWRITE_FOLD, A(M(delta, out[row]), -M(out[row], out[col])),
         {"function": out[row], "definition": definition}),
        (StepId.REWRITE_FACTOR, M(out[row], U(A(delta, -out[col]))), {}),
    ]
    steps = _chain(_d(out[row], z[col]), *moves)
    d = Derivation(
        input="softmax", variable=z[col], function=out[row], definition=definition, steps=steps,
        derivative=out[row] * (delta - out[col]), name="softmax",
    )
    problem = IndexedProblem(free=(row, col), definitions={out: lambda m, size: _softmax_of(m, size)})
    return _verify_named(d, problem, {}, _d(definition, z[col]))


def softmax_cross_entropy() -> Derivation:
    """∂L/∂z_i = p_i − y_i for L = −Σ_k y_k log p_k with p = softmax(z) and Σ_k y_k = 1."""
    loss = -_sum(y[k] * sp.log(p[k]))
    jacobian = softmax_jacobian(out=p, wrt=i, row=k)
    lemma = Lemma("softmax", _d(p[k], z[i]), jacobian.derivative, jacobian)
    delta = sp.KroneckerDelta(k, i)
    moves = [
        (StepId.DEFINITION, _d(loss, z[i]), {"function": L, "definition": loss}),
        (StepId.LOSS_LOG_CHAIN, -_sum(M(y[k], sp.Pow(p[k], -1), _d(p[k], z[i]))), {}),
        (StepId.LEMMA, -_sum(M(y[k], sp.Pow(p[k], -1), U(M(p[k], U(A(delta, -p[i])))))),
         {"lemma": sp.Eq(lemma.statement_lhs, lemma.statement_rhs, evaluate=False)}),
        (StepId.REWRITE_CANCEL, -_sum(M(y[k], U(A(delta, -p[i])))), {}),
        (StepId.LOSS_SPLIT_SUM, A(-_sum(M(y[k], delta)), M(p[i], _sum(y[k]))), {}),
        (StepId.LOSS_KRONECKER_SUM, A(-y[i], M(p[i], _sum(y[k]))), {"kept": sp.Eq(k, i, evaluate=False)}),
        (StepId.LOSS_CONSTRAINT, A(p[i], -y[i]), {"constraint": sp.Eq(_sum(y[k]), 1)}),
    ]
    steps = _chain(_d(L, z[i]), *moves)
    d = Derivation(
        input="softmax_ce", variable=z[i], function=L, definition=loss, steps=steps, derivative=p[i] - y[i],
        lemmas=[lemma], name="softmax_ce",
    )
    problem = IndexedProblem(free=(i,), definitions={p: lambda m, size: _softmax_of(m, size)})
    return _verify_named(d, problem, {L: loss}, _d(loss, z[i]))


LOSSES: dict[str, Callable[[], Derivation]] = {
    "bce": binary_cross_entropy,
    "mse": mean_squared_error,
    "softmax": softmax_jacobian,
    "softmax_ce": softmax_cross_entropy,
}
ALIASES = {
    "binary_cross_entropy": "bce",
    "bce_with_logits": "bce",
    "torch.nn.bcewithlogitsloss": "bce",
    "sigmoid_bce": "bce",
    "mse_sigmoid": "mse",
    "squared_error": "mse",
    "softmax_jacobian": "softmax",
    "cross_entropy": "softmax_ce",
    "softmax_cross_entropy": "softmax_ce",
    "torch.nn.crossentropyloss": "softmax_ce",
    "ce": "softmax_ce",
}


def names() -> list[str]:
    return list(LOSSES)


def derive_loss(name: str) -> Derivation:
    """The verified derivation of a loss gradient by name (bce, mse, softmax, softmax_ce or an alias)."""
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in LOSSES:
        raise DerivatorError(f"unknown loss {name!r}", hint=f"use one of {', '.join(LOSSES)}")
    return LOSSES[key]()
