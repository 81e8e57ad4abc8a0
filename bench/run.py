"""derivator's speed as ratios against SymPy itself, all measured in one run on one machine.

    python bench/run.py                     # everything (≈ 6 min on 2 cores)
    python bench/run.py --repeat 15         # more repeats for the start-up measurements
    python bench/run.py --json bench/results/latest.json
    python bench/run.py --site DIR          # DIR first on the path, e.g. the pinned typer:
                                            #   pip install --no-deps --target DIR 'typer<0.29'

1. catalog   every catalog entry derived, traced and verified (derivator.pipeline.derive), against
             sympy.simplify(sympy.diff(f)) of the same definitions; fresh process each side.  target ≤ 1.0×
             Also: the verification count (lines checked, sample points) per derivation, so that speed
             never comes from checking less, and the memory peak of the process (target ≤ 300 MB).
2. startup   `derivator sigmoid --format latex` as a fresh process, against `python -c "import sympy"`:
             without the cache (--no-cache) target ≤ 1.2×; with a warm result cache target ≤ 0.5×.
             The commands run interleaved, so machine load hits them alike.
3. nesting   σ∘σ∘…∘σ(x) at depth 4 … 32: time(32)/time(16) target ≤ 2.5; trace size
             (steps, JSON bytes) linear in depth (JSON 32/16 ≤ 2.2).
4. check     `derivator check` on seed 001, end to end, fresh process: target ≤ 2 s wall.
5. realposts `derivator check POST --format json` on every post of tests/realposts (fresh process each,
             whole-process wall time): median ≤ 0.5 s, max ≤ 1.0 s; and the memory peak over the corpus.
Ratios are medians over repeats. The machine's details and its load average (before every part) are
printed with them. Every process runs this checkout (PYTHONPATH), whatever copy is installed.
Memory peaks are the maximum resident set of the process and its sandboxed workers (os.wait4's rusage,
what `/usr/bin/time -v` reports as "Maximum resident set size").
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
sys.path.insert(0, str(ROOT))  # the inner measurements import this checkout, not an installed copy
PY = sys.executable
SEED_001 = ROOT / "tests" / "fixtures" / "check" / "seed_001.txt"
REALPOSTS = ROOT / "tests" / "realposts"
TARGETS = {"catalog": 1.0, "startup_nocache": 1.2, "startup_cache": 0.5, "nesting": 2.5, "json_ratio": 2.2,
           "check_seconds": 2.0, "post_median": 0.5, "post_max": 1.0, "catalog_mb": 300}
SITE: list[str] = []  # --site: directories put first on every process's path


def _env(**extra: str) -> dict:
    """The environment of every measured process: this checkout (and --site) first on the path."""
    env = dict(os.environ, **extra)
    # an installed copy runs from its compiled bytecode (pip writes it); an environment that forbids
    # writing .pyc files would have every measured process compile derivator's sources again
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join([*SITE, str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def _measured(argv: list[str], env: dict, cwd: Path = ROOT, stdout=subprocess.DEVNULL,
              timeout: float | None = None) -> tuple[float, int, float, str]:
    """(wall seconds, exit code, peak resident MB of the process and its workers, stderr tail)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=stdout, stderr=err)
        out = proc.stdout.read() if proc.stdout is not None else None
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if deadline else 0)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace")[-500:]
    if out is not None:
        tail = out.decode(errors="replace") + "\0" + tail
    return elapsed, proc.returncode, usage.ru_maxrss / 1024, tail


def _derivator_argv() -> list[str]:
    script = Path(PY).with_name("derivator")
    return [str(script)] if script.exists() else [PY, "-m", "derivator"]


def _wall(argv: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, int]:
    elapsed, code, _, tail = _measured(argv, env or _env(), Path(cwd) if cwd else ROOT)
    if code not in (0, 1):
        raise RuntimeError(f"{argv} failed ({code}): {tail}")
    return elapsed, code


