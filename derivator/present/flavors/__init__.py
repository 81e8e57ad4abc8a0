"""Markdown flavours, one module per platform: `render(d, lang=...)` and its `FLAVOR` (delimiters,
escaping, and how the platform extracts the math)."""

from __future__ import annotations

import pkgutil
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from derivator.core.errors import DerivatorError

if TYPE_CHECKING:  # the CLI reads FLAVORS at start-up, before anything imports SymPy
    from derivator.core.trace import Derivation

# one module per platform in this folder is the whole registry (a new flavour is one module); GitHub first
FLAVORS: tuple[str, ...] = tuple(sorted((m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")),
                                        key=lambda name: (name != "github", name)))


def flavor_module(name: str) -> ModuleType:
    if name not in FLAVORS:
        raise DerivatorError(f"unknown Markdown flavour {name!r}", hint=f"use one of {', '.join(FLAVORS)}")
    return import_module(f"derivator.present.flavors.{name}")


def render_flavor(d: "Derivation", flavor: str = "github", *, lang: str = "en") -> str:
    """The derivation as Markdown for one platform."""
    return flavor_module(flavor).render(d, lang=lang)
