"""The CLI's result cache: rendered output keyed by everything that could change it.

A key is the SHA-256 of the command, the input text, every option, derivator's version, a hash of the
contents of derivator's own source files and templates (so an edit or an upgrade is never served stale
output), and the Python, SymPy and mpmath versions. Entries live in the user cache directory
($XDG_CACHE_HOME/derivator, else ~/.cache/derivator, made 0700), one JSON file each holding its key and a
checksum, written atomically. A folder or entry that is not this user's own (another owner, writable by
others, a symlink, a FIFO, a directory) is never used; a corrupt, truncated or foreign entry is removed.
Any cache failure costs at most one warning line: the work is done again. The folder is safe to delete.

Nothing here imports SymPy: a cache hit must cost well under the import of SymPy.
DERIVATOR_NO_CACHE=1 turns the cache off.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import stat
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from derivator import __version__
from derivator.core.package_data import templates_dir

ENTRY_FORMAT = 2  # 2: the entry carries a checksum of its key and output
MAX_ENTRIES = 2_000  # pruned down to 3/4 of this, oldest first, when exceeded
MAX_ENTRY_BYTES = 8 * 1024**2
ENV_DISABLE = "DERIVATOR_NO_CACHE"
_SOURCE_SUFFIXES = (".py", ".toml", ".tex", ".j2", ".jinja", ".json", ".md", ".txt", ".sty", ".cls")


def enabled() -> bool:
    return os.environ.get(ENV_DISABLE, "") not in ("1", "true", "yes")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "derivator"


def _hash_tree(digest: "hashlib._Hash", root: str) -> None:
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__" and not entry.name.startswith("."):
                    stack.append(entry.path)
            elif entry.name.endswith(_SOURCE_SUFFIXES):
                try:
                    with open(entry.path, "rb") as handle:
                        digest.update(os.path.relpath(entry.path, root).encode("utf-8", "surrogateescape"))
                        digest.update(handle.read())
                except OSError:
                    digest.update(b"unreadable")


def _package_version(module: str) -> str:
    """A dependency's version read from its files, without importing it (importing SymPy is the cost
    the cache exists to avoid)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return "missing"
    if spec is None or not spec.origin:
        return "missing"
    folder = os.path.dirname(spec.origin)
    for name in ("release.py", "__init__.py"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read(20_000)
        except OSError:
            continue
        found = re.search(r"__version__\s*=\s*['\"]([^'\"]+)['\"]", text)
        if found:
            return found.group(1)
    return spec.origin  # unknown version: at least the location


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Everything outside the request that the output depends on."""
    digest = hashlib.sha256()
    _hash_tree(digest, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the whole package
    try:
        templates = templates_dir()
    except FileNotFoundError:
        pass  # documents will report it; derivations do not need templates
    else:
        digest.update(b"\0templates\0")
        _hash_tree(digest, str(templates))
    versions = [__version__, sys.version.split()[0], _package_version("sympy"), _package_version("mpmath")]
    digest.update("\0".join(versions).encode())
    return digest.hexdigest()


def key(command: str, text: str, options: dict[str, Any]) -> str:
    """The cache key for one request; options must be JSON-serialisable (str() is used otherwise)."""
    request = {"command": command, "input": text, "options": options, "env": fingerprint(), "format": ENTRY_FORMAT}
    blob = json.dumps(request, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


# -- the folder and its entries ----------------------------------------------------------------------------
# The folder may be shared or planted (a world-writable XDG_CACHE_HOME, a symlink left by someone else): it is
# used only when it is a real directory owned by this user and writable by nobody else, and every entry is
# opened relative to it without following symlinks, required to be a regular file of ours, and checked
# against the key and the checksum it carries. Anything else is a miss: the work is done again.
_warned = False


def _warn(what: str) -> None:
    """One line on stderr, at most once per process: the cache is only an accelerator."""
    global _warned
    if not _warned:
        _warned = True
        try:
            sys.stderr.write(f"derivator: warning: cache {what}; the result is computed without it "
                             f"(--no-cache or {ENV_DISABLE}=1 turn the cache off)\n")
        except (OSError, ValueError):
            pass


def _foreign(st: os.stat_result) -> str | None:
    """Why a file or folder may not be trusted: owned by someone else, or writable by others."""
    uid = os.getuid() if hasattr(os, "getuid") else st.st_uid
    if st.st_uid != uid:
        return f"owned by uid {st.st_uid}"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "writable by other users"
    return None


def _open_dir(create: bool) -> int | None:
    """A file descriptor of the cache folder if it can be trusted (made 0700 if missing), else None."""
    folder = cache_dir()
    try:
        if create:
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                os.mkdir(folder, 0o700)
            except FileExistsError:
                pass
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if create:
            _warn(f"folder {os.fspath(folder)!r} cannot be made")
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            _warn(f"folder {os.fspath(folder)!r} is a symbolic link")
        elif err.errno == errno.ENOTDIR:
            _warn(f"folder {os.fspath(folder)!r} is not a directory")
        else:
            _warn(f"folder {os.fspath(folder)!r} is not usable ({err.strerror})")
        return None
    why = _foreign(os.fstat(fd))
    if why:
        os.close(fd)
        _warn(f"folder {os.fspath(folder)!r} is {why}")
        return None
    return fd


def _name(entry_key: str) -> str:
    return f"{entry_key}.json"


def _checksum(entry_key: str, output: str) -> str:
    return hashlib.sha256(f"{entry_key}\0{output}".encode("utf-8", "surrogateescape")).hexdigest()


def _read_entry(folder: int, name: str) -> bytes | None:
    """The bytes of a regular file of ours, never following a symlink nor waiting on a FIFO; None if absent."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags, dir_fd=folder)
    except FileNotFoundError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _BadEntry("is not a regular file")
        why = _foreign(st)
        if why:
            raise _BadEntry(why)
        if st.st_size > MAX_ENTRY_BYTES:
            raise _BadEntry("is too large")
        chunks, left = [], MAX_ENTRY_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class _BadEntry(Exception):
    """An entry that is not what this module wrote: dropped, and the work done again."""


def _parse_entry(raw: bytes, entry_key: str) -> str:
    if len(raw) > MAX_ENTRY_BYTES:
        raise _BadEntry("is too large")
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError) as err:  # RecursionError: a planted [[[[…]]]] entry
        raise _BadEntry("is not valid JSON") from err
    if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT or entry.get("key") != entry_key:
        raise _BadEntry("is for another request or version")
    output = entry.get("output")
    if not isinstance(output, str) or entry.get("checksum") != _checksum(entry_key, output):
        raise _BadEntry("fails its checksum")
    return output


