"""Judge a document's equations in order: each claim (is it true, given the definitions before it?) and
each transition (does it follow from the line before?).

The line before a right-hand side is: the previous side of the same chain `a = b = c`; for a continuation
line `= …`, the last side of the chain it continues; for a new line with the same left-hand side as an
earlier one (`f'(x) = …` again), the last side written for that left-hand side. Transitions are judged in
the author's world — derivative notations take the values the text claimed for them — so that a line that
correctly substitutes an earlier wrong value is reported as carrying that error, not as a new one.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from derivator.catalog import reading_function
from derivator.check.diagnose import (
    diagnose_claim,
    diagnose_transition,
    latex,
    prime_variants,
    sign_variants,
    split_variants,
    typo_variants,
)
from derivator.check import indices
from derivator.check.free import FreeVerdict, free_functions, judge_for_any_functions
from derivator.check.extract import (Equation, index_relation_parts, is_index_condition, is_index_range, is_index_relation,
                                     lost_bracket)
from derivator.check.interpret import (
    Claimed,
    Context,
    Definition,
    Reader,
    bare_functions,
    derivative_key,
    is_free_letter,
    derivative_target,
    names_in,
)
from derivator.check.report import ClaimResult, Note
from derivator.core.budget import attempt
from derivator.core.errors import DerivatorError, ParseError
from derivator.parse.latex import (
    Apply,
    Cases,
    Builder,
    Deriv,
    Entry,
    Mul,
    Neg,
    Node,
    Num,
    Prime,
    Rel,
    Sym,
    normalize_latex,
    parse_latex_ast,
    parse_latex_expression_ast,
    walk,
)
from derivator.verify import Domain, Verification
from derivator.verify import check_equal as _verify_equal

CONDITION_OPS = ("<", ">", "le", "ge", "ne")
MAX_OTHER_QUANTITIES = 24
DIAGNOSIS_SECONDS = 0.3  # CPU seconds; the slowest diagnosis of the real-post corpus takes 0.12


@lru_cache(maxsize=4096)
def _cached_equal(a: sp.Expr, b: sp.Expr, domain: Domain) -> Verification:
    return _verify_equal(a, b, None, domain)


def check_equal(a: sp.Expr, b: sp.Expr, symbols, domain: Domain) -> Verification:
    """verify.check_equal, remembered: posts repeat the same line (a definition restated, f'(x) again)."""
    try:
        return _cached_equal(a, b, domain)
    except TypeError:  # an unhashable piece: ask without the cache
        return _verify_equal(a, b, symbols, domain)
SKIP = object()
_FAILURES = (DerivatorError, TypeError, ValueError, ZeroDivisionError, RecursionError, AttributeError,
             NotImplementedError, OverflowError)


@dataclass
class Link:
    """One judged right-hand side: what the next line is compared with."""

    node: Node | None
    text: str
    line: int
    status: str
    origin: int | None = None  # line of the first error this side carries (itself, if it is new)
    author: sp.Expr | None = None  # its value in the author's world, when it was written
    versions: dict[str, int] = field(default_factory=dict)  # definition lines of the names it used
    # what the line means when its slip is a missing prime (the author differentiated, and wrote the
    # factor without its ′): the next line is compared with this, as a reader corrects and reads on
    intended: sp.Expr | None = None


@dataclass
class Chain:
    head: Node | None
    head_text: str
    last: Link | None


class Judge:
    def __init__(self, values: dict[str, int] | None = None, sums_to_one: dict[str, int] | None = None,
                 one_hot: int | None = None, standard_normal: int | None = None,
                 vector_sides: frozenset[str] = frozenset()) -> None:
        self.vector_sides = vector_sides  # the sides of `\\mathbf{p} = \\text{softmax}(\\mathbf{z})`, read entry-wise
        self.one_hot = one_hot  # the line where the text says its labels are one-hot
        self.standard_normal = standard_normal  # the line where it names φ, Φ of the standard normal
        self.values = values  # judging one entry of the indexed formulas (see check/indices.py)
        self.sums_to_one = sums_to_one or {}  # families the text says sum to one (`\\sum_i y_i = 1`), with the line
        self._honoured = False  # the index condition of the equation being judged holds for `values`
        self.ctx = Context()
        self.results: list[ClaimResult] = []
        self.chain: Chain | None = None
        self.by_head: dict[Node, Link] = {}
        self.pending_head: tuple[Node, str] | None = None
        self._parsed: dict[str, Node | ParseError] = {}
        self.sizes: set[str] = set()  # the letters standing for a family's size (\\sum_{j=1}^{n} e^{x_i} is n e^{x_i})
        self.index_condition: str | None = None  # the latest "i = j" the text stated
        self.point_values: dict[str, tuple[int, sp.Expr]] = {}  # a = 1, with the line it was set on
        self.def_texts: dict[str, str | None] = {}  # each definition's right side as written
        self.head_domains: dict[Node, tuple[float, float]] = {}  # where the last line of each left side was stated
        self.unread: dict[str, int] = {}  # names whose defining line was not read, with that line
        self.line_condition: tuple[int, str] | None = None  # a condition written alone, and its line

    # -- entry -----------------------------------------------------------------------------------
    def run(self, equations: list[Equation]) -> list[ClaimResult]:
        self.vector_sides = _vector_sides(equations)
        self.ctx.bare_calls = self._bare_calls(equations)
        self.ctx.entry_vectors = self._entry_vectors(equations)
        self.ctx.d_operator = self._d_operator(equations)
        plan = self._index_plan(equations) if self.values is None else None
        if plan is not None:
            stated = indices.stated_sums_to_one(equations, self.parse)
            runs = [Judge(values, stated, self.one_hot, self.standard_normal, self.vector_sides).by_equation(equations, self.ctx)
                    for values in plan]
            return _merge_entries(runs, plan)
        for eq in equations:
            self._one(eq)
        return self.results

    def _one(self, eq: Equation) -> None:
        before = len(self.results)
        try:
            self.equation(eq)
        except RecursionError:
            self._give_up(eq, before, "nested too deeply")
        except Exception as err:  # noqa: BLE001 — SymPy can raise anything on odd input; never crash, never "wrong"
            self._give_up(eq, before, f"{type(err).__name__}: {str(err)[:80]}")

    def by_equation(self, equations: list[Equation], whole: Context) -> list[tuple[list[ClaimResult], bool]]:
        """Each equation's results for this entry, and whether its index condition lets it speak for
        the entry; an equation about another entry (`i \\ne j` while i = j) leaves no trace behind."""
        self.ctx.bare_calls, self.ctx.entry_vectors = whole.bare_calls, whole.entry_vectors
        self.ctx.d_operator = whole.d_operator
        out = []
        for eq in equations:
            if not self._applies(eq):
                # not judged here (nothing to learn from it at this entry): listed, for the merge
                out.append((self._listed(eq, Note("index_condition", {"condition": self._index_condition(eq)})), False))
                continue
            before = len(self.results)
            self._one(eq)
            out.append((self.results[before:], True))
        return out

    def _bare_calls(self, equations: list[Equation]) -> dict[str, str]:
        """Catalog functions the text applies to one variable only, and always the same one (σ(x))."""
        seen: dict[str, set[str]] = {}
        probe = Reader(self.ctx)
        for eq in equations:
            for side in eq.sides:
                node = self.parse(side.text) if side.text.strip() else None
                if not isinstance(node, Node):
                    continue
                for sub in walk(node):
                    if (isinstance(sub, Apply) and len(sub.args) == 1 and probe.catalog(sub.name) is not None
                            and Sym(sub.name) not in walk(sub.args[0])):  # (σ(1-σ) is a product)
                        arg = sub.args[0]
                        seen.setdefault(sub.name, set()).add(arg.name if isinstance(arg, Sym) else "")
        return {name: next(iter(args)) for name, args in seen.items() if len(args) == 1 and "" not in args}

    def _entry_vectors(self, equations: list[Equation]) -> dict[str, str]:
        """Functions of a vector the text applies to one vector only (s(\\mathbf x)_i): a bare s_i then
        means s(\\mathbf x)_i."""
        seen: dict[str, set[str]] = {}
        for eq in equations:
            for side in eq.sides:
                try:
                    node = parse_latex_expression_ast(side.text, reading_function) if side.text.strip() else None
                except ParseError:
                    continue
                for sub in walk(node) if node is not None else ():
                    if isinstance(sub, Entry):
                        seen.setdefault(sub.name, set()).add(sub.vector)
        return {name: next(iter(vectors)) for name, vectors in seen.items() if len(vectors) == 1}
    def _d_operator(self, equations: list[Equation]) -> bool:
        """Does the text write D only applied to one argument (D(\\tanh x) = \\operatorname{sech}^2 x), never
        alone nor on a left side of its own, so that D is the derivative operator?"""
        applied = False
        for eq in equations:
            for k, side in enumerate(eq.sides):
                node = self.parse(side.text) if side.text.strip() else None
                if not isinstance(node, Node):
                    continue
                target = _definition_target(node) if k == 0 else None
                if target is not None and target[0] == "D":
                    return False  # D = …, D(x) = …: the text defines D
                for sub in walk(node):
                    if isinstance(sub, Sym) and sub.name == "D":
                        return False
                    if isinstance(sub, Apply) and sub.name == "D":
                        if len(sub.args) != 1 or sub.primes:
                            return False
                        applied = True
        return applied

    def _index_plan(self, equations: list[Equation]) -> list[dict[str, int]] | None:
        """The entries to judge an indexed document at (None: the document is not indexed)."""
        nodes = [n for eq in equations for side in eq.sides if side.text.strip()
                 for n in [self.parse(side.text)] if isinstance(n, Node)]
        if not any(indices.is_indexed(n) for n in nodes):
            return None
        letters = set().union(*(indices.free_letters(n) for n in nodes))
        if len(letters) > indices.MAX_FREE:
            return None
        plan = indices.assignments(letters, every=indices.names_an_entry(nodes))
        return plan if len(plan) <= indices.MAX_RUNS else None

    def _applies(self, eq: Equation) -> bool:
        self._honoured = False
        if self.values is None or is_index_relation([(side.text, 0) for side in eq.sides], eq.ops):
            return True
        condition = self._index_condition(eq)
        if condition is None:
            return True
        verdict = indices.holds(index_relation_parts(condition), self.values)
        self._honoured = verdict is True
        return verdict is not False


    def _give_up(self, eq: Equation, before: int, detail: str) -> None:
        """An equation whose judging failed midway: whatever it had produced becomes unchecked."""
        del self.results[before:]
        self.results.append(ClaimResult(eq.line, " ".join(eq.text.split()), "unchecked",
                                        reason=Note("not_understood", {"detail": detail})))
        self.chain = None
        self.pending_head = None

    def _define_family(self, eq: Equation) -> None:
        """`p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}` defines every entry p_1, p_2, …, not only the one being
        judged: the other entries are defined here, quietly (the line itself is judged as usual). So does
        each name of a chain before its formula: `y_i = \\text{softmax}(\\textbf{x})_i = \\frac{…}{…}`."""
        if self.values is None:
            return
        heads: list[Sym | Entry] = []
        for side in eq.sides[:3]:
            try:
                node = parse_latex_expression_ast(side.text, reading_function)
            except ParseError:
                continue  # (the first form that reads: see the unread middle form in equation())
            if side.text in self.vector_sides:
                node = indices.whole_vector(node)
            letters = indices.free_letters(node)
            if not isinstance(node, (Sym, Entry)) or (isinstance(node, Sym) and "_" not in node.name) or len(letters) != 1:
                break
            if heads and letters != indices.free_letters(heads[0]):
                return
            heads.append(node)
        if len(heads) >= 2 and len(heads) == len(eq.sides[:3]):
            heads.pop()  # `\\mathbf{p} = \\text{softmax}(\\mathbf{z})`: the last one is the formula
        formula = None if len(heads) == len(eq.sides) or not heads else node
        if formula is None or len(heads) == 3 or {indices.family_name(h) for h in heads} & names_in([formula]):
            return
        letter = next(iter(indices.free_letters(heads[0])))
        for v in range(1, indices.SIZE + 1):
            if v == self.values.get(letter):
                continue
            values = {**self.values, letter: v}
            try:
                expr = Reader(self.ctx).expr(indices.instantiate(formula, values))
            except _FAILURES:
                return
            for head in heads:
                target = _definition_target(indices.instantiate(head, values))
                if target is not None and target[0] not in self.ctx.defs:
                    self.ctx.define(target[0], tuple(self.ctx.symbol(p) for p in target[1]), expr, eq.sides[1].line)

    def _name_the_terms(self, eq: Equation) -> set[int]:
        """`L = -\\sum_j y_j \\log p_j = -\\sum_j \\ell_j`: the new family ℓ names the terms of the sum
        (ℓ_j = y_j log p_j), each entry defined here. The sides (their numbers) that only give the name."""
        if self.values is None:
            return set()
        texts = [(k, side.text) for k, side in enumerate(eq.sides) if k >= 1 or not eq.continuation]
        if eq.continuation and self.chain is not None and self.chain.last is not None:
            texts.insert(0, (0, self.chain.last.text))
        out = set()
        for (_, before_text), (k, after_text) in zip(texts, texts[1:]):
            try:
                before = parse_latex_expression_ast(before_text, reading_function)
                after = parse_latex_expression_ast(after_text, reading_function)
            except ParseError:
                continue

            def known(name: str) -> bool:
                return name in self.ctx.defs or any(n.startswith(name + "_") for n in self.ctx.defs)

            for name, letter, term in indices.term_names(before, after, known):
                for v in range(1, indices.SIZE + 1):
                    values = {**self.values, letter: v}
                    try:
                        expr = Reader(self.ctx).expr(indices.instantiate(term, values))
                    except _FAILURES:
                        break
                    self.ctx.define(indices.entry_name(name, values), (), expr, eq.sides[k].line)
                out.add(k)
        return out

    def _name_the_value(self, eq: Equation, k: int, node, prev: Link | None) -> bool:
        """`h_i = \\sum_k e^{a_k} = \\Sigma`: a letter the text has not used yet, at the end of a definition,
        names the value just defined (Σ, Z, u); it is defined here."""
        if not (isinstance(node, Sym) and prev is not None and prev.status == "ok" and prev.author is not None):
            return False
        name = node.name
        if (name == "e" or name in self.ctx.defs or name in indices.INDEX_LETTERS or "_" in name
                or self.ctx.symbol(name) in self.ctx.base_symbols() or Reader(self.ctx).catalog(name) is not None):
            return False
        self._define(name, (), prev.author, eq.sides[k].line, eq.sides[k].text)
        self.results.append(ClaimResult(eq.sides[k].line, f"= {eq.sides[k].text.strip()}", "ok", kind="definition"))
        return True

    def _not_read(self, eq: Equation, reason: Note) -> None:
        """Every link of an equation listed as unchecked for one reason; the chain it was in ends."""
        self.results += self._listed(eq, reason)
        self.chain = None
        self.pending_head = None

    @staticmethod
    def _listed(eq: Equation, reason: Note) -> list[ClaimResult]:
        out = []
        for k in range(1, len(eq.sides)):
            first = k == 1 and not eq.continuation
            text = f"{eq.sides[0].text.strip()} = {eq.sides[k].text.strip()}" if first else f"= {eq.sides[k].text.strip()}"
            out.append(ClaimResult(eq.sides[k].line, " ".join(text.split()), "unchecked", reason=reason))
        return out

    def parse(self, text: str) -> Node | ParseError:
        if text not in self._parsed:
            try:
                node = parse_latex_expression_ast(text, reading_function)
                if text in self.vector_sides:
                    node = indices.whole_vector(node)
                self._parsed[text] = indices.instantiate(node, self.values) if self.values is not None else node
                if self.values is not None:
                    self.sizes |= indices.sizes(node)
            except ParseError as err:
                self._parsed[text] = err
        return self._parsed[text]

    # -- one equation ----------------------------------------------------------------------------
    def equation(self, eq: Equation) -> None:
        if eq.formula.syntax != "prose":
            self._equation(eq)
            self._list_conditions(eq)
            return
        # `t = tan(x) として使う` inside a sentence names a letter; a `= …` line after the sentence still
        # continues the display before it
        chain, pending = self.chain, self.pending_head
        self._equation(eq)
        self.chain, self.pending_head = chain, pending

    def _list_conditions(self, eq: Equation) -> None:
        """The conditions written next to a claim (`\\quad i = j`, `(i=1,2,…,n)`) are listed as read,
        after the claim they qualify, where the text writes them."""
        listed = {(r.line, r.text) for r in self.results}
        new = []
        for text in eq.conditions:
            claim = ClaimResult(eq.line, " ".join(text.split()), "ok", kind="condition")
            if (claim.line, claim.text) not in listed:
                new.append(claim)
                listed.add((claim.line, claim.text))
        self.results += new

    def _equation(self, eq: Equation) -> None:
        if not eq.ops and is_index_range(eq.text):
            self.results.append(ClaimResult(eq.line, " ".join(eq.text.split()), "ok", kind="condition"))
            return
        if is_index_relation([(side.text, 0) for side in eq.sides], eq.ops):
            # "For $i = k$:" — the lines after it are about one entry of an indexed formula
            self.index_condition = " ".join(eq.text.split())
            self.results.append(ClaimResult(eq.line, self.index_condition, "ok", kind="condition"))
            return
        if eq.formula.syntax == "text":
            self._not_read(eq, Note("in_sentence", {}))
            return
        lost = _lost_superscript(eq)
        if lost is not None:
            self._not_read(eq, Note("lost_superscript", {"text": lost}))
            return
        lost = lost_bracket(eq)
        if lost is not None:
            self._not_read(eq, Note("lost_bracket", {"text": lost}))
            return
        if eq.formula.syntax == "prose" and (self.ctx.defs.get(eq.sides[0].text.strip()) or len(eq.sides) != 2):
            return  # a prose line's `u = …` only ever introduces a name; it restates nothing to judge
        if not eq.formula.display and eq.ops == ["="] and self._names_an_argument(eq.sides[0].text):
            # "At $x = a$ the left derivative is …": a point the sentence speaks of, not x defined as a
            self.results.append(ClaimResult(eq.line, " ".join(eq.text.split()), "ok", kind="condition"))
            return
        if not eq.ops:
            self.pending_head = None
            if eq.formula.display and eq.alone:
                node = self.parse(eq.sides[0].text)
                self.pending_head = (node, eq.sides[0].text.strip()) if isinstance(node, Node) else None
            return
        if any(op not in ("=", "def") for op in eq.ops):
            if all(op in CONDITION_OPS for op in eq.ops):
                self._assume_positive(eq)
                # `\(z > 0\) のとき: \(f(z) = z\) なので …`: the case the rest of its line is about
                self.line_condition = (eq.line, " ".join(eq.text.split()))
                return  # a condition such as x > 0, not a claim
            self.results.append(ClaimResult(eq.line, eq.text, "unchecked",
                                            reason=Note("not_equation", {"op": next(o for o in eq.ops if o not in ("=", "def"))})))
            self.chain = None
            return
        stated = [self.line_condition[1]] if self.line_condition and self.line_condition[0] == eq.line else []
        domain = self.domain(eq.conditions or stated)
        if self.values is not None and not eq.continuation:
            self._define_family(eq)
        nodes: list[Node | ParseError | None] = [self.parse(s.text) if s.text.strip() else None for s in eq.sides]
        prev: Link | None
        start = 1
        if eq.continuation:
            if self.chain is not None:
                head, head_text, prev = self.chain.head, self.chain.head_text, self.chain.last
            elif self.pending_head is not None:
                head, head_text = self.pending_head
                prev = self.by_head.get(head)
            else:
                head, head_text, prev = None, "", None
        else:
            first, head_text = nodes[0], eq.sides[0].text.strip()
            head = _Unreadable(first) if isinstance(first, ParseError) else first
            if isinstance(head, Sym) and head.name not in self.ctx.defs and isinstance(nodes[1], ParseError):
                self.unread.setdefault(head.name, eq.line)  # `y = tan^-1(1/2tanx/2)`: y is something, not a letter
            if isinstance(first, ParseError):
                pass
            elif isinstance(head, Node) and _writes_d(head) and any(isinstance(n, Node) and _writes_d(n) for n in nodes[1:]):
                self._not_read(eq, Note("differentials", {}))  # dy = 2x\,dx: differentials, not values
                return
            elif isinstance(head, Node) and (differential := _differential_head(head)) is not None:
                head = nodes[0] = differential
            if self._values_given(eq, nodes):
                return
            prev = self.by_head.get(head) if isinstance(head, Node) else None
            if prev is not None and isinstance(head, Node) and self.head_domains.get(head) != (domain.low, domain.high):
                prev = None  # the same left side on another stated domain: another case, not a next step
            chained = self.definition_chain(eq, head, nodes) if isinstance(head, Node) else None
            if chained is not None:
                prev, start = chained, 3
            elif isinstance(head, Node) and isinstance(nodes[1], Node):
                handled = self.definition(eq, head, nodes[1], domain)
                if handled is SKIP:
                    return
                if handled is not None:
                    prev = handled
                    start = 2
            elif (isinstance(head, Sym) and head.name not in self.ctx.defs and len(nodes) > 2
                  and isinstance(nodes[1], ParseError) and isinstance(nodes[2], Node)):
                # `y_i = \text{softmax}(\textbf{x})_i = \frac{e^{x_i}}{\sum_d e^{x_d}}`: a middle form not read
                # does not stop the formula after it from defining the name
                self.results.append(ClaimResult(eq.sides[1].line, f"{head_text} = {eq.sides[1].text.strip()}", "unchecked",
                                                reason=Note("unreadable", {"detail": _detail(nodes[1])})))
                rest = dataclasses.replace(eq, sides=[eq.sides[0]] + eq.sides[2:], ops=eq.ops[1:])
                handled = self.definition(rest, head, nodes[2], domain)
                if isinstance(handled, Link):
                    prev, start = handled, 3
                else:
                    del self.results[-1]
        named_terms = self._name_the_terms(eq)
        named = not eq.continuation and self._name_by_derivative(head, nodes[1] if len(nodes) > 1 else None, eq.sides[1].line)
        for k in range(start, len(eq.sides)):
            if k == len(eq.sides) - 1 and start >= 2 and self._name_the_value(eq, k, nodes[k], prev):
                break
            prev = self.link(eq, k, head, nodes[k], prev, domain)
            if (named and k == start) or k in named_terms:
                self.results[-1].kind = "definition"
        self.chain = Chain(head if isinstance(head, Node) else None, head_text, prev)
        if isinstance(head, Node) and not isinstance(head, _Unreadable) and prev is not None:
            self.by_head[head] = prev
            self.head_domains[head] = (domain.low, domain.high)
        self.pending_head = None

    # -- definitions -----------------------------------------------------------------------------
    def definition(self, eq: Equation, head: Node, rhs: Node, domain: Domain):
        """Handle `name = …` / `f(x) = …`: a new definition, a restatement, or (None) a claim to judge."""
        target = _definition_target(head)
        if target is None:
            return None
        name, params = target
        line = eq.sides[1].line
        rhs_names = names_in([rhs])
        if name in rhs_names and not params:
            return None
        if any(self.ctx.is_name(p) for p in params):
            # f(u) = u^{-1}: a claim about f at the intermediate u — unless f was defined for something
            # else (f(x) = σ(x)) and the author now reuses the letter for the outer function
            if self.ctx.is_function(name) and len(params) == len(self.ctx.defs[name].params):
                try:
                    reader = Reader(self.ctx)
                    at_u = reader.expr(head)
                    v = check_equal(self.ctx.expand(at_u), self.ctx.expand(reader.expr(rhs)), None, domain)
                except _FAILURES:
                    return None
                if v.method is not None and not v.ok:
                    line = eq.sides[1].line
                    text = eq.sides[0].text.strip() + " = " + eq.sides[1].text.strip()
                    self.results.append(ClaimResult(line, text, "unchecked", reason=Note(
                        "reused_name", {"function": _tex_name(name), "line": self.ctx.defs[name].line})))
                    return Link(rhs, eq.sides[1].text, line, "unchecked")
            return None
        forced = eq.ops[0] == "def"
        text = eq.sides[0].text.strip() + " = " + eq.sides[1].text.strip()
        if self.values is not None and (slip := self._index_free_sum(eq.sides[1].text)) is not None:
            # `Z = \\sum_{j=1}^{n} e^{x_i}`: defined as written, every line using Z would be judged against a
            # slip the reader corrects without a thought — so it defines nothing
            self.results.append(ClaimResult(line, " ".join(text.split()), "unchecked", kind="definition",
                                            reason=Note("index_free_sum", slip)))
            return Link(rhs, eq.sides[1].text, line, "unchecked")
        # f(u) = u^{-1} after u(x) = 1 + e^{-x}: the parameter u is f's own, not the function u
        scope = dataclasses.replace(self.ctx, defs={n: d for n, d in self.ctx.defs.items() if n not in params})
        reader = Reader(scope if params else self.ctx)
        param_symbols = tuple(self.ctx.symbol(p) for p in params)
        # (z = f(t) only set the scene of a rule: z = xy in the next section is a definition of its own)
        if name not in self.ctx.defs or forced or (not params and free_functions(self.ctx.defs[name].value)):
            if not params and _is_number(rhs):
                # x = 0: a value or a point, not a definition — it may set a parameter for the claims
                # written with it on the same line (`$a = 1$ のとき $f' = f(1-f)$`)
                self.point_values[name] = (line, Builder(reading_function).expr(rhs))
                self.results.append(ClaimResult(line, " ".join(text.split()), "ok", kind="condition"))
                return SKIP
            if not params and self.ctx.symbol(name) in self.ctx.base_symbols() and any(
                self.ctx.is_name(n) for n in rhs_names
            ):
                return None  # x = \log\frac{y}{1-y} after y = σ(x): a claim about the variable, judged
            try:
                expr = reader.expr(rhs)
            except _FAILURES as err:
                expr = self._some_function(rhs) if not params else None
                if expr is None:
                    result = ClaimResult(line, text, "unchecked", kind="definition",
                                         reason=Note("not_understood", {"detail": _detail(err)}))
                    self.results.append(result)
                    return Link(rhs, eq.sides[1].text, line, "unchecked")
            old = self.ctx.defs.get(name)
            standard = self._named_standard(name, param_symbols, expr, domain)
            self._define(name, param_symbols, expr, line, eq.sides[1].text)
            result = ClaimResult(line, text, "ok", kind="definition", read_as=latex(expr), read_value=expr)
            if standard is not None:
                # the text said φ is the standard normal density, and then wrote another formula for it
                result.status, result.kind, result.method = "wrong", "claim", "numeric"
                result.expected_value = standard
                result.expected = latex(standard)
                result.diagnosis = self.diagnose_claim(head, rhs, eq.sides[1].text, standard, expr, domain, result)
            if old is not None:
                result.notes.append(Note("redefines", {"line": old.line}))
            self.results.append(result)
            return Link(rhs, eq.sides[1].text, line, result.status, author=self.ctx.defs[name].value,
                        origin=line if standard is not None else None)
        d = self.ctx.defs[name]
        try:
            new = reader.expr(rhs)
            if params and len(params) == len(d.params):
                new = new.xreplace(dict(zip(param_symbols, d.params)))
            elif params or d.params:
                raise _Mismatch()
            v = check_equal((scope if params else self.ctx).expand(new), d.value, None, domain)
        except _Mismatch:
            v = Verification(False, "numeric")
            new = None
        except _FAILURES as err:
            result = ClaimResult(line, text, "unchecked", reason=Note("not_understood", {"detail": _detail(err)}))
            self.results.append(result)
            return Link(rhs, eq.sides[1].text, line, "unchecked")
        if v.ok and v.method is not None:
            if not _restricted(domain):
                self.ctx.add_form(name, new)  # (on a case only, `f(z) = z` for z > 0, it is no form of f)
            result = ClaimResult(line, text, "ok", kind="restatement", method=v.method)
            result.notes.append(Note("same_as", {"line": d.line}))
            self.results.append(result)
            return Link(rhs, eq.sides[1].text, line, "ok", author=self.ctx.expand(new))
        if v.method is None:
            result = ClaimResult(line, text, "unchecked", reason=Note("cannot_evaluate", {}))
            self.results.append(result)
            return Link(rhs, eq.sides[1].text, line, "unchecked")
        uses_intermediates = any(self.ctx.is_name(n) and n != name for n in rhs_names)
        if uses_intermediates:
            return None  # y = u^3 after y = (…)^4 and u = …: a claim, and a wrong one
        if _restricted(domain):
            # `z < 0 のとき f(z) = z` after f(z) = max(0, z): the text restates f on a case, and not as
            # it defined it — the slip may be either line, so neither a verdict nor a new definition
            self.results.append(ClaimResult(line, text, "unchecked", reason=Note("case_differs", {"line": d.line})))
            return Link(rhs, eq.sides[1].text, line, "unchecked")
        # a different right side in terms of the variable alone: a new example, a new definition
        try:
            expr = reader.expr(rhs)
        except _FAILURES as err:
            self.results.append(ClaimResult(line, text, "unchecked", reason=Note("not_understood", {"detail": _detail(err)})))
            return Link(rhs, eq.sides[1].text, line, "unchecked")
        self._define(name, param_symbols, expr, line, eq.sides[1].text)
        result = ClaimResult(line, text, "ok", kind="definition", read_as=latex(expr), read_value=expr)
        result.notes.append(Note("redefines", {"line": d.line}))
        self.results.append(result)
        return Link(rhs, eq.sides[1].text, line, "ok", author=self.ctx.defs[name].value)

    def definition_chain(self, eq: Equation, head: Node, nodes: list) -> Link | None:
        """`u = g(x) = 1+e^{-x}` and `y = f(u) = \\frac{1}{u}`: a new name, a function's name for it, and
        the formula both stand for. The formula defines the name (and the function, when the text has
        not defined it yet); a function defined before for something else (f, the sigmoid) is the
        author reusing the letter for the outer function: not judged, and the old meaning stays."""
        target = _definition_target(head)
        if target is None or target[1] or len(nodes) < 3 or eq.ops[:2] != ["=", "="]:
            return None
        name = target[0]
        middle, formula = nodes[1], nodes[2]
        inner = _definition_target(middle) if isinstance(middle, Apply) else None
        if inner is None or not inner[1] or not isinstance(formula, Node) or name in self.ctx.defs:
            return None
        fname, params = inner
        if name in names_in([formula]) or fname in names_in([formula]):
            return None
        try:
            expr = Reader(self.ctx).expr(formula)
        except _FAILURES:
            return None
        line = eq.sides[1].line
        self._define(name, (), expr, line)
        self.results.append(ClaimResult(line, f"{eq.sides[0].text.strip()} = {eq.sides[1].text.strip()}", "ok",
                                        kind="definition"))
        text = f"{eq.sides[1].text.strip()} = {eq.sides[2].text.strip()}"
        old = self.ctx.defs.get(fname)
        if old is None:
            # f's parameter is its own, even when it has the intermediate's name (`y = f(u) = 1/u` is the
            # outer function f(t) = 1/t): a Dummy, so that defining f does not write u out
            own = {self.ctx.symbol(p): sp.Dummy(p, real=True) for p in params}
            self._define(fname, tuple(own.values()), expr.xreplace(own), eq.sides[2].line)
            self.results.append(ClaimResult(eq.sides[2].line, text, "ok", kind="definition"))
        elif self._same_function(old, params, expr, eq):
            # `a_h2 = sigmoid(h2) = 1/(1+exp(-h2))` after the same chain for h1: the function again
            result = ClaimResult(eq.sides[2].line, text, "ok", kind="restatement")
            result.notes.append(Note("same_as", {"line": old.line}))
            self.results.append(result)
        else:
            self.results.append(ClaimResult(eq.sides[2].line, text, "unchecked",
                                            reason=Note("reused_name", {"function": _tex_name(fname), "line": old.line})))
        return Link(formula, eq.sides[2].text, eq.sides[2].line, "ok", author=self.ctx.defs[name].value,
                    versions={n: d.line for n, d in self.ctx.defs.items() if n in names_in([formula])})

    def _same_function(self, old: Definition, params: tuple[str, ...], expr: sp.Expr, eq: Equation) -> bool:
        """Is `expr`, in `params`, the function `old` defined (at those arguments)?"""
        if len(old.params) != len(params):
            return False
        try:
            at = old.value.xreplace({p: self.ctx.symbol(q) for p, q in zip(old.params, params)})
            v = check_equal(self.ctx.expand(expr), self.ctx.expand(at), None, self.domain(eq.conditions))
        except _FAILURES:
            return False
        return v.ok and v.method is not None
    def _some_function(self, rhs: Node) -> sp.Expr | None:
        """`z = f(t)`, `t = g(x, y)`, `y = f(g(x))` with f, g never defined: the name is some function of
        those (a rule's setting, judged for every function by instances — see free.py); None otherwise."""
        if not (isinstance(rhs, Apply) and not rhs.primes and rhs.power is None and is_free_letter(rhs.name)):
            return None
        if any(isinstance(sub, Apply) and (sub.primes or not is_free_letter(sub.name)) for sub in walk(rhs)):
            return None
        try:
            return Reader(self.ctx, free_functions=True).expr(rhs)
        except _FAILURES:
            return None

    def _define(self, name: str, params: tuple[sp.Symbol, ...], expr: sp.Expr, line: int, text: str | None = None) -> None:
        self.ctx.define(name, params, expr, line)
        self.def_texts[name] = text  # as written, for the diagnosis of a dropped leading minus
        for head in [h for h in self.by_head if name in names_in([h])]:
            del self.by_head[head]
        if self.chain is not None and self.chain.head is not None and name in names_in([self.chain.head]):
            self.chain = None

    # -- one link of a chain ---------------------------------------------------------------------
    def link(self, eq: Equation, k: int, head, rhs, prev: Link | None, domain: Domain) -> Link:
        side = eq.sides[k]
        first = k == 1 and not eq.continuation
        text = eq.text if first and len(eq.sides) == 2 else (
            f"{eq.sides[0].text.strip()} = {side.text.strip()}" if first else f"= {side.text.strip()}")
        line = side.line
        result = ClaimResult(line, " ".join(text.split()), "unchecked")
        self.results.append(result)
        link = Link(rhs if isinstance(rhs, Node) else None, side.text, line, "unchecked")
        if isinstance(rhs, ParseError) or rhs is None:
            result.reason = Note("unreadable", {"detail": _detail(rhs) if rhs is not None else "empty"})
            return link
        unread = self._unread_name([n for n in (head, rhs, prev.node if prev else None) if isinstance(n, Node)])
        if unread is not None:
            result.reason = Note("unread_definition", {"symbol": _tex_name(unread), "line": self.unread[unread]})
            return link

        if self._name_the_function(head, rhs, line) or self._name_in_chain(head, rhs, line):
            result.kind = "definition"
        try:
            result.read_value = Reader(self.ctx).expr(rhs)
            result.read_as = latex(result.read_value)
        except _FAILURES:
            pass

        # is it true?
        expected = given = None
        true_reader = None
        if isinstance(head, _Unreadable):
            result.reason = Note("unreadable", {"detail": _detail(head.error)})
        elif head is None:
            result.reason = Note("continues_nothing", {})
        else:
            try:
                expected, given, verification, true_reader = self.compare(head, rhs, domain)
            except _FAILURES as err:
                result.reason = Note("not_understood", {"detail": _detail(err)})
                self._judge_for_any_functions(head, rhs, domain, result, (eq.sides[0].text, side.text))
            else:
                if not verification.ok and free_functions(expected, given):
                    # ∂z/∂x after z = f(t), t = g(x, y): functions the text leaves free, judged by instances
                    self._free_verdict(head, expected, given, domain, result)
                elif verification.method is None:
                    result.reason = Note("cannot_evaluate", {})
                elif verification.ok:
                    result.status = "ok"
                    result.method = verification.method
                    if true_reader.mode == "plain":
                        result.notes.append(Note("read_plain", {}))
                elif isinstance(rhs, Cases) and (piece := self._by_pieces(expected, rhs, domain)) is not None:
                    # a piecewise right side, each piece judged on its own condition's interval
                    result.status, result.method = ("ok", piece.method) if piece.ok else ("wrong", piece.method)
                    if not piece.ok:
                        result.counterexample = piece.counterexample
                        result.expected_value = _tidy(expected)
                        result.expected = latex(result.expected_value)
                        result.notes.append(Note("on_piece", {"condition": piece.note or ""}))
                elif (solving := not _constant_with_letters(given, rhs) and (
                        _equation_to_solve(expected, given, true_reader) or _a_value_at_a_point(expected, given) or (
                        len(eq.sides) == 2 and not eq.continuation and _set_to_a_number(expected, given, head)))) and (
                        at := self._holds_at_stated_values(expected, given, line, domain, side.text)) is not None:
                    # `at $x = 0.5$, $e^{-x} = 0.6065$`: the value the line itself gives makes it true
                    result.status, result.method = "ok", "numeric"
                    result.notes.append(Note("at_values", {"values": at}))
                elif solving:
                    result.reason = Note("equation", {})
                elif _rounded_equal(expected, given, side.text, eq.sides[0].text):
                    result.status = "ok"
                    result.method = "numeric"
                    result.notes.append(Note("rounded", {}))
                elif (stray := self._stray_symbol(expected, given)) is not None:
                    # `d \sigma(x) = …`: a letter on one side only that the text never defines is a
                    # notation not understood (a differential, a label), not a value to compare
                    result.reason = Note("stray_symbol", {"symbol": _tex_name(stray)})
                elif (family := self._holds_summing_to_one(expected, given, domain)) is not None:
                    # ∂L/∂z_k = p_k - y_k holds only for labels that sum to one
                    stated = self.sums_to_one.get(family, self.one_hot)
                    if stated is not None:
                        result.status, result.method = "ok", "numeric"
                        result.notes.append(Note("sums_to_one", {"family": _tex_name(family), "line": stated}))
                    else:
                        result.reason = Note("needs_sum_one", {"family": _tex_name(family)})
                elif _complex_point(verification.counterexample) and _bounds_stated(eq.conditions):
                    # `\cosh^{-1} x = \ln(x + \sqrt{x^2-1}) \quad x \le 1`: the condition the text states
                    # allows values where the sides are not even real — the condition is the slip
                    result.status, result.method = "wrong", verification.method
                    result.counterexample = verification.counterexample
                    result.notes.append(Note("not_real", {"condition": ", ".join(eq.conditions)}))
                elif _complex_point(verification.counterexample):
                    # they differ only where a part of one side is not real (\cosh^{-1} x for x < 1): the
                    # claim is about the real domain the text did not state, so no verdict
                    result.reason = Note("real_domain", {})
                elif (at := self._holds_at_stated_values(expected, given, line, domain)) is not None:
                    result.status = "ok"
                    result.method = "numeric"
                    result.notes.append(Note("at_values", {"values": at}))
                elif (shadowed := self._holds_with_standard_meaning(head, rhs, domain)) is not None:
                    # φ defined by the text unlike the standard φ, and the line right with the standard
                    # one: which the author means is not certain (the definition may be the slip)
                    result.reason = Note("shadowed", {"function": _tex_name(shadowed),
                                                      "line": self.ctx.defs[shadowed].line})
                else:
                    result.status = "wrong"
                    result.method = verification.method
                    result.expected_value = _tidy(expected)
                    result.expected = latex(result.expected_value)
                    result.counterexample = verification.counterexample
        link.status = result.status

        # does it follow from the line before?
        current = None
        used: list[tuple] = []
        previous_value = None
        follow_check: Verification | None = None
        free_step: Verification | None = None
        solving = result.reason is not None and result.reason.kind == "equation"
        if prev is not None and prev.node is not None and not solving and not (
                isinstance(rhs, Cases) or isinstance(prev.node, Cases)):
            # (a case split is not a transition: `f' = 1 (x>0)` then `cases(…)` restates, it derives nothing)
            result.previous_line = prev.line
            try:
                previous_value, used_prev = (prev.intended, []) if prev.intended is not None else self.author_value(prev)
                reader = Reader(self.ctx, world="author")
                current = reader.read(rhs)
                used = used_prev + reader.used_claims
                v = self._step_equal(previous_value, current, prev.node, domain)
                result.follows = v.ok if v.method is not None else None
                if result.follows is False and _rounded_equal(previous_value, current, side.text, prev.text):
                    result.follows = True
                elif result.follows is False and self._stray_symbol(previous_value, current) is not None:
                    result.follows = None  # a letter the text never defines: no transition to judge
                elif result.follows is False and self._undefined_under_derivative(prev.node):
                    result.follows = None  # d/da (e^a/u) with u never defined: u may depend on a
                elif result.follows is False and self._holds_at_stated_values(previous_value, current, line, domain):
                    result.follows = True
                elif result.follows is False and (family := self._holds_summing_to_one(previous_value, current, domain)):
                    result.follows = True if family in self.sums_to_one or self.one_hot is not None else None
                elif result.follows is False and self._holds_with_standard_meaning(prev.node, rhs, domain):
                    result.follows = None  # right with the standard φ, wrong with the text's: not certain
                follow_check = v
            except _FAILURES:
                result.follows = None
                free_verdict = self._step_for_any_functions(prev.node, rhs, domain, (prev.text, side.text))
                if free_verdict is not None:
                    follow_check = free_step = free_verdict.verification
                    result.follows = free_verdict.ok
                    if not free_verdict.ok and not _a_rule(prev.node, self.ctx):
                        result.follows, follow_check = None, None  # (a step from f'(x) = …: about one f)
                    elif not free_verdict.ok and not any(n.kind == "fails_for_functions" for n in result.notes):
                        result.notes.append(Note("fails_for_functions", {"instance": free_verdict.instance}))
            # (a head read but not understood, such as Swish's unstated β, keeps its line unchecked)
            unjudged = isinstance(head, _Unreadable) or (free_step is not None and result.status == "unchecked")
            if unjudged and result.follows is True and follow_check is not None and prev.status != "wrong":
                # `①+② = A = B`, or f'(x) = {g(x)t(x)}' = g't + gt' with f, g, t free: the claim is not read,
                # but each step B from A still is (a verdict on the step, said so in a note)
                result.status, result.reason, result.method = "ok", None, follow_check.method
                result.notes.append(Note("step_only", {"line": prev.line}))
                link.status = "ok"
        if current is None:
            try:
                reader = Reader(self.ctx, world="author")
                current = reader.read(rhs)
                used = reader.used_claims
            except _FAILURES:
                current = None
        link.author = current
        link.versions = {n: d.line for n, d in self.ctx.defs.items() if n in names_in([rhs])}

        # where the error comes from, and what kind it is
        if result.status == "wrong":
            carried = None
            if result.follows:
                carried = prev.origin if prev.status == "wrong" and prev.origin else self._origin(used)
                if carried is None and prev.status != "ok":
                    carried = prev.origin
            if carried is not None:
                link.origin = carried
                result.diagnosis = Note("carried", {"line": carried})
            elif any(n.kind in ("on_piece", "fails_for_functions") for n in result.notes):
                # (the piece, or the concrete functions, named is the diagnosis: no whole-line slip search)
                link.origin = line
            else:
                link.origin = line
                result.diagnosis = self.diagnose_claim(head, rhs, side.text, expected, given, domain, result,
                                                       prev.text if prev is not None else "")
                if result.diagnosis is not None and result.diagnosis.kind == "missing_prime":
                    link.intended = expected
        elif result.follows is False:
            link.origin = line if result.status != "ok" else None
            variants = [(w, m, self._variant_reader(t, "author")) for w, m, t in typo_variants(side.text)]
            signs = [(w, m, p, self._variant_reader(t, "author")) for w, m, p, t in sign_variants(side.text)]
            splits = [(w, m, self._variant_reader(t, "author")) for w, m, t in split_variants(side.text, prev.text)]
            note = None if previous_value is None or current is None else diagnose_transition(
                previous_value, current, domain, variants=variants, signs=signs, splits=splits,
                counterexample=follow_check.counterexample if follow_check else None)
            cancels = prev.origin if prev.status == "wrong" and result.status == "ok" else None
            if note is None:
                note = Note("cancels" if cancels else "does_not_follow", {})
            if cancels:
                note.params["cancels"] = cancels
            result.diagnosis = note

        condition = self._index_condition(eq)
        if condition is not None and result.is_error and not self._honoured:
            # one entry of an indexed formula (i = j, i ≠ j): judging it needs the indices tied to
            # entries, which this reading does not do — so no verdict rather than a guess
            result.status, result.follows, result.diagnosis = "unchecked", None, None
            result.expected = result.expected_value = result.counterexample = None
            result.reason = Note("index_condition", {"condition": condition})
            link.status, link.origin = "unchecked", None

        # what the author now takes this notation to be
        key = derivative_key(head, self.ctx) if isinstance(head, Node) and not isinstance(head, _Unreadable) else None
        if key is not None and current is not None:
            self.ctx.claims[key] = Claimed(current, line, result.status == "wrong", link.origin)
        return link

    @staticmethod
    def _index_free_sum(text: str) -> dict[str, str] | None:
        """The index and the term (as LaTeX) of a sum in the text whose term does not use its index."""
        try:
            node = parse_latex_expression_ast(text, reading_function)
        except ParseError:
            return None
        found = indices.index_free_sum(node)
        if found is None:
            return None
        try:
            term = latex(Builder(reading_function).expr(found.body))
        except _FAILURES:
            term = "…"
        return {"index": found.index, "term": term}

    def _named_standard(self, name: str, params: tuple, expr: sp.Expr, domain: Domain) -> sp.Expr | None:
        """The standard function (φ, Φ of N(0, 1)) a definition should equal because the text names it so,
        when the definition differs from it; None otherwise."""
        if self.standard_normal is None or name not in ("phi", "Phi") or len(params) != 1:
            return None
        fn = Reader(self.ctx).catalog(name)
        if fn is None:
            return None
        standard = fn(params[0])
        try:
            v = check_equal(standard, expr, None, domain)
        except _FAILURES:
            return None
        return standard if v.method is not None and not v.ok else None

    def _name_by_derivative(self, head, rhs, line: int) -> bool:
        """`s'(x) = \\frac{d}{dx}\\left(\\frac{1}{1+e^{-x}}\\right)` with s not defined: the text says what s
        is by differentiating it; s(x) is that formula from here on."""
        if not (isinstance(head, Apply) and head.primes and len(head.args) == 1 and isinstance(head.args[0], Sym)
                and isinstance(rhs, Deriv) and rhs.var == head.args[0].name and rhs.order == head.primes):
            return False
        if (head.name in self.ctx.defs or head.name.lower() in reading_function.words
                or Reader(self.ctx).catalog(head.name) is not None or head.name in names_in([rhs.of])):
            return False  # (a catalog name, even one with a parameter such as swish's β, keeps its meaning)
        try:
            value = Reader(self.ctx).expr(rhs.of)
        except _FAILURES:
            return False
        x = self.ctx.symbol(rhs.var)
        self._define(head.name, (x,), value, line)
        return True

    def _name_the_function(self, head, rhs: Node, line: int) -> bool:
        """`f'(x) = dy/dx` with y not defined: the text names the value of f y (y = f(x)), as readers
        take it; later lines in y then mean f."""
        if not (isinstance(rhs, Deriv) and isinstance(rhs.of, Sym)) or not isinstance(head, Node) or isinstance(head, _Unreadable):
            return False
        name = rhs.of.name
        if name in self.ctx.defs or name in {s.name for s in self.ctx.base_symbols()} or name == rhs.var:
            return False
        key = derivative_key(head, self.ctx)
        if key is None or key[1:] != (rhs.var, rhs.order):
            return False
        d = self.ctx.defs.get(key[0])
        if d is None or len(d.params) != 1:
            return False
        self._define(name, (), d.value.xreplace({d.params[0]: self.ctx.symbol(rhs.var)}), line)
        return True

    def _name_in_chain(self, head, rhs: Node, line: int) -> bool:
        """`y = softplus(x) = f(x) = \\log(1 + e^x)` with f not defined: the chain names y's formula f(x),
        as readers take it; f′(x) later means the derivative of that formula."""
        if not (isinstance(head, Sym) and self.ctx.is_name(head.name) and isinstance(rhs, Apply)
                and not rhs.primes and rhs.power is None and all(isinstance(a, Sym) for a in rhs.args)):
            return False
        name, args = rhs.name, [a.name for a in rhs.args if isinstance(a, Sym)]
        if (name in self.ctx.defs or name in args or len(set(args)) != len(args) or name.lower() in reading_function.words
                or Reader(self.ctx).catalog(name) is not None):
            return False
        params = tuple(self.ctx.symbol(a) for a in args)
        value = self.ctx.defs[head.name].value
        if not value.free_symbols or not value.free_symbols <= set(params):
            return False  # (not a function of exactly those arguments: f(x) would mean something else)
        self._define(name, params, value, line)
        return True

    def _holds_summing_to_one(self, a: sp.Expr, b: sp.Expr, domain: Domain) -> str | None:
        """The undefined indexed family (y for y_1, y_2, y_3) whose entries summing to one makes a = b."""
        if self.values is None:
            return None
        entries: dict[str, set[int]] = {}
        for sym in a.free_symbols | b.free_symbols:
            m = re.fullmatch(r"(.+)_([1-9])", sym.name)
            if m and m.group(1) not in self.ctx.defs and sym.name not in self.ctx.defs:
                entries.setdefault(m.group(1), set()).add(int(m.group(2)))
        for family in sorted(entries):
            last = self.ctx.symbol(f"{family}_{indices.SIZE}")
            rest = sum(self.ctx.symbol(f"{family}_{k}") for k in range(1, indices.SIZE))
            one = {last: 1 - rest}
            try:
                v = check_equal(a.xreplace(one), b.xreplace(one), None, domain)
            except _FAILURES:
                continue
            if v.ok and v.method is not None:
                return family
        return None

    def _holds_at_stated_values(self, expected: sp.Expr, given: sp.Expr, line: int, domain: Domain,
                                written: str = "") -> str | None:
        """`$a = 1$ のとき $f' = f(1-f)$`: values set on this very line, if the claim holds with them (to
        the digits `written`, when it is a rounded number)."""
        values = {self.ctx.symbol(n): v for n, (at, v) in self.point_values.items() if at == line}
        values = {s: v for s, v in values.items() if s in expected.free_symbols | given.free_symbols}
        if not values:
            return None
        a, b = expected.xreplace(values), given.xreplace(values)
        try:
            v = check_equal(a, b, None, domain)
        except _FAILURES:
            return None
        if not (v.ok and v.method is not None) and not _rounded_equal(a, b, written, ""):
            return None
        return ", ".join(f"{_tex_name(s.name)} = {latex(val)}" for s, val in values.items())

    def _holds_with_standard_meaning(self, head: Node, rhs: Node, domain: Domain) -> str | None:
        """The name of a catalog function (φ, σ) the text defined differently, if the line holds when
        that name takes its standard meaning instead."""
        used = names_in([head, rhs])
        probe = Reader(self.ctx)
        shadowed = [n for n, d in self.ctx.defs.items() if d.params and n in used and probe.catalog(n) is not None]
        if not shadowed:
            return None
        standard = dataclasses.replace(self.ctx, defs={n: d for n, d in self.ctx.defs.items() if n not in shadowed})
        try:
            reader = Reader(standard)
            v = check_equal(reader.read(head), reader.read(rhs), None, domain)
        except _FAILURES:
            return None
        return shadowed[0] if v.ok and v.method is not None else None

    def _by_pieces(self, expected: sp.Expr, rhs: Cases, domain: Domain) -> Verification | None:
        """`\\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}`: expected against each piece on the interval
        its condition gives (within the sampled domain). The first piece that fails, its condition as the
        note; the last verification when all hold; None when a condition is no interval of one variable."""
        reader = Reader(self.ctx)
        last = None
        for value, cond in rhs.pieces:
            condition = reader.build(cond)
            if condition is sp.true:
                continue  # `otherwise`: the rest of the line, no interval of its own
            # (a condition on a defined name, `y < 0` for y = LeakyReLU(x), written out: no interval in x)
            condition = self.ctx.expand(condition)
            try:
                interval = condition.as_set().intersect(sp.Interval(domain.low, domain.high))
            except (NotImplementedError, AttributeError, TypeError, ValueError):
                return None
            if not isinstance(interval, sp.Interval) or interval.measure == 0 or len(condition.free_symbols) != 1:
                return None
            on_piece = dataclasses.replace(domain, low=float(interval.start), high=float(interval.end))
            v = check_equal(expected, reader.read(value), None, on_piece)
            if v.method is None:
                return None
            if not v.ok:
                return dataclasses.replace(v, note=latex(condition))
            last = v
        return last

    def _stray_symbol(self, expected: sp.Expr, given: sp.Expr) -> str | None:
        one_sided = expected.free_symbols ^ given.free_symbols
        known = {s.name for s in self.ctx.base_symbols()} | set(self.ctx.defs) | self.sizes
        for sym in sorted(one_sided, key=str):
            if sym.name not in known:
                return sym.name
        return None

    def _unread_name(self, nodes: list[Node]) -> str | None:
        """A name these nodes use, directly or through a definition, whose own defining line was not read:
        whatever it stands for, it is not the free letter a reading would take it for."""
        if not self.unread:
            return None
        names = names_in(nodes)
        for name in sorted(names):
            d = self.ctx.defs.get(name)
            inner = {s.name for s in d.value.free_symbols} if d is not None else set()
            for n in sorted({name} | inner):
                if n in self.unread and n not in self.ctx.defs:
                    return n
        return None

    def _undefined_under_derivative(self, node: Node) -> bool:
        """Does a derivative in `node` act on a name the text never defines (so whether it depends on the
        variable, as a softmax's denominator u does, is not known)?"""
        known = {s.name for s in self.ctx.base_symbols()} | set(self.ctx.defs)
        for sub in walk(node):
            if isinstance(sub, Deriv):
                names = {n for n in names_in([sub.of]) if n != sub.var}
                if any(n not in known and Reader(self.ctx).catalog(n) is None for n in names):
                    return True
        return False

    def _index_condition(self, eq: Equation) -> str | None:
        for text in eq.conditions:
            if is_index_condition(text):
                return text
        return self.index_condition

    def compare(self, head: Node, rhs: Node, domain: Domain):
        """(expected, given, verification, reader) under the first reading that makes the line true."""
        readings = ("chain", "plain")
        last = None
        for mode in readings:
            reader = Reader(self.ctx, mode=mode)
            expected = reader.read(head)
            given = reader.read(rhs)
            if free_functions(expected, given):
                return expected, given, Verification(False, None), reader  # (judged by instances: _free_verdict)
            v = check_equal(expected, given, None, domain)
            if last is None:
                last = (expected, given, v, reader)
            if v.ok and v.method is not None:
                return expected, given, v, reader
            if not reader.ambiguous:
                break
        return last

    def _judge_for_any_functions(self, head: Node, rhs: Node, domain: Domain, result: ClaimResult,
                                 texts: tuple[str, ...]) -> None:
        """`{f(g(x))}' = f'(g(x))g'(x)` with f, g never defined: read with them as free functions, then
        judged by instances (see _free_verdict); the line stays unchecked when that reading fails."""
        try:
            reader = Reader(self.ctx, free_functions=True, bare_functions=bare_functions([head, rhs], self.ctx, texts))
            left, right = reader.read(head), reader.read(rhs)
        except _FAILURES:
            return
        self._free_verdict(head, left, right, domain, result)

    def _free_verdict(self, head: Node, left: sp.Expr, right: sp.Expr, domain: Domain, result: ClaimResult) -> None:
        """ok when left = right holds for every function (by instances), wrong when it fails for each of
        them and the line is a rule; otherwise the result is left as it was."""
        try:
            verdict = judge_for_any_functions(left, right, domain)
        except _FAILURES:
            return
        if verdict is None or (not verdict.ok and not _a_rule(head, self.ctx)):
            return  # (not a rule: f'(x) = f(x)(1 - f(x)), Δf = f(x+Δx) - f(x) are about one f the text means)
        result.reason, result.method = None, verdict.verification.method
        result.read_value = right.doit()  # g'(x) as d/dx g(x), not as a derivative at the point x
        result.read_as = latex(result.read_value)
        if verdict.ok:
            result.status = "ok"
            names = ", ".join(f.__name__ for f in free_functions(left, right))
            result.notes.append(Note("any_function", {"functions": names}))
            return
        # a rule of differentiation that fails for concrete functions, at a real point: certainly wrong
        result.status = "wrong"
        result.counterexample = verdict.verification.counterexample
        result.expected_value = _tidy(left.doit())  # the rule as it holds for any f, g: (g'h - gh')/h²
        result.expected = latex(result.expected_value)
        result.notes.append(Note("fails_for_functions", {"instance": verdict.instance}))

    def _step_equal(self, before: sp.Expr, after: sp.Expr, before_node: Node, domain: Domain) -> Verification:
        """check_equal for a step; between values with free functions (after z = f(t)), by instances —
        failing counts only from a rule's left side."""
        if not free_functions(before, after):
            return check_equal(before, after, None, domain)
        verdict = judge_for_any_functions(before, after, domain)
        if verdict is None or (not verdict.ok and not _a_rule(before_node, self.ctx)):
            return Verification(False, None)
        return verdict.verification

    def _step_for_any_functions(self, before: Node, after: Node, domain: Domain,
                                texts: tuple[str, ...]) -> FreeVerdict | None:
        """B from A where both apply functions the text never defines: the step for every function (ok,
        or failing for each), None when the instances do not settle it."""
        try:
            reader = Reader(self.ctx, world="author", free_functions=True,
                            bare_functions=bare_functions([before, after], self.ctx, texts))
            verdict = judge_for_any_functions(reader.read(before), reader.read(after), domain)
        except _FAILURES:
            return None
        return verdict

    def author_value(self, link: Link) -> tuple[sp.Expr, list[tuple]]:
        """The previous side re-read with the claims as they stand now (if its names still mean the same)."""
        names = names_in([link.node])
        now = {n: d.line for n, d in self.ctx.defs.items() if n in names}
        if now == link.versions or link.author is None:
            reader = Reader(self.ctx, world="author")
            return reader.read(link.node), reader.used_claims
        return link.author, []

    def _origin(self, used: list[tuple]) -> int | None:
        lines = []
        for key in used:
            c = self.ctx.claims.get(key)
            if c is not None and c.wrong:
                lines.append(c.origin or c.line)
        return min(lines) if lines else None

    def _variant_reader(self, text: str, world: str):
        def read():
            try:
                node = parse_latex_expression_ast(text, reading_function)
                return Reader(self.ctx, world=world).read(node)
            except _FAILURES:
                return None
        return read

    def diagnose_claim(self, head, rhs, text, expected, given, domain, result, previous_text: str = "") -> Note | None:
        variants = [(w, m, self._variant_reader(t, "true")) for w, m, t in typo_variants(text)]
        primes = [(w, m, self._variant_reader(t, "true")) for w, m, t in prime_variants(text)]
        signs = [(w, m, p, self._variant_reader(t, "true")) for w, m, p, t in sign_variants(text)]
        splits = [(w, m, self._variant_reader(t, "true")) for w, m, t in split_variants(text, previous_text)]
        target = derivative_target(head, self.ctx)
        others = self._other_quantities(head) if _is_derivative(head) else []
        try:
            # a diagnosis is optional: on long chains of defined names (a network's a_o1 = σ(w5·a_h1 + …))
            # each candidate is a large derivative, and the line stays wrong without one
            return attempt(DIAGNOSIS_SECONDS, diagnose_claim, expected, given, domain, target=target, variants=variants,
                           primes=primes, others=others, signs=signs, splits=splits,
                           dropped=self._without_leading_minus(head), counterexample=result.counterexample)
        except _FAILURES:
            return None

    def _without_leading_minus(self, head: Node) -> list[tuple[str, int, Callable[..., sp.Expr | None]]]:
        """(name, line, the head's value) for each definition the head uses that the text wrote with a
        leading minus (`L = -y \\log p`), the head read as if that minus had not been written."""
        out: list[tuple[str, int, Callable[..., sp.Expr | None]]] = []
        for name in sorted(names_in([head])):
            d, text = self.ctx.defs.get(name), self.def_texts.get(name)
            if d is None or text is None or not normalize_latex(text).lstrip().startswith("-"):
                continue

            def value(d=d, rest=normalize_latex(text).lstrip()[1:]):
                try:
                    expr = Reader(self.ctx).expr(parse_latex_expression_ast(rest, reading_function))
                    changed = Definition(d.name, d.params, self.ctx.expand(expr), [expr], d.line)
                    return Reader(dataclasses.replace(self.ctx, defs={**self.ctx.defs, d.name: changed})).read(head)
                except _FAILURES:
                    return None
            out.append((_tex_name(name), d.line, value))
        return out

    def _other_quantities(self, head: Node):
        """(LaTeX label, value) of the derivatives a right-hand side might belong to instead."""
        key = derivative_key(head, self.ctx)
        variables = sorted({s.name for s in self.ctx.base_symbols()} | {n for n in self.ctx.defs if self.ctx.is_name(n)})
        out = []
        # the most recent definitions first, and a bounded number: a long post must not make one wrong
        # line cost seconds
        for name, d in reversed(list(self.ctx.defs.items())):
            if len(out) >= MAX_OTHER_QUANTITIES:
                break
            for var in variables:
                if var == name or (key is not None and key[:2] == (name, var)):
                    continue
                if d.params and var != d.params[0].name:
                    continue
                label = rf"\frac{{d{_tex_name(name)}}}{{d{_tex_name(var)}}}"
                out.append((label, lambda name=name, var=var: self.ctx.expand(self.ctx.derivative_of_name(name, var))))
        return out

    def _names_an_argument(self, text: str) -> bool:
        """`x` where the text defined f(x): the letter is the functions' argument, not a quantity."""
        node = self.parse(text)
        return isinstance(node, Sym) and node.name not in self.ctx.defs and any(
            p.name == node.name for d in self.ctx.defs.values() for p in d.params)

    def _assume_positive(self, eq: Equation) -> None:
        """`$\\lambda > 0$` stated on its own before a letter is used: the letter is a positive parameter,
        and claims are judged for its positive values only (softshrink's cases hold for λ > 0, not λ < 0)."""
        if len(eq.sides) != 2 or eq.ops != [">"] or eq.sides[1].text.strip() != "0":
            return
        node = self.parse(eq.sides[0].text)
        if isinstance(node, Sym) and node.name not in self.ctx.defs and node.name not in self.ctx._symbols:
            self.ctx._symbols[node.name] = sp.Symbol(node.name, positive=True)

    def _values_given(self, eq: Equation, nodes: list) -> bool:
        """`a = c = d = 0`: several letters the text has not defined, set to one number — values given (a
        condition), not a chain of claims that each letter equals the next."""
        letters, value = nodes[:-1], nodes[-1]
        if len(letters) < 2 or not isinstance(value, Node) or not _is_number(value):
            return False
        names = [n.name for n in letters if isinstance(n, Sym)]
        if len(names) != len(letters) or len(set(names)) != len(names) or any(n in self.ctx.defs for n in names):
            return False
        number = Builder(reading_function).expr(value)
        for name in names:
            self.point_values[name] = (eq.line, number)
        self.results.append(ClaimResult(eq.line, " ".join(eq.text.split()), "ok", kind="condition"))
        return True

    # -- conditions ------------------------------------------------------------------------------
    def domain(self, conditions: list[str]) -> Domain:
        low, high, avoid = None, None, []
        var = None
        for text in conditions:
            try:
                node = parse_latex_ast(text, reading_function)
            except ParseError:
                continue
            if not isinstance(node, Rel):
                continue
            for op, a, b in zip(node.ops, node.args, node.args[1:]):
                if isinstance(a, Sym) and _is_number(b):
                    sym, value, op2 = a.name, _number(b), op
                elif isinstance(b, Sym) and _is_number(a):
                    sym, value, op2 = b.name, _number(a), {"<": ">", ">": "<", "le": "ge", "ge": "le", "ne": "ne"}.get(op, op)
                else:
                    continue
                if var is not None and sym != var:
                    continue
                var = sym
                if op2 in (">", "ge"):
                    low = value if low is None else max(low, value)
                elif op2 in ("<", "le"):
                    high = value if high is None else min(high, value)
                elif op2 == "ne":
                    avoid.append(value)
        if low is None and high is None and not avoid:
            return Domain()
        if low is None:
            low = (high if high is not None else 0.0) - 8.0
        if high is None:
            high = low + 8.0
        if low >= high:
            return Domain()
        # stay a little inside open bounds
        margin = (high - low) * 1e-6
        return Domain(low + margin, high - margin, tuple(avoid))


def _merge_entries(runs: list[list[tuple[list[ClaimResult], bool]]], plan: list[dict[str, int]]) -> list[ClaimResult]:
    """One result per claim from its results at every entry: wrong if it is wrong at one (the entry is
    named), ok only if ok at all of them, else unchecked."""
    out: list[ClaimResult] = []
    for e in range(len(runs[0])):
        spoken = [(results, values) for run, values in zip(runs, plan) for results, applies in [run[e]] if applies]
        if not spoken:
            out += runs[0][e][0]  # about no entry the plan reaches: listed, not judged
            continue
        if len({len(results) for results, _ in spoken}) != 1:
            out += [_unjudged(r) for r in spoken[0][0]]  # read differently at different entries: no verdict
            continue
        for k in range(len(spoken[0][0])):
            result, values = max(((results[k], values) for results, values in spoken), key=lambda c: _severity(c[0]))
            result = dataclasses.replace(result, notes=list(result.notes))
            if result.is_error and values:
                entry = {letter: str(v) for letter, v in values.items()}
                result.counterexample = {**entry, **(result.counterexample or {})}
            out.append(result)
    return out


def _severity(result: ClaimResult) -> int:
    return 2 if result.is_error else 1 if result.status == "unchecked" else 0


def _unjudged(result: ClaimResult) -> ClaimResult:
    if result.status == "unchecked" and result.follows is not False:
        return result
    return dataclasses.replace(result, status="unchecked", follows=None, diagnosis=None, expected=None,
                               expected_value=None, counterexample=None, method=None,
                               reason=Note("read_per_entry", {}))


class _Unreadable(Node):
    def __init__(self, error: ParseError):
        self.error = error

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other) -> bool:
        return self is other


