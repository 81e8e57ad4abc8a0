"""Named activations: definition, aliases, parameters, sources, and what happens at each kink.

Each definition is plain text in SymPy's spelling, read by the same safe parser as user input, so
`derivator derive "<definition>"` and `derivator NAME` start from the very same expression. An entry
written with another entry's name (Swish as `x*sigmoid(beta*x)`, Mish as `x*tanh(softplus(x))`) is
parsed with that name as a function, so the engine can cite the other entry's derivative as a lemma;
`cites(entry)` lists them.

Parameters are symbols in the definition with exact defaults (`0.01` is read as 1/100). Where the
frameworks disagree the parameter lists each source's value, and `--param negative_slope=keras` picks
one by the source's name. Where they disagree on the *formula* (hard sigmoid), there are two entries.

Breakpoints are the points where the definition changes piece. At each, `convention` says which
one-sided derivative PyTorch's backward returns there (read from ATen's CPU kernels, cited per
breakpoint), so `derivator relu` says ReLU'(0) = 0 as PyTorch computes it; `--at-kink` overrides it.
Whether a breakpoint is a kink (one-sided derivatives differ) depends on the parameters (ELU with
alpha = 1 has none), so that is computed, not stored.

`output_form` is the textbook's form of f' in y = f(x), kept for `derivator list` and as the tests'
expected answer. The engine never reads it: it finds output forms by its own general method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Callable

import sympy as sp

from derivator.core.errors import DerivatorError
from derivator.core.functions import NamedFunction, named_function, sigmoid

CONVENTIONS = ("left", "right", "mean", "undefined")
# SymPy functions whose derivative a lecturer cites as a result of its own (tanh′ = 1 − tanh², proven
# from tanh's definition), unlike exp, sin and atan, whose derivatives are table rules
CITED_BUILTINS = (sp.tanh,)


@dataclass(frozen=True)
class Param:
    name: str  # as written in the definition (an identifier: `lambd`, since `lambda` is Python's)
    default: str  # exact value as text, e.g. "0.01"
    doc: str = ""
    # where sources disagree: (("PyTorch", "0.01"), ("Keras", "0.2"))
    sources: tuple[tuple[str, str], ...] = ()
    symbol: str | None = None  # SymPy name when kept symbolic: "lambda" prints as λ
    domain: str = "positive"  # "positive", "nonzero" or "real": checked for numeric --param values


@dataclass(frozen=True)
class Breakpoint:
    """A point where the definition changes piece (a kink when the one-sided derivatives differ)."""

    at: str  # position as text in the parameters: "0", "-lambd", "max_val"
    # which one-sided derivative PyTorch's backward uses here: left, right, mean or undefined
    convention: str = "left"
    # where that convention comes from (the backward formula)
    convention_source: str = ""
    jump: bool = False  # f itself is discontinuous here (step, hard shrink, threshold)


@dataclass(frozen=True)
class Entry:
    name: str
    definition: str  # in the variable x, SymPy spelling, parameters by name
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    latex_name: str | None = None  # e.g. \sigma; default \operatorname{name}
    unicode_name: str | None = None
    source: str = ""
    breakpoints: tuple[Breakpoint, ...] = ()
    # the textbook's f' in y = f(x) (None: no closed form in y); tests' expected answer, never the engine's
    output_form: str | None = None
    # usable by name inside other expressions (x*sigmoid(x)); off for names users need as words
    cite_as_function: bool = True
    # SymPy's own function for this entry, when it has one (tanh): used instead of a NamedFunction
    sympy_function: str | None = None
    title: str = ""
    title_ja: str = ""
    notes: str = ""
    # pairs (low, high) of parameters that must satisfy low < high
    ordered: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = field(default=())

    @property
    def kink_convention(self) -> str:
        """The convention at the first breakpoint (older single-string API)."""
        return self.breakpoints[0].convention if self.breakpoints else "left"


# -- sources of conventions at breakpoints (ATen CPU kernels, aten/src/ATen/native/cpu/Activation.cpp) --
_THRESHOLD_BW = "PyTorch threshold_backward: grad is 0 where x <= threshold"
_LEAKY_BW = "PyTorch leaky_relu_backward: x > 0 ? 1 : negative_slope"
_PRELU_BW = "PyTorch prelu backward: x > 0 ? 1 : a"
_ELU_BW = "PyTorch elu_backward: x <= 0 takes the exponential branch"
_HARDTANH_BW = "PyTorch hardtanh_backward: grad is 0 where x <= min_val or x >= max_val"
_HARDSIGMOID_BW = "PyTorch hardsigmoid_backward: 1/6 only where -3 < x < 3"
_HARDSWISH_BW = "PyTorch hardswish_backward: 0 where x < -3, x/3 + 1/2 where x <= 3"
_SHRINK_BW = "PyTorch shrink_backward: grad is 0 where -lambd <= x <= lambd"
_SMOOTH = "pieces meet with equal derivatives: no kink"

SIGMOID_NOTE = "σ′ = σ(1 − σ)"

ENTRIES: tuple[Entry, ...] = (
    # -- the classics --------------------------------------------------------------------------------
    Entry(
        name="step",
        definition="Piecewise((1, x > 0), (0, True))",
        aliases=("heaviside", "binary_step", "unit_step", "torch.heaviside", "ステップ関数"),
        latex_name=r"\operatorname{step}",
        title="unit step (Heaviside)",
        title_ja="ステップ関数",
        source="perceptron threshold unit; 1 for x > 0, 0 for x <= 0 as in the seed posts "
        "(torch.heaviside takes the value at 0 as an argument)",
        breakpoints=(
            Breakpoint("0", "undefined", "PyTorch: torch.heaviside has no backward (not differentiable)", jump=True),
        ),
        notes="f' = 0 everywhere except at 0, where f jumps and f' does not exist",
    ),
    Entry(
        name="identity",
        definition="x",
        aliases=("linear", "torch.nn.Identity", "keras.activations.linear", "恒等関数"),
        latex_name=r"\operatorname{id}",
        title="identity (linear)",
        title_ja="恒等関数",
        source="PyTorch torch.nn.Identity; Keras keras.activations.linear",
        cite_as_function=False,
    ),
    Entry(
        name="sigmoid",
        definition="1/(1+exp(-x))",
        aliases=(
            "logistic", "torch.nn.Sigmoid", "torch.sigmoid", "torch.nn.functional.sigmoid",
            "keras.activations.sigmoid", "tf.nn.sigmoid", "expit", "シグモイド", "シグモイド関数",
        ),
        latex_name=r"\sigma",
        unicode_name="σ",
        title="logistic sigmoid",
        title_ja="シグモイド関数",
        source="logistic function; PyTorch torch.nn.Sigmoid",
        output_form="y*(1 - y)",
    ),
    Entry(
        name="tanh",
        definition="(exp(x)-exp(-x))/(exp(x)+exp(-x))",
        aliases=("torch.nn.Tanh", "torch.tanh", "keras.activations.tanh", "tf.nn.tanh", "双曲線正接関数"),
        latex_name=r"\tanh",
        unicode_name="tanh",
        title="hyperbolic tangent",
        title_ja="双曲線正接関数 (tanh)",
        source="hyperbolic tangent; PyTorch torch.nn.Tanh",
        sympy_function="tanh",
        output_form="1 - y**2",
    ),
    Entry(
        name="lecun_tanh",
        definition="a*tanh(b*x)",
        aliases=("scaled_tanh", "lecun"),
        params=(
            Param("a", "1.7159", "amplitude, chosen so that f(±1) = ±1", symbol="A"),
            Param("b", "2/3", "slope of the argument", symbol="S"),
        ),
        latex_name=r"\operatorname{tanh_{LeCun}}",
        unicode_name="tanh_LeCun",
        title="LeCun's scaled tanh",
        title_ja="LeCun の tanh",
        source="LeCun, Bottou, Orr & Müller, Efficient BackProp (1998): f(x) = 1.7159 tanh(2x/3)",
        output_form="a*b*(1 - (y/a)**2)",
    ),
    # -- rectifiers ----------------------------------------------------------------------------------
    Entry(
        name="relu",
        definition="Max(0, x)",
        aliases=(
            "ReLU", "torch.nn.ReLU", "torch.relu", "torch.nn.functional.relu", "keras.activations.relu",
            "tf.nn.relu", "ランプ関数", "正規化線形関数",
        ),
        latex_name=r"\operatorname{ReLU}",
        unicode_name="ReLU",
        title="rectified linear unit",
        title_ja="ReLU (ランプ関数)",
        source="Nair & Hinton 2010; PyTorch torch.nn.ReLU",
        breakpoints=(Breakpoint("0", "left", _THRESHOLD_BW),),
        output_form="Piecewise((1, y > 0), (0, True))",
        notes="ReLU'(0) does not exist; PyTorch and TensorFlow use 0 there",
    ),
    Entry(
        name="leaky_relu",
        definition="Piecewise((x, x > 0), (negative_slope*x, True))",
        aliases=(
            "LeakyReLU", "torch.nn.LeakyReLU", "torch.nn.functional.leaky_relu", "keras.activations.leaky_relu",
            "keras.layers.LeakyReLU", "tf.nn.leaky_relu", "lrelu",
        ),
        params=(
            Param(
                "negative_slope",
                "0.01",
                "slope for x < 0",
                sources=(
                    ("PyTorch", "0.01"),
                    ("Maas", "0.01"),
                    ("Keras", "0.2"),
                    ("TensorFlow", "0.2"),
                    ("KerasLayer", "0.3"),
                ),
                symbol="alpha",
            ),
        ),
        latex_name=r"\operatorname{LeakyReLU}",
        unicode_name="LeakyReLU",
        title="leaky ReLU",
        title_ja="Leaky ReLU",
        source="Maas, Hannun & Ng 2013; PyTorch torch.nn.LeakyReLU (negative_slope = 0.01)",
        breakpoints=(Breakpoint("0", "left", _LEAKY_BW),),
        output_form="Piecewise((1, y > 0), (negative_slope, True))",
        notes="the default slope differs: PyTorch 0.01 (as Maas et al.), keras.activations.leaky_relu and "
        "tf.nn.leaky_relu 0.2, the Keras LeakyReLU layer 0.3; choose with --param negative_slope=keras",
    ),
    Entry(
        name="prelu",
        definition="Piecewise((x, x > 0), (a*x, True))",
        aliases=("PReLU", "torch.nn.PReLU", "torch.nn.functional.prelu", "keras.layers.PReLU"),
        params=(
            Param(
                "a",
                "0.25",
                "learned slope for x < 0 (its initial value)",
                sources=(("PyTorch", "0.25"), ("Keras", "0")),
                domain="real",
            ),
        ),
        latex_name=r"\operatorname{PReLU}",
        unicode_name="PReLU",
        title="parametric ReLU",
        title_ja="PReLU",
        source="He et al. 2015; PyTorch torch.nn.PReLU (init = 0.25); Keras PReLU initialises a to 0",
        breakpoints=(Breakpoint("0", "left", _PRELU_BW),),
        output_form="Piecewise((1, y > 0), (a, True))",
        notes="a is learned: the gradient also flows to a (∂f/∂a = x for x <= 0, 0 otherwise)",
    ),
    Entry(
        name="elu",
        definition="Piecewise((x, x > 0), (alpha*(exp(x) - 1), True))",
        aliases=("ELU", "torch.nn.ELU", "torch.nn.functional.elu", "keras.activations.elu", "tf.nn.elu"),
        params=(Param("alpha", "1", "saturation value -alpha for x → -∞"),),
        latex_name=r"\operatorname{ELU}",
        unicode_name="ELU",
        title="exponential linear unit",
        title_ja="ELU",
        source="Clevert, Unterthiner & Hochreiter 2015; PyTorch torch.nn.ELU (alpha = 1)",
        breakpoints=(Breakpoint("0", "left", _ELU_BW),),
        output_form="Piecewise((1, y > 0), (y + alpha, True))",
        notes="a kink at 0 only when alpha != 1",
    ),
    Entry(
        name="selu",
        definition="Piecewise((scale*x, x > 0), (scale*alpha*(exp(x) - 1), True))",
        aliases=("SELU", "torch.nn.SELU", "torch.nn.functional.selu", "keras.activations.selu", "tf.nn.selu"),
        params=(
            Param("alpha", "1.6732632423543772848170429916717", "fixed by self-normalisation"),
            Param("scale", "1.0507009873554804934193349852946", "fixed by self-normalisation", symbol="lambda"),
        ),
        latex_name=r"\operatorname{SELU}",
        unicode_name="SELU",
        title="scaled exponential linear unit",
        title_ja="SELU",
        source="Klambauer et al. 2017; constants to the digits of PyTorch's torch.nn.SELU documentation",
        breakpoints=(Breakpoint("0", "left", _ELU_BW),),
        output_form="Piecewise((scale, y > 0), (y + scale*alpha, True))",
        notes="alpha and scale (λ) solve the paper's fixed-point equations; Keras uses the same digits",
    ),
    Entry(
        name="celu",
        definition="Piecewise((x, x > 0), (alpha*(exp(x/alpha) - 1), True))",
        aliases=("CELU", "torch.nn.CELU", "torch.nn.functional.celu", "keras.activations.celu"),
        params=(Param("alpha", "1", "saturation value and scale of the input for x < 0"),),
        latex_name=r"\operatorname{CELU}",
        unicode_name="CELU",
        title="continuously differentiable ELU",
        title_ja="CELU",
        source="Barron 2017; PyTorch torch.nn.CELU: max(0, x) + min(0, alpha (exp(x/alpha) - 1))",
        breakpoints=(Breakpoint("0", "left", "PyTorch celu = elu with input_scale 1/alpha; " + _SMOOTH),),
        output_form="Piecewise((1, y > 0), (y/alpha + 1, True))",
    ),
    Entry(
        name="relu6",
        definition="Piecewise((0, x <= 0), (x, x < 6), (6, True))",
        aliases=("ReLU6", "torch.nn.ReLU6", "torch.nn.functional.relu6", "keras.activations.relu6", "tf.nn.relu6"),
        latex_name=r"\operatorname{ReLU6}",
        unicode_name="ReLU6",
        title="ReLU capped at 6",
        title_ja="ReLU6",
        source="Krizhevsky 2010, MobileNets; PyTorch torch.nn.ReLU6 = hardtanh(x, 0, 6)",
        breakpoints=(
            Breakpoint("0", "left", _HARDTANH_BW),
            Breakpoint("6", "right", _HARDTANH_BW),
        ),
        output_form="Piecewise((1, (y > 0) & (y < 6)), (0, True))",
    ),
    # -- smooth rectifiers ---------------------------------------------------------------------------
    Entry(
        name="softplus",
        definition="log(1 + exp(beta*x))/beta",
        aliases=(
            "SoftPlus", "torch.nn.Softplus", "torch.nn.functional.softplus", "keras.activations.softplus",
            "tf.nn.softplus", "ソフトプラス",
        ),
        params=(Param("beta", "1", "sharpness; softplus → ReLU as beta → ∞"),),
        latex_name=r"\operatorname{softplus}",
        unicode_name="softplus",
        title="softplus",
        title_ja="ソフトプラス関数",
        source="Dugas et al. 2001; PyTorch torch.nn.Softplus (beta = 1); Keras has no beta",
        output_form="1 - exp(-beta*y)",
        notes="PyTorch switches to f(x) = x where beta x > threshold (20) for numerical stability only",
    ),
    Entry(
        name="softsign",
        definition="x/(1 + Abs(x))",
        aliases=("Softsign", "torch.nn.Softsign", "torch.nn.functional.softsign", "keras.activations.softsign"),
        latex_name=r"\operatorname{softsign}",
        unicode_name="softsign",
        title="softsign",
        title_ja="ソフトサイン関数",
        source="Bergstra et al. 2009, Glorot & Bengio 2010; PyTorch torch.nn.Softsign",
        breakpoints=(Breakpoint("0", "left", "|x| changes piece; " + _SMOOTH),),
        output_form="(1 - Abs(y))**2",
    ),
    Entry(
        name="silu",
        definition="x*sigmoid(x)",
        aliases=(
            "SiLU", "swish1", "torch.nn.SiLU", "torch.nn.functional.silu", "keras.activations.silu",
            "keras.activations.swish", "tf.nn.silu", "tf.nn.swish",
        ),
        latex_name=r"\operatorname{SiLU}",
        unicode_name="SiLU",
        title="sigmoid linear unit (Swish with β = 1)",
        title_ja="SiLU (Swish)",
        source="Elfwing, Uchibe & Doya 2017; Hendrycks & Gimpel 2016; PyTorch torch.nn.SiLU",
        notes="cites " + SIGMOID_NOTE + "; no closed form in y (inverting x σ(x) needs Lambert W)",
    ),
    Entry(
        name="swish",
        definition="x*sigmoid(beta*x)",
        aliases=("Swish",),
        params=(Param("beta", "1", "beta = 1 is SiLU; learned in the Swish paper", domain="real"),),
        latex_name=r"\operatorname{swish}",
        unicode_name="swish",
        title="Swish",
        title_ja="Swish",
        source="Ramachandran, Zoph & Le 2017 (Searching for Activation Functions)",
        notes="cites " + SIGMOID_NOTE + "; keras.activations.swish is SiLU (beta = 1)",
    ),
    Entry(
        name="normal_cdf",
        definition="(1 + erf(x/sqrt(2)))/2",
        aliases=("Phi", "norm_cdf", "standard_normal_cdf", "標準正規分布の累積分布関数"),
        latex_name=r"\Phi",
        unicode_name="Φ",
        title="standard normal CDF Φ",
        title_ja="標準正規分布の累積分布関数 Φ",
        source="Φ(x) = (1 + erf(x/√2))/2; the factor in GELU(x) = x Φ(x)",
        notes="Φ′ = φ, the standard normal density",
    ),
    Entry(
        name="normal_pdf",
        definition="exp(-x**2/2)/sqrt(2*pi)",
        aliases=("norm_pdf", "standard_normal_pdf", "標準正規分布の確率密度関数"),
        latex_name=r"\varphi",
        unicode_name="φ",
        title="standard normal density φ",
        title_ja="標準正規分布の確率密度関数 φ",
        source="φ(x) = e^{-x²/2}/√(2π)",
        notes="φ′(x) = −x φ(x); no single-valued form in y (x = ±…)",
    ),
    Entry(
        name="gelu",
        definition="x*Phi(x)",
        aliases=(
            "GELU", "torch.nn.GELU", "torch.nn.functional.gelu", "keras.activations.gelu", "tf.nn.gelu",
            "gelu_erf",
        ),
        latex_name=r"\operatorname{GELU}",
        unicode_name="GELU",
        title="Gaussian error linear unit (exact, erf)",
        title_ja="GELU",
        source="Hendrycks & Gimpel 2016; PyTorch torch.nn.GELU (approximate='none'); Keras approximate=False",
        notes="GELU′(x) = Φ(x) + x φ(x); no closed form in y",
    ),
    Entry(
        name="gelu_tanh",
        definition="x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))",
        aliases=("gelu_new", "gelu_pytorch_tanh", "gelu_approx", "approximate_gelu"),
        latex_name=r"\operatorname{GELU_{tanh}}",
        unicode_name="GELU_tanh",
        title="GELU, tanh approximation",
        title_ja="GELU (tanh 近似)",
        source="Hendrycks & Gimpel 2016; PyTorch torch.nn.GELU(approximate='tanh'); "
        "keras.activations.gelu(approximate=True); Hugging Face 'gelu_new'",
        notes="no closed form in y",
    ),
    Entry(
        name="quick_gelu",
        definition="x*sigmoid(1.702*x)",
        aliases=("gelu_sigmoid", "QuickGELU"),
        latex_name=r"\operatorname{QuickGELU}",
        unicode_name="QuickGELU",
        title="GELU, sigmoid approximation",
        title_ja="GELU (シグモイド近似)",
        source="Hendrycks & Gimpel 2016 (x σ(1.702 x)); Hugging Face 'quick_gelu' (CLIP)",
        notes="cites " + SIGMOID_NOTE,
    ),
    Entry(
        name="mish",
        definition="x*tanh(softplus(x))",
        aliases=("Mish", "torch.nn.Mish", "torch.nn.functional.mish", "keras.activations.mish"),
        latex_name=r"\operatorname{Mish}",
        unicode_name="Mish",
        title="Mish",
        title_ja="Mish",
        source="Misra 2019; PyTorch torch.nn.Mish",
        notes="cites softplus′ = σ and tanh′ = 1 − tanh²; no closed form in y",
    ),
    Entry(
        name="log_sigmoid",
        definition="log(sigmoid(x))",
        aliases=(
            "logsigmoid", "LogSigmoid", "torch.nn.LogSigmoid", "torch.nn.functional.logsigmoid",
            "keras.activations.log_sigmoid", "tf.math.log_sigmoid",
        ),
        latex_name=r"\log\sigma",
        unicode_name="logσ",
        title="log-sigmoid",
        title_ja="対数シグモイド関数",
        source="PyTorch torch.nn.LogSigmoid: log(1/(1 + exp(-x)))",
        output_form="1 - exp(y)",
        notes="cites " + SIGMOID_NOTE + "; f′ = 1 − σ(x) = σ(−x)",
    ),
    # -- hard (piecewise linear) approximations -------------------------------------------------------
    Entry(
        name="hard_sigmoid",
        definition="Piecewise((0, x <= -3), (x/6 + 1/2, x < 3), (1, True))",
        aliases=(
            "hardsigmoid", "Hardsigmoid", "torch.nn.Hardsigmoid", "torch.nn.functional.hardsigmoid",
            "keras.activations.hard_sigmoid", "jax.nn.hard_sigmoid",
        ),
        latex_name=r"\operatorname{hardsigmoid}",
        unicode_name="hardsigmoid",
        title="hard sigmoid (x/6 + 1/2)",
        title_ja="ハードシグモイド (x/6 + 1/2)",
        source="PyTorch torch.nn.Hardsigmoid = ReLU6(x + 3)/6; Keras 3 keras.activations.hard_sigmoid",
        breakpoints=(
            Breakpoint("-3", "left", _HARDSIGMOID_BW),
            Breakpoint("3", "right", _HARDSIGMOID_BW),
        ),
        output_form="Piecewise((1/6, (y > 0) & (y < 1)), (0, True))",
        notes="Keras 2 / tf.keras before Keras 3 used 0.2 x + 0.5: see hard_sigmoid_keras2",
    ),
    Entry(
        name="hard_sigmoid_keras2",
        definition="Piecewise((0, x < -5/2), (x/5 + 1/2, x <= 5/2), (1, True))",
        aliases=("hard_sigmoid_tf", "tf.keras.backend.hard_sigmoid", "keras2.hard_sigmoid"),
        latex_name=r"\operatorname{hardsigmoid_{K2}}",
        unicode_name="hardsigmoid_K2",
        title="hard sigmoid (0.2 x + 0.5, Keras 2)",
        title_ja="ハードシグモイド (0.2x + 0.5, Keras 2)",
        source="Keras 2 / tf.keras backend hard_sigmoid: clip(0.2 x + 0.5, 0, 1); Courbariaux et al. 2015",
        breakpoints=(
            Breakpoint("-5/2", "right", "TensorFlow ClipByValue gradient: passed where 0 <= 0.2x + 0.5 <= 1"),
            Breakpoint("5/2", "left", "TensorFlow ClipByValue gradient: passed where 0 <= 0.2x + 0.5 <= 1"),
        ),
        output_form="Piecewise((1/5, (y > 0) & (y < 1)), (0, True))",
        notes="PyTorch and Keras 3 use x/6 + 1/2 instead (hard_sigmoid); no PyTorch backward exists for "
        "this form, so its kink values follow TensorFlow's gradient",
    ),
    Entry(
        name="hard_swish",
        definition="Piecewise((0, x <= -3), (x*(x + 3)/6, x < 3), (x, True))",
        aliases=(
            "hardswish", "Hardswish", "torch.nn.Hardswish", "torch.nn.functional.hardswish", "hard_silu",
            "keras.activations.hard_silu", "keras.activations.hard_swish",
        ),
        latex_name=r"\operatorname{hardswish}",
        unicode_name="hardswish",
        title="hard swish",
        title_ja="ハード Swish",
        source="Howard et al. 2019 (MobileNetV3); PyTorch torch.nn.Hardswish = x ReLU6(x + 3)/6",
        breakpoints=(
            Breakpoint("-3", "right", _HARDSWISH_BW),
            Breakpoint("3", "left", _HARDSWISH_BW + " (scalar kernel; the vectorised kernel returns 1)"),
        ),
        notes="PyTorch's backward at x = -3 is -1/2 (the right-hand value) and at x = 3 is 3/2 in its scalar "
        "kernel but 1 in its vectorised kernel; no single-valued form in y (f is not monotonic)",
    ),
    Entry(
        name="hardtanh",
        definition="Piecewise((min_val, x < min_val), (x, x <= max_val), (max_val, True))",
        aliases=(
            "hard_tanh", "Hardtanh", "torch.nn.Hardtanh", "torch.nn.functional.hardtanh",
            "keras.activations.hard_tanh",
        ),
        params=(
            Param("min_val", "-1", "lower clip", symbol="a", domain="real"),
            Param("max_val", "1", "upper clip", symbol="b", domain="real"),
        ),
        ordered=(("min_val", "max_val"),),
        latex_name=r"\operatorname{hardtanh}",
        unicode_name="hardtanh",
        title="hard tanh",
        title_ja="ハード tanh",
        source="Collobert 2004; PyTorch torch.nn.Hardtanh (min_val = -1, max_val = 1)",
        breakpoints=(
            Breakpoint("min_val", "left", _HARDTANH_BW),
            Breakpoint("max_val", "right", _HARDTANH_BW),
        ),
        output_form="Piecewise((1, (y > min_val) & (y < max_val)), (0, True))",
    ),
    # -- shrinkage -----------------------------------------------------------------------------------
    Entry(
        name="tanhshrink",
        definition="x - tanh(x)",
        aliases=("Tanhshrink", "tanh_shrink", "torch.nn.Tanhshrink", "keras.activations.tanh_shrink"),
        latex_name=r"\operatorname{tanhshrink}",
        unicode_name="tanhshrink",
        title="tanh shrink",
        title_ja="tanh shrink",
        source="PyTorch torch.nn.Tanhshrink: x - tanh(x)",
        notes="f′ = tanh²(x); no closed form in y",
    ),
    Entry(
        name="softshrink",
        definition="Piecewise((x + lambd, x < -lambd), (0, x <= lambd), (x - lambd, True))",
        aliases=("Softshrink", "soft_shrink", "torch.nn.Softshrink", "keras.activations.soft_shrink"),
        params=(Param("lambd", "0.5", "half-width of the dead zone", symbol="lambda",
                      sources=(("PyTorch", "0.5"), ("Keras", "0.5"))),),
        latex_name=r"\operatorname{softshrink}",
        unicode_name="softshrink",
        title="soft shrinkage",
        title_ja="ソフト縮小関数",
        source="PyTorch torch.nn.Softshrink (lambd = 0.5); Keras soft_shrink (threshold = 0.5)",
        breakpoints=(
            Breakpoint("-lambd", "right", _SHRINK_BW),
            Breakpoint("lambd", "left", _SHRINK_BW),
        ),
        output_form="Piecewise((0, Eq(y, 0)), (1, True))",
    ),
    Entry(
        name="hardshrink",
        definition="Piecewise((x, x < -lambd), (0, x <= lambd), (x, True))",
        aliases=("Hardshrink", "hard_shrink", "torch.nn.Hardshrink", "keras.activations.hard_shrink"),
        params=(Param("lambd", "0.5", "half-width of the dead zone", symbol="lambda",
                      sources=(("PyTorch", "0.5"), ("Keras", "0.5"))),),
        latex_name=r"\operatorname{hardshrink}",
        unicode_name="hardshrink",
        title="hard shrinkage",
        title_ja="ハード縮小関数",
        source="PyTorch torch.nn.Hardshrink (lambd = 0.5); Keras hard_shrink (threshold = 0.5)",
        breakpoints=(
            Breakpoint("-lambd", "right", _SHRINK_BW, jump=True),
            Breakpoint("lambd", "left", _SHRINK_BW, jump=True),
        ),
        output_form="Piecewise((0, Eq(y, 0)), (1, True))",
        notes="f jumps at ±lambd; the values there are the limits of f′ from each side",
    ),
    Entry(
        name="threshold",
        definition="Piecewise((value, x <= threshold), (x, True))",
        aliases=("Threshold", "torch.nn.Threshold", "torch.nn.functional.threshold", "keras.activations.threshold"),
        params=(
            Param("threshold", "1", "inputs at or below it are replaced", domain="real", symbol="theta"),
            Param("value", "0", "the replacement", domain="real", symbol="v"),
        ),
        latex_name=r"\operatorname{threshold}",
        unicode_name="threshold",
        title="threshold",
        title_ja="しきい値関数",
        source="PyTorch torch.nn.Threshold(threshold, value): x if x > threshold else value",
        breakpoints=(Breakpoint("threshold", "left", _THRESHOLD_BW, jump=True),),
        cite_as_function=False,
        notes="PyTorch has no defaults for threshold and value; derivator uses 1 and 0. "
        "f jumps at the threshold unless value = threshold",
    ),
    # -- other smooth shapes -------------------------------------------------------------------------
    Entry(
        name="gaussian",
        definition="exp(-x**2)",
        aliases=("Gaussian", "gauss", "ガウス関数"),
        latex_name=r"\operatorname{gauss}",
        unicode_name="gauss",
        title="Gaussian",
        title_ja="ガウス関数",
        source="radial-basis activation e^{-x²} (Wikipedia, activation function table)",
        notes="f′ = −2x e^{−x²}; no single-valued form in y (x = ±√(−ln y))",
    ),
    Entry(
        name="arctan",
        definition="atan(x)",
        aliases=("ArcTan", "arc_tangent", "逆正接関数"),
        latex_name=r"\arctan",
        unicode_name="arctan",
        title="arctangent",
        title_ja="逆正接関数 (arctan)",
        source="Wikipedia, activation function table: tan⁻¹(x)",
        sympy_function="atan",
        output_form="cos(y)**2",
    ),
    Entry(
        name="sin",
        definition="sin(x)",
        aliases=("sine", "sinusoid", "正弦関数"),
        latex_name=r"\sin",
        unicode_name="sin",
        title="sine",
        title_ja="正弦関数 (sin)",
        source="periodic activation (Wikipedia table; SIREN uses sin(ω₀x))",
        sympy_function="sin",
        notes="f′ = cos x = ±√(1 − y²): no single-valued form in y",
    ),
    Entry(
        name="sinc",
        definition="Piecewise((1, Eq(x, 0)), (sin(x)/x, True))",
        aliases=("Sinc", "cardinal_sine"),
        latex_name=r"\operatorname{sinc}",
        unicode_name="sinc",
        title="sinc (unnormalised)",
        title_ja="sinc 関数",
        source="Wikipedia, activation function table: sin(x)/x, 1 at x = 0",
        breakpoints=(Breakpoint("0", "mean", "removable singularity; f′(0) = 0 from both sides"),),
        notes="numpy.sinc and torch.sinc are the normalised sin(πx)/(πx), not this one; "
        "f′(x) = (x cos x − sin x)/x² for x ≠ 0 and f′(0) = 0",
    ),
    Entry(
        name="bent_identity",
        definition="(sqrt(x**2 + 1) - 1)/2 + x",
        aliases=("bent", "bentidentity"),
        latex_name=r"\operatorname{bent}",
        unicode_name="bent",
        title="bent identity",
        title_ja="bent identity",
        source="Wikipedia, activation function table",
        notes="f′ = x/(2√(x² + 1)) + 1; a form in y exists (a root of a quadratic) but no textbook uses it",
    ),
    Entry(
        name="isru",
        definition="x/sqrt(1 + alpha*x**2)",
        aliases=("ISRU", "inverse_square_root_unit"),
        params=(Param("alpha", "1", "saturation at ±1/√alpha"),),
        latex_name=r"\operatorname{ISRU}",
        unicode_name="ISRU",
        title="inverse square root unit",
        title_ja="ISRU",
        source="Carlile et al. 2017",
        output_form="(1 - alpha*y**2)**(3/2)",
    ),
    Entry(
        name="isrlu",
        definition="Piecewise((x, x >= 0), (x/sqrt(1 + alpha*x**2), True))",
        aliases=("ISRLU", "inverse_square_root_linear_unit"),
        params=(Param("alpha", "1", "saturation at -1/√alpha for x → -∞"),),
        latex_name=r"\operatorname{ISRLU}",
        unicode_name="ISRLU",
        title="inverse square root linear unit",
        title_ja="ISRLU",
        source="Carlile et al. 2017",
        breakpoints=(Breakpoint("0", "right", _SMOOTH),),
        output_form="Piecewise((1, y >= 0), ((1 - alpha*y**2)**(3/2), True))",
    ),
    Entry(
        name="sqnl",
        definition="Piecewise((-1, x < -2), (x + x**2/4, x < 0), (x - x**2/4, x <= 2), (1, True))",
        aliases=("SQNL", "square_nonlinearity"),
        latex_name=r"\operatorname{SQNL}",
        unicode_name="SQNL",
        title="square nonlinearity",
        title_ja="SQNL",
        source="Wuraola & Patel 2018; Wikipedia, activation function table",
        breakpoints=(
            Breakpoint("-2", "left", _SMOOTH),
            Breakpoint("0", "left", _SMOOTH),
            Breakpoint("2", "left", _SMOOTH),
        ),
        output_form="sqrt(1 - Abs(y))",
    ),
    Entry(
        name="exponential",
        definition="exp(x)",
        aliases=("keras.activations.exponential", "指数関数"),
        latex_name=r"\exp",
        unicode_name="exp",
        title="exponential",
        title_ja="指数関数",
        source="Keras keras.activations.exponential",
        sympy_function="exp",
        output_form="y",
    ),
    Entry(
        name="squareplus",
        definition="(x + sqrt(x**2 + b))/2",
        aliases=("Squareplus", "keras.activations.squareplus"),
        params=(Param("b", "4", "smoothness near 0; b = 0 is ReLU", sources=(("Keras", "4"),)),),
        latex_name=r"\operatorname{squareplus}",
        unicode_name="squareplus",
        title="squareplus",
        title_ja="squareplus",
        source="Barron 2021; Keras keras.activations.squareplus (b = 4)",
        output_form="4*y**2/(4*y**2 + b)",
    ),
    Entry(
        name="sparse_plus",
        definition="Piecewise((0, x <= -1), ((x + 1)**2/4, x < 1), (x, True))",
        aliases=("SparsePlus", "keras.activations.sparse_plus"),
        latex_name=r"\operatorname{sparseplus}",
        unicode_name="sparseplus",
        title="sparse plus",
        title_ja="sparse plus",
        source="Keras keras.activations.sparse_plus",
        breakpoints=(Breakpoint("-1", "left", _SMOOTH), Breakpoint("1", "left", _SMOOTH)),
        output_form="Piecewise((sqrt(y), y <= 1), (1, True))",
    ),
    Entry(
        name="lisht",
        definition="x*tanh(x)",
        aliases=("LiSHT",),
        latex_name=r"\operatorname{LiSHT}",
        unicode_name="LiSHT",
        title="linearly scaled hyperbolic tangent",
        title_ja="LiSHT",
        source="Roy et al. 2019; TensorFlow Addons tfa.activations.lisht",
        notes="cites tanh′ = 1 − tanh²; no single-valued form in y (f is even)",
    ),
    Entry(
        name="snake",
        definition="x + sin(a*x)**2/a",
        aliases=("Snake",),
        params=(Param("a", "1", "frequency", sources=(("TensorFlowAddons", "1"),)),),
        latex_name=r"\operatorname{snake}",
        unicode_name="snake",
        title="snake",
        title_ja="snake",
        source="Ziyin, Hartwig & Ueda 2020; TensorFlow Addons tfa.activations.snake (frequency = 1)",
        notes="f′ = 1 + sin(2ax); no closed form in y",
    ),
)


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


@cache
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in ENTRIES:
        for name in (entry.name, *entry.aliases):
            key = _key(name)
            if key in index and index[key] is not entry:
                raise ValueError(f"catalog name {name!r} is used by {index[key].name} and {entry.name}")
            index[key] = entry
    return index


def lookup(name: str) -> Entry | None:
    """The entry for a name or alias (case-insensitive), or None."""
    return _index().get(_key(name))


def get(name: str) -> Entry:
    """The entry for a name or alias, or a DerivatorError that names the closest ones."""
    entry = lookup(name)
    if entry is None:
        import difflib

        close = difflib.get_close_matches(_key(name), list(_index()), n=3)
        raise DerivatorError(
            f"unknown function {name!r}",
            hint=f"did you mean {', '.join(close)}? " if close else "see 'derivator list'",
        )
    return entry


def entries() -> tuple[Entry, ...]:
    return ENTRIES


# -- parameters ----------------------------------------------------------------------------------------
_DOMAINS = {
    "positive": (lambda v: v.is_positive, "must be positive"),
    "nonzero": (lambda v: v.is_nonzero, "must not be 0"),
    "real": (lambda v: v.is_real, "must be a real number"),
}


def param_symbols(entry: Entry) -> dict[str, sp.Symbol]:
    """The symbol each parameter is shown as when kept symbolic (λ for lambd, α for negative_slope)."""
    out = {}
    for p in entry.params:
        assumptions = {"positive": True} if p.domain == "positive" else {"real": True}
        out[p.name] = sp.Symbol(p.symbol or p.name, **assumptions)
    return out


def param_values(entry: Entry, overrides: dict[str, str] | None = None) -> dict[str, sp.Expr]:
    """Exact parameter values, the defaults overridden by the user's `--param name=value`.

    A value may also name a source (`--param negative_slope=keras`) or be a symbol (`alpha`), which
    keeps the parameter symbolic.
    """
    from derivator.parse.text import parse_text

    overrides = dict(overrides or {})
    unknown = set(overrides) - {p.name for p in entry.params}
    if unknown:
        raise DerivatorError(
            f"{entry.name} has no parameter {sorted(unknown)[0]!r}",
            hint=f"its parameters: {', '.join(p.name for p in entry.params) or 'none'}",
        )
    values: dict[str, sp.Expr] = {}
    for p in entry.params:
        text = overrides.get(p.name, p.default)
        named = {source.lower(): value for source, value in p.sources}
        if text.strip().lower() in named:
            text = named[text.strip().lower()]
        value = parse_text(text)
        if value.free_symbols:
            value = value.xreplace({s: param_symbols(entry).get(p.name, s) for s in value.free_symbols
                                    if s.name in (p.name, p.symbol)})
        elif value.is_number:
            check, what = _DOMAINS[p.domain]
            if check(value) is not True:
                raise DerivatorError(f"{entry.name}: {p.name} = {text} {what}", hint=p.doc or None)
        values[p.name] = value
    for low, high in entry.ordered:
        a, b = values[low], values[high]
        if a.is_number and b.is_number and not a < b:
            raise DerivatorError(f"{entry.name}: {low} must be less than {high}", hint=f"got {a} and {b}")
    return values


# -- definitions ---------------------------------------------------------------------------------------
@cache
def _template(name: str) -> sp.Expr:
    """The entry's definition as parsed once: in x (real) and its parameters' plain symbols."""
    from derivator.parse.text import parse_text

    entry = lookup(name)
    variables = ("x", *(p.name for p in entry.params))
    return parse_text(entry.definition, functions=callables(exclude=entry.name), variables=variables)


def _param_subs(entry: Entry, values: dict[str, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    return {sp.Symbol(name, real=True): value for name, value in values.items()}


def definition(
    entry: Entry, x: sp.Symbol, params: dict[str, str] | None = None, *, symbolic: bool = False
) -> sp.Expr:
    """The entry's definition in the variable x, its parameters substituted (or, with symbolic=True,
    kept as the symbols a lecturer writes: α, β, λ)."""
    values = param_symbols(entry) if symbolic else param_values(entry, params)
    subs = _param_subs(entry, values)
    subs[sp.Symbol("x", real=True)] = x
    return _template(entry.name).xreplace(subs)


def output_form(
    entry: Entry, y: sp.Symbol, params: dict[str, str] | None = None, *, symbolic: bool = False
) -> sp.Expr | None:
    """The textbook's f' in y (see the module docstring: for listing and tests, never for the engine)."""
    from derivator.parse.text import parse_text

    if entry.output_form is None:
        return None
    variables = ("y", *(p.name for p in entry.params))
    expr = parse_text(entry.output_form, variables=variables)
    subs = _param_subs(entry, param_symbols(entry) if symbolic else param_values(entry, params))
    subs[sp.Symbol("y", real=True)] = y
    return expr.xreplace(subs)


def breakpoints(entry: Entry, params: dict[str, str] | None = None) -> list[tuple[sp.Expr, Breakpoint]]:
    """(position, breakpoint) with the parameters substituted, left to right when numeric."""
    from derivator.parse.text import parse_text

    subs = _param_subs(entry, param_values(entry, params))
    names = tuple(p.name for p in entry.params)
    points = [(parse_text(b.at, variables=names).xreplace(subs), b) for b in entry.breakpoints]
    if all(at.is_number for at, _ in points):
        points.sort(key=lambda pair: float(pair[0]))
    return points


def convention_at(entry: Entry, at: sp.Expr, params: dict[str, str] | None = None) -> str | None:
    """PyTorch's convention at the breakpoint at `at` (hardtanh: left at -1, right at 1), or None."""
    for position, bp in breakpoints(entry, params):
        if sp.simplify(position - at) == 0:
            return bp.convention
    return None


