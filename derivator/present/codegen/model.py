"""One export as target-neutral data: functions with named arguments, locals and bodies.

Each target prints this (python_family.py, csharp.py). Names come from one NameTable per export,
so the same symbol has the same identifier in every function of the module.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import sympy as sp

from derivator import catalog
from derivator.present.codegen.names import Language, NameTable
from derivator.present.codegen.parts import CodeParts, SafeBodies, safe_bodies
from derivator.present.codegen.safe_forms import decays


@dataclass(frozen=True)
class Function:
    """def NAME(ARGS): LOCALS; return BODY — symbols printed through Module.names."""

    role: str  # "function", "derivative" or "from_output"
    name: str
    args: tuple[sp.Symbol, ...]
    locals: tuple[tuple[sp.Symbol, sp.Expr], ...]
    body: sp.Expr
    doc: tuple[str, ...]


@dataclass(frozen=True)
class Module:
    parts: CodeParts
    functions: tuple[Function, ...]
    names: dict  # sp.Symbol -> identifier
    table: NameTable

    def function(self, role: str) -> Function | None:
        return next((f for f in self.functions if f.role == role), None)

    def get(self, role: str) -> Function:
        """The function for a role every module has ("function", "derivative")."""
        found = self.function(role)
        if found is None:
            raise KeyError(role)
        return found

    def ident(self, symbol: sp.Symbol) -> str:
        return self.names[symbol]


def _with_locals(body: sp.Expr, table: NameTable, names: dict, prefix: str = "t") -> tuple[tuple, sp.Expr]:
    """e^(−|w|) computed once per function: a local t (t1, … for other w), e^(−k|w|) written t**k;
    never a user's name."""
    out = []
    used: set[str] = set()
    replace = {}
    for i, (exponent, atoms) in enumerate(decays(body).items()):
        local = sp.Dummy(f"{prefix}{i}")
        names[local] = table.local(prefix if i == 0 else f"{prefix}{i}", used)
        out.append((local, sp.exp(exponent)))
        replace.update({atom: local**k for atom, k in atoms})
    return tuple(out), body.xreplace(replace)


def _assumptions(symbols: tuple[sp.Symbol, ...]) -> str:
    said = []
    for s in symbols:
        if s.is_positive:
            said.append(f"{s.name} > 0")
        elif s.is_nonnegative:
            said.append(f"{s.name} >= 0")
        elif s.is_real:
            said.append(f"{s.name} real")
    return ", ".join(said)


def _domain(expr: sp.Expr, x: sp.Symbol) -> list[str]:
    """Where a formula is defined, read off its logs, roots and divisions (x-free ones skipped)."""
    conditions = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.log) and node.args[0].has(x):
            conditions.append(f"{sp.sstr(node.args[0])} > 0")
        elif isinstance(node, sp.Pow) and node.base.has(x):
            if node.exp.is_negative and not (node.base.is_positive or node.base.is_negative):
                conditions.append(f"{sp.sstr(node.base)} != 0")
            if node.exp.is_Rational and not node.exp.is_integer and not node.base.is_nonnegative:
                conditions.append(f"{sp.sstr(node.base)} >= 0")
        elif isinstance(node, sp.erfinv) and node.args[0].has(x):
            conditions.append(f"-1 < {sp.sstr(node.args[0])} < 1")
    return list(dict.fromkeys(conditions))


def wrap(lines: list[str], width: int = 100) -> tuple[str, ...]:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]
    return tuple(out)


def _renamed(symbols: tuple[sp.Symbol, ...], names: dict) -> str:
    changed = [f"{names[s]} is {s.name}" for s in symbols if names[s] != s.name]
    return "; ".join(changed)