class _Mismatch(Exception):
    pass


def _vector_sides(equations: list[Equation]) -> frozenset[str]:
    """The sides of the equations between whole vectors, `\\mathbf{p} = \\text{softmax}(\\mathbf{z})`: each side a
    bold letter or softmax of one, at least one of them softmax (a bold letter on its own elsewhere stays a name)."""
    out: set[str] = set()
    for eq in equations:
        if len(eq.sides) < 2 or any(op != "=" for op in eq.ops):
            continue
        try:
            nodes = [parse_latex_expression_ast(side.text, reading_function) for side in eq.sides]
        except ParseError:
            continue
        read = [indices.whole_vector(n) for n in nodes]
        if all(r != n for r, n in zip(read, nodes)) and any(isinstance(r, Entry) for r in read):
            out |= {side.text for side in eq.sides}
    return frozenset(out)


def _definition_target(head: Node) -> tuple[str, tuple[str, ...]] | None:
    if isinstance(head, Sym) and head.name != "e":
        return head.name, ()
    if isinstance(head, Apply) and not head.primes and head.power is None:
        if all(isinstance(a, Sym) for a in head.args):
            names = tuple(a.name for a in head.args if isinstance(a, Sym))
            if len(set(names)) == len(names) and head.name not in names:
                return head.name, names
    return None


