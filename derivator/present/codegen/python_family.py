"""Python targets: `python` (math module), `numpy`, `torch` (with an autograd.Function) and `jax`
(jax.numpy, with jax.custom_vjp where the derivative from the output exists)."""

from __future__ import annotations

from dataclasses import dataclass


from derivator.present.codegen.model import Function, Module, build
from derivator.present.codegen.names import PYTHON, camel
from derivator.present.codegen.parts import CodeParts
from derivator.present.codegen.printing import PythonFamilyPrinter, UnsupportedFunction, numbers_as_floats


def _table(prefix: str, **special: str) -> dict[str, str]:
    names = ("exp", "log", "log1p", "expm1", "sqrt", "tanh", "sinh", "cosh", "sin", "cos", "tan", "asin", "acos",
             "asinh", "acosh", "atanh")
    table = {n: f"{prefix}.{n}" for n in names}
    table.update(special)
    return table


@dataclass(frozen=True)
class PyTarget:
    name: str
    imports: tuple[str, ...]
    functions: dict
    needs: str  # the dependency line of the module docstring
    arrays: bool = True
    where: str | None = None
    logical: tuple[str, str] | None = None
    full_like: str | None = None
    nan: str = "math.nan"
    autodiff_branches: bool = False


_NUMPY_ERF = '''try:  # SciPy's erf/erfc when installed; otherwise math's, element by element (same double precision)
    from scipy.special import erf as _scipy_erf, erfc as _scipy_erfc
except ImportError:
    _scipy_erf = _scipy_erfc = None


def _by_element(fn, u):
    u = numpy.asarray(u)
    out = numpy.vectorize(fn, otypes=[numpy.float64])(u)
    return out.astype(numpy.result_type(u, 1.0))


def _erf(u):
    return _scipy_erf(u) if _scipy_erf is not None else _by_element(math.erf, u)


def _erfc(u):
    return _scipy_erfc(u) if _scipy_erfc is not None else _by_element(math.erfc, u)
'''

_NUMPY_ERFINV = '''def _erfinv(u):
    try:
        from scipy.special import erfinv
    except ImportError:
        raise ImportError("this function needs SciPy for erfinv: pip install scipy") from None
    return erfinv(u)
'''

TARGETS = {
    "python": PyTarget(
        "python", ("math",),
        _table("math", atan="math.atan", erf="math.erf", erfc="math.erfc", Erfc="math.erfc", Abs="math.fabs"),
        "the standard library only (math)", arrays=False),
    "numpy": PyTarget(
        "numpy", ("math", "numpy"),
        _table("numpy", atan="numpy.arctan", asin="numpy.arcsin", acos="numpy.arccos", asinh="numpy.arcsinh",
               acosh="numpy.arccosh", atanh="numpy.arctanh", erf="_erf", erfc="_erfc", Erfc="_erfc",
               erfinv="_erfinv", Abs="numpy.abs", Max="numpy.maximum", Min="numpy.minimum", sign="numpy.sign"),
        "NumPy; erf/erfc from SciPy when installed, else math.erf/math.erfc element by element",
        where="numpy.where", logical=("numpy.logical_and", "numpy.logical_or"), full_like="_like", nan="numpy.nan"),
    "torch": PyTarget(
        "torch", ("math", "torch"),
        _table("torch", atan="torch.atan", erf="torch.erf", erfc="torch.erfc", Erfc="torch.erfc",
               erfinv="torch.erfinv", sign="torch.sign"),
        "PyTorch (tensors in, tensors out; float dtypes preserved)",
        where="torch.where", logical=("torch.logical_and", "torch.logical_or"), full_like="_like", nan="math.nan",
        autodiff_branches=True),
    "jax": PyTarget(
        "jax", ("math", "jax", "jax.numpy as jnp", "jax.scipy.special"),
        _table("jnp", atan="jnp.arctan", asin="jnp.arcsin", acos="jnp.arccos", asinh="jnp.arcsinh",
               acosh="jnp.arccosh", atanh="jnp.arctanh", erf="jax.scipy.special.erf", erfc="jax.scipy.special.erfc",
               Erfc="jax.scipy.special.erfc", erfinv="jax.scipy.special.erfinv", sign="jnp.sign"),
        "JAX (jax.numpy; works under jax.grad, jax.jit and jax.vmap)",
        where="jnp.where", logical=("jnp.logical_and", "jnp.logical_or"), full_like="_like", nan="jnp.nan",
        autodiff_branches=True),
}

