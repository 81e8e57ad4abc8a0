"""Narration catalogs: every sentence derivator says lives in en.toml / ja.toml, keyed by rule id."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LANGS = ("en", "ja")


@cache
def catalog(lang: str) -> dict:
    if lang not in LANGS:
        from derivator.core.errors import DerivatorError

        raise DerivatorError(f"unknown language {lang!r}", hint="use --lang en or --lang ja")
    return tomllib.loads(resources.files(__package__).joinpath(f"{lang}.toml").read_text("utf-8"))


def t(key: str, lang: str = "en", **params: str) -> str:
    """The sentence for `key` ("say.chain", "name.chain", "ui.verified") with params filled in."""
    table = catalog(lang)
    node = table
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            node = None
            break
        node = node[part]
    if not isinstance(node, str):
        node = catalog("en") if lang != "en" else None
        return t(key, "en", **params) if node is not None else key
    return node.format(**params) if params else node


def rule_name(rule: str, lang: str = "en") -> str:
    return t(f"name.{rule.replace('.', '_')}", lang)


def narrate(rule: str, lang: str = "en", **params: str) -> str:
    return t(f"say.{rule.replace('.', '_')}", lang, **params)
