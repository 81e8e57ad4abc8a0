"""Markdown flavours, one module per platform: `render(d, lang=...)` and its `FLAVOR` (delimiters,
escaping, and how the platform extracts the math)."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from derivator.core.errors import DerivatorError
from derivator.core.trace import Derivation

FLAVORS = ("github", "qiita", "zenn", "hatena", "wordpress", "mkdocs", "jupyter")


def flavor_module(name: str) -> ModuleType:
    if name not in FLAVORS:
        raise DerivatorError(f"unknown Markdown flavour {name!r}", hint=f"use one of {', '.join(FLAVORS)}")
    return import_module(f"derivator.present.flavors.{name}")


def render_flavor(d: Derivation, flavor: str = "github", *, lang: str = "en") -> str:
    """The derivation as Markdown for one platform."""
    return flavor_module(flavor).render(d, lang=lang)
