"""Facts as JSON: the values as strings `sympy.sympify` reads back (SymPy's built-in functions and sets
only), and each fact's checked steps.

    "facts": {
      "value_at_0": "1/4",                    # null: f′(0) does not exist (or was not established)
      "max": "1/4", "argmax": "FiniteSet(0)", # max null when the supremum is not attained
      "sup": "1/4", "inf": "0", "min": null, "argmin": "EmptySet",
      "derivative_range": "Interval.Lopen(0, 1/4)",
      "limits": {"f": {"-oo": "0", "oo": "1"}, "df": {"-oo": "0", "oo": "0"}},
      "range": "Interval.open(0, 1)",
      "monotonic": "increasing",              # increasing | decreasing | nondecreasing | nonincreasing | constant | none
      "kinks": [{"at": "0", "left": "0", "right": "1", "value": "0", "convention": "left", "jump": false}],
      "layer_bound": "(1/4)**n",               # bound on |f′(z_1) ⋯ f′(z_n)|
      "numeric": [],                           # facts whose values were located numerically
      "at_defaults": null,                     # or {"values": {"alpha": "1"}, "source": "PyTorch", "text": …}
      "verified": true,
      "details": [{"key", "method", "verified", "steps": [{"rule", "relation", "before", "after", "latex", "verified", "method", "description"}]}],
      "omitted": [{"key", "note", "text"}]
    }
"""

from __future__ import annotations

import sympy as sp

from derivator.analysis.facts import Facts
from derivator.present.json import ReadableStrPrinter, sympy_str
from derivator.present.facts_render import REL_LATEX, _sentence, at_defaults_text, lmath, omission_text
from derivator.verify import plain


class _SetPrinter(ReadableStrPrinter):
    """sstr, but finite sets as FiniteSet(…) (sympify reads "{0}" as a Python set)."""

    def _print_FiniteSet(self, s):
        return "FiniteSet(" + ", ".join(self._print(a) for a in s.args) + ")"

    def _print_Contains(self, c):
        return f"Contains({self._print(c.args[0])}, {self._print(c.args[1])})"


def sympy_string(value) -> str | None:
    """A value as a string sympy.sympify reads back; None stays None."""
    if value is None:
        return None
    if isinstance(value, sp.Basic) and not isinstance(value, sp.Set):
        value = plain(value)
    return _SetPrinter({"order": "none"}).doprint(value)


def facts_dict(facts: Facts, lang: str = "en") -> dict:
    get = {f.key: f.values for f in facts.facts}
    value_at_0 = get.get("value_at_0", {})
    limits = get.get("limits", {})
    peak = get.get("max", {})
    out = {
        "value_at_0": sympy_string(value_at_0.get("value")),
        "max": sympy_string(peak.get("max")),
        "argmax": sympy_string(peak.get("argmax")) if peak else None,
        "sup": sympy_string(peak.get("sup")),
        "min": sympy_string(peak.get("min")),
        "argmin": sympy_string(peak.get("argmin")) if peak else None,
        "inf": sympy_string(peak.get("inf")),
        "derivative_range": sympy_string(peak.get("range")),
        "limits": {
            which: {side: sympy_string(v) for side, v in limits.get(which, {}).items()} for which in ("f", "df")
        },
        "range": sympy_string(get.get("range", {}).get("range")),
        "monotonic": get.get("monotonic", {}).get("monotonic"),
        "kinks": [
            {
                "at": sympy_string(k["at"]),
                "left": sympy_string(k["left"]),
                "right": sympy_string(k["right"]),
                "value": sympy_string(k["value"]),
                "convention": k["convention"],
                "jump": k["jump"],
                **({"f_left": sympy_string(k["f_left"]), "f_right": sympy_string(k["f_right"])} if k["jump"] else {}),
            }
            for k in get.get("kinks", {}).get("kinks", [])
        ],
        "layer_bound": sympy_string(get.get("layer_bound", {}).get("bound")),
        "numeric": [f.key for f in facts.facts if f.method == "numeric"],
        # null, or the parameter values the facts are for ({"alpha": "1"}) and whose default they are
        "at_defaults": None if facts.at is None else {
            "values": {sympy_str(sym): sympy_string(v) for sym, v in facts.at.values}, "source": facts.at.source,
            "text": at_defaults_text(facts, lang, lmath)},
        "verified": facts.verified,
        "details": [
            {
                "key": f.key,
                "method": f.method,
                "verified": f.verified,
                "steps": [_step(s, facts, lang) for s in f.steps],
            }
            for f in facts.facts
        ],
        "omitted": [
            {"key": o.key, "note": o.note, "text": omission_text(o, lang, lambda e: lmath(e))} for o in facts.omitted
        ],
    }
    return out


def _step(step, facts: Facts, lang: str) -> dict:
    v = step.verification
    rel = step.params.get("rel", "=")
    return {
        "rule": step.rule,
        "relation": rel,
        "before": sympy_str(step.before),
        "after": sympy_str(step.after),
        "latex": "" if rel == "text" else f"{lmath(step.before)} {REL_LATEX.get(rel, rel)} {lmath(step.after)}",
        "verified": step.verified,
        "method": v.method if v else None,
        "description": _sentence(step, facts, lang, lmath, lambda m: f"${m}$"),
    }
