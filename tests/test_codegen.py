"""Exported code (python, numpy, torch, jax) run against a numerical derivative.

The reference is mpmath.diff of the definition at 30 digits (a numerical derivative, independent of
both derivator's rules and sympy.diff); the generated code must match it to 1e-9. Extreme inputs are
test_codegen_range's, names test_codegen_names's, C# and the autodiff targets test_codegen_targets's.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from codegen_harness import PY_TARGETS, enable_jax_x64, require
from derivator.present.codegen import export_code
from derivator.core.errors import DerivatorError
from derivator.core.functions import expand_named, sigmoid
from derivator.core.trace import Derivation

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
beta = sp.Symbol("beta", positive=True)

# name -> (function, definition, derivative as the derivation writes it, output form or None)
HAND = {
    "sigmoid": (sigmoid(x), 1 / (1 + sp.exp(-x)), sigmoid(x) * (1 - sigmoid(x)), y * (1 - y)),
    "tanh": (sp.tanh(x), sp.tanh(x), 1 - sp.tanh(x) ** 2, 1 - y**2),
    "relu": (sp.Max(0, x), sp.Max(0, x), sp.Piecewise((0, x < 0), (1, True)), None),
    "gelu": (None, x / 2 * (1 + sp.erf(x / sp.sqrt(2))), None, None),
    "swish": (None, x * sigmoid(x), None, None),
    "swish_beta": (None, x * sigmoid(beta * x), None, None),
}
NAMES = list(HAND)
POINTS = [-3.7, -1.2, -0.3, 0.4, 1.1, 2.9]  # no kinks (ReLU's is at 0)
PARAMS = {"swish_beta": {"beta": 1.7}}


def derivation(name: str) -> Derivation:
    fn, definition, derivative, out = HAND[name]
    fn = definition if fn is None else fn
    derivative = sp.diff(definition, x) if derivative is None else derivative
    return Derivation(input=name, variable=x, function=fn, definition=definition, steps=[],
                      derivative=derivative, output_form=out, name=name)


def reference(name: str):
    """f and f' at 30 digits: f from the definition, f' by mpmath's numerical differentiation."""
    d = derivation(name)
    subs = {sp.Symbol(k, positive=True): v for k, v in PARAMS.get(name, {}).items()}
    f = sp.lambdify(x, expand_named(d.definition).subs(subs), modules="mpmath")
    with mpmath.workdps(30):
        return (lambda t: float(f(mpmath.mpf(t)))), (lambda t: float(mpmath.diff(f, mpmath.mpf(t))))


def load(code: str, fmt: str) -> dict:
    require(fmt)
    if fmt == "jax":
        enable_jax_x64()
    namespace: dict = {}
    exec(compile(code, f"<{fmt}>", "exec"), namespace)  # our own generated code, never user text
    return namespace


def as_input(fmt: str, t: float):
    if fmt == "numpy":
        return np.array([t])
    if fmt == "torch":
        import torch

        return torch.tensor([t], dtype=torch.float64)
    if fmt == "jax":
        import jax.numpy as jnp

        return jnp.asarray([t], dtype=jnp.float64)
    return t


def as_float(v) -> float:
    if hasattr(v, "tolist"):
        v = v.tolist()
    return float(v[0] if isinstance(v, list) else v)


@pytest.mark.parametrize("fmt", PY_TARGETS)
@pytest.mark.parametrize("name", NAMES)
def test_code_matches_numerical_derivative(name, fmt):
    d = derivation(name)
    ns = load(export_code(d, fmt), fmt)
    f_ref, df_ref = reference(name)
    fname = d.name if d.name in ns else "f"
    params = PARAMS.get(name, {})
    for t in POINTS:
        got_f = as_float(ns[fname](as_input(fmt, t), **params))
        got_df = as_float(ns[f"{fname}_grad"](as_input(fmt, t), **params))
        assert math.isclose(got_f, f_ref(t), rel_tol=1e-12, abs_tol=1e-12), (t, got_f)
        assert math.isclose(got_df, df_ref(t), rel_tol=1e-9, abs_tol=1e-9), (t, got_df, df_ref(t))