def _drop(folder: int, name: str) -> None:
    """Remove a bad entry: a file, a symlink (not its target), a FIFO, or an empty directory."""
    try:
        os.unlink(name, dir_fd=folder)
    except IsADirectoryError:
        try:
            os.rmdir(name, dir_fd=folder)
        except OSError:
            pass
    except OSError as err:
        if err.errno in (errno.EISDIR, errno.EPERM):
            try:
                os.rmdir(name, dir_fd=folder)
            except OSError:
                pass


def get(entry_key: str) -> str | None:
    """The cached output, or None: a missing, unreadable, corrupt, foreign or planted entry is a miss
    (and is removed); never an exception."""
    if not enabled():
        return None
    folder = _open_dir(create=False)
    if folder is None:
        return None
    name = _name(entry_key)
    try:
        raw = _read_entry(folder, name)
        return None if raw is None else _parse_entry(raw, entry_key)
    except (_BadEntry, OSError) as err:
        what = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        _warn(f"entry {name} {what} (removed)")
        _drop(folder, name)
        return None
    finally:
        os.close(folder)


def put(entry_key: str, output: str) -> None:
    """Store output; any failure (read-only folder, full disk, a directory in the way) costs one warning
    line at most: the cache is only an accelerator."""
    if not enabled() or len(output) > MAX_ENTRY_BYTES // 4:
        return
    folder = _open_dir(create=True)
    if folder is None:
        return
    try:
        body = json.dumps({"format": ENTRY_FORMAT, "key": entry_key, "version": __version__,
                           "checksum": _checksum(entry_key, output), "output": output}, ensure_ascii=False)
        _write_entry(folder, _name(entry_key), body.encode("utf-8", "surrogateescape"))
        _prune(folder)
    except OSError as err:
        _warn(f"entry not stored ({err.strerror or err})")
    finally:
        os.close(folder)


