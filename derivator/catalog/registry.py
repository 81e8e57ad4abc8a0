"""The entries, built once from the data in data.py, and the one index of their names.

Every key of the data is checked here (a misspelt key or a convention that does not exist stops the
build with the entry's name), so an entry added to data.py needs no code anywhere else.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from derivator.catalog import data
from derivator.catalog.model import CONVENTIONS, DOMAINS, SIGNS, Breakpoint, Entry, InPosts, Param
from derivator.core.errors import DerivatorError

_REQUIRED = frozenset({"name", "title", "title_ja", "definition", "source"})
_OPTIONAL = frozenset({
    "aliases", "params", "ordered", "latex_name", "unicode_name", "sympy_function", "output_form",
    "cite_as_function", "breakpoints", "notes", "in_posts",
})
_PARAM_REQUIRED = frozenset({"name", "default"})
_PARAM_KEYS = frozenset({"doc", "symbol", "domain", "sources", "assume"})
_BREAKPOINT_REQUIRED = frozenset({"at"})
_BREAKPOINT_KEYS = frozenset({"convention", "source", "source_text", "source_text_ja", "jump"})
_IN_POSTS_KEYS = frozenset({"words", "names", "means"})
_NO_POSTS = InPosts()


class CatalogDataError(ValueError):
    """data.py holds something the registry cannot build: a developer's error, reported at first use."""


# The checks run at every start, so the happy path stays cheap (no message is built unless one fails):
# each helper names what it checks, and build_entry puts the entry's name in front.
def _keys(where: str, record: Any, allowed: frozenset[str], required: frozenset[str] = frozenset()) -> dict:
    if type(record) is not dict:
        raise CatalogDataError(f"{where}: expected a dict, got {type(record).__name__}")
    if not record.keys() <= allowed | required:
        unknown = sorted(set(record) - allowed - required)
        raise CatalogDataError(f"{where}: unknown key(s) {unknown}; known: {sorted(allowed | required)}")
    if not required <= record.keys():
        raise CatalogDataError(f"{where}: missing key(s) {sorted(required - set(record))}")
    return record


def _text(where: str, value: Any) -> str:
    if type(value) is not str:
        raise CatalogDataError(f"{where}: expected text, got {value!r}")
    return value


def _texts(where: str, value: Any) -> tuple[str, ...]:
    # a list, so that a lone name is never a string read letter by letter ("ReLU" as R, e, L, U)
    if type(value) is not list or not all(type(v) is str for v in value):
        raise CatalogDataError(f"{where}: expected a list of texts, got {value!r}")
    return tuple(value)


def _flag(where: str, value: Any) -> bool:
    if type(value) is not bool:
        raise CatalogDataError(f"{where}: must be True or False, got {value!r}")
    return value


def _param(i: int, record: Any) -> Param:
    r = _keys(f"param {i}", record, _PARAM_KEYS, _PARAM_REQUIRED)
    domain = r.get("domain", "positive")
    if domain not in DOMAINS:
        raise CatalogDataError(f"param {i}: domain {domain!r} is not one of {DOMAINS}")
    sources = r.get("sources", {})
    if type(sources) is not dict or not all(type(k) is str and type(v) is str for k, v in sources.items()):
        raise CatalogDataError(f"param {i}: sources must map a source's name to its value, as texts")
    symbol = r.get("symbol")
    assume = r.get("assume", domain)
    if assume not in SIGNS:
        raise CatalogDataError(f"param {i}: assume {assume!r} is not one of {SIGNS}")
    return Param(
        name=_text(f"param {i}", r["name"]),
        default=_text(f"param {i}", r["default"]),
        doc=_text(f"param {i}", r.get("doc", "")),
        sources=tuple(sources.items()),
        symbol=None if symbol is None else _text(f"param {i}", symbol),
        domain=domain,
        assume=assume,
    )


