"""derive(): text or catalog name → parsed → traced → verified Derivation. The one entry point."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

import sympy as sp

from derivator import catalog
from derivator.engine import rules as R
from derivator.engine.output_form import output_form
from derivator.engine.recognise import recognitions
from derivator.engine.regions import as_regions, kink_regions, left_to_right
from derivator.engine.rewrites import Target, simplify_steps, tidy
from derivator.engine.tracer import Tracer
from derivator.core.errors import DerivatorError, ParseError
from derivator.core.functions import NamedFunction, expand_inner, named_function
from derivator.core.step_ids import StepId
from derivator.parse.syntax import syntax_of
from derivator.parse.text import parse_as_typed
from derivator.core.trace import Derivation, Kink, Lemma, Step
from derivator.verify import Domain, plain, verify_derivation

KINK_CONVENTIONS = catalog.CONVENTIONS  # the one list (derivator.catalog.model): --at-kink takes the same words
MAX_ORDER = 6


def _in_terms_of(body: sp.Expr, u: sp.Symbol) -> Callable[[sp.Expr], sp.Expr]:
    """v ↦ body with u = v: a formula in a placeholder u, as a function (a lemma, a definition)."""
    return lambda v: body.xreplace({u: v})


@lru_cache(maxsize=64)
def _lemma_derivation(name: str) -> Derivation:
    # a function cited inside another definition stands for its defaults (softplus in Mish is β = 1),
    # so its lemma is derived at them, not with the symbols `derivator softplus` keeps
    defaults = {p.name: p.default for p in catalog.get(name).params}
    return derive(name, params=defaults or None)


def _lemmas(expr: sp.Expr, exclude: str | None) -> tuple[dict, list[Lemma]]:
    """Proven derivatives of the named functions an expression uses (σ' = σ(1−σ) for Swish).

    A catalog derivation also cites SymPy's own functions that its definition is written with
    (Mish cites tanh′); a plain expression uses the table of derivatives for those.
    """
    table, cited = {}, []
    u = sp.Symbol("u", real=True)
    applied = sorted(expr.atoms(NamedFunction), key=sp.default_sort_key)
    if exclude is not None:
        applied += sorted((a for a in expr.atoms(sp.Function) if type(a) in catalog.CITED_BUILTINS), key=sp.default_sort_key)
    for application in applied:
        cls = type(application)
        entry = catalog.entry_of_function(cls)
        if cls in table or entry is None or entry.name == exclude:
            continue
        lemma = _lemma_derivation(entry.name)
        x = lemma.variable
        rhs = lemma.derivative.xreplace({x: u})
        table[cls] = _in_terms_of(rhs, u)
        cited.append(Lemma(entry.name, sp.Derivative(cls(u), u), rhs, lemma))
    return table, cited


def _targets(function: sp.Expr, definition: sp.Expr, x: sp.Symbol) -> list[Target]:
    if function == definition or not isinstance(function, sp.Function) or function.args != (x,):
        return []
    u = sp.Symbol("u", real=True)
    body = definition.xreplace({x: u})
    return [Target(type(function), _in_terms_of(body, u))]


ConventionOf = Callable[[sp.Expr], tuple[str, str, str]]  # kink position -> (convention, its source in en, ja)


def _kinks(expr: sp.Expr, x: sp.Symbol, convention_of: ConventionOf) -> tuple[list[Kink], list[tuple[sp.Expr, sp.Expr]]]:
    """(kinks, smooth joins): region boundaries where f' jumps, and those where it does not."""
    found = kink_regions(expr, x)
    if found is None:
        return [], []
    pw, regions = found
    kinks, smooth = [], []
    # a point defined on its own (sinc(0) = 1) where f is continuous: f' there is the limit of f'
    for value, cond in (pw.args if isinstance(pw, sp.Piecewise) else ()):
        if isinstance(cond, sp.Eq) and cond.lhs == x and cond.rhs.is_number:
            at = cond.rhs
            around = next((f for f, lo, hi in regions if lo < at < hi), None)
            if around is not None and sp.limit(around, x, at) == value:
                slope = sp.limit(sp.diff(around, x), x, at)
                if slope.is_finite:
                    smooth.append((at, slope))
    for (f_left, _, at), (f_right, _, _) in zip(regions, regions[1:]):
        left = sp.diff(f_left, x).subs(x, at)
        right = sp.diff(f_right, x).subs(x, at)
        continuous = sp.simplify(f_left.subs(x, at) - f_right.subs(x, at)) == 0
        if continuous and sp.simplify(left - right) == 0:
            smooth.append((at, left))  # the pieces join smoothly: f' exists there, no convention needed
            continue
        convention, source, source_ja = convention_of(at)
        # where f jumps, f' does not exist; a value is used only when a stated convention gives one
        value = {"left": left, "right": right, "mean": (left + right) / 2}.get(convention)
        kinks.append(Kink(at, left, right, convention, value, jump=not continuous, source=source,
                          source_ja=source_ja))
    return kinks, smooth


def _convention_of(entry, params: dict | None, at_kink: str | None) -> ConventionOf:
    """The user's --at-kink everywhere, else PyTorch's backward per catalog point, else undefined."""

    def convention_of(at: sp.Expr) -> tuple[str, str, str]:
        if at_kink is not None:
            return at_kink, "--at-kink", ""  # in Japanese the chosen convention needs no source
        if entry is not None:
            for position, point in catalog.breakpoints(entry, params, symbolic=True):
                # (a parameter's position, θ or −λ, is the very expression the regions found)
                if position == at or position.is_number and at.is_number and sp.simplify(position - at) == 0:
                    return point.convention, point.convention_source, point.convention_source_ja
        return "undefined", "", ""

    return convention_of


def kink_positions(name: str, params: dict | None = None) -> list[sp.Expr]:
    """Where a catalog function's derivative jumps (its kinks) at these parameter values: breakpoints
    where the pieces join smoothly (SQNL at ±2, CELU at 0, ELU at 0 with α = 1) are left out, as the
    derivation leaves them out. Cheap: the regions and one-sided derivatives only, no derivation."""
    entry = catalog.get(name)
    x = sp.Symbol("x", real=True)
    kinks, _ = _kinks(catalog.definition(entry, x, params), x, _convention_of(entry, params, None))
    return [k.at for k in kinks]


def _with_point_values(derivative: sp.Expr, points: list[tuple[sp.Expr, sp.Expr]], x: sp.Symbol) -> sp.Expr:
    """The region-by-region derivative completed with its value at boundary points, where it has one."""
    if not points:
        return derivative
    if not isinstance(derivative, sp.Piecewise):
        # one formula everywhere but at isolated points (sinc at 0): those points first
        return sp.Piecewise(*[(value, sp.Eq(x, at)) for at, value in points], (derivative, True), evaluate=False)
    pieces = [(v, c) for v, c in derivative.args if c is not sp.true]
    pieces += [(value, sp.Eq(x, at)) for at, value in points]
    return sp.Piecewise(*pieces, evaluate=False)


_DERIVATIVE_SIGN = re.compile(r"\\frac\s*\{\s*(?:d|\\partial)|\\partial|\bd\s*/\s*d|'")


def read_latex(text: str, var: str = "x") -> sp.Expr | str:
    """LaTeX as posts write it (\\frac{1}{1+e^{-x}}, 2x e^{-x}, x\\sigma(x), f(x) = x^2) → the expression,
    through the parser `derivator check` uses (never eval); a catalog function of the variable alone
    (\\sigma(x), \\operatorname{softplus}(x)) → its catalog name, so it is derived as the catalog entry, as
    `derivator sigmoid` is; SymPy's own functions stay expressions (\\tanh(x) is derived as tanh(x) is)."""
    # imported here: the LaTeX reader's tables cost a tenth of a second at start-up, for LaTeX input only
    from derivator.parse.latex import Builder, parse_latex

    try:
        expr = parse_latex(text, Builder(catalog.reading_function))
    except ParseError as err:
        if err.hint:
            raise
        # read as LaTeX because of a backslash or a brace: say so, and how to write it
        raise ParseError(f"{err.what} in the LaTeX", err.where,
                         "write it as in a post, e.g. \\frac{1}{1+e^{-x}}, or in SymPy's spelling, e.g. 1/(1+exp(-x))") from None
    if isinstance(expr, sp.Eq) and isinstance(expr.lhs, (sp.Symbol, sp.core.function.AppliedUndef)):
        expr = expr.rhs  # "f(x) = …" or "y = …": the definition's right side is the function
    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.core.relational.Relational):
        raise DerivatorError("the LaTeX is not an expression", "column 1", "write the function itself, e.g. \\frac{1}{1+e^{-x}}")
    if expr.has(sp.Derivative):  # \frac{d}{dx} x^2: the question written out, not a function to differentiate
        found = _DERIVATIVE_SIGN.search(text)
        raise DerivatorError("the LaTeX is already a derivative", f"column {found.start() + 1 if found else 1}",
                             "write the function itself, e.g. x^2: derivator differentiates it")
    x = sp.Symbol(var, real=True)
    if isinstance(expr, NamedFunction) and expr.args == (x,):
        entry = catalog.entry_of_function(type(expr))
        if entry is not None:
            return entry.name
    return expr


