"""x from y = f(x) by walking f's tree, as one inverts by hand: y = 1/(1 + e^{−x}) → 1/y = 1 + e^{−x} →
1/y − 1 = e^{−x} → log(1/y − 1) = −x → x = −log(1/y − 1).

Each move undoes the outermost operation of the side that holds x: a constant term or factor, a power
with a constant exponent or base, a function with a single-valued inverse. It applies only while x sits
in one place of each node; anything else (x in two terms, an integer power, sin) gives None and the caller
falls back to `solve`. This is milliseconds where `solve` spends a tenth of a second or more, and it is
never trusted on its own: the inverse is checked (g(f(x)) = x at sample points) before it is used.
"""

from __future__ import annotations

import sympy as sp

# a function whose real inverse is single-valued on the function's range; sin, cos, cosh are not
_INVERSES: dict[type, sp.FunctionClass] = {
    sp.exp: sp.log,
    sp.log: sp.exp,
    sp.tanh: sp.atanh,
    sp.atanh: sp.tanh,
    sp.sinh: sp.asinh,
    sp.asinh: sp.sinh,
    sp.atan: sp.tan,
    sp.erf: sp.erfinv,
    sp.erfinv: sp.erf,
    sp.erfc: sp.erfcinv,
    sp.erfcinv: sp.erfc,
}
MAX_MOVES = 40


def invert_by_tree(f: sp.Expr, x: sp.Symbol, y: sp.Expr) -> sp.Expr | None:
    """g(y) with f(g(y)) = y, found by undoing f's outer operations one by one; None where that stops."""
    side, other = f, y
    for _ in range(MAX_MOVES):
        if side == x:
            return other
        moved = _undo_outermost(side, x, other)
        if moved is None:
            return None
        side, other = moved
    return None


def _undo_outermost(side: sp.Expr, x: sp.Symbol, other: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """(inner, other′) with inner = other′ equivalent to side = other, for side's outermost operation."""
    if isinstance(side, sp.Add):
        constant, holding = side.as_independent(x, as_Add=True)
        return None if constant == 0 else (holding, other - constant)
    if isinstance(side, sp.Mul):
        constant, holding = side.as_independent(x, as_Add=False)
        return None if constant == 1 else (holding, other / constant)
    if isinstance(side, sp.Pow):
        base, exponent = side.args
        if not exponent.has(x):
            # an even power has two real roots, and SymPy's odd root of a negative number is complex:
            # which real root the inverse takes is for solve to sort out
            if exponent.is_integer and exponent not in (1, -1):
                return None
            return base, (1 / other if exponent == -1 else other ** (1 / exponent))
        if not base.has(x) and base.is_positive:
            return exponent, (sp.log(other) if base == sp.E else sp.log(other) / sp.log(base))
        return None
    inverse = _INVERSES.get(type(side))
    if inverse is not None and len(side.args) == 1:
        return side.args[0], inverse(other)
    return None
