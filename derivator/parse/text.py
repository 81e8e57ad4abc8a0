"""Plain-text expressions in SymPy's spelling → SymPy, without eval.

The text is parsed by Python's own `ast` module and walked with an allow-list of node types and names;
SymPy objects are built directly from the nodes. Nothing the user wrote is ever executed, and sizes
(length, nesting, integer size, exponents) are bounded before anything is evaluated.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

import sympy as sp

from derivator.core.errors import DerivatorError, ParseError

MAX_LENGTH = 5_000
MAX_DEPTH = 60
MAX_INT_DIGITS = 30
MAX_EXPONENT = 1_000
# A numeric power may produce at most this many bits before it is refused (9**9**9 would not finish).
MAX_RESULT_BITS = 4_096
# Syntax-tree depth after sums and products are flattened: bounds the visitor's recursion (a chain of
# 2,000 "+x" or "-" would otherwise end in RecursionError).
MAX_AST_DEPTH = 100
# Decimal literals: digits and exponent bounded, so Rational("0e999999999") is never attempted (it hangs).
MAX_FLOAT_DIGITS = 40
MAX_FLOAT_EXPONENT = 400
# A numeric argument of a function or comparison must stay below this magnitude: SymPy evaluates numeric
# arguments while building (Max, <, Abs), and sin(exp(exp(12))) needs ~10^5 digits to do it.
MAX_MAGNITUDE = sp.Float("1e300")
_FLOAT = re.compile(r"(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?")


def _heaviside(arg: sp.Expr, *rest: sp.Expr) -> sp.Expr:
    # SymPy's Heaviside(0) is 1/2 by default; derivator never lets a convention slip in silently,
    # so H(0) stays undecided unless the user writes the second argument.
    # SymPy's own spelling of "undecided", Heaviside(x, nan), means the same (not a symbol called nan)
    at_zero = [sp.nan if isinstance(r, sp.Symbol) and r.name == "nan" else r for r in rest]
    if at_zero and not (at_zero[0] is sp.nan or at_zero[0].is_number):
        raise ParseError(f"Heaviside's value at 0 must be a number or nan, not {at_zero[0]}", None,
                         "e.g. Heaviside(x, 0), Heaviside(x, 1/2), or Heaviside(x) for no value at 0")
    return sp.Heaviside(arg, *at_zero) if at_zero else sp.Heaviside(arg, sp.nan)


FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "Abs": sp.Abs,
    "abs": sp.Abs,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan": sp.atan,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "asinh": sp.asinh,
    "acosh": sp.acosh,
    "atanh": sp.atanh,
    "erf": sp.erf,
    "Max": sp.Max,
    "max": sp.Max,
    "Min": sp.Min,
    "min": sp.Min,
    "Heaviside": _heaviside,
    "sign": sp.sign,
    "sgn": sp.sign,
    "Eq": sp.Eq,
    "Ne": sp.Ne,
}
ARITY = {"Max": (2, 8), "max": (2, 8), "Min": (2, 8), "min": (2, 8), "Heaviside": (1, 2)}
CONSTANTS = {"pi": sp.pi, "E": sp.E, "e": sp.E}

_COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}


@dataclass
class TextParser:
    """Parse one expression; `functions` adds callable names (the catalog's)."""

    text: str
    functions: dict[str, Callable[..., sp.Expr]] = field(default_factory=dict)
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    # False only to rebuild, unevaluated, a text that already parsed with every bound checked
    checked: bool = True

    def fail(self, what: str, node: ast.AST | None = None, hint: str | None = None) -> ParseError:
        where = self._where(node.col_offset) if node is not None and hasattr(node, "col_offset") else None
        return ParseError(what, where, hint)

    def _where(self, offset: int) -> str:
        """'column N' in the user's text for an offset into the parsed text (stripped, ^ written **)."""
        columns = getattr(self, "_columns", None)
        if columns is None:
            return f"column {offset + 1}"
        return f"column {columns[min(max(offset, 0), len(columns) - 1)] + 1}"

    def parse(self) -> sp.Expr:
        lead = len(self.text) - len(self.text.lstrip())
        source = self.text.strip()
        if not source:
            raise ParseError("empty expression", "column 1", "write an expression such as 'x**2*exp(-x)'")
        if len(source) > MAX_LENGTH:
            raise ParseError(
                f"expression too long ({len(source)} characters, limit {MAX_LENGTH})", f"column {lead + MAX_LENGTH + 1}"
            )
        if "\x00" in source:
            raise ParseError("NUL byte in expression", f"column {lead + source.index(chr(0)) + 1}")
        bad = re.search(r"[^\w\s+\-*/^().,<>=!&|~]", source, flags=re.ASCII)
        if bad:
            raise ParseError(
                f"unexpected character {bad.group()!r}",
                f"column {lead + bad.start() + 1}",
                "use plain-text SymPy spelling, e.g. 'exp(-x)', or LaTeX (read when the input has a backslash or a brace)",
            )
        long_number = re.search(r"(?<!\w)\d[\w.]{%d,}" % (2 * MAX_INT_DIGITS), source)
        if long_number:
            raise ParseError(f"number with more than {MAX_INT_DIGITS} digits", f"column {lead + long_number.start() + 1}")
        _check_depth(source, lead)
        parsed, columns = _implicit_products(source)
        # user column (0-based) of every character of the parsed text
        self._columns = [lead + col for c, col in zip(parsed, columns) for _ in range(2 if c == "^" else 1)]
        parsed = parsed.replace("^", "**")
        self._source = parsed
        try:
            tree = ast.parse(parsed, mode="eval")
        except SyntaxError as err:
            raise ParseError("not a valid expression", self._where((err.offset or 1) - 1),
                             "check the brackets and operators; a product needs * except after a number or a bracket (3x, (x+1)x)")
        except (RecursionError, MemoryError, ValueError):
            raise ParseError("expression too deeply nested", f"column {lead + 1}")
        self._check_tree(tree.body)
        self._active: list[ast.AST] = []
        try:
            result = self.visit(tree.body)
            _check_numbers(result, self, tree.body)
        except DerivatorError:
            raise
        except RecursionError:
            raise self.fail("expression too deeply nested", self._active[-1] if self._active else tree.body)
        except Exception as err:  # SymPy refusing to build a node (I < 0, overflow, …) is an input error
            node = self._active[-1] if self._active else tree.body
            raise self.fail(f"cannot evaluate this part ({type(err).__name__}: {str(err)[:80]})", node)
        if not isinstance(result, sp.Expr):
            raise self.fail("a condition is not an expression to differentiate", tree.body)
        return result

    def _check_tree(self, root: ast.AST) -> None:
        """Refuse trees deeper than MAX_AST_DEPTH before visiting (iteratively: no recursion here).

        A sum or product continuing a sum or product does not count: those chains are flattened."""
        stack = [(root, 1, root)]
        while stack:
            node, depth, placed = stack.pop()
            placed = node if hasattr(node, "col_offset") else placed  # operator nodes have no position
            if depth > MAX_AST_DEPTH:
                raise self.fail(f"expression nested deeper than {MAX_AST_DEPTH} levels", placed)
            for child in ast.iter_child_nodes(node):
                same_chain = _family(node) is not None and _family(node) is _family(child) and child is node.left
                stack.append((child, depth if same_chain else depth + 1, placed))

    # -- nodes -----------------------------------------------------------------------------------
    def visit(self, node: ast.AST):
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(f"'{type(node).__name__}' is not allowed in an expression", node)
        active = getattr(self, "_active", None)
        if active is None:
            return method(node)
        active.append(node)  # on an exception, the innermost node being built stays on top
        result = method(node)
        active.pop()
        return result

    def visit_Constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"literal {value!r} is not a number", node)
        if isinstance(value, int):
            # compare, never str(): str() of a 0x-literal past 4,300 digits raises ValueError
            if abs(value) >= 10**MAX_INT_DIGITS:
                raise self.fail(f"integer with more than {MAX_INT_DIGITS} digits", node)
            return sp.Integer(value)
        text = ast.get_source_segment(getattr(self, "_source", self.text.strip()), node) or repr(value)
        if not math.isfinite(value):
            raise self.fail("number out of range", node)
        shape = _FLOAT.fullmatch(text.replace("_", ""))
        if shape is None or len(shape.group(1) + shape.group(2)) > MAX_FLOAT_DIGITS:
            raise self.fail(f"decimal number with more than {MAX_FLOAT_DIGITS} digits", node)
        if shape.group(3) and abs(int(shape.group(3)[:8])) > MAX_FLOAT_EXPONENT:
            raise self.fail(f"decimal exponent beyond ±{MAX_FLOAT_EXPONENT}", node)
        try:
            return sp.Rational(text.replace("_", ""))
        except (TypeError, ValueError):
            return sp.Rational(repr(value))

    def visit_Name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if name.startswith("_"):
            raise self.fail(f"name {name!r} is not allowed", node)
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS or name in self.functions:
            raise self.fail(f"function {name!r} must be called, e.g. {name}(x)", node)
        symbol = sp.Symbol(name, real=True)
        self.symbols[name] = symbol
        return symbol

    def visit_UnaryOp(self, node: ast.UnaryOp):
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -self._expr(operand, node)
        if isinstance(node.op, ast.UAdd):
            return self._expr(operand, node)
        if isinstance(node.op, (ast.Invert, ast.Not)):
            return sp.Not(self._cond(operand, node))
        raise self.fail("unsupported unary operator", node)

    def visit_BinOp(self, node: ast.BinOp):
        family = _family(node)
        if family is not None:
            result = self._chain(node, family)
            _check_numbers(result, self, node, full=False)
            return result
        left, right = self.visit(node.left), self.visit(node.right)
        op = node.op
        if isinstance(op, ast.BitAnd):
            return sp.And(self._cond(left, node), self._cond(right, node))
        if isinstance(op, ast.BitOr):
            return sp.Or(self._cond(left, node), self._cond(right, node))
        left, right = self._expr(left, node.left), self._expr(right, node.right)
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right.is_zero:
                raise self.fail("division by zero", node)
            return left / right
        if isinstance(op, ast.Pow):
            result = self._power(left, right, node)
            _check_numbers(result, self, node, full=False)
            return result
        raise self.fail(f"operator '{type(op).__name__}' is not allowed", node)

    def _chain(self, node: ast.BinOp, family: tuple) -> sp.Expr:
        """a + b - c + … (or a * b / c …) as one n-ary Add (Mul), walked without recursion: a sum of
        2,000 terms neither exhausts the stack nor costs 2,000 quadratic re-flattenings."""
        links = []
        while _family(node) is family:
            links.append((node.op, node.right, node))
            node = node.left
        first = self._expr(self.visit(node), node)
        terms = [first]
        for op, right_node, whole in reversed(links):
            value = self._expr(self.visit(right_node), right_node)
            if isinstance(op, ast.Sub):
                value = -value
            elif isinstance(op, ast.Div):
                if value.is_zero:
                    raise self.fail("division by zero", whole)
                value = sp.Pow(value, -1)
            terms.append(value)
        if family is not _SUM and not self.checked:
            # as typed, a product is read left to right: 1/sqrt(2*pi)*exp(x) keeps its 1/√(2π) in front
            product = terms[0]
            for value in terms[1:]:
                product = sp.Mul(product, value)
            return product
        return sp.Add(*terms) if family is _SUM else sp.Mul(*terms)

    def visit_Compare(self, node: ast.Compare):
        terms = [self._expr(self.visit(node.left), node.left)]
        terms += [self._expr(self.visit(c), c) for c in node.comparators]
        for value, operand in zip(terms, [node.left, *node.comparators]):
            self._bounded(value, operand)
        conditions = []
        for op, a, b in zip(node.ops, terms, terms[1:]):
            if type(op) in _COMPARE:
                conditions.append(_COMPARE[type(op)](a, b))
            elif isinstance(op, ast.Eq):
                conditions.append(sp.Eq(a, b))
            elif isinstance(op, ast.NotEq):
                conditions.append(sp.Ne(a, b))
            else:
                raise self.fail("unsupported comparison", node)
        return sp.And(*conditions)

    def visit_BoolOp(self, node: ast.BoolOp):
        parts = [self._cond(self.visit(v), v) for v in node.values]
        return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)

    def visit_Call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only plain function names can be called", node, "write * for a product, e.g. exp(x)*(1+x)")
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node)
        name = node.func.id
        if name == "Piecewise":
            return self._piecewise(node)
        if name in self.functions:
            function = self.functions[name]
        elif name in FUNCTIONS:
            function = FUNCTIONS[name]
        else:
            raise self.fail(
                f"unknown function {name!r}", node, "see 'derivator list' and the README for the names derivator knows"
            )
        low, high = ARITY.get(name, (1, 1)) if name in FUNCTIONS else (1, 8)
        if name in ("Eq", "Ne"):
            low, high = 2, 2
        if not low <= len(node.args) <= high:
            raise self.fail(f"{name} takes {low if low == high else f'{low} to {high}'} argument(s)", node)
        args = [self.visit(a) for a in node.args]
        args = [self._expr(a, n) for a, n in zip(args, node.args)]
        for value, arg_node in zip(args, node.args):
            self._bounded(value, arg_node)
        try:
            return function(*args)
        except (TypeError, ValueError) as err:
            raise self.fail(f"cannot apply {name}: {err}", node)

    # -- helpers ---------------------------------------------------------------------------------
    def _piecewise(self, node: ast.Call) -> sp.Expr:
        pieces = []
        for arg in node.args:
            if not isinstance(arg, ast.Tuple) or len(arg.elts) != 2:
                raise self.fail("Piecewise takes pairs (expr, condition)", arg)
            value = self._expr(self.visit(arg.elts[0]), arg.elts[0])
            cond_node = arg.elts[1]
            if isinstance(cond_node, ast.Constant) and cond_node.value is True:
                cond = sp.true
            else:
                cond = self._cond(self.visit(cond_node), cond_node)
            pieces.append((value, cond))
        if not pieces:
            raise self.fail("Piecewise needs at least one (expr, condition) pair", node)
        return sp.Piecewise(*pieces)

    def _power(self, base: sp.Expr, exponent: sp.Expr, node: ast.AST) -> sp.Expr:
        if not self.checked:
            return sp.Pow(base, exponent)
        if exponent.is_Number:
            if abs(exponent) > MAX_EXPONENT:
                raise self.fail(f"exponent larger than {MAX_EXPONENT}", node)
            if base.is_Number and base != 0:
                bits = abs(float(exponent)) * max(1.0, math.log2(abs(float(base))) if abs(base) > 1 else 1.0)
                if bits > MAX_RESULT_BITS:
                    raise self.fail("number too large", node)
        elif exponent.has(sp.Pow) and base.is_Number and _is_tower(exponent):
            raise self.fail("power tower too large", node)
        elif exponent.is_number and base.is_number and _magnitude(exponent) > MAX_EXPONENT:
            raise self.fail(f"exponent larger than {MAX_EXPONENT}", node)  # E**E**E**E: a tower of constants
        if base.is_zero and exponent.is_Number and exponent.is_negative:
            raise self.fail("division by zero", node)
        return sp.Pow(base, exponent)

    def _bounded(self, value: sp.Expr, node: ast.AST) -> None:
        if not self.checked:
            return
        if isinstance(value, sp.Expr) and value.is_number and _magnitude(value) > MAX_MAGNITUDE:
            raise self.fail("number too large to evaluate safely", node)

    def _expr(self, value, node: ast.AST) -> sp.Expr:
        if not isinstance(value, sp.Expr):
            raise self.fail("a condition cannot be used as a number here", node)
        return value

    def _cond(self, value, node: ast.AST):
        if isinstance(value, sp.Expr):
            raise self.fail("expected a condition such as 'x > 0'", node)
        return value