def resolve(text: str, var: str = "x", params: dict | None = None,
            syntax: str = "auto") -> tuple[sp.Expr, sp.Expr, sp.Symbol, str | None]:
    """(f(x) as named, its definition, x, catalog name) for a catalog name or an expression (SymPy's
    spelling or LaTeX: see derivator.parse.syntax)."""
    x = sp.Symbol(var, real=True)
    read: sp.Expr | str = read_latex(text, var) if syntax_of(text, syntax) == "latex" else text
    if not isinstance(read, str):
        if params:
            raise DerivatorError("--param applies to catalog names only", hint="write the values into the expression")
        return _expression(read, x, var)
    text = read
    entry = catalog.lookup(text)
    if entry is not None:
        # parameters not given stay symbols (α, λ, β): the derivation a lecturer writes
        definition = catalog.definition(entry, x, params, symbolic=True)
        if entry.params or entry.sympy_function is None and not entry.cite_as_function:
            u = sp.Symbol("u", real=True)
            body = definition.xreplace({x: u})
            cls = named_function(entry.name, _in_terms_of(body, u), entry.latex_name, entry.unicode_name)
        else:
            cls = catalog.function_class(entry.name)
        return cls(x), definition, x, entry.name
    if params:
        raise DerivatorError("--param applies to catalog names only", hint="write the values into the expression")
    expr, typed = parse_as_typed(text, functions=catalog.callables(), variables=(var,))
    word = text.strip()
    if isinstance(expr, sp.Symbol) and expr != x and word.isidentifier() and not _variable_like(word):
        catalog.get(word)  # a bare word that is no catalog name: "did you mean sigmoid?"
    return _expression(expr, x, var, typed)


