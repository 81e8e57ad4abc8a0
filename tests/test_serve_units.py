"""The pieces of `derivator serve` that need no running server: request checking, the guards (rate
limit, body limit, host check, errors), the page's files, the HTML format, one-line logging. The tests
with a real server and a real browser are test_serve_api, test_serve_faults and test_serve_browser."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derivator.app import serve_guard as guard
from derivator.app.serve_requests import RequestError, check_request, derive_request

ROOT = Path(__file__).resolve().parent.parent


# -- requests ---------------------------------------------------------------------------------------------------


def test_derive_options_are_the_clis():
    req = derive_request({"input": "elu", "format": "markdown", "flavor": "zenn", "params": {"alpha": 0.5}, "facts": True})
    # the dict derivator.app.cli.derive builds for `derivator elu -f markdown --flavor zenn -p alpha=0.5 --facts`
    assert req.options == {"format": "markdown", "lang": "en", "var": "x", "order": 1, "params": {"alpha": "0.5"},
                           "at_kink": None, "standalone": False, "expand_lemmas": False, "flavor": "zenn", "facts": True}
    assert list(req.options) == ["format", "lang", "var", "order", "params", "at_kink", "standalone", "expand_lemmas",
                                 "flavor", "facts"]
    assert derive_request({"input": "sigmoid"}).options["format"] == "json"


def test_the_cli_builds_the_same_options(monkeypatch):
    """The server shares the CLI's cache only while both build the same options: read the CLI's."""
    from derivator.app import cli

    seen = {}

    def fake_key(command, text, options):
        seen.update(options)
        raise SystemExit

    monkeypatch.setattr("derivator.app.cache.key", fake_key)
    with pytest.raises(SystemExit):
        cli.derive("elu", format="markdown", flavor="zenn", lang="en", var="x", order=1, param=["alpha=0.5"],
                   at_kink=None, standalone=False, expand_lemmas=False, output=None, timeout=None, max_memory=None,
                   no_cache=False, facts=True)
    assert seen == derive_request({"input": "elu", "format": "markdown", "flavor": "zenn", "params": {"alpha": "0.5"},
                                   "facts": True}).options


@pytest.mark.parametrize("body, needle", [
    ({}, "input"), ({"input": ""}, "input"), ({"input": 3}, "input"), ({"input": "x" * 4001}, "longer"),
    ({"input": "x", "order": True}, "order"), ({"input": "x", "order": 0}, "order"), ({"input": "x", "order": 1.5}, "order"),
    ({"input": "x", "var": "__class__"}, "var"), ({"input": "x", "var": "a b"}, "var"), ({"input": "x", "lang": "fr"}, "lang"),
    ({"input": "x", "params": [1]}, "params"), ({"input": "x", "params": {"a b": 1}}, "param name"),
    ({"input": "x", "params": {"a": True}}, "number"), ({"input": "x", "params": {f"p{i}": 1 for i in range(9)}}, "at most"),
    ({"input": "x", "facts": "yes"}, "facts"), ({"input": "x", "format": "numpy", "facts": True}, "no facts"),
    ({"input": "x", "eval": "1"}, "unknown field"), (["x"], "object"), ({"input": "x", "at_kink": "a;b"}, "at_kink"),
])
def test_bad_derive_requests(body, needle):
    with pytest.raises(RequestError, match=needle):
        derive_request(body)


def test_syntax_is_decided_before_any_work():
    assert derive_request({"input": r"\frac{1}{1+e^{-x}}"}).syntax == "latex"
    assert derive_request({"input": "1/(1+exp(-x))"}).syntax == "text"
    assert derive_request({"input": "sigmoid", "syntax": "latex"}).syntax == "latex"


@pytest.mark.parametrize("name", ["../x.md", "/etc/passwd", "a\\b", "", ".", "..", "x" * 121, "a\x00.md", "a\nb"])
def test_check_names_never_name_a_path(name):
    with pytest.raises(RequestError, match="file name"):
        check_request({"text": "x", "name": name})


def test_check_request_defaults():
    req = check_request({"text": "$$x$$"})
    assert (req.name, req.lang) == ("post.md", "en")
    with pytest.raises(RequestError):
        check_request({"text": None})


def test_the_server_process_stays_light():
    # the server never imports SymPy: its process only reads requests and waits for workers
    code = ("import sys; import derivator.app.serve; "
            "print(','.join(m for m in ('sympy', 'mpmath', 'matplotlib', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


# -- guards -------------------------------------------------------------------------------------------------------


async def _call(app, scope: dict, body: bytes = b"", chunks: list[bytes] | None = None) -> tuple[int, dict, bytes]:
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)] \
        if chunks is not None else [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "method": "POST", "path": "/api/derive", "headers": [], "client": ("127.0.0.1", 1), **scope},
              receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def _echo(scope, receive, send):
    message = await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": message["body"]})


def test_body_limit_by_header_and_by_count():
    app = guard.BodyLimit(_echo, 100)
    status, _, body = asyncio.run(_call(app, {"headers": [(b"content-length", b"1000")]}))
    assert status == 413 and body.count(b"\n") == 1
    status, _, _ = asyncio.run(_call(app, {}, chunks=[b"x" * 60, b"x" * 60]))  # no length given: counted
    assert status == 413
    status, _, body = asyncio.run(_call(app, {}, chunks=[b"a" * 50, b"b" * 50]))
    assert status == 200 and body == b"a" * 50 + b"b" * 50  # the app reads the body as it was sent


def test_rate_limit_bucket():
    limit = guard.RateLimit(_echo, rate=2.0, burst=3)
    assert [limit.take("a", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.take("a", 0.0) == pytest.approx(0.5)
    assert limit.take("b", 0.0) == 0.0  # per client
    assert limit.take("a", 1.0) == 0.0  # refilled at 2 a second
    status, headers, body = asyncio.run(_call(guard.RateLimit(_echo, rate=1.0, burst=0), {}))
    assert status == 429 and headers[b"retry-after"] == b"1" and json.loads(body)["error"]


def test_rate_limit_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(guard.RateLimit, "MAX_CLIENTS", 5)
    limit = guard.RateLimit(_echo, rate=1.0, burst=1)
    for i in range(20):
        limit.take(f"10.0.0.{i}", 0.0)
    assert len(limit.buckets) == 5


def test_host_check_and_errors_as_json():
    checked = guard.HostCheck(_echo, ("127.0.0.1", "localhost"))
    assert asyncio.run(_call(checked, {"headers": [(b"host", b"localhost:8000")]}))[0] == 200
    assert asyncio.run(_call(checked, {"headers": [(b"host", b"evil.example:8000")]}))[0] == 421

    async def broken(scope, receive, send):
        raise ValueError("a bug\nover two lines")

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("derivator.serve").addHandler(handler)
    try:
        status, headers, body = asyncio.run(_call(guard.SecurityHeaders(guard.ErrorsAsJSON(broken)), {}))
    finally:
        logging.getLogger("derivator.serve").removeHandler(handler)
    assert status == 500 and body.count(b"\n") == 1 and b"ValueError" in body and b"over two" not in body
    assert "unsafe-inline" not in headers[b"content-security-policy"].decode()
    assert len(records) == 1 and "\n" not in records[0].getMessage()


def test_log_lines_never_hold_a_traceback():
    from derivator.app.serve import OneLine

    try:
        raise RuntimeError("deep\ninside")
    except RuntimeError:
        import sys as _sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), _sys.exc_info())
    line = OneLine("%(message)s").format(record)
    assert line == "failed here: RuntimeError: deep inside"


# -- the page's files and the HTML format ------------------------------------------------------------------------


def test_static_table_is_only_the_shipped_files():
    from derivator.app.serve import static_files

    files = static_files()
    assert {"/static/index.html", "/static/app.js", "/static/app.css", "/static/katex/katex.min.js",
            "/static/katex/katex.min.css", "/static/katex/LICENSE"} <= set(files)
    assert all(p.startswith("/static/") and ".." not in p for p in files)
    fonts = [p for p in files if p.endswith(".woff2")]
    css = files["/static/katex/katex.min.css"][0].decode()
    # every woff2 font the stylesheet names is shipped (the woff/ttf fallbacks are never requested)
    import re

    named = set(re.findall(r"fonts/([\w-]+\.woff2)", css))
    assert named and named == {p.rsplit("/", 1)[1] for p in fonts}


def test_vendored_katex_is_the_pinned_version():
    lock = json.loads((ROOT / "tools" / "validate-math" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/katex"]["version"]
    vendored = (ROOT / "derivator" / "app" / "static" / "katex" / "VERSION.txt").read_text().strip()
    assert vendored == pinned, "run tools/vendor-katex.sh"
    assert f'version:"{pinned}"' in (ROOT / "derivator" / "app" / "static" / "katex" / "katex.min.js").read_text()


def test_page_has_no_inline_script_or_style():
    html = (ROOT / "derivator" / "app" / "static" / "index.html").read_text()
    found: list[str] = []

    class Look(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names = dict(attrs)
            if tag == "script" and not names.get("src") or tag == "style":
                found.append(tag)
            found.extend(a for a in names if a.startswith("on") or a == "style")

    Look().feed(html)
    assert not found


def test_html_format_escapes_and_marks_math():
    from derivator.pipeline import derive
    from derivator.present.dispatch import render

    html = render(derive("relu"), "html", "en")
    tags: set[str] = set()
    attributes: set[str] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)
            attributes.update(a for a, _ in attrs)

    Collect().feed(html)
    assert tags <= {"article", "h2", "h3", "h4", "ol", "ul", "li", "div", "p", "span", "details", "summary", "section"}
    assert attributes <= {"class", "lang", "data-verified", "data-rule", "data-fact", "title"}
    assert "(x &lt; 0)" in html  # TeX is escaped as text; the page reads it back with textContent
    assert 'class="step unverified"' not in html and "Every step verified." in html


def _catalog_names() -> list[str]:
    from derivator import catalog

    return [e.name for e in catalog.entries()]


@pytest.mark.parametrize("name", _catalog_names())
def test_every_formula_of_the_page_passes_katex(name):
    """What the page typesets, for every catalog entry in both languages, renders in KaTeX (the version
    the page ships), so the page never shows a `.katex-error`."""
    import html as html_module
    import re

    from derivator.pipeline import derive
    from derivator.present.dispatch import render
    from validators import katex_errors

    d = derive(name)
    items = []
    for lang in ("en", "ja"):
        page = render(d, "html", lang)
        items += [(html_module.unescape(tex), kind == "math display")
                  for kind, tex in re.findall(r'<(?:span|div) class="(math(?: display)?)">(.*?)</(?:span|div)>', page, re.S)]
    assert items
    bad = [(tex, err) for (tex, _), err in zip(items, katex_errors(items)) if err]
    assert not bad, bad[:3]


def test_a_bug_in_a_route_is_one_line_of_json_and_of_log(caplog):
    from derivator.app.serve import Settings, create_app

    app = create_app(Settings())  # called without its lifespan: no workers are started

    async def broken(request):
        raise KeyError("a bug\nin two lines")

    app.router.add_route("/api/broken", broken)
    scope = {"method": "GET", "path": "/api/broken", "raw_path": b"/api/broken", "query_string": b"", "root_path": "",
             "scheme": "http", "http_version": "1.1", "server": ("127.0.0.1", 8000),
             "headers": [(b"host", b"127.0.0.1:8000")]}
    with caplog.at_level(logging.ERROR, logger="derivator.serve"):
        status, headers, body = asyncio.run(_call(app, scope))
    assert status == 500 and json.loads(body) == {"error": "internal error: KeyError (please report)"}
    assert body.count(b"\n") == 1 and headers[b"content-security-policy"]
    assert [r.levelname for r in caplog.records] == ["ERROR"] and "\n" not in caplog.records[0].getMessage()


def test_one_client_never_holds_every_worker():
    from derivator.app.serve import Service, Settings

    service = Service(Settings())
    service.pool.size = 3  # three workers: a client may use two at once
    running: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}

    async def request(client: str) -> None:
        async with service.client_slot(client):
            running[client] += 1
            peak[client] = max(peak[client], running[client])
            await asyncio.sleep(0.01)
            running[client] -= 1

    async def main() -> None:
        await asyncio.gather(*(request("a") for _ in range(6)), *(request("b") for _ in range(2)))

    asyncio.run(main())
    assert peak == {"a": 2, "b": 2}
    assert service.per_client == {}  # clients are forgotten once idle
