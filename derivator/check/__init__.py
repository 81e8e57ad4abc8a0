"""`derivator check`: judge a hand-written derivation line by line, straight from a post or a .tex file.

    report = check_file("post.md")      # or check_text(text, name)
    report.ok, report.first_error_line, report.claims

Per-file work is these two plain functions, so a batch runner (`--jobs N`) can call them in workers.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from derivator.check.report import CheckReport, ClaimResult, Note
from derivator.core.errors import DerivatorError

__all__ = ["CheckReport", "ClaimResult", "Note", "check_file", "check_text", "read_source"]

MAX_FILE_BYTES = 5_000_000


class _CallablePackage(types.ModuleType):
    """This package as `derivator.check`, which `from derivator import check` names: the package (whose
    name the import system gives the attribute whenever the package loads) and the API's function at
    once, so the name means the same whatever was imported first."""

    def __call__(self, text: str, name: str = "<text>") -> CheckReport:
        return check_text(text, name)


sys.modules[__name__].__class__ = _CallablePackage


def check_text(text: str, name: str = "<text>") -> CheckReport:
    """Judge every equation of a document given as text. Never raises for bad math: see ClaimResult."""
    from derivator.check.extract import as_written, extract_equations, one_hot_line, standard_normal_line
    from derivator.check.judge import Judge

    if "\x00" in text:
        raise DerivatorError("the input contains NUL bytes: not a text document", name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    equations = extract_equations(text, name)
    judge = Judge(one_hot=one_hot_line(text), standard_normal=standard_normal_line(text))
    claims = judge.run(equations)
    for claim in claims:
        claim.text = as_written(claim.text, claim.line, equations)
    return CheckReport(file=name, claims=claims)


def read_source(path: str) -> str:
    """The text of a file (or stdin for "-"), or a DerivatorError saying why it cannot be read."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            p = Path(path)
            if p.is_dir():
                raise DerivatorError("is a directory, not a document", path)
            with p.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DerivatorError("no such file", path) from None
    except PermissionError:
        raise DerivatorError("permission denied", path) from None
    except OSError as err:
        raise DerivatorError(f"cannot read: {err.strerror or err}", path) from None
    return decode_source(data, path)


def decode_source(data: bytes, path: str) -> str:
    """The text of a document's bytes, or a DerivatorError saying why it is not text."""
    if len(data) > MAX_FILE_BYTES:
        raise DerivatorError(f"file larger than {MAX_FILE_BYTES // 1_000_000} MB", path, "split it or check one post at a time")
    if b"\x00" in data:
        raise DerivatorError("binary file (NUL bytes), not a text document", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DerivatorError("not valid UTF-8", f"{path}, byte {err.start}", "save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_file(path: str, data: bytes | None = None) -> CheckReport:
    """Read and judge one file ("-" is stdin); `data`: its bytes, already read (from a pipe, by the
    caller). An unreadable input gives a report with `error` set."""
    name = "<stdin>" if path == "-" else path
    try:
        text = read_source(path) if data is None else decode_source(data, path)
        return check_text(text, name)
    except DerivatorError as err:
        return CheckReport(file=name, error=str(err))
