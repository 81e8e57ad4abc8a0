"""Files: reading never changes or loses anything, and writing is all or nothing.

- `atomic_write_text`, `atomic_write_bytes`: the one atomic writer (derivator.core.files, where the
  document and figure writers below the app layer reach it too).
- `write_output_text`: `--output`, where None and "-" mean stdout.
- `refuse_overwriting_input`: `--output` may not name one of the files being read.
- `read_input`: a text file (or stdin as "-") read for `check`, with one-line errors for what is not
  text: binary data, NUL bytes, invalid UTF-8 (with the line and column of the first bad byte), sizes
  past a limit. Nothing here ever opens an input for writing.
"""

from __future__ import annotations

import os
import stat
import sys

from derivator.core.errors import DerivatorError
from derivator.core.files import atomic_write_bytes, atomic_write_text  # noqa: F401  (re-exported)

MAX_INPUT_BYTES = 5 * 1024**2  # a long lecture-notes file is ~200 KB


def write_output_text(path: str | os.PathLike | None, text: str) -> None:
    """`--output`: stdout for None or "-", else the file, atomically (a newline is added if missing)."""
    text = text if text.endswith("\n") else text + "\n"
    if path is None or os.fspath(path) == "-":
        _refuse_unencodable(text)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    atomic_write_text(path, text)


def _refuse_unencodable(text: str) -> None:
    """Output in an encoding that cannot hold it (PYTHONIOENCODING=ascii) is refused in one line, not
    written with some characters replaced: a JSON or LaTeX file with '?' for σ would be wrong, silently."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except LookupError:
        return
    except UnicodeEncodeError as err:
        raise DerivatorError(f"standard output's encoding ({encoding}) cannot write {text[err.start]!r}",
                             hint="set PYTHONIOENCODING=utf-8, or write to a file with --output") from None


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


# Reading a FIFO or stdin waits for whoever writes it, which is not work: it has its own bound (wall-clock
# seconds, $DERIVATOR_INPUT_TIMEOUT) and its own message, and happens before any worker's time starts.
INPUT_WAIT = 10.0
ENV_INPUT_WAIT = "DERIVATOR_INPUT_TIMEOUT"


def input_wait() -> float:
    try:
        value = float(os.environ.get(ENV_INPUT_WAIT, INPUT_WAIT))
    except ValueError:
        return INPUT_WAIT
    return value if value > 0 and value == value else INPUT_WAIT


def is_stream(path: str | os.PathLike) -> bool:
    """stdin ("-"), a FIFO or a character device: data that arrives over time, not a file on disk."""
    name = os.fspath(path)
    if name == "-":
        return True
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def read_stream(path: str | os.PathLike, *, limit: int = MAX_INPUT_BYTES, wait: float | None = None) -> bytes:
    """Up to limit + 1 bytes of stdin or a FIFO, until its end, for at most `wait` seconds in all."""
    import select
    import time

    name = os.fspath(path)
    label = "<stdin>" if name == "-" else name
    wait = input_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    if name == "-":
        fd, owned = sys.stdin.fileno(), False
    else:
        try:
            # O_NONBLOCK: opening a FIFO nobody writes to would block right here
            fd, owned = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)), True
        except OSError as err:
            raise DerivatorError(f"{label}: cannot read ({err.strerror})") from None
    if name == "-" and os.isatty(fd):
        deadline = float("inf")  # someone is typing: they end the input (Ctrl-D) or the command (Ctrl-C)
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], None if left == float("inf") else max(left, 0))[0] if left > 0 else []
            if not ready:
                raise DerivatorError(f"{label}: no end of input after {wait:g} s of waiting",
                                     hint=f"give a file, or close the pipe; ${ENV_INPUT_WAIT} sets how long to wait")
            try:
                chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            except BlockingIOError:
                continue
            if not chunk:
                if owned and not chunks and time.monotonic() < deadline:
                    # a FIFO opened before its writer: EOF now means "nobody yet", not "the end"
                    time.sleep(0.05)
                    continue
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise DerivatorError(f"{label}: cannot read ({err.strerror})") from None
    finally:
        if owned:
            os.close(fd)
    return b"".join(chunks)