# -- functions usable by name inside expressions -----------------------------------------------------------
@cache
def function_class(name: str) -> type[sp.Function]:
    """The SymPy Function standing for this entry inside other derivations (σ in x·σ(x)).

    Entries with parameters stand for their defaults here: softplus(x) inside Mish is PyTorch's beta = 1.
    """
    entry = lookup(name)
    if entry is None:
        raise KeyError(name)
    if entry.sympy_function:
        return getattr(sp, entry.sympy_function)
    if entry.name == "sigmoid":
        return sigmoid
    u = sp.Symbol("x", real=True)

    def define(arg: sp.Expr, _entry: Entry = entry) -> sp.Expr:
        return definition(_entry, u).xreplace({u: arg})

    return named_function(entry.name, define, entry.latex_name, entry.unicode_name)


@cache
def _callables() -> dict[str, tuple[str, type[sp.Function]]]:
    from derivator.parse.text import FUNCTIONS

    table: dict[str, tuple[str, type[sp.Function]]] = {}
    for entry in ENTRIES:
        if not entry.cite_as_function:
            continue
        for name in (entry.name, *entry.aliases):
            # the parser's own names (tanh, Heaviside) keep their meaning
            if name.isidentifier() and name.isascii() and name not in FUNCTIONS:
                table[name] = (entry.name, function_class(entry.name))
    return table