def _variable_like(word: str) -> bool:
    """x, t, x1, x_2: a name read as a variable, not as a misspelt catalog name."""
    return re.fullmatch(r"[^\W\d_](?:_?\d+)?", word) is not None


def _expression(expr: sp.Expr, x: sp.Symbol, var: str,
                typed: sp.Expr | None = None) -> tuple[sp.Expr, sp.Expr, sp.Symbol, None]:
    """(the expression as typed, as SymPy evaluates it, x, no catalog name)."""
    if not expr.has(x):
        free = sorted(s.name for s in expr.free_symbols)
        # `derivator x --var y` asks for d/dy of x: it is 0, and the likelier wish is d/dx
        hint = (f"its derivative in {var} is 0; use --var {free[0]}" if free
                else "the expression is a constant; its derivative is 0")
        raise DerivatorError(f"the expression does not depend on {var}", hint=hint)
    return (expr if typed is None else typed), expr, x, None


def _steps_from(start: sp.Expr, proposals) -> list[Step]:
    steps, current = [], start
    for p in proposals:
        steps.append(Step(p.rule, current, p.after, p.params))
        current = p.after
    return steps


def _drop_repeats(steps: list[Step]) -> list[Step]:
    """No two consecutive lines may read the same (SymPy evaluates +1−1 away unless told not to)."""
    from derivator.core.printing import to_latex

    shown: dict[sp.Expr, str] = {}

    def latex(expr: sp.Expr) -> str:  # a line's "after" is the next line's "before": printed once
        if expr not in shown:
            shown[expr] = to_latex(expr)
        return shown[expr]

    kept: list[Step] = []
    for step in steps:
        # a part with no rule keeps its own line: it is where the derivation stops for that part
        if step.rule != StepId.DONT_KNOW and latex(step.before) == latex(step.after):
            if kept:
                kept[-1].after = step.after
            continue
        kept.append(step)
    return kept


