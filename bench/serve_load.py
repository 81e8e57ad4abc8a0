"""`derivator serve` under load: N concurrent clients on loopback for S seconds, mixing derive and check.

    python bench/serve_load.py                       # 20 clients, 60 s (the figures in bench/RESULTS.md)
    python bench/serve_load.py --hostile             # plus one client sending towers, 5 MB bodies, deep nests
    python bench/serve_load.py --clients 5 --seconds 10 --json out.json

Each client is a closed loop (send, wait for the answer, think, send again) from a loopback address of its
own (127.0.1.N), so the server's per-client rate limit stays on and applies to each as to a person. The
think time is uniform with a mean of 2 s by default (a person reading an answer); `--think 0` sends as fast
as answers come, which measures the server's capacity rather than what 20 people see. The mix, by weight:
  cached     a catalog derivation in some format, requested before (answered from the result cache)
  uncached   a catalog derivation never requested before (a fresh variable name: the same work, a new key)
  check      a real published post from tests/realposts/, checked line by line (never cached)
Reported: requests/s, per kind count, errors (any answer but 200), lost requests (no answer at all),
p50/p95/max latency, and the memory of the server with its workers (sum of RSS, shared pages counted in
each process) sampled every 0.5 s. The targets (issue 16): cached p95 ≤ 50 ms, uncached catalog p95 ≤
1.5 s, real-post check p95 ≤ 2 s; 0 errors and 0 lost requests. The machine and its load are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from serve_support import DEEP, TOWER, Server  # noqa: E402

TARGETS = {"cached": 0.050, "uncached": 1.5, "check": 2.0}  # p95 seconds
WEIGHTS = {"cached": 0.55, "uncached": 0.15, "check": 0.30}
NAMES = ("sigmoid", "tanh", "relu", "gelu", "swish", "softplus", "elu", "mish", "softsign", "leaky_relu", "selu", "hardtanh")
FORMATS = ({"format": "json"}, {"format": "latex"}, {"format": "markdown", "flavor": "zenn"}, {"format": "html"},
           {"format": "markdown", "flavor": "qiita", "lang": "ja"})


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in WEIGHTS})
    errors: list[str] = field(default_factory=list)
    lost: int = 0
    cache_misses: int = 0  # "cached" requests the cache did not answer (should stay 0)
    hostile: dict[int, int] = field(default_factory=dict)  # status → count, for the hostile client
    lock: threading.Lock = field(default_factory=threading.Lock)


def posts() -> list[tuple[str, str]]:
    found = sorted(p for p in (ROOT / "tests" / "realposts").glob("rp*") if p.suffix in (".md", ".txt", ".tex"))
    return [(p.name, p.read_text("utf-8")) for p in found]


def request_for(kind: str, rng: random.Random, corpus: list[tuple[str, str]], serial: int,
                names: tuple[str, ...] = NAMES) -> tuple[str, dict]:
    if kind == "cached":
        return "/api/derive", {"input": rng.choice(names), **rng.choice(FORMATS)}
    if kind == "uncached":
        return "/api/derive", {"input": rng.choice(NAMES), "format": "json", "var": f"z{serial}"}
    name, text = rng.choice(corpus)
    return "/api/check", {"text": text, "name": name}


def client_loop(index: int, url: str, deadline: float, think: float, tally: Tally, corpus: list, seed: int,
                names: tuple[str, ...] = NAMES) -> None:
    rng = random.Random(seed * 1000 + index)
    transport = httpx.HTTPTransport(local_address=f"127.0.1.{index + 1}")
    serial = 0
    with httpx.Client(base_url=url, transport=transport, timeout=120) as client:
        while time.monotonic() < deadline:
            kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            serial += 1
            path, body = request_for(kind, rng, corpus, index * 1_000_000 + serial, names)
            start = time.perf_counter()
            try:
                answer = client.post(path, json=body)
            except httpx.HTTPError as err:
                with tally.lock:
                    tally.lost += 1
                    tally.errors.append(f"{kind}: no answer: {type(err).__name__}")
                continue
            elapsed = time.perf_counter() - start
            with tally.lock:
                if answer.status_code == 200:
                    tally.latencies[kind].append(elapsed)
                    if kind == "cached" and answer.headers.get("x-derivator-cache") != "hit":
                        tally.cache_misses += 1
                else:
                    tally.errors.append(f"{kind} {body.get('input') or body.get('name')}: {answer.status_code} {answer.text[:200]}")
            if think:
                time.sleep(rng.uniform(0, 2 * think))


def hostile_loop(url: str, deadline: float, tally: Tally) -> None:
    """One client sending what a hostile page would: a tower, a 5 MB body, a deep nest, in turn."""
    transport = httpx.HTTPTransport(local_address="127.0.2.1")
    bodies = [json.dumps({"input": TOWER, "format": "json"}), json.dumps({"text": "x" * 5_000_000, "name": "big.md"}),
              json.dumps({"input": DEEP, "format": "json"})]
    with httpx.Client(base_url=url, transport=transport, timeout=120) as client:
        turn = 0
        while time.monotonic() < deadline:
            body = bodies[turn % len(bodies)]
            path = "/api/check" if '"text"' in body[:10] else "/api/derive"
            try:
                status = client.post(path, content=body, headers={"content-type": "application/json"}).status_code
            except httpx.HTTPError:
                status = 0
            with tally.lock:
                tally.hostile[status] = tally.hostile.get(status, 0) + 1
            turn += 1


def tree_rss(pid: int) -> int:
    """Bytes of RSS of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(p) for p in handle.read().split()]
        except OSError:
            continue
    return total


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def warm(url: str, names: tuple[str, ...] = NAMES) -> None:
    """Ask for every 'cached' request's derivation once (not measured), as visitors before the run would
    have: the page's request (format "html") renders every format at once and fills the cache for all."""
    with httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address="127.0.3.1"), timeout=300) as client:
        for name in names:
            for lang in ("en", "ja"):
                answer = client.post("/api/derive", json={"input": name, "format": "html", "lang": lang})
                if answer.status_code != 200:
                    raise RuntimeError(f"warm-up failed for {name}: {answer.text[:300]}")


