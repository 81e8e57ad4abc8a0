"""derivator's speed as ratios against SymPy itself, all measured in one run on one machine.

    python bench/run.py                     # everything (a few minutes on 2 cores)
    python bench/run.py --repeat 15         # more repeats for the start-up measurements
    python bench/run.py --json bench/results/latest.json

1. catalog   every catalog entry derived, traced and verified (derivator.pipeline.derive), against
             sympy.simplify(sympy.diff(f)) of the same definitions; fresh process each side.  target ≤ 1.0×
2. startup   `derivator sigmoid --format latex` as a fresh process, against `python -c "import sympy"`:
             without the cache (--no-cache) target ≤ 1.2×; with a warm result cache target ≤ 0.5×.
             The three commands run interleaved, so machine load hits them alike.
3. nesting   σ∘σ∘…∘σ(x) at depth 16 and 32: time(32)/time(16) target ≤ 2.5; trace size
             (steps, JSON bytes) linear in depth.
4. check     `derivator check` on seed 001, end to end, fresh process: target ≤ 2 s wall.
Ratios are medians over repeats. The machine's details and its load average are printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SEED_001 = ROOT / "tests" / "fixtures" / "check" / "seed_001.txt"
TARGETS = {"catalog": 1.0, "startup_nocache": 1.2, "startup_cache": 0.5, "nesting": 2.5, "check_seconds": 2.0}


def _derivator_argv() -> list[str]:
    script = Path(PY).with_name("derivator")
    return [str(script)] if script.exists() else [PY, "-m", "derivator"]


def _wall(argv: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{argv} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed, done.returncode


def _inner(kind: str, *args: str, timeout: float = 900) -> dict:
    """Run `python bench/run.py --inner kind args…` in a fresh process; its JSON answer, or {"error": …}."""
    try:
        done = subprocess.run([PY, __file__, "--inner", kind, *args], capture_output=True, text=True, cwd=ROOT,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer after {timeout:.0f} s"}
    if done.returncode:
        last = [line for line in done.stderr.strip().splitlines() if line.strip()][-1:] or ["?"]
        return {"error": last[0][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- inner measurements (fresh processes) -------------------------------------------------------------------
def inner_catalog_derivator() -> dict:
    from derivator import catalog
    from derivator.pipeline import derive

    times, failed = {}, {}
    start = time.perf_counter()
    for entry in catalog.entries():
        t = time.perf_counter()
        try:
            d = derive(entry.name)
            if not d.verified:
                failed[entry.name] = "not verified"
        except Exception as err:  # noqa: BLE001 — recorded, the benchmark goes on
            failed[entry.name] = f"{type(err).__name__}: {err}"[:200]
        times[entry.name] = time.perf_counter() - t
    return {"total": time.perf_counter() - start, "times": times, "failed": failed}


def inner_catalog_sympy() -> dict:
    import sympy as sp

    from derivator import catalog
    from derivator.verify import plain

    x = sp.Symbol("x", real=True)
    definitions = {e.name: plain(catalog.definition(e, x)) for e in catalog.entries()}  # not timed
    times = {}
    start = time.perf_counter()
    for name, f in definitions.items():
        t = time.perf_counter()
        sp.simplify(sp.diff(f, x))
        times[name] = time.perf_counter() - t
    return {"total": time.perf_counter() - start, "times": times}


def inner_nesting(depth: str) -> dict:
    from derivator.pipeline import derive
    from derivator.present.json import render_json
    from derivator.app.sandbox import RECURSION_LIMIT

    sys.setrecursionlimit(RECURSION_LIMIT)  # as in the CLI's worker process

    text = "sigmoid(" * int(depth) + "x" + ")" * int(depth)
    start = time.perf_counter()
    d = derive(text)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "steps": len(d.all_steps), "substeps": sum(len(s.substeps) for s in d.all_steps),
            "json_bytes": len(render_json(d).encode()), "verified": d.verified}


def inner_profile(kind: str, *args: str) -> dict:
    """cProfile of one inner measurement: the ten most expensive functions by cumulative time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    INNER[kind](*args)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return {"profile": out.getvalue()}


INNER = {"catalog-derivator": inner_catalog_derivator, "catalog-sympy": inner_catalog_sympy, "nesting": inner_nesting}


