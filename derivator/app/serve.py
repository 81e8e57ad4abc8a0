"""`derivator serve`: a local web page to derive, preview and check, and its JSON API.

    POST /api/derive  {"input": "sigmoid", "format": "json", "lang": "en", "order": 1, "params": {}, "facts": false}
    POST /api/check   {"text": "<the post>", "name": "post.md", "lang": "en"}

A derive answer is what `derivator derive INPUT --format F …` prints (JSON for "json", the rendered text
for the other formats, the page's HTML for "html", the plot for "svg"); a check answer is what
`derivator check NAME --format json` prints. Both come from the same calls as the command line, run in
the pool's sandboxed workers (derivator.app.serve_pool, serve_jobs), and derive answers share the
command line's result cache (derivator.app.cache, same keys).

Starlette on uvicorn: an ASGI app of a few routes needs no more (FastAPI's models and generated docs would
describe again the schemas the CLI's renderers already define). The server's own process never imports
SymPy; it reads requests (serve_requests), guards them (serve_guard) and waits for workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import os
import socket
import sys
from dataclasses import dataclass
from importlib import resources
from typing import Any, AsyncIterator, Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from derivator import __version__
from derivator.app import cache
from derivator.app.sandbox import Limits
from derivator.app.serve_guard import LOOPBACK_NAMES, BodyLimit, ErrorsAsJSON, HostCheck, RateLimit, SecurityHeaders, error_body, one_line
from derivator.app.serve_pool import JobFailed, PoolBusy, WorkerLost, WorkerPool
from derivator.app.serve_requests import PLOT_FORMAT, DeriveRequest, RequestError, check_request, derive_request
from derivator.i18n import LANGS, catalog as words_of
from derivator.present.flavors import FLAVORS

log = logging.getLogger("derivator.serve")

FACTS_TIME_FACTOR = 3  # as the CLI: facts take a second derivation, limits and solving
PAGE_TIME_FACTOR = 2  # the page's request also draws the plot and renders every format
CONTENT_TYPES = {"json": "application/json", "html": "text/html; charset=utf-8", PLOT_FORMAT: "image/svg+xml"}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 0  # 0: one per core (never more than the cores)
    limits: Limits = Limits()
    max_body: int = 1024**2  # bytes; a long post is ~100 kB
    rate: float = 5.0  # API requests a second per client, on average
    burst: int = 30
    max_waiting: int = 64  # requests waiting for a worker before the server answers 503
    use_cache: bool = True
    access_log: bool = True


def parse_size(text: str) -> int:
    """'1M', '200K', '65536' → bytes (at least 1 KiB: a request body has to hold a formula)."""
    import re

    from derivator.core.errors import DerivatorError

    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?", text.strip().lower())
    if not match:
        raise DerivatorError(f"cannot read size {text!r}", hint="write e.g. 1M or 200K")
    size = int(float(match.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2)])
    if size < 1024:
        raise DerivatorError(f"size {text!r} is too small", hint="use at least 1K")
    return size


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


# -- the page's files: read once into memory, served from that table only ----------------------------------------


def static_files() -> dict[str, tuple[bytes, str]]:
    """{"/static/app.js": (bytes, content type)}: every file shipped under derivator/app/static, read at
    start-up. Requests are looked up in this table; no request path is ever joined to a folder."""
    table: dict[str, tuple[bytes, str]] = {}
    root = resources.files("derivator.app") / "static"

    def walk(folder, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
                continue
            kind = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                    ".html": "text/html; charset=utf-8", ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8",
                    ".svg": "image/svg+xml", ".png": "image/png"}.get(os.path.splitext(entry.name)[1])
            if entry.name == "LICENSE":
                kind = "text/plain; charset=utf-8"
            table[f"/static/{prefix}{entry.name}"] = (entry.read_bytes(), kind or mimetypes.guess_type(entry.name)[0] or "application/octet-stream")

    walk(root, "")
    return table


# -- answers ----------------------------------------------------------------------------------------------------


def _json_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(message), status_code=status, media_type="application/json",
                    headers={"cache-control": "no-store", **(headers or {})})


def _failure(err: Exception) -> Response:
    """A job's failure as the answer the client gets, and one log line."""
    if isinstance(err, JobFailed):
        status = 500 if err.kind == "internal" else 422
        if status == 500:
            log.error("internal error in a worker: %s", one_line(err.message))
        return _json_error(status, err.message)
    if isinstance(err, WorkerLost):
        log.warning("worker lost: %s", err)
        return _json_error(503, f"{err}; please try again", {"retry-after": "1"})
    if isinstance(err, PoolBusy):
        return _json_error(503, "the server is busy; please try again shortly", {"retry-after": "2"})
    raise err


