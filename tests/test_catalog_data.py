"""The catalog as data: data.py holds literals only, every entry builds and parses, each name lives in
one place, and a new activation is one dict in data.py with nothing else to edit."""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derivator import catalog
from derivator.catalog import data
from derivator.catalog.registry import CatalogDataError, build_entry
from derivator.parse import latex as latex_parser
from derivator.parse import text as text_parser

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "derivator"
X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)


def test_entries_module_holds_literals_only():
    # a docstring and NAME = <literal> assignments: nothing that runs, so the data can be reviewed as data
    tree = ast.parse((PACKAGE / "catalog" / "data.py").read_text("utf-8"))
    body = tree.body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    names = []
    for node in body[1:]:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)[:200]
        assert isinstance(node.targets[0], ast.Name)
        ast.literal_eval(node.value)  # raises on a call, a name, a lambda, a comprehension …
        names.append(node.targets[0].id)
    assert names == ["CONVENTION_SOURCES", "ENTRIES"]


def test_every_entry_parses_with_derivators_own_parser():
    for entry in catalog.entries():
        f = catalog.definition(entry, X)
        assert f.has(X) or entry.name == "identity" and f == X, entry.name
        assert isinstance(catalog.definition(entry, X, symbolic=True), sp.Expr)
        form = catalog.output_form(entry, Y)
        assert (form is None) == (entry.output_form is None), entry.name
        for at, bp in catalog.breakpoints(entry):
            assert at.is_number and bp.convention in catalog.CONVENTIONS, entry.name
        assert catalog.function_class(entry.name) is not None


def test_every_post_reading_is_the_entrys_function():
    # `means` is written out for the LaTeX reader; it must be the same function as the definition
    u = sp.Rational(3, 7)
    for entry in catalog.entries():
        for name in entry.in_posts.names:
            fn = catalog.reading_function(name)
            assert fn is not None, name
        if entry.in_posts.means is not None and not entry.params:
            value = catalog.reading_function(entry.in_posts.names[0])(u)
            exact = catalog.definition(entry, X).subs(X, u)
            assert abs(sp.N(value - exact, 30)) < 1e-25, entry.name


def _strings_in(path: Path) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_each_name_is_kept_in_one_place():
    # every spelling belongs to one entry …
    seen: dict[str, str] = {}
    for entry in catalog.entries():
        spellings = {catalog.registry.key(n) for n in (entry.name, *entry.aliases)}
        spellings |= {f"word:{w}" for w in entry.in_posts.words} | {f"post:{n}" for n in entry.in_posts.names}
        for s in spellings:
            assert s not in seen, f"{s} is in {seen[s]} and {entry.name}"
            seen[s] = entry.name
    # … and the parsers name none of them, except their own functions (tanh, sin) and Greek letters
    # (sigma, phi): they are given the catalog's names, they never keep a copy
    own = set(text_parser.FUNCTIONS) | set(latex_parser.FUNCTIONS) | latex_parser.GREEK
    catalog_names = {n for e in catalog.entries() for n in (e.name, *e.aliases, *e.in_posts.words)}
    for module in sorted((PACKAGE / "parse").glob("*.py")):
        kept = (_strings_in(module) & catalog_names) - own
        assert not kept, f"{module.name} keeps catalog names {sorted(kept)}"


def test_the_latex_reader_is_given_the_registry_and_imports_no_catalog():
    for module in (PACKAGE / "parse").glob("*.py"):
        imports = [n for n in ast.walk(ast.parse(module.read_text("utf-8"))) if isinstance(n, (ast.Import, ast.ImportFrom))]
        named = {a.name for n in imports for a in n.names} | {n.module or "" for n in imports if isinstance(n, ast.ImportFrom)}
        assert not any("catalog" in name for name in named), module.name
    assert catalog.reading_function.words == catalog.words()
    assert {"relu", "elu", "logsigmoid", "sigmoid"} <= catalog.words()


def _record(name: str) -> dict:
    return copy.deepcopy(next(r for r in data.ENTRIES if r["name"] == name))


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(aliasses=["x"]), "unknown key"),
    (lambda r: r.pop("title"), "missing key"),
    (lambda r: r.update(aliases="ReLU"), "expected a list"),
    (lambda r: r["breakpoints"][0].update(convention="sideways"), "convention 'sideways'"),
    (lambda r: r["breakpoints"][0].update(source="nowhere"), "not in CONVENTION_SOURCES"),
    (lambda r: r.update(params=[{"name": "a", "default": "1", "domain": "complex"}]), "domain 'complex'"),
    (lambda r: r.update(name="Leaky-ReLU"), "lower-case ASCII identifier"),
    (lambda r: r.update(in_posts={"names": ["lrelu"]}), "need `means`"),
    (lambda r: r.update(in_posts={"words": ["LReLU"]}), "lower-case letters"),
])
def test_a_malformed_entry_is_refused_with_its_name(change, message):
    record = _record("leaky_relu")
    change(record)
    with pytest.raises(CatalogDataError, match=message) as err:
        build_entry(record)
    assert "leaky_relu" in str(err.value) or "Leaky-ReLU" in str(err.value)