# -- the benchmark ---------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = None
    import importlib.metadata as md

    versions = {p: md.version(p) for p in ("sympy", "mpmath", "typer", "rich") if _installed(p)}
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "os": platform.platform(),
            "python": platform.python_version(), **versions, "load_before": os.getloadavg()[0]}


def _installed(package: str) -> bool:
    import importlib.metadata as md

    try:
        md.version(package)
        return True
    except md.PackageNotFoundError:
        return False


def bench_startup(repeat: int) -> dict:
    cli = _derivator_argv()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        env.pop("DERIVATOR_NO_CACHE", None)
        commands = {
            "import_sympy": [PY, "-c", "import sympy"],
            "nocache": [*cli, "sigmoid", "--format", "latex", "--no-cache"],
            "cache": [*cli, "sigmoid", "--format", "latex"],
        }
        envs = {k: env for k in commands}
        # the sandbox's own cost: the same command with the work done in-process
        commands["nocache_nosandbox"] = commands["nocache"]
        envs["nocache_nosandbox"] = dict(env, DERIVATOR_NO_SANDBOX="1")
        _wall(commands["cache"], env)  # fills the cache (and the .pyc files)
        _wall(commands["import_sympy"], env)
        samples = {k: [] for k in commands}
        for _ in range(repeat):
            for name, argv in commands.items():
                samples[name].append(_wall(argv, envs[name])[0])
    med = {k: statistics.median(v) for k, v in samples.items()}
    return {"median_seconds": med, "samples": samples, "sandbox_cost": med["nocache"] - med["nocache_nosandbox"],
            "startup_nocache": med["nocache"] / med["import_sympy"], "startup_cache": med["cache"] / med["import_sympy"]}


def bench_catalog(repeat: int) -> dict:
    runs = {"derivator": [], "sympy": []}
    last = {}
    for _ in range(repeat):
        for side in runs:
            result = _inner(f"catalog-{side}")
            runs[side].append(result["total"])
            last[side] = result
    med = {k: statistics.median(v) for k, v in runs.items()}
    per_entry = {n: (last["derivator"]["times"][n], last["sympy"]["times"][n]) for n in last["sympy"]["times"]}
    return {"median_seconds": med, "catalog": med["derivator"] / med["sympy"], "entries": len(per_entry),
            "failed": last["derivator"]["failed"],
            "slowest": sorted(per_entry.items(), key=lambda kv: -kv[1][0])[:8]}


def bench_nesting(repeat: int, depths: tuple[int, ...] = (4, 8, 16, 32)) -> dict:
    """Every depth in a fresh process; the ratio is depth 32 over depth 16, the smaller depths show the trend."""
    results: dict[int, list[float]] = {d: [] for d in depths}
    shape: dict[int, dict] = {}
    for _ in range(repeat):
        for depth in depths:
            if depth in shape and "error" in shape[depth]:
                continue  # a failure is not worth repeating
            r = _inner("nesting", str(depth))
            shape[depth] = r
            if "error" not in r:
                results[depth].append(r["seconds"])
    med = {d: statistics.median(v) if v else None for d, v in results.items()}
    ok = {d for d in depths if "error" not in shape[d]}
    out = {"median_seconds": med, "errors": {d: shape[d]["error"] for d in depths if d not in ok},
           "steps": {d: shape[d]["steps"] for d in ok}, "json_bytes": {d: shape[d]["json_bytes"] for d in ok},
           "verified": all(shape[d]["verified"] for d in ok)}
    out["nesting"] = med[32] / med[16] if {16, 32} <= ok else None
    if {16, 32} <= ok:
        out["steps_ratio"] = shape[32]["steps"] / shape[16]["steps"]
        out["json_ratio"] = shape[32]["json_bytes"] / shape[16]["json_bytes"]
    return out


def bench_check(repeat: int) -> dict:
    seed = SEED_001 if SEED_001.exists() else next(Path("/work/shared/seeds").glob("001_*"))
    argv = [*_derivator_argv(), "check", str(seed), "--format", "json"]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache)
        _wall(argv, env)
        samples = [_wall(argv, env)[0] for _ in range(repeat)]
    return {"check_seconds": statistics.median(samples), "samples": samples, "file": str(seed.relative_to(ROOT) if seed.is_relative_to(ROOT) else seed)}


def verdict(name: str, value: float | None) -> str:
    if value is None:
        return "MISSES (did not finish)"
    return "meets" if value <= TARGETS[name] else "MISSES"