def _write_entry(folder: int, name: str, data: bytes) -> None:
    """A new file of our own (O_EXCL, never through a symlink), renamed over the entry: a planted symlink
    is replaced, not followed."""
    tmp = f".{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600,
                 dir_fd=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=folder)
        except OSError:
            pass
        raise


def clear() -> int:
    """Remove every entry; returns how many were removed."""
    folder = _open_dir(create=False)
    if folder is None:
        return 0
    removed = 0
    try:
        for name in os.listdir(folder):
            if name.endswith((".json", ".tmp")):
                try:
                    os.unlink(name, dir_fd=folder)
                    removed += 1
                except OSError:
                    pass
    finally:
        os.close(folder)
    return removed


def _prune(folder: int) -> None:
    names = [n for n in os.listdir(folder) if n.endswith(".json")]
    if len(names) <= MAX_ENTRIES:
        return

    def age(name: str) -> float:
        try:
            return os.stat(name, dir_fd=folder, follow_symlinks=False).st_mtime
        except OSError:
            return 0.0

    names.sort(key=age)
    for name in names[: len(names) - MAX_ENTRIES * 3 // 4]:
        _drop(folder, name)


# -- the command line's fast path ------------------------------------------------------------------------
# A repeated `derivator NAME --format latex` is answered before the CLI framework parses anything: the
# literal arguments are a second key for the same output. Nothing about the options' meaning is copied
# here: two spellings of one request are two entries, and an option this code does not know is part of
# the key like any other word, so a hit is always the output of the very same command line.
_REQUEST_ONLY = {"--timeout", "--max-memory"}  # limits: they decide whether the work finishes, not its output
_OUTPUT = {"--output", "-o"}
_NOT_SERVED = {"--help", "-h", "--version", "--no-cache"}
_remembered: list[str] | None = None


def argv_request(args: list[str]) -> tuple[str, str | None] | None:
    """(key of a derive command line, its --output) or None when that line's output is not cacheable
    (another command, terminal output, --no-cache, --help)."""
    if not args or args[0] != "derive":
        return None
    kept, output, fmt, i, rest = [], None, "terminal", 1, args[1:]
    while i < len(args):
        token = args[i]
        if token == "--":
            kept += args[i:]
            break
        if token in _NOT_SERVED:
            return None
        name, eq, value = token.partition("=")
        short_output = token.startswith("-o") and not token.startswith("--") and len(token) > 2
        if name in _OUTPUT or name in _REQUEST_ONLY or short_output:
            if short_output:
                value, eq = token[2:], "="
            elif not eq:
                i += 1
                value = args[i] if i < len(args) else ""
            if name in _OUTPUT or short_output:
                output = value
            i += 1
            continue
        if name in ("--format", "-f"):
            fmt = value if eq else (args[i + 1] if i + 1 < len(args) else "")
        elif token.startswith("-f") and len(token) > 2 and not token.startswith("--"):
            fmt = token[2:]
        kept.append(token)
        i += 1
    if fmt == "terminal" and output is None or not rest:
        return None  # rich output depends on the terminal it goes to
    return key("derive-argv", "", {"argv": kept}), output


def serve(args: list[str]) -> bool:
    """Answer a derive command line from the cache, if it is there; remember it for `put_argv` if not."""
    global _remembered
    _remembered = list(args)
    request = argv_request(args) if enabled() else None
    if request is None:
        return False
    text = get(request[0])
    if text is None:
        return False
    from derivator.app.fsutil import write_output_text

    write_output_text(request[1], text)
    return True


def put_argv(output: str) -> None:
    """Store output also under the literal command line that `serve` saw (see above)."""
    request = argv_request(_remembered) if _remembered else None
    if request is not None:
        put(request[0], output)
