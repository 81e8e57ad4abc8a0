"""Start-up imports only what the command needs (issue 15): checked on sys.modules of a fresh process,
never on time."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pydantic", "sympy", "mpmath", "rich", "jinja2", "numpy", "scipy", "matplotlib", "lark")


def _loaded(code: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_command_line_module_imports_nothing_heavy():
    loaded = _loaded("import derivator.app.cli")
    assert "derivator.app.cli" in loaded  # the probe measured what it claims to
    assert sorted({m.split(".")[0] for m in loaded} & set(HEAVY)) == []
    # the engine and renderers come with a command that derives, not with the command line itself
    assert not {"derivator.pipeline", "derivator.engine.tracer", "derivator.verify"} & loaded


def test_deriving_a_catalog_name_does_not_load_the_latex_reader():
    loaded = _loaded("from derivator.pipeline import derive\nderive('sigmoid')")
    assert "sympy" in loaded and "derivator.pipeline" in loaded
    assert "derivator.parse.latex" not in loaded


def test_latex_input_still_loads_the_latex_reader():
    loaded = _loaded("from derivator.pipeline import derive\nderive(r'\\frac{1}{1+e^{-x}}')")
    assert "derivator.parse.latex" in loaded
