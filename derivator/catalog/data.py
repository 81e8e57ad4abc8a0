"""The catalog's data: every named activation, as literals only (a test refuses anything else here).

A new activation is one dict in ENTRIES; no code anywhere else needs editing (the tests also want its
independent reference implementation in tests/catalog_reference.py). derivator.catalog.registry checks
every key and type when it builds the entries; the tests parse each one (test_catalog_data.py) and derive
each one (test_catalog_engine.py).

Keys of an entry (only `name`, `title`, `title_ja`, `definition` and `source` are required):
  name             the canonical name: lower case, an identifier
  aliases          other names, case-insensitive (framework paths, other spellings, Japanese names)
  title, title_ja  what `derivator list` shows
  definition       f(x) as plain text in SymPy spelling, parsed by derivator's own parser (never eval).
                   Another entry's name may be called (x*sigmoid(beta*x)): the engine cites its derivative.
  params           [{"name", "default", "doc", "symbol", "domain", "sources"}]: symbols of the definition
                   with exact defaults as text ("0.01" is 1/100); "symbol" is how it prints when kept
                   symbolic ("lambda" → λ); "domain" is "positive" (default), "nonzero" or "real";
                   "assume" is the symbol's assumption while kept symbolic (positive, negative, nonzero,
                   real; default the domain): hardtanh's a < 0 < b, so its cases are in order;
                   "sources" maps a source's name to its value where frameworks disagree
                   (--param negative_slope=keras picks one)
  ordered          [[low, high]]: parameters that must satisfy low < high
  latex_name, unicode_name   how the function prints (default \\operatorname{name} and name)
  sympy_function   a function the text parser already has (tanh, atan, sin, exp), used instead of a new one
  cite_as_function false for names users need as plain words (identity, threshold); default true
  output_form      the textbook's f' in y = f(x), for `derivator list` and the tests (never the engine's)
  breakpoints      [{"at", "convention", "source" | "source_text" and "source_text_ja", "jump"}]: where the
                   definition changes piece; "convention" is the one-sided derivative PyTorch's backward
                   returns there (left, right, mean, undefined); "source" names one of CONVENTION_SOURCES (its
                   words in each language), "source_text" and "source_text_ja" are a one-off; "jump" when f
                   itself is discontinuous there
  notes            one line for `derivator list --format json`
  in_posts         how hand-written derivations (`derivator check`) use the name without defining it:
                   "words" are lower-case spellings the LaTeX reader takes as one word (relu, elu);
                   "names" (exact case: sigma, Phi) are read as "means", f written out in x
"""

# Where each convention at a breakpoint comes from, in English and in Japanese: the backward formulas of PyTorch's ATen CPU kernels
# (aten/src/ATen/native/cpu/Activation.cpp), unless the text says otherwise.
CONVENTION_SOURCES = {
    "threshold_backward": {
        "en": "PyTorch threshold_backward: grad is 0 where x <= threshold",
        "ja": "PyTorch の threshold_backward: x が閾値以下なら勾配は 0",
    },
    "leaky_relu_backward": {
        "en": "PyTorch leaky_relu_backward: x > 0 ? 1 : negative_slope",
        "ja": "PyTorch の leaky_relu_backward: x > 0 なら 1、そうでなければ negative_slope",
    },
    "prelu_backward": {
        "en": "PyTorch prelu backward: x > 0 ? 1 : a",
        "ja": "PyTorch の prelu の逆伝播: x > 0 なら 1、そうでなければ a",
    },
    "elu_backward": {
        "en": "PyTorch elu_backward: x <= 0 takes the exponential branch",
        "ja": "PyTorch の elu_backward: x ≤ 0 では指数関数の側の式を使う",
    },
    "hardtanh_backward": {
        "en": "PyTorch hardtanh_backward: grad is 0 where x <= min_val or x >= max_val",
        "ja": "PyTorch の hardtanh_backward: x ≤ min_val または x ≥ max_val なら勾配は 0",
    },
    "hardsigmoid_backward": {
        "en": "PyTorch hardsigmoid_backward: 1/6 only where -3 < x < 3",
        "ja": "PyTorch の hardsigmoid_backward: 勾配が 1/6 になるのは −3 < x < 3 のときだけ",
    },
    "hardswish_backward": {
        "en": "PyTorch hardswish_backward: 0 where x < -3, x/3 + 1/2 where x <= 3",
        "ja": "PyTorch の hardswish_backward: x < −3 では 0、x ≤ 3 では x/3 + 1/2",
    },
    "shrink_backward": {
        "en": "PyTorch shrink_backward: grad is 0 where -lambd <= x <= lambd",
        "ja": "PyTorch の shrink_backward: −lambd ≤ x ≤ lambd なら勾配は 0",
    },
    "smooth": {
        "en": "pieces meet with equal derivatives: no kink",
        "ja": "区間の式が同じ微分係数でつながるので、折れ点ではない",
    },
}

