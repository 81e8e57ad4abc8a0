"""Independent reference implementations of every catalog entry, for the tests.

Each is written in mpmath from the source's own formula (PyTorch's documented forward, Keras's, the
paper's), not from derivator's definition text, so a typo in the catalog or a wrong rule in the engine
shows up as a disagreement. Parameters arrive as mpmath numbers by name.

Also here, hand-written from the math and from PyTorch's backward kernels (ATen cpu/Activation.cpp):
the value at 0, the one-sided derivatives at each breakpoint, and the value PyTorch's backward returns
there.
"""

from __future__ import annotations

import mpmath as mp

DPS = 40


def _sigmoid(x):
    return 1 / (1 + mp.exp(-x))


def _relu6(x):
    return min(max(x, 0), 6)


# name -> f(x, p) where p maps parameter names to mpf values
REFERENCE = {
    "step": lambda x, p: mp.mpf(1) if x > 0 else mp.mpf(0),
    "identity": lambda x, p: x,
    "sigmoid": lambda x, p: _sigmoid(x),
    "tanh": lambda x, p: mp.tanh(x),
    "lecun_tanh": lambda x, p: p["a"] * mp.tanh(p["b"] * x),
    # torch.nn.ReLU: max(0, x)
    "relu": lambda x, p: max(mp.mpf(0), x),
    # torch.nn.LeakyReLU: max(0, x) + negative_slope * min(0, x)
    "leaky_relu": lambda x, p: max(0, x) + p["negative_slope"] * min(0, x),
    # torch.nn.PReLU: max(0, x) + a * min(0, x)
    "prelu": lambda x, p: max(0, x) + p["a"] * min(0, x),
    # torch.nn.ELU: x if x > 0 else alpha (exp(x) - 1)
    "elu": lambda x, p: x if x > 0 else p["alpha"] * (mp.exp(x) - 1),
    # torch.nn.SELU: scale (max(0, x) + min(0, alpha (exp(x) - 1)))
    "selu": lambda x, p: p["scale"] * (max(0, x) + min(0, p["alpha"] * (mp.exp(x) - 1))),
    # torch.nn.CELU: max(0, x) + min(0, alpha (exp(x/alpha) - 1))
    "celu": lambda x, p: max(0, x) + min(0, p["alpha"] * (mp.exp(x / p["alpha"]) - 1)),
    "relu6": lambda x, p: _relu6(x),
    # torch.nn.Softplus: 1/beta log(1 + exp(beta x))
    "softplus": lambda x, p: mp.log(1 + mp.exp(p["beta"] * x)) / p["beta"],
    "softsign": lambda x, p: x / (1 + abs(x)),
    "silu": lambda x, p: x * _sigmoid(x),
    "swish": lambda x, p: x * _sigmoid(p["beta"] * x),
    "normal_cdf": lambda x, p: mp.ncdf(x),
    "normal_pdf": lambda x, p: mp.npdf(x),
    # torch.nn.GELU: x Φ(x)
    "gelu": lambda x, p: x * mp.ncdf(x),
    # torch.nn.GELU(approximate='tanh'): 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))
    "gelu_tanh": lambda x, p: x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3))),
    "quick_gelu": lambda x, p: x * _sigmoid(mp.mpf("1.702") * x),
    # torch.nn.Mish: x tanh(softplus(x))
    "mish": lambda x, p: x * mp.tanh(mp.log1p(mp.exp(x))),
    # torch.nn.LogSigmoid: log(1/(1 + exp(-x)))
    "log_sigmoid": lambda x, p: -mp.log1p(mp.exp(-x)),
    # torch.nn.Hardsigmoid: ReLU6(x + 3)/6
    "hard_sigmoid": lambda x, p: _relu6(x + 3) / 6,
    # Keras 2 backend: clip(0.2 x + 0.5, 0, 1)
    "hard_sigmoid_keras2": lambda x, p: min(max(mp.mpf("0.2") * x + mp.mpf("0.5"), 0), 1),
    # torch.nn.Hardswish: x ReLU6(x + 3)/6
    "hard_swish": lambda x, p: x * _relu6(x + 3) / 6,
    # torch.nn.Hardtanh: clamp(x, min_val, max_val)
    "hardtanh": lambda x, p: min(max(x, p["min_val"]), p["max_val"]),
    "tanhshrink": lambda x, p: x - mp.tanh(x),
    # torch.nn.Softshrink
    "softshrink": lambda x, p: x - p["lambd"] if x > p["lambd"] else (x + p["lambd"] if x < -p["lambd"] else mp.mpf(0)),
    # torch.nn.Hardshrink (ATen: 0 where -lambd <= x <= lambd)
    "hardshrink": lambda x, p: mp.mpf(0) if -p["lambd"] <= x <= p["lambd"] else x,
    # torch.nn.Threshold (ATen: x <= threshold ? value : x)
    "threshold": lambda x, p: p["value"] if x <= p["threshold"] else x,
    "gaussian": lambda x, p: mp.exp(-(x**2)),
    "arctan": lambda x, p: mp.atan(x),
    "sin": lambda x, p: mp.sin(x),
    "sinc": lambda x, p: mp.sinc(x),  # mpmath's sinc is sin(x)/x with sinc(0) = 1
    "bent_identity": lambda x, p: (mp.sqrt(x**2 + 1) - 1) / 2 + x,
    "isru": lambda x, p: x / mp.sqrt(1 + p["alpha"] * x**2),
    "isrlu": lambda x, p: x if x >= 0 else x / mp.sqrt(1 + p["alpha"] * x**2),
    # Wikipedia's SQNL table entry
    "sqnl": lambda x, p: (
        mp.mpf(1) if x > 2 else x - x**2 / 4 if x >= 0 else x + x**2 / 4 if x >= -2 else mp.mpf(-1)
    ),
    "exponential": lambda x, p: mp.exp(x),
    "squareplus": lambda x, p: (x + mp.sqrt(x**2 + p["b"])) / 2,
    # keras.activations.sparse_plus
    "sparse_plus": lambda x, p: mp.mpf(0) if x <= -1 else ((x + 1) ** 2 / 4 if x < 1 else x),
    "lisht": lambda x, p: x * mp.tanh(x),
    "snake": lambda x, p: x + mp.sin(p["a"] * x) ** 2 / p["a"],
}