def run(clients: int = 20, seconds: float = 60.0, think: float = 2.0, hostile: bool = False, seed: int = 1,
        workers: int = 0, names: tuple[str, ...] = NAMES) -> dict:
    """One run; `names` are the catalog entries the 'cached' requests ask for (each warmed first)."""
    corpus = posts()
    with Server("--workers", str(workers), "--quiet") as server:
        warm(server.url, names)
        tally = Tally()
        samples: list[tuple[int, int]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append((tree_rss(server.process.pid), tree_rss_self(server.process.pid)))
                stop.wait(0.5)

        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=client_loop, args=(i, server.url, deadline, think, tally, corpus, seed, names))
                   for i in range(clients)]
        if hostile:
            threads.append(threading.Thread(target=hostile_loop, args=(server.url, deadline, tally)))
        sampler = threading.Thread(target=sample)
        start = time.perf_counter()
        sampler.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        stop.set()
        sampler.join()
        log = server.log()
    answered = sum(len(v) for v in tally.latencies.values())
    kinds = {}
    for kind, values in tally.latencies.items():
        kinds[kind] = {"count": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
                       "max": max(values) if values else None, "mean": statistics.fmean(values) if values else None,
                       "target_p95": TARGETS[kind]}
    return {
        "clients": clients, "seconds": seconds, "think_mean": think, "hostile": hostile, "seed": seed, "wall": wall,
        "requests": answered + len(tally.errors), "answered_200": answered, "requests_per_second": answered / wall,
        "errors": len(tally.errors) - tally.lost, "lost": tally.lost, "error_samples": tally.errors[:10],
        "kinds": kinds, "hostile_statuses": tally.hostile, "cached_requests_missed": tally.cache_misses,
        "memory_peak_bytes": max((s[0] for s in samples), default=0),
        "server_process_peak_bytes": max((s[1] for s in samples), default=0),
        "traceback_in_log": "Traceback" in log,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_before": _load()},
    }


def tree_rss_self(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def _load() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def report(result: dict) -> str:
    ms = lambda s: "—" if s is None else f"{s * 1000:.0f} ms"  # noqa: E731
    lines = [f"derivator serve, {result['clients']} clients × {result['seconds']:g} s on loopback"
             f"{' + 1 hostile client' if result['hostile'] else ''} (think time mean {result['think_mean']:g} s; "
             f"{result['machine']['cpus']} cores, load before {result['machine']['load_before']})",
             f"  {result['answered_200']} answered in {result['wall']:.1f} s: {result['requests_per_second']:.1f} requests/s; "
             f"errors {result['errors']}, lost {result['lost']}; 'cached' requests the cache missed: "
             f"{result['cached_requests_missed']}",
             "  kind       count     p50      p95      max    target p95"]
    for kind, k in result["kinds"].items():
        mark = "" if k["p95"] is None else ("  ok" if k["p95"] <= k["target_p95"] else "  over")
        lines.append(f"  {kind:<9} {k['count']:>6} {ms(k['p50']):>8} {ms(k['p95']):>8} {ms(k['max']):>8}   {ms(k['target_p95'])}{mark}")
    lines.append(f"  memory: server + workers peak {result['memory_peak_bytes'] / 2**20:.0f} MiB (sum of RSS); "
                 f"server process alone {result['server_process_peak_bytes'] / 2**20:.0f} MiB")
    if result["hostile"]:
        lines.append(f"  hostile client's answers by status: {dict(sorted(result['hostile_statuses'].items()))}")
    for sample in result["error_samples"]:
        lines.append(f"  error: {sample}")
    lines.append(f"  traceback in the server's log: {'yes' if result['traceback_in_log'] else 'no'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=2.0, help="mean seconds a client waits between requests (uniform 0–2×)")
    ap.add_argument("--hostile", action="store_true", help="add a client sending towers, 5 MB bodies and deep nests")
    ap.add_argument("--workers", type=int, default=0, help="server workers (0: one per core)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    result = run(args.clients, args.seconds, args.think, args.hostile, args.seed, args.workers)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if result["errors"] == 0 and result["lost"] == 0 and not result["traceback_in_log"] else 1


if __name__ == "__main__":
    sys.exit(main())