def _inner(kind: str, *args: str, timeout: float = 900) -> dict:
    """Run `python bench/run.py --inner kind args…` in a fresh process; its JSON answer (with the
    process's memory peak as "peak_mb"), or {"error": …}."""
    elapsed, code, peak, tail = _measured([PY, __file__, "--inner", kind, *args], _env(), stdout=subprocess.PIPE,
                                          timeout=timeout)
    out, _, err = tail.partition("\0")
    if elapsed >= timeout:
        return {"error": f"no answer after {timeout:.0f} s"}
    if code:
        last = [line for line in err.strip().splitlines() if line.strip()][-1:] or ["?"]
        return {"error": last[0][:300]}
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak}


# -- inner measurements (fresh processes) -------------------------------------------------------------------
def inner_catalog_derivator() -> dict:
    from derivator import catalog
    from derivator.pipeline import derive

    times, failed, checks = {}, {}, {}
    start = time.perf_counter()
    for entry in catalog.entries():
        t = time.perf_counter()
        try:
            d = derive(entry.name)
            if not d.verified:
                failed[entry.name] = "not verified"
        except Exception as err:  # noqa: BLE001 — recorded, the benchmark goes on
            failed[entry.name] = f"{type(err).__name__}: {err}"[:200]
            d = None
        times[entry.name] = time.perf_counter() - t
        if d is not None:
            checks[entry.name] = verification_count(d)
    return {"total": time.perf_counter() - start, "times": times, "failed": failed, "checks": checks}


def verification_count(d) -> dict:
    """What was checked in one derivation: lines (steps and sub-steps, output-form steps, the final
    checks), how many of them verified, by which method, and the sample points evaluated.
    (The lemmas a derivation cites are derivations of their own, counted where they are derived.)"""
    lines, methods = [], {}

    def walk(steps):
        for step in steps:
            lines.append(step.verification)
            walk(step.substeps)

    walk(d.all_steps)  # (the output-form steps included)
    lines += [v for v in (d.final_check, d.output_check) if v is not None]
    for v in lines:
        methods[str(v.method)] = methods.get(str(v.method), 0) + 1
    return {"lines": len(lines), "verified": sum(bool(v and v.ok) for v in lines),
            "points": sum((v.points or 0) for v in lines if v is not None), "methods": methods}


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
            "json_bytes": len(render_json(d).encode()), "verified": d.verified, "checks": verification_count(d)}


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
        env = _env(XDG_CACHE_HOME=cache)
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
        if any("error" in last[side] for side in runs):
            raise RuntimeError(f"catalog measurement failed: {last}")
    med = {k: statistics.median(v) for k, v in runs.items()}
    per_entry = {n: (last["derivator"]["times"][n], last["sympy"]["times"][n]) for n in last["sympy"]["times"]}
    checks = last["derivator"]["checks"]
    return {"median_seconds": med, "catalog": med["derivator"] / med["sympy"], "entries": len(per_entry),
            "failed": last["derivator"]["failed"], "checks": checks,
            "lines": sum(c["lines"] for c in checks.values()), "lines_verified": sum(c["verified"] for c in checks.values()),
            "points": sum(c["points"] for c in checks.values()),
            "peak_mb": {side: last[side]["peak_mb"] for side in runs},
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
           "verified": all(shape[d]["verified"] for d in ok), "checks": {d: shape[d]["checks"] for d in ok},
           "peak_mb": {d: shape[d]["peak_mb"] for d in ok}}
    out["nesting"] = med[32] / med[16] if {16, 32} <= ok else None
    if {16, 32} <= ok:
        out["steps_ratio"] = shape[32]["steps"] / shape[16]["steps"]
        out["json_ratio"] = shape[32]["json_bytes"] / shape[16]["json_bytes"]
    return out


def bench_check(repeat: int) -> dict:
    seed = SEED_001 if SEED_001.exists() else next(Path("/work/shared/seeds").glob("001_*"))
    argv = [*_derivator_argv(), "check", str(seed), "--format", "json"]
    with tempfile.TemporaryDirectory() as cache:
        env = _env(XDG_CACHE_HOME=cache)
        _wall(argv, env)
        samples = [_wall(argv, env)[0] for _ in range(repeat)]
    return {"check_seconds": statistics.median(samples), "samples": samples, "file": str(seed.relative_to(ROOT) if seed.is_relative_to(ROOT) else seed)}