# f(0) as a mathematician writes it (mpmath expressions evaluated at DPS)
VALUE_AT_0 = {
    "step": 0, "identity": 0, "sigmoid": 0.5, "tanh": 0, "lecun_tanh": 0, "relu": 0, "leaky_relu": 0,
    "prelu": 0, "elu": 0, "selu": 0, "celu": 0, "relu6": 0, "softplus": lambda: mp.log(2), "softsign": 0,
    "silu": 0, "swish": 0, "normal_cdf": 0.5, "normal_pdf": lambda: 1 / mp.sqrt(2 * mp.pi), "gelu": 0,
    "gelu_tanh": 0, "quick_gelu": 0, "mish": 0, "log_sigmoid": lambda: -mp.log(2), "hard_sigmoid": 0.5,
    "hard_sigmoid_keras2": 0.5, "hard_swish": 0, "hardtanh": 0, "tanhshrink": 0, "softshrink": 0,
    "hardshrink": 0, "threshold": 0, "gaussian": 1, "arctan": 0, "sin": 0, "sinc": 1, "bent_identity": 0,
    "isru": 0, "isrlu": 0, "sqnl": 0, "exponential": 1, "squareplus": 1, "sparse_plus": 0.25, "lisht": 0,
    "snake": 0,
}

# f'(0) where 0 is not a kink (a number), else None; by hand from the formulas
DERIVATIVE_AT_0 = {
    "identity": 1, "sigmoid": 0.25, "tanh": 1, "lecun_tanh": lambda: mp.mpf("1.7159") * 2 / 3,
    "softplus": 0.5, "softsign": 1, "silu": 0.5, "swish": 0.5, "normal_cdf": lambda: 1 / mp.sqrt(2 * mp.pi),
    "normal_pdf": 0, "gelu": 0.5, "gelu_tanh": 0.5, "quick_gelu": 0.5, "mish": lambda: mp.tanh(mp.log(2)),
    "log_sigmoid": 0.5, "hard_sigmoid": lambda: mp.mpf(1) / 6, "hard_sigmoid_keras2": "0.2",
    "hard_swish": 0.5, "hardtanh": 1, "tanhshrink": 0, "gaussian": 0, "arctan": 1, "sin": 1, "sinc": 0,
    "bent_identity": 1, "isru": 1, "isrlu": 1, "sqnl": 1, "exponential": 1, "squareplus": 0.5,
    "sparse_plus": 0.5, "lisht": 0, "snake": 1, "elu": 1, "celu": 1, "softshrink": 0, "hardshrink": 0,
    "threshold": 0,
}