_SUM = (ast.Add, ast.Sub)
_PRODUCT = (ast.Mult, ast.Div)


# A number written against what it multiplies (3x, 2(x+1), 0.5exp(x)) and a bracket against the next factor
# ((x+1)(x-1), (x+1)x, sin(x)x): the one implicit product read, as on paper; a call's bracket against "("
# (sin(x)(x)) would be calling its value, and stays an error. Names side by side (x y, sin x) stay
# an error: "xy" is one name, and "sin x" would be a call. A number's own letters are left alone:
# 1e5, 1e-3, 0x1F, 1_000, 3j.
# (atomic, so that 1e-3 is never cut back to 1 before a "name" e)
_NUMBER_BEFORE = re.compile(r"(?<![\w.])((?>0[xXoObB]\w*|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?))(?=\s*[A-Za-z_(])",
                            flags=re.ASCII)
_BRACKET_BEFORE = re.compile(r"\)(?=\s*[\w(])", flags=re.ASCII)


def _keyword_at(source: str, start: int) -> bool:
    """Whether the next word is Python's (x > 0 and x < 1): an operator, not a factor."""
    word = re.match(r"\s*([A-Za-z_]\w*)", source[start:])
    return word is not None and keyword.iskeyword(word.group(1))


def _implicit_products(source: str) -> tuple[str, list[int]]:
    """(source with the implicit products written as *, the source column of each character)."""
    cuts = {m.end() for m in _NUMBER_BEFORE.finditer(source) if not m.group(1)[:2].lower() in ("0x", "0o", "0b")
            and not m.group(1)[-1] in "jJ" and not _keyword_at(source, m.end())}
    opened, calls = [], set()  # the closing brackets of calls: f(x)(y) stays a call of a call (refused)
    for col, c in enumerate(source):
        if c == "(":
            opened.append(col)
        elif c == ")" and opened:
            start = opened.pop()
            if start and (source[start - 1].isalnum() or source[start - 1] == "_"):
                calls.add(col)
    cuts |= {m.end() for m in _BRACKET_BEFORE.finditer(source)
             if not (m.start() in calls and source[m.end():].lstrip().startswith("(")) and not _keyword_at(source, m.end())}
    out, columns = [], []
    for col, c in enumerate(source):
        if col in cuts:
            out.append("*")
            columns.append(col)
        out.append(c)
        columns.append(col)
    return "".join(out), columns


