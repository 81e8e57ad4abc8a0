"""Every catalog entry, every target, x in [−800, 800]: the exported f and f′ against mpmath.

float64: relative error ≤ 1e−12 where the true value is a normal double, absolute ≤ 1e−300 below,
no nan/inf where the true value is finite (points where it overflows the format are left out).
float32 (numpy, torch, jax): against the float32-rounded truth, relative ≤ 1e−5 (or within four float32
roundings of 1 + |x| near a zero of f′, where no float32 formula is relatively accurate).
The grid is log-spaced from 1e−6 to 800, both signs, and 0; kinks are left out (f′ is a convention
there, checked in test_catalog). An entry a target cannot express must be refused with one line.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import pytest

from codegen_harness import (ALL_TARGETS, PY_TARGETS, CSharpProgram, at_defaults, away_from, call, compare, enable_jax_x64, grid,
                             load, references, require, truth)
from derivator import catalog
from derivator.pipeline import derive
from derivator.present.codegen import export_code
from derivator.core.errors import DerivatorError

# the quick subset: the seeds' functions and one of each safe-form rule
FAST = ("sigmoid", "tanh", "softplus", "log_sigmoid", "gelu", "mish", "silu", "squareplus", "tanhshrink", "elu")
ENTRIES = [e.name for e in catalog.entries()]
REL64, REL32 = 1e-12, 1e-5
XS = grid()


def _param(name):
    return pytest.param(name, marks=()) if name in FAST else pytest.param(name, marks=pytest.mark.slow)


@lru_cache(maxsize=None)
def derived(name: str):
    return derive(name)


@lru_cache(maxsize=None)
def points(name: str) -> tuple[float, ...]:
    d = derived(name)
    kinks = [float(at_defaults(d, at)) for at, _ in catalog.breakpoints(catalog.get(name))] + [
        float(at_defaults(d, k.at)) for k in d.kinks]
    return tuple(away_from(XS, kinks))


@lru_cache(maxsize=None)
def true_values(name: str, dtype: str = "float64") -> tuple[tuple, tuple]:
    f, df = references(derived(name))
    xs = np.asarray(points(name), dtype=dtype).astype(np.float64)
    return tuple(truth(f, v) for v in xs), tuple(truth(df, v) for v in xs)


def _rounded32(values):
    return [mpmath.mpf(float(np.float32(float(v)))) if not mpmath.isnan(v) and abs(v) < 3.4e38 else v for v in values]


def _report(name, target, which, check):
    bad = "; ".join(f"x={v:g}: got {g!r}, true {t!r} ({why})" for v, g, t, why in check.bad[:4])
    return f"{name} {which} in {target}: {len(check.bad)} bad points: {bad}"


def _exported(name: str, target: str) -> str | None:
    """The code, or None when the target refuses the entry with one clear line."""
    try:
        return export_code(derived(name), target)
    except DerivatorError as err:
        line = str(err)
        assert "\n" not in line and target in line, line
        return None


@pytest.mark.parametrize("target", PY_TARGETS)
@pytest.mark.parametrize("name", [_param(n) for n in ENTRIES])
def test_python_targets_float64_over_the_whole_range(name, target):
    require(target)
    if target == "jax":
        enable_jax_x64()
    code = _exported(name, target)
    if code is None:
        return
    ns = load(code)
    f_name = [k for k in ns if k.endswith("_grad") and callable(ns[k])][0][: -len("_grad")]
    xs = list(points(name))
    f_true, df_true = true_values(name)
    for which, fn, true in (("f", ns[f_name], f_true), ("f'", ns[f"{f_name}_grad"], df_true)):
        got = call(fn, target, xs)
        check = compare(xs, got.tolist(), true, rel_tol=REL64)
        assert not check.bad, _report(name, target, which, check)


@pytest.mark.parametrize("target", ("numpy", "torch", "jax"))
@pytest.mark.parametrize("name", [_param(n) for n in ENTRIES])
def test_array_targets_float32_keep_float32_and_its_accuracy(name, target):
    require(target)
    code = _exported(name, target)
    if code is None:
        return
    ns = load(code)
    f_name = [k for k in ns if k.endswith("_grad") and callable(ns[k])][0][: -len("_grad")]
    xs32 = np.asarray(points(name), dtype=np.float32)
    f_true, df_true = true_values(name, "float32")
    for which, fn, true in (("f", ns[f_name], f_true), ("f'", ns[f"{f_name}_grad"], df_true)):
        got = _float32_call(fn, target, xs32)
        true = _rounded32(true)
        check = compare(xs32.astype(np.float64).tolist(), got.astype(np.float64).tolist(), true, rel_tol=REL32,
                        float32=True)
        assert not check.bad, _report(name, target, which + " float32", check)


def _float32_call(fn, target, xs32):
    if target == "numpy":
        with np.errstate(all="ignore"):
            out = fn(xs32)
        assert out.dtype == np.float32, out.dtype
        return out
    if target == "torch":
        import torch

        out = fn(torch.tensor(xs32))
        assert out.dtype == torch.float32, out.dtype
        return out.numpy()
    import jax.numpy as jnp

    out = fn(jnp.asarray(xs32))
    assert out.dtype == jnp.float32, out.dtype
    return np.asarray(out)


@pytest.mark.parametrize("name", [_param(n) for n in ENTRIES])
def test_csharp_over_the_whole_range(name, tmp_path):
    require("csharp")
    code = _exported(name, "csharp")
    if code is None:
        return
    program = CSharpProgram()
    ns = program.add(code)
    xs = list(points(name))
    program.call(ns, "Activation", xs)
    program.call(ns, "Derivative", xs)
    got_f, got_df = program.run(tmp_path)
    f_true, df_true = true_values(name)
    for which, got, true in (("f", got_f, f_true), ("f'", got_df, df_true)):
        check = compare(xs, got, true, rel_tol=REL64)
        assert not check.bad, _report(name, "csharp", which, check)


@pytest.mark.parametrize("target", ALL_TARGETS)
def test_sigmoid_derivative_from_x_to_700(target, tmp_path):
    """σ′(x) = σ(x)σ(−x) to 1e−12 relative for |x| up to 700 (σ(1 − σ) from a computed σ is 0 from 37 on)."""
    require(target)
    xs = [float(v) for v in np.linspace(-700, 700, 281)]
    with mpmath.workdps(50):
        true = [mpmath.exp(-abs(mpmath.mpf(v))) / (1 + mpmath.exp(-abs(mpmath.mpf(v)))) ** 2 for v in xs]
    code = export_code(derived("sigmoid"), target)
    if target == "csharp":
        program = CSharpProgram()
        program.call(program.add(code), "Derivative", xs)
        got = program.run(tmp_path)[0]
    else:
        if target == "jax":
            enable_jax_x64()
        got = call(load(code)["sigmoid_grad"], target, xs).tolist()
    check = compare(xs, got, true, rel_tol=1e-12)
    assert not check.bad and check.max_rel <= 1e-12, _report("sigmoid", target, "f'", check)


def test_bce_with_logits_is_finite_and_accurate_at_800():
    """BCE with logits written as the textbook does, −(t log σ(z) + (1 − t) log(1 − σ(z))): the safe form
    of each log (rule 2) keeps it finite and exact at z = ±800 for labels 0, 0.3 and 1."""
    text = "-(t*log(sigmoid(z)) + (1 - t)*log(1 - sigmoid(z)))"
    d = derive(text, "z")
    ns = load(export_code(d, "numpy"))
    f, df = references(d, {})
    for label in (0.0, 0.3, 1.0):
        import sympy as sp

        fl, dfl = references(d, {sp.Symbol("t", real=True): label})
        zs = [-800.0, -40.0, -1e-3, 0.0, 1e-3, 40.0, 800.0]
        for fn, ref in ((ns["f"], fl), (ns["f_grad"], dfl)):
            got = call(fn, "numpy", zs, params={"t": label}).tolist()
            check = compare(zs, got, [truth(ref, z) for z in zs], rel_tol=1e-12)
            assert not check.bad, check.bad
