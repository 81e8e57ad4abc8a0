"""Every word derivator says, one folder per language (i18n/en/, i18n/ja/): a new language is one folder.

Each folder holds the same files: narration.toml (steps, facts, documents, plots; keys used as is),
check.toml (reports of `derivator check`; keys under "check."), web.toml (the page of `derivator serve`;
keys under "web.") and errors.toml (the command line's one-line errors; keys under "error."). A language other than English
may also hold help.toml, its `--help` (derivator/app/help_text.py; English help stands beside each option). tests/test_i18n.py fails when a key that one language has is missing in another, or
when code asks for a key no language has.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from importlib.abc import Traversable

# file -> the key prefix its tables are read under
_FILES = {"narration.toml": "", "check.toml": "check", "web.toml": "web", "errors.toml": "error"}


def _folders() -> dict[str, Traversable]:
    root = resources.files(__package__)
    return {entry.name: entry for entry in root.iterdir()
            if entry.is_dir() and (entry / "narration.toml").is_file()}


# English first: it is the fallback while a new language is being written
LANGS: tuple[str, ...] = tuple(sorted(_folders(), key=lambda lang: (lang != "en", lang)))


@cache
def catalog(lang: str) -> dict:
    """Every table of one language, check.toml's under "check"."""
    if lang not in LANGS:
        from derivator.core.errors import DerivatorError

        raise DerivatorError(f"unknown language {lang!r}", hint=f"use --lang {' or --lang '.join(LANGS)}")
    merged: dict = {}
    folder = _folders()[lang]
    for name, prefix in _FILES.items():
        tables = tomllib.loads((folder / name).read_text("utf-8"))
        if prefix:
            merged[prefix] = tables
        else:
            merged.update(tables)
    return merged


def lookup(key: str, lang: str) -> str | None:
    """The words for a dotted key in one language, or None."""
    node: object = catalog(lang)
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, str) else None


def words(key: str, lang: str = "en") -> str:
    """The template for `key`, in `lang` or else in English; the key itself only if no language has it
    (tests/test_i18n.py keeps that from happening)."""
    found = lookup(key, lang)
    if found is None and lang != "en":
        found = lookup(key, "en")
    return found if found is not None else key


def t(key: str, lang: str = "en", **params: str) -> str:
    """The sentence for `key` ("say.chain", "name.chain", "ui.verified") with params filled in."""
    template = words(key, lang)
    return template.format(**params) if params else template


def rule_name(rule: str, lang: str = "en") -> str:
    return t(f"name.{rule.replace('.', '_')}", lang)


def narrate(rule: str, lang: str = "en", **params: str) -> str:
    return t(f"say.{rule.replace('.', '_')}", lang, **params)
