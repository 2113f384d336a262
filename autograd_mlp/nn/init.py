"""Weight initialisation, in place, with a seedable random generator.

Every function fills ``tensor.data`` in place (bumping its version counter, as
any in-place write does) and returns the tensor. Random draws come from ``rng``
when given, otherwise from the package's generator
(:func:`autograd_mlp.random.default_generator`), which ``ag.manual_seed`` — here
also :func:`manual_seed` — reseeds; layers draw their default weights from it too, so

>>> from autograd_mlp import nn
>>> nn.init.manual_seed(0); a = nn.Linear(3, 2).weight.data.copy()
>>> nn.init.manual_seed(0); b = nn.Linear(3, 2).weight.data.copy()
>>> bool((a == b).all())
True

Gains follow PyTorch's ``calculate_gain``: linear and sigmoid 1, tanh 5/3,
relu √2, leaky_relu √(2 / (1 + a²)).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import random as _random
from ..tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "get_rng",
    "kaiming_normal_",
    "kaiming_uniform_",
    "manual_seed",
    "normal_",
    "ones_",
    "orthogonal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

manual_seed = _random.manual_seed
"""Alias of ``ag.manual_seed``: reseed the package's generator."""


def get_rng() -> np.random.Generator:
    """The package's current generator (the one ``ag.manual_seed`` last set).

    Examples
    --------
    >>> manual_seed(42)
    >>> a = get_rng().random()
    >>> manual_seed(42)
    >>> a == get_rng().random()
    True
    """
    return _random.default_generator()


def _data(fn: str, tensor: Any) -> np.ndarray:
    data = tensor.data if isinstance(tensor, Tensor) else tensor
    if not isinstance(data, np.ndarray) or data.dtype.kind != "f":
        raise TypeError(f"{fn}: expected a floating-point Tensor or ndarray, got {tensor!r}")
    return data


def _fill(fn: str, tensor: Any, values: Any) -> Any:
    """``tensor``'s data set to ``values``, or to ``values(shape)`` if callable."""
    data = _data(fn, tensor)
    data[...] = values(data.shape) if callable(values) else values
    if isinstance(tensor, Tensor):
        tensor._version += 1
    return tensor


def _fans(fn: str, shape: tuple[int, ...]) -> tuple[int, int]:
    """Fan-in and fan-out of a weight ``(out, in, *receptive_field)``."""
    if len(shape) < 2:
        raise ValueError(
            f"{fn}: fan in and fan out need a tensor with at least 2 dimensions, got shape {shape}"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's values).

    Examples
    --------
    >>> round(calculate_gain("relu"), 4), round(calculate_gain("tanh"), 4)
    (1.4142, 1.6667)
    """
    linear_like = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d")
    if nonlinearity in linear_like or nonlinearity.startswith("conv_transpose"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 0.75
    raise ValueError(
        f"calculate_gain: unknown nonlinearity {nonlinearity!r}; expected one of "
        "'linear', 'identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'"
    )


def _generator(rng: np.random.Generator | None) -> np.random.Generator:
    return _random.default_generator() if rng is None else rng


def uniform_(
    tensor: Any, a: float = 0.0, b: float = 1.0, rng: np.random.Generator | None = None
) -> Any:
    """Fill with draws from ``U(a, b)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> t = uniform_(ag.Tensor(np.zeros(3)), -1, 1, rng=np.random.default_rng(0))
    >>> bool((abs(t.data) <= 1).all())
    True
    """
    return _fill("uniform_", tensor, lambda shape: _generator(rng).uniform(a, b, size=shape))


def normal_(
    tensor: Any, mean: float = 0.0, std: float = 1.0, rng: np.random.Generator | None = None
) -> Any:
    """Fill with draws from ``N(mean, std²)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> normal_(ag.Tensor(np.zeros((2, 2))), rng=np.random.default_rng(0)).shape
    (2, 2)
    """
    return _fill("normal_", tensor, lambda shape: _generator(rng).normal(mean, std, size=shape))


def zeros_(tensor: Any) -> Any:
    """Fill with zeros.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> zeros_(ag.Tensor([1.0, 2.0]))
    tensor([0., 0.])
    """
    return _fill("zeros_", tensor, 0.0)


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> constant_(ag.Tensor([0.0, 0.0]), 0.5)
    tensor([0.5, 0.5])
    """
    return _fill("constant_", tensor, val)


def orthogonal_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None) -> Any:
    """Fill with a (semi-)orthogonal matrix times ``gain`` (Saxe et al., PyTorch's recipe).

    The tensor is viewed as ``(shape[0], rest)``; the QR decomposition of a
    Gaussian matrix, with the signs of R's diagonal folded in, gives rows (or
    columns, whichever are fewer) that are orthonormal.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = orthogonal_(ag.Tensor(np.zeros((3, 5))), rng=np.random.default_rng(0)).data
    >>> bool(np.allclose(w @ w.T, np.eye(3), atol=1e-6))
    True
    """
    data = _data("orthogonal_", tensor)
    if data.ndim < 2:
        raise ValueError(
            f"orthogonal_: only tensors with 2 or more dimensions are supported, got shape "
            f"{data.shape}"
        )
    rows = data.shape[0]
    cols = data.size // rows if rows else 0

    def values(shape: tuple[int, ...]) -> np.ndarray:
        flat = _generator(rng).normal(0.0, 1.0, size=(rows, cols))
        if rows < cols:
            flat = flat.T
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return gain * q.reshape(shape)

    return _fill("orthogonal_", tensor, values)


