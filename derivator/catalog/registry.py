"""The entries, built once from the data in data.py, and the one index of their names.

Every key of the data is checked here (a misspelt key or a convention that does not exist stops the
build with the entry's name), so an entry added to data.py needs no code anywhere else.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from derivator.catalog import data
from derivator.catalog.model import CONVENTIONS, DOMAINS, Breakpoint, Entry, InPosts, Param
from derivator.core.errors import DerivatorError

_REQUIRED = {"name", "title", "title_ja", "definition", "source"}
_OPTIONAL = {
    "aliases", "params", "ordered", "latex_name", "unicode_name", "sympy_function", "output_form",
    "cite_as_function", "breakpoints", "notes", "in_posts",
}
_PARAM_KEYS = {"name", "default", "doc", "symbol", "domain", "sources"}
_BREAKPOINT_KEYS = {"at", "convention", "source", "source_text", "jump"}
_IN_POSTS_KEYS = {"words", "names", "means"}


class CatalogDataError(ValueError):
    """data.py holds something the registry cannot build: a developer's error, reported at first use."""


def _keys(where: str, record: Any, allowed: set[str], required: frozenset[str] | set[str] = frozenset()) -> dict:
    if not isinstance(record, dict):
        raise CatalogDataError(f"{where}: expected a dict, got {type(record).__name__}")
    unknown = set(record) - allowed - required
    if unknown:
        raise CatalogDataError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(allowed | required)}")
    missing = required - set(record)
    if missing:
        raise CatalogDataError(f"{where}: missing key(s) {sorted(missing)}")
    return record


def _text(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise CatalogDataError(f"{where}: expected text, got {value!r}")
    return value


def _texts(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):  # a list, so that a lone name is never a string read letter by letter
        raise CatalogDataError(f"{where}: expected a list, got {value!r}")
    return tuple(_text(where, v) for v in value)


def _param(where: str, record: Any) -> Param:
    r = _keys(where, record, _PARAM_KEYS - {"name", "default"}, {"name", "default"})
    domain = r.get("domain", "positive")
    if domain not in DOMAINS:
        raise CatalogDataError(f"{where}: domain {domain!r} is not one of {DOMAINS}")
    sources = r.get("sources", {})
    if not isinstance(sources, dict):
        raise CatalogDataError(f"{where}: sources must map a source's name to its value")
    return Param(
        name=_text(where, r["name"]),
        default=_text(where, r["default"]),
        doc=_text(where, r.get("doc", "")),
        sources=tuple((_text(where, k), _text(where, v)) for k, v in sources.items()),
        symbol=_text(where, r["symbol"]) if "symbol" in r else None,
        domain=domain,
    )


def _breakpoint(where: str, record: Any) -> Breakpoint:
    r = _keys(where, record, _BREAKPOINT_KEYS - {"at"}, {"at"})
    convention = r.get("convention", "left")
    if convention not in CONVENTIONS:
        raise CatalogDataError(f"{where}: convention {convention!r} is not one of {CONVENTIONS}")
    if "source" in r and "source_text" in r:
        raise CatalogDataError(f"{where}: give either source or source_text")
    if "source" in r:
        if r["source"] not in data.CONVENTION_SOURCES:
            raise CatalogDataError(f"{where}: source {r['source']!r} is not in CONVENTION_SOURCES")
        source = data.CONVENTION_SOURCES[r["source"]]
    else:
        source = _text(where, r.get("source_text", ""))
    jump = r.get("jump", False)
    if not isinstance(jump, bool):
        raise CatalogDataError(f"{where}: jump must be True or False")
    return Breakpoint(at=_text(where, r["at"]), convention=convention, convention_source=source, jump=jump)


def _in_posts(where: str, record: Any) -> InPosts:
    r = _keys(where, record, _IN_POSTS_KEYS)
    words = _texts(where, r.get("words", []))
    if any(w != w.lower() or not w.isalnum() for w in words):
        raise CatalogDataError(f"{where}: words are lower-case letters and digits: {words}")
    names = _texts(where, r.get("names", []))
    if names and "means" not in r:
        raise CatalogDataError(f"{where}: names need `means`, the function they are read as")
    return InPosts(words=words, names=names, means=_text(where, r["means"]) if "means" in r else None)


def build_entry(record: Any) -> Entry:
    """One Entry from one dict of data.py, every key and type checked."""
    where = f"catalog entry {record.get('name', '?')!r}" if isinstance(record, dict) else "catalog entry"
    r = _keys(where, record, _OPTIONAL, _REQUIRED)
    name = _text(where, r["name"])
    if not (name.isidentifier() and name.isascii() and name == name.lower()):
        raise CatalogDataError(f"{where}: a name is a lower-case ASCII identifier")
    cite = r.get("cite_as_function", True)
    if not isinstance(cite, bool):
        raise CatalogDataError(f"{where}: cite_as_function must be True or False")
    params = tuple(_param(f"{where}, param {i}", p) for i, p in enumerate(r.get("params", [])))
    ordered = tuple(tuple(_texts(f"{where}, ordered", pair)) for pair in r.get("ordered", []))
    if any(len(pair) != 2 or not set(pair) <= {p.name for p in params} for pair in ordered):
        raise CatalogDataError(f"{where}: ordered holds pairs [low, high] of its parameters")

    def optional(key: str) -> str | None:
        return _text(where, r[key]) if key in r else None

    return Entry(
        name=name,
        definition=_text(where, r["definition"]),
        aliases=_texts(f"{where}, aliases", r.get("aliases", [])),
        params=params,
        source=_text(where, r["source"]),
        breakpoints=tuple(_breakpoint(f"{where}, breakpoint {i}", b) for i, b in enumerate(r.get("breakpoints", []))),
        cite_as_function=cite,
        title=_text(where, r["title"]),
        title_ja=_text(where, r["title_ja"]),
        notes=_text(where, r.get("notes", "")),
        ordered=ordered,  # type: ignore[arg-type]  # pairs: checked above
        in_posts=_in_posts(f"{where}, in_posts", r.get("in_posts", {})),
        latex_name=optional("latex_name"),
        unicode_name=optional("unicode_name"),
        sympy_function=optional("sympy_function"),
        output_form=optional("output_form"),
    )


@cache
def entries() -> tuple[Entry, ...]:
    """Every entry, in the data's order (the order of `derivator list`)."""
    return tuple(build_entry(record) for record in data.ENTRIES)


def key(name: str) -> str:
    """How names are compared: case-insensitive, '-' as '_'."""
    return name.strip().lower().replace("-", "_")


@cache
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in entries():
        for name in (entry.name, *entry.aliases):
            k = key(name)
            if k in index and index[k] is not entry:
                raise CatalogDataError(f"catalog name {name!r} is used by {index[k].name} and {entry.name}")
            index[k] = entry
    return index


def lookup(name: str) -> Entry | None:
    """The entry for a name or alias (case-insensitive), or None."""
    return _index().get(key(name))


def get(name: str) -> Entry:
    """The entry for a name or alias, or a DerivatorError that names the closest ones."""
    entry = lookup(name)
    if entry is None:
        import difflib  # only on this error path: start-up stays light

        close = difflib.get_close_matches(key(name), list(_index()), n=3)
        raise DerivatorError(
            f"unknown function {name!r}",
            hint=f"did you mean {', '.join(close)}? " if close else "see 'derivator list'",
        )
    return entry