def _s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def report(results: dict) -> str:
    m, s, c, n, k = (results[key] for key in ("machine", "startup", "catalog", "nesting", "check"))
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB RAM; {m['os']}; Python {m['python']}, "
        f"SymPy {m.get('sympy')}, mpmath {m.get('mpmath')}, typer {m.get('typer')}; "
        f"load average {m['load_before']:.1f} before, {results['load_after']:.1f} after.",
        "",
        "| # | measurement | derivator | SymPy reference | ratio | target | |",
        "|---|---|---:|---:|---:|---:|---|",
        f"| 1 | catalog ({c['entries']} entries) derived+traced+verified vs simplify(diff(f)) | "
        f"{c['median_seconds']['derivator']:.2f} s | {c['median_seconds']['sympy']:.2f} s | {c['catalog']:.2f}× | ≤ 1.0× | {verdict('catalog', c['catalog'])} |",
        f"| 2a | `derivator sigmoid --format latex --no-cache` vs `python -c \"import sympy\"` | "
        f"{s['median_seconds']['nocache']:.3f} s | {s['median_seconds']['import_sympy']:.3f} s | {s['startup_nocache']:.2f}× | ≤ 1.2× | {verdict('startup_nocache', s['startup_nocache'])} |",
        f"| 2b | same, warm result cache | {s['median_seconds']['cache']:.3f} s | {s['median_seconds']['import_sympy']:.3f} s | "
        f"{s['startup_cache']:.2f}× | ≤ 0.5× | {verdict('startup_cache', s['startup_cache'])} |",
        f"| 2c | sandbox cost: 2a minus the same with DERIVATOR_NO_SANDBOX=1 | {s['sandbox_cost'] * 1000:+.0f} ms | | | "
        "not noticeable | |",
        f"| 3 | σ∘…∘σ depth 32 vs depth 16 (time) | {_s(n['median_seconds'].get(32))} s | "
        f"{_s(n['median_seconds'].get(16))} s | {_s(n['nesting'])}× | ≤ 2.5× | {verdict('nesting', n['nesting'])} |",
        "| 3b | trace size by depth (steps / JSON bytes): "
        + ", ".join(f"{d}: {n['steps'][d]} / {n['json_bytes'][d]}" for d in sorted(n["steps"]))
        + " | | | | linear | " + ("meets" if n.get("json_ratio") and n["json_ratio"] <= 2.5 else "MISSES") + " |",
        f"| 4 | `derivator check` seed 001, end to end | {k['check_seconds']:.2f} s | | | ≤ 2 s | {verdict('check_seconds', k['check_seconds'])} |",
    ]
    if n["errors"]:
        lines += ["", "Nesting runs that failed: " + "; ".join(f"depth {d}: {e}" for d, e in n["errors"].items())]
    lines += ["", "Nesting seconds by depth: " + ", ".join(f"{d}: {_s(v)}" for d, v in n["median_seconds"].items())]
    if c["failed"]:
        lines += ["", f"Catalog entries that failed or did not verify: {c['failed']}"]
    lines += ["", "Slowest catalog entries (derivator s, SymPy s): "
              + ", ".join(f"{name} {a:.2f}/{b:.2f}" for name, (a, b) in c["slowest"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9, help="repeats of each start-up measurement")
    parser.add_argument("--heavy-repeat", type=int, default=3, help="repeats of catalog, nesting and check")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=["startup", "catalog", "nesting", "check"])
    parser.add_argument("--inner", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--profile", nargs="+", metavar="INNER", help="cProfile an inner measurement, e.g. nesting 32")
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(INNER[args.inner[0]](*args.inner[1:])))
        return 0
    if args.profile:
        print(inner_profile(*args.profile)["profile"])
        return 0
    results = {"machine": machine()}
    steps = {"startup": lambda: bench_startup(args.repeat), "catalog": lambda: bench_catalog(args.heavy_repeat),
             "nesting": lambda: bench_nesting(args.heavy_repeat), "check": lambda: bench_check(max(3, args.heavy_repeat))}
    for name, step in steps.items():
        if args.only and name != args.only:
            continue
        t = time.perf_counter()
        results[name] = step()
        print(f"[{name} done in {time.perf_counter() - t:.0f} s]", file=sys.stderr)
    results["load_after"] = os.getloadavg()[0]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str))
    if not args.only:
        print(report(results))
    else:
        print(json.dumps(results[args.only], indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