_LIKE = {
    "numpy": '''def _like(u, value):
    """value in u's shape, as u's float type (an int input gives float64, float32 stays float32)."""
    return numpy.full_like(u, value, dtype=numpy.result_type(u, 1.0))
''',
    "torch": '''def _like(u, value):
    """value in u's shape and float dtype (an int tensor gives the default float dtype)."""
    return torch.full_like(u, value, dtype=torch.result_type(u, 1.0))
''',
    "jax": '''def _like(u, value):
    """value in u's shape and float dtype."""
    return jnp.full_like(u, value, dtype=jnp.result_type(u, 1.0))
''',
}

# globals and locals of the generated modules, fitted around the user's names
EXTRA_NAMES = ("_like", "_erf", "_erfc", "_erfinv", "_by_element", "_scipy_erf", "_scipy_erfc", "out", "ctx",
               "grad_output", "residuals", "g")


class Unsupported(Exception):
    def __init__(self, function: str, role: str):
        super().__init__(function)
        self.function, self.role = function, role


def _docstring(lines: tuple[str, ...], indent: str = "    ") -> str:
    text = f"\n{indent}".join(line.replace("\\", "\\\\").replace('"""', "'''") for line in lines)
    if len(lines) > 1:
        text += f"\n{indent}"
    return f'{indent}"""{text}"""'


def _print_function(fn: Function, module: Module, target: PyTarget, helpers: set[str]) -> str:
    names = module.names
    first = names[fn.args[0]]
    printer = PythonFamilyPrinter(target.functions, names, arrays=target.arrays, like=first, where=target.where,
                                  logical=target.logical, nan=target.nan, full_like=target.full_like,
                                  autodiff_branches=target.autodiff_branches,
                                  variable=(fn.args[0], *(local for local, _ in fn.locals)))
    try:
        lines = [f"    {names[local]} = {printer.doprint(value)}" for local, value in fn.locals]
        body = fn.body
        if not printer.variables & body.free_symbols:  # a constant: an array like x, or a float
            # (x*1.0 rather than float(x): a module that defines `float` cannot change the result)
            code = printer._value(numbers_as_floats(body)) if target.arrays else f"1.0*{printer.parenthesize(body, 50)}"
        else:
            code = printer.doprint(body)
    except UnsupportedFunction as missing:
        raise Unsupported(missing.function, fn.role) from None
    helpers |= printer.usage.helpers | ({"_like"} if printer.usage.constant_like else set())
    return "\n".join([f"def {fn.name}({_signature(fn, module)}):", _docstring(fn.doc), *lines, f"    return {code}", ""])


def _signature(fn: Function, module: Module) -> str:
    """x, alpha=1.0: a catalog parameter takes its source's default."""
    defaults = dict(module.parts.defaults)
    return ", ".join(module.names[a] + (f"={defaults[a]}" if a in defaults else "") for a in fn.args)


