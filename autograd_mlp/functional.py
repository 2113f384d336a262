"""Activations and losses as plain functions (``import autograd_mlp.functional as F``).

Every function takes Tensors or array-likes and returns a Tensor, recording a
graph when an input requires grad. Almost all are compositions of registered
ops, so their gradients are exact and differentiable again (``create_graph=True``)
with no gradient rule of their own; piecewise functions multiply by constant
masks computed from the input, which puts each kink where PyTorch puts it. Only
``softplus``/``log_sigmoid``/``mish`` (op ``log1pexp``), the exact ``gelu`` (op
``normal_cdf``) and the fused cross-entropy need primitives of their own, for
stability or speed. The losses live in :mod:`autograd_mlp.losses` and are
re-exported here.

Every function that takes ``axis`` also takes PyTorch's ``dim`` (not both).

Examples
--------
>>> import numpy as np
>>> import autograd_mlp as ag
>>> import autograd_mlp.functional as F
>>> logits = ag.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
>>> loss = F.cross_entropy(logits, np.array([0]))
>>> round(loss.item(), 4)
0.2413
>>> loss.backward()
>>> logits.grad.shape
(1, 3)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops
from . import random as _random
from .losses import ArgumentError as ArgumentError  # re-exported: F.ArgumentError
from .losses import (
    _tensor,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    one_hot,
    smooth_l1_loss,
)
from .ops._axes import pick
from .tensor import Tensor

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "cross_entropy",
    "dropout",
    "elu",
    "gelu",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softsign",
    "tanh",
]

# SELU's constants (Klambauer et al. 2017), to the digits PyTorch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_GELU_TANH_C = math.sqrt(2.0 / math.pi)


def _axis(fn: str, axis: Any, dim: Any, default: Any) -> Any:
    """Resolve PyTorch's ``dim=`` alias of ``axis=`` (both given: the ops' TypeError)."""
    axis = pick(fn, "axis", axis, "dim", dim)
    return default if axis is None else axis


def _mask(condition: np.ndarray, x: Tensor) -> np.ndarray:
    """A constant 0/1 array in ``x``'s dtype (the branch of a piecewise function)."""
    return condition.astype(x.dtype if x.dtype.kind == "f" else np.float32)


# --------------------------------------------------------------------------- basics
def relu(x: Any) -> Tensor:
    """Elementwise ``max(x, 0)`` (gradient 0 at 0, as PyTorch).

    Examples
    --------
    >>> relu([-1.0, 2.0])
    tensor([0., 2.])
    """
    return ops.relu(_tensor(x))


def sigmoid(x: Any) -> Tensor:
    """Elementwise logistic function ``1 / (1 + exp(-x))``, without overflow.

    Examples
    --------
    >>> sigmoid([0.0])
    tensor([0.5])
    """
    return ops.sigmoid(_tensor(x))


def tanh(x: Any) -> Tensor:
    """Elementwise hyperbolic tangent.

    Examples
    --------
    >>> tanh([0.0])
    tensor([0.])
    """
    return ops.tanh(_tensor(x))


