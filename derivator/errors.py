"""The one error type users see: what went wrong, where, and what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DerivatorError(Exception):
    """A failure caused by the input, reported as one line and exit code 2."""

    what: str
    where: str | None = None
    hint: str | None = None
    exit_code: int = 2

    def __str__(self) -> str:
        parts = [self.what]
        if self.where:
            parts.append(f"at {self.where}")
        line = " ".join(parts)
        if self.hint:
            line += f" — {self.hint}"
        return line


class ParseError(DerivatorError):
    """The text could not be read as an expression."""


class UnsupportedError(DerivatorError):
    """The input was read but no rule covers it: derivator says so instead of guessing."""