@lru_cache(maxsize=1)
def _known_functions() -> tuple[Target, ...]:
    """Catalog functions a derivative may be recognised as (σ in softplus′, φ in GELU′)."""
    found = []
    u = sp.Symbol("u", real=True)
    for entry in catalog.entries():
        cls = catalog.function_class(entry.name)
        if not issubclass(cls, NamedFunction) or not entry.cite_as_function:
            continue
        body = catalog.definition(entry, u)
        if sp.count_ops(body) < 3 or body.has(sp.Piecewise, sp.Max, sp.Min, sp.Heaviside, sp.Abs):
            continue  # x, e^x, sin x are themselves already; cases are not recognised this way
        found.append(Target(cls, _in_terms_of(body, u)))
    return tuple(found)


# the building blocks other activations are written with; a whole activation (the Gaussian e^{-u²}) is not
# looked for in plain calculus, where its own name would only rename a textbook function
RECOGNISED = ("sigmoid", "tanh", "softplus", "normal_cdf", "normal_pdf")


@lru_cache(maxsize=1)
def _recognisable() -> tuple[Target, ...]:
    u = sp.Symbol("u", real=True)
    return tuple(Target(catalog.function_class(name), _in_terms_of(catalog.definition(catalog.get(name), u), u))
                 for name in RECOGNISED)


def _reciprocal(target: Target) -> bool:
    """1/D(u) (σ): its derivative folds back at the end by the +1−1 route, as the catalog entry's does."""
    body = target.definition(sp.Symbol("u"))
    return body.is_Pow and body.exp == -1


def _recognise(expr: sp.Expr, typed: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, list[Step], list[Target]]:
    """Typed input written in catalog functions: (the body to derive, one recorded step per function
    recognised, the targets to fold into at the end). The whole input 1/(1+e^{-2x}) is derived as the
    sigmoid is and folds to σ(2x) at the end; every other occurrence is written as g(u) first."""
    known = list(_recognisable())
    for target in known:
        if _reciprocal(target) and [r.written for r in recognitions(expr, x, [target], whole=False)] == [expr]:
            return expr, [], [target]
    body, steps, shown = expr, [], typed  # the first line shows the input as typed
    for found in recognitions(expr, x, known):
        after = body.xreplace({found.written: found.function})
        steps.append(Step(StepId.REWRITE_RECOGNISE, sp.Derivative(sp.UnevaluatedExpr(shown), x, evaluate=False),
                          sp.Derivative(sp.UnevaluatedExpr(after), x, evaluate=False),
                          {"function": found.function, "definition": shown if found.written is expr else found.written}))
        body = shown = after
    return body, steps, []


