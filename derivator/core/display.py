"""Where a Derivation finds its Jupyter display: the formats live in present/, above this layer.

present/dispatch registers its renderer here when it is imported (the package's __init__ imports it), so
core never imports present and the layers stay one way. Nothing here imports SymPy: the CLI's start-up
reads the format lists before anything heavy is loaded.
"""

from __future__ import annotations

from typing import Any, Protocol


class Renderer(Protocol):
    def __call__(self, d: Any, format: str, lang: str, *, flavor: str = "github") -> str: ...


_renderers: list[Renderer] = []


def register_renderer(render: Renderer) -> None:
    """The one renderer derivations display themselves with (registering again replaces it)."""
    _renderers[:] = [render]


def display_renderer() -> Renderer | None:
    """The registered renderer, or None when present/ was never imported (no rich display then)."""
    return _renderers[0] if _renderers else None