def _text_response(text: str, fmt: str, headers: dict[str, str]) -> Response:
    body = text if text.endswith("\n") else text + "\n"  # exactly what the CLI prints
    return Response(body, media_type=CONTENT_TYPES.get(fmt, "text/plain; charset=utf-8"),
                    headers={"cache-control": "no-store", **headers})


async def _json_body(request: Request) -> Any:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        # a form on another web site cannot send JSON to this server without a CORS preflight it never gets
        raise RequestError("send the body as JSON with Content-Type: application/json")
    raw = await request.body()
    try:
        body = json.loads(raw.decode("utf-8"))
        # "\ud800" is valid JSON but no text: refused here, before it could reach a worker or an answer
        json.dumps(body, ensure_ascii=False).encode("utf-8")
        return body
    except UnicodeEncodeError:
        raise RequestError("the JSON holds a lone surrogate (such as \\ud800): not text") from None
    except UnicodeDecodeError as err:
        raise RequestError(f"the body is not UTF-8 (byte {err.start})") from None
    except ValueError as err:
        raise RequestError(f"malformed JSON: {one_line(err)}") from None
    except RecursionError:
        raise RequestError("malformed JSON: nested too deeply") from None


class Service:
    """The state behind the routes: the pool, the limits, the cache switch, the catalog list."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = WorkerPool(settings.workers, max_waiting=settings.max_waiting)
        self.catalog: list | None = None
        self.per_client: dict[str, tuple[asyncio.Semaphore, int]] = {}  # client → (its slots, requests using them)

    # a client holds at most all workers but one, so that one client's requests never take every worker
    @contextlib.asynccontextmanager
    async def client_slot(self, client: str) -> AsyncIterator[None]:
        slot, users = self.per_client.get(client) or (asyncio.Semaphore(max(1, self.pool.size - 1)), 0)
        self.per_client[client] = (slot, users + 1)
        try:
            async with slot:
                yield
        finally:
            slot, users = self.per_client[client]
            if users == 1:
                del self.per_client[client]  # nobody from there is waiting or working: forget the client
            else:
                self.per_client[client] = (slot, users - 1)

    def cache_get(self, key: str) -> str | None:
        return cache.get(key) if self.settings.use_cache else None

    async def cache_put(self, entries: list[tuple[str, str]]) -> None:
        if self.settings.use_cache and entries:
            await asyncio.to_thread(_put_all, entries)

    async def work(self, client: str, job: str, args: list, factor: float = 1.0) -> Any:
        async with self.client_slot(client):
            return await self.pool.run(job, args, self.settings.limits, factor=factor)


def _put_all(entries: list[tuple[str, str]]) -> None:
    for key, text in entries:
        cache.put(key, text)


def _options(req: DeriveRequest, fmt: str, flavor: str) -> dict:
    """The CLI's options for the same derivation in another format (flavour kept for Markdown only)."""
    options = {**req.options, "format": fmt}
    options.pop("flavor", None)
    if fmt == "markdown" and flavor != "github":
        options["flavor"] = flavor
    return options


def _derive_key(read_as: str, options: dict) -> str:
    return cache.key("derive", read_as, options)


def _plot_key(read_as: str, req: DeriveRequest) -> str:
    o = req.options
    return cache.key("serve-plot", read_as, {"lang": o["lang"], "var": o["var"], "params": o["params"], "at_kink": o["at_kink"]})


def _latex_key(req: DeriveRequest) -> str:
    return cache.key("serve-latex", req.input, {"var": req.options["var"]})


