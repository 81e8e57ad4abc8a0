"""What `derivator check` found: one ClaimResult per equation link, in source order.

Words are not stored here: a Note is a message key plus parameters (LaTeX strings, line numbers), so
every renderer can say it in English or Japanese (derivator/i18n/check_{en,ja}.toml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from derivator.core.display import display_renderer

STATUSES = ("ok", "wrong", "unchecked")


@dataclass
class Note:
    """A diagnosis, a reason for leaving a line unchecked, or a remark; `kind` is a message key."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ClaimResult:
    line: int  # 1-based line of the source where this link's right-hand side stands
    text: str  # the source text of the link, as written
    status: str  # "ok" | "wrong" | "unchecked"
    kind: str = "claim"  # "claim" | "definition" | "restatement" | "condition" (i = j, x = 0.5: not a claim)
    follows: bool | None = None  # does it follow from the line before? None: no line before, or unknown
    previous_line: int | None = None  # the line "follows" refers to
    expected: str | None = None  # LaTeX of the correct value, for a wrong claim
    counterexample: dict[str, str] | None = None
    diagnosis: Note | None = None
    reason: Note | None = None  # why unchecked
    notes: list[Note] = field(default_factory=list)
    method: str | None = None  # how it was decided: "symbolic+numeric", "numeric", "symbolic"
    expected_value: Any = field(default=None, repr=False, compare=False)  # the SymPy value behind `expected`
    read_as: str | None = None  # LaTeX of the right-hand side as it was read (echoed, as STACK does)
    read_value: Any = field(default=None, repr=False, compare=False)  # the SymPy value behind `read_as`

    @property
    def is_error(self) -> bool:
        return self.status == "wrong" or self.follows is False


@dataclass
class CheckReport:
    file: str
    claims: list[ClaimResult] = field(default_factory=list)
    error: str | None = None  # the input could not be read at all (exit code 2)

    @property
    def ok(self) -> bool:
        return self.error is None and not any(c.is_error for c in self.claims)

    @property
    def first_error_line(self) -> int | None:
        lines = [c.line for c in self.claims if c.is_error]
        return min(lines) if lines else None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2
        return 0 if self.ok else 1

    # Jupyter display, as a Derivation's (core/display.py): the report in Jupyter's Markdown ($…$, $$)
    def _repr_markdown_(self) -> str | None:
        render = display_renderer()
        return None if render is None else render(self, "markdown", "en", flavor="jupyter")

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for c in self.claims:
            out[c.status] += 1
        out["not_following"] = sum(1 for c in self.claims if c.follows is False)
        out["total"] = len(self.claims)
        return out
