"""An expression as an mpmath function, compiled by one walk over its tree.

What `sympy.lambdify(..., modules="mpmath")` gives, for the nodes derivator's checks meet, at a fraction of
its cost: lambdify prints the whole tree through SymPy's code printer (milliseconds per expression, the
largest part of verifying a derivation), while this walk writes one line of Python per distinct subtree.
A subtree that occurs twice is computed once per call (common subexpressions come free with the walk).
The values are the printer's: the same mpmath functions, constants evaluated at the caller's precision,
Piecewise branches evaluated only when chosen. A node outside the table gives None, and the caller uses
lambdify, so coverage never changes a value, only the time it takes. One deliberate difference: And/Or are
decided as SymPy decides them (one false part makes an And false), where the printer's left-to-right
`and` fails on a part with no truth value and leaves the point unsampled.
"""

from __future__ import annotations

from typing import Callable

import mpmath
import sympy as sp

# SymPy function → the mpmath function lambdify's mpmath printer calls for it
_FUNCTIONS = {
    cls: getattr(mpmath, name)
    for cls, name in (
        (sp.exp, "exp"), (sp.log, "log"), (sp.sin, "sin"), (sp.cos, "cos"), (sp.tan, "tan"), (sp.cot, "cot"),
        (sp.sec, "sec"), (sp.csc, "csc"), (sp.asin, "asin"), (sp.acos, "acos"), (sp.atan, "atan"),
        (sp.acot, "acot"), (sp.sinh, "sinh"), (sp.cosh, "cosh"), (sp.tanh, "tanh"), (sp.coth, "coth"),
        (sp.sech, "sech"), (sp.csch, "csch"), (sp.asinh, "asinh"), (sp.acosh, "acosh"), (sp.atanh, "atanh"),
        (sp.erf, "erf"), (sp.erfc, "erfc"), (sp.erfinv, "erfinv"), (sp.gamma, "gamma"), (sp.loggamma, "loggamma"),
        (sp.sign, "sign"), (sp.atan2, "atan2"), (sp.LambertW, "lambertw"),
    )
} | {sp.Abs: abs, sp.Max: max, sp.Min: min}
_CONSTANTS = {sp.pi: "pi", sp.E: "e", sp.EulerGamma: "euler", sp.Catalan: "catalan", sp.GoldenRatio: "phi"}
_COMPARISONS = {sp.StrictLessThan: "<", sp.LessThan: "<=", sp.StrictGreaterThan: ">", sp.GreaterThan: ">=",
                sp.Equality: "==", sp.Unequality: "!="}
# what a part of a condition raises where it has no value; a free parameter's NameError is not among them
_UNDEFINED = (TypeError, ValueError, ZeroDivisionError, OverflowError)


class _Uncovered(Exception):
    """A node this walk does not translate: the caller falls back to lambdify."""


def compile_mpmath(
    expr: sp.Basic, symbols: tuple[sp.Symbol, ...], functions: dict[str, Callable] | None = None
) -> Callable | None:
    """expr as a function of `symbols` evaluated with mpmath, or None where a node is not covered.
    `functions` gives implementations of undefined functions by name (derivator's named functions)."""
    writer = _Writer({s: f"a{i}" for i, s in enumerate(symbols)}, functions or {})
    try:
        result = writer.value(expr, writer.lines, {}, "    ")
    except (_Uncovered, RecursionError):
        return None
    source = f"def _f({', '.join(f'a{i}' for i in range(len(symbols)))}):\n" + "".join(writer.lines)
    source += f"    return {result}\n"
    namespace = {"_UNDEFINED": _UNDEFINED, "mpf": mpmath.mpf, "mpc": mpmath.mpc, "abs": abs, "max": max, "min": min, **writer.bound}
    namespace.update({name: getattr(mpmath, name) for name in _CONSTANTS.values()})
    try:
        code = compile(source, "<derivator.evaluate>", "exec")  # our own tree's code, never user text
    except (SyntaxError, RecursionError, MemoryError):  # cases nested past Python's indentation limit
        return None
    exec(code, namespace)
    return namespace["_f"]


