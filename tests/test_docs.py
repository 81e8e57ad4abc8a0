"""Documents from templates/: every LaTeX document compiles (article and Beamer, English with pdflatex,
Japanese with lualatex), every blog post's math passes KaTeX and MathJax as its platform extracts it,
and a user's own template directory takes precedence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from validators import katex_errors, latex_compile, mathjax_errors

from derivator.pipeline import derive
from derivator.publish.documents import render_document, tex_escape, write_document
from derivator.core.errors import DerivatorError
from derivator.present.flavors import FLAVORS, flavor_module

NAMES = ["sigmoid", "tanh", "relu", "gelu", "swish"]
_cache: dict = {}


def derivation(name):
    if name not in _cache:
        _cache[name] = derive(name)
    return _cache[name]


def pages(workdir) -> int:
    log = (workdir / "doc.log").read_text(errors="replace")
    return int(re.search(r"Output written on doc\.pdf \((\d+) pages?", log).group(1))


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("template", ["article", "beamer"])
@pytest.mark.parametrize("name", NAMES)
def test_latex_document_compiles(name, template, lang, tmp_path):
    d = derivation(name)
    written = write_document(d, tmp_path / "doc.tex", template, lang=lang)
    assert (tmp_path / "doc-plot.pdf") in written  # the graph the document includes
    source = (tmp_path / "doc.tex").read_text(encoding="utf-8")
    assert r"\includegraphics" in source and "doc-plot.pdf" in source
    engine = "lualatex" if lang == "ja" else "pdflatex"
    extra = ("beamer.cls",) if template == "beamer" else ()
    ok, log = latex_compile(source, engine, tmp_path, extra_files=extra)
    assert ok, log
    if template == "beamer":
        # title, definition, graph, one overlay per step, result, [kinks], [lemmas], then the code, which
        # breaks over as many frames as it needs (one to three for these entries)
        expected = 3 + len(d.steps) + 1 + bool(d.kinks) + bool(d.lemmas) + 1
        assert expected <= pages(tmp_path) <= expected + 2


@pytest.mark.parametrize("name", NAMES)
def test_english_documents_are_ascii_for_pdflatex(name):
    """pdflatex without Unicode fonts fails on any stray non-ASCII character: none may reach it."""
    for template in ("article", "beamer"):
        text = render_document(derivation(name), template, lang="en", plot="p.pdf").text
        stray = sorted({ch for ch in text if ord(ch) > 127})
        assert not stray, f"{template}: {stray}"


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_every_english_sentence_escapes_to_ascii():
    """Every word derivator can say in English (the whole catalog, not only the five functions above)
    becomes ASCII TeX, so no derivation's narration can stop pdflatex."""
    from derivator.i18n import catalog as messages

    stray = {s: sorted({ch for ch in tex_escape(s) if ord(ch) > 127}) for s in _strings(messages("en"))}
    assert not {s: chars for s, chars in stray.items() if chars}


def test_tex_escape_compiles_every_special_character(tmp_path):
    specials = r"\ { } $ & # ^ _ % ~ | < > " + "² ³ ¹ ⁿ ⁻ ₀ ₙ √ π σ ς Σ Α δ λ ∂ ∑ × − ′ · → ≤ ≥ ≠ ≈ ∞ ℝ … — “q” ✓ ⚠"
    body = tex_escape(specials)
    assert all(ord(ch) < 128 for ch in body)
    src = "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n" + body + "\n\\end{document}\n"
    ok, log = latex_compile(src, "pdflatex", tmp_path)
    assert ok, log


@pytest.mark.parametrize("flavor", FLAVORS)
def test_blog_post_math_renders_in_katex_and_mathjax(flavor):
    module = flavor_module(flavor)
    items = []
    for name in NAMES:
        for lang in ("en", "ja"):
            post = render_document(derivation(name), "blog", lang=lang, flavor=flavor, plot="p.png").text
            maths = module.extract(post)
            assert maths, (name, lang)
            items += maths
    for engine in (katex_errors, mathjax_errors):
        errors = [(tex, err) for (tex, _), err in zip(items, engine(items)) if err]
        assert not errors, f"{engine.__name__}: {errors[:3]}"


@pytest.mark.parametrize("flavor", FLAVORS)
def test_blog_post_holds_every_part(flavor):
    """Definition, graph, steps, result, output form and code are all in the post."""
    d = derivation("sigmoid")
    post = render_document(d, "blog", lang="en", flavor=flavor, plot="sigmoid-plot.png").text
    assert "sigmoid-plot.png" in post
    assert "def sigmoid_grad_from_output(y):" in post
    module = flavor_module(flavor)
    tex = " ".join(t for t, _ in module.extract(post))
    assert r"\frac{1}{1 + e^{-x}}" in tex  # the definition
    assert r"y \left(1 - y\right)" in tex  # the output form
    assert "add and subtract" in post  # the +1-1 step, by its rule name