def _torch_class(module: Module) -> str:
    f, d, o = module.get("function"), module.get("derivative"), module.function("from_output")
    n = module.table.given
    ctx, grad, out = n["ctx"], n["grad_output"], n["out"]
    cls = module.table.name("class", camel(f.name))
    xs = module.names[f.args[0]]
    params = [module.names[p] for p in f.args[1:]]
    args = ", ".join([xs, *params])
    keep = f"\n        {ctx}.params = ({', '.join(params)},)" if params else ""
    load = f"\n        ({', '.join(params)},) = {ctx}.params" if params else ""
    nones = ", None" * len(params)
    pass_params = "".join(f", {p}" for p in params)
    if o is not None:
        save = f"{ctx}.save_for_backward({out})"
        use = f"({out},) = {ctx}.saved_tensors{load}\n        return {grad} * {o.name}({out}{pass_params}){nones}"
        how = "from the forward output (the output form), as derived"
    else:
        save = f"{ctx}.save_for_backward({xs})"
        use = f"({xs},) = {ctx}.saved_tensors{load}\n        return {grad} * {d.name}({args}){nones}"
        how = "from the input, as derived"
    return (
        f"class {cls}(torch.autograd.Function):\n"
        f'    """{f.name} whose backward pass is the derivative derivator derived, {how}.\n\n'
        f"    Use {cls}.apply({args}); parameters get no gradient (None).\n"
        f'    """\n\n'
        f"    @staticmethod\n"
        f"    def forward({ctx}, {_signature(f, module)}):\n"
        f"        {out} = {f.name}({args})\n"
        f"        {save}{keep}\n"
        f"        return {out}\n\n"
        f"    @staticmethod\n"
        f"    def backward({ctx}, {grad}):\n"
        f"        {use}\n"
    )


def _jax_vjp(module: Module) -> str:
    """f.defvjp(fwd, bwd): the backward pass from the output f saved, not JAX's trace of f."""
    f, o = module.get("function"), module.get("from_output")
    n = module.table.given
    fwd = module.table.name("fwd", f"_{f.name}_fwd")
    bwd = module.table.name("bwd", f"_{f.name}_bwd")
    out, res, g = n["out"], n["residuals"], n["g"]
    params = [module.names[p] for p in f.args[1:]]
    args = ", ".join(module.names[a] for a in f.args)
    packed = ", ".join([out, *params])
    zeros = "".join(f", jnp.zeros_like({p})" for p in params)
    return (
        f"def {fwd}({_signature(f, module)}):\n"
        f"    {out} = {f.name}({args})\n"
        f"    return {out}, ({packed},)\n\n\n"
        f"def {bwd}({res}, {g}):\n"
        f"    ({packed},) = {res}\n"
        f"    return ({g} * {o.name}({packed}){zeros},)\n\n\n"
        f"{f.name} = jax.custom_vjp({f.name})\n"
        f"{f.name}.defvjp({fwd}, {bwd})\n"
    )


def render(parts: CodeParts, target_name: str, status: str) -> str:
    target = TARGETS[target_name]
    module = build(parts, PYTHON, extra_names=EXTRA_NAMES)
    helpers: set[str] = set()
    blocks: list[str] = []
    dropped = None
    for fn in module.functions:
        try:
            blocks.append(_print_function(fn, module, target, helpers))
        except Unsupported as missing:
            if fn.role != "from_output":
                raise
            # the output form is an extra: the backward pass uses the derivative in x instead
            dropped = missing.function
            module = Module(module.parts, tuple(f for f in module.functions if f.role != "from_output"),
                            module.names, module.table)
            blocks.append(f"# No {target_name} code for the derivative from the output: it needs {dropped}.\n")
    if target_name == "torch":
        blocks.append(_torch_class(module))
    if target_name == "jax" and module.function("from_output") is not None:
        blocks.append(_jax_vjp(module))

    pre = []
    if helpers & {"_erf", "_erfc"}:
        pre.append(_NUMPY_ERF)
    if "_erfinv" in helpers:
        pre.append(_NUMPY_ERFINV)
    if "_like" in helpers:
        pre.append(_LIKE[target_name])
    f = module.get("function")
    needs = target.needs
    if helpers & {"_erfinv"}:
        needs += "; SciPy for erfinv"
    header = [
        f'"""{f.name} and its derivative, generated by derivator ({status}).',
        "",
        f"Needs: {needs}.",
        "Numerically safe forms (derivator's README, 'Safe forms'): no exponential with a positive exponent",
        "where the result is finite, expm1/log1p/erfc where a difference would cancel.",
        '"""',
        "",
    ]
    code = "\n\n".join(pre + blocks).rstrip() + "\n"
    imports = [m for m in target.imports if m != "math" or "math." in code]
    header += [f"import {m}" for m in imports] + [""]
    return "\n".join(header) + "\n" + code


def module_names(parts: CodeParts) -> Module:
    return build(parts, PYTHON, extra_names=EXTRA_NAMES)