def bench_realposts() -> dict:
    """`derivator check POST --format json` on every post of the real-post corpus, one fresh process each
    (no result cache), as bench/realposts.py runs it: wall time and memory peak per post."""
    import tomllib

    with open(REALPOSTS / "manifest.toml", "rb") as fh:
        posts = tomllib.load(fh)["post"]
    seconds, peaks, codes = {}, {}, {}
    with tempfile.TemporaryDirectory() as cache:
        env = _env(XDG_CACHE_HOME=cache, DERIVATOR_NO_CACHE="1", NO_COLOR="1")
        for post in posts:
            argv = [PY, "-m", "derivator", "check", str(REALPOSTS / post["file"]), "--format", "json"]
            seconds[post["id"]], codes[post["id"]], peaks[post["id"]], _ = _measured(argv, env, timeout=120)
    values = list(seconds.values())
    slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:5]
    return {"posts": len(values), "post_median": statistics.median(values), "post_max": max(values),
            "slowest": slowest, "peak_mb": max(peaks.values()), "exit_codes": codes, "seconds": seconds}


def verdict(name: str, value: float | None) -> str:
    if value is None:
        return "MISSES (did not finish)"
    return "meets" if value <= TARGETS[name] else "MISSES"


def _s(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def report(results: dict) -> str:
    m = results["machine"]
    s, c, n, k, r = (results.get(key, {}) for key in ("startup", "catalog", "nesting", "check", "realposts"))
    loads = ", ".join(f"{name} {value:.1f}" for name, value in results.get("loads", {}).items())
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB RAM; {m['os']}; Python {m['python']}, "
        f"SymPy {m.get('sympy')}, mpmath {m.get('mpmath')}, typer {m.get('typer')} (on the measured path: "
        f"{results.get('typer_measured')}); load average before each part: {loads}; "
        f"{results['load_after']:.1f} at the end.",
        "",
        "| # | measurement | derivator | SymPy reference | ratio | target | |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    if c:
        lines.append(
            f"| 1 | catalog ({c['entries']} entries) derived + traced + verified vs `simplify(diff(f))` | "
            f"{c['median_seconds']['derivator']:.2f} s | {c['median_seconds']['sympy']:.2f} s | {c['catalog']:.2f}× | ≤ 1.0× | "
            f"{verdict('catalog', c['catalog'])} |")
        lines.append(
            f"| 1b | catalog: lines verified / lines, sample points | {c['lines_verified']} / {c['lines']}, "
            f"{c['points']} points | | | every line | {'meets' if c['lines_verified'] == c['lines'] else 'MISSES'} |")
        lines.append(
            f"| 1c | memory peak, deriving the catalog (one process) | {c['peak_mb']['derivator']:.0f} MB | "
            f"{c['peak_mb']['sympy']:.0f} MB | | ≤ 300 MB | {verdict('catalog_mb', c['peak_mb']['derivator'])} |")
    if s:
        med = s["median_seconds"]
        lines += [
            f"| 2a | `derivator sigmoid --format latex --no-cache` vs `python -c \"import sympy\"` | "
            f"{med['nocache']:.3f} s | {med['import_sympy']:.3f} s | {s['startup_nocache']:.2f}× | ≤ 1.2× | "
            f"{verdict('startup_nocache', s['startup_nocache'])} |",
            f"| 2b | same, warm result cache | {med['cache']:.3f} s | {med['import_sympy']:.3f} s | "
            f"{s['startup_cache']:.2f}× | ≤ 0.5× | {verdict('startup_cache', s['startup_cache'])} |",
            f"| 2c | sandbox cost: 2a minus the same with DERIVATOR_NO_SANDBOX=1 | {s['sandbox_cost'] * 1000:+.0f} ms | | | "
            "not noticeable | |",
        ]
    if n:
        json_ratio = n.get("json_ratio")
        lines += [
            f"| 3 | σ∘…∘σ depth 32 vs depth 16 (time) | {_s(n['median_seconds'].get(32))} s | "
            f"{_s(n['median_seconds'].get(16))} s | {_s(n['nesting'])}× | ≤ 2.5× | {verdict('nesting', n['nesting'])} |",
            "| 3b | σ∘…∘σ JSON size, depth 32 vs 16 (steps / bytes by depth: "
            + ", ".join(f"{d}: {n['steps'][d]} / {n['json_bytes'][d]}" for d in sorted(n["steps"]))
            + f") | | | {_s(json_ratio)}× | ≤ 2.2× | {verdict('json_ratio', json_ratio)} |",
        ]
    if k:
        lines.append(f"| 4 | `derivator check` seed 001, end to end | {k['check_seconds']:.2f} s | | | ≤ 2 s | "
                     f"{verdict('check_seconds', k['check_seconds'])} |")
    if r:
        lines += [
            f"| 5 | `derivator check` on a real post ({r['posts']} posts): median / max | {r['post_median']:.2f} s / "
            f"{r['post_max']:.2f} s | | | ≤ 0.5 / 1.0 s | {verdict('post_median', r['post_median'])} / "
            f"{verdict('post_max', r['post_max'])} |",
            f"| 5b | memory peak, checking the real-post corpus (largest post, with its worker) | {r['peak_mb']:.0f} MB | | | "
            "reported | |",
        ]
    if n:
        if n["errors"]:
            lines += ["", "Nesting runs that failed: " + "; ".join(f"depth {d}: {e}" for d, e in n["errors"].items())]
        lines += ["", "Nesting seconds by depth: " + ", ".join(f"{d}: {_s(v)}" for d, v in n["median_seconds"].items()),
                  "Nesting lines verified / points by depth: "
                  + ", ".join(f"{d}: {v['verified']}/{v['lines']} / {v['points']}" for d, v in n["checks"].items())]
    if c:
        if c["failed"]:
            lines += ["", f"Catalog entries that failed or did not verify: {c['failed']}"]
        lines += ["", "Slowest catalog entries (derivator s, SymPy s; lines verified/lines, points): "
                  + ", ".join(f"{name} {a:.2f}/{b:.2f} ({c['checks'][name]['verified']}/{c['checks'][name]['lines']}, "
                              f"{c['checks'][name]['points']})" for name, (a, b) in c["slowest"])]
    if r:
        lines += ["", "Slowest real posts (s): " + ", ".join(f"{p} {v:.2f}" for p, v in r["slowest"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9, help="repeats of each start-up measurement")
    parser.add_argument("--heavy-repeat", type=int, default=3, help="repeats of catalog, nesting and check")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=["startup", "catalog", "nesting", "check", "realposts"])
    parser.add_argument("--nesting-repeat", type=int, default=1, help="repeats of the nesting depths (depth 32 takes minutes)")
    parser.add_argument("--site", action="append", default=[], type=Path,
                        help="a directory put first on every measured process's path (e.g. pinned packages)")
    parser.add_argument("--inner", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--profile", nargs="+", metavar="INNER", help="cProfile an inner measurement, e.g. nesting 32")
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(INNER[args.inner[0]](*args.inner[1:])))
        return 0
    if args.profile:
        print(inner_profile(*args.profile)["profile"])
        return 0
    SITE.extend(str(p.resolve()) for p in args.site)
    probe = subprocess.run([PY, "-c", "import importlib.metadata as m, typer; print(getattr(typer, '__version__', '?'))"],
                           env=_env(), capture_output=True, text=True)
    results = {"machine": machine(), "typer_measured": probe.stdout.strip() or probe.stderr.strip()[-200:], "loads": {}}
    steps = {"startup": lambda: bench_startup(args.repeat), "catalog": lambda: bench_catalog(args.heavy_repeat),
             "nesting": lambda: bench_nesting(args.nesting_repeat), "check": lambda: bench_check(max(3, args.heavy_repeat)),
             "realposts": bench_realposts}
    for name, step in steps.items():
        if args.only and name != args.only:
            continue
        t = time.perf_counter()
        results["loads"][name] = os.getloadavg()[0]
        results[name] = step()
        print(f"[{name} done in {time.perf_counter() - t:.0f} s]", file=sys.stderr)
    results["load_after"] = os.getloadavg()[0]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
