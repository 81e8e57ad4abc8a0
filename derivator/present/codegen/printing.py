"""Expression printers for the targets: one table of function names per target, numbers as doubles.

Numbers are printed as correctly rounded double literals (√2/√π as 0.7978845608028654, 1/3 as
0.3333333333333333): no integer division in C#, no module needed for π, and one rounding only.
A function the target has no entry for is an UnsupportedFunction with the function's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from sympy.printing.c import C99CodePrinter
from sympy.printing.pycode import PythonCodePrinter


class UnsupportedFunction(Exception):
    """The target has no function for this (erfinv in plain Python)."""

    def __init__(self, function: str):
        super().__init__(function)
        self.function = function


def numbers_as_floats(expr: sp.Expr) -> sp.Expr:
    """Numeric subexpressions that are not integers or rationals (√2, π, erf(1)) as 30-digit Floats."""
    def is_constant(e):
        return e.is_number and not e.is_Rational and not e.is_Float and not isinstance(e, sp.Number)

    return expr.replace(is_constant, lambda e: sp.Float(sp.N(e, 30), 30))


def double(value) -> str:
    """A double literal: shortest repr that reads back to the same double."""
    text = repr(float(value))
    return text if ("." in text or "e" in text or "n" in text) else text + ".0"


# functions each printer must handle through the table (SymPy's printers have their own _print_X)
FUNCTION_NAMES = ("exp", "log", "log1p", "expm1", "sqrt", "tanh", "sinh", "cosh", "sin", "cos", "tan", "atan",
                  "asin", "acos", "asinh", "acosh", "atanh", "erf", "erfc", "Erfc", "erfinv", "sign")


@dataclass
class Usage:
    """What a printed body needed: helper functions, a typed constant array."""

    helpers: set[str] = field(default_factory=set)
    constant_like: bool = False


class PythonFamilyPrinter(PythonCodePrinter):
    """Python source for math (scalars) or an array library (numpy, torch, jax.numpy)."""

    def __init__(self, functions: dict[str, str], names: dict, *, arrays: bool, like: str | None = None,
                 where: str | None = None, logical: tuple[str, str] | None = None, nan: str = "math.nan",
                 full_like: str | None = None, autodiff_branches: bool = False, variable=None):
        super().__init__({"standard": "python3", "fully_qualified_modules": True})
        self.table = functions
        self.names = names
        self.arrays = arrays
        self.like = like  # the identifier whose shape and dtype constants take (the first argument)
        self.where = where
        self.logical = logical
        self.nan = nan
        self.full_like = full_like
        self.autodiff_branches = autodiff_branches
        # a value free of these (the variable and the locals computed from it) is a constant: it is
        # given the variable's shape and dtype
        self.variables = set(variable or ())
        self.usage = Usage()

    def doprint(self, expr, assign_to=None):
        return super().doprint(numbers_as_floats(expr), assign_to)

    # names and numbers
    def _print_Symbol(self, s):
        return self.names[s]

    _print_Dummy = _print_Symbol

    def _print_Integer(self, e):
        return str(e.p)

    def _print_Rational(self, e):
        return double(e)

    def _print_Float(self, e):
        return double(e)

    def _print_NumberSymbol(self, e):
        return double(e)

    _print_Pi = _print_Exp1 = _print_EulerGamma = _print_NumberSymbol

    def _print_NaN(self, e):
        return self.nan

    # functions by table
    def _print_Function(self, e):
        name = type(e).__name__
        if name not in self.table:
            raise UnsupportedFunction(name)
        call = self.table[name]
        if call.startswith("_"):
            self.usage.helpers.add(call)
        return f"{call}({', '.join(self._print(a) for a in e.args)})"

    def _print_Grouped(self, e):
        return f"({self._print(e.args[0])})"

    def _print_Pow(self, e, rational=False):
        b, n = e.base, e.exp
        if n == sp.S.Half:
            return self._print_Function(sp.Function("sqrt")(b))
        if n == -sp.S.Half:
            return f"1/{self._print_Function(sp.Function('sqrt')(b))}"
        if n.is_Integer and n.is_negative:
            return f"1/({self._print(b) if n == -1 else self._power(b, -n)})"
        return self._power(b, n)

    def _power(self, b, n) -> str:
        base = self._print(b) if (b.is_Symbol or (b.is_Integer and b >= 0)) else f"({self._print(b)})"
        exp = self._print(n) if (n.is_Integer and n >= 0) else f"({self._print(n)})"
        return f"{base}**{exp}"

    def _print_Abs(self, e):
        if self.autodiff_branches:  # where(w >= 0, w, -w): the derivative at 0 is the w >= 0 branch's
            w = self._print(e.args[0])
            return f"{self.where}({w} >= 0, {w}, -({w}))"
        return self._print_Function(sp.Function("Abs")(e.args[0]))

    def _minmax(self, e, op: str, name: str):
        if not self.arrays:  # (a if a >= b else b): no builtin max, which a module may redefine
            a, b = e.args[0], type(e)(*e.args[1:]) if len(e.args) > 2 else e.args[1]
            pa, pb = self._print(a), self._print(b)
            return f"({pa} if {pa} {op} {pb} else {pb})"
        if not self.autodiff_branches:
            return self._print_Function(sp.Function(name)(*e.args)) if len(e.args) == 2 else \
                self._minmax(type(e)(e.args[0], type(e)(*e.args[1:], evaluate=False), evaluate=False), op, name)
        a, b = e.args[0], type(e)(*e.args[1:]) if len(e.args) > 2 else e.args[1]
        pa, pb = self._print(a), self._print(b)
        return f"{self.where}({pa} {op} {pb}, {pa}, {pb})"

    def _print_Max(self, e):
        return self._minmax(e, ">=", "Max")

    def _print_Min(self, e):
        return self._minmax(e, "<=", "Min")

    # conditions and cases
    def _print_Relational(self, e):
        return f"({self._print(e.lhs)} {e.rel_op} {self._print(e.rhs)})"

    def _print_And(self, e):
        if self.arrays:
            return self._fold(self.logical[0], e.args)
        return "(" + " and ".join(self._print(a) for a in e.args) + ")"

    def _print_Or(self, e):
        if self.arrays:
            return self._fold(self.logical[1], e.args)
        return "(" + " or ".join(self._print(a) for a in e.args) + ")"

    def _fold(self, fn: str, args) -> str:
        out = self._print(args[-1])
        for a in reversed(args[:-1]):
            out = f"{fn}({self._print(a)}, {out})"
        return out

    def _print_BooleanTrue(self, e):
        return "True"

    def _value(self, v) -> str:
        if self.arrays and not self.variables & v.free_symbols:
            self.usage.constant_like = True
            return f"{self.full_like}({self.like}, {self._print(v)})"
        return self._print(v)

    def _print_Piecewise(self, e):
        pieces = list(e.args)
        if pieces[-1][1] is sp.true:
            out = self._value(pieces.pop()[0])
        else:
            out = self._value(sp.nan)
        for value, cond in reversed(pieces):
            if self.arrays:
                out = f"{self.where}({self._print(cond)}, {self._value(value)}, {out})"
            else:
                out = f"({self._print(value)} if {self._print(cond)} else {out})"
        return out


for _name in FUNCTION_NAMES:
    setattr(PythonFamilyPrinter, f"_print_{_name}", PythonFamilyPrinter._print_Function)


class CSharpPrinter(C99CodePrinter):
    """C# expressions on doubles: System.Math, helpers for what Math lacks (Log1p, Expm1, Erf, Erfc)."""

    TABLE = {"exp": "Math.Exp", "log": "Math.Log", "sqrt": "Math.Sqrt", "tanh": "Math.Tanh", "sinh": "Math.Sinh",
             "cosh": "Math.Cosh", "sin": "Math.Sin", "cos": "Math.Cos", "tan": "Math.Tan", "atan": "Math.Atan",
             "asin": "Math.Asin", "acos": "Math.Acos", "Abs": "Math.Abs", "Max": "Math.Max", "Min": "Math.Min",
             "log1p": "Log1p", "expm1": "Expm1", "erf": "Erf", "erfc": "Erfc", "Erfc": "Erfc", "sign": "Math.Sign"}
    HELPERS = {"Log1p", "Expm1", "Erf", "Erfc"}

    def __init__(self, names: dict):
        super().__init__()
        self.names = names
        self.usage = Usage()

    def doprint(self, expr, assign_to=None):
        return super().doprint(numbers_as_floats(expr), assign_to)

    def _print_Symbol(self, s):
        return self.names[s]

    _print_Dummy = _print_Symbol

    def _print_Integer(self, e):
        return double(e)

    def _print_Rational(self, e):
        return double(e)

    def _print_Float(self, e):
        return double(e)

    def _print_NumberSymbol(self, e):
        return double(e)

    _print_Pi = _print_Exp1 = _print_EulerGamma = _print_NumberSymbol

    def _print_NaN(self, e):
        return "double.NaN"

    def _print_Function(self, e):
        name = type(e).__name__
        if name not in self.TABLE:
            raise UnsupportedFunction(name)
        call = self.TABLE[name]
        if call in self.HELPERS:
            self.usage.helpers.add(call)
        if name in ("Max", "Min") and len(e.args) > 2:
            return f"{call}({self._print(e.args[0])}, {self._print(type(e)(*e.args[1:]))})"
        return f"{call}({', '.join(self._print(a) for a in e.args)})"

    _print_Abs = _print_Max = _print_Min = _print_Function

    def _print_Grouped(self, e):
        return f"({self._print(e.args[0])})"

    def _print_Pow(self, e):
        b, n = e.base, e.exp
        if n == sp.S.Half:
            return f"Math.Sqrt({self._print(b)})"
        if n == -sp.S.Half:
            return f"1.0/Math.Sqrt({self._print(b)})"
        if n.is_Integer and 0 < abs(n) <= 4:
            product = "*".join([f"({self._print(b)})" if not b.is_Atom else self._print(b)] * int(abs(n)))
            return f"({product})" if n > 0 else f"(1.0/({product}))"
        return f"Math.Pow({self._print(b)}, {self._print(n)})"

    def _print_Relational(self, e):
        return f"({self._print(e.lhs)} {e.rel_op} {self._print(e.rhs)})"

    def _print_Piecewise(self, e):
        pieces = list(e.args)
        out = self._print(pieces.pop()[0]) if pieces[-1][1] is sp.true else "double.NaN"
        for value, cond in reversed(pieces):
            out = f"({self._print(cond)} ? {self._print(value)} : {out})"
        return out


for _name in FUNCTION_NAMES:
    setattr(CSharpPrinter, f"_print_{_name}", CSharpPrinter._print_Function)
