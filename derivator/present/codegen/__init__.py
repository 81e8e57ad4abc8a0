"""Code for f and its derivative that people ship: `--format numpy|torch|python|jax|csharp`.

parts.py takes what the code needs from a Derivation; safe_forms.py rewrites the formulas so float
arithmetic does not break them (README: Safe forms); names.py gives every symbol one identifier,
collision-free; model.py holds one export as data; python_family.py and csharp.py print it.
Generated code is never run here (only by the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

from derivator.present.codegen.parts import CodeParts, code_parts
from derivator.core.errors import DerivatorError
from derivator.core.trace import Derivation

FORMATS = ("numpy", "torch", "python", "jax", "csharp")
# the language each format's code is in (for documents' code blocks)
LANGUAGE = {"numpy": "python", "torch": "python", "python": "python", "jax": "python", "csharp": "csharp"}
# what the code needs, said in documents beside it
DEPENDENCIES = {
    "numpy": "NumPy (SciPy optional, for erf/erfc; math.erf element by element without it)",
    "torch": "PyTorch",
    "python": "the Python standard library (math)",
    "jax": "JAX (jax.numpy, jax.scipy.special)",
    "csharp": "C# with System.Math only",
}

__all__ = ["FORMATS", "LANGUAGE", "DEPENDENCIES", "CodeParts", "Names", "code_parts", "export_code", "names"]


def _status(parts: CodeParts) -> str:
    if parts.verified is None:
        return "derivative not traced"
    return "every step verified" if parts.verified else "NOT every step verified"


def export_code(d: Derivation, fmt: str = "numpy") -> str:
    """Source defining f, its derivative and (where derived) the derivative from f's output."""
    if fmt not in FORMATS:
        raise DerivatorError(f"unknown code format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    parts = code_parts(d)
    try:
        if fmt == "csharp":
            from derivator.present.codegen import csharp

            return csharp.render(parts, _status(parts))
        from derivator.present.codegen import python_family

        return python_family.render(parts, fmt, _status(parts))
    except Exception as exc:
        missing = getattr(exc, "function", None)
        if missing is None:
            raise
        what = "the derivative" if getattr(exc, "role", "") == "derivative" else "the function"
        raise DerivatorError(f"cannot write {what} as {fmt} code: {fmt} has no {missing}",
                             hint="try another --format (numpy, torch and jax have the most functions)") from None


@dataclass(frozen=True)
class Names:
    """The names the generated Python code defines, for code that calls it (notebooks, docs)."""

    function: str
    derivative: str
    from_output: str | None
    params: tuple[str, ...]


def names(d: Derivation, fmt: str = "numpy") -> Names:
    from derivator.present.codegen import python_family

    parts = code_parts(d)
    module = python_family.module_names(parts)
    f, g = module.get("function"), module.get("derivative")
    from_output = None
    if module.function("from_output") is not None and "_from_output(" in export_code(d, fmt):
        from_output = module.get("from_output").name
    return Names(f.name, g.name, from_output, tuple(module.names[p] for p in parts.params))