# `1/(1+e-x)`, `α.ex`: plain text that lost the superscript of e^{-x}, e^{x} when it was copied
_LOST_SUPERSCRIPT = re.compile(r"(?<![A-Za-z\\_])e(?:[-–−ー][A-Za-z]|[a-z])(?![A-Za-z(_])"
                               r"|(?:σ|φ|\\sigma|\\phi|\b[a-z])[23](?=\s*\()"  # σ2(x): σ²(x) flattened
                               r"|\)[23](?![\d.])")  # (x-1)2: (x-1)² flattened


def _restricted(domain: Domain) -> bool:
    """Is the domain a case the text stated (x > 0), not the default sampling interval?"""
    return (domain.low, domain.high) != (Domain().low, Domain().high)


def _a_rule(node: Node, ctx: Context) -> bool:
    """Is `node` the derivative of a combination of functions — (g/h)', {f(g(x))}', d/dx[f(g(x))], or
    ∂z/∂x after z = f(t), t = g(x, y) — as a rule of differentiation writes its left side (not f'(x),
    the derivative of one function the text means)?"""
    of = node.arg if isinstance(node, Prime) else node.of if isinstance(node, Deriv) else None
    if isinstance(of, Sym):
        return ctx.is_name(of.name) and bool(free_functions(ctx.defs[of.name].value))
    if of is None:
        return False
    return not (isinstance(of, Apply) and not of.primes and all(isinstance(a, Sym) for a in of.args))


