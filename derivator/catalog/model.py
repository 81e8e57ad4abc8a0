"""What a catalog entry is: the frozen records the registry builds from the data in data.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# which one-sided derivative a framework's backward returns at a breakpoint (--at-kink takes the same words)
CONVENTIONS = ("left", "right", "mean", "undefined")
# what a numeric --param value must be; each Param names one
DOMAINS = ("positive", "nonzero", "real")
# what the symbol is assumed to be while kept symbolic (hardtanh's a < 0 < b orders its cases)
SIGNS = ("positive", "negative", "nonzero", "real")


@dataclass(frozen=True)
class Param:
    name: str  # as written in the definition (an identifier: `lambd`, since `lambda` is Python's)
    default: str  # exact value as text, e.g. "0.01"
    doc: str = ""
    # where sources disagree: (("PyTorch", "0.01"), ("Keras", "0.2"))
    sources: tuple[tuple[str, str], ...] = ()
    symbol: str | None = None  # SymPy name when kept symbolic: "lambda" prints as λ
    domain: str = "positive"  # "positive", "nonzero" or "real": checked for numeric --param values
    # the symbol's assumption while kept symbolic (one of SIGNS; the domain unless the data says more)
    assume: str = "positive"


@dataclass(frozen=True)
class Breakpoint:
    """A point where the definition changes piece (a kink when the one-sided derivatives differ)."""

    at: str  # position as text in the parameters: "0", "-lambd", "max_val"
    # which one-sided derivative PyTorch's backward uses here: left, right, mean or undefined
    convention: str = "left"
    # where that convention comes from (the backward formula)
    convention_source: str = ""
    convention_source_ja: str = ""  # the same in Japanese
    jump: bool = False  # f itself is discontinuous here (step, hard shrink, threshold)


class InPosts(NamedTuple):
    """How hand-written derivations (`derivator check`) spell this entry without defining it.

    A NamedTuple, not a dataclass: as immutable and comparable, and made ~0.5 ms faster at every start."""

    # lower-case spellings the LaTeX reader takes as one word (\operatorname{ReLU}, relu, ELU)
    words: tuple[str, ...] = ()
    # names, exactly as written (sigma, Phi, phi), read as `means` when a post does not define them
    names: tuple[str, ...] = ()
    means: str | None = None  # in x, plain text; written out so that a reading never depends on a lemma


@dataclass(frozen=True)
class Entry:
    name: str
    definition: str  # in the variable x, SymPy spelling, parameters by name
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    latex_name: str | None = None  # e.g. \sigma; default \operatorname{name}
    unicode_name: str | None = None
    source: str = ""
    breakpoints: tuple[Breakpoint, ...] = ()
    # the textbook's f' in y = f(x) (None: no closed form in y); tests' expected answer, never the engine's
    output_form: str | None = None
    # usable by name inside other expressions (x*sigmoid(x)); off for names users need as words
    cite_as_function: bool = True
    # the text parser's own function for this entry, when it has one (tanh): used instead of a NamedFunction
    sympy_function: str | None = None
    title: str = ""
    title_ja: str = ""
    notes: str = ""
    # pairs (low, high) of parameters that must satisfy low < high
    ordered: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = field(default=())
    in_posts: InPosts = InPosts()

    @property
    def kink_convention(self) -> str:
        """The convention at the first breakpoint (older single-string API)."""
        return self.breakpoints[0].convention if self.breakpoints else "left"
