"""Indexed formulas (softmax, cross-entropy: p_i, \\sum_k e^{z_k}, \\delta_{ij}, `i = j` cases) read
entry by entry.

A document that sums over an index or writes a Kronecker delta is judged once per *pattern* of its free
index letters — for i, j: once with i = j and once with i ≠ j — each letter given a concrete entry of a
family of SIZE entries (z_i → z_1, \\sum_k e^{z_k} → e^{z_1} + e^{z_2} + e^{z_3}, \\delta_{12} → 0). With
no concrete entry written anywhere, every formula is symmetric under renumbering the entries, so one
assignment per pattern stands for all of them; a document that does name an entry (z_1, y_2) is judged
with every assignment instead.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import sympy as sp

from derivator.parse.latex import PRIMED_INDEX, ROW_INDEX, VECTOR_WORDS, vector_family, Add, Apply, At, Call, Deriv, Entry, Extremum, Mul, Node, Num, Sum, Sym, walk

SIZE = 3  # entries per indexed family: enough for i, j and a third entry a sum runs over
INDEX_LETTERS = frozenset("ijklmn") | frozenset(PRIMED_INDEX.values()) | {ROW_INDEX}
# letters that are an index only in a subscript (x_{pq}, y_n): bare, p and q are quantities (a
# probability), m and n sizes (\\frac{1}{m}, an m × n matrix)
SUBSCRIPT_LETTERS = INDEX_LETTERS | {"p", "q"}
BARE_LETTERS = INDEX_LETTERS - {"m", "n"}
MAX_FREE = 3  # more free index letters than this: not judged entry by entry
MAX_RUNS = 9  # nor when that needs more passes over the document than this
_OFFSET = re.compile(r"(?<=.)[mp](?=\d)")  # θ_{t-1} is read θ_tm1: its m is a minus, not an index
_SUB = re.compile(r"^(.*?)_([A-Za-z0-9%s]{1,3})$" % ("".join(PRIMED_INDEX.values()) + ROW_INDEX))


def is_indexed(node: Node) -> bool:
    """Does the formula sum over an index or use a Kronecker delta?"""
    return any(isinstance(n, (Sum, Entry, Extremum)) or (isinstance(n, Sym) and n.name.startswith("delta_"))
               for n in walk(node))


def free_letters(node: Node, bound: frozenset[str] = frozenset()) -> set[str]:
    """Index letters in subscripts (and bare, in `i = j`) that no sum around them binds."""
    if isinstance(node, Sum):
        # (the letter of its size, `\\sum_{j=1}^{n}`, is no index either)
        inner = bound | {node.index} | ({node.size} if node.size else set())
        return free_letters(node.body, inner) | ({node.exclude} - bound if node.exclude else set())
    if isinstance(node, Extremum):
        return free_letters(node.body, bound | {node.index})
    out: set[str] = set()
    for name in _own_names(node):
        m = _SUB.match(name)
        if m and m.group(2) in _ACCENT_SUBSCRIPTS:
            continue  # \\mathcal{L} is L_cal, \\tilde{y} y_tilde: a name, no indices
        letters = _OFFSET.sub("", m.group(2)) if m else (name if name in BARE_LETTERS else "")
        out |= {c for c in letters if c in SUBSCRIPT_LETTERS and c not in bound}
    for child in _children(node):
        out |= free_letters(child, bound)
    return out


def known_entry(name: str, args: list[sp.Expr]) -> sp.Expr | None:
    """Entry k of a vector function every reader knows, where the text does not define it:
    softmax_k(x_1, …, x_n) = e^{x_k} / (e^{x_1} + … + e^{x_n})."""
    base, _, k = name.rpartition("_")
    if base != "softmax" or not k.isdigit() or not 1 <= int(k) <= len(args) or len(args) != SIZE:
        return None
    return sp.exp(args[int(k) - 1]) / sp.Add(*(sp.exp(a) for a in args))


def whole_vector(node: Node) -> Node:
    """A side that is a whole vector, `\\mathbf{p}` or `\\text{softmax}(\\mathbf{z})`, as its entry at the row index:
    `\\mathbf{p} = \\text{softmax}(\\mathbf{z})` says p_k = softmax(z)_k for every k. Only a side that is
    exactly that: any other algebra of vectors (products, transposes) is not entry-wise."""
    if isinstance(node, Sym) and node.name.endswith(("_bold", "_vec")) and vector_family(node) is not None:
        return Sym(f"{vector_family(node)}_{ROW_INDEX}")
    if (isinstance(node, Apply) and node.name.lower() in VECTOR_WORDS and len(node.args) == 1 and not node.primes
            and node.power is None and (family := vector_family(node.args[0])) is not None):
        return Entry(node.name.lower(), family, ROW_INDEX)
    return node


def index_free_sum(node: Node) -> Sum | None:
    """A sum whose term does not use its index (`\\sum_j e^{x_i}`, most often a slip for e^{x_j})."""
    return next((n for n in walk(node) if isinstance(n, Sum) and not _uses(n.body, n.index)), None)


def sizes(node: Node) -> set[str]:
    """The letters instantiate() writes for the size of a family (a sum whose term lacks its index)."""
    return {n.size or "n" for n in walk(node) if isinstance(n, Sum) and not _uses(n.body, n.index)}


def _uses(node: Node, letter: str) -> bool:
    """Does the letter stand in the formula, bare or in a subscript?"""
    for name in _all_names(node):
        m = _SUB.match(name)
        if name == letter or (m and letter in _OFFSET.sub("", m.group(2))):
            return True
    return False


def family_name(head: Sym | Entry) -> str:
    """The indexed name a definition's head gives: p_i, or softmax_i for softmax(x)_i."""
    return f"{head.name}_{head.index}" if isinstance(head, Entry) else head.name


