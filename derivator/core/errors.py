"""Every error derivator raises on purpose, in one module: what went wrong, where, and what to do.

Plain exceptions whose constructor arguments are their `args`, so they pickle: the sandbox sends
them from its worker process as they are.
"""

from __future__ import annotations


class DerivatorError(Exception):
    """A failure caused by the input, reported as one line and exit code 2."""

    def __init__(self, what: str, where: str | None = None, hint: str | None = None, exit_code: int = 2) -> None:
        super().__init__(what, where, hint, exit_code)
        self.what = what
        self.where = where
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        parts = [self.what]
        if self.where:
            parts.append(f"at {self.where}")
        line = " ".join(parts)
        if self.hint:
            line += f" — {self.hint}"
        return line

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.args == self.args  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.args))


class ParseError(DerivatorError):
    """The text could not be read as an expression."""


class InterpretError(ParseError):
    """The formula parsed, but its meaning could not be decided (undefined derivative, …)."""


class UnsupportedError(DerivatorError):
    """The input was read but no rule covers it: derivator says so instead of guessing."""


class LimitError(DerivatorError):
    """The work on this input hit a time or memory limit."""


class PartialDerivationError(UnsupportedError):
    """No rule covers a part of the input, but the rest was derived: `output` is that partial derivation,
    rendered (None when it went to the terminal already). The CLI prints it, then this error, exit code 2."""

    def __init__(self, what: str, where: str | None = None, hint: str | None = None, exit_code: int = 2,
                 output: str | None = None) -> None:
        super().__init__(what, where, hint, exit_code)
        self.output = output
        self.args = (what, where, hint, exit_code, output)  # all of it, so it pickles whole