def _breakpoint(i: int, record: Any) -> Breakpoint:
    r = _keys(f"breakpoint {i}", record, _BREAKPOINT_KEYS, _BREAKPOINT_REQUIRED)
    convention = r.get("convention", "left")
    if convention not in CONVENTIONS:
        raise CatalogDataError(f"breakpoint {i}: convention {convention!r} is not one of {CONVENTIONS}")
    if "source" in r:
        if "source_text" in r or "source_text_ja" in r:
            raise CatalogDataError(f"breakpoint {i}: give either source or source_text")
        if r["source"] not in data.CONVENTION_SOURCES:
            raise CatalogDataError(f"breakpoint {i}: source {r['source']!r} is not in CONVENTION_SOURCES")
        words = data.CONVENTION_SOURCES[r["source"]]
        source, source_ja = words["en"], words["ja"]
    else:
        source = _text(f"breakpoint {i}", r.get("source_text", ""))
        source_ja = _text(f"breakpoint {i}", r.get("source_text_ja", ""))
        if bool(source) != bool(source_ja):
            raise CatalogDataError(f"breakpoint {i}: source_text needs source_text_ja, its Japanese words")
    return Breakpoint(at=_text(f"breakpoint {i}", r["at"]), convention=convention, convention_source=source,
                      convention_source_ja=source_ja,
                      jump=_flag(f"breakpoint {i}: jump", r.get("jump", False)))


def _in_posts(record: Any) -> InPosts:
    r = _keys("in_posts", record, _IN_POSTS_KEYS)
    words = _texts("in_posts: words", r.get("words", []))
    if not all(w.isalnum() and w == w.lower() for w in words):
        raise CatalogDataError(f"in_posts: words are lower-case letters and digits: {words}")
    names = _texts("in_posts: names", r.get("names", []))
    means = r.get("means")
    if names and means is None:
        raise CatalogDataError("in_posts: names need `means`, the function they are read as")
    return InPosts(words=words, names=names, means=None if means is None else _text("in_posts: means", means))


def _optional(r: dict, key: str) -> str | None:
    value = r.get(key)
    return None if value is None else _text(key, value)


def build_entry(record: Any) -> Entry:
    """One Entry from one dict of data.py, every key and type checked."""
    try:
        return _build_entry(record)
    except CatalogDataError as err:
        name = record.get("name", "?") if type(record) is dict else "?"
        raise CatalogDataError(f"catalog entry {name!r}: {err}") from None


def _build_entry(record: Any) -> Entry:
    r = _keys("entry", record, _OPTIONAL, _REQUIRED)
    name = _text("name", r["name"])
    if not (name.isidentifier() and name.isascii() and name == name.lower()):
        raise CatalogDataError("a name is a lower-case ASCII identifier")
    params = tuple(_param(i, p) for i, p in enumerate(r.get("params", ())))
    pairs = r.get("ordered", ())
    ordered = tuple((low, high) for low, high in (_texts("ordered", pair) for pair in pairs)) if all(
        type(pair) is list and len(pair) == 2 for pair in pairs) else None
    if ordered is None or not {n for pair in ordered for n in pair} <= {p.name for p in params}:
        raise CatalogDataError("ordered holds pairs [low, high] of its parameters")
    in_posts = r.get("in_posts")
    return Entry(
        name=name,
        definition=_text("definition", r["definition"]),
        aliases=_texts("aliases", r.get("aliases", [])),
        params=params,
        source=_text("source", r["source"]),
        breakpoints=tuple(_breakpoint(i, b) for i, b in enumerate(r.get("breakpoints", ()))),
        cite_as_function=_flag("cite_as_function", r.get("cite_as_function", True)),
        title=_text("title", r["title"]),
        title_ja=_text("title_ja", r["title_ja"]),
        notes=_text("notes", r.get("notes", "")),
        ordered=ordered,
        in_posts=_NO_POSTS if in_posts is None else _in_posts(in_posts),
        latex_name=_optional(r, "latex_name"),
        unicode_name=_optional(r, "unicode_name"),
        sympy_function=_optional(r, "sympy_function"),
        output_form=_optional(r, "output_form"),
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