def _one_order(
    function_expr: sp.Expr,
    start_display: sp.Expr,
    body: sp.Expr,
    x: sp.Symbol,
    lemmas: dict,
    targets: list[Target],
    known: Callable[[], list[Target]] | None = None,
) -> tuple[list[Step], sp.Expr]:
    ctx = R.Context(lemmas=lemmas, taken={s.name for s in body.free_symbols})
    root = R.derive_rule(body, x, ctx)
    tracer = Tracer(x)
    start = tracer.node(root, display=start_display)
    steps, raw = tracer.run(root, start=start)
    proposals = simplify_steps(raw, x, targets, known)
    steps += _steps_from(raw, proposals)
    final = proposals[-1].after if proposals else raw
    # the lines may speak of named inner functions u_k; the derivative itself is written out in f's terms
    return steps, expand_inner(final)


OUTPUT_NAMES = ("y", "u", "v", "w")  # the output y = f(x) is called y unless the input already uses y


def output_symbol(definition: sp.Expr, x: sp.Symbol) -> sp.Symbol:
    """The symbol for f's output in the output form: y, or the first name the input does not use (a
    parameter called y would otherwise be read as the output: exp(y·x)′ = y·exp(y·x) is not y²)."""
    taken = {s.name for s in definition.free_symbols} | {x.name}
    names = [*OUTPUT_NAMES, *(f"y_{i}" for i in range(1, len(taken) + 2))]
    return sp.Symbol(next(n for n in names if n not in taken), real=True)


