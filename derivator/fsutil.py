"""Files: reading never changes or loses anything, and writing is all or nothing.

- `atomic_write_text`: a temporary file in the target's own directory, flushed (and fsynced), then
  `os.replace`d over the target: a reader, a crash or a full disk never leaves a half-written file.
  An existing target keeps its permission bits; a symlink keeps pointing where it pointed.
- `refuse_overwriting_input`: `--output` may not name one of the files being read.
- `read_input`: a text file (or stdin as "-") read for `check`, with one-line errors for what is not
  text: binary data, NUL bytes, invalid UTF-8 (with the line and column of the first bad byte), sizes
  past a limit. Nothing here ever opens an input for writing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from derivator.errors import DerivatorError

MAX_INPUT_BYTES = 5 * 1024**2  # a long lecture-notes file is ~200 KB


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", durable: bool = True) -> None:
    """Write text to path atomically; `durable` also fsyncs before the rename."""
    atomic_write_bytes(path, text.encode(encoding), durable=durable)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> None:
    target = Path(os.path.realpath(path))  # through symlinks: replace the file, not the link
    if target.is_dir():
        raise DerivatorError(f"cannot write to {os.fspath(path)!r}: it is a directory", hint="name a file")
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _new_file_mode()
    except OSError as err:
        raise DerivatorError(f"cannot write to {os.fspath(path)!r}: {err.strerror}") from None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise DerivatorError(f"cannot write to {os.fspath(path)!r}: {err.strerror}", hint="check that the folder exists and is writable") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes 0600; keep what the file had, or what a new file would get
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise DerivatorError(f"cannot write to {os.fspath(path)!r}: {err.strerror}") from None
        raise


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_overwriting_input(output: str | os.PathLike | None, inputs: list[str | os.PathLike]) -> None:
    """Raise when --output names (or links to) one of the files being read."""
    if output is None:
        return
    for source in inputs:
        if os.fspath(source) != "-" and same_file(output, source):
            raise DerivatorError(
                f"--output {os.fspath(output)!r} is the input file {os.fspath(source)!r}",
                hint="derivator never writes to what it reads; choose another output file",
            )


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return f"line {line}, column {column}"


def decode_input(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped), or a one-line error saying what the data is and where."""
    if len(data) > MAX_INPUT_BYTES:
        raise DerivatorError(
            f"{name}: file too large (over {MAX_INPUT_BYTES} bytes)", f"byte {MAX_INPUT_BYTES + 1}", "split it into smaller files"
        )
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise DerivatorError(f"{name}: binary file (NUL byte)", _position(data, offset), "give a text file: Markdown, LaTeX or plain text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DerivatorError(
            f"{name}: not UTF-8 text (byte 0x{data[err.start]:02x})",
            _position(data, err.start),
            "save the file as UTF-8",
        ) from None


def read_input(path: str | os.PathLike) -> str:
    """The text of a file to read (never to write), or of stdin for '-'."""
    name = os.fspath(path)
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        return decode_input(data, "<stdin>")
    try:
        if os.path.isdir(name):
            raise DerivatorError(f"{name}: is a directory", hint="give a file, or a shell glob such as posts/*.md")
        with open(name, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise DerivatorError(f"{name}: no such file") from None
    except OSError as err:
        raise DerivatorError(f"{name}: cannot read ({err.strerror})") from None
    return decode_input(data, name)