def _lost_superscript(eq: Equation) -> str | None:
    if eq.formula.syntax not in ("plain", "prose"):
        return None  # in LaTeX, e-x is what it shows
    if eq.formula.dropped_script:
        return f"{eq.sides[-1].text.strip()} {eq.formula.dropped_script}"
    for side in eq.sides:
        m = _LOST_SUPERSCRIPT.search(side.text)
        if m:
            return m.group()
    return None


def _differential_head(head: Node) -> Node | None:
    """`d\\sigma(x) = \\sigma(x)(1-\\sigma(x))`: a differential standing for the derivative in the function's
    own argument (the other sides write no d)."""
    if not (isinstance(head, Mul) and len(head.args) == 2 and head.args[0] == Sym("d")):
        return None
    f = head.args[1]
    if not (isinstance(f, Apply) and not f.primes and f.power is None and len(f.args) == 1 and isinstance(f.args[0], Sym)):
        return None
    return Deriv(f, f.args[0].name)


def _writes_d(node: Node) -> bool:
    return "d" in names_in([node])


def _is_derivative(node: Node) -> bool:
    return isinstance(node, (Deriv, Prime)) or (isinstance(node, Apply) and node.primes > 0)


def _is_number(node: Node) -> bool:
    if isinstance(node, Num):
        return True
    if isinstance(node, Neg):
        return _is_number(node.arg)
    try:
        value = Builder(reading_function).expr(node)
    except _FAILURES:
        return False
    return value.is_number


