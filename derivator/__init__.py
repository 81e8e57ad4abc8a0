"""derivator: verified, step-by-step derivations of activation functions and any expression.

    from derivator import derive, check, render      # the Python API: derivator/api.py

The API's names are loaded on first use (module __getattr__), so `import derivator` — which every
command-line start does — stays as cheap as before: it imports neither SymPy nor the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time the names come from __getattr__ below
    from derivator.api import (SYNTAXES, CheckReport, ClaimResult, Derivation, DerivatorError, Kink, Lemma,
                               Note, ParseError, Step, UnsupportedError, Verification, check, check_file,
                               derive, loss, render)

# Derivations and check reports display themselves in Jupyter through present/'s dispatcher; core cannot import present
# (the layers run one way), so the dispatcher registers itself with core/display.py when imported here.
# It is light: the renderers it names are imported only when used.
from derivator.present import dispatch as _dispatch  # noqa: F401

__version__ = "0.1.0"

__all__ = ["__version__", "derive", "check", "check_file", "loss", "render", "SYNTAXES", "Derivation", "Step",
           "Kink", "Lemma", "Verification", "CheckReport", "ClaimResult", "Note", "DerivatorError", "ParseError",
           "UnsupportedError"]
_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    from importlib import import_module

    if name == "check":
        # the subpackage derivator.check holds that name whenever it is imported, so it is the API's check
        # itself: calling the package is check(text, name) (derivator/check/__init__.py)
        return import_module("derivator.check")
    if name in _API:
        value = getattr(import_module("derivator.api"), name)
        globals()[name] = value  # looked up once
        return value
    # (AttributeError, so `from derivator import catalog` goes on to import the subpackage)
    raise AttributeError(f"module 'derivator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