ENTRIES = [
    # -- the classics ----------------------------------------------------------------------------------------
    {
        "name": "step",
        "title": "unit step (Heaviside)",
        "title_ja": "ステップ関数",
        "definition": "Piecewise((1, x > 0), (0, True))",
        "aliases": ["heaviside", "binary_step", "unit_step", "torch.heaviside", "ステップ関数"],
        "latex_name": r"\operatorname{step}",
        "source": "perceptron threshold unit; 1 for x > 0, 0 for x <= 0 as in the seed posts (torch.heaviside "
        "takes the value at 0 as an argument)",
        "breakpoints": [
            {
                "at": "0",
                "convention": "undefined",
                "source_text": "PyTorch: torch.heaviside has no backward (not differentiable)",
                "source_text_ja": "PyTorch の torch.heaviside には逆伝播がなく、微分できない",
                "jump": True,
            },
        ],
        "notes": "f' = 0 everywhere except at 0, where f jumps and f' does not exist",
    },
    {
        "name": "identity",
        "title": "identity (linear)",
        "title_ja": "恒等関数",
        "definition": "x",
        "aliases": ["linear", "torch.nn.Identity", "keras.activations.linear", "恒等関数"],
        "latex_name": r"\operatorname{id}",
        "cite_as_function": False,
        "source": "PyTorch torch.nn.Identity; Keras keras.activations.linear",
        "output_form": "1",
    },
    {
        "name": "sigmoid",
        "title": "logistic sigmoid",
        "title_ja": "シグモイド関数",
        "definition": "1/(1+exp(-x))",
        "aliases": [
            "logistic", "torch.nn.Sigmoid", "torch.sigmoid", "torch.nn.functional.sigmoid",
            "keras.activations.sigmoid", "tf.nn.sigmoid", "expit", "シグモイド", "シグモイド関数",
        ],
        "latex_name": r"\sigma",
        "unicode_name": "σ",
        "output_form": "y*(1 - y)",
        "source": "logistic function; PyTorch torch.nn.Sigmoid",
        "in_posts": {"words": ["sigmoid"], "names": ["sigmoid", "sigma"], "means": "sigmoid(x)"},
    },
    {
        "name": "tanh",
        "title": "hyperbolic tangent",
        "title_ja": "双曲線正接関数 (tanh)",
        "definition": "(exp(x)-exp(-x))/(exp(x)+exp(-x))",
        "aliases": ["torch.nn.Tanh", "torch.tanh", "keras.activations.tanh", "tf.nn.tanh", "双曲線正接関数"],
        "latex_name": r"\tanh",
        "unicode_name": "tanh",
        "sympy_function": "tanh",
        "output_form": "1 - y**2",
        "source": "hyperbolic tangent; PyTorch torch.nn.Tanh",
    },
    {
        "name": "lecun_tanh",
        "title": "LeCun's scaled tanh",
        "title_ja": "LeCun の tanh",
        "definition": "a*tanh(b*x)",
        "aliases": ["scaled_tanh", "lecun"],
        "params": [
            {"name": "a", "default": "1.7159", "doc": "amplitude, chosen so that f(±1) = ±1", "symbol": "A"},
            {"name": "b", "default": "2/3", "doc": "slope of the argument", "symbol": "S"},
        ],
        "latex_name": r"\operatorname{tanh_{LeCun}}",
        "unicode_name": "tanh_LeCun",
        "output_form": "a*b*(1 - (y/a)**2)",
        "source": "LeCun, Bottou, Orr & Müller, Efficient BackProp (1998): f(x) = 1.7159 tanh(2x/3)",
    },
    # -- rectifiers ------------------------------------------------------------------------------------------
    {
        "name": "relu",
        "title": "rectified linear unit",
        "title_ja": "ReLU (ランプ関数)",
        "definition": "Max(0, x)",
        "aliases": [
            "ReLU", "torch.nn.ReLU", "torch.relu", "torch.nn.functional.relu", "keras.activations.relu",
            "tf.nn.relu", "ランプ関数", "正規化線形関数",
        ],
        "latex_name": r"\operatorname{ReLU}",
        "unicode_name": "ReLU",
        "output_form": "Piecewise((1, y > 0), (0, True))",
        "source": "Nair & Hinton 2010; PyTorch torch.nn.ReLU",
        "breakpoints": [
            {"at": "0", "convention": "left", "source": "threshold_backward"},
        ],
        "notes": "ReLU'(0) does not exist; PyTorch and TensorFlow use 0 there",
        "in_posts": {"words": ["relu"], "names": ["relu"], "means": "Max(0, x)"},
    },
    {
        "name": "leaky_relu",
        "title": "leaky ReLU",
        "title_ja": "Leaky ReLU",
        "definition": "Piecewise((x, x > 0), (negative_slope*x, True))",
        "aliases": [
            "LeakyReLU", "torch.nn.LeakyReLU", "torch.nn.functional.leaky_relu", "keras.activations.leaky_relu",
            "keras.layers.LeakyReLU", "tf.nn.leaky_relu", "lrelu",
        ],
        "params": [
            {
                "name": "negative_slope",
                "default": "0.01",
                "doc": "slope for x < 0",
                "symbol": "alpha",
                "sources": {"PyTorch": "0.01", "Maas": "0.01", "Keras": "0.2", "TensorFlow": "0.2", "KerasLayer": "0.3"},
            },
        ],
        "latex_name": r"\operatorname{LeakyReLU}",
        "unicode_name": "LeakyReLU",
        "output_form": "Piecewise((1, y > 0), (negative_slope, True))",
        "source": "Maas, Hannun & Ng 2013; PyTorch torch.nn.LeakyReLU (negative_slope = 0.01)",
        "breakpoints": [
            {"at": "0", "convention": "left", "source": "leaky_relu_backward"},
        ],
        "notes": "the default slope differs: PyTorch 0.01 (as Maas et al.), keras.activations.leaky_relu and "
        "tf.nn.leaky_relu 0.2, the Keras LeakyReLU layer 0.3; choose with --param negative_slope=keras",
    },
    {
        "name": "prelu",
        "title": "parametric ReLU",
        "title_ja": "PReLU",
        "definition": "Piecewise((x, x > 0), (a*x, True))",
        "aliases": ["PReLU", "torch.nn.PReLU", "torch.nn.functional.prelu", "keras.layers.PReLU"],
        "params": [
            {
                "name": "a",
                "default": "0.25",
                "doc": "learned slope for x < 0 (its initial value)",
                "domain": "real",
                "sources": {"PyTorch": "0.25", "Keras": "0"},
            },
        ],
        "latex_name": r"\operatorname{PReLU}",
        "unicode_name": "PReLU",
        "output_form": "Piecewise((1, y > 0), (a, True))",
        "source": "He et al. 2015; PyTorch torch.nn.PReLU (init = 0.25); Keras PReLU initialises a to 0",
        "breakpoints": [
            {"at": "0", "convention": "left", "source": "prelu_backward"},
        ],
        "notes": "a is learned: the gradient also flows to a (∂f/∂a = x for x <= 0, 0 otherwise)",
    },
    {
        "name": "elu",
        "title": "exponential linear unit",
        "title_ja": "ELU",
        "definition": "Piecewise((x, x > 0), (alpha*(exp(x) - 1), True))",
        "aliases": ["ELU", "torch.nn.ELU", "torch.nn.functional.elu", "keras.activations.elu", "tf.nn.elu"],
        "params": [
            {"name": "alpha", "default": "1", "doc": "saturation value -alpha for x → -∞"},
        ],
        "latex_name": r"\operatorname{ELU}",
        "unicode_name": "ELU",
        "output_form": "Piecewise((1, y > 0), (y + alpha, True))",
        "source": "Clevert, Unterthiner & Hochreiter 2015; PyTorch torch.nn.ELU (alpha = 1)",
        "breakpoints": [
            {"at": "0", "convention": "left", "source": "elu_backward"},
        ],
        "notes": "a kink at 0 only when alpha != 1",
        "in_posts": {"words": ["elu"]},
    },
    {
        "name": "selu",
        "title": "scaled exponential linear unit",
        "title_ja": "SELU",
        "definition": "Piecewise((scale*x, x > 0), (scale*alpha*(exp(x) - 1), True))",
        "aliases": ["SELU", "torch.nn.SELU", "torch.nn.functional.selu", "keras.activations.selu", "tf.nn.selu"],
        "params": [
            {"name": "alpha", "default": "1.6732632423543772848170429916717", "doc": "fixed by self-normalisation"},
            {
                "name": "scale",
                "default": "1.0507009873554804934193349852946",
                "doc": "fixed by self-normalisation",
                "symbol": "lambda",
            },
        ],
        "latex_name": r"\operatorname{SELU}",
        "unicode_name": "SELU",
        "output_form": "Piecewise((scale, y > 0), (y + scale*alpha, True))",
        "source": "Klambauer et al. 2017; constants to the digits of PyTorch's torch.nn.SELU documentation",
        "breakpoints": [
            {"at": "0", "convention": "left", "source": "elu_backward"},
        ],
        "notes": "alpha and scale (λ) solve the paper's fixed-point equations; Keras uses the same digits",
        "in_posts": {"words": ["selu"]},
    },
    {
        "name": "celu",
        "title": "continuously differentiable ELU",
        "title_ja": "CELU",
        "definition": "Piecewise((x, x > 0), (alpha*(exp(x/alpha) - 1), True))",
        "aliases": ["CELU", "torch.nn.CELU", "torch.nn.functional.celu", "keras.activations.celu"],
        "params": [
            {"name": "alpha", "default": "1", "doc": "saturation value and scale of the input for x < 0"},
        ],
        "latex_name": r"\operatorname{CELU}",
        "unicode_name": "CELU",
        "output_form": "Piecewise((1, y > 0), (y/alpha + 1, True))",
        "source": "Barron 2017; PyTorch torch.nn.CELU: max(0, x) + min(0, alpha (exp(x/alpha) - 1))",
        "breakpoints": [
            {
                "at": "0",
                "convention": "left",
                "source_text": "PyTorch celu = elu with input_scale 1/alpha; pieces meet with equal derivatives: "
                "no kink",
                "source_text_ja": "PyTorch の celu は input_scale を 1/alpha とした elu。区間の式が同じ微分係数で"
                "つながるので、折れ点ではない",
            },
        ],
        "in_posts": {"words": ["celu"]},
    },
    {
        "name": "relu6",
        "title": "ReLU capped at 6",
        "title_ja": "ReLU6",
        "definition": "Piecewise((0, x <= 0), (x, x < 6), (6, True))",
        "aliases": [
            "ReLU6", "torch.nn.ReLU6", "torch.nn.functional.relu6", "keras.activations.relu6", "tf.nn.relu6",
        ],
        "latex_name": r"\operatorname{ReLU6}",
        "unicode_name": "ReLU6",
        "output_form": "Piecewise((1, (y > 0) & (y < 6)), (0, True))",
        "source": "Krizhevsky 2010, MobileNets; PyTorch torch.nn.ReLU6 = hardtanh(x, 0, 6)",
        "breakpoints": [
            {"at": "0", "convention": "left", "source": "hardtanh_backward"},
            {"at": "6", "convention": "right", "source": "hardtanh_backward"},
        ],
        "in_posts": {"words": ["relu6"]},
    },
    # -- smooth rectifiers -----------------------------------------------------------------------------------
    {
        "name": "softplus",
        "title": "softplus",
        "title_ja": "ソフトプラス関数",
        "definition": "log(1 + exp(beta*x))/beta",
        "aliases": [
            "SoftPlus", "torch.nn.Softplus", "torch.nn.functional.softplus", "keras.activations.softplus",
            "tf.nn.softplus", "ソフトプラス",
        ],
        "params": [
            {"name": "beta", "default": "1", "doc": "sharpness; softplus → ReLU as beta → ∞"},
        ],
        "latex_name": r"\operatorname{softplus}",
        "unicode_name": "softplus",
        "output_form": "1 - exp(-beta*y)",
        "source": "Dugas et al. 2001; PyTorch torch.nn.Softplus (beta = 1); Keras has no beta",
        "notes": "PyTorch switches to f(x) = x where beta x > threshold (20) for numerical stability only",
        "in_posts": {"words": ["softplus"], "names": ["softplus"], "means": "log(1 + exp(x))"},
    },
    {
        "name": "softsign",
        "title": "softsign",
        "title_ja": "ソフトサイン関数",
        "definition": "x/(1 + Abs(x))",
        "aliases": ["Softsign", "torch.nn.Softsign", "torch.nn.functional.softsign", "keras.activations.softsign"],
        "latex_name": r"\operatorname{softsign}",
        "unicode_name": "softsign",
        "output_form": "(1 - Abs(y))**2",
        "source": "Bergstra et al. 2009, Glorot & Bengio 2010; PyTorch torch.nn.Softsign",
        "breakpoints": [
            {
                "at": "0",
                "convention": "left",
                "source_text": "|x| changes piece; pieces meet with equal derivatives: no kink",
                "source_text_ja": "|x| の式が切り替わる点だが、区間の式が同じ微分係数でつながるので、折れ点ではない",
            },
        ],
        "in_posts": {"words": ["softsign"], "names": ["softsign"], "means": "x/(1 + Abs(x))"},
    },
    {
        "name": "silu",
        "title": "sigmoid linear unit (Swish with β = 1)",
        "title_ja": "SiLU (Swish)",
        "definition": "x*sigmoid(x)",
        "aliases": [
            "SiLU", "swish1", "torch.nn.SiLU", "torch.nn.functional.silu", "keras.activations.silu",
            "keras.activations.swish", "tf.nn.silu", "tf.nn.swish",
        ],
        "latex_name": r"\operatorname{SiLU}",
        "unicode_name": "SiLU",
        "source": "Elfwing, Uchibe & Doya 2017; Hendrycks & Gimpel 2016; PyTorch torch.nn.SiLU",
        "notes": "cites σ′ = σ(1 − σ); no closed form in y (inverting x σ(x) needs Lambert W)",
        "in_posts": {"words": ["silu"], "names": ["silu"], "means": "x*sigmoid(x)"},
    },
    {
        "name": "swish",
        "title": "Swish",
        "title_ja": "Swish",
        "definition": "x*sigmoid(beta*x)",
        "aliases": ["Swish"],
        "params": [
            {
                "name": "beta",
                "default": "1",
                "doc": "beta = 1 is SiLU; learned in the Swish paper",
                "domain": "real",
            },
        ],
        "latex_name": r"\operatorname{swish}",
        "unicode_name": "swish",
        "source": "Ramachandran, Zoph & Le 2017 (Searching for Activation Functions)",
        "notes": "cites σ′ = σ(1 − σ); keras.activations.swish is SiLU (beta = 1)",
        "in_posts": {"words": ["swish"]},
    },
    {
        "name": "normal_cdf",
        "title": "standard normal CDF Φ",
        "title_ja": "標準正規分布の累積分布関数 Φ",
        "definition": "(1 + erf(x/sqrt(2)))/2",
        "aliases": ["Phi", "norm_cdf", "standard_normal_cdf", "標準正規分布の累積分布関数"],
        "latex_name": r"\Phi",
        "unicode_name": "Φ",
        "source": "Φ(x) = (1 + erf(x/√2))/2; the factor in GELU(x) = x Φ(x)",
        "notes": "Φ′ = φ, the standard normal density",
        "in_posts": {"names": ["Phi"], "means": "(1 + erf(x/sqrt(2)))/2"},
    },
    {
        "name": "normal_pdf",
        "title": "standard normal density φ",
        "title_ja": "標準正規分布の確率密度関数 φ",
        "definition": "exp(-x**2/2)/sqrt(2*pi)",
        "aliases": ["norm_pdf", "standard_normal_pdf", "標準正規分布の確率密度関数"],
        "latex_name": r"\varphi",
        "unicode_name": "φ",
        "source": "φ(x) = e^{-x²/2}/√(2π)",
        "notes": "φ′(x) = −x φ(x); no single-valued form in y (x = ±…)",
        "in_posts": {"names": ["phi"], "means": "exp(-x**2/2)/sqrt(2*pi)"},
    },
    {
        "name": "gelu",
        "title": "Gaussian error linear unit (exact, erf)",
        "title_ja": "GELU",
        "definition": "x*Phi(x)",
        "aliases": [
            "GELU", "torch.nn.GELU", "torch.nn.functional.gelu", "keras.activations.gelu", "tf.nn.gelu",
            "gelu_erf",
        ],
        "latex_name": r"\operatorname{GELU}",
        "unicode_name": "GELU",
        "source": "Hendrycks & Gimpel 2016; PyTorch torch.nn.GELU (approximate='none'); Keras approximate=False",
        "notes": "GELU′(x) = Φ(x) + x φ(x); no closed form in y",
        "in_posts": {"words": ["gelu"], "names": ["gelu"], "means": "x*((1 + erf(x/sqrt(2)))/2)"},
    },
    {
        "name": "gelu_tanh",
        "title": "GELU, tanh approximation",
        "title_ja": "GELU (tanh 近似)",
        "definition": "x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))",
        "aliases": ["gelu_new", "gelu_pytorch_tanh", "gelu_approx", "approximate_gelu"],
        "latex_name": r"\operatorname{GELU_{tanh}}",
        "unicode_name": "GELU_tanh",
        "source": "Hendrycks & Gimpel 2016; PyTorch torch.nn.GELU(approximate='tanh'); "
        "keras.activations.gelu(approximate=True); Hugging Face 'gelu_new'",
        "notes": "no closed form in y",
    },
    {
        "name": "quick_gelu",
        "title": "GELU, sigmoid approximation",
        "title_ja": "GELU (シグモイド近似)",
        "definition": "x*sigmoid(1.702*x)",
        "aliases": ["gelu_sigmoid", "QuickGELU"],
        "latex_name": r"\operatorname{QuickGELU}",
        "unicode_name": "QuickGELU",
        "source": "Hendrycks & Gimpel 2016 (x σ(1.702 x)); Hugging Face 'quick_gelu' (CLIP)",
        "notes": "cites σ′ = σ(1 − σ)",
    },
    {
        "name": "mish",
        "title": "Mish",
        "title_ja": "Mish",
        "definition": "x*tanh(softplus(x))",
        "aliases": ["Mish", "torch.nn.Mish", "torch.nn.functional.mish", "keras.activations.mish"],
        "latex_name": r"\operatorname{Mish}",
        "unicode_name": "Mish",
        "source": "Misra 2019; PyTorch torch.nn.Mish",
        "notes": "cites softplus′ = σ and tanh′ = 1 − tanh²; no closed form in y",
        "in_posts": {"words": ["mish"], "names": ["mish"], "means": "x*tanh(log(1 + exp(x)))"},
    },
    {
        "name": "log_sigmoid",
        "title": "log-sigmoid",
        "title_ja": "対数シグモイド関数",
        "definition": "log(sigmoid(x))",
        "aliases": [
            "logsigmoid", "LogSigmoid", "torch.nn.LogSigmoid", "torch.nn.functional.logsigmoid",
            "keras.activations.log_sigmoid", "tf.math.log_sigmoid",
        ],
        "latex_name": r"\operatorname{LogSigmoid}",  # not \log\sigma: \log\sigma'(x) reads as log(σ'(x))
        "unicode_name": "logσ",
        "output_form": "1 - exp(y)",
        "source": "PyTorch torch.nn.LogSigmoid: log(1/(1 + exp(-x)))",
        "notes": "cites σ′ = σ(1 − σ); f′ = 1 − σ(x) = σ(−x)",
        "in_posts": {"words": ["logsigmoid"], "names": ["logsigmoid"], "means": "-log(1 + exp(-x))"},
    },
    # -- hard (piecewise linear) approximations --------------------------------------------------------------
    {
        "name": "hard_sigmoid",
        "title": "hard sigmoid (x/6 + 1/2)",
        "title_ja": "ハードシグモイド (x/6 + 1/2)",
        "definition": "Piecewise((0, x <= -3), (x/6 + 1/2, x < 3), (1, True))",
        "aliases": [
            "hardsigmoid", "Hardsigmoid", "torch.nn.Hardsigmoid", "torch.nn.functional.hardsigmoid",
            "keras.activations.hard_sigmoid", "jax.nn.hard_sigmoid",
        ],
        "latex_name": r"\operatorname{hardsigmoid}",
        "unicode_name": "hardsigmoid",
        "output_form": "Piecewise((1/6, (y > 0) & (y < 1)), (0, True))",
        "source": "PyTorch torch.nn.Hardsigmoid = ReLU6(x + 3)/6; Keras 3 keras.activations.hard_sigmoid",
        "breakpoints": [
            {"at": "-3", "convention": "left", "source": "hardsigmoid_backward"},
            {"at": "3", "convention": "right", "source": "hardsigmoid_backward"},
        ],
        "notes": "Keras 2 / tf.keras before Keras 3 used 0.2 x + 0.5: see hard_sigmoid_keras2",
        "in_posts": {"words": ["hardsigmoid"]},
    },
    {
        "name": "hard_sigmoid_keras2",
        "title": "hard sigmoid (0.2 x + 0.5, Keras 2)",
        "title_ja": "ハードシグモイド (0.2x + 0.5, Keras 2)",
        "definition": "Piecewise((0, x < -5/2), (x/5 + 1/2, x <= 5/2), (1, True))",
        "aliases": ["hard_sigmoid_tf", "tf.keras.backend.hard_sigmoid", "keras2.hard_sigmoid"],
        "latex_name": r"\operatorname{hardsigmoid_{K2}}",
        "unicode_name": "hardsigmoid_K2",
        "output_form": "Piecewise((1/5, (y > 0) & (y < 1)), (0, True))",
        "source": "Keras 2 / tf.keras backend hard_sigmoid: clip(0.2 x + 0.5, 0, 1); Courbariaux et al. 2015",
        "breakpoints": [
            {
                "at": "-5/2",
                "convention": "right",
                "source_text": "TensorFlow ClipByValue gradient: passed where 0 <= 0.2x + 0.5 <= 1",
                "source_text_ja": "TensorFlow の ClipByValue の勾配: 0 ≤ 0.2x + 0.5 ≤ 1 のときだけ勾配をそのまま通す",
            },
            {
                "at": "5/2",
                "convention": "left",
                "source_text": "TensorFlow ClipByValue gradient: passed where 0 <= 0.2x + 0.5 <= 1",
                "source_text_ja": "TensorFlow の ClipByValue の勾配: 0 ≤ 0.2x + 0.5 ≤ 1 のときだけ勾配をそのまま通す",
            },
        ],
        "notes": "PyTorch and Keras 3 use x/6 + 1/2 instead (hard_sigmoid); no PyTorch backward exists for this "
        "form, so its kink values follow TensorFlow's gradient",
    },
    {
        "name": "hard_swish",
        "title": "hard swish",
        "title_ja": "ハード Swish",
        "definition": "Piecewise((0, x <= -3), (x*(x + 3)/6, x < 3), (x, True))",
        "aliases": [
            "hardswish", "Hardswish", "torch.nn.Hardswish", "torch.nn.functional.hardswish", "hard_silu",
            "keras.activations.hard_silu", "keras.activations.hard_swish",
        ],
        "latex_name": r"\operatorname{hardswish}",
        "unicode_name": "hardswish",
        "source": "Howard et al. 2019 (MobileNetV3); PyTorch torch.nn.Hardswish = x ReLU6(x + 3)/6",
        "breakpoints": [
            {"at": "-3", "convention": "right", "source": "hardswish_backward"},
            {
                "at": "3",
                "convention": "left",
                "source_text": "PyTorch hardswish_backward: 0 where x < -3, x/3 + 1/2 where x <= 3 (scalar kernel; "
                "the vectorised kernel returns 1)",
                "source_text_ja": "PyTorch の hardswish_backward: x < −3 では 0、x ≤ 3 では x/3 + 1/2"
                "(スカラー版のカーネル。ベクトル化版のカーネルは 1 を返す)",
            },
        ],
        "notes": "PyTorch's backward at x = -3 is -1/2 (the right-hand value) and at x = 3 is 3/2 in its scalar "
        "kernel but 1 in its vectorised kernel; no single-valued form in y (f is not monotonic)",
        "in_posts": {"words": ["hardswish"]},
    },
    {
        "name": "hardtanh",
        "title": "hard tanh",
        "title_ja": "ハード tanh",
        "definition": "Piecewise((min_val, x < min_val), (x, x <= max_val), (max_val, True))",
        "aliases": [
            "hard_tanh", "Hardtanh", "torch.nn.Hardtanh", "torch.nn.functional.hardtanh",
            "keras.activations.hard_tanh",
        ],
        "params": [
            {"name": "min_val", "default": "-1", "doc": "lower clip", "symbol": "a", "domain": "real",
             "assume": "negative"},
            {"name": "max_val", "default": "1", "doc": "upper clip", "symbol": "b", "domain": "real",
             "assume": "positive"},
        ],
        "ordered": [["min_val", "max_val"]],
        "latex_name": r"\operatorname{hardtanh}",
        "unicode_name": "hardtanh",
        "output_form": "Piecewise((1, (y > min_val) & (y < max_val)), (0, True))",
        "source": "Collobert 2004; PyTorch torch.nn.Hardtanh (min_val = -1, max_val = 1)",
        "breakpoints": [
            {"at": "min_val", "convention": "left", "source": "hardtanh_backward"},
            {"at": "max_val", "convention": "right", "source": "hardtanh_backward"},
        ],
        "in_posts": {"words": ["hardtanh"]},
    },
    # -- shrinkage -------------------------------------------------------------------------------------------
    {
        "name": "tanhshrink",
        "title": "tanh shrink",
        "title_ja": "tanh 縮小関数",
        "definition": "x - tanh(x)",
        "aliases": ["Tanhshrink", "tanh_shrink", "torch.nn.Tanhshrink", "keras.activations.tanh_shrink"],
        "latex_name": r"\operatorname{tanhshrink}",
        "unicode_name": "tanhshrink",
        "source": "PyTorch torch.nn.Tanhshrink: x - tanh(x)",
        "notes": "f′ = tanh²(x); no closed form in y",
        "in_posts": {"words": ["tanhshrink"]},
    },
    {
        "name": "softshrink",
        "title": "soft shrinkage",
        "title_ja": "ソフト縮小関数",
        "definition": "Piecewise((x + lambd, x < -lambd), (0, x <= lambd), (x - lambd, True))",
        "aliases": ["Softshrink", "soft_shrink", "torch.nn.Softshrink", "keras.activations.soft_shrink"],
        "params": [
            {
                "name": "lambd",
                "default": "0.5",
                "doc": "half-width of the dead zone",
                "symbol": "lambda",
                "sources": {"PyTorch": "0.5", "Keras": "0.5"},
            },
        ],
        "latex_name": r"\operatorname{softshrink}",
        "unicode_name": "softshrink",
        "output_form": "Piecewise((0, Eq(y, 0)), (1, True))",
        "source": "PyTorch torch.nn.Softshrink (lambd = 0.5); Keras soft_shrink (threshold = 0.5)",
        "breakpoints": [
            {"at": "-lambd", "convention": "right", "source": "shrink_backward"},
            {"at": "lambd", "convention": "left", "source": "shrink_backward"},
        ],
        "in_posts": {"words": ["softshrink"]},
    },
    {
        "name": "hardshrink",
        "title": "hard shrinkage",
        "title_ja": "ハード縮小関数",
        "definition": "Piecewise((x, x < -lambd), (0, x <= lambd), (x, True))",
        "aliases": ["Hardshrink", "hard_shrink", "torch.nn.Hardshrink", "keras.activations.hard_shrink"],
        "params": [
            {
                "name": "lambd",
                "default": "0.5",
                "doc": "half-width of the dead zone",
                "symbol": "lambda",
                "sources": {"PyTorch": "0.5", "Keras": "0.5"},
            },
        ],
        "latex_name": r"\operatorname{hardshrink}",
        "unicode_name": "hardshrink",
        "output_form": "Piecewise((0, Eq(y, 0)), (1, True))",
        "source": "PyTorch torch.nn.Hardshrink (lambd = 0.5); Keras hard_shrink (threshold = 0.5)",
        "breakpoints": [
            {"at": "-lambd", "convention": "right", "source": "shrink_backward", "jump": True},
            {"at": "lambd", "convention": "left", "source": "shrink_backward", "jump": True},
        ],
        "notes": "f jumps at ±lambd; the values there are the limits of f′ from each side",
        "in_posts": {"words": ["hardshrink"]},
    },
    {
        "name": "threshold",
        "title": "threshold",
        "title_ja": "しきい値関数",
        "definition": "Piecewise((value, x <= threshold), (x, True))",
        "aliases": [
            "Threshold", "torch.nn.Threshold", "torch.nn.functional.threshold", "keras.activations.threshold",
        ],
        "params": [
            {
                "name": "threshold",
                "default": "1",
                "doc": "inputs at or below it are replaced",
                "symbol": "theta",
                "domain": "real",
            },
            {"name": "value", "default": "0", "doc": "the replacement", "symbol": "v", "domain": "real"},
        ],
        "latex_name": r"\operatorname{threshold}",
        "unicode_name": "threshold",
        "cite_as_function": False,
        "source": "PyTorch torch.nn.Threshold(threshold, value): x if x > threshold else value",
        "breakpoints": [
            {"at": "threshold", "convention": "left", "source": "threshold_backward", "jump": True},
        ],
        "notes": "PyTorch has no defaults for threshold and value; derivator uses 1 and 0. f jumps at the "
        "threshold unless value = threshold",
    },
    # -- other smooth shapes ---------------------------------------------------------------------------------
    {
        "name": "gaussian",
        "title": "Gaussian",
        "title_ja": "ガウス関数",
        "definition": "exp(-x**2)",
        "aliases": ["Gaussian", "gauss", "ガウス関数"],
        "latex_name": r"\operatorname{gauss}",
        "unicode_name": "gauss",
        "source": "radial-basis activation e^{-x²} (Wikipedia, activation function table)",
        "notes": "f′ = −2x e^{−x²}; no single-valued form in y (x = ±√(−ln y))",
    },
    {
        "name": "arctan",
        "title": "arctangent",
        "title_ja": "逆正接関数 (arctan)",
        "definition": "atan(x)",
        "aliases": ["ArcTan", "arc_tangent", "逆正接関数"],
        "latex_name": r"\arctan",
        "unicode_name": "arctan",
        "sympy_function": "atan",
        "output_form": "cos(y)**2",
        "source": "Wikipedia, activation function table: tan⁻¹(x)",
    },
    {
        "name": "sin",
        "title": "sine",
        "title_ja": "正弦関数 (sin)",
        "definition": "sin(x)",
        "aliases": ["sine", "sinusoid", "正弦関数"],
        "latex_name": r"\sin",
        "unicode_name": "sin",
        "sympy_function": "sin",
        "source": "periodic activation (Wikipedia table; SIREN uses sin(ω₀x))",
        "notes": "f′ = cos x = ±√(1 − y²): no single-valued form in y",
    },
    {
        "name": "sinc",
        "title": "sinc (unnormalised)",
        "title_ja": "sinc 関数",
        "definition": "Piecewise((1, Eq(x, 0)), (sin(x)/x, True))",
        "aliases": ["Sinc", "cardinal_sine"],
        "latex_name": r"\operatorname{sinc}",
        "unicode_name": "sinc",
        "source": "Wikipedia, activation function table: sin(x)/x, 1 at x = 0",
        "breakpoints": [
            {"at": "0", "convention": "mean", "source_text": "removable singularity; f′(0) = 0 from both sides",
             "source_text_ja": "除去可能な特異点で、両側から f′(0) = 0"},
        ],
        "notes": "numpy.sinc and torch.sinc are the normalised sin(πx)/(πx), not this one; f′(x) = (x cos x − sin "
        "x)/x² for x ≠ 0 and f′(0) = 0",
        "in_posts": {"words": ["sinc"]},
    },
    {
        "name": "bent_identity",
        "title": "bent identity",
        "title_ja": "ベント恒等関数",
        "definition": "(sqrt(x**2 + 1) - 1)/2 + x",
        "aliases": ["bent", "bentidentity"],
        "latex_name": r"\operatorname{bent}",
        "unicode_name": "bent",
        "source": "Wikipedia, activation function table",
        "notes": "f′ = x/(2√(x² + 1)) + 1; a form in y exists (a root of a quadratic) but no textbook uses it",
    },
    {
        "name": "isru",
        "title": "inverse square root unit",
        "title_ja": "ISRU",
        "definition": "x/sqrt(1 + alpha*x**2)",
        "aliases": ["ISRU", "inverse_square_root_unit"],
        "params": [
            {"name": "alpha", "default": "1", "doc": "saturation at ±1/√alpha"},
        ],
        "latex_name": r"\operatorname{ISRU}",
        "unicode_name": "ISRU",
        "output_form": "(1 - alpha*y**2)**(3/2)",
        "source": "Carlile et al. 2017",
        "in_posts": {"words": ["isru"]},
    },
    {
        "name": "isrlu",
        "title": "inverse square root linear unit",
        "title_ja": "ISRLU",
        "definition": "Piecewise((x, x >= 0), (x/sqrt(1 + alpha*x**2), True))",
        "aliases": ["ISRLU", "inverse_square_root_linear_unit"],
        "params": [
            {"name": "alpha", "default": "1", "doc": "saturation at -1/√alpha for x → -∞"},
        ],
        "latex_name": r"\operatorname{ISRLU}",
        "unicode_name": "ISRLU",
        "output_form": "Piecewise((1, y >= 0), ((1 - alpha*y**2)**(3/2), True))",
        "source": "Carlile et al. 2017",
        "breakpoints": [
            {"at": "0", "convention": "right", "source": "smooth"},
        ],
        "in_posts": {"words": ["isrlu"]},
    },
    {
        "name": "sqnl",
        "title": "square nonlinearity",
        "title_ja": "SQNL",
        "definition": "Piecewise((-1, x < -2), (x + x**2/4, x < 0), (x - x**2/4, x <= 2), (1, True))",
        "aliases": ["SQNL", "square_nonlinearity"],
        "latex_name": r"\operatorname{SQNL}",
        "unicode_name": "SQNL",
        "output_form": "sqrt(1 - Abs(y))",
        "source": "Wuraola & Patel 2018; Wikipedia, activation function table",
        "breakpoints": [
            {"at": "-2", "convention": "left", "source": "smooth"},
            {"at": "0", "convention": "left", "source": "smooth"},
            {"at": "2", "convention": "left", "source": "smooth"},
        ],
        "in_posts": {"words": ["sqnl"]},
    },
    {
        "name": "exponential",
        "title": "exponential",
        "title_ja": "指数関数",
        "definition": "exp(x)",
        "aliases": ["keras.activations.exponential", "指数関数"],
        "latex_name": r"\exp",
        "unicode_name": "exp",
        "sympy_function": "exp",
        "output_form": "y",
        "source": "Keras keras.activations.exponential",
    },
    {
        "name": "squareplus",
        "title": "squareplus",
        "title_ja": "squareplus",
        "definition": "(x + sqrt(x**2 + b))/2",
        "aliases": ["Squareplus", "keras.activations.squareplus"],
        "params": [
            {"name": "b", "default": "4", "doc": "smoothness near 0; b = 0 is ReLU", "sources": {"Keras": "4"}},
        ],
        "latex_name": r"\operatorname{squareplus}",
        "unicode_name": "squareplus",
        "output_form": "4*y**2/(4*y**2 + b)",
        "source": "Barron 2021; Keras keras.activations.squareplus (b = 4)",
        "in_posts": {"words": ["squareplus"]},
    },
    {
        "name": "sparse_plus",
        "title": "sparse plus",
        "title_ja": "スパースプラス",
        "definition": "Piecewise((0, x <= -1), ((x + 1)**2/4, x < 1), (x, True))",
        "aliases": ["SparsePlus", "keras.activations.sparse_plus"],
        "latex_name": r"\operatorname{sparseplus}",
        "unicode_name": "sparseplus",
        "output_form": "Piecewise((sqrt(y), y <= 1), (1, True))",
        "source": "Keras keras.activations.sparse_plus",
        "breakpoints": [
            {"at": "-1", "convention": "left", "source": "smooth"},
            {"at": "1", "convention": "left", "source": "smooth"},
        ],
    },
    {
        "name": "lisht",
        "title": "linearly scaled hyperbolic tangent",
        "title_ja": "LiSHT",
        "definition": "x*tanh(x)",
        "aliases": ["LiSHT"],
        "latex_name": r"\operatorname{LiSHT}",
        "unicode_name": "LiSHT",
        "source": "Roy et al. 2019; TensorFlow Addons tfa.activations.lisht",
        "notes": "cites tanh′ = 1 − tanh²; no single-valued form in y (f is even)",
        "in_posts": {"words": ["lisht"]},
    },
    {
        "name": "snake",
        "title": "snake",
        "title_ja": "スネーク関数",
        "definition": "x + sin(a*x)**2/a",
        "aliases": ["Snake"],
        "params": [
            {"name": "a", "default": "1", "doc": "frequency", "sources": {"TensorFlowAddons": "1"}},
        ],
        "latex_name": r"\operatorname{snake}",
        "unicode_name": "snake",
        "source": "Ziyin, Hartwig & Ueda 2020; TensorFlow Addons tfa.activations.snake (frequency = 1)",
        "notes": "f′ = 1 + sin(2ax); no closed form in y",
        "in_posts": {"words": ["snake"]},
    },
]