async def derive_endpoint(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        req = derive_request(await _json_body(request))
    except RequestError as err:
        return _json_error(400, str(err))
    fmt = req.format
    # LaTeX is read in a worker; how it was read is cached like an answer, so a repeat needs no worker
    read_as = req.input if req.syntax == "text" else service.cache_get(_latex_key(req))
    if read_as is not None:
        hit = service.cache_get(_plot_key(read_as, req) if fmt == PLOT_FORMAT else _derive_key(read_as, req.options))
        if hit is not None:
            return _text_response(hit, fmt, _read_as_headers(req, read_as, "hit"))
    # the page asks for HTML: one derivation then also gives the plot and every format it offers to copy
    page = fmt == "html"
    wanted = [] if fmt == PLOT_FORMAT else [(fmt, req.flavor)]
    if page:
        wanted += [("json", "github"), ("latex", "github")] + [("markdown", f) for f in FLAVORS]
    factor = (FACTS_TIME_FACTOR if req.facts else 1) * (PAGE_TIME_FACTOR if page or fmt == PLOT_FORMAT else 1)
    client = (request.client.host if request.client else "?")
    try:
        found = await service.work(client, "derive", [req.input, req.syntax, req.options, wanted, page or fmt == PLOT_FORMAT],
                                   factor)
    except (JobFailed, WorkerLost, PoolBusy) as err:
        return _failure(err)
    read_as = found["read_as"]
    entries = []
    if req.syntax == "latex":
        entries.append((_latex_key(req), read_as))
    answer = found["svg"] if fmt == PLOT_FORMAT else None
    for out_fmt, flavor, text in found["outputs"]:
        options = req.options if (out_fmt, flavor) == (fmt, req.flavor) else _options(req, out_fmt, flavor)
        entries.append((_derive_key(read_as, options), text))
        if (out_fmt, flavor) == (fmt, req.flavor):
            answer = text
    if found["svg"] is not None:
        entries.append((_plot_key(read_as, req), found["svg"]))
    await service.cache_put(entries)
    return _text_response(answer or "", fmt, _read_as_headers(req, read_as, "miss"))


def _read_as_headers(req: DeriveRequest, read_as: str, cached: str) -> dict[str, str]:
    headers = {"x-derivator-cache": cached}
    if req.syntax == "latex":
        headers["x-derivator-read-as"] = quote(read_as, safe="")  # how the LaTeX was read, in plain text
    return headers


async def check_endpoint(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        req = check_request(await _json_body(request))
    except RequestError as err:
        return _json_error(400, str(err))
    client = (request.client.host if request.client else "?")
    try:
        exit_code, text = await service.work(client, "check", [req.text, req.name, req.lang])
    except (JobFailed, WorkerLost, PoolBusy) as err:
        return _failure(err)
    return _text_response(text, "json", {"x-derivator-exit-code": str(exit_code)})


async def ui_words(request: Request) -> Response:
    """The page's words in one language: its own (web.toml) and the check report's verdicts and labels."""
    lang = request.query_params.get("lang", "en")
    if lang not in LANGS:
        return _json_error(400, f"'lang' must be one of {', '.join(LANGS)}")
    table = words_of(lang)
    check = table.get("check", {})
    names = {other: words_of(other).get("web", {}).get("language_name", other) for other in LANGS}
    return JSONResponse({"lang": lang, "langs": list(LANGS), "names": names, "flavors": list(FLAVORS), "web": table.get("web", {}),
                         "check": {k: check.get(k, {}) for k in ("status", "kind", "ui", "diag", "reason", "note")}},
                        headers={"cache-control": "no-cache"})


async def catalog_endpoint(request: Request) -> Response:
    service: Service = request.app.state.service
    if service.catalog is None:
        client = (request.client.host if request.client else "?")
        try:
            service.catalog = await service.work(client, "catalog", [], 4)
        except (JobFailed, WorkerLost, PoolBusy) as err:
            return _failure(err)
    return JSONResponse(service.catalog)


async def health(request: Request) -> Response:
    service: Service = request.app.state.service
    return JSONResponse({"ok": True, "version": __version__, "workers": service.pool.size})


def create_app(settings: Settings = Settings(), *, on_ready: Callable[[Service], None] | None = None) -> Any:
    """The ASGI app; `on_ready()` is called once the workers are warm (the CLI prints the address then)."""
    files = static_files()
    service = Service(settings)

    async def page(request: Request) -> Response:
        path = request.url.path
        if path == "/":
            path = "/static/index.html"
        found = files.get(path)
        if found is None:
            return _json_error(404, f"no such page: {path[:100]}")
        body, kind = found
        caching = "max-age=86400" if kind.startswith("font/") else "no-cache"
        return Response(body, media_type=kind, headers={"cache-control": caching})

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        message = {404: "no such page", 405: "method not allowed here"}.get(status, "request refused")
        return _json_error(status, f"{message}: {request.method} {request.url.path[:100]}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        cache.fingerprint()  # hash the package once now, not on the first request
        await service.pool.start()
        if on_ready is not None:
            on_ready(service)
        try:
            yield
        finally:
            await service.pool.stop()

    routes = [
        Route("/api/derive", derive_endpoint, methods=["POST"]),
        Route("/api/check", check_endpoint, methods=["POST"]),
        Route("/api/ui", ui_words, methods=["GET"]),
        Route("/api/catalog", catalog_endpoint, methods=["GET"]),
        Route("/api/health", health, methods=["GET"]),
        Route("/", page, methods=["GET", "HEAD"]),
        Route("/static/{rest:path}", page, methods=["GET", "HEAD"]),
    ]
    async def failed(request: Request, exc: Exception) -> Response:
        # Starlette answers with this, then raises on: ErrorsAsJSON writes the one log line
        return _json_error(500, f"internal error: {type(exc).__name__} (please report)")

    inner = Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: not_found, Exception: failed})
    inner.state.service = service
    allowed = None if not is_loopback(settings.host) else tuple(dict.fromkeys(
        (settings.host, *LOOPBACK_NAMES)))
    app: Any = BodyLimit(inner, settings.max_body)
    app = RateLimit(app, settings.rate, settings.burst)
    app = HostCheck(app, allowed)
    app = SecurityHeaders(app)
    app = ErrorsAsJSON(app)
    app.service = service  # the state behind the routes, and the routes: for tests
    app.router = inner.router
    return app


# -- running it ---------------------------------------------------------------------------------------------------


class OneLine(logging.Formatter):
    """Every log record on one line: an exception is its type and message, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        exc = record.exc_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        text = super().format(record)
        if exc and exc[1] is not None:
            text += f": {type(exc[1]).__name__}: {exc[1]}"
        return one_line(text, 1000)


def log_config(access_log: bool) -> dict:
    handler = {"class": "logging.StreamHandler", "formatter": "one_line", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"one_line": {"()": OneLine, "format": "%(asctime)s %(levelname)s %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO" if access_log else "WARNING", "propagate": False},
            "derivator.serve": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, made before the workers start (a port in use is one line, at once)."""
    from derivator.core.errors import DerivatorError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise DerivatorError(f"cannot listen on {host!r}: {err.strerror}", hint="use --host 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        raise DerivatorError(f"cannot listen on {host}:{port}: {err.strerror}", hint="choose another --port") from None
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def address_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(settings: Settings) -> None:
    """Listen, start the workers, print the address, serve until Ctrl-C."""
    import uvicorn

    if not is_loopback(settings.host):
        print(f"derivator: warning: listening on {settings.host}, not on localhost: anyone who can reach this machine "
              "can use the page (every request still runs under the time and memory limits)", file=sys.stderr, flush=True)
    sock = bind(settings.host, settings.port)
    where = address_of(sock)

    def ready(service: Service) -> None:
        print(f"derivator serve: {where} ({service.pool.size} workers; Ctrl-C stops)", flush=True)

    app = create_app(settings, on_ready=ready)
    config = uvicorn.Config(app, http="h11", ws="none", lifespan="on", log_config=log_config(settings.access_log),
                            access_log=settings.access_log, server_header=False, date_header=False,
                            limit_concurrency=max(64, 4 * settings.max_waiting), timeout_keep_alive=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