@pytest.mark.parametrize("fmt", PY_TARGETS)
@pytest.mark.parametrize("name", [n for n in NAMES if HAND[n][3] is not None])
def test_backward_from_output_needs_only_the_output(name, fmt):
    """The output-form derivative takes y = f(x) alone, and matches the numerical derivative."""
    d = derivation(name)
    code = export_code(d, fmt)
    ns = load(code, fmt)
    from_output = ns[f"{name}_grad_from_output"]
    assert from_output.__code__.co_varnames[: from_output.__code__.co_argcount] == ("y",)
    _, df_ref = reference(name)
    for t in POINTS:
        out = ns[name](as_input(fmt, t))
        assert math.isclose(as_float(from_output(out)), df_ref(t), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("fmt", PY_TARGETS)
def test_docstrings_quote_the_derivation_and_the_code_is_the_safe_form(fmt):
    """The docstring says σ′ as derived; the body evaluates it without forming e^|x| (rule 2)."""
    code = export_code(derivation("swish"), fmt)
    grad_src = code.split("def swish_grad")[1].split("def ")[0]
    assert "sigmoid(x)" in grad_src.split('"""')[1]
    body = grad_src.split('"""')[2]
    assert "exp(-" in body and "sigmoid(" not in body


@pytest.mark.parametrize("fmt, needed", [("numpy", "import numpy"), ("torch", "import torch"),
                                         ("python", "import math"), ("jax", "import jax.numpy as jnp")])
def test_imports_are_the_ones_used_and_stated(fmt, needed):
    code = export_code(derivation("gelu"), fmt)
    assert needed in code
    assert "Needs: " in code.split('"""')[1]  # the module docstring states its dependencies
    if fmt != "numpy":
        assert "scipy" not in code.replace("jax.scipy", "")
    else:  # SciPy is optional: imported in a try, with math.erfc element by element otherwise
        assert "except ImportError" in code and "import scipy" not in code


def test_numpy_gelu_runs_without_scipy():
    """GELU's NumPy export with SciPy made unimportable: math.erfc element by element, same values."""
    import sys

    code = export_code(derivation("gelu"), "numpy")
    saved = {k: sys.modules[k] for k in list(sys.modules) if k == "scipy" or k.startswith("scipy.")}
    try:
        for k in saved:
            sys.modules[k] = None  # import scipy... raises ImportError
        sys.modules["scipy"] = None
        sys.modules["scipy.special"] = None
        ns = load(code, "numpy")
    finally:
        for k in ("scipy", "scipy.special"):
            sys.modules.pop(k, None)
        sys.modules.update(saved)
    assert ns["_scipy_erf"] is None
    f_ref, df_ref = reference("gelu")
    for t in POINTS:
        assert math.isclose(float(ns["gelu_grad"](np.array([t]))[0]), df_ref(t), rel_tol=1e-9)
        assert ns["gelu"](np.array([t], dtype=np.float32)).dtype == np.float32


def test_unknown_format_is_a_derivator_error():
    with pytest.raises(DerivatorError):
        export_code(derivation("sigmoid"), "fortran")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "gelu", "swish"])
def test_torch_autograd_backward_matches_numerical(name):
    require("torch")
    import torch

    d = derivation(name)
    ns = load(export_code(d, "torch"), "torch")
    fn = ns[name.capitalize()]
    t = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
    fn.apply(t).sum().backward()
    _, df_ref = reference(name)
    for value, g in zip(POINTS, t.grad.tolist()):
        assert math.isclose(g, df_ref(value), rel_tol=1e-9, abs_tol=1e-9)
    assert torch.autograd.gradcheck(fn.apply, (torch.tensor(POINTS, dtype=torch.float64, requires_grad=True),))


@pytest.mark.parametrize("fmt", PY_TARGETS)
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "gelu", "swish"])
def test_code_from_the_engine_matches_numerical_derivative(name, fmt):
    """The derivations derivator really makes (derive()), exported and run, match mpmath.diff."""
    from derivator.pipeline import derive

    d = derive(name)
    ns = load(export_code(d, fmt), fmt)
    # at the source's defaults, as the exported functions' parameters default to them (Swish's β = 1)
    at = d.default_values
    f = sp.lambdify(d.variable, expand_named(d.definition).xreplace(at), modules="mpmath")
    fname = [k for k in ns if k.endswith("_grad")][0][: -len("_grad")]
    from_output = ns.get(f"{fname}_grad_from_output")
    for t in POINTS:
        with mpmath.workdps(30):
            want = float(mpmath.diff(f, mpmath.mpf(t)))
        assert math.isclose(as_float(ns[f"{fname}_grad"](as_input(fmt, t))), want, rel_tol=1e-9, abs_tol=1e-9)
        if from_output is not None:
            got = as_float(from_output(ns[fname](as_input(fmt, t))))
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    if name in ("sigmoid", "tanh"):
        assert from_output is not None  # the seed's (1 - val) * val: backward from the output alone


def _cli(*args, cwd=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "derivator", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("fmt", PY_TARGETS + ("csharp",))
def test_cli_format_prints_the_exported_code(fmt):
    """`derivator sigmoid --format numpy|torch|python` prints the same code as export_code."""
    from derivator.pipeline import derive

    done = _cli("sigmoid", "--format", fmt, "--no-cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == export_code(derive("sigmoid"), fmt).strip()


def test_cli_code_format_with_facts_is_a_one_line_error():
    done = _cli("sigmoid", "--format", "numpy", "--facts", "--no-cache")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["python", "numpy"])
def test_a_symbolic_parameter_is_an_argument_with_the_sources_default(fmt):
    """ELU derived with α symbolic exports elu(x, alpha=1.0): called without α it is PyTorch's ELU, and
    another α gives the derivative derivator derives with --param alpha=…"""
    from derivator.pipeline import derive

    code = export_code(derive("elu"), fmt)
    assert "def elu_grad(x, alpha=1.0):" in code
    ns = load(code, fmt)
    at_half = derive("elu", params={"alpha": "0.5"})
    grad = sp.lambdify(at_half.variable, expand_named(at_half.derivative), modules="mpmath")
    for t in (-2.0, -0.3, 0.7):
        assert math.isclose(as_float(ns["elu_grad"](as_input(fmt, t), 0.5)), float(grad(t)), rel_tol=1e-12)
        assert math.isclose(as_float(ns["elu_grad"](as_input(fmt, t))), math.exp(t) if t < 0 else 1.0, rel_tol=1e-12)


@pytest.mark.parametrize("fmt", ["numpy", "torch", "python", "jax", "csharp"])
def test_code_is_the_same_in_every_language(fmt):
    # generated code stays in English (README, "Exported code"): --lang changes the narration only
    import re

    from derivator.i18n import LANGS
    from derivator.pipeline import derive
    from derivator.present.dispatch import render

    d = derive("softplus")
    codes = {lang: render(d, fmt, lang) for lang in LANGS}
    assert len(set(codes.values())) == 1
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", codes["ja"])
