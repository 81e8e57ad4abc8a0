"""Forward and backward code for a derivation: `--format numpy|torch|python`.

The code is printed by SymPy's code printers (SciPyPrinter for NumPy, TorchPrinter, PythonCodePrinter),
each subclassed only where its stock output does not run or reads badly:

* derivator's named functions (σ, …) become calls to small helper functions emitted first, so the
  derivative reads `sigmoid(x)*(1 - sigmoid(x))` as in the derivation, not written out;
* Max/Min/Heaviside are printed through their Piecewise form (TorchPrinter's `torch.max(0, x)` and
  `torch.heaviside(x, 1/2)` need tensors where SymPy gives numbers);
* purely numeric parts of a torch expression (√2, π) use `math` — `torch.sqrt(2)` is an error.

The backward pass is written in output form where the derivation found one (σ′ = y(1 − y) with
y = σ(x)): the value saved by the forward pass is all the backward pass needs, as in the seed's
`(1 - val) * val`.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import sympy as sp
from sympy.printing.numpy import SciPyPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pycode import PythonCodePrinter
from sympy.printing.pytorch import TorchPrinter

from derivator.core.errors import DerivatorError
from derivator.core.functions import NamedFunction
from derivator.core.trace import Derivation

FORMATS = ("numpy", "torch", "python")


# --- printers -------------------------------------------------------------------------------------


class _NamedCalls:
    """Mixin: print a derivator NamedFunction as a call to the helper generated for it."""

    # SymPy's dispatcher skips intermediate Function subclasses (no _print_NamedFunction), so the
    # named functions are caught where every Function lands.
    def _print_Function(self, expr):
        if isinstance(expr, NamedFunction):
            return f"{helper_name(type(expr))}({self._print(expr.args[0])})"
        return super()._print_Function(expr)


class NumpyCode(_NamedCalls, SciPyPrinter):
    """NumPy, with scipy.special only for functions NumPy lacks (erf); π from NumPy, not scipy."""

    def _print_Pi(self, expr):
        return self._module_format("numpy.pi")

    def _print_Exp1(self, expr):
        return self._module_format("numpy.e")

    def _print_erfinv(self, expr):
        return f"{self._module_format('scipy.special.erfinv')}({self._print(expr.args[0])})"

    def _print_Pow(self, expr, rational=False):
        # NumPyPrinter writes (1 + exp(-x))**(-1.0) to dodge integer arrays to negative powers;
        # 1/(1 + exp(-x)) is what a reader expects and true division avoids the same problem.
        if expr.exp.is_integer and expr.exp.is_negative:
            positive = expr.base if expr.exp == -1 else sp.Pow(expr.base, -expr.exp, evaluate=False)
            return "1/" + self.parenthesize(positive, PRECEDENCE["Mul"], strict=True)
        return super()._print_Pow(expr, rational=rational)


class TorchCode(_NamedCalls, TorchPrinter):
    """PyTorch on tensors; numbers stay Python numbers (math.sqrt(2)), powers use `**`."""

    def _print_Pow(self, expr, rational=False):
        sqrt = "math.sqrt" if expr.is_number else "torch.sqrt"
        return self._hprint_Pow(expr, rational=rational, sqrt=sqrt)

    def _print_Pi(self, expr):
        return self._module_format("math.pi")

    def _print_Exp1(self, expr):
        return self._module_format("math.e")

    def _print_Function(self, expr):
        # a function of numbers only (erf(1), exp(2)) is a Python float, not a tensor
        if expr.is_number and type(expr).__name__ in PythonCodePrinter._kf:
            return self._print_math(expr)
        return super()._print_Function(expr)

    def _print_erfinv(self, expr):
        return f"{self._module_format('torch.erfinv')}({self._print(expr.args[0])})"

    def _print_math(self, expr):
        name = PythonCodePrinter._kf[type(expr).__name__]
        return f"{self._module_format(name)}({', '.join(self._print(a) for a in expr.args)})"

    _print_Expr = _print_Function
    _print_Application = _print_Function


class PythonCode(_NamedCalls, PythonCodePrinter):
    """Plain Python floats with the math module."""


_PRINTERS = {"numpy": NumpyCode, "torch": TorchCode, "python": PythonCode}
_IMPORT_ALIAS = {"numpy": "numpy", "torch": "torch", "python": None}


# --- names ----------------------------------------------------------------------------------------


def helper_name(cls: type) -> str:
    return _identifier(cls.__name__)


def _identifier(text: str, fallback: str = "f") -> str:
    name = re.sub(r"\W+", "_", text).strip("_").lower()
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        return fallback
    return name


# --- the generated module ------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeParts:
    """What the generated code is made of (the text is assembled by `render_code`)."""

    name: str
    variable: sp.Symbol
    params: tuple[sp.Symbol, ...]
    definition: sp.Expr
    derivative: sp.Expr
    output_form: sp.Expr | None
    output_symbol: sp.Symbol
    named: tuple[type, ...]  # NamedFunction classes used, dependencies first
    main_is_named: bool  # the function itself is a named function of the variable (sigmoid(x))
    order: int
    verified: bool | None


def _display_free(expr: sp.Expr) -> sp.Expr:
    """Remove display-only structure (UnevaluatedExpr, pending Derivative) and write Max/Min/Heaviside
    as Piecewise, keeping named functions as they are."""
    expr = expr.replace(lambda e: isinstance(e, sp.UnevaluatedExpr), lambda e: e.args[0])
    if expr.has(sp.Derivative):
        expr = expr.doit()
    return expr.replace(
        lambda e: isinstance(e, (sp.Max, sp.Min, sp.Heaviside)), lambda e: e.rewrite(sp.Piecewise)
    )


def _named_classes(exprs: list[sp.Expr]) -> tuple[type, ...]:
    """NamedFunction classes the expressions use, each after the ones its definition uses."""
    order: list[type] = []

    def visit(cls: type, stack: tuple[type, ...]) -> None:
        if cls in order or cls in stack:
            return
        u = sp.Symbol("u", real=True)
        for inner in _classes_in(cls.definition(u)):
            visit(inner, stack + (cls,))
        order.append(cls)

    for e in exprs:
        for cls in _classes_in(e):
            visit(cls, ())
    return tuple(order)


def _classes_in(expr: sp.Expr) -> list[type]:
    found = [type(a) for a in sp.preorder_traversal(expr) if isinstance(a, NamedFunction)]
    return list(dict.fromkeys(found))


def code_parts(d: Derivation) -> CodeParts:
    """Collect what the code needs from a derivation."""
    x = d.variable
    definition = _display_free(d.definition)
    derivative = _display_free(d.derivative)
    output_form = _display_free(d.output_form) if d.output_form is not None else None
    params = tuple(sorted((definition.free_symbols | derivative.free_symbols) - {x}, key=lambda s: s.name))
    main_is_named = isinstance(d.function, NamedFunction) and d.function.args[0] == x
    name = helper_name(type(d.function)) if main_is_named else _identifier(d.name or "f")
    if main_is_named and params:
        main_is_named = False  # the named helper takes one argument; parameters need their own function
        name = _identifier(d.name or "f")
    exprs = [definition, derivative] + ([output_form] if output_form is not None else [])
    if main_is_named:
        exprs.append(d.function)
    return CodeParts(
        name=name,
        variable=x,
        params=params,
        definition=definition,
        derivative=derivative,
        output_form=output_form,
        output_symbol=d.output_symbol,
        named=_named_classes(exprs),
        main_is_named=main_is_named,
        order=d.order,
        verified=d.verified if d.steps else None,
    )


@dataclass(frozen=True)
class Names:
    """The names the generated code defines, for code that calls it (notebooks, docs)."""

    function: str
    derivative: str
    from_output: str | None
    params: tuple[str, ...]


def names(d: Derivation, fmt: str = "numpy") -> Names:
    parts = code_parts(d)
    derivative = f"{parts.name}_{'grad' if parts.order == 1 else f'd{parts.order}'}"
    from_output = f"{derivative}_from_output"
    if f"def {from_output}(" not in render_code(parts, fmt):
        from_output = None
    return Names(parts.name, derivative, from_output, tuple(_identifier(p.name, "p") for p in parts.params))


def export_code(d: Derivation, fmt: str = "numpy") -> str:
    """Python source defining f, its derivative and (if any) the derivative from f's output."""
    if fmt not in _PRINTERS:
        raise DerivatorError(f"unknown code format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    return render_code(code_parts(d), fmt)


def render_code(parts: CodeParts, fmt: str) -> str:
    printer = _PRINTERS[fmt]({"fully_qualified_modules": True, "standard": "python3"})
    x = parts.variable
    xs = _identifier(x.name, "x")
    args = ", ".join([xs] + [_identifier(p.name, "p") for p in parts.params])
    suffix = "grad" if parts.order == 1 else f"d{parts.order}"

    def body(expr: sp.Expr) -> str:
        try:
            return printer.doprint(expr)
        except (NotImplementedError, TypeError) as exc:  # a function the target library lacks
            raise DerivatorError(
                f"cannot write {sp.sstr(expr)} as {fmt} code", hint=str(exc).splitlines()[0]
            ) from None

    blocks: list[str] = []
    for cls in parts.named:
        u = sp.Symbol("u", real=True)
        blocks.append(
            _def(helper_name(cls), "u", body(_display_free(cls.definition(u))),
                 f"{cls.__name__}(u) = {sp.sstr(cls.definition(u))}")
        )
    if not parts.main_is_named:
        doc = f"{parts.name}({args}) = {sp.sstr(parts.definition)}"
        if sp.sstr(parts.definition) == f"{parts.name}({args})":
            doc = f"{parts.name}({args})"  # a SymPy built-in such as tanh: nothing to write out
        blocks.append(_def(parts.name, args, body(parts.definition), doc))
    grad_name = f"{parts.name}_{suffix}"
    blocks.append(_def(grad_name, args, body(parts.derivative), f"Derivative: {sp.sstr(parts.derivative)}"))
    from_output = None
    if parts.output_form is not None and parts.order == 1:
        ys = _identifier(parts.output_symbol.name, "y")
        yargs = ", ".join([ys] + [_identifier(p.name, "p") for p in parts.params])
        try:
            code = body(parts.output_form)
        except DerivatorError as err:
            # the output form is an extra: without it the backward pass uses the derivative in x
            missing = (err.hint or "").rsplit(": ", 1)[-1]
            blocks.append(f"# No {fmt} code for the derivative from the output {ys}: it needs {missing}.\n")
        else:
            from_output = f"{grad_name}_from_output"
            doc = f"Derivative from the forward output {ys} = {parts.name}({args}): {sp.sstr(parts.output_form)}"
            blocks.append(_def(from_output, yargs, code, doc))
    if fmt == "torch":
        blocks.append(_autograd(parts, args, grad_name, from_output))

    imports = sorted(set(printer.module_imports) | ({"torch"} if fmt == "torch" else set()))
    header = [f'"""{parts.name} and its derivative, generated by derivator ({_status(parts)})."""', ""]
    header += [f"import {m}" for m in imports] + ([""] if imports else [])
    return "\n".join(header) + "\n" + "\n\n".join(blocks) + "\n"


def _status(parts: CodeParts) -> str:
    if parts.verified is None:
        return "derivative not traced"
    return "every step verified" if parts.verified else "NOT every step verified"


def _def(name: str, args: str, expr_code: str, doc: str) -> str:
    doc = doc.replace('"""', "'''").replace("\\", "\\\\")
    return f'def {name}({args}):\n    """{doc}"""\n    return {expr_code}\n'


def _autograd(parts: CodeParts, args: str, grad_name: str, from_output: str | None) -> str:
    """A torch.autograd.Function whose backward uses the formula derived, not autograd's."""
    cls = "".join(w.capitalize() for w in parts.name.split("_")) or "F"
    extra = args.split(", ")[1:]
    pass_params = "".join(", " + p for p in extra)
    nones = ", None" * len(extra)
    xs = args.split(", ")[0]
    if from_output is not None:
        save, use = "ctx.save_for_backward(out)", f"(out,) = ctx.saved_tensors\n        return grad_output * {from_output}(out{pass_params}){nones}"
    else:
        save, use = f"ctx.save_for_backward({xs})", f"({xs},) = ctx.saved_tensors\n        return grad_output * {grad_name}({args}){nones}"
    params_keep = f"\n        ctx.params = ({', '.join(extra)},)" if extra else ""
    params_load = f"\n        ({', '.join(extra)},) = ctx.params" if extra else ""
    return (
        f"class {cls}(torch.autograd.Function):\n"
        f'    """{parts.name} with the backward pass derivator derived'
        f'{" in output form" if from_output else ""}."""\n\n'
        f"    @staticmethod\n"
        f"    def forward(ctx, {args}):\n"
        f"        out = {parts.name}({args})\n"
        f"        {save}{params_keep}\n"
        f"        return out\n\n"
        f"    @staticmethod\n"
        f"    def backward(ctx, grad_output):{params_load}\n"
        f"        {use}\n"
    )