def _number(node: Node) -> float:
    return float(Builder(reading_function).expr(node))


def _equation_to_solve(expected: sp.Expr, given: sp.Expr, reader: Reader) -> bool:
    """`x^2 - 1 = 0` is an equation for x, not an identity: never report it as wrong."""
    if reader.uses_derivatives or reader.uses_definitions:
        return False
    return (not expected.free_symbols) != (not given.free_symbols)


_DECIMAL = re.compile(r"(?<![\w.])(\d*\.\d+)")


def _bounds_stated(conditions: list[str]) -> bool:
    """Does the text bound the variable (x \\le 1, -1 < x < 1), not only exclude points (x \\ne 0)?"""
    return any(re.search(r"<|>|\\[lg]eq?(?![a-z])|\\[lg]t(?![a-z])|≤|≥", c) for c in conditions)


def _complex_point(counterexample: dict | None) -> bool:
    values = counterexample or {}
    return any("j" in str(values.get(k, "")) for k in ("lhs", "rhs"))


def _rounded_equal(a: sp.Expr, b: sp.Expr, side: str, other: str) -> bool:
    """`e^{-0.5} = 0.6065306597`: numbers written with decimals agree to the digits written — those of
    the side being judged (the rounded result), else of the other side."""
    decimals = _DECIMAL.findall(side) or _DECIMAL.findall(other)
    if not decimals or a.free_symbols or b.free_symbols:
        return False
    digits = min(len(d.replace(".", "").lstrip("0")) or 1 for d in decimals)
    try:
        va, vb = complex(a.evalf(30)), complex(b.evalf(30))
    except (TypeError, ValueError):
        return False
    # rounded or cut at the last digit written: within one unit of it, relative to the size
    return abs(va - vb) <= 10.0 ** (1 - digits) * max(abs(va), abs(vb))


