"""The targets executed for real: torch (dtypes, gradcheck), jax (jax.grad of f is f′), C# (compiled
with mcs, run with mono, compared with the Python export at the same points)."""

from __future__ import annotations

import math
import subprocess
import sys
from functools import lru_cache

import numpy as np
import pytest

from codegen_harness import CSharpProgram, enable_jax_x64, load, references, require, truth
from derivator import catalog
from derivator.pipeline import derive
from derivator.present.codegen import FORMATS, export_code
from derivator.core.errors import DerivatorError

POINTS = [-30.0, -3.7, -1.2, -0.3, 0.4, 1.1, 2.9, 30.0]  # no kinks
WITH_OUTPUT_FORM = ("sigmoid", "tanh", "softplus", "log_sigmoid", "elu", "squareplus")
WITHOUT = ("gelu", "mish", "silu", "gelu_tanh", "squareplus")


@lru_cache(maxsize=None)
def derived(name: str):
    return derive(name)


def _ns(name: str, target: str) -> dict:
    require(target)
    if target == "jax":
        enable_jax_x64()
    return load(export_code(derived(name), target))


# --- torch -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["relu", "relu6", "hard_sigmoid", "step", "identity"])
def test_torch_piecewise_derivatives_keep_the_float_dtype(name):
    """relu_grad returned int64; every derivative returns the input's float dtype (the default float
    dtype for an int tensor)."""
    ns = _ns(name, "torch")
    import torch

    grad = ns[f"{name}_grad"]
    for dtype in (torch.float64, torch.float32):
        assert grad(torch.tensor([-1.5, 0.5, 7.0], dtype=dtype)).dtype == dtype
    assert grad(torch.tensor([-1, 2, 7])).dtype == torch.get_default_dtype()


