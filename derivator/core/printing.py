"""The one printer every renderer shares: SymPy expressions in textbook typography.

SymPy's LatexPrinter does the work; this subclass changes only what a lecturer would write differently:
σ(x) not σ{\\left(x \\right)}, factors in the order people write them (σ(x)(1−σ(x)), 2x e^{-x}),
products built by a rule kept in the order the rule wrote them, a power shown as a power when a rewrite
made it one, \\frac{d}{dx} for a derivative still to be taken, and cases with (x < 0) conditions.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty_symbology import greek_unicode
from sympy.printing.str import StrPrinter
from sympy.printing.precedence import PRECEDENCE, precedence

from derivator.core.trace import ParameterSymbol

_BRACKETED_CALL = re.compile(r"\{\\left\((.*) \\right\)\}$", re.S)


def terminating_decimal(r: sp.Rational) -> str | None:
    """The exact decimal of p/q when q = 2^a 5^b is large (a long quoted constant), else None."""
    q = int(r.q)
    if q < 1000:
        return None
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return None
    digits = max(twos, fives)
    scaled = abs(int(r.p)) * 10**digits // int(r.q)
    text = str(scaled).rjust(digits + 1, "0")
    text = (text[:-digits] + "." + text[-digits:]).rstrip("0").rstrip(".")
    return ("-" if r.p < 0 else "") + text


def _is_canonical_mul(expr: sp.Mul) -> bool:
    """True when SymPy built this product itself (so its order is SymPy's, not a rule's)."""
    if any(isinstance(a, (sp.UnevaluatedExpr, sp.Derivative)) for a in expr.args):
        return False
    rebuilt = sp.Mul(*expr.args)
    return isinstance(rebuilt, sp.Mul) and rebuilt.args == expr.args


def _is_canonical_add(expr: sp.Add) -> bool:
    if any(isinstance(a, (sp.UnevaluatedExpr, sp.Derivative)) or a.has(sp.UnevaluatedExpr) for a in expr.args):
        return False
    rebuilt = sp.Add(*expr.args)
    return isinstance(rebuilt, sp.Add) and rebuilt.args == expr.args


def _people_order(factors: list[sp.Expr]) -> list[sp.Expr]:
    """Numbers, then parameters, then simple factors, then functions of x, then bracketed sums:
    2 x e^{-x}, σ(x)(1−σ(x)), λ x, α λ (e^x − 1)."""

    def rank(f: sp.Expr) -> float:
        if f.is_Number:
            return 0
        if _is_parameter(f):  # a constant, written before the variable as a coefficient is
            return 0.5
        if f.is_Symbol or (f.is_Pow and f.base.is_Symbol):
            return 1
        if f.is_Add or (f.is_Pow and f.base.is_Add):
            return 3
        return 2

    return sorted(factors, key=rank)  # sorted() is stable: SymPy's order within a rank


def _is_parameter(f: sp.Expr) -> bool:
    return isinstance(f, ParameterSymbol) or (f.is_Pow and isinstance(f.base, ParameterSymbol))


class TextbookLatexPrinter(LatexPrinter):
    printmethod = "_latex"
    _signed = False

    def __init__(self, settings=None):
        super().__init__({"order": "none", "mul_symbol": None, **(settings or {})})

    # -- numbers -------------------------------------------------------------------------------
    def _print_Rational(self, expr):
        # constants quoted from a source as long decimals (SELU's λ, α) are exact terminating decimals:
        # printed back as the decimal, not as a 60-digit fraction
        decimal = terminating_decimal(expr)
        return decimal if decimal is not None else super()._print_Rational(expr)

    # -- functions ----------------------------------------------------------------------------------
    def _print_Function(self, expr, exp=None):
        text = super()._print_Function(expr, exp)
        match = _BRACKETED_CALL.search(text)
        if match and r"\frac" not in match.group(1) and r"\begin" not in match.group(1):
            text = text[: match.start()] + "(" + match.group(1) + ")"
        return text

    def _print_log(self, expr, exp=None):
        head = r"\log" if exp is None else rf"\log^{{{exp}}}"
        arg = self._print(expr.args[0])
        tall = r"\frac" in arg or r"\begin" in arg
        return rf"{head}\left({arg}\right)" if tall else f"{head}({arg})"

    def _print_Heaviside(self, expr, exp=None):
        arg = self._print(expr.args[0])
        head = "H" if exp is None else f"H^{{{exp}}}"
        return f"{head}({arg})"

    def _print_Derivative(self, expr):
        inner = expr.expr
        if isinstance(inner, sp.UnevaluatedExpr):
            inner = inner.args[0]
        var = self._print(expr.variables[0])
        return rf"\frac{{d}}{{d{var}}}\left({self._print(inner)}\right)"

    def _print_UnevaluatedExpr(self, expr):
        return self._print(expr.args[0])

    # -- powers ---------------------------------------------------------------------------------
    def _print_Pow(self, expr, exp=None):
        base, e = expr.args
        if isinstance(base, sp.UnevaluatedExpr) and not e.is_Integer:
            # a root is written as a root, however the rule grouped its base: \frac{1}{\sqrt{x^2+1}}
            return self._print(sp.Pow(base.args[0], e, evaluate=False))
        if isinstance(base, sp.UnevaluatedExpr) and e.is_Number and e.is_negative:
            # a rewrite asked for the power form: (1+e^{-x})^{-1}, not a fraction
            inner = base.args[0]
            b = self._print(inner)
            if not _stands_bare(inner):
                b = rf"\left({b}\right)"
            return f"{b}^{{{self._print(e)}}}"
        if base.is_Function and e.is_Integer and e > 0 and not isinstance(base, sp.exp):
            if hasattr(base, "_latex"):
                return base._latex(self, exp=self._print(e))
            return self._print_Function(base, exp=self._print(e))
        if e.is_Number and e.is_negative:
            return self._print_factors([expr], canonical=True)
        return super()._print_Pow(expr)

    # -- products -------------------------------------------------------------------------------
    def _print_Mul(self, expr):
        return self._print_factors(list(expr.args), _is_canonical_mul(expr))

    def _print_factors(self, factors: list[sp.Expr], canonical: bool) -> str:
        factors = _people_order(factors) if canonical else _as_typed_factors(factors)
        sign = ""
        if factors and factors[0] == -1:
            sign, factors = "-", factors[1:]
        elif factors and factors[0].is_Number and factors[0].is_negative and canonical:
            sign, factors = "-", [-factors[0], *factors[1:]]
        numerator, denominator = [], []
        for f in factors:
            if _goes_down(f) or f.is_Pow and f.exp.is_Float and f.exp.is_negative:
                denominator.append(f.base if f.exp == -1 else sp.Pow(f.base, -f.exp, evaluate=False))
            elif f.is_Rational and not f.is_Integer and terminating_decimal(f) is not None:
                numerator.append(f)  # printed as its exact decimal by _print_Rational
            elif f.is_Rational and not f.is_Integer and not canonical:
                numerator.append(f)  # a rule wrote c·(…): keep c as its own fraction in front
            elif f.is_Rational and not f.is_Integer:
                numerator.append(sp.Integer(f.p)) if f.p != 1 else None
                denominator.append(sp.Integer(f.q))
            else:
                numerator.append(f)
        # after a pulled-out minus a lone sum still needs its brackets: -(x + 1), never -x + 1
        self._signed = bool(sign) and not denominator
        try:
            top = self._product(numerator) if numerator else "1"
        finally:
            self._signed = False
        if denominator:
            bottom = self._product(denominator, in_fraction=True)
            return f"{sign}\\frac{{{top}}}{{{bottom}}}"
        return sign + top

    def _product(self, factors: list[sp.Expr], in_fraction: bool = False) -> str:
        parts: list[str] = []
        previous: sp.Expr | None = None
        for f in factors:
            text = self._print(f)
            core = f.args[0] if isinstance(f, sp.UnevaluatedExpr) else f
            first = not parts
            needs_brackets = (
                (core.is_Add and (len(factors) > 1 or self._signed))
                or (len(factors) > 1 and precedence(core) < PRECEDENCE["Mul"] and not (first and text.startswith("-")))
                or (parts and (text.startswith("-") or (core.is_Number and core.is_negative)))
                or (isinstance(core, sp.Mul) and len(factors) > 1 and not self._is_fraction(core) and parts)
            )
            if needs_brackets and not isinstance(core, sp.Piecewise):
                text = rf"\left({text}\right)"
            if parts:
                joiner = r" \cdot " if self._needs_cdot(previous, core) else " "
                parts.append(joiner + text)
            else:
                parts.append(text)
            previous = core
        return "".join(parts)

    @staticmethod
    def _is_fraction(expr: sp.Expr) -> bool:
        return isinstance(expr, sp.Mul) and any(a.is_Pow and a.exp.is_negative for a in expr.args)

    def _needs_cdot(self, previous: sp.Expr | None, current: sp.Expr) -> bool:
        if previous is None:
            return False
        base = current.base if current.is_Pow else None
        if isinstance(base, sp.UnevaluatedExpr):
            base = base.args[0]
        if current.is_Number or (base is not None and base.is_Number):
            return True  # 17159 · 1²: two numbers side by side read as one (17159 1^{2} is 171591²)
        # two fractions side by side read as one: 1/(1+e^{-x}) · e^{-x}/(1+e^{-x}); a number before a
        # fraction as a mixed number (2 \frac{1}{…} would read 2½)
        return (self._is_fraction(previous) or previous.is_Number) and self._is_fraction(current)

    # -- sums -----------------------------------------------------------------------------------
    def _print_Add(self, expr, order=None):
        terms = list(expr.args) if not _is_canonical_add(expr) else list(expr.as_ordered_terms())
        out = ""
        for i, term in enumerate(terms):
            text = self._print(term)
            core = term.args[0] if isinstance(term, sp.UnevaluatedExpr) else term
            # a sum kept as one unit (the +1−1 trick's (1+e^{-x}) − 1) is shown as one
            if isinstance(core, sp.Add) and (i > 0 or isinstance(term, sp.UnevaluatedExpr)):
                text = rf"\left({text}\right)"
            if i == 0:
                out = text
            elif text.startswith("-"):
                rest = text[1:].lstrip()
                # x - (-1), never x - -1: a negative number after the minus keeps its brackets
                out += " - " + (rf"\left({rest}\right)" if rest.startswith("-") else rest)
            else:
                out += " + " + text
        return out

    # -- cases ----------------------------------------------------------------------------------
    def _print_Piecewise(self, expr):
        # each row with the condition a reader takes from it (rows are tried in order), the last one
        # written out instead of the word "otherwise": the same in every language
        rows, earlier = [], []
        for value, cond in expr.args:
            shown = oriented(row_condition(cond, tuple(earlier)), expr)
            condition = r"\text{otherwise}" if shown is sp.true else f"({self._condition(shown)})"
            rows.append(f"{self._print(value)} & {condition}")
            earlier.append(cond)
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _condition(self, cond) -> str:
        interval = _as_interval(cond)
        if interval is not None:
            low, low_op, middle, high_op, high = interval
            ops = {"<": "<", "<=": r"\leq"}
            return f"{self._print(low)} {ops[low_op]} {self._print(middle)} {ops[high_op]} {self._print(high)}"
        return self._print(cond)


_MINUS_SPACE = re.compile(r"(?<=[{(\[=,]) ?- (?=[\w\\{(])")


def _fold_call_brackets(text: str) -> str:
    """f{\\left(a \\right)} → f(a) wherever SymPy's own printers wrote a call (erf, Heaviside, …)."""
    opener, closer = "{\\left(", " \\right)}"
    out, i = [], 0
    while (start := text.find(opener, i)) != -1:
        depth, j = 1, start + len(opener)
        while j < len(text) and depth:
            if text.startswith("\\left", j):
                depth += 1
                j += 5
            elif text.startswith("\\right", j):
                depth -= 1
                if depth == 0:
                    break
                j += 6
            else:
                j += 1
        if depth or not text.startswith(closer, j - 1):
            out.append(text[i : start + len(opener)])
            i = start + len(opener)
            continue
        inner = text[start + len(opener) : j - 1]
        tall = "\\frac" in inner or "\\begin" in inner
        out.append(text[i:start] + (f"\\left({inner}\\right)" if tall else f"({_fold_call_brackets(inner)})"))
        i = j - 1 + len(closer)
    out.append(text[i:])
    return "".join(out)