_SELU_ALPHA = "1.6732632423543772848170429916717"
_SELU_SCALE = "1.0507009873554804934193349852946"


def _selu_left():
    return mp.mpf(_SELU_SCALE) * mp.mpf(_SELU_ALPHA)


def _frac(a, b):
    return lambda: mp.mpf(a) / b


# (name, at) -> (left limit of f', right limit of f', PyTorch's backward value or None if undefined);
# numbers as text or functions, so that mpf() makes them at the working precision
# PyTorch values transcribed from ATen's CPU kernels: threshold_backward (x <= 0 -> 0),
# leaky_relu_backward (x > 0 ? 1 : slope), elu_backward (x <= 0 -> exp branch), hardtanh_backward
# (0 where x <= min or x >= max), hardsigmoid_backward (1/6 only where -3 < x < 3), hardswish_backward
# (scalar: 0 if x < -3, x/3 + 1/2 if x <= 3, else 1), shrink_backward (0 where -l <= x <= l).
AT_BREAKPOINTS = {
    ("step", 0): (0, 0, None),
    ("relu", 0): (0, 1, 0),
    ("leaky_relu", 0): ("0.01", 1, "0.01"),
    ("prelu", 0): ("0.25", 1, "0.25"),
    ("elu", 0): (1, 1, 1),
    ("selu", 0): (_selu_left, _SELU_SCALE, _selu_left),
    ("celu", 0): (1, 1, 1),
    ("relu6", 0): (0, 1, 0),
    ("relu6", 6): (1, 0, 0),
    ("softsign", 0): (1, 1, 1),
    ("hard_sigmoid", -3): (0, _frac(1, 6), 0),
    ("hard_sigmoid", 3): (_frac(1, 6), 0, 0),
    # TensorFlow's ClipByValue gradient passes where 0 <= 0.2x + 0.5 <= 1 (inclusive)
    ("hard_sigmoid_keras2", -2.5): (0, "0.2", "0.2"),
    ("hard_sigmoid_keras2", 2.5): ("0.2", 0, "0.2"),
    ("hard_swish", -3): (0, _frac(-1, 2), _frac(-1, 2)),
    ("hard_swish", 3): (_frac(3, 2), 1, _frac(3, 2)),
    ("hardtanh", -1): (0, 1, 0),
    ("hardtanh", 1): (1, 0, 0),
    ("softshrink", -0.5): (1, 0, 0),
    ("softshrink", 0.5): (0, 1, 0),
    ("hardshrink", -0.5): (1, 0, 0),
    ("hardshrink", 0.5): (0, 1, 0),
    ("threshold", 1): (0, 1, 0),
    ("sinc", 0): (0, 0, 0),
    ("isrlu", 0): (1, 1, 1),
    ("sqnl", -2): (0, 0, 0),
    ("sqnl", 0): (1, 1, 1),
    ("sqnl", 2): (0, 0, 0),
    ("sparse_plus", -1): (0, 0, 0),
    ("sparse_plus", 1): (1, 1, 1),
}


def mpf(value) -> mp.mpf:
    with mp.workdps(DPS):
        return value() if callable(value) else mp.mpf(value)


def one_sided_derivative(f, at, side: int) -> mp.mpf:
    """lim f'(x) as x → at from the left (side = -1) or right (+1), by a one-sided difference taken
    entirely inside that piece (valid for jumps too, where f(at) belongs to the other piece)."""
    with mp.workdps(60):
        start = mp.mpf(at) + side * mp.mpf("1e-30")
        return mp.diff(f, start, direction=side, h=mp.mpf("1e-22"))


def derivative(f, x) -> mp.mpf:
    with mp.workdps(DPS):
        return mp.diff(f, mp.mpf(x))