def _family(node: ast.AST) -> tuple | None:
    if isinstance(node, ast.BinOp):
        for family in (_SUM, _PRODUCT):
            if isinstance(node.op, family):
                return family
    return None


def _bits(number: sp.Rational) -> int:
    return max(abs(int(number.p)).bit_length(), int(number.q).bit_length())


def _check_numbers(expr, parser: "TextParser", node: ast.AST, *, full: bool = True) -> None:
    if not parser.checked:
        return
    """No exact number in the result may exceed MAX_RESULT_BITS (a product of 200 literals 1e308 would
    otherwise reach 60,000 digits, past what Python will even print)."""
    if not isinstance(expr, sp.Basic):
        return
    if full:
        numbers = expr.atoms(sp.Rational)
    elif expr.is_Rational:
        numbers = [expr]
    elif expr.is_Add or expr.is_Mul:
        numbers = [a for a in expr.args if a.is_Rational]
    else:
        numbers = []
    if any(_bits(n) > MAX_RESULT_BITS for n in numbers):
        raise parser.fail("number too large", node)


def _magnitude(value: sp.Expr) -> sp.Float:
    """|value| to 15 digits, or +inf when it cannot be told (overflow); 0 when it is not a finite number."""
    if value.is_Rational:
        return sp.Float(abs(value)) if _bits(value) < 1000 else sp.Float("inf")
    try:
        number = value.evalf(15)
        real, imag = number.as_real_imag()
        size = max(abs(real), abs(imag))
    except (OverflowError, ValueError, TypeError, ArithmeticError):
        return sp.Float("inf")
    return size if isinstance(size, sp.Float) else sp.Float(0)


