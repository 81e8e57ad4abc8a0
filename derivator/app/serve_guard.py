"""What stands between the network and the work of `derivator serve`: plain ASGI middlewares.

Outermost first: every failure becomes a one-line JSON answer and one log line (never a traceback);
security headers (a Content-Security-Policy without inline scripts or styles) on every answer; the Host
header must name this server when it listens on loopback (a page elsewhere cannot reach it through DNS
rebinding); a per-client rate limit on the API; a request body limit, read before the app sees it.
The app itself (derivator.app.serve) adds the JSON content-type check and the bounded worker pool.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]  # Starlette's own signature uses MutableMapping; any ASGI callable

log = logging.getLogger("derivator.serve")

# KaTeX sets its styles through the CSSOM (allowed); the page has no inline script or style, and the
# plot is an image from a blob: URL. Nothing is loaded from anywhere but this server.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' blob: data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def one_line(text: object, limit: int = 400) -> str:
    return " ".join(str(text).split())[:limit]


def error_body(message: str) -> bytes:
    """{"error": "…"} on one line (json.dumps without indent never writes a newline)."""
    return json.dumps({"error": one_line(message)}, ensure_ascii=False).encode("utf-8") + b"\n"


async def send_error(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = error_body(message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class ErrorsAsJSON:
    """A failure nobody else handled: a 500 with one line of JSON, and one line in the log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as err:  # noqa: BLE001 — the one place where every other failure ends
            log.error("internal error on %s %s: %s: %s", scope.get("method"), scope.get("path"), type(err).__name__, one_line(err))
            if not started:
                await send_error(send, 500, f"internal error: {type(err).__name__} (please report)")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, add)


class HostCheck:
    """On loopback, only requests addressed to loopback names are served: a web page elsewhere that
    points a host name of its own at 127.0.0.1 (DNS rebinding) is refused."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] | None) -> None:
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.allowed is not None:
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed:
                await send_error(send, 421, f"this server answers to {self.allowed[0]} only")
                return
        await self.app(scope, receive, send)


class RateLimit:
    """A token bucket per client address on paths under `prefix`: `rate` requests a second on average,
    bursts of `burst`; past it, 429 with Retry-After. Memory stays bounded (least recently seen first out)."""

    MAX_CLIENTS = 10_000

    def __init__(self, app: ASGIApp, rate: float, burst: int, prefix: str = "/api/") -> None:
        self.app, self.rate, self.burst, self.prefix = app, rate, burst, prefix
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 when the request may go ahead, else the seconds until it could."""
        tokens, last = self.buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self.buckets[client] = (tokens, now)
        while len(self.buckets) > self.MAX_CLIENTS:
            self.buckets.popitem(last=False)
        return wait

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.rate > 0 and scope.get("path", "").startswith(self.prefix):
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.take(client, time.monotonic())
            if wait > 0:
                seconds = max(1, int(wait + 0.999))
                await send_error(send, 429, f"too many requests from {client}; wait {seconds} s",
                                 [(b"retry-after", str(seconds).encode())])
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Reads a request's body first, up to `limit` bytes within `seconds`: a larger one is refused with
    413 before the app (or a worker) sees a byte of it, a slow one with 408; the app then reads it again."""

    def __init__(self, app: ASGIApp, limit: int, seconds: float = 15.0) -> None:
        self.app, self.limit, self.seconds = app, limit, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await send_error(send, 400, "Content-Length is not a number")
                return
            if size > self.limit:
                await send_error(send, 413, f"request body of {size} bytes is over the limit of {self.limit} bytes")
                return
        chunks, total = [], 0
        deadline = time.monotonic() + self.seconds
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await send_error(send, 408, f"the request body did not arrive within {self.seconds:g} s")
                return
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.limit:
                await send_error(send, 413, f"request body is over the limit of {self.limit} bytes")
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def again() -> Message:
            if replay:
                return replay.pop()
            return await receive()  # after the body: a disconnect, whenever it comes

        await self.app(scope, again, send)
