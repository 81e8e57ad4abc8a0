"""Running exported code for real, in every target, and the truth to compare it with.

Generated code (derivator's own output, never user text) is executed here: Python targets with exec,
C# compiled with mcs and run with mono. The truth is mpmath on the definition (f) and on SymPy's
derivative of the definition (f'), at 100 digits and more until two precisions agree: the naive
formula itself cancels (1 − tanh²(800) needs ~700 digits).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import mpmath
import numpy as np
import sympy as sp

from derivator.present.codegen import code_parts, export_code
from derivator.core.functions import expand_named
from validators import unavailable

PY_TARGETS = ("python", "numpy", "torch", "jax")
ALL_TARGETS = PY_TARGETS + ("csharp",)
SMALLEST_NORMAL = 2.2250738585072014e-308
SMALLEST_NORMAL32 = 1.1754943508222875e-38


# --- optional tools -------------------------------------------------------------------------------


def require(target: str) -> None:
    """Skip locally when the target's tool is missing; fail under CI=true (validators.unavailable)."""
    if target == "torch":
        try:
            import torch  # noqa: F401
        except ImportError:
            unavailable("torch not installed (pip install torch==2.13.0; .ci/run installs it)")
    elif target == "jax":
        try:
            import jax  # noqa: F401
        except ImportError:
            unavailable("jax not installed (pip install jax jaxlib; .ci/run installs it)")
    elif target == "csharp":
        if shutil.which("mcs") is None or shutil.which("mono") is None:
            unavailable("mcs/mono not installed (apt-get install mono-mcs; .ci/run installs it)")


def enable_jax_x64() -> None:
    import jax

    jax.config.update("jax_enable_x64", True)


# --- Python targets ---------------------------------------------------------------------------------


def load(code: str) -> dict:
    namespace: dict = {"__name__": "derivator_export"}
    exec(compile(code, "<export>", "exec"), namespace)  # derivator's generated code only
    return namespace


def call(fn, target: str, xs, dtype=np.float64, params: dict | None = None) -> np.ndarray:
    """fn at each point, as float64 numbers (nan where it raised: Python's math raises on overflow)."""
    params = params or {}
    xs = np.asarray(xs, dtype=dtype)
    if target == "python":
        out = []
        for v in xs.tolist():
            try:
                out.append(float(fn(float(v), **params)))
            except (OverflowError, ValueError, ZeroDivisionError):
                out.append(math.nan)
        return np.array(out)
    if target == "numpy":
        with np.errstate(all="ignore"):
            return np.asarray(fn(xs, **params), dtype=np.float64)
    if target == "torch":
        import torch

        return fn(torch.tensor(xs), **params).double().numpy()
    if target == "jax":
        import jax.numpy as jnp

        return np.asarray(fn(jnp.asarray(xs), **params), dtype=np.float64)
    raise ValueError(target)


# --- C# -------------------------------------------------------------------------------------------------