def test_a_name_used_twice_is_refused(monkeypatch):
    clash = _record("gaussian")
    clash["name"], clash["aliases"] = "gaussian2", ["ReLU"]
    monkeypatch.setattr(data, "ENTRIES", [*data.ENTRIES, clash])
    _clear_catalog_caches()
    try:
        with pytest.raises(CatalogDataError, match="'ReLU' is used by relu and gaussian2"):
            catalog.lookup("relu")
    finally:
        monkeypatch.undo()
        _clear_catalog_caches()
    assert catalog.lookup("relu").name == "relu"


def test_sympy_function_must_be_one_of_the_text_parsers_functions():
    record = _record("tanh")
    record["sympy_function"] = "__import__"
    entry = build_entry(record)
    with pytest.raises(ValueError, match="not a function of the text parser"):
        catalog.symbolic._builtin(entry)


NEW_ENTRY = {
    "name": "bipolar_sigmoid",
    "title": "bipolar sigmoid",
    "title_ja": "双極シグモイド関数",
    "definition": "(1 - exp(-x))/(1 + exp(-x))",
    "aliases": ["bipolar", "BipolarSigmoid"],
    "output_form": "(1 - y**2)/2",
    "source": "a test entry: 2σ(x) − 1",
    "in_posts": {"words": ["bipolar"]},
}

# runs in a fresh process: the entry is appended to the data before anything is built, as if it had
# been written into data.py, and no other file is touched
_NEW_ENTRY_SCRIPT = """
import json, sys
import sympy as sp
from derivator.catalog import data
data.ENTRIES.append(json.loads(sys.argv[1]))
from derivator import catalog
from derivator.parse.latex import Builder, parse_latex
from derivator.pipeline import derive

x = sp.Symbol("x", real=True)
d = derive("bipolar_sigmoid")
used = derive("x*bipolar(x)")
read = parse_latex(r"\\operatorname{Bipolar}(x)", Builder(catalog.reading_function))
print(json.dumps({
    "listed": [e.name for e in catalog.entries()][-1],
    "by_alias": catalog.get("BipolarSigmoid").name,
    "verified": d.verified,
    "derivative_ok": sp.simplify(d.derivative - sp.diff(catalog.definition(catalog.get("bipolar"), x), x)) == 0,
    "output_form": str(d.output_form) if d.output_form is not None else None,
    "used_verified": used.verified,
    "lemmas": [lemma.name for lemma in used.lemmas],
    "read": str(read),
    "described": catalog.describe(catalog.get("bipolar"))["title"],
}))
"""


@pytest.mark.slow
def test_a_new_activation_is_one_data_entry():
    done = subprocess.run([sys.executable, "-c", _NEW_ENTRY_SCRIPT, json.dumps(NEW_ENTRY)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["listed"] == out["by_alias"] == "bipolar_sigmoid"
    assert out["verified"] and out["derivative_ok"] and out["used_verified"]
    assert out["output_form"] is not None and sp.simplify(
        sp.sympify(out["output_form"]) - (1 - sp.Symbol("y") ** 2) / 2) == 0
    assert any("bipolar" in lemma for lemma in out["lemmas"]), out["lemmas"]
    assert out["read"] == "bipolar_sigmoid(x)"
    assert out["described"] == "bipolar sigmoid"


def _clear_catalog_caches() -> None:
    # only the caches of names: the per-name caches (function_class above all) must keep their classes,
    # or later tests in this process would meet two different σ′-citing classes for one entry
    for cached in (catalog.registry.entries, catalog.registry._index, catalog.symbolic._callables,
                   catalog.reading.words, catalog.reading._reading_table):
        cached.cache_clear()


def test_a_new_entry_is_found_by_every_name_table(monkeypatch):
    # the quick half of the test above, in this process: lookup, expressions, LaTeX words and readings
    monkeypatch.setattr(data, "ENTRIES", [*data.ENTRIES, copy.deepcopy(NEW_ENTRY)])
    _clear_catalog_caches()
    try:
        entry = catalog.get("BipolarSigmoid")
        assert entry.name == "bipolar_sigmoid" and catalog.entries()[-1] is entry
        assert "bipolar" in catalog.callables() and "bipolar" in catalog.words()
        expr = text_parser.parse_text("x*bipolar(x)", functions=catalog.callables(), variables=("x",))
        assert catalog.entry_of_function(type(expr.args[1] if expr.args[0] == X else expr.args[0])) is entry
        read = latex_parser.parse_latex(r"\operatorname{Bipolar}(x)", latex_parser.Builder(catalog.reading_function))
        assert catalog.entry_of_function(type(read)) is entry
        assert sp.simplify(catalog.definition(entry, X) - (2 / (1 + sp.exp(-X)) - 1)) == 0
    finally:
        monkeypatch.undo()
        _clear_catalog_caches()
    assert catalog.lookup("bipolar") is None
