"""Names in exported code: every name the parser accepts works in every target.

The reproducers of issue 14 (A*x written with a, a global X changing sigmoid_grad, a torch parameter
named grad_output or out multiplying the backward, a and a_ or y or ctx giving duplicate arguments),
then a property test: expressions with random and hostile names, exported to every target, run, and
compared with mpmath.
"""

from __future__ import annotations

import dis
import math
import string
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen_harness import (PY_TARGETS, CSharpProgram, call, enable_jax_x64, load, mp_function, require,
                             truth)
from derivator import catalog
from derivator.present.codegen import export_code, names
from derivator.core.errors import DerivatorError
from derivator.parse.text import parse_text
from derivator.core.trace import Derivation

POINTS = [-2.3, -0.6, 0.4, 1.7]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "derivator", *args, "--no-cache"], capture_output=True, text=True,
                          timeout=300)


def by_hand(text: str, var: str) -> Derivation:
    """A Derivation of a parsed expression with SymPy's derivative (no engine: fast, any name)."""
    x = sp.Symbol(var, real=True)
    expr = parse_text(text, functions=catalog.callables(), variables=(var,))
    return Derivation(input=text, variable=x, function=expr, definition=expr, steps=[],
                      derivative=sp.diff(expr, x), name=None)


def _params_in_order(d: Derivation, values: dict[str, float]) -> list[float]:
    free = sorted((d.definition.free_symbols | d.derivative.free_symbols) - {d.variable},
                  key=lambda s: (s.name, sp.default_sort_key(s)))
    return [values[s.name] for s in free]


# --- the reproducers --------------------------------------------------------------------------------


def test_a_times_x_uses_A_not_a():
    done = _cli("A*x", "-f", "python")
    assert done.returncode == 0, done.stderr
    ns = load(done.stdout)
    assert "def f(x, A):" in done.stdout and "return A*x" in done.stdout
    assert ns["f"](2.0, 3.0) == 6.0 and ns["f_grad"](2.0, 3.0) == 3.0


@pytest.mark.parametrize("target", PY_TARGETS)
def test_a_global_named_like_the_variable_changes_nothing(target):
    """`derivator sigmoid --var X` run in a module that defines X: no free globals in the code."""
    require(target)
    done = _cli("sigmoid", "--var", "X", "-f", target)
    assert done.returncode == 0, done.stderr
    if target == "jax":
        enable_jax_x64()
    ns = {"X": 123.0, "x": 7.0, "u": 9.0}
    exec(compile(done.stdout, "<export>", "exec"), ns)
    got = call(ns["sigmoid_grad"], target, [0.0, 1.5]).tolist()
    assert got[0] == 0.25 and math.isclose(got[1], math.exp(-1.5) / (1 + math.exp(-1.5)) ** 2, rel_tol=1e-15)


@pytest.mark.parametrize("param", ["grad_output", "out", "ctx", "y", "torch", "math", "a", "a_"])
def test_torch_parameters_named_like_the_generated_locals(param):
    """A parameter named grad_output gave a backward 5× too large, out 9×; y, ctx, a/a_ gave
    SyntaxErrors. Now the backward is the true derivative, whatever the name."""
    require("torch")
    import torch

    d = by_hand(f"{param}*sigmoid(x) + x", "x")
    code = export_code(d, "torch")
    ns = load(code)
    cls = next(v for k, v in ns.items() if isinstance(v, type) and issubclass(v, torch.autograd.Function)
               and v is not torch.autograd.Function)
    xs = torch.tensor([-1.5, 0.2, 2.0], dtype=torch.float64, requires_grad=True)
    cls.apply(xs, 5.0).sum().backward()
    s = torch.sigmoid(xs.detach())
    assert torch.allclose(xs.grad, 5.0 * s * (1 - s) + 1, rtol=1e-13, atol=0)


def test_a_and_a_underscore_stay_two_arguments():
    d = by_hand("a*x + a_*x**2 + y*x**3", "x")
    for target in ("python", "numpy"):
        ns = load(export_code(d, target))
        assert ns["f"].__code__.co_varnames[:4] == ("x", "a", "a_", "y")
        assert float(ns["f_grad"](2.0, 3.0, 5.0, 7.0)) == 3.0 + 2 * 5.0 * 2.0 + 3 * 7.0 * 4.0