def ones_(tensor: Any) -> Any:
    """Fill with ones.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ones_(ag.Tensor([0.0]))
    tensor([1.])
    """
    return _fill("ones_", tensor, 1.0)


# A uniform U(-b, b) has standard deviation b/√3, so each *_uniform_ initialiser
# below is its *_normal_ twin's std times √3: one formula per scheme.
def _xavier_std(fn: str, tensor: Any, gain: float) -> float:
    fan_in, fan_out = _fans(fn, _data(fn, tensor).shape)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None) -> Any:
    """Glorot uniform: ``U(-b, b)`` with ``b = gain·√(6 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = xavier_uniform_(ag.Tensor(np.zeros((4, 2))), rng=np.random.default_rng(0))
    >>> bool((abs(w.data) <= 1).all())   # b = √(6/6) = 1
    True
    """
    bound = math.sqrt(3.0) * _xavier_std("xavier_uniform_", tensor, gain)
    return uniform_(tensor, -bound, bound, rng=rng)


def xavier_normal_(tensor: Any, gain: float = 1.0, rng: np.random.Generator | None = None) -> Any:
    """Glorot normal: ``N(0, s²)`` with ``s = gain·√(2 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> xavier_normal_(ag.Tensor(np.zeros((4, 2))), rng=np.random.default_rng(0)).shape
    (4, 2)
    """
    return normal_(tensor, 0.0, _xavier_std("xavier_normal_", tensor, gain), rng=rng)


def _kaiming_std(fn: str, tensor: Any, a: float, mode: str, nonlinearity: str) -> float:
    fan_in, fan_out = _fans(fn, _data(fn, tensor).shape)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{fn}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Any,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None,
) -> Any:
    """He uniform: ``U(-b, b)`` with ``b = gain·√(3 / fan)``.

    ``a`` is the negative slope of ``nonlinearity="leaky_relu"``, the default as
    in PyTorch (at ``a=0`` its gain is ReLU's, √2).
    ``nn.Linear``'s default init is this with ``a=√5, nonlinearity="leaky_relu"``,
    i.e. ``U(-1/√fan_in, 1/√fan_in)``, as in PyTorch.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = kaiming_uniform_(ag.Tensor(np.zeros((3, 6))), rng=np.random.default_rng(0))
    >>> bool((abs(w.data) <= 1).all())   # b = √2·√(3/6) = 1
    True
    """
    bound = math.sqrt(3.0) * _kaiming_std("kaiming_uniform_", tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, rng=rng)


def kaiming_normal_(
    tensor: Any,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | None = None,
) -> Any:
    """He normal: ``N(0, s²)`` with ``s = gain / √fan``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> kaiming_normal_(ag.Tensor(np.zeros((3, 6))), rng=np.random.default_rng(0)).shape
    (3, 6)
    """
    std = _kaiming_std("kaiming_normal_", tensor, a, mode, nonlinearity)
    return normal_(tensor, 0.0, std, rng=rng)
