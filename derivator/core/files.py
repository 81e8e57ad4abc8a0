"""The one atomic writer: every file derivator writes (outputs, documents, figures, notebooks) goes here.

- `atomic_write_text`: a temporary file in the target's own directory, flushed (and fsynced), then
  `os.replace`d over the target: a reader, a crash or a full disk never leaves a half-written file.
  An existing target keeps its permission bits; a symlink keeps pointing where it pointed.
  Only a regular file (or no file) is ever replaced: a character device (/dev/null, a terminal) or a
  FIFO is opened and written in place, anything else (a block device, a socket) is refused — as root,
  replacing /dev/null with a regular file would break the machine.

It lives in core (not with the command line's file handling in app/fsutil) because publish/ writes
documents and figures, and a layer may only import the layers below it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from pathlib import Path

from derivator.core.errors import DerivatorError


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", durable: bool = True) -> None:
    """Write text to path atomically; `durable` also fsyncs before the rename."""
    atomic_write_bytes(path, text.encode(encoding), durable=durable)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> None:
    name = os.fspath(path)
    try:
        existing = os.stat(name)  # through symlinks: what would be written to
    except FileNotFoundError:
        existing = None
    except OSError as err:
        raise DerivatorError(f"cannot write to {name!r}: {err.strerror}") from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _write_in_place(name, existing.st_mode, data)
        return
    target = Path(os.path.realpath(name))  # through symlinks: replace the file, not the link
    mode = existing.st_mode & 0o7777 if existing is not None else _new_file_mode()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:64]}.", suffix=".tmp")
    except OSError as err:
        raise DerivatorError(f"cannot write to {name!r}: {err.strerror}", hint="check that the folder exists and is writable") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes 0600; keep what the file had, or what a new file would get
        _refuse_if_not_regular(target, name)  # it may have been swapped for a device since the stat
        os.replace(tmp, target)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise DerivatorError(f"cannot write to {name!r}: {err.strerror}") from None
        raise


def _refuse_if_not_regular(target: Path, name: str) -> None:
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise DerivatorError(f"cannot write to {name!r}: it changed into {_kind(mode)} while being written",
                             hint="name a regular file")


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return kind
    return "a special file"


def _write_in_place(name: str, mode: int, data: bytes) -> None:
    """Write to a character device or a FIFO the way a shell's `>` would, without creating, truncating
    or replacing anything; other non-regular files are refused."""
    if stat.S_ISDIR(mode):
        raise DerivatorError(f"cannot write to {name!r}: it is a directory", hint="name a file")
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise DerivatorError(f"cannot write to {name!r}: it is {_kind(mode)}",
                             hint="derivator writes regular files, character devices such as /dev/null, and FIFOs")
    try:
        # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of waiting forever
        fd = os.open(name, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise DerivatorError(f"cannot write to {name!r}: it is a FIFO that nobody reads",
                                 hint="start the reader first, or write to stdout with -o -") from None
        raise DerivatorError(f"cannot write to {name!r}: {err.strerror}") from None
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as err:
        raise DerivatorError(f"cannot write to {name!r}: {err.strerror}") from None
    finally:
        os.close(fd)