def softmax(x: Any, axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (default -1; fused and stable).

    Examples
    --------
    >>> softmax([[0.0, 0.0]])
    tensor([[0.5, 0.5]])
    >>> softmax([[0.0], [0.0]], dim=0)
    tensor([[0.5],
            [0.5]])
    """
    return ops.softmax(_tensor(x), axis=_axis("softmax", axis, dim, -1))


def log_softmax(x: Any, axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """``x - logsumexp(x)`` along ``axis`` (default -1; fused and stable).

    Examples
    --------
    >>> round(float(log_softmax([[0.0, 0.0]]).data[0, 0]), 4)
    -0.6931
    """
    return ops.log_softmax(_tensor(x), axis=_axis("log_softmax", axis, dim, -1))


def softmin(x: Any, axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """``softmax(-x)`` along ``axis`` (default -1): weights favouring small values.

    Examples
    --------
    >>> softmin([[0.0, 0.0]], dim=1)
    tensor([[0.5, 0.5]])
    """
    return ops.softmax(-_tensor(x), axis=_axis("softmin", axis, dim, -1))


def linear(x: Any, weight: Any, bias: Any = None) -> Tensor:
    """Affine map ``x @ weight.T + bias`` with ``weight`` of shape ``(out, in)``.

    One fused graph node (see :class:`autograd_mlp.ops.Linear`).

    Examples
    --------
    >>> import numpy as np
    >>> linear(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4)).shape
    (2, 4)
    """
    x, weight = _tensor(x), _tensor(weight)
    if bias is None:
        return ops.linear(x, weight)
    return ops.linear(x, weight, _tensor(bias))


# --------------------------------------------------------------------------- piecewise linear
def leaky_relu(x: Any, negative_slope: float = 0.01) -> Tensor:
    """``x`` where ``x > 0``, else ``negative_slope · x``.

    The gradient at 0 is ``negative_slope``, as PyTorch's.

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0], negative_slope=0.5)
    tensor([-1.,  0.,  3.])
    """
    x = _tensor(x)
    return x * _mask(np.where(x.data > 0, 1.0, negative_slope), x)


def hardtanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``x`` clamped to ``[min_val, max_val]``; gradient 0 at and beyond the bounds
    (PyTorch's convention, unlike ``clip``, whose bounds are inside).

    Examples
    --------
    >>> hardtanh([-2.0, 0.5, 2.0])
    tensor([-1. ,  0.5,  1. ])
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val={min_val} is greater than max_val={max_val}")
    x = _tensor(x)
    below, above = x.data <= min_val, x.data >= max_val
    inside = _mask(~(below | above), x)
    return x * inside + _mask(below, x) * min_val + _mask(above, x) * max_val


def relu6(x: Any) -> Tensor:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)`` (gradient 0 at 0 and 6).

    Examples
    --------
    >>> relu6([-1.0, 3.0, 8.0])
    tensor([0., 3., 6.])
    """
    return hardtanh(x, 0.0, 6.0)


def hardsigmoid(x: Any) -> Tensor:
    """``x/6 + 1/2`` on ``(-3, 3)``, 0 below, 1 above (gradient 0 at ±3).

    Examples
    --------
    >>> hardsigmoid([-4.0, 0.0, 4.0])
    tensor([0. , 0.5, 1. ])
    """
    x = _tensor(x)
    above = x.data >= 3
    inside = _mask((x.data > -3) & ~above, x)
    return x * (inside / 6) + (inside * 0.5 + _mask(above, x))


def hardswish(x: Any) -> Tensor:
    """``x · hardsigmoid(x)``: 0 below -3, ``x`` above 3, ``x(x+3)/6`` between.

    The gradients at -3 and 3 are 0 and 1, as PyTorch's.

    Examples
    --------
    >>> hardswish([-4.0, 0.0, 4.0])
    tensor([-0.,  0.,  4.])
    """
    x = _tensor(x)
    return x * hardsigmoid(x)


# --------------------------------------------------------------------------- exponential family
def _elu(x: Tensor, alpha: float, input_scale: float) -> Tensor:
    positive = _mask(x.data > 0, x)
    negative = 1 - positive
    # exp only sees the non-positive part: no overflow for large positive x.
    return x * positive + (ops.exp(x * (negative * input_scale)) - 1) * (negative * alpha)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha · (exp(x) - 1)`` (gradient ``alpha`` at 0).

    Examples
    --------
    >>> elu([-1.0, 2.0]).numpy().astype(float).round(4).tolist()
    [-0.6321, 2.0]
    """
    return _elu(_tensor(x), alpha, 1.0)


def selu(x: Any) -> Tensor:
    """``scale · elu(x, alpha)`` with the self-normalising constants
    :data:`SELU_SCALE` and :data:`SELU_ALPHA`.

    Examples
    --------
    >>> selu([0.0, 1.0]).numpy().astype(float).round(4).tolist()
    [0.0, 1.0507]
    """
    return _elu(_tensor(x), SELU_ALPHA, 1.0) * SELU_SCALE


def celu(x: Any, alpha: float = 1.0) -> Tensor:
    """``max(0, x) + min(0, alpha · (exp(x / alpha) - 1))`` (gradient 1 at 0).

    Examples
    --------
    >>> celu([-1.0, 2.0], alpha=2.0).numpy().astype(float).round(4).tolist()
    [-0.7869, 2.0]
    """
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0")
    return _elu(_tensor(x), alpha, 1.0 / alpha)


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta · x)) / beta``, stable; ``x`` where ``beta · x > threshold``.

    One primitive op (``log1pexp``): composed of exp and log it would overflow.

    Examples
    --------
    >>> softplus([0.0, 1000.0]).numpy().astype(float).round(4).tolist()
    [0.6931, 1000.0]
    """
    return ops.log1pexp(_tensor(x), beta=beta, threshold=threshold)


