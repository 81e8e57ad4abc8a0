"""The CLI's result cache: rendered output keyed by everything that could change it.

A key is the SHA-256 of the command, the input text, every option, derivator's version, a hash of the
contents of derivator's own source files and templates (so an edit or an upgrade is never served stale
output), and the Python, SymPy and mpmath versions. Entries live in the user cache directory
($XDG_CACHE_HOME/derivator, else ~/.cache/derivator), one JSON file each, written atomically; a corrupt,
truncated or foreign entry is ignored and removed. The directory is safe to delete at any time.

Nothing here imports SymPy: a cache hit must cost well under the import of SymPy.
DERIVATOR_NO_CACHE=1 turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from derivator import __version__
from derivator.app.fsutil import atomic_write_text, write_output_text
from derivator.core.package_data import templates_dir

ENTRY_FORMAT = 1
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


def _path(entry_key: str) -> Path:
    return cache_dir() / f"{entry_key}.json"


def get(entry_key: str) -> str | None:
    """The cached output, or None: missing, unreadable, corrupt or for another key all read as a miss."""
    if not enabled():
        return None
    path = _path(entry_key)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    try:
        entry = json.loads(raw)
        if entry.get("format") == ENTRY_FORMAT and entry.get("key") == entry_key and isinstance(entry.get("output"), str):
            return entry["output"]
    except (ValueError, AttributeError, UnicodeDecodeError):
        pass
    _remove(path)  # corrupt or foreign: it will be rewritten by the next miss
    return None


def put(entry_key: str, output: str) -> None:
    """Store output; any failure (read-only home, full disk) is silent: the cache is only an accelerator."""
    if not enabled() or len(output) > MAX_ENTRY_BYTES // 4:
        return
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"format": ENTRY_FORMAT, "key": entry_key, "version": __version__, "output": output}, ensure_ascii=False)
        atomic_write_text(_path(entry_key), body, durable=False)
        _prune(folder)
    except (OSError, ValueError):
        pass


def clear() -> int:
    """Remove every entry; returns how many were removed."""
    removed = 0
    try:
        entries = list(os.scandir(cache_dir()))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.endswith((".json", ".tmp")):
            removed += _remove(Path(entry.path))
    return removed


def _remove(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def _prune(folder: Path) -> None:
    entries = [e for e in os.scandir(folder) if e.name.endswith(".json")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for entry in entries[: len(entries) - MAX_ENTRIES * 3 // 4]:
        _remove(Path(entry.path))


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
    write_output_text(request[1], text)
    return True


def put_argv(output: str) -> None:
    """Store output also under the literal command line that `serve` saw (see above)."""
    request = argv_request(_remembered) if _remembered else None
    if request is not None:
        put(request[0], output)