def _is_tower(expr: sp.Expr) -> bool:
    return any(isinstance(p, sp.Pow) and p.base.is_Number and p.exp.is_Number for p in sp.preorder_traversal(expr))


def _check_depth(source: str, lead: int = 0) -> None:
    depth = 0
    for column, char in enumerate(source, start=lead + 1):
        if char == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"expression nested deeper than {MAX_DEPTH} brackets", f"column {column}")
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ParseError("unmatched ')'", f"column {column}")
    if depth > 0:
        raise ParseError("unclosed '('", f"column {lead + len(source)}", "add the missing ')'")
    powers = list(re.finditer(r"\*\*|\^", source))
    if len(powers) > 200:
        raise ParseError("too many powers in one expression", f"column {lead + powers[200].start() + 1}")


def parse_text(
    text: str,
    functions: Mapping[str, Callable[..., sp.Expr]] | None = None,
    variables: tuple[str, ...] = (),
) -> sp.Expr:
    """Parse plain text into a SymPy expression; every symbol is real."""
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    return TextParser(text, dict(functions or {}), symbols).parse()


def parse_as_typed(
    text: str,
    functions: Mapping[str, Callable[..., sp.Expr]] | None = None,
    variables: tuple[str, ...] = (),
) -> tuple[sp.Expr, sp.Expr]:
    """(the expression as SymPy evaluates it, the same expression as it was typed) — 1/sqrt(2*pi) kept
    as 1/√(2π) for display, not rewritten as √2/(2√π). The text is parsed with every bound checked
    first; the unevaluated copy is used only when it evaluates back to exactly the same expression."""
    evaluated = parse_text(text, functions, variables)
    symbols = {name: sp.Symbol(name, real=True) for name in variables}
    try:
        with sp.evaluate(False):
            typed = TextParser(text, dict(functions or {}), symbols, checked=False).parse()
    except (DerivatorError, TypeError, ValueError, AttributeError):
        return evaluated, evaluated
    return evaluated, typed if isinstance(typed, sp.Expr) and typed.doit() == evaluated else evaluated
