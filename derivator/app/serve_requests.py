"""The JSON bodies of `POST /api/derive` and `POST /api/check`, read and checked before any work.

Nothing here imports SymPy (the server's own process stays light; the work happens in the pool's
sandboxed workers). Every rule is checked here so that a bad field is a one-line 400 answer, and so that
what reaches a worker is a plain dict of known keys and bounded sizes. The options are built exactly as
`derivator derive` builds them, so the server and the command line share cache entries and outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from derivator.i18n import LANGS
from derivator.parse.syntax import SYNTAXES, syntax_of
from derivator.present.dispatch import CODE_FORMATS, PAGE_FORMATS, TEXT_FORMATS
from derivator.present.flavors import FLAVORS

PLOT_FORMAT = "svg"  # the plot of f and f′, as `derivator plot NAME -o f.svg` writes it
DERIVE_FORMATS = TEXT_FORMATS + CODE_FORMATS + PAGE_FORMATS + (PLOT_FORMAT,)
MAX_INPUT_CHARS = 4_000  # the parsers' own limit; longer input is refused here, before a worker is used
MAX_ORDER = 6  # pipeline.MAX_ORDER (not imported: it would import SymPy)
MAX_PARAMS = 8
MAX_NAME_CHARS = 120
# a file name only tells the syntax (.md, .tex, .txt): it never names a file of this machine
_SAFE_NAME = re.compile(r"[^/\\\x00-\x1f\x7f]{1,%d}" % MAX_NAME_CHARS)


class RequestError(ValueError):
    """A request that cannot be served as written: a 400 answer with this one-line message."""


@dataclass(frozen=True)
class DeriveRequest:
    input: str
    syntax: str  # "text" or "latex" (auto already decided)
    format: str
    flavor: str
    options: dict[str, Any] = field(hash=False)  # exactly the CLI's options for `derivator derive`

    @property
    def facts(self) -> bool:
        return bool(self.options.get("facts"))


@dataclass(frozen=True)
class CheckRequest:
    text: str
    name: str
    lang: str


def _expect(body: Any, allowed: set[str]) -> dict:
    if not isinstance(body, dict):
        raise RequestError("the body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise RequestError(f"unknown field {unknown[0]!r}; the fields are {', '.join(sorted(allowed))}")
    return body


def _choice(body: dict, key: str, values: tuple[str, ...], default: str) -> str:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str) or value not in values:
        raise RequestError(f"{key!r} must be one of {', '.join(values)}")
    return value


def _flag(body: dict, key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise RequestError(f"{key!r} must be true or false")
    return value


def _params(value: Any) -> dict[str, str]:
    """{"alpha": 0.2} or {"alpha": "1/5"} → {"alpha": "0.2"}: strings, as `--param alpha=0.2` gives them."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RequestError("'params' must be an object such as {\"alpha\": 0.2}")
    if len(value) > MAX_PARAMS:
        raise RequestError(f"at most {MAX_PARAMS} params")
    out = {}
    for name, raw in value.items():
        if not isinstance(name, str) or not name.isidentifier() or len(name) > 30:
            raise RequestError(f"param name {str(name)[:30]!r} is not a name")
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise RequestError(f"param {name!r} must be a number or a string")
        text = str(raw).strip()
        if not text or len(text) > 60:
            raise RequestError(f"param {name!r} must have a value of at most 60 characters")
        out[name] = text
    return out


def derive_request(body: Any) -> DeriveRequest:
    body = _expect(body, {"input", "syntax", "format", "flavor", "lang", "var", "order", "params", "facts",
                          "at_kink", "standalone", "expand_lemmas"})
    text = body.get("input")
    if not isinstance(text, str) or not text.strip():
        raise RequestError("'input' must be a catalog name, an expression or LaTeX, e.g. \"sigmoid\"")
    if len(text) > MAX_INPUT_CHARS:
        raise RequestError(f"'input' is longer than {MAX_INPUT_CHARS} characters")
    syntax = _choice(body, "syntax", SYNTAXES, "auto")
    syntax = syntax_of(text, syntax)
    fmt = _choice(body, "format", DERIVE_FORMATS, "json")
    flavor = _choice(body, "flavor", FLAVORS, "github")
    lang = _choice(body, "lang", LANGS, "en")
    var = body.get("var", "x")
    if not isinstance(var, str) or not var.isidentifier() or var.startswith("_") or len(var) > 20:
        raise RequestError("'var' must be a variable name such as x or z")
    order = body.get("order", 1)
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise RequestError(f"'order' must be a whole number from 1 to {MAX_ORDER}")
    at_kink = body.get("at_kink")
    if at_kink is not None and (not isinstance(at_kink, str) or not at_kink.isidentifier() or len(at_kink) > 20):
        raise RequestError("'at_kink' must be left, right, mean, undefined or null")
    facts, standalone, expand_lemmas = _flag(body, "facts"), _flag(body, "standalone"), _flag(body, "expand_lemmas")
    if (fmt in CODE_FORMATS or fmt == PLOT_FORMAT) and (facts or expand_lemmas):
        raise RequestError(f"format {fmt!r} has no facts or lemmas; use a text format")
    # the same dict, keys and order as `derivator derive` builds (app/cli.py), so cache keys agree
    options: dict[str, Any] = {"format": fmt, "lang": lang, "var": var, "order": order, "params": _params(body.get("params")),
                               "at_kink": at_kink, "standalone": standalone, "expand_lemmas": expand_lemmas}
    if flavor != "github":
        options["flavor"] = flavor
    if facts:
        options["facts"] = True
    return DeriveRequest(text, syntax, fmt, flavor, options)


def check_request(body: Any) -> CheckRequest:
    body = _expect(body, {"text", "name", "lang"})
    text = body.get("text")
    if not isinstance(text, str):
        raise RequestError("'text' must be the post or notes to check, as a string")
    name = body.get("name", "post.md")
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name) or name in (".", ".."):
        raise RequestError(f"'name' must be a file name without folders, at most {MAX_NAME_CHARS} characters (e.g. post.md)")
    return CheckRequest(text, name, _choice(body, "lang", LANGS, "en"))