def derive(
    text: str,
    var: str = "x",
    *,
    order: int = 1,
    params: dict | None = None,
    at_kink: str | None = None,
    domain: Domain | None = None,
    syntax: str = "auto",
) -> Derivation:
    """Derive, trace and verify d^n/dx^n of a catalog function or an expression; `syntax` says how the
    text is spelt (auto, text, latex: derivator.parse.syntax). `Derivation.input` is the text as typed."""
    if not 1 <= order <= MAX_ORDER:
        raise DerivatorError(f"order {order} is out of range", hint=f"use 1 to {MAX_ORDER}")
    if at_kink is not None and at_kink not in KINK_CONVENTIONS:
        raise DerivatorError(f"unknown kink convention {at_kink!r}", hint=f"use one of {', '.join(KINK_CONVENTIONS)}")
    function, definition, x, name = resolve(text, var, params, syntax)
    # f as named (σ(x)) for a catalog entry; typed input is shown as typed and derived as evaluated
    named = function if name is not None else definition
    steps: list[Step] = []
    body, targets = definition, _targets(named, definition, x)
    if name is None and order == 1:
        body, steps, folds = _recognise(definition, function, x)
        targets += folds
    recognised = body  # the input as the catalog functions it was recognised as (tanh(x))
    lemma_table, cited = _lemmas(body, exclude=name)

    if order == 1:
        start_display = sp.UnevaluatedExpr(body if steps or name is not None else function)
        if name is not None and function != definition:
            steps.append(
                Step(
                    StepId.DEFINITION,
                    sp.Derivative(function, x, evaluate=False),
                    sp.Derivative(start_display, x, evaluate=False),
                    {"function": function, "definition": definition},
                )
            )
    else:
        # f^(n) = d/dx f^(n-1): the previous order is a proven lemma, and so is f' itself
        previous = derive(text, var, order=order - 1, params=params, at_kink=at_kink, domain=domain, syntax=syntax)
        first = previous if order == 2 else derive(text, var, order=1, params=params, at_kink=at_kink, domain=domain,
                                                   syntax=syntax)
        if isinstance(function, sp.Function) and function.args == (x,):
            u = sp.Symbol("u", real=True)
            rhs = first.derivative.xreplace({x: u})
            lemma_table[type(function)] = _in_terms_of(rhs, u)
        cited.append(Lemma(f"{name or text}^({order - 1})", sp.Derivative(function, (x, order - 1)), previous.derivative, previous))
        body = previous.derivative
        # f′ of typed input may speak in functions f does not (σ(2x) in (1/(1+e^{-2x}))′): their lemmas too
        more_table, more_cited = _lemmas(body, exclude=name)
        cited += [c for c in more_cited if not any(c.name == k.name for k in cited)]
        lemma_table = {**more_table, **lemma_table}
        start_display = sp.UnevaluatedExpr(body)
        steps.append(
            Step(
                StepId.PREVIOUS_ORDER,
                sp.Derivative(function, (x, order), evaluate=False),
                sp.Derivative(start_display, x, evaluate=False),
                {"order": order},
            )
        )
    def known() -> list[Target]:  # (built only if the rewrites get that far)
        return [k for k in _known_functions() if k.function is not type(function)]

    # recognising catalog functions is for derivations that speak in them, not for plain calculus
    current_steps, result = _one_order(function, start_display, body, x, lemma_table, targets, known if (name or cited) else None)
    steps += current_steps
    steps = _drop_repeats(steps)

    entry = catalog.lookup(name) if name else None
    kinks, smooth = _kinks(definition, x, _convention_of(entry, params, at_kink)) if order == 1 else ([], [])
    derivative = tidy(result)
    points = smooth + [(k.at, k.value) for k in kinks if k.value is not None]
    if points:
        positions = left_to_right(at for at, _ in points) or [at for at, _ in points]
        with_values = _with_point_values(plain(result), sorted(points, key=lambda p: positions.index(p[0])), x)
        # one convention per kink, in the order of `sides` (a set would say "left, right" at every kink)
        conventions = [k.convention for k in kinks if k.value is not None]
        if conventions:
            # both one-sided derivatives, so the narration can say what the convention chooses between
            sides = [[k.at, k.left, k.right, k.value] for k in kinks if k.value is not None]
            steps.append(Step(StepId.KINK, result, with_values,
                              {"convention": ", ".join(conventions), "at": [p[0] for p in points], "sides": sides}))
        else:  # only smooth joins (sinc at 0, SQNL at ±2): f' exists there, no convention involved
            steps.append(Step(StepId.JOINS, result, with_values, {"at": [p[0] for p in points]}))
        derivative = with_values

    d = Derivation(
        input=text,
        variable=x,
        function=function,
        definition=definition,
        steps=steps,
        derivative=derivative,
        kinks=kinks,
        lemmas=cited,
        name=name,
        order=order,
        output_symbol=output_symbol(definition, x),
        parameters=catalog.parameters(entry, params) if entry is not None else [],
    )
    y = d.output_symbol
    # a partial derivative has no form in y: the part without a rule is not a function of y we know
    found = None
    if not d.partial and recognised is not definition:  # f′ = 1 − tanh²(x) reads 1 − y² through y = tanh(x)
        found = output_form(recognised, recognised, derivative, x, y)
    if not d.partial and found is None:
        found = output_form(named, definition, derivative, x, y)
    if found is not None:
        d.output_form, d.output_steps = found
    # (a kink at a parameter, x = λ, is no fixed point to avoid: x and λ are sampled independently)
    boundaries = tuple(float(at) for at in [k.at for k in kinks] + [at for at, _ in smooth] if at.is_number)
    return verify_derivation(d, domain or Domain(avoid=boundaries, real_for=definition), _region_composition(definition, x, y))


def _region_composition(definition: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> Callable[[sp.Expr], sp.Expr] | None:
    """For f given by cases: an expression in y = f(x) written in x region by region (y = f_i(x) on each
    open region; the samples avoid the boundaries). Substituting the Piecewise f into the conditions of a
    Piecewise in y makes SymPy fold them through Boolean.as_set, seconds per entry."""
    found = as_regions(definition, x)
    if found is None:
        return None
    regions = found[1]

    def compose(expr: sp.Expr) -> sp.Expr:
        if not expr.has(y):
            return expr
        return sp.Piecewise(*[(expr.xreplace({y: f_i}), (x > lo) & (x < hi)) for f_i, lo, hi in regions])

    return compose