@dataclass
class CSharpProgram:
    """Several exported classes in one program (one compile), each in its own namespace."""

    classes: list[tuple[str, str, str]] = field(default_factory=list)  # (namespace, class, code)
    calls: list[tuple[str, str, str, list[str], list[float]]] = field(default_factory=list)

    def add(self, code: str) -> str:
        ns = f"E{len(self.classes)}"
        cls = code.split("public static class ", 1)[1].split()[0]
        self.classes.append((ns, cls, code.replace("using System;\n", "")))
        return ns

    def call(self, ns: str, method: str, xs: list[float], params: list[float] = ()) -> None:
        cls = next(c for n, c, _ in self.classes if n == ns)
        self.calls.append((ns, cls, method, [repr(float(p)) for p in params], list(xs)))

    def run(self, tmp: Path) -> list[list[float]]:
        lines = ["using System;", "using System.Globalization;"]
        for ns, _, code in self.classes:
            lines.append(f"namespace {ns} {{\n{code}\n}}")
        body = []
        for i, (ns, cls, method, params, xs) in enumerate(self.calls):
            values = ", ".join(_cs_double(v) for v in xs)
            extra = "".join(f", {p}" for p in params)
            body.append(f"        {{ double[] xs = {{ {values} }}; foreach (double v in xs) "
                        f"Console.WriteLine(\"{i} \" + global::{ns}.{cls}.{method}(v{extra}).ToString(\"R\", CultureInfo.InvariantCulture)); }}")
        lines.append("public static class DerivatorTestMain\n{\n    public static void Main()\n    {\n"
                     + "\n".join(body) + "\n    }\n}")
        src = tmp / "export.cs"
        src.write_text("\n".join(lines))
        exe = tmp / "export.exe"
        done = subprocess.run(["mcs", "-nologo", "-warn:0", f"-out:{exe}", str(src)], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        ran = subprocess.run(["mono", str(exe)], capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, ran.stderr
        results: list[list[float]] = [[] for _ in self.calls]
        for line in ran.stdout.splitlines():
            i, value = line.split(" ", 1)
            results[int(i)].append(float(value))
        return results


def _cs_double(v: float) -> str:
    if math.isnan(v):
        return "double.NaN"
    if math.isinf(v):
        return "double.PositiveInfinity" if v > 0 else "double.NegativeInfinity"
    return repr(float(v))


# --- the truth --------------------------------------------------------------------------------------------


def mp_function(expr: sp.Expr, x: sp.Symbol, params: dict | None = None):
    subs = {s: sp.nsimplify(v) for s, v in (params or {}).items()}
    # the variable as a Dummy: a user's name such as `max` or `mpf` would shadow what the printed
    # reference code calls (Max prints as max)
    arg = sp.Dummy("x")
    return sp.lambdify(arg, expand_named(expr).xreplace(subs).xreplace({x: arg}), modules="mpmath")


def truth(fn, value: float) -> mpmath.mpf:
    """fn(value) at 100 digits, then 4 times as many until two evaluations agree (or both are far
    below doubles). Steps of 4: a naive formula loses a term below 10^(−digits) relative at both of
    two close precisions (log(1 + e^(−470)) is 0 at 50 digits and at 100), not at 100 and 400; for
    |x| ≤ 800 every term that matters in double range is above 10^(−1600)."""
    previous = None
    dps = 100
    while dps <= 6400:
        with mpmath.workdps(dps):
            try:
                current = mpmath.mpf(fn(mpmath.mpf(value)))
            except (ZeroDivisionError, ValueError):
                current = mpmath.nan
        if previous is not None:
            if mpmath.isnan(current) and mpmath.isnan(previous):
                return current
            # a formula that cancels gives 0 at too low a precision: "below doubles" counts only
            # once the precision is far beyond the terms' size (|true| < 10^(−1600) · terms)
            if abs(current) < 1e-320 and abs(previous) < 1e-320 and dps >= 1600:
                return current
            if current != 0 and abs(current - previous) <= abs(current) * mpmath.mpf(10) ** (-25):
                return current
        previous = current
        dps *= 4
    return previous


@dataclass(frozen=True)
class Check:
    """The worst error of one function on one grid."""

    max_rel: float = 0.0
    where_rel: float | None = None
    bad: tuple = ()  # (x, got, true, why)

    def merged(self, other: "Check") -> "Check":
        worse = other if other.max_rel > self.max_rel else self
        return Check(worse.max_rel, worse.where_rel, self.bad + other.bad)


FLOAT32_EPS = 2.0**-23


def compare(xs, got, true, *, rel_tol=1e-12, float32=False) -> Check:
    """Relative error where the truth is a normal number, absolute below; no nan/inf where the truth
    is finite and representable. In float32 a point also passes within 4 roundings of a term of size
    1 + |x| (near a zero of f′, 1 + sin 2x for snake, no float32 formula is relatively accurate)."""
    smallest = SMALLEST_NORMAL32 if float32 else SMALLEST_NORMAL
    largest = float(np.finfo(np.float32 if float32 else np.float64).max)
    abs_tol = 1e-37 if float32 else 1e-300
    check = Check()
    for v, g, t in zip(xs, got, true):
        if mpmath.isnan(t) or abs(t) > largest:
            continue  # undefined there, or the true value overflows the format itself
        tf = float(t)
        if not math.isfinite(g):
            check = check.merged(Check(bad=((v, g, tf, "not finite"),)))
            continue
        if abs(t) < smallest:
            if abs(g - tf) > abs_tol:
                check = check.merged(Check(bad=((v, g, tf, "absolute"),)))
            continue
        rel = float(abs((mpmath.mpf(g) - t) / t))
        if float32 and abs(g - tf) <= 4 * FLOAT32_EPS * (1 + abs(v)):
            rel = min(rel, rel_tol)
        if rel > rel_tol:
            check = check.merged(Check(rel, v, ((v, g, tf, f"relative {rel:.3g}"),)))
        elif rel > check.max_rel:
            check = Check(rel, v, check.bad)
    return check


def grid(lowest: float = 1e-6, highest: float = 800.0, per_sign: int = 40) -> list[float]:
    """Both signs, log-spaced, and 0."""
    pos = np.logspace(math.log10(lowest), math.log10(highest), per_sign).tolist()
    return sorted([-v for v in pos] + [0.0] + pos)


def away_from(points: list[float], kinks: list[float], gap: float = 1e-9) -> list[float]:
    return [p for p in points if all(abs(p - k) > gap for k in kinks)]


def exports(d) -> dict[str, str]:
    return {t: export_code(d, t) for t in ALL_TARGETS}


def at_defaults(d, expr) -> sp.Expr:
    """expr with the catalog parameters kept symbolic at their source's defaults (a kink at x = a)."""
    return sp.sympify(expr).xreplace(d.default_values)


def references(d, params: dict | None = None):
    """(f, f') as mpmath functions: the definition, and SymPy's derivative of it — at the source's
    defaults for the catalog parameters kept symbolic, as the exported code's arguments default to them."""
    parts = code_parts(d)
    x = parts.variable
    definition = expand_named(parts.definition)
    derivative = sp.diff(definition, x, parts.order)
    at = dict(d.default_values)
    at.update(params or {})
    return mp_function(definition, x, at), mp_function(derivative, x, at)


def run_all_python(codes: dict[str, str], names: tuple[str, str], xs, dtype=np.float64, params=None):
    """{target: (f values, f' values)} for the Python targets that are installed."""
    out = {}
    for target in PY_TARGETS:
        ns = load(codes[target])
        out[target] = tuple(call(ns[n], target, xs, dtype, params) for n in names)
    return out


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
