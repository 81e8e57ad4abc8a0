"""The notebook (.ipynb) validates with nbformat, its math renders in KaTeX and MathJax as Jupyter
extracts it, its code cells run and check themselves; a Derivation displays itself in Jupyter."""

from __future__ import annotations

import base64
import contextlib
import io

import matplotlib
import nbformat
import pytest
from validators import katex_errors, mathjax_errors

from derivator.pipeline import derive
from derivator.publish.notebook import PLOT_ATTACHMENT, build_notebook, write_notebook
from derivator.present.flavors import jupyter

NAMES = ["sigmoid", "tanh", "relu", "gelu", "swish"]
_cache: dict = {}


def derivation(name):
    if name not in _cache:
        _cache[name] = derive(name)
    return _cache[name]


def assert_math_renders(items):
    assert items
    for engine in (katex_errors, mathjax_errors):
        errors = [(tex, err) for (tex, _), err in zip(items, engine(items)) if err]
        assert not errors, f"{engine.__name__}: {errors[:3]}"


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("name", NAMES)
def test_notebook_validates_and_its_math_renders(name, lang, tmp_path):
    path = write_notebook(derivation(name), tmp_path / f"{name}.ipynb", lang=lang)
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)  # raises on an invalid notebook
    maths = [m for cell in nb.cells if cell.cell_type == "markdown" for m in jupyter.extract(cell.source)]
    assert_math_renders(maths)


def test_graph_is_an_attached_png():
    nb = build_notebook(derivation("sigmoid"), lang="ja")
    cell = next(c for c in nb.cells if "attachments" in c)
    assert f"(attachment:{PLOT_ATTACHMENT})" in cell.source
    png = base64.b64decode(cell.attachments[PLOT_ATTACHMENT]["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


@pytest.mark.parametrize("name", NAMES)
def test_code_cells_run_and_check_the_derivative(name, monkeypatch):
    """Run every code cell in order, as a kernel would: the last one asserts f' against a central
    difference of f, so a wrong exported derivative fails here."""
    matplotlib.use("Agg")
    nb = build_notebook(derivation(name), with_plot=False)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 3  # the exported code, the graph, the check
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for source in code:
            exec(compile(source, "<cell>", "exec"), namespace)  # derivator's own generated cells
    assert "largest difference:" in out.getvalue()


def test_a_wrong_derivative_fails_the_check_cell():
    nb = build_notebook(derivation("sigmoid"), with_plot=False)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    matplotlib.use("Agg")
    namespace: dict = {}
    exec(compile(code[0], "<cell>", "exec"), namespace)
    namespace["sigmoid_grad"] = lambda x: 1.01 * namespace["sigmoid"](x) * (1 - namespace["sigmoid"](x))
    with pytest.raises(AssertionError), contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code[2], "<cell>", "exec"), namespace)


@pytest.mark.parametrize("name", NAMES)
def test_repr_latex_is_one_aligned_display(name):
    text = derivation(name)._repr_latex_()
    assert text.startswith("$$") and text.endswith("$$")
    inner = text[2:-2].strip()
    assert inner.startswith(r"\begin{aligned}") and inner.endswith(r"\end{aligned}")
    assert_math_renders([(inner, True)])


@pytest.mark.parametrize("name", NAMES)
def test_repr_markdown_is_jupyter_markdown(name):
    text = derivation(name)._repr_markdown_()
    assert "$`" not in text  # GitHub's inline form shows its backquotes in Jupyter
    assert_math_renders(jupyter.extract(text))
