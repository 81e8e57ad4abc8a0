"""What every renderer says about a step: its rule name and its sentence, with math in the format's
own inline form (LaTeX for documents, Unicode for terminals)."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import sympy as sp

from derivator.i18n import lookup, narrate, rule_name, t
from derivator.core.step_ids import StepId
from derivator.core.printing import to_latex, to_unicode
from derivator.core.trace import Derivation, Parameter, ParameterSymbol, Step

Math = Callable[[sp.Expr], str]


class Formula(sp.Symbol):
    """A textbook formula quoted in a sentence ((fg)' = f'g + fg'), typeset by whichever printer."""

    def __new__(cls, tex: str, text: str):
        obj = super().__new__(cls, text)
        obj.tex = tex
        return obj

    def _latex(self, printer) -> str:
        return self.tex

    def _unicode_str(self, printer) -> str:
        return self.name


# the rule each sentence quotes, as {formula}
RULE_FORMULAS = {
    "product": Formula(r"(fg)' = f'g + fg'", "(fg)' = f'g + fg'"),
    "quotient": Formula(r"\left(\frac{f}{g}\right)' = \frac{f'g - fg'}{g^{2}}", "(f/g)' = (f'g - fg')/g²"),
    "power": Formula(r"(x^{n})' = n x^{n-1}", "(xⁿ)' = n xⁿ⁻¹"),
    "general_power": Formula(r"(f^{g})' = f^{g}\left(g' \log f + \frac{g f'}{f}\right)", "(f^g)' = f^g (g' log f + g f'/f)"),
    "exp": Formula(r"(e^{x})' = e^{x}", "(eˣ)' = eˣ"),
    "log": Formula(r"(\log x)' = \frac{1}{x}", "(log x)' = 1/x"),
    "erf": Formula(r"(\operatorname{erf} u)' = \frac{2}{\sqrt{\pi}} e^{-u^{2}}", "(erf u)' = (2/√π) e^(-u²)"),
    "abs": Formula(r"|x|' = \frac{x}{|x|}", "|x|' = x/|x|"),
}


def _param_text(key: str, value, math: Math, lang: str) -> str:
    if key == "rules" and isinstance(value, list):
        return t("ui.list_sep", lang).join(rule_name(r, lang) for r in value)
    if key == "convention":  # one convention, or those of all kinks as the step records them: "left, right"
        return t("ui.list_sep", lang).join(t(f"convention.{name}", lang) for name in str(value).split(", "))
    if key == "lemma" and isinstance(value, sp.Expr):
        return math(value)
    if isinstance(value, sp.Basic):
        return math(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_param_text(key, v, math, lang) for v in value)
    return str(value)


def _lemma_statement(step: Step) -> sp.Expr:
    """What a cited lemma says, as an equation: d/dx σ(x) = σ(x)(1 − σ(x)), not its right side alone."""
    lemma = step.params.get("lemma")
    if isinstance(lemma, sp.Expr) and not isinstance(lemma, sp.Eq) and isinstance(step.before, sp.Derivative):
        return sp.Eq(step.before, lemma, evaluate=False)
    return lemma


def _rules_text(step: Step, math: Math, lang: str) -> str:
    """The rules of a step done in one line; a lemma among them is cited with its statement."""
    lemmas = [s for s in step.substeps if s.rule == StepId.LEMMA]
    names = []
    for rule in step.params["rules"]:
        if rule == StepId.LEMMA and lemmas:
            names += [t("ui.lemma_cited", lang, lemma=math(_lemma_statement(s))) for s in lemmas]
        else:
            names.append(rule_name(rule, lang))
    return t("ui.list_sep", lang).join(names)


def _kink_params(step: Step, math: Math, lang: str) -> dict[str, str]:
    """Both one-sided derivatives at each kink and the value the convention picks ("left", "right")."""
    sides = step.params.get("sides") or []
    convention = str(step.params.get("convention", ""))
    # one convention, or those of all kinks as the step records them ("left, right"), each in words
    words = t("ui.list_sep", lang).join(lookup(f"facts.convention.{name}", lang) or name for name in convention.split(", "))

    def each(i: int) -> str:
        return ", ".join(math(side[i]) for side in sides)

    # the variable is what the cases are conditions on, less the catalog's parameters (x, not λ at x = λ;
    # not a at x = a when the step speaks of one kink of hardtanh's two; not α in α·eˣ either)
    conditions = [c for pw in step.before.atoms(sp.Piecewise) for _, c in pw.args]
    positions = set().union(*(sp.sympify(side[0]).free_symbols for side in sides))
    candidates = {s for c in conditions for s in c.free_symbols if not isinstance(s, ParameterSymbol)} - positions
    x = min(candidates or step.after.free_symbols, key=str, default=sp.Symbol("x"))
    x_at = ", ".join(math(sp.Eq(x, side[0], evaluate=False)) for side in sides)
    return {"x_at": x_at, "left": each(1), "right": each(2), "value": each(3), "convention": words}


def _each_kink(step: Step, lang: str, math: Math) -> str:
    """Several kinks in one step, one sentence each: "at −1 … left; at 1 … right", not a row of values
    to pair up by position."""
    sides = step.params["sides"]
    conventions = str(step.params.get("convention", "")).split(", ")
    conventions += conventions[-1:] * (len(sides) - len(conventions))
    return t("ui.sentence_sep", lang).join(
        say(replace(step, params={**step.params, "sides": [side], "convention": convention}), lang, math)
        for side, convention in zip(sides, conventions))


def say(step: Step, lang: str, math: Math) -> str:
    if step.rule == StepId.KINK and len(step.params.get("sides") or []) > 1:
        return _each_kink(step, lang, math)
    params = {k: _param_text(k, v, math, lang) for k, v in step.params.items()}
    if isinstance(step.params.get("rules"), list):
        params["rules"] = _rules_text(step, math, lang)
    if step.rule == StepId.LEMMA and step.params.get("lemma") is not None:
        params["lemma"] = math(_lemma_statement(step))
    if step.rule == StepId.KINK and step.params.get("sides"):
        params.update(_kink_params(step, math, lang))
    params.setdefault("after", math(step.after))
    if step.rule in RULE_FORMULAS:
        params["formula"] = math(RULE_FORMULAS[step.rule])
    raw = step.params
    # an equation is one piece of math, never two glued by a bare "="
    if isinstance(raw.get("function"), sp.Basic) and isinstance(raw.get("definition"), sp.Basic):
        pair = (raw["definition"], raw["function"]) if step.rule in (StepId.REWRITE_FOLD, StepId.REWRITE_RECOGNISE) else (raw["function"], raw["definition"])
        params["statement"] = math(sp.Eq(*pair, evaluate=False))
    if isinstance(raw.get("u"), sp.Basic) and isinstance(raw.get("inner"), sp.Basic):
        params["substitution"] = math(sp.Eq(raw["u"], raw["inner"], evaluate=False))
        if step.rule == StepId.CHAIN and raw.get("names"):  # u₂ = sin(u₁) is read after u₁ = x² is said
            params["substitution"] = t("ui.list_sep", lang).join(math(n) for n in raw["names"])
    try:
        return narrate(step.rule, lang, **params)
    except (KeyError, IndexError):
        if "rules" in raw:  # several derivatives of one kind in one line (x² + x³): no single n to name
            return narrate(StepId.ELEMENTARY, lang, **params)
        return rule_name(step.rule, lang)


def _equation(symbol: sp.Symbol, *values: str | sp.Expr) -> Formula:
    """α = 0.2 = 1/5: a parameter and its values, each as written (a default's digits as the source gives them)."""
    tex = " = ".join([to_latex(symbol), *(v if isinstance(v, str) else to_latex(v) for v in values)])
    text = " = ".join([to_unicode(symbol), *(v if isinstance(v, str) else to_unicode(v) for v in values)])
    return Formula(tex, text)


def _assumption(symbol: sp.Symbol) -> sp.Basic:
    """What the derivation assumes of a parameter kept symbolic: α > 0, a < 0, a ≠ 0 or a ∈ ℝ."""
    if symbol.is_positive:
        return sp.StrictGreaterThan(symbol, 0, evaluate=False)
    if symbol.is_negative:
        return sp.StrictLessThan(symbol, 0, evaluate=False)
    if symbol.is_nonzero:
        return sp.Ne(symbol, 0, evaluate=False)
    return Formula(rf"{to_latex(symbol)} \in \mathbb{{R}}", f"{to_unicode(symbol)} ∈ ℝ")


def parameter_statement(p: Parameter) -> sp.Basic:
    """What a parameter is in this derivation: its assumption kept symbolic (α > 0), or its value given
    (α = 0.2 = 1/5: the value as typed, as PyTorch's documentation writes it, and the exact one every
    formula uses — the fraction only where it is short: 34 digits over 10^31 say nothing the decimal does not)."""
    if p.value is None:
        return _assumption(p.symbol)
    typed = p.given.strip()
    short = isinstance(p.value, sp.Rational) and p.value.q < 1000
    shown = [typed, p.value] if typed and typed != to_unicode(p.value) and _is_decimal(typed) and short else [p.value]
    return _equation(p.symbol, *shown)


def parameter_note(p: Parameter, lang: str, math: Math, escape: Callable[[str], str] = str) -> str:
    """The words after a parameter's statement: "kept as a symbol (PyTorch default: α = 0.01)"."""
    key = "ui.param_kept" if p.value is None else "ui.param_as_given"
    return t(key, lang, source=escape(p.source), default=math(_equation(p.symbol, p.default)))


def _parameter_row(p: Parameter, lang: str, math: Math, escape: Callable[[str], str]) -> str:
    key = "ui.param_symbolic" if p.value is None else "ui.param_given"
    return t(key, lang, statement=math(parameter_statement(p)), note=parameter_note(p, lang, math, escape))


def _is_decimal(text: str) -> bool:
    return text.lstrip("+-").replace(".", "", 1).isdigit()


def parameters_line(d: Derivation, lang: str, math: Math, escape: Callable[[str], str] = str) -> str | None:
    """"Parameters: α > 0 (PyTorch default: α = 1)": once per derivation of a catalog entry with parameters;
    `escape` makes the plain words (a source's name) safe in the format."""
    if not d.parameters:
        return None
    rows = [_parameter_row(p, lang, math, escape) for p in d.parameters]
    return f"{t('ui.parameters', lang)}: " + t("ui.param_sep", lang).join(rows)


def status(d: Derivation, lang: str) -> str:
    """The closing line: every step verified, some not, or a partial derivation (a part without a rule)."""
    if d.partial:
        return t("ui.partial", lang)
    return t("ui.all_verified", lang) if d.verified else t("ui.some_unverified", lang)


def verification_label(step: Step, lang: str) -> str:
    if step.verified:
        return t("ui.verified", lang)
    return t("ui.unverified", lang)


def lhs_latex(d: Derivation) -> str:
    """f'(x) as a lecturer writes it: \\sigma'(x), \\tanh''(x), or d/dx(expr) for an expression."""
    x = to_latex(d.variable)
    if isinstance(d.variable, sp.Indexed) and d.order == 1:  # a loss's gradient: ∂L/∂z_i
        return rf"\frac{{\partial {to_latex(d.function)}}}{{\partial {x}}}"
    if d.function.is_Symbol and d.function != d.variable and d.order == 1:  # a loss named L: dL/dz
        return rf"\frac{{d{to_latex(d.function)}}}{{d{x}}}"
    primes = "'" * d.order if d.order <= 3 else f"^{{({d.order})}}"
    head = to_latex(d.function)
    named = d.name is not None or (isinstance(d.function, sp.Function) and d.function.args == (d.variable,))
    if named and head.endswith(f"({x})"):
        return f"{head[: head.rfind('(')]}{primes}({x})"
    power = "" if d.order == 1 else f"^{{{d.order}}}"
    return rf"\frac{{d{power}}}{{d{x}{power}}}\left({to_latex(d.function)}\right)"


def lhs_unicode(d: Derivation) -> str:
    from derivator.core.printing import to_unicode

    if isinstance(d.variable, sp.Indexed) and d.order == 1:  # a loss's gradient: ∂L/∂zᵢ
        return f"∂{to_unicode(d.function)}/∂{to_unicode(d.variable)}"
    if d.function.is_Symbol and d.function != d.variable and d.order == 1:  # a loss named L: dL/dz
        return f"d{to_unicode(d.function)}/d{to_unicode(d.variable)}"
    primes = "′" * d.order if d.order <= 3 else f"^({d.order})"
    x = d.variable.name
    head = to_unicode(d.function)
    if isinstance(d.function, sp.Function) and d.function.args == (d.variable,) and head.endswith(f"({x})"):
        return f"{head[: head.rfind('(')]}{primes}({x})"
    return f"d/d{x}[{to_unicode(d.function)}]" if d.order == 1 else f"d^{d.order}/d{x}^{d.order}[{to_unicode(d.function)}]"


def reader_name(d: Derivation, lang: str) -> str:
    """The function as a reader of `lang` names it in a title: シグモイド関数 for sigmoid, else the
    catalog name or the expression as typed."""
    from derivator import catalog

    entry = catalog.lookup(d.name) if d.name else None
    if lang == "ja" and entry is not None and entry.title_ja:
        return entry.title_ja
    return d.name or d.input


def convention_label(kink, lang: str) -> str:
    """Which value is used at a kink and why: "left (PyTorch: …)", "undefined; f jumps here"."""
    parts = [t(f"convention.{kink.convention}", lang)]
    source = kink.source_ja if lang == "ja" else kink.source
    if source:
        parts.append(source)
    if kink.jump:
        parts.append(t("ui.jump", lang))
    return t("convention.sep", lang).join(parts)