@pytest.mark.parametrize("flavor, lang", [("zenn", "ja"), ("qiita", "en"), ("mkdocs", "ja")])
def test_front_matter_title_is_a_quoted_string(flavor, lang):
    post = render_document(derive("x**2*exp(-x)"), "blog", lang=lang, flavor=flavor).text
    lines = post.split("\n")
    assert lines[0] == "---"
    title = next(line for line in lines if line.startswith("title: "))
    assert "x**2*exp(-x)" in json.loads(title[len("title: "):])  # unescaped: front matter is not Markdown


def test_user_template_directory_comes_first(tmp_path):
    (tmp_path / "article.tex").write_text(r"MY ARTICLE \VAR{function} \BLOCK{for s in steps}[\VAR{s.rule}]\BLOCK{endfor}")
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "zenn.md").write_text('{% extends "blog/base.md" %}{% block title %}MY ZENN{% endblock %}')
    d = derivation("sigmoid")
    article = render_document(d, "article", template_dir=tmp_path).text
    assert article.startswith(r"MY ARTICLE \sigma(x) [definition]")
    post = render_document(d, "blog", flavor="zenn", template_dir=tmp_path).text
    assert post.startswith("MY ZENN")
    # a template the user did not override still comes from derivator
    assert r"\documentclass" in render_document(d, "beamer", template_dir=tmp_path).text


def test_user_can_add_a_new_latex_template(tmp_path):
    (tmp_path / "handout.tex").write_text(r"\documentclass{article}\begin{document}$\VAR{lhs} = \VAR{derivative}$\end{document}")
    doc = render_document(derivation("tanh"), "handout", template_dir=tmp_path)
    assert doc.kind == "tex" and r"\tanh'(x) = " in doc.text


@pytest.mark.parametrize("kwargs", [
    {"template": "poster"},
    {"template": "blog", "flavor": "medium"},
    {"template": "article", "template_dir": "/nonexistent/templates"},
])
def test_bad_template_choice_is_a_derivator_error(kwargs):
    with pytest.raises(DerivatorError):
        render_document(derivation("sigmoid"), **kwargs)


def test_template_typo_is_a_derivator_error(tmp_path):
    (tmp_path / "article.tex").write_text(r"\VAR{no_such_variable}")
    with pytest.raises(DerivatorError):
        render_document(derivation("sigmoid"), "article", template_dir=tmp_path)


def test_properties_slot_is_empty_until_filled():
    """The block issue 7 fills: absent by default, rendered when the context carries properties."""
    for template in ("article", "beamer"):
        assert "Properties" not in render_document(derivation("sigmoid"), template).text


def _cli(*args, cwd):
    import os
    import subprocess
    import sys

    # the tree under test, not whatever copy is installed (they differ in a clone with an older install)
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
               XDG_CACHE_HOME=str(Path(cwd) / ".cache"))
    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env=env)


def test_cli_doc_writes_a_beamer_deck_that_compiles(tmp_path):
    """`derivator doc sigmoid --template beamer --lang ja -o sigmoid.tex`, as in the issue."""
    done = _cli("doc", "sigmoid", "--template", "beamer", "--lang", "ja", "-o", "sigmoid.tex", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sigmoid-plot.pdf").is_file()
    source = (tmp_path / "sigmoid.tex").read_text(encoding="utf-8")
    ok, log = latex_compile(source, "lualatex", tmp_path, extra_files=("beamer.cls",))
    assert ok, log


def test_cli_doc_notebook_and_blog(tmp_path):
    import nbformat

    done = _cli("doc", "relu", "--template", "notebook", "-o", "relu.ipynb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    nbformat.validate(nbformat.read(str(tmp_path / "relu.ipynb"), as_version=4))
    blog = _cli("doc", "tanh", "--template", "blog", "--flavor", "zenn", "--lang", "ja", cwd=tmp_path)
    assert blog.returncode == 0, blog.stderr
    assert blog.stdout.strip() == render_document(derivation("tanh"), "blog", lang="ja", flavor="zenn").text.strip()


def test_cli_doc_unknown_template_is_one_line_exit_2(tmp_path):
    done = _cli("doc", "sigmoid", "--template", "poster", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
