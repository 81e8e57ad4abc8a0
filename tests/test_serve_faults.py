"""`derivator serve` under untrusted input: every refusal is a one-line JSON error with the right status,
a hostile request costs only its own worker, a killed worker costs only its own request, and the server's
log never holds a traceback. One real server for the module (1 s of work per request, two workers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from serve_support import DEEP, POST, ROOT, TOWER, Server

# a real server starts in ~10 s (its workers import SymPy), so every test here is in the slow set
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    with Server("--workers", "2", "--timeout", "1", "--max-body", "200K") as running:
        yield running
        log = running.log()
        assert "Traceback" not in log, log[-3000:]
        assert all(len(line) < 1100 for line in log.splitlines())


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def one_line_error(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.text.endswith("\n") and answer.text.count("\n") == 1, answer.text
    body = answer.json()
    assert set(body) == {"error"} and body["error"], body
    return body["error"]


def test_oversized_body_is_refused_before_any_work(client):
    big = json.dumps({"text": "x" * 5_000_000, "name": "post.md"})
    message = one_line_error(client.post("/api/check", content=big, headers={"content-type": "application/json"}), 413)
    assert "limit" in message
    # a body sent in chunks, without Content-Length, is counted as it arrives
    chunks = (big[i:i + 65536].encode() for i in range(0, len(big), 65536))
    one_line_error(client.post("/api/check", content=chunks, headers={"content-type": "application/json"}), 413)
    assert client.post("/api/derive", json={"input": "sigmoid", "format": "latex"}).status_code == 200


@pytest.mark.parametrize("content, type_, needle", [
    (b'{"input": "sigmoid",', "application/json", "malformed JSON"),
    (b"\xff\xfe", "application/json", "UTF-8"),
    (b'["sigmoid"]', "application/json", "object"),
    (b'{"input": "sigmoid", "formt": "json"}', "application/json", "unknown field"),
    (b'{"input": "sigmoid", "order": 99}', "application/json", "order"),
    (b'{"input": "sigmoid", "format": "exe"}', "application/json", "format"),
    (b"input=sigmoid", "application/x-www-form-urlencoded", "Content-Type"),
    (b"[" * 100_000, "application/json", "nested too deeply"),
    (b'{"text": "\\ud800", "name": "post.md"}', "application/json", "surrogate"),
    (b'{"input": "sigmoid", "order": ' + b"9" * 5000 + b"}", "application/json", "malformed JSON"),
])
def test_malformed_requests(client, content, type_, needle):
    assert needle in one_line_error(client.post("/api/derive", content=content, headers={"content-type": type_}), 400)


def test_a_slow_input_hits_the_time_limit(client):
    start = time.monotonic()
    message = one_line_error(client.post("/api/derive", json={"input": TOWER, "format": "json"}), 422)
    assert "time limit" in message and time.monotonic() - start < 10


def test_a_deep_nest_is_refused(client):
    message = one_line_error(client.post("/api/derive", json={"input": DEEP, "format": "json"}), 422)
    assert "nest" in message or "deep" in message


def test_rate_limit_per_client(server):
    # its own loopback address: a client of its own, so the other tests keep their allowance
    with httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.77"), timeout=30) as c:
        answers = []
        while len(answers) < 300 and not any(a.status_code == 429 for a in answers[-1:]):
            answers.append(c.get("/api/health"))  # the bucket refills at 5 a second: faster than that, it empties
    limited = [a for a in answers if a.status_code == 429]
    assert limited and all(a.status_code == 200 for a in answers[:30])  # the burst of 30 first
    assert "too many requests" in one_line_error(limited[0], 429)
    assert int(limited[0].headers["retry-after"]) >= 1
    with httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.78"), timeout=30) as c:
        assert c.get("/api/health").status_code == 200  # another client is not affected


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/%2e%2e/serve.py", "/static/katex/../../serve.py",
                                  "/etc/passwd", "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/serve.py",
                                  "/static/../../../../../../etc/passwd", "/static/app.js/..%2f..%2fserve.py"])
def test_no_file_system_path_is_reachable(client, path):
    answer = client.get(path)
    assert answer.status_code == 404, (path, answer.text[:200])
    assert set(answer.json()) == {"error"}


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "a\\b.md", "..", "x" * 200, "a\nb.md"])
def test_check_names_are_names_only(client, name):
    assert "file name" in one_line_error(client.post("/api/check", json={"text": POST, "name": name}), 400)


def test_security_headers_and_no_inline_script(client):
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and page.headers["x-content-type-options"] == "nosniff"
    from html.parser import HTMLParser

    inline: list[str] = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag, attrs):
            names = dict(attrs)
            if tag == "script" and not names.get("src"):
                inline.append("inline <script>")
            inline.extend(f"{tag} {a}" for a in names if a.startswith("on") or a == "style")
            if tag in ("script", "link") and "//" in (names.get("src") or names.get("href") or ""):
                inline.append(f"{tag} from elsewhere")

        def handle_data(self, data):
            pass

    Scripts().feed(page.text)
    assert not inline, inline
    assert client.get("/static/katex/katex.min.js").headers["content-security-policy"] == csp


def test_a_foreign_host_header_is_refused(client):
    one_line_error(client.get("/api/health", headers={"host": "attacker.example"}), 421)


def test_unknown_routes_and_methods(client):
    one_line_error(client.get("/api/nothing"), 404)
    one_line_error(client.get("/api/derive"), 405)


def _slow_request(server, results: list, index: int) -> None:
    # from a client address of its own: one client never holds every worker, so it must be another client
    # whose requests go on meanwhile
    transport = httpx.HTTPTransport(local_address="127.0.0.50")
    with httpx.Client(base_url=server.url, transport=transport, timeout=60) as c:
        results[index] = c.post("/api/derive", json={"input": TOWER + "*x", "format": "json"})


def ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie has ended
    except OSError:
        return True


def test_killing_a_worker_mid_request_fails_that_request_only(server, client):
    results: list = [None]
    slow = threading.Thread(target=_slow_request, args=(server, results, 0))
    slow.start()
    busy = None
    deadline = time.monotonic() + 20
    while busy is None and time.monotonic() < deadline:  # the worker with a sandboxed child is the busy one
        busy = next((pid for pid in server.children() if server.children(pid)), None)
        time.sleep(0.05)
    assert busy is not None, "no worker took the slow request"
    sandboxed = server.children(busy)
    os.kill(busy, signal.SIGKILL)
    killed = time.monotonic()
    slow.join(60)
    message = one_line_error(results[0], 503)
    assert "worker" in message and time.monotonic() - killed < 5  # told at once, not when the work would end
    # the lost worker's sandboxed child is ended with it (a signal takes a moment to land)
    while not all(ended(pid) for pid in sandboxed) and time.monotonic() - killed < 5:
        time.sleep(0.05)
    assert all(ended(pid) for pid in sandboxed)
    # the pool is whole again: a replacement worker answers
    for _ in range(3):
        assert client.post("/api/derive", json={"input": "tanh", "format": "latex"}).status_code == 200
    assert busy not in server.children() and len(server.children()) == 2


def test_a_hostile_request_costs_only_its_own_worker(server, client):
    results: list = [None]
    slow = threading.Thread(target=_slow_request, args=(server, results, 0))
    slow.start()
    deadline = time.monotonic() + 20
    while not any(server.children(pid) for pid in server.children()) and time.monotonic() < deadline:
        time.sleep(0.02)  # until a worker works on it
    answer = client.post("/api/check", json={"text": POST, "name": "post.md"})
    still_working = slow.is_alive()
    slow.join(60)
    assert answer.status_code == 200
    assert still_working, "the check waited for the hostile request instead of using the other worker"
    one_line_error(results[0], 422)


def test_a_non_loopback_host_gets_a_warning():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "derivator", "serve", "--host", "0.0.0.0", "--port", "0", "--workers", "1"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None and process.stdout is not None
        warning = process.stderr.readline()
        assert "warning" in warning and "0.0.0.0" in warning and "not on localhost" in warning
        assert "http://0.0.0.0:" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_a_port_in_use_is_one_line():
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run([sys.executable, "-m", "derivator", "serve", "--port", str(taken.getsockname()[1])],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "cannot listen" in done.stderr, done.stderr