def to_latex(expr: sp.Expr) -> str:
    """Textbook LaTeX for an expression: e^{-x}, \\sigma(x), σ(x)(1-σ(x))."""
    text = _fold_call_brackets(TextbookLatexPrinter().doprint(expr))
    text = _MINUS_SPACE.sub("-", text)
    if text.startswith("- "):
        text = "-" + text[2:]
    return text.replace(r"\left(- ", r"\left(-")


# Unicode superscripts a terminal shows as exponents (letters without one, like q, keep ^(…))
_SUPERSCRIPT = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzαβγδεθιφχ",
                        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵅᵝᵞᵟᵋᶿᶥᵠᵡ"))
_RELATIONS = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "="}


_SUBSCRIPTS = dict(zip("0123456789aehijklmnoprstuvx=+-", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₌₊₋"))


def _subscript(indices: list[str]) -> str:
    """zₖ, δᵢₖ, as Unicode subscripts where every character has one; else z_k, δ_(i,k)."""
    text = "".join(indices)
    if all(c in _SUBSCRIPTS for c in text):
        return "".join(_SUBSCRIPTS[c] for c in text)
    return "_" + (indices[0] if len(indices) == 1 and len(indices[0]) == 1 else f"({','.join(indices)})")


def superscript(text: str) -> str | None:
    """x², e⁻ˣ, (1+e⁻ˣ)⁻¹: the exponent in superscript letters, or None when one has none (or it is long:
    a superscript of more than a few characters is harder to read than ^(…))."""
    # a product in an exponent is written as a textbook writes it, without a dot: e⁻²ˣ
    compact = text.replace(" ", "").replace("·", "")
    if len(compact) > 4 or not all(ch in _SUPERSCRIPT for ch in compact):
        return None
    return "".join(_SUPERSCRIPT[ch] for ch in compact)


@lru_cache(maxsize=256)
def row_condition(condition: sp.Basic, earlier: tuple[sp.Basic, ...]) -> sp.Basic:
    """Where a Piecewise row holds, as a reader takes it: SymPy's rows are tried in order, so `x (x < 6)`
    after `0 (x ≤ 0)` means 0 < x < 6, and the last row (`True`) means where none of the earlier holds
    (x > 0 after x ≤ 0) — math instead of the word "otherwise", so no language leaks into a formula.
    The row's own condition when the written-out one is not a short condition."""
    if not earlier:
        return condition
    effective = sp.to_nnf(sp.And(condition, *[sp.Not(c) for c in earlier]))
    # the row's own condition when it already excludes the earlier rows, or a simpler form; SymPy's
    # simplify of a condition can be wrong at a boundary (~(-1 < y < 0) became y ≥ 0 ∨ y < -1), so a
    # shorter form is taken only when it agrees with the written-out one at every boundary and between
    # (one relation of a conjunction may already say it all: x > λ in x > λ ∧ x ≥ −λ, where λ > 0)
    parts = effective.args if isinstance(effective, sp.And) else ()
    # (SymPy's simplify of a condition with parameters, a < y < b, takes seconds: one variable only)
    simpler = (effective.simplify(),) if len(effective.free_symbols) == 1 else ()
    same = [c for c in (condition, *simpler, *parts) if c is not sp.true and _same_on_the_real_line(effective, c)]
    if same:
        return min(same, key=sp.count_ops)  # the shortest; the row's own when it is as short
    if effective in (sp.true, sp.false) or not effective.free_symbols or sp.count_ops(effective) > 6:
        return condition
    return effective


# values a parameter in a condition is tried at (x ≤ θ, y > −α): both conditions must agree at each
_PARAMETER_TRIALS = {kind: tuple(sp.Rational(v) for v in values) for kind, values in
                     {"positive": ("1/2", "5/4", "3"), "negative": ("-1/2", "-5/4", "-3"), "real": ("-3/2", "1/4", "2")}.items()}


def _same_on_the_real_line(a: sp.Basic, b: sp.Basic) -> bool:
    """Two conditions on one variable with numeric bounds hold at the same points: they can differ only at
    a bound, so each bound, a point between each two and one beyond each end decide it. Bounds at
    parameters (x ≤ θ, y > −α) are decided the same way at several values of the parameters."""
    variable = _variable_of([a, b])
    parameters = sorted((a.free_symbols | b.free_symbols) - {variable}, key=str) if variable is not None else []
    if parameters:
        def kind(s: sp.Symbol) -> str:
            return "positive" if s.is_positive else "negative" if s.is_negative else "real"

        trials = [{s: _PARAMETER_TRIALS[kind(s)][(i + j) % 3] for j, s in enumerate(parameters)} for i in range(3)]
        return all(_same_on_the_real_line(a.xreplace(t), b.xreplace(t)) for t in trials)
    symbols = a.free_symbols | b.free_symbols
    relations = a.atoms(sp.core.relational.Relational) | b.atoms(sp.core.relational.Relational)
    if len(symbols) != 1 or not relations:
        return False
    (s,) = symbols
    bounds = set()
    for r in relations:
        # c·s + d ⋚ 0 with numbers c ≠ 0 and d (0.5 ≤ −y as well as y > 0): its bound is −d/c
        side = r.lhs - r.rhs
        if not side.is_polynomial(s) or sp.degree(side, s) != 1:
            return False
        slope, offset = side.coeff(s, 1), side.coeff(s, 0)
        if not (slope.is_number and offset.is_number and slope.is_real and offset.is_real and slope != 0):
            return False
        bounds.add(-offset / slope)
    ordered = sorted(bounds, key=lambda v: float(v))
    probes = [ordered[0] - 1, ordered[-1] + 1, *ordered, *((u + v) / 2 for u, v in zip(ordered, ordered[1:]))]
    return all(bool(a.subs(s, p)) == bool(b.subs(s, p)) for p in probes)


def _variable_of(conditions: list[sp.Basic]) -> sp.Symbol | None:
    """The variable of a set of conditions: the symbol in every relation (x, not θ in x ≤ θ and not α
    in y > −α); between two in every relation, x or y, else the last by name."""
    relations = [r for c in conditions for r in c.atoms(sp.core.relational.Relational)]
    if not relations:
        return None
    common = set.intersection(*(set(r.free_symbols) for r in relations))
    if not common:
        return None
    return max(common, key=lambda s: (s.name in ("x", "y"), s.name))


def oriented(condition: sp.Basic, pw: sp.Piecewise) -> sp.Basic:
    """The condition with the variable on the left, as a lecturer writes it: x < −λ, not λ < −x (SymPy
    puts symbols in name order); relations not linear in the variable are kept as they are."""
    if condition in (sp.true, sp.false) or len(condition.free_symbols) < 2:
        return condition
    v = _variable_of([c for _, c in pw.args])
    if v is None:
        return condition

    def turn(r: sp.Basic) -> sp.Basic:
        if not isinstance(r, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan, sp.Eq)) or r.lhs == v:
            return r
        side = r.lhs - r.rhs
        if not side.is_polynomial(v) or sp.degree(side, v) != 1:
            return r
        a, b = side.coeff(v, 1), side.coeff(v, 0)
        if not (a.is_number and a.is_real and a != 0):
            return r
        op = type(r)
        if op is sp.Eq:
            return sp.Eq(v, -b / a, evaluate=False)
        if a < 0:  # dividing by a negative number flips the relation
            op = {sp.StrictLessThan: sp.StrictGreaterThan, sp.LessThan: sp.GreaterThan,
                  sp.StrictGreaterThan: sp.StrictLessThan, sp.GreaterThan: sp.LessThan}[op]
        return op(v, -b / a, evaluate=False)

    return condition.replace(lambda e: isinstance(e, sp.core.relational.Relational), turn)


class UnicodePrinter(StrPrinter):
    """One-line Unicode math for terminals and plain text: e⁻ˣ, x², √x, σ(x)·(1 - σ(x)), x ≤ 0, |x|, π."""

    printmethod = "_unicode_str"  # bypass NamedFunction._sympystr (ASCII names for sstr/JSON)

    def _print_UnevaluatedExpr(self, e):
        return self._print(e.args[0])

    def _print_Derivative(self, e):
        inner = e.expr.args[0] if isinstance(e.expr, sp.UnevaluatedExpr) else e.expr
        return f"d/d{self._print(e.variables[0])}[{self._print(inner)}]"

    def _power(self, base: str, exponent: sp.Expr) -> str:
        shown = self._print(exponent)
        raised = superscript(shown)
        if raised is not None:
            return base + raised
        # x^n reads as it is; x^(3/2) needs its brackets, or it reads as (x³)/2
        return f"{base}^{shown}" if shown.isalnum() else f"{base}^({shown})"

    def _print_exp(self, e):
        return self._power("e", e.args[0])

    def _print_Pow(self, e, rational=False):
        base, exponent = e.args
        if isinstance(base, sp.UnevaluatedExpr) and not exponent.is_Integer:  # a root stays a root: 1/√(x² + 1)
            return self._print(sp.Pow(base.args[0], exponent, evaluate=False))
        if isinstance(base, sp.UnevaluatedExpr):  # a rewrite asked for the power form: (1 + e⁻ˣ)⁻¹
            inner = base.args[0]
            shown = self._print(inner)
            return self._power(shown if _stands_bare(inner) else f"({shown})", exponent)
        if exponent is sp.S.Half:
            shown = self._print(base)
            return "√" + (shown if _stands_bare(base) else f"({shown})")
        if exponent is sp.S.NegativeOne:
            if base.is_Pow and base.exp is sp.S.Half:
                return "1/" + self._print(base)  # 1/√(2·π): the root is already one unit
            return "1/" + self.parenthesize(base, PRECEDENCE["Pow"], strict=False)
        if exponent == -sp.S.Half:
            return "1/" + self._print(sp.Pow(base, sp.S.Half, evaluate=False))
        return self._power(self.parenthesize(base, PRECEDENCE["Pow"], strict=False), exponent)

    def _print_Function(self, e):
        if hasattr(e, "unicode_name") and e.unicode_name:
            return f"{e.unicode_name}({self._print(e.args[0])})"
        return super()._print_Function(e)

    def _print_Heaviside(self, e):
        return f"H({self._print(e.args[0])})"  # as the LaTeX printer writes it

    def _print_Abs(self, e):
        return f"|{self._print(e.args[0])}|"

    def _print_Max(self, e):
        return "max(" + ", ".join(self._print(a) for a in e.args) + ")"

    def _print_Min(self, e):
        return "min(" + ", ".join(self._print(a) for a in e.args) + ")"

    def _print_Rational(self, e):
        # a constant quoted from a source (SELU's λ given with --param) as its decimal, as in LaTeX
        decimal = terminating_decimal(e)
        return decimal if decimal is not None else super()._print_Rational(e)

    def _print_Pi(self, e):
        return "π"

    def _print_Exp1(self, e):
        return "e"

    def _print_Add(self, e, order=None):
        # SymPy's own sums in the usual order (x + 1); sums a rule built keep the rule's order
        if _is_canonical_add(e):
            e = sp.Add(*e.as_ordered_terms(), evaluate=False)  # the order the LaTeX printer uses
        return super()._print_Add(e, order="none")

    def _print_Equality(self, e):
        return f"{self._print(e.lhs)} = {self._print(e.rhs)}"

    def _print_Relational(self, e):
        return f"{self._print(e.lhs)} {_RELATIONS.get(e.rel_op, e.rel_op)} {self._print(e.rhs)}"

    def _print_And(self, e):
        interval = _as_interval(e)
        if interval is not None:
            low, low_op, middle, high_op, high = interval
            return f"{self._print(low)} {_RELATIONS.get(low_op, low_op)} {self._print(middle)} " \
                   f"{_RELATIONS.get(high_op, high_op)} {self._print(high)}"
        return " ∧ ".join(self._print(a) for a in e.args)

    def _print_Or(self, e):
        return " ∨ ".join(self._print(a) for a in e.args)

    def _print_Symbol(self, e):
        # β, α_1: a Greek name as the letter (SymPy's pretty printer knows them), the rest as written
        head, sep, tail = e.name.partition("_")
        return greek_unicode.get(head, head) + sep + tail

    def _print_Piecewise(self, e):
        rows, earlier = [], []
        for value, condition in e.args:
            shown = oriented(row_condition(condition, tuple(earlier)), e)
            rows.append(self._print(value) + ("" if shown is sp.true else f" ({self._print(shown)})"))
            earlier.append(condition)
        return "{" + "; ".join(rows) + "}"

    # indexed objects of the loss gradients: zₖ, δᵢₖ, Σₖ₌₁ⁿ (SymPy's own Indexed._sympystr is bypassed
    # with every _sympystr, so without these they would print as Indexed(IndexedBase(z), k))
    def _print_Indexed(self, e):
        return self._print(e.base.label) + _subscript([self._print(i) for i in e.indices])

    def _print_IndexedBase(self, e):
        return self._print(e.label)

    def _print_KroneckerDelta(self, e):
        return "δ" + _subscript([self._print(i) for i in e.args])

    def parenthesize(self, item, level, strict=False):
        # Σ reaches as far as the product after it: inside a product or a power, it is bracketed whole
        if isinstance(item, sp.Sum):
            return f"({self._print(item)})"
        return super().parenthesize(item, level, strict)

    def _print_Sum(self, e):
        term = self._print(e.function)
        if isinstance(e.function, sp.Add):
            term = f"({term})"
        for index, low, high in reversed(e.limits):
            top = self._print(high)
            raised = superscript(top)
            term = f"Σ{_subscript([f'{self._print(index)}={self._print(low)}'])}{raised if raised is not None else '^' + top} {term}"
        return term

    def _print_Mul(self, e):
        coefficient, others = e.as_coeff_Mul()
        if isinstance(coefficient, sp.Rational) and others is not sp.S.One and terminating_decimal(coefficient):
            # a quoted constant times the rest (1.0507…·x), not a 31-digit numerator over 10^31
            return f"{terminating_decimal(coefficient)}·{self.parenthesize(others, PRECEDENCE['Mul'])}"
        canonical = _is_canonical_mul(e)
        factors = [_root_unwrapped(f.args[0] if isinstance(f, sp.UnevaluatedExpr) else f) for f in sp.Mul.make_args(e)]
        if not canonical:
            factors = _as_typed_factors(factors)
            if len(factors) == 1:
                return self._print(factors[0])
            if factors[0] == -1:  # -x/2 as typed: the sign in front of the whole fraction
                rest = self._print(sp.Mul(*factors[1:], evaluate=False))
                bracket = len(factors) == 2 and factors[1].is_Add or rest.startswith("-")
                return f"-({rest})" if bracket else "-" + rest
        if any(_is_parameter(f) for f in factors) and canonical:
            # parameters first, as coefficients are written (λ·x, α·λ·eˣ), the rest in SymPy's order
            factors = sorted(factors, key=lambda f: 0 if f.is_Number else 1 if _is_parameter(f) else 2)
        # a fraction a rule built (its denominator kept as written) prints as a/b, not a·1/b: StrPrinter
        # leaves a factor whose commutativity SymPy cannot tell (an unevaluated group) in the numerator,
        # and brackets a root it moved down (eˣ/(√(2·π)))
        over = [f for f in factors if f.is_Pow and (f.exp is sp.S.NegativeOne and f.is_commutative is not True
                                                    or not canonical and _goes_down(f))]
        if over and len(over) < len(factors):
            top = sp.Mul(*[f for f in factors if f not in over], evaluate=False)
            bottom = sp.Mul(*[f.base if f.exp == -1 else sp.Pow(f.base, -f.exp, evaluate=False) for f in over], evaluate=False)
            over_text = self._print(top) if top.is_Mul else self.parenthesize(top, PRECEDENCE['Mul'])  # x·eˣ/(x + 1)
            return f"{over_text}/{self.parenthesize(bottom, PRECEDENCE['Mul'], strict=True)}"
        if canonical and not any(f.is_Pow and f.exp.is_negative for f in factors):
            # bracketed sums last, as the LaTeX printer puts them: x·σ(x)·(1 - σ(x)), not x·(1 - σ(x))·σ(x)
            factors = sorted(factors, key=lambda f: bool(f.is_Add or f.is_Pow and f.base.is_Add))
        return super()._print_Mul(sp.Mul(*factors, evaluate=False)).replace("*", "·")


def _as_typed_factors(factors: list[sp.Expr]) -> list[sp.Expr]:
    """The factors of a product as typed or as a rule wrote it, as a textbook prints them: no factor 1
    (1/√(2π)·eˣ), and the sign of a leading -x² in front of the whole product (-x²/2, not (-x²)/2)."""
    kept = [f for f in factors if f != 1] or [sp.S.One]
    first = kept[0]
    # only a fraction takes the sign in front: a rule's (−(1+e⁻ˣ)⁻²)·(−e⁻ˣ) keeps its factors as written
    if len(kept) > 1 and first.is_Mul and first.args[0] == -1 and any(_goes_down(f) for f in kept[1:]):
        kept = [sp.S.NegativeOne, *first.args[1:], *kept[1:]]
    return kept


def _stands_bare(base: sp.Expr) -> bool:
    """Whether a base needs no brackets: x² and e², but (-1)² and √(-2), never -1² (which is -(1²))."""
    return base.is_Atom and not (base.is_Number and base.is_negative)


def _goes_down(f: sp.Expr) -> bool:
    """A factor printed in a denominator: a negative power, unless a rewrite asked for the power form."""
    return f.is_Pow and f.exp.is_Rational and f.exp.is_negative and not (
        isinstance(f.base, sp.UnevaluatedExpr) and f.exp.is_Integer)


def _root_unwrapped(f: sp.Expr) -> sp.Expr:
    """A root of a grouped base as a plain power, so that a product puts 1/√(…) in its denominator."""
    if f.is_Pow and isinstance(f.base, sp.UnevaluatedExpr) and not f.exp.is_Integer:
        return sp.Pow(f.base.args[0], f.exp)
    return f


def _as_interval(cond: sp.Basic) -> tuple | None:
    """-1 < x ≤ 1 from (x > -1) & (x <= 1), or from (x >= a) & (b >= x): (low, op, x, op, high), or None."""
    if not (isinstance(cond, sp.And) and len(cond.args) == 2
            and all(isinstance(r, (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan))
                    for r in cond.args)):
        return None
    first, second = cond.args
    common = {side for side in (first.lhs, first.rhs) if side.is_Symbol} & {side for side in (second.lhs, second.rhs)}
    if len(common) != 1:
        return None
    (v,) = common
    bounds = [_bound_of(r, v) for r in cond.args]
    lows = [(value, op) for kind, value, op in bounds if kind == "low"]
    highs = [(value, op) for kind, value, op in bounds if kind == "high"]
    if len(lows) != 1 or len(highs) != 1:
        return None
    return lows[0][0], lows[0][1], v, highs[0][1], highs[0][0]


def _bound_of(r: sp.Basic, v: sp.Symbol) -> tuple[str, sp.Basic, str]:
    """("low" | "high", the bound, "<" | "<=") of the relation r on v, read with v on the left."""
    strict = isinstance(r, (sp.StrictLessThan, sp.StrictGreaterThan))
    op = "<" if strict else "<="
    greater = isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan))
    if r.lhs == v:
        return ("low" if greater else "high"), r.rhs, op
    return ("high" if greater else "low"), r.lhs, op


def to_unicode(expr: sp.Expr) -> str:
    """A one-line Unicode rendering for terminals and plain text."""
    return UnicodePrinter({"order": "none"}).doprint(expr)