def log_sigmoid(x: Any) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, finite for every ``x``.

    Examples
    --------
    >>> log_sigmoid([0.0, -1000.0]).numpy().astype(float).round(4).tolist()
    [-0.6931, -1000.0]
    """
    return -ops.log1pexp(-_tensor(x), beta=1.0, threshold=None)


def silu(x: Any) -> Tensor:
    """``x · sigmoid(x)`` (also called swish).

    Examples
    --------
    >>> silu([0.0, 1.0]).numpy().astype(float).round(4).tolist()
    [0.0, 0.7311]
    """
    x = _tensor(x)
    return x * ops.sigmoid(x)


def mish(x: Any) -> Tensor:
    """``x · tanh(softplus(x))``.

    Examples
    --------
    >>> mish([0.0, 1.0]).numpy().astype(float).round(4).tolist()
    [0.0, 0.8651]
    """
    x = _tensor(x)
    return x * ops.tanh(ops.log1pexp(x, beta=1.0, threshold=None))


def gelu(x: Any, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``x · Φ(x)``, Φ the standard normal CDF.

    Parameters
    ----------
    approximate : {"none", "tanh"}
        ``"none"``: exact, through the ``normal_cdf`` op (accurate in both tails);
        ``"tanh"``: ``x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))``.

    Examples
    --------
    >>> gelu([-1.0, 0.0, 1.0]).numpy().astype(float).round(4).tolist()
    [-0.1587, 0.0, 0.8413]
    >>> gelu([1.0], approximate="tanh").numpy().astype(float).round(4).tolist()
    [0.8412]
    """
    x = _tensor(x)
    if approximate == "none":
        return x * ops.normal_cdf(x)
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * _GELU_TANH_C
        return x * 0.5 * (ops.tanh(inner) + 1)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``.

    Examples
    --------
    >>> softsign([-1.0, 3.0])
    tensor([-0.5 ,  0.75])
    """
    x = _tensor(x)
    return x / (ops.abs(x) + 1)


# --------------------------------------------------------------------------- normalize, dropout
def normalize(
    x: Any, p: float = 2.0, axis: int | None = None, eps: float = 1e-12, *, dim: int | None = None
) -> Tensor:
    """``x / max(‖x‖_p, eps)``, the norm taken along ``axis`` (default 1).

    Where the norm is below ``eps`` the divisor is the constant ``eps``, so an
    all-zero row stays zero with gradient ``1/eps``, as PyTorch's.

    Examples
    --------
    >>> normalize([[3.0, 4.0]])
    tensor([[0.6, 0.8]])
    >>> normalize([[3.0, 4.0]], p=1, dim=1).numpy().astype(float).round(4).tolist()
    [[0.4286, 0.5714]]
    """
    axis = _axis("normalize", axis, dim, 1)
    if not p > 0:
        raise ValueError(f"normalize: p must be positive (or inf), got {p}")
    x = _tensor(x)
    if p == math.inf:
        norm = ops.abs(x).max(axis=axis, keepdims=True)
        keep = _mask(norm.data >= eps, x)
    else:
        if p == 2:
            powered = x * x
        else:
            # |x|^p with a zero slope at x = 0 (for p < 1 the true slope is
            # infinite there, and 0 · inf would be nan): 1^p - 1 = 0 at those points.
            zero = _mask(x.data == 0, x)
            powered = (ops.abs(x) + zero) ** p - zero
        total = powered.sum(axis=axis, keepdims=True)
        keep = _mask(total.data ** (1.0 / p) >= eps, x)
        # Below eps the norm is replaced by a constant; adding 1 there keeps the
        # root away from 0, whose derivative is infinite (0 · inf would be nan).
        norm = (total + (1 - keep)) ** (1.0 / p)
    return x / (norm * keep + (1 - keep) * eps)


def dropout(x: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)``
    (inverted dropout), drawing from :func:`autograd_mlp.random.default_generator`.

    With ``training=False`` or ``p=0`` the input is returned unchanged; ``p=1``
    gives zeros.

    Examples
    --------
    >>> dropout([1.0] * 4, p=0.0)
    tensor([1., 1., 1., 1.])
    >>> float(dropout([1.0] * 1000, p=0.5).data.max())
    2.0
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p has to be between 0 and 1, got {p}")
    x = _tensor(x)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * _mask(np.zeros(x.shape, dtype=bool), x)
    kept = _random.default_generator().random(x.shape) >= p
    return x * (_mask(kept, x) / (1.0 - p))
