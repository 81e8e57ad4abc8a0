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
        return self.verification is not None and self.verification.ok and self.verification.method is not None


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

    @property
    def all_steps(self) -> list[Step]:
        return self.steps + self.output_steps

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.all_steps) and bool(self.final_check and self.final_check.ok)

    # Jupyter display. JupyterLab prefers markdown over latex, VS Code latex over markdown, nbconvert's
    # LaTeX export latex: both are given, and neither relies on one front end's dialect.
    def _repr_latex_(self) -> str:
        """$$\\begin{aligned}…\\end{aligned}$$: the one display form MathJax, KaTeX and LaTeX accept."""
        from derivator.present.latex import render_latex

        return "$$\n" + render_latex(self) + "\n$$"

    def _repr_markdown_(self) -> str:
        """Jupyter's Markdown: $…$ inline and $$ + aligned display (not GitHub's $`…`$, which Jupyter
        shows with the backquotes)."""
        from derivator.present.flavors.jupyter import render

        return render(self)