@pytest.mark.parametrize("name", WITH_OUTPUT_FORM + WITHOUT)
def test_torch_autograd_function_passes_gradcheck_in_double(name):
    ns = _ns(name, "torch")
    import torch

    cls = next(v for v in ns.values() if isinstance(v, type) and issubclass(v, torch.autograd.Function)
               and v is not torch.autograd.Function)
    xs = torch.tensor(POINTS[1:-1], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(cls.apply, (xs,))
    out = cls.apply(xs)
    out.sum().backward()
    _, df = references(derived(name))
    for v, g in zip(POINTS[1:-1], xs.grad.tolist()):
        assert math.isclose(g, float(truth(df, v)), rel_tol=1e-12, abs_tol=1e-300)
    with_output = "from_output" in export_code(derived(name), "torch")
    assert with_output == (name in WITH_OUTPUT_FORM)  # the backward uses the output where derived


# --- jax -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITH_OUTPUT_FORM + WITHOUT)
def test_jax_grad_of_the_export_is_the_exported_derivative(name):
    """jax.grad of f (through custom_vjp where the output form exists, through jax's own
    differentiation of the safe form otherwise) equals f′ and the truth at every point."""
    ns = _ns(name, "jax")
    import jax
    import jax.numpy as jnp

    f = ns[name]
    grad = ns[f"{name}_grad"]
    _, df = references(derived(name))
    # a backward pass from the output has the output's accuracy: σ(30) has rounded to 1 − 9e−14,
    # so y(1 − y) is off by 1e−3 relative there (as PyTorch's own sigmoid backward); f′(x) is not
    points = POINTS[1:-1] if name in WITH_OUTPUT_FORM else POINTS
    for v in points:
        via_jax = float(jax.grad(f)(jnp.float64(v)))
        exported = float(grad(jnp.float64(v)))
        want = float(truth(df, v))
        assert math.isclose(via_jax, exported, rel_tol=1e-12, abs_tol=1e-300), (v, via_jax, exported)
        assert math.isclose(exported, want, rel_tol=1e-12, abs_tol=1e-300), (v, exported, want)
    batched = jax.vmap(jax.grad(f))(jnp.asarray(points))
    assert np.allclose(np.asarray(batched), [float(grad(jnp.float64(v))) for v in points], rtol=1e-12, atol=0)
    assert ("custom_vjp" in export_code(derived(name), "jax")) == (name in WITH_OUTPUT_FORM)


def test_jax_grad_at_zero_takes_the_branch_for_w_at_least_0():
    """|w| is printed as where(w >= 0, w, -w), max(w, 0) as where(w >= 0, w, 0): jax.grad at 0 uses
    one branch's derivative (jnp.abs would give 0 there and silu′(0) would come out wrong)."""
    for name in ("silu", "mish", "gelu_tanh"):
        ns = _ns(name, "jax")
        import jax
        import jax.numpy as jnp

        _, df = references(derived(name))
        assert math.isclose(float(jax.grad(ns[name])(jnp.float64(0.0))), float(truth(df, 0.0)), rel_tol=1e-12)


# --- C# -------------------------------------------------------------------------------------------------


def test_cli_sigmoid_csharp_compiles_and_matches_the_python_export(tmp_path):
    """`derivator sigmoid --format csharp`: the seed's shape (Activation, DActivation from the output),
    compiled and run, equal to the Python export at the same points."""
    require("csharp")
    done = subprocess.run([sys.executable, "-m", "derivator", "sigmoid", "--format", "csharp", "--no-cache"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    code = done.stdout
    assert "public static class Sigmoid" in code
    assert "public static double DActivation(double y)" in code and "return y*(1.0 - y);" in code
    program = CSharpProgram()
    ns = program.add(code)
    program.call(ns, "Activation", POINTS)
    program.call(ns, "Derivative", POINTS)
    py = load(export_code(derived("sigmoid"), "python"))
    ys = [py["sigmoid"](v) for v in POINTS]
    program.call(ns, "DActivation", ys)
    got_f, got_df, got_out = program.run(tmp_path)
    assert got_f == [py["sigmoid"](v) for v in POINTS]
    assert got_df == [py["sigmoid_grad"](v) for v in POINTS]
    assert got_out == [py["sigmoid_grad_from_output"](y) for y in ys]


@pytest.mark.parametrize("name", WITH_OUTPUT_FORM + WITHOUT + ("normal_cdf", "selu", "sinc", "tanhshrink"))
def test_csharp_matches_the_python_export(name, tmp_path):
    """Same formulas, same doubles: C# agrees with Python's math export to 1e−13 (C#'s Erf/Erfc,
    Log1p, Expm1 are its own, a few ulps from libm's), and DActivation takes the output exactly where Python has the output form."""
    require("csharp")
    code = export_code(derived(name), "csharp")
    py = load(export_code(derived(name), "python"))
    program = CSharpProgram()
    ns = program.add(code)
    program.call(ns, "Activation", POINTS)
    program.call(ns, "Derivative", POINTS)
    got_f, got_df = program.run(tmp_path)
    for v, gf, gd in zip(POINTS, got_f, got_df):
        for got, want in ((gf, py[name](v)), (gd, py[f"{name}_grad"](v))):
            assert math.isclose(got, want, rel_tol=1e-13, abs_tol=1e-300), (name, v, got, want)
    # DActivation takes the output (y, then the parameters with their defaults) where Python has the output form
    assert ("DActivation(double y" in code) == (f"{name}_grad_from_output" in py)


# --- every entry in every target --------------------------------------------------------------------------


@pytest.mark.slow
def test_every_catalog_entry_exports_in_every_target_or_says_why():
    """Each of catalog × FORMATS is code, or one line naming the missing function; only the optional
    derivative from the output may be left out (with a comment saying which function is missing)."""
    refused, left_out = [], []
    for entry in catalog.entries():
        d = derived(entry.name)
        for fmt in FORMATS:
            try:
                code = export_code(d, fmt)
            except DerivatorError as err:
                assert "\n" not in str(err) and f"{fmt} has no" in str(err)
                refused.append((entry.name, fmt))
                continue
            if "code for the derivative from the output: it needs" in code or "C# has no" in code:
                left_out.append((entry.name, fmt))
    assert refused == []
    # only normal_cdf's output form needs erfinv, which plain Python and C# lack
    assert sorted(left_out) == [("normal_cdf", "csharp"), ("normal_cdf", "python")]