def _constant_with_letters(given: sp.Expr, rhs: Node) -> bool:
    """`softmax(x_i) = \\frac{e^{x_i}}{\\sum_j e^{x_i}}` (= 1/n): a side written with letters that comes out a
    number still claims an identity — no equation to solve, no value at a point."""
    return not given.free_symbols and any(isinstance(n, Sym) and n.name != "e" for n in walk(rhs))


def _a_value_at_a_point(expected: sp.Expr, given: sp.Expr) -> bool:
    """`Z = e^{x_1} + e^{x_2} = e^1 + e^2`: a number written where the value still has letters is the value
    at a point the text chose (in prose, or in a formula not read) — a claim about that point only."""
    return not given.free_symbols and bool(expected.free_symbols)


def _set_to_a_number(expected: sp.Expr, given: sp.Expr, head: Node) -> bool:
    """`\\sigma'(x) = 0` on its own: where is the slope zero? — an equation to solve, not a claim that
    the derivative vanishes everywhere. Also when the derivative is a constant (`Solve id'(x) = 0` has no
    solution, and is still a question), unless the left side is taken at a point (`\\tanh'(0) = 0`)."""
    if given.free_symbols:
        return False
    called = head.arg if isinstance(head, Prime) else head  # f'(0), or (\\tanh(0))′ as the parser has it
    args = getattr(called, "args", None) if isinstance(called, Node) else None
    at_point = bool(args) and all(isinstance(a, Node) and _is_number(a) for a in args)
    return bool(expected.free_symbols) or (given == 0 and not at_point)


def _tidy(expr: sp.Expr) -> sp.Expr:
    # The value as the derivative rules give it (e^{-x}/(1+e^{-x})^2), not simplify()'s 1/(4cosh²(x/2)):
    # closer to what the reader wrote, and no simplify() cost on every wrong line.
    from derivator.verify import plain

    try:
        return plain(expr)
    except _FAILURES:
        return expr


def _tex_name(name: str) -> str:
    from derivator.parse.latex import GREEK

    return "\\" + name if name in GREEK else name


def _detail(err) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__