def names_an_entry(nodes: list[Node]) -> bool:
    """A concrete entry (z_1, y_2) of a family that is also written with an index letter?"""
    by_digit: set[str] = set()
    by_letter: set[str] = set()
    for node in nodes:
        for m in filter(None, (_SUB.match(n) for n in _all_names(node))):
            if m.group(2).isdigit():
                by_digit.add(m.group(1))
            elif set(m.group(2)) <= INDEX_LETTERS:  # (L_2 beside L_{CE} names no entry of a family)
                by_letter.add(m.group(1))
    return bool(by_digit & by_letter)


def assignments(letters: set[str], every: bool = False) -> list[dict[str, int]]:
    """One assignment per pattern of equal and different letters (or, `every`, all of them)."""
    order = sorted(letters)
    if every:
        return [dict(zip(order, values)) for values in itertools.product(range(1, SIZE + 1), repeat=len(order))]
    out = []
    for values in itertools.product(range(1, SIZE + 1), repeat=len(order)):
        # a restricted growth string: the first letter gets 1, each next one an old value or the next new one
        if all(v <= max(values[:k], default=0) + 1 for k, v in enumerate(values)):
            out.append(dict(zip(order, values)))
    return out


def holds(condition: tuple[list[str], list[str]], values: dict[str, int]) -> bool | None:
    """Does an index condition (`i = j`, `i \\ne k`: its sides and ops) hold for these values? None: it
    names a letter without a value."""
    sides, ops = condition
    try:
        nums = [values[s.strip()] for s in sides]
    except KeyError:
        return None
    return all((a == b) if op == "=" else (a != b) for op, a, b in zip(ops, nums, nums[1:]))


def instantiate(node: Node, values: dict[str, int]) -> Node:
    """The formula for one entry: index letters replaced by their values, sums written out, deltas as 0 or 1."""
    if isinstance(node, Sum) and not _uses(node.body, node.index):
        # `\\sum_{j=1}^{n} e^{x_i}`: a term without its index, n times over — n, the family's size, not
        # the number of entries it is judged with
        size = node.size or "n"
        return Mul((Sym(size), instantiate(node.body, {k: v for k, v in values.items() if k != size})))  # (see sizes())
    if isinstance(node, Sum):
        skip = values.get(node.exclude) if node.exclude else None
        terms = [instantiate(node.body, {**values, node.index: v}) for v in range(1, SIZE + 1) if v != skip]
        return terms[0] if len(terms) == 1 else Add(tuple(terms))
    if isinstance(node, Extremum):
        return Call(node.fn, tuple(instantiate(node.body, {**values, node.index: v}) for v in range(1, SIZE + 1)))
    if isinstance(node, Entry):
        # entry i of f(x) is a function of every entry of x: softmax(x)_1 = softmax_1(x_1, x_2, x_3)
        family = tuple(Sym(f"{node.vector}_{k}") for k in range(1, SIZE + 1))
        return Apply(entry_name(f"{node.name}_{node.index}", values), family)
    if isinstance(node, Sym):
        name = entry_name(node.name, values)
        if name.startswith("delta_") and len(name) == 8 and name[6:].isdigit():
            return Num("1" if name[6] == name[7] else "0")
        if name in values and name in BARE_LETTERS:
            return Num(str(values[name]))
        return Sym(name) if name != node.name else node
    changes: dict[str, object] = {}
    for f in dataclasses.fields(node):  # type: ignore[arg-type]  # every Node is a frozen dataclass
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = instantiate(value, values)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(_instantiate_item(v, values) for v in value)
        elif isinstance(value, str) and ((f.name == "name" and isinstance(node, Apply)) or
                                         (f.name == "var" and isinstance(node, (Deriv, At)))):
            changes[f.name] = entry_name(value, values)
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[type-var]