def callables(exclude: str | None = None) -> dict[str, type[sp.Function]]:
    """Catalog names usable as functions in expressions: x*sigmoid(x), x*Phi(x)."""
    return {name: cls for name, (owner, cls) in _callables().items() if owner != exclude}


def entry_of_function(func: type) -> Entry | None:
    """The catalog entry a SymPy function class stands for (sigmoid → sigmoid, sp.tanh → tanh)."""
    for entry in ENTRIES:
        if entry.sympy_function and getattr(sp, entry.sympy_function) is func:
            return entry
    if isinstance(func, type) and issubclass(func, NamedFunction):
        return lookup(func.__name__)
    return None


@cache
def cites(name: str) -> tuple[str, ...]:
    """The entries this entry's definition is written in terms of, outermost first.

    Mish → (tanh, softplus); Swish → (sigmoid,). The engine cites their derivatives as lemmas.
    """
    entry = lookup(name)
    found: list[str] = []
    for node in sp.preorder_traversal(_template(entry.name)):
        if isinstance(node, NamedFunction) or type(node) in CITED_BUILTINS:
            other = entry_of_function(type(node))
            if other is not None and other.name != entry.name and other.name not in found:
                found.append(other.name)
    return tuple(found)


def cited_by(name: str) -> tuple[str, ...]:
    """The entries whose definitions cite this one (sigmoid → silu, swish, quick_gelu, log_sigmoid)."""
    target = get(name).name
    return tuple(e.name for e in ENTRIES if target in cites(e.name))


