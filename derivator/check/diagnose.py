"""What kind of slip a wrong line is: each diagnosis is a hypothesis tested numerically, like the claim.

For a wrong claim  lhs = rhs  with correct value E and written value G:
- typo: re-reading the written text with `x2` as `x^{2}` makes it right;
- sign: G = −E (and, when a chain-rule factor of −1 explains it, which inner function it came from);
- chain_factor: G · g′ = E for an inner function g of the differentiated expression;
- product_rule / quotient_rule: G is u′v′, or one of the two terms, or u′/v′, or the quotient rule with +;
- wrong_lhs: G is the derivative of another defined quantity (the right side belongs to dy/dx, not du/dx);
- constant_factor: G = c · E for a simple constant c;
- missing_prime: G is the undifferentiated expression itself, or right with one group's ′ restored;
- dropped_minus: G is right for the definition written without its leading minus;
- dropped_index_term: G is E with one term of a written-out index sum (\\sum_k read entry by entry) left
  out, or the derivative of the expression with its sum taken as one of its terms (the k ≠ i terms dropped);
- sign_term / tanh_identity / add_subtract_split: one written sign reversed makes the line right (1 + tanh²
  for 1 − tanh²; the same constant added twice where the +c −c split adds and subtracts it), or, after a
  line that adds and subtracts c, one fraction with c as its numerator does (the split's second part).
Transitions (a line that does not follow from the one before, P → C) get typo, sign, the one-sign slips
and constant_factor.
Every diagnosis is verified: the slip undone gives the right value at the sample points.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

import mpmath
import sympy as sp

from derivator.check.indices import SIZE
from derivator.check.report import Note
from derivator.parse.latex import normalize_latex, tokenize
from derivator.verify import Domain, check_equal

MAX_INNER = 12
MAX_PRIME_VARIANTS = 6
MAX_TERMS = 8  # terms and powers tried one by one: a bounded cost for one wrong line
MAX_SIGNS = 10  # written signs reversed one by one: each is one more reading of a line already known to be wrong
MAX_SUMS = 4  # written-out index sums tried for a dropped term
_ENTRY = re.compile(r"^(.*_)(\d)$")


def equal(a: sp.Expr, b: sp.Expr, domain: Domain) -> bool:
    try:
        v = check_equal(a, b, None, domain, symbolic=False)
    except (TypeError, ValueError, ZeroDivisionError, RecursionError, AttributeError):
        return False
    return v.ok and v.method is not None


def latex(expr: sp.Expr) -> str:
    try:
        from derivator.core.printing import to_latex

        return to_latex(expr)
    except Exception:  # the shared printer is optional here; SymPy's own is always there
        return sp.latex(expr)


def typo_variants(text: str) -> list[tuple[str, str, str]]:
    """(written, meant, corrected text) for each `x2` that probably means `x^{2}`."""
    norm = normalize_latex(text)
    tokens = tokenize(norm)
    out = []
    for i in range(len(tokens) - 1):
        a, b = tokens[i], tokens[i + 1]
        if a.kind != "letter" or b.kind != "digit" or b.space_before:
            continue
        before = tokens[i - 1] if i > 0 else None
        if before is not None and before.kind == "op" and before.value in ("_", "^"):
            continue
        if before is not None and before.kind == "letter" and not a.space_before:
            continue  # part of a word
        corrected = norm[: b.pos] + "^" + norm[b.pos:]
        out.append((a.value + b.value, f"{a.value}^{{{b.value}}}", corrected))
    return out


def prime_variants(text: str) -> list[tuple[str, str, str]]:
    """(the group's inside, meant, corrected text) for each bracketed group `(…)` with no prime, power or subscript
    after it: the line with that prime restored, `(1+e^{-ax})` → `(1+e^{-ax})'`. A line that is right with
    one of them differentiated a factor in the head and wrote it down without the prime."""
    norm = normalize_latex(text)
    out, stack = [], []
    i = 0
    while i < len(norm):
        if norm.startswith(r"\left(", i):
            stack.append((i, i + 6))
            i += 6
            continue
        if norm.startswith(r"\right)", i) and stack:
            start, _ = stack.pop()
            end = i + 7
        elif norm[i] == "(":
            stack.append((i, i + 1))
            i += 1
            continue
        elif norm[i] == ")" and stack:
            start, _ = stack.pop()
            end = i + 1
        else:
            i += 1
            continue
        following = norm[end:].lstrip()[:1]
        if not stack and following not in ("'", "^", "_") and end - start > 2:
            group = norm[start:end]
            inner = group[6:-7] if group.startswith(r"\left(") else group[1:-1]
            out.append((inner.strip(), group + "′", norm[:end] + "'" + norm[end:]))
        i = end
    return out[:MAX_PRIME_VARIANTS]


_OPEN, _CLOSE = "({[", ")}]"


def sign_variants(text: str) -> list[tuple[str, str, bool, str]]:
    """(the term with its sign as written, the term meant, paired, corrected text) for each written `+`
    or `-` reversed. `paired`: the term is a constant whose value stands a second time in the same sum
    with a sign (`1 + e^{-x} + 1`), the +c −c split."""
    norm = normalize_latex(text)
    tokens = tokenize(norm)
    terms: list[tuple[str, str, int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "op" or tok.value not in "+-" or len(terms) >= MAX_SIGNS:
            continue
        before = tokens[i - 1] if i > 0 else None
        if before is not None and before.kind == "op" and before.value in "^_":
            continue  # x^-1 written without braces: an exponent, not a term
        depth, end = 0, len(norm)
        for later in tokens[i + 1:]:
            if later.kind == "eof":
                break
            if later.kind == "op" and later.value in _OPEN:
                depth += 1
            elif later.kind == "op" and later.value in _CLOSE:
                depth -= 1
                if depth < 0:
                    end = later.pos
                    break
            elif depth == 0 and later.kind == "op" and later.value in "+-=":
                end = later.pos
                break
        body = norm[tok.pos + 1:end].strip()
        if not body:
            continue
        flipped = "-" if tok.value == "+" else "+"
        terms.append((tok.value, body, tok.pos, norm[: tok.pos] + flipped + norm[tok.pos + 1:]))
    paired = paired_constants(norm)
    other = {"+": "-", "-": "+"}
    return [(f"{sign} {body}", f"{other[sign]} {body}", body in paired, corrected) for sign, body, _, corrected in terms]


def paired_constants(norm: str) -> set[str]:
    """Numbers standing twice as whole terms of a sum (also as a group's first term, `{1 - 1 + e^{-x}}`):
    the constant of a +c −c split."""
    found = re.findall(r"(?:^|[({+\-=])\s*(\d+)\s*(?=[+\-)}]|$)", norm)
    return {c for c in found if found.count(c) >= 2}


_FRACTION = re.compile(r"\\[dt]?frac(?![A-Za-z])")


def _group_end(text: str, start: int) -> int | None:
    """The index after the brace group opening at start, or None."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for k in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[k], 0)
        if depth == 0:
            return k + 1
    return None


def split_variants(text: str, previous: str) -> list[tuple[str, str, str]]:
    """(fraction as written, fraction meant, corrected text) for each fraction of a line whose numerator,
    replaced by the constant the line before adds and subtracts (`\\frac{1 - 1 + e^{-x}}{…}`), may be the
    split's second part: `\\frac{1+e^{-x}}{1+e^{-x}} - \\frac{e^{-x}}{1+e^{-x}}` for `… - \\frac{1}{1+e^{-x}}`."""
    constants = paired_constants(normalize_latex(previous))
    norm = normalize_latex(text)
    out = []
    for m in _FRACTION.finditer(norm):
        num_end = _group_end(norm, m.end())
        den_end = _group_end(norm, num_end) if num_end is not None else None
        if num_end is None or den_end is None:
            continue
        for c in sorted(constants):
            if norm[m.end() + 1:num_end - 1].strip() == c:
                continue
            meant = f"{m.group()}{{{c}}}{norm[num_end:den_end]}"
            out.append((norm[m.start():den_end], meant, norm[:m.start()] + meant + norm[den_end:]))
    return out[:MAX_SIGNS]


def one_sign(
    target: sp.Expr,
    signs: Sequence[tuple[str, str, bool, Callable[[], sp.Expr | None]]],
    domain: Domain,
) -> Note | None:
    """The one written sign whose reversal makes the line equal target: the +c −c split when the term is a
    paired constant, else a sign error in that one term."""
    for written, meant, paired, read in signs:
        fixed = read()
        if fixed is None or not equal(fixed, target, domain):
            continue
        return Note("add_subtract_split" if paired else "sign_term", {"written": written, "corrected": meant})
    return None


def one_split(target: sp.Expr, splits: Sequence[tuple[str, str, Callable[[], sp.Expr | None]]], domain: Domain) -> Note | None:
    """The fraction whose numerator, made the split's constant, makes the line equal target."""
    for written, meant, read in splits:
        fixed = read()
        if fixed is not None and equal(fixed, target, domain):
            return Note("add_subtract_split", {"written": written, "corrected": meant})
    return None


def inner_functions(f: sp.Expr, var: sp.Symbol) -> list[sp.Expr]:
    """Arguments of functions and bases/exponents of powers that depend on var: candidates for u."""
    out: list[sp.Expr] = []
    for node in sp.preorder_traversal(f):
        candidates: Iterable[sp.Expr] = ()
        if isinstance(node, sp.Function) and len(node.args) == 1:
            candidates = node.args
        elif isinstance(node, sp.Pow):
            candidates = (node.base,) if not node.exp.has(var) else (node.exp,) if not node.base.has(var) else ()
        for c in candidates:
            if c.has(var) and c != var and c not in out:
                out.append(c)
        if len(out) >= MAX_INNER:
            break
    return out


def _ratio(counterexample: dict | None) -> sp.Expr | None:
    """rhs / lhs at the counterexample point, as a simple rational when it is one."""
    if not counterexample:
        return None
    try:
        lhs = mpmath.mpmathify(counterexample["lhs"].replace(" ", ""))
        rhs = mpmath.mpmathify(counterexample["rhs"].replace(" ", ""))
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    if lhs == 0 or isinstance(lhs, mpmath.mpc) or isinstance(rhs, mpmath.mpc):
        return None
    r = float(rhs / lhs)
    c = sp.nsimplify(r, rational=True, tolerance=1e-9)
    if not isinstance(c, sp.Rational) or c.q > 24 or abs(c.p) > 100 or c in (0, 1, -1):
        return None
    return c


def diagnose_claim(
    expected: sp.Expr,
    given: sp.Expr,
    domain: Domain,
    *,
    target: tuple[sp.Expr, sp.Symbol, int] | None = None,
    variants: Sequence[tuple[str, str, Callable[[], sp.Expr | None]]] = (),
    primes: Sequence[tuple[str, str, Callable[[], sp.Expr | None]]] = (),
    others: Sequence[tuple[str, Callable[[], sp.Expr]]] = (),
    signs: Sequence[tuple[str, str, bool, Callable[[], sp.Expr | None]]] = (),
    splits: Sequence[tuple[str, str, Callable[[], sp.Expr | None]]] = (),
    dropped: Sequence[tuple[str, int, Callable[[], sp.Expr | None]]] = (),
    counterexample: dict | None = None,
) -> Note | None:
    """The most specific diagnosis that holds for a wrong claim, or None. `dropped`: (name, line, the
    left side's value) for each definition the left side uses that the text wrote with a leading minus,
    the value taken with that minus dropped."""
    for written, meant, read in variants:
        fixed = read()
        if fixed is not None and equal(fixed, expected, domain):
            return Note("typo", {"written": written, "meant": meant})
    for written, _, read in primes:
        fixed = read()
        if fixed is not None and equal(fixed, expected, domain) and not equal(given, expected, domain):
            return Note("missing_prime", {"group": written})
    for name, line, value in dropped:
        meant = value()
        if meant is not None and equal(given, meant, domain):
            return Note("dropped_minus", {"function": name, "line": line})
    inners = inner_functions(target[0], target[1]) if target is not None and target[2] == 1 else []
    if equal(given, -expected, domain):
        params = {}
        for inner in inners:
            if target is not None and sp.diff(inner, target[1]) == -1:
                params["inner"] = latex(inner)
                break
        return Note("sign", params)
    if target is not None and target[2] >= 1 and equal(given, target[0], domain):
        return Note("missing_prime", {"function": latex(target[0])})
    note = _one_term_or_exponent(given, expected, domain)
    if note is not None:
        return note
    if target is not None and target[2] == 1:
        f, var, _ = target
        for inner in inners:
            factor = sp.diff(inner, var)
            if factor == 1 or factor == 0:
                continue
            if equal(given * factor, expected, domain):
                return Note("chain_factor", {"factor": latex(factor), "inner": latex(inner)})
        note = _product_or_quotient(f, var, given, domain)
        if note is not None:
            return note
    if target is not None and target[2] >= 1:
        note = _dropped_index_term(target, expected, given, domain)
        if note is not None:
            return note
    # after the rules: a quotient rule written with + is one sign too
    note = one_sign(expected, signs, domain) or one_split(expected, splits, domain)
    if note is not None:
        return note
    for label, value in others:
        try:
            candidate = value()
        except Exception:  # a candidate that cannot be formed is simply not the answer
            continue
        if candidate is not None and equal(given, candidate, domain):
            return Note("wrong_lhs", {"should": label})
    c = _ratio(counterexample)
    if c is not None and equal(given, c * expected, domain):
        return Note("constant_factor", {"factor": latex(c)})
    return None


def _one_term_or_exponent(given: sp.Expr, expected: sp.Expr, domain: Domain) -> Note | None:
    """One written term with the wrong sign (1 + tanh² for 1 − tanh²), or one power's exponent off by one
    (n xⁿ for n xⁿ⁻¹): the line as written with that one change equals the right value."""
    terms = sp.Add.make_args(given)
    if 1 < len(terms) <= MAX_TERMS:
        for term in terms:
            if equal(given - 2 * term, expected, domain):
                squared = [p.base for p in sp.preorder_traversal(term) if isinstance(p, sp.Pow)
                           and p.exp == 2 and isinstance(p.base, sp.tanh)]
                if squared and (term / squared[0] ** 2).is_number:
                    # 1 + tanh²: the circular identity 1 + tan² where the hyperbolic one is 1 − tanh²
                    return Note("tanh_identity", {"term": latex(term), "identity": r"\frac{d}{dx}\tanh x = 1 - \tanh^{2} x"})
                return Note("sign_term", {"term": latex(term)})
    powers = [p for p in sp.preorder_traversal(given) if isinstance(p, sp.Pow) and p.exp.is_Integer][:MAX_TERMS]
    for power in powers:
        for shift in (-1, 1, -2, 2):  # n xⁿ, and x^{n+1} for a negative n (x⁻² → -2x⁻¹)
            meant = sp.Pow(power.base, power.exp + shift)
            if equal(given.xreplace({power: meant}), expected, domain):
                return Note("power_exponent", {"power": latex(power), "meant": latex(meant)})
    return None


def _swap_entries(expr: sp.Expr, a: int, b: int) -> sp.Expr:
    """expr with the entries a and b of every indexed family exchanged (z_1 ↔ z_2)."""
    mapping = {}
    for s in expr.free_symbols:
        m = _ENTRY.match(s.name)
        if m and int(m.group(2)) in (a, b):
            other = a if int(m.group(2)) == b else b
            mapping[s] = sp.Symbol(m.group(1) + str(other), **s.assumptions0)
    return expr.xreplace(mapping)


def written_out_sums(f: sp.Expr) -> list[sp.Add]:
    """The sums in f that are an index sum read entry by entry: SIZE terms that renumbering the entries
    maps onto each other (y_1 log p_1 + y_2 log p_2 + y_3 log p_3), not any sum of SIZE terms."""
    out = []
    for node in sp.preorder_traversal(f):
        if not isinstance(node, sp.Add) or len(node.args) != SIZE or node in out:
            continue
        terms = set(node.args)
        if all({_swap_entries(t, 1, v) for t in terms} == terms and
               any(_swap_entries(t, 1, v) != t for t in terms) for v in range(2, SIZE + 1)):
            out.append(node)
        if len(out) >= MAX_SUMS:
            break
    return out


def _dropped_index_term(target: tuple[sp.Expr, sp.Symbol, int], expected: sp.Expr, given: sp.Expr,
                        domain: Domain) -> Note | None:
    """A written-out index sum with one term left out of the right value (2(x_2 + x_3) for 2 Σ_k x_k), or
    the differentiated expression's sum taken as one of its terms only (the k ≠ i terms dropped): the slip
    applied gives the written value."""
    f, var, order = target
    candidates = [("missing", expected, total, total - term) for total in written_out_sums(expected)
                  for term in total.args]
    candidates += [("only", f, total, term) for total in written_out_sums(f) for term in total.args]
    for variant, whole, total, changed in candidates:
        try:
            meant = whole.xreplace({total: changed})
            if whole is f:
                meant = sp.diff(meant, var, order)
        except (TypeError, ValueError, AttributeError):
            continue
        if equal(given, meant, domain):
            term = changed if variant == "only" else total - changed
            return Note("dropped_index_term", {"variant": variant, "term": latex(term), "sum": latex(total)})
    return None


def _product_or_quotient(f: sp.Expr, var: sp.Symbol, given: sp.Expr, domain: Domain) -> Note | None:
    num, den = sp.fraction(f)
    if den.has(var) and num.has(var):
        dn, dd = sp.diff(num, var), sp.diff(den, var)
        if equal(given, dn / dd, domain):
            return Note("quotient_rule", {"variant": "ratio", "u": latex(num), "v": latex(den)})
        if equal(given, (dn * den + num * dd) / den**2, domain):
            return Note("quotient_rule", {"variant": "plus", "u": latex(num), "v": latex(den)})
    if isinstance(f, sp.Mul):
        dependent = [a for a in f.args if a.has(var)]
        if len(dependent) >= 2:
            u = dependent[0]
            v = sp.Mul(*[a for a in f.args if a is not u])
            du, dv = sp.diff(u, var), sp.diff(v, var)
            if equal(given, du * dv, domain):
                return Note("product_rule", {"variant": "product", "u": latex(u), "v": latex(v)})
            if equal(given, du * v, domain):
                return Note("product_rule", {"variant": "missing", "missing": latex(u * dv), "u": latex(u), "v": latex(v)})
            if equal(given, u * dv, domain):
                return Note("product_rule", {"variant": "missing", "missing": latex(du * v), "u": latex(u), "v": latex(v)})
    return None


def diagnose_transition(
    previous: sp.Expr,
    current: sp.Expr,
    domain: Domain,
    *,
    variants: Sequence[tuple[str, str, Callable[[], sp.Expr | None]]] = (),
    signs: Sequence[tuple[str, str, bool, Callable[[], sp.Expr | None]]] = (),
    splits: Sequence[tuple[str, str, Callable[[], sp.Expr | None]]] = (),
    counterexample: dict | None = None,
) -> Note | None:
    for written, meant, read in variants:
        fixed = read()
        if fixed is not None and equal(fixed, previous, domain):
            return Note("typo", {"written": written, "meant": meant})
    if equal(current, -previous, domain):
        return Note("sign_flip", {})
    note = one_sign(previous, signs, domain)
    if note is not None:
        return note
    note = one_split(previous, splits, domain)
    if note is not None:
        return note
    c = _ratio(counterexample)
    if c is not None and equal(current, c * previous, domain):
        return Note("constant_factor", {"factor": latex(c)})
    return None