def test_a_name_equal_to_the_function_name():
    d = by_hand("f*x + f_grad", "x")
    code = export_code(d, "python")
    ns = load(code)
    fn, grad = names(d, "python").function, names(d, "python").derivative
    assert fn not in ("f", "f_grad") and grad not in ("f", "f_grad")
    assert ns[fn](2.0, 3.0, 4.0) == 10.0 and ns[grad](2.0, 3.0, 4.0) == 3.0


@pytest.mark.parametrize("target", PY_TARGETS)
def test_functions_use_no_globals_but_their_own(target):
    """Every name a function reads is an argument, a local, a module the code imports or a function
    it defines: nothing the user's names could collide with."""
    require(target)
    d = by_hand("np*sigmoid(jnp*x) + math*tanh(x) + Math*erf(x) + out*x", "x")
    code = export_code(d, target)
    ns = load(code)
    defined = {k for k, v in ns.items() if callable(v) and getattr(v, "__module__", None) == "derivator_export"}
    allowed = {"math", "numpy", "torch", "jax", "jnp", "abs", "max", "min", "float", "_scipy_erf", "_scipy_erfc"}
    for k in defined:
        fn = ns[k]
        if not hasattr(fn, "__code__"):
            continue
        read = {i.argval for i in dis.get_instructions(fn) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
        assert read <= allowed | defined, (k, read - allowed - defined)


def test_csharp_keywords_and_names_become_identifiers(tmp_path):
    require("csharp")
    d = by_hand("base*x + params*sigmoid(x) + Math*x**2 + Activation", "x")
    code = export_code(d, "csharp")
    program = CSharpProgram()
    ns = program.add(code)
    program.call(ns, "Activation", [1.5], [2.0, 3.0, 5.0, 7.0])
    got = program.run(tmp_path)[0][0]
    s = 1 / (1 + math.exp(-1.5))
    # parameters in sorted name order: Activation = 2, Math = 3, base = 5, params = 7
    assert math.isclose(got, 5.0 * 1.5 + 7.0 * s + 3.0 * 2.25 + 2.0, rel_tol=1e-14)


def test_unknown_format_is_one_line_exit_2():
    done = _cli("sigmoid", "--format", "fortran")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


# --- the property test --------------------------------------------------------------------------------

TRICKY = ["a", "a_", "A", "y", "out", "ctx", "grad_output", "np", "numpy", "torch", "math", "jnp", "jax", "t",
          "t1", "f", "f_grad", "abs", "max", "float", "X", "x_", "Math", "System", "double", "base", "params",
          "Activation", "DActivation", "Derivative", "residuals", "g", "_like", "_erfc", "scipy", "self", "cls",
          "print", "len", "list", "int", "object", "namespace", "class", "var", "value", "ref", "Main", "nan"]
TEMPLATES = [
    "{a}*{v} + {b}",
    "{a}*sigmoid({b}*{v})",
    "{a}*tanh({v}) + {b}*{v}**2",
    "log(1 + exp({a}*{v}))*{b}",
    "{v}*exp(-{a}*{v}**2) + {b}",
    "{a}*{v}/(1 + Abs({v})) - {b}",
    "{a}*erf({v}) + {b}*{v}",
    "Max(0, {v})*{a} + {b}",
]
NAMES_TRIED: set[str] = set()

name = st.one_of(st.sampled_from(TRICKY),
                 st.text(string.ascii_letters, min_size=1, max_size=1).flatmap(
                     lambda c: st.text(string.ascii_letters + string.digits + "_", max_size=6).map(lambda s: c + s)))


@st.composite
def expressions(draw):
    v, a, b = draw(st.lists(name, min_size=3, max_size=3, unique=True))
    text = draw(st.sampled_from(TEMPLATES)).format(v=v, a=a, b=b)
    values = {a: draw(st.floats(0.5, 2.0)), b: draw(st.floats(-2.0, 2.0))}
    return text, v, values


def _derivation(text: str, v: str, values: dict) -> Derivation | None:
    try:
        d = by_hand(text, v)
    except DerivatorError:
        return None  # a name the parser does not accept as a symbol (a function name, a constant)
    free = {s.name for s in d.definition.free_symbols}
    if free != {v, *values}:
        return None
    return d


def _check_batch(batch, tmp_path) -> None:
    program = CSharpProgram()
    pending = []
    for text, v, values in batch:
        d = _derivation(text, v, values)
        if d is None:
            continue
        NAMES_TRIED.update([v, *values])
        params = _params_in_order(d, values)
        subs = {s: values[s.name] for s in d.definition.free_symbols if s.name in values}
        f_ref = mp_function(d.definition, d.variable, subs)
        df_ref = mp_function(d.derivative, d.variable, subs)
        true_f = [truth(f_ref, p) for p in POINTS]
        true_df = [truth(df_ref, p) for p in POINTS]
        for target in PY_TARGETS:
            try:
                require(target)
            except pytest.skip.Exception:
                continue
            code = export_code(d, target)
            # the user's names as globals of the module: they must not change anything
            ns = {n: 12345.0 for n in (v, *values)}
            ns["__name__"] = "derivator_export"
            exec(compile(code, "<export>", "exec"), ns)
            n = names(d, target)
            for fn_name, true in ((n.function, true_f), (n.derivative, true_df)):
                got = [float(np.asarray(_call_positional(ns[fn_name], target, p, params))) for p in POINTS]
                for p, g, t in zip(POINTS, got, true):
                    assert math.isclose(g, float(t), rel_tol=1e-10, abs_tol=1e-12), (text, target, fn_name, p, g, t)
        pending.append((program.add(export_code(d, "csharp")), params, true_f, true_df, text))
    if not pending:
        return
    try:
        require("csharp")
    except pytest.skip.Exception:
        return
    for ns_name, params, _, _, _ in pending:
        program.call(ns_name, "Activation", POINTS, params)
        program.call(ns_name, "Derivative", POINTS, params)
    results = program.run(tmp_path)
    for i, (_, _, true_f, true_df, text) in enumerate(pending):
        for got, true in ((results[2 * i], true_f), (results[2 * i + 1], true_df)):
            for p, g, t in zip(POINTS, got, true):
                assert math.isclose(g, float(t), rel_tol=1e-10, abs_tol=1e-12), (text, "csharp", p, g, t)


def _call_positional(fn, target, p, params):
    """fn(p, *params): parameters by position, as the user's names may be renamed for the target."""
    if target == "python":
        return fn(p, *params)
    if target == "numpy":
        return np.asarray(fn(np.array([p]), *params)).reshape(-1)[0]
    if target == "torch":
        import torch

        return fn(torch.tensor([p], dtype=torch.float64), *params)[0].item()
    import jax.numpy as jnp

    return fn(jnp.asarray([p], dtype=jnp.float64), *params)[0]


def test_tricky_names_every_target(tmp_path):
    """Every hostile name of TRICKY, in every template and target (one deterministic sweep)."""
    enable_jax_x64() if _has("jax") else None
    batch = []
    for i, n in enumerate(TRICKY):
        other = TRICKY[(i + 7) % len(TRICKY)]
        third = TRICKY[(i + 13) % len(TRICKY)]
        if len({n, other, third}) < 3:
            continue
        batch.append((TEMPLATES[i % len(TEMPLATES)].format(v=n, a=other, b=third), n, {other: 1.3, third: -0.7}))
    # names the printed code calls, as the variable of the template that prints them (a CI run drew
    # `max` here: the reference itself once called the user's number)
    batch += [("Max(0, max)*a + b", "max", {"a": 1.9, "b": 0.3}), ("Max(0, mpf)*a + b", "mpf", {"a": 1.9, "b": 0.3})]
    _check_batch(batch, tmp_path)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(batch=st.lists(expressions(), min_size=4, max_size=4))
def test_random_names_every_target_against_mpmath(batch, tmp_path_factory):
    enable_jax_x64() if _has("jax") else None
    _check_batch(batch, tmp_path_factory.mktemp("cs"))


def _has(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False