def replace_node(node: Node, old: Node, new: Node) -> Node:
    """node with every occurrence of the subtree old replaced by new."""
    if node == old:
        return new
    changes: dict[str, object] = {}
    for f in dataclasses.fields(node):  # type: ignore[arg-type]  # every Node is a frozen dataclass
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = replace_node(value, old, new)
        elif isinstance(value, tuple):
            changes[f.name] = tuple(replace_node(v, old, new) if isinstance(v, Node) else
                                    tuple(replace_node(w, old, new) if isinstance(w, Node) else w for w in v)
                                    if isinstance(v, tuple) else v for v in value)
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[type-var]


def term_names(before: Node, after: Node, known) -> list[tuple[str, str, Node]]:
    """`-\\sum_j y_j \\log p_j = -\\sum_j \\ell_j`: a family the text has not defined (`known(name)` false),
    written as the body of a sum in after where before has the same sum with another body, the two sides
    otherwise the same — a name for the sum's terms. (name with its index letter, the letter, the term)."""
    out = []
    sums_before = [n for n in walk(before) if isinstance(n, Sum)]
    for s in (n for n in walk(after) if isinstance(n, Sum)):
        body = s.body
        if not isinstance(body, Sym):
            continue
        m = _SUB.match(body.name)
        if m is None or m.group(2) != s.index or known(m.group(1)) or known(body.name):
            continue
        for t in sums_before:
            if (t.index, t.exclude) == (s.index, s.exclude) and t.body != body and replace_node(after, s, t) == before:
                out.append((body.name, s.index, t.body))
                break
    return out


def _instantiate_item(item, values):
    if isinstance(item, Node):
        return instantiate(item, values)
    if isinstance(item, tuple):
        return tuple(_instantiate_item(v, values) for v in item)
    return item


_ACCENT_SUBSCRIPTS = {"hat", "bar", "dot", "vec", "tilde", "ddot", "bold", "cal", "scr", "frak", "bb"}  # y_hat: a name


def entry_name(name: str, values: dict[str, int]) -> str:
    """The name of one entry: z_i → z_1; t_{pj} with j = 2 is t_{p2}."""
    m = _SUB.match(name)
    if not m or m.group(2) in _ACCENT_SUBSCRIPTS or not any(c in values for c in m.group(2)):
        return name
    return m.group(1) + "_" + "".join(str(values[c]) if c in values else c for c in m.group(2))


def _own_names(node: Node) -> list[str]:
    if isinstance(node, (Sym, Apply)):
        return [node.name]
    if isinstance(node, (Deriv, At)):
        return [node.var]
    if isinstance(node, Entry):
        return [f"{node.name}_{node.index}"]
    return []


def _all_names(node: Node) -> list[str]:
    return [name for n in walk(node) for name in _own_names(n)]


def _children(node: Node) -> list[Node]:
    out = []
    for value in vars(node).values():
        if isinstance(value, Node):
            out.append(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    out.append(item)
                elif isinstance(item, tuple):
                    out += [sub for sub in item if isinstance(sub, Node)]
    return out


def stated_sums_to_one(equations, parse) -> dict[str, int]:
    """Families the text says sum to one (`\\sum_i y_i = 1`, before or after the lines that need it),
    each with the line it says so on."""
    out: dict[str, int] = {}
    for eq in equations:
        if eq.ops != ["="] or len(eq.sides) != 2:
            continue
        left, right = (parse(side.text) for side in eq.sides)
        if isinstance(left, Sum) and isinstance(left.body, Sym) and right == Num("1") and left.exclude is None:
            m = _SUB.match(left.body.name)
            if m and m.group(2) == left.index:
                out.setdefault(m.group(1), eq.line)
    return out