def describe(entry: Entry) -> dict:
    """Everything `derivator list --format json` shows about an entry, as plain JSON values."""
    return {
        "name": entry.name,
        "title": entry.title,
        "title_ja": entry.title_ja,
        "aliases": list(entry.aliases),
        "definition": entry.definition,
        "params": [
            {"name": p.name, "default": p.default, "symbol": p.symbol or p.name, "doc": p.doc,
             "sources": dict(p.sources)}
            for p in entry.params
        ],
        "output_form": entry.output_form,
        "breakpoints": [
            {"at": b.at, "convention": b.convention, "convention_source": b.convention_source, "jump": b.jump}
            for b in entry.breakpoints
        ],
        "cites": list(cites(entry.name)),
        "source": entry.source,
        "notes": entry.notes,
    }


# --- the name registry the LaTeX reader is given (derivator.parse.latex.Builder(reading_function)) -------

@cache
def _reading_table() -> dict[str, Callable[[sp.Expr], sp.Expr]]:
    """Names posts use for catalog functions (σ, Φ, φ, lower-case spellings), as written out."""
    def phi_cdf(u):
        return (1 + sp.erf(u / sp.sqrt(2))) / 2

    return {
        "sigmoid": sigmoid,
        "sigma": sigmoid,
        "softplus": lambda u: sp.log(1 + sp.exp(u)),
        "relu": lambda u: sp.Max(0, u),
        "gelu": lambda u: u * phi_cdf(u),
        "silu": lambda u: u * sigmoid(u),
        "softsign": lambda u: u / (1 + sp.Abs(u)),
        "mish": lambda u: u * sp.tanh(sp.log(1 + sp.exp(u))),
        "logsigmoid": lambda u: -sp.log(1 + sp.exp(-u)),
        "Phi": phi_cdf,
        "phi": lambda u: sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi),
    }


def reading_function(name: str) -> Callable[[sp.Expr], sp.Expr] | None:
    """What a text means by `name` used without a definition (σ, ReLU, softplus, Φ, …), or None.

    Entries with parameters are left out: ELU's α or Swish's β could be anything in a post, and a
    guessed default would be a false alarm."""
    fn = _reading_table().get(name)
    if fn is not None or len(name) < 3:
        return fn
    entry = lookup(name)
    if entry is None or entry.params or not entry.cite_as_function:
        return None
    return function_class(entry.name)
