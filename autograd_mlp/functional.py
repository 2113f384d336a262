"""Activations and losses as plain functions (``import autograd_mlp.functional as F``).

Every function takes Tensors or array-likes and returns a Tensor, recording a
graph when an input requires grad. The losses are built from registered ops, so
their gradients are exact and differentiable again (``create_graph=True``).

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

from typing import Any

import numpy as np

from . import ops
from .errors import ShapeError
from .ops.loss import check_class_targets
from .tensor import Tensor

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_reduction(fn: str, reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


# --------------------------------------------------------------------------- activations
def relu(x: Any) -> Tensor:
    """Elementwise ``max(x, 0)``.

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


def softmax(x: Any, axis: int = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (fused and stable).

    Examples
    --------
    >>> softmax([[0.0, 0.0]])
    tensor([[0.5, 0.5]])
    """
    return ops.softmax(_tensor(x), axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``axis`` (fused and stable).

    Examples
    --------
    >>> round(float(log_softmax([[0.0, 0.0]]).data[0, 0]), 4)
    -0.6931
    """
    return ops.log_softmax(_tensor(x), axis=axis)


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


# --------------------------------------------------------------------------- losses
def _check_scores(fn: str, x: Tensor) -> None:
    if x.ndim != 2:
        raise ShapeError(f"{fn}: input must have shape (N, C), got {x.shape}")


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy of ``logits`` ``(N, C)`` against ``target``.

    Parameters
    ----------
    logits : Tensor or array_like
        Unnormalised scores, shape ``(N, C)``.
    target : Tensor or array_like
        Integer class indices of shape ``(N,)`` (the fused, fast path), or class
        probabilities of shape ``(N, C)`` (e.g. one-hot or smoothed labels).
    reduction : {"mean", "sum", "none"}
        Average or sum the ``N`` per-sample losses, or return them.

    Returns
    -------
    Tensor
        A scalar, or shape ``(N,)`` for ``reduction="none"``.

    Examples
    --------
    >>> import numpy as np
    >>> round(cross_entropy(np.zeros((2, 4)), np.array([1, 3])).item(), 4)  # log(4)
    1.3863
    >>> round(cross_entropy(np.zeros((1, 2)), np.array([[0.5, 0.5]])).item(), 4)
    0.6931
    """
    logits = _tensor(logits)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.ndim == 1:
        # The fused op checks the logits, the targets and the reduction itself:
        # validated once, there, not here and again in the op.
        return ops.softmax_cross_entropy(logits, target=t, reduction=reduction)
    _check_reduction("cross_entropy", reduction)
    _check_scores("cross_entropy", logits)
    if t.ndim == 2 and t.shape == logits.shape and t.dtype.kind in "biuf":
        probs = target if isinstance(target, Tensor) else t
        return _reduce(-(probs * ops.log_softmax(logits, axis=1)).sum(axis=1), reduction)
    raise ShapeError(
        f"cross_entropy: target of shape {t.shape} (dtype {t.dtype}) does not fit logits of "
        f"shape {logits.shape}; pass class indices of shape ({logits.shape[0]},) or class "
        f"probabilities of shape {logits.shape}"
    )


def nll_loss(log_probs: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood ``-log_probs[i, target[i]]`` of integer classes.

    Use after :func:`log_softmax`; ``cross_entropy`` does both in one op.

    Examples
    --------
    >>> import numpy as np
    >>> round(nll_loss(np.log([[0.25, 0.75]]), np.array([1])).item(), 4)  # -log 0.75
    0.2877
    """
    _check_reduction("nll_loss", reduction)
    log_probs = _tensor(log_probs)
    _check_scores("nll_loss", log_probs)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    check_class_targets("nll_loss", t, log_probs.shape)
    picked = log_probs[np.arange(len(t)), t]
    return _reduce(-picked, reduction)


def _same_shape(fn: str, x: Tensor, target: Any) -> Any:
    t = target if isinstance(target, Tensor) else np.asarray(target)
    if t.shape != x.shape:
        raise ShapeError(f"{fn}: target of shape {t.shape} does not match input of shape {x.shape}")
    return t


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Squared error ``(input - target)**2``, averaged over all elements by default.

    ``input`` and ``target`` must have the same shape (no silent broadcasting).

    Examples
    --------
    >>> mse_loss([1.0, 2.0], [1.0, 4.0]).item()
    2.0
    """
    _check_reduction("mse_loss", reduction)
    x = _tensor(input)
    diff = x - _same_shape("mse_loss", x, target)
    return _reduce(diff * diff, reduction)


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of ``sigmoid(logits)`` against probabilities ``target``.

    Computed as ``max(x, 0) - x·t + log(1 + exp(-|x|))``, which never overflows,
    so the loss and its gradient stay finite even at ``x = ±1e4``.

    Examples
    --------
    >>> round(binary_cross_entropy_with_logits([0.0], [1.0]).item(), 4)  # log 2
    0.6931
    >>> binary_cross_entropy_with_logits([1e4], [0.0]).item()
    10000.0
    """
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    x = _tensor(logits)
    t = _same_shape("binary_cross_entropy_with_logits", x, target)
    # max(x, 0) and |x| are written as x times a constant sign mask: each branch is
    # then an analytic expression for softplus(x), so the gradient at x = 0 is the
    # true sigmoid(0) - t, where relu and abs would both pick the subgradient 0.
    positive = (x.data >= 0).astype(x.dtype)
    sign = 1 - 2 * positive  # -1 where x >= 0, else +1
    softplus_rest = ops.log(1 + ops.exp(x * sign))  # log(1 + exp(-|x|)), in (0, log 2]
    return _reduce(x * (positive - t) + softplus_rest, reduction)
