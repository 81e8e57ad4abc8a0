"""The Python API (`from derivator import derive, check, render`): what the README shows works, is typed,
agrees with the command line, and `import derivator` stays cheap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import derivator
from derivator import CheckReport, Derivation, DerivatorError, check, check_file, derive, loss, render
from derivator.verify import plain
from validators import katex_errors

REPO = Path(__file__).resolve().parent.parent


def _python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, cwd=REPO)


def test_derive_returns_a_verified_derivation():
    d = derive("sigmoid")
    assert isinstance(d, Derivation) and d.verified and d.name == "sigmoid"
    y = d.output_symbol
    assert sp.simplify(d.output_form - y * (1 - y)) == 0


def test_derive_reads_latex_and_numeric_params():
    d = derive(r"\frac{1}{1+e^{-x}}")
    x = d.variable
    assert d.input == r"\frac{1}{1+e^{-x}}" and d.verified
    # typed out, the sigmoid is derived as the catalog's is: its derivative folds back into σ(x)
    assert d.derivative.atoms(sp.Function) and sp.simplify(plain(d.derivative) - sp.diff(1 / (1 + sp.exp(-x)), x)) == 0
    assert derive("leaky_relu", params={"negative_slope": 0.2}).definition == derive(
        "leaky_relu", params={"negative_slope": "1/5"}).definition  # 0.2 is exact


def test_render_is_what_the_command_line_prints():
    d = derive("tanh(x)")
    done = subprocess.run([sys.executable, "-m", "derivator", "tanh(x)", "--format", "json", "--no-cache"],
                          capture_output=True, text=True, timeout=120)
    assert json.loads(render(d, "json")) == json.loads(done.stdout)
    assert render(d, "markdown", "ja", flavor="zenn").startswith("## ")


def test_render_refuses_what_it_does_not_know():
    d = derive("x**2")
    for kwargs in ({"format": "pdf"}, {"format": "markdown", "flavor": "myspace"}, {"lang": "fr"}):
        with pytest.raises(DerivatorError):
            render(d, **kwargs)
    with pytest.raises(DerivatorError):
        render(check("$$x = x$$", "post.md"), "numpy")


def test_check_judges_text_and_files(tmp_path):
    post = "$$\n\\frac{d}{dx} x^2 = 3x\n$$\n"
    report = check(post, "post.md")
    assert isinstance(report, CheckReport) and not report.ok and report.first_error_line == 2
    (tmp_path / "post.md").write_text(post)
    assert check_file(tmp_path / "post.md").claims[0].status == "wrong"
    assert json.loads(render(report, "json"))["claims"][0]["status"] == "wrong"


def test_check_is_the_same_callable_whatever_was_imported_first():
    """The subpackage derivator.check takes its name on the package whenever it loads; calling it is check."""
    done = _python("import derivator.check.judge\nfrom derivator import check\n"
                   "print(check('$$x + x = 2x$$', 'post.md').ok, check.check_text is not None)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_loss_is_in_the_api():
    assert loss("mse").verified


def test_import_derivator_loads_no_sympy_and_the_api_on_demand():
    done = _python("import sys, derivator\nassert 'sympy' not in sys.modules and 'derivator.api' not in sys.modules\n"
                   "derivator.derive\nassert 'derivator.api' in sys.modules\nfrom derivator import catalog\n"
                   "print(catalog.__name__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "derivator.catalog"
    with pytest.raises(AttributeError):
        derivator.no_such_name  # noqa: B018
    assert set(derivator.__all__) <= set(dir(derivator))


def test_jupyter_display_of_a_check_report_passes_katex():
    report = check("$$\\frac{d}{dx} e^{2x} = e^{2x}$$", "post.md")
    markdown = report._repr_markdown_()
    assert "wrong" in markdown
    inline = [part for i, part in enumerate(markdown.split("$")) if i % 2 == 1 and part]
    assert inline and katex_errors([(m, False) for m in inline]) == [None] * len(inline)


def test_the_readme_example_runs():
    """The notebook-sized example in the README, as written there."""
    readme = (REPO / "README.md").read_text()
    start = readme.index("<!-- the API example -->")
    code = readme[start:].split("```python\n", 1)[1].split("```", 1)[0]
    done = _python(code)
    assert done.returncode == 0, done.stderr
    assert "y*(1 - y)" in done.stdout


def test_the_stable_names_and_signatures():
    """The README's API: removing or renaming a name or a keyword here is a breaking change."""
    import inspect

    assert set(derivator.__all__) == {
        "__version__", "derive", "check", "check_file", "loss", "render", "SYNTAXES", "Derivation", "Step", "Kink",
        "Lemma", "Verification", "CheckReport", "ClaimResult", "Note", "DerivatorError", "ParseError", "UnsupportedError"}
    assert list(inspect.signature(derive).parameters) == ["expression", "var", "order", "params", "at_kink", "syntax"]
    assert list(inspect.signature(render).parameters) == ["result", "format", "lang", "flavor", "standalone"]
    assert list(inspect.signature(derivator.api.check).parameters) == ["text", "name"]
    assert derivator.SYNTAXES == ("auto", "text", "latex")
