"""Identifiers in generated code: deterministic, collision-free, and the user's own where possible.

Every name the code uses comes from one `NameTable` per generated module. The user's variable and
parameters are taken first and keep their spelling (`A` stays `A`, `a_` stays `a_`), unless the
target reserves the word (a keyword, a builtin, a module the code imports such as `np`/`torch`/`math`,
or a C# keyword); then derivator's own names (the functions, `y`, `out`, `ctx`, `grad_output`,
locals `t0`, …) are fitted around them. A taken or reserved name gets `_` appended until it is free,
so `a`, `a_` and `a__` can all appear and never merge. Every parameter is an argument of every
function: the code has no free globals, so a module-level `X` cannot change its result.
"""

from __future__ import annotations

import builtins
import keyword
import re
from dataclasses import dataclass, field

# names a Python module generated here may rely on (imports, helpers) besides Python's own
PYTHON_MODULES = frozenset({"math", "numpy", "np", "scipy", "torch", "jax", "jnp", "functools"})

CSHARP_KEYWORDS = frozenset("""
abstract as base bool break byte case catch char checked class const continue decimal default delegate do
double else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface
internal is lock long namespace new null object operator out override params private protected public readonly
ref return sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint
ulong unchecked unsafe ushort using virtual void volatile while add alias ascending async await by descending
dynamic equals from get global group into join let nameof on orderby partial remove select set unmanaged value
var when where yield record init nint nuint args
""".split())
# C# names the generated class uses: the Math class, System, its own members and helpers
CSHARP_USED = frozenset({"Math", "System", "Console", "Double", "Activation", "Derivative", "DActivation",
                         "Log1p", "Expm1", "Erf", "Erfc", "Main"})


@dataclass(frozen=True)
class Language:
    """What a target language forbids as an identifier."""

    name: str
    reserved: frozenset[str]
    case_sensitive: bool = True


PYTHON = Language("python", frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
                  | PYTHON_MODULES)
CSHARP = Language("csharp", CSHARP_KEYWORDS | CSHARP_USED)


def spell(text: str) -> str:
    """An ASCII identifier for a symbol's name: letters, digits and _ kept, anything else as _uXXXX."""
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch == "_"):
            out.append(ch)
        else:
            out.append(f"_u{ord(ch):04x}")
    name = "".join(out) or "v"
    if name[0].isdigit():
        name = "v" + name
    return name


@dataclass
class NameTable:
    """Hands out identifiers for one generated module; `taken` grows as names are given."""

    language: Language
    taken: set[str] = field(default_factory=set)
    given: dict[object, str] = field(default_factory=dict)

    def free(self, wanted: str) -> str:
        """`wanted`, or `wanted` with _ appended until it is neither reserved nor taken."""
        name = spell(wanted)
        while name in self.language.reserved or name in self.taken or name.startswith("__"):
            name += "_"
        self.taken.add(name)
        return name

    def local(self, wanted: str, used: set[str]) -> str:
        """A name for a local of one function: free of the module's names and of `used` (that
        function's other locals), but not taken for the module (locals of other functions may reuse it)."""
        name = spell(wanted)
        while name in self.language.reserved or name in self.taken or name in used or name.startswith("__"):
            name += "_"
        used.add(name)
        return name

    def name(self, key: object, wanted: str) -> str:
        """The identifier for `key` (the same on every call)."""
        if key not in self.given:
            self.given[key] = self.free(wanted)
        return self.given[key]

    def claim_all(self, items: list[tuple[object, str]]) -> None:
        """Give names to several keys: those that need no change first, so `a_` keeps `a_` even when
        `a` has to become `a_`+`_`. Order within each pass is the given order (deterministic)."""
        later = []
        for key, wanted in items:
            name = spell(wanted)
            if key in self.given:
                continue
            if name in self.language.reserved or name in self.taken or name.startswith("__"):
                later.append((key, wanted))
            else:
                self.given[key] = name
                self.taken.add(name)
        for key, wanted in later:
            self.name(key, wanted)


def camel(name: str) -> str:
    """sigmoid_grad → SigmoidGrad (a class name)."""
    parts = [p for p in re.split(r"_+", name) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "F"
