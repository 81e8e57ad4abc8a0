"""`derivator serve`'s JSON API against the command line: the same input gives the same bytes.

One real server (its own process, a free port, its own cache folder) for the module; the command line
runs from the same source tree with the cache off.
"""

from __future__ import annotations

import json
from urllib.parse import unquote

import httpx
import pytest

from serve_support import POST, WRONG_LINE, Server, cli

# a real server starts in ~10 s (its workers import SymPy), so every test here is in the slow set
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    with Server("--workers", "2", "--quiet") as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def derive(client, **body) -> httpx.Response:
    return client.post("/api/derive", json=body)


def test_derive_json_is_the_cli_json(client):
    answer = derive(client, input="sigmoid", format="json")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    expected = cli("sigmoid", "--format", "json")
    assert expected.returncode == 0, expected.stderr
    assert answer.text == expected.stdout
    assert json.loads(answer.text)["verified"] is True


@pytest.mark.parametrize("body, argv", [
    ({"input": "tanh", "format": "latex", "order": 2}, ["tanh", "--format", "latex", "--order", "2"]),
    ({"input": "swish", "format": "markdown", "flavor": "zenn", "lang": "ja"},
     ["swish", "--format", "markdown", "--flavor", "zenn", "--lang", "ja"]),
    ({"input": "leaky_relu", "format": "json", "params": {"negative_slope": 0.2}, "at_kink": "mean"},
     ["leaky_relu", "--format", "json", "--param", "negative_slope=0.2", "--at-kink", "mean"]),
    ({"input": "x**2*exp(-x)", "format": "numpy"}, ["x**2*exp(-x)", "--format", "numpy"]),
])
def test_other_formats_are_the_cli_text(client, body, argv):
    answer = derive(client, **body)
    assert answer.status_code == 200, answer.text
    expected = cli(*argv)
    assert expected.returncode == 0, expected.stderr
    assert answer.text == expected.stdout


def test_check_json_is_the_cli_json(client, tmp_path):
    (tmp_path / "post.md").write_text(POST, "utf-8")
    answer = client.post("/api/check", json={"text": POST, "name": "post.md"})
    assert answer.status_code == 200, answer.text
    expected = cli("check", "post.md", "--format", "json", cwd=tmp_path)
    assert expected.returncode == 1, expected.stderr  # one wrong line
    assert answer.text == expected.stdout
    assert answer.headers["x-derivator-exit-code"] == "1"
    report = answer.json()
    assert [c["line"] for c in report["claims"] if c["status"] == "wrong"] == [WRONG_LINE]


def test_check_in_japanese_and_the_name_tells_the_syntax(client, tmp_path):
    tex = "\\begin{align}\nf(x) &= x^2 \\\\\nf'(x) &= 3x\n\\end{align}\n"
    (tmp_path / "notes.tex").write_text(tex, "utf-8")
    answer = client.post("/api/check", json={"text": tex, "name": "notes.tex", "lang": "ja"})
    assert answer.status_code == 200, answer.text
    assert answer.text == cli("check", "notes.tex", "--format", "json", "--lang", "ja", cwd=tmp_path).stdout
    assert answer.json()["first_error_line"] == 3


def test_latex_input_is_derived_as_typed(client):
    answer = derive(client, input=r"\frac{1}{1+e^{-x}}", format="json")
    assert answer.status_code == 200, answer.text
    read_as = unquote(answer.headers["x-derivator-read-as"])
    assert read_as == "1/(1 + exp(-x))"  # the header says how it was read
    # the JSON is the command line's for the same LaTeX, its input the LaTeX as typed (not SymPy's spelling)
    assert answer.text == cli(r"\frac{1}{1+e^{-x}}", "--format", "json").stdout
    assert answer.json()["input"] == r"\frac{1}{1+e^{-x}}"
    named = derive(client, input=r"\sigma(x)", format="json")
    assert named.json()["name"] == "sigmoid"


def test_the_page_format_is_safe_html_with_math(client):
    answer = derive(client, input="relu", format="html", lang="ja")
    assert answer.status_code == 200, answer.text
    html = answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert html.count('class="step') >= 3 and 'class="math display"' in html and "定義" in html
    tags, attributes = markup(html)
    assert not {"script", "style", "link", "iframe", "img", "a"} & tags, tags
    assert not [a for a in attributes if a == "style" or a.startswith("on") or a in ("href", "src")], attributes


def markup(html: str) -> tuple[set[str], set[str]]:
    """Every tag and attribute name in a fragment."""
    from html.parser import HTMLParser

    tags: set[str] = set()
    attributes: set[str] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)
            attributes.update(name for name, _ in attrs)

    Collect().feed(html)
    return tags, attributes


def test_the_page_request_fills_the_cache_for_copy_and_plot(client):
    first = derive(client, input="softplus", format="html")
    assert first.status_code == 200 and first.headers["x-derivator-cache"] == "miss"
    for body in ({"format": "latex"}, {"format": "markdown", "flavor": "qiita"}, {"format": "svg"}, {"format": "json"}):
        again = derive(client, input="softplus", **body)
        assert again.status_code == 200, again.text
        assert again.headers["x-derivator-cache"] == "hit", body
    svg = derive(client, input="softplus", format="svg")
    assert svg.headers["content-type"] == "image/svg+xml" and "<svg" in svg.text
    assert derive(client, input="softplus", format="latex").text == cli("softplus", "--format", "latex").stdout


@pytest.mark.slow
def test_derive_with_facts_is_the_cli_json(client):
    answer = derive(client, input="sigmoid", format="json", facts=True)
    assert answer.status_code == 200, answer.text
    assert answer.text == cli("sigmoid", "--format", "json", "--facts").stdout
    assert answer.json()["facts"]["max"] == "1/4"


def test_ui_words_and_catalog(client):
    words = client.get("/api/ui", params={"lang": "ja"}).json()
    assert words["lang"] == "ja" and words["web"]["tab_derive"] == "微分する" and "en" in words["langs"]
    assert words["check"]["status"]["wrong"]
    names = [e["name"] for e in client.get("/api/catalog").json()]
    assert "sigmoid" in names and "gelu" in names


def test_input_errors_are_one_line_json(client):
    answer = derive(client, input="x +* 2", format="json")
    assert answer.status_code == 422
    assert answer.text.count("\n") == 1 and set(answer.json()) == {"error"}
    assert "x +* 2" not in answer.text or "column" in answer.json()["error"]
    unknown = derive(client, input="sigmod", format="json")
    assert unknown.status_code == 422 and "sigmoid" in unknown.json()["error"]  # did you mean