class _Writer:
    def __init__(self, arguments: dict[sp.Symbol, str], functions: dict[str, Callable]) -> None:
        self.arguments = arguments
        self.functions = functions
        self.lines: list[str] = []
        self.bound: dict[str, object] = {}  # functions and exact constants the code calls by name
        self.count = 0

    def _name(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def _bind(self, obj: object) -> str:
        name = f"k{len(self.bound)}"
        self.bound[name] = obj
        return name

    def value(self, e: sp.Basic, lines: list[str], seen: dict, indent: str) -> str:
        """A name (or literal) holding e's value, writing the lines that compute it into `lines`.
        `seen` maps the subtrees already computed in this block (and the blocks around it) to names."""
        if e in self.arguments:
            return self.arguments[e]
        if e in seen:
            return seen[e]
        code = self._code(e, lines, seen, indent)
        name = self._name()
        lines.append(f"{indent}{name} = {code}\n")
        seen[e] = name
        return name

    def _code(self, e: sp.Basic, lines: list[str], seen: dict, indent: str) -> str:
        if isinstance(e, sp.Integer):
            return f"mpf({int(e)})"
        if isinstance(e, sp.Rational):
            return f"mpf({e.p})/mpf({e.q})"
        if isinstance(e, sp.Float):
            return f"mpf({self._bind(e._mpf_)})"
        if e in _CONSTANTS:
            return f"+{_CONSTANTS[e]}"
        if e is sp.I:
            return "mpc(0, 1)"
        if e is sp.true or e is sp.false:
            return str(bool(e))
        if isinstance(e, sp.Symbol):
            # a symbol that is not an argument (a free parameter) makes each call fail, as lambdify's
            # code does: no value is made up for it
            return f"_unbound_{self._name()}"
        if isinstance(e, sp.Piecewise):
            return self._cases(e.args, lines, seen, indent)
        if isinstance(e, sp.ITE):  # (if, then, else), a condition SymPy writes for nested cases
            return self._cases(((e.args[1], e.args[0]), (e.args[2], sp.true)), lines, seen, indent)
        if isinstance(e, (sp.And, sp.Or)):
            return self._connective(e, lines, seen, indent)
        args = [self.value(a, lines, seen, indent) for a in e.args] if e.args else []
        if isinstance(e, sp.Add):
            return " + ".join(args)
        if isinstance(e, sp.Mul):
            return " * ".join(args)
        if isinstance(e, sp.Pow):
            exponent = e.args[1]
            if exponent == sp.S.Half:
                return f"{self._bind(mpmath.sqrt)}({args[0]})"
            if exponent == -sp.S.Half:
                return f"1/{self._bind(mpmath.sqrt)}({args[0]})"
            if isinstance(exponent, sp.Integer):
                return f"{args[0]} ** {int(exponent)}"
            return f"{args[0]} ** {args[1]}"
        if type(e) in _COMPARISONS:
            return f"({args[0]} {_COMPARISONS[type(e)]} {args[1]})"
        if isinstance(e, sp.Not):
            return f"(not {args[0]})"
        function = _FUNCTIONS.get(type(e))
        if function is None and isinstance(e, sp.Function) and type(e).__name__ in self.functions:
            function = self.functions[type(e).__name__]
        if function is None or not args:
            raise _Uncovered(type(e).__name__)
        return f"{self._bind(function)}({', '.join(args)})"

    def _connective(self, e: sp.Basic, lines: list[str], seen: dict, indent: str) -> str:
        """And/Or as SymPy decides them: one false part makes an And false (one true part an Or true)
        whatever the others are, even a part with no truth value (√x < 2 at x < 0, a comparison of
        complex numbers); only when no part decides does such a part leave the whole undefined. Each
        part is computed in its own block (`seen` copied), after the parts before it left it open."""
        decisive = isinstance(e, sp.Or)
        result, undefined = self._name(), self._name()
        lines.append(f"{indent}{result} = {not decisive}\n{indent}{undefined} = False\n")
        for part in e.args:
            lines.append(f"{indent}if {result} is {not decisive}:\n{indent}    try:\n")
            name = self.value(part, lines, dict(seen), indent + "        ")
            lines.append(f"{indent}        if bool({name}) is {decisive}:\n{indent}            {result} = {decisive}\n")
            lines.append(f"{indent}    except _UNDEFINED:\n{indent}        {undefined} = True\n")
        lines.append(f"{indent}if {undefined} and {result} is {not decisive}:\n")
        lines.append(f"{indent}    raise TypeError('no part decides the condition')\n")
        return result

    def _cases(self, cases: tuple, lines: list[str], seen: dict, indent: str) -> str:
        """Nested if/else blocks: a condition is evaluated only when the ones before it failed, and a
        branch only when chosen, as the printer's conditional expression does (an unused branch may
        divide by zero at this point). What a block computes is known only inside it (`seen` copied)."""
        result = self._name()
        for branch, condition in cases:
            test = self.value(condition, lines, seen, indent)
            lines.append(f"{indent}if {test}:\n")
            name = self.value(branch, lines, dict(seen), indent + "    ")
            lines.append(f"{indent}    {result} = {name}\n")
            lines.append(f"{indent}else:\n")
            indent, seen = indent + "    ", dict(seen)
        lines.append(f"{indent}{result} = None\n")
        return result
