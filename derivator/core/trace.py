"""The recorded proof: Step and Derivation, and their JSON form.

A derivation is a chain of equalities  f'(x) = e_0 = e_1 = … = e_n. Each Step holds the expression before
and after one rule or rewrite, the rule's id (its words live in i18n/, never here), the rule's parameters
(u, the outer and inner derivative, the term added and subtracted, …) and how the step was verified.
Expressions may hold display structure (UnevaluatedExpr, unevaluated Derivative for "still to do");
`.doit()` removes it, so every step can be checked by SymPy independently of derivator's rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derivator.core.display import display_renderer
from derivator.core.errors import UnsupportedError
from derivator.core.step_ids import StepId

SCHEMA_VERSION = 1


@dataclass
class Verification:
    """How a step was checked. `method` is None when it could not be."""

    ok: bool
    method: str | None  # "symbolic", "numeric", "symbolic+numeric" or None
    points: int = 0
    counterexample: dict[str, str] | None = None
    note: str | None = None


@dataclass
class Step:
    rule: str
    before: sp.Expr
    after: sp.Expr
    params: dict[str, Any] = field(default_factory=dict)
    substeps: list["Step"] = field(default_factory=list)
    verification: Verification | None = None

    @property
    def verified(self) -> bool:
        # a part no rule covers is never shown as verified, whatever a checker wrote into it
        if self.rule == StepId.DONT_KNOW:
            return False
        return self.verification is not None and self.verification.ok and self.verification.method is not None


def walk(steps: list[Step]) -> list[Step]:
    """Every step and sub-step, in reading order."""
    out: list[Step] = []
    for step in steps:
        out.append(step)
        out += walk(step.substeps)
    return out


@dataclass
class Kink:
    """A point where the derivative has different one-sided values."""

    at: sp.Expr
    left: sp.Expr
    right: sp.Expr
    convention: str
    value: sp.Expr | None  # the value derivator uses there (None: undefined)
    jump: bool = False  # f itself is discontinuous here
    source: str = ""  # where the convention comes from (PyTorch's backward formula, or the user)
    source_ja: str = ""  # the same in Japanese


class ParameterSymbol(sp.Symbol):
    """A catalog entry's parameter kept symbolic (α, λ, hardtanh's a and b): a constant whose assumptions
    decide where its cases change, so regions may be cut at it (x = λ). A symbol in typed input is no
    such constant: Max(x, β) keeps having no rule there (its kink moves with β, unassumed)."""


@dataclass
class Parameter:
    """A catalog parameter as the derivation uses it: a symbol (α > 0), or the exact value given."""

    name: str  # the catalog's name (negative_slope), as --param takes it
    symbol: sp.Symbol  # how it is written (α), with its assumption (positive=True)
    default: str  # the source's default, as the source writes it ("1.0507009873554804934193349852946")
    source: str  # whose default it is ("PyTorch")
    value: sp.Expr | None = None  # the exact value substituted (--param alpha=0.2 → 1/5); None: symbolic
    given: str = ""  # the value as the user typed it ("0.2")
    default_value: sp.Expr | None = None  # the default, exact (what a plot of a symbolic derivation uses)


@dataclass
class Lemma:
    """A result another derivation cites, e.g. σ'(u) = σ(u)(1-σ(u))."""

    name: str
    statement_lhs: sp.Expr
    statement_rhs: sp.Expr
    derivation: "Derivation | None" = None


@dataclass
class Derivation:
    input: str
    variable: sp.Symbol
    function: sp.Expr  # f(x) as named: sigma(x), or the expression itself
    definition: sp.Expr  # f(x) written out
    steps: list[Step]
    derivative: sp.Expr
    output_form: sp.Expr | None = None
    output_steps: list[Step] = field(default_factory=list)
    output_symbol: sp.Symbol = field(default_factory=lambda: sp.Symbol("y", real=True))
    kinks: list[Kink] = field(default_factory=list)
    lemmas: list[Lemma] = field(default_factory=list)
    final_check: Verification | None = None  # derivative vs sympy.diff of the definition
    output_check: Verification | None = None  # output form with y = f(x) vs sympy.diff
    name: str | None = None  # catalog name, if any
    order: int = 1
    parameters: list[Parameter] = field(default_factory=list)  # a catalog entry's, in its order

    @property
    def all_steps(self) -> list[Step]:
        return self.steps + self.output_steps

    @property
    def default_values(self) -> dict[sp.Symbol, sp.Expr]:
        """Each parameter kept symbolic → its source's default: where a number is needed (a plot, code's
        default arguments, a numeric reference), the derivation is taken there."""
        return {p.symbol: p.default_value for p in self.parameters if p.value is None and p.default_value is not None}

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.all_steps) and bool(self.final_check and self.final_check.ok)

    @property
    def unknown_parts(self) -> list[sp.Expr]:
        """The sub-expressions no rule covers, in the order the trace reached them (empty: complete)."""
        return [s.params["part"] for s in walk(self.steps) if s.rule == StepId.DONT_KNOW]

    @property
    def partial(self) -> bool:
        """Some part has no rule: the steps are kept, and the derivative still holds that part's d/dx."""
        return bool(self.unknown_parts)

    def require_complete(self) -> None:
        """For uses that need the whole derivative (code, plots, facts, documents): the "don't know" as
        the one-line error derivator gave before partial derivations were kept."""
        if self.partial:
            raise UnsupportedError(no_rule_for(self.unknown_parts[0]),
                                   hint="derivator stops here instead of guessing; please report the expression")

    # Jupyter display. JupyterLab prefers markdown over latex, VS Code latex over markdown, nbconvert's
    # LaTeX export latex: both are given, and neither relies on one front end's dialect.
    # (None: no renderer registered, Jupyter then shows the plain repr)
    def _repr_latex_(self) -> str | None:
        """$$\\begin{aligned}…\\end{aligned}$$: the one display form MathJax, KaTeX and LaTeX accept."""
        render = display_renderer()
        return None if render is None else "$$\n" + render(self, "latex", "en") + "\n$$"

    def _repr_markdown_(self) -> str | None:
        """Jupyter's Markdown: $…$ inline and $$ + aligned display (not GitHub's $`…`$, which Jupyter
        shows with the backquotes)."""
        render = display_renderer()
        return None if render is None else render(self, "markdown", "en", flavor="jupyter")


def no_rule_for(part: sp.Expr) -> str:
    """The one-line "don't know" for a part without a rule (the CLI's error line names it the same way)."""
    return f"no differentiation rule for {type(part).__name__} in {sp.sstr(part)}"