def build(parts: CodeParts, language: Language, *, extra_names: tuple[str, ...] = (),
          called: dict[str, str] | None = None) -> Module:
    """Names and bodies for one target language. `extra_names` are the target's own globals and
    locals (a class, ctx, grad_output, out, helpers), fitted after the user's names."""
    bodies: SafeBodies = safe_bodies(parts)
    table = NameTable(language)
    x, y = parts.variable, parts.output_symbol
    user = (x, *parts.params)
    table.claim_all([(s, s.name) for s in user])
    names = {s: table.given[s] for s in user}
    fname = table.name("function", parts.name)
    gname = table.name("derivative", f"{parts.name}_{parts.suffix}")
    oname = table.name("from_output", f"{parts.name}_{parts.suffix}_from_output") if bodies.from_output is not None else None
    # the output gets its own symbol: `y` may also be the user's variable or a parameter
    out_symbol = sp.Dummy("y")
    if bodies.from_output is not None:
        names[out_symbol] = table.name("output", "y")
    for own in extra_names:
        table.name(own, own)

    # how the docstrings refer to the functions (C# calls them Activation, Derivative, DActivation)
    say = {"function": fname, "derivative": gname, "from_output": oname, **(called or {})}
    xs, ps = x.name, ", ".join(p.name for p in parts.params)
    call = f"{parts.name}({xs}{', ' + ps if ps else ''})"
    given = _assumptions(user)
    domain = _domain(parts.definition, x)
    renamed = _renamed(user, names)
    common = [f"Assumes: {given}" + ("; parameters are numbers, not arrays" if parts.params else "") + "."]
    if parts.defaults:
        common.append("Defaults: " + ", ".join(f"{names[s]} = {value}" for s, value in parts.defaults)
                      + " (the source's; pass other values as arguments).")
    if domain:
        common.append("Defined where " + " and ".join(domain) + ".")
    if renamed:
        common.append(f"Arguments renamed for this language: {renamed}.")
    # the accurate range: measured for catalog entries, only promised by the rules otherwise
    if catalog.lookup(parts.name) is not None and parts.order == 1:
        common.append("Accuracy: derivator's tests measure this entry (default parameters) in float64 on "
                      "[-800, 800]: relative error <= 1e-12 where the value is a normal double, no nan/inf "
                      "where it is finite.")
    else:
        common.append("Accuracy: not measured for this expression; the safe forms avoid overflow and "
                      "cancellation where their rules apply (README: Safe forms).")

    functions = []
    locals_, body = _with_locals(bodies.function, table, names)
    doc = [f"{call} = {sp.sstr(parts.definition)}" if parts.library is None else f"{call}, the library's own"]
    functions.append(Function("function", fname, user, locals_, body, wrap(doc + common)))

    locals_, body = _with_locals(bodies.derivative, table, names)
    doc_d = [f"d/d{xs} {call} = {sp.sstr(parts.derivative)}" if parts.order == 1
             else f"d^{parts.order}/d{xs}^{parts.order} {call} = {sp.sstr(parts.derivative)}"]
    domain_d = [c for c in _domain(parts.derivative, x) if c not in domain]
    extra = ["Defined where " + " and ".join(domain_d) + "."] if domain_d else []
    functions.append(Function("derivative", gname, user, locals_, body, wrap(doc_d + common + extra)))

    if bodies.from_output is not None and parts.output_form is not None and oname is not None:
        locals_, body = _with_locals(bodies.from_output.xreplace({y: out_symbol}), table, names)
        ys = names[out_symbol]
        doc_o = [f"The derivative from the output {ys} = {call}: {sp.sstr(parts.output_form)}",
                 f"{ys} must be what {say['function']} returned (as backprop keeps it)."]
        if not parts.output_form.has(sp.Piecewise):
            doc_o.append(f"Its accuracy is that of {ys}: where {ys} has rounded to a limit of the function "
                       f"(sigmoid -> 1, tanh -> +-1 for large |{xs}|) the slope is lost; {say['derivative']}({xs}) is accurate there.")
        functions.append(Function("from_output", oname, (out_symbol, *parts.params), locals_, body, wrap(doc_o)))
    return Module(parts, tuple(functions), names, table)
