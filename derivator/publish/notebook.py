"""A Jupyter notebook (.ipynb, built with nbformat) for one derivation.

Markdown cells use the Jupyter flavour ($$ + aligned, which JupyterLab's MathJax and VS Code's KaTeX
both render); the graph is a PNG attached to its cell, so the notebook shows it before anything runs;
code cells hold the exported NumPy code, a cell that redraws the graph from that code, and a cell that
checks the derivative against a central difference — so a student can run and change every piece.
"""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import sympy as sp
from nbformat import v4

from derivator import __version__
from derivator.present.codegen import names
from derivator.present.dispatch import render
from derivator.i18n import t
from derivator.publish.plot import figure, figure_bytes, labels
from derivator.present.flavors import jupyter
from derivator.present.narration import reader_name
from derivator.present.prose import close_up
from derivator.core.printing import to_latex
from derivator.core.trace import Derivation

PLOT_ATTACHMENT = "plot.png"


def _plot_png(d: Derivation, lang: str) -> bytes:
    return figure_bytes(figure(d, lang=lang), "png", lang)


def _md(text: str, **kwargs) -> nbformat.NotebookNode:
    return v4.new_markdown_cell(text.strip() + "\n", **kwargs)


def build_notebook(d: Derivation, *, lang: str = "en", with_plot: bool = True,
                   properties: str | None = None) -> nbformat.NotebookNode:
    """The notebook as an nbformat node (validate with nbformat.validate, write with nbformat.write)."""
    f = jupyter.FLAVOR
    n = names(d)
    _, _, f_name, df_name = labels(d)
    fn_tex = to_latex(d.function)
    cells = [
        _md("# " + f.text(close_up(t("doc.title", lang, name=reader_name(d, lang)))) + "\n\n"
            + f.text(t("doc.generated", lang, version=__version__))),
        _md("## " + f.text(t("doc.definition", lang)) + "\n\n" + f.display([f"{fn_tex} &= {to_latex(d.definition)}"])),
    ]
    if with_plot:
        alt = f.text(t("plot.title", lang, f=f_name, df=df_name))
        png = base64.b64encode(_plot_png(d, lang)).decode("ascii")
        cells.append(_md(f"## {f.text(t('doc.plot', lang))}\n\n![{alt}](attachment:{PLOT_ATTACHMENT})",
                         attachments={PLOT_ATTACHMENT: {"image/png": png}}))
    cells.append(_md(render(d, "markdown", lang, flavor="jupyter")))
    # Properties of the derivative (f'(0), maximum, limits, …): a cell when they are given
    if properties:
        cells.append(_md("## " + f.text(t("doc.properties", lang)) + "\n\n" + properties))
    cells.append(_md("## " + f.text(t("doc.code", lang)) + "\n\n" + f.text(t("doc.code_intro", lang, format="numpy"))))
    cells.append(v4.new_code_cell(render(d, "numpy", lang).strip()))
    # with a parameter of the user's own, the user must choose its value first; a catalog parameter
    # has its source's default in the exported code, so the cells run at that default
    defaults = d.default_values
    if len(n.params) <= len(defaults) and set(n.params) <= {s.name for s in defaults}:
        cells.append(v4.new_code_cell(_redraw(n, f_name, df_name)))
        cells.append(v4.new_code_cell(_check(n, [float(sp.sympify(k.at).xreplace(defaults)) for k in d.kinks])))
    nb = v4.new_notebook(cells=cells)
    nb.metadata.update({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    return nb


def _redraw(n, f_name: str, df_name: str) -> str:
    return "\n".join([
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "",
        "xs = np.linspace(-6, 6, 601)",
        f"plt.plot(xs, {n.function}(xs), label={f_name!r})",
        f"plt.plot(xs, {n.derivative}(xs), '--', label={df_name!r})",
        "plt.axhline(0, color='0.6', lw=0.8)",
        "plt.legend()",
        "plt.grid(True)",
        "plt.show()",
    ])


def _check(n, kinks: list[float]) -> str:
    lines = [
        "# the derivative against a central difference of the function itself",
        "import numpy as np",
        "",
        "h = 1e-6",
        "xs = np.linspace(-6, 6, 601)",
    ]
    if kinks:
        lines.append(f"xs = xs[np.min(np.abs(xs[:, None] - np.array({kinks!r})[None, :]), axis=1) > 1e-3]  # away from kinks")
    lines += [
        f"numeric = ({n.function}(xs + h) - {n.function}(xs - h)) / (2 * h)",
        f"print('largest difference:', np.max(np.abs({n.derivative}(xs) - numeric)))",
        f"assert np.allclose({n.derivative}(xs), numeric, atol=1e-6)",
    ]
    if n.from_output:
        lines.append(f"assert np.allclose({n.from_output}({n.function}(xs)), {n.derivative}(xs))")
    return "\n".join(lines)


def write_notebook(d: Derivation, path: str | Path, *, lang: str = "en") -> Path:
    from derivator.core.files import atomic_write_text

    nb = build_notebook(d, lang=lang)
    nbformat.validate(nb)
    atomic_write_text(path, nbformat.writes(nb) + "\n")
    return Path(path)
