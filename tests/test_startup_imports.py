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


def test_deriving_a_catalog_name_loads_neither_the_latex_reader_nor_the_checker():
    loaded = _loaded("from derivator.pipeline import derive\nfrom derivator.present.dispatch import render\n"
                     "print(render(derive('sigmoid'), 'latex', 'en')[:20])")
    assert "sympy" in loaded and "derivator.pipeline" in loaded and "derivator.present.latex" in loaded
    assert not {"derivator.parse.latex", "derivator.check", "derivator.check.report"} & loaded


def test_a_check_report_is_still_rendered_as_one():
    loaded = _loaded("from derivator.check import check_text\nfrom derivator.present.dispatch import render\n"
                     "out = render(check_text('$$f(x) = x^2$$\\n$$f\\'(x) = 2x$$\\n'), 'json', 'en')\n"
                     "import json; assert 'claims' in json.loads(out) or 'lines' in json.loads(out), out[:200]")
    assert "derivator.present.check_report" in loaded


def test_latex_input_still_loads_the_latex_reader():
    loaded = _loaded("from derivator.pipeline import derive\nderive(r'\\frac{1}{1+e^{-x}}')")
    assert "derivator.parse.latex" in loaded
