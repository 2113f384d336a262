"""The fused softmax cross-entropy: the one loss worth its own node.

Training a classifier spends most of its backward in this loss; fused, its
gradient is the famous ``softmax(x) - onehot(target)``, one subtraction instead
of the chain rule through log, softmax and an index.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError, ShapeError
from ..op import Op, dispatch, register
from .softmax import _log_softmax, softmax

REDUCTIONS = ("mean", "sum", "none")


def check_class_targets(fn: str, target: Any, scores_shape: tuple[int, ...]) -> np.ndarray:
    """Check integer class indices ``(N,)`` against scores ``(N, C)``; return them
    as an ndarray.

    The one place class targets are validated: the fused op calls it (so
    ``F.cross_entropy`` does not check them again), and so does ``F.nll_loss``.
    ``fn`` names the function in the messages.
    """
    target = np.asarray(target)
    n, c = scores_shape
    if target.dtype.kind not in "iu":
        raise OpError(
            f"{fn}: class-index targets must be integers, got dtype {target.dtype} "
            f"with shape {target.shape}"
        )
    if target.shape != (n,):
        raise ShapeError(
            f"{fn}: target of shape {target.shape} does not fit input of shape "
            f"{scores_shape}; class indices must have shape ({n},)"
        )
    # Viewed as unsigned, a negative index becomes huge, so one max() checks
    # both ends of the range (half the cost of min() and max()).
    unsigned = target.view(f"u{target.itemsize}") if target.dtype.kind == "i" else target
    if n and unsigned.max() >= c:
        i = int(np.flatnonzero((target < 0) | (target >= c))[0])
        raise OpError(
            f"{fn}: target[{i}] = {int(target[i])} is out of range for input of shape "
            f"{scores_shape} (classes 0..{c - 1})"
        )
    return target


def _cross_entropy(x: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    losses = -_log_softmax(x, axis=1)[np.arange(len(x)), target]
    if reduction == "mean":
        return np.asarray(losses.mean())
    if reduction == "sum":
        return np.asarray(losses.sum())
    return losses


@register("cross_entropy", _cross_entropy)
class SoftmaxCrossEntropy(Op):
    """Cross-entropy of logits ``(N, C)`` against integer classes ``(N,)``:
    ``-log softmax(x)[i, target[i]]``, reduced by ``mean``, ``sum`` or ``none``.

    Derivative: d/dx = (softmax(x) - onehot(target)) · g, divided by N for mean
    """

    name = "softmax_cross_entropy"

    def forward(self, x, target, reduction="mean"):
        # The checks of F.cross_entropy's class-index path live here, once.
        if x.ndim != 2:
            raise ShapeError(f"cross_entropy: input must have shape (N, C), got {x.shape}")
        if reduction not in REDUCTIONS:
            raise OpError(
                f"cross_entropy: reduction must be one of {REDUCTIONS}, got {reduction!r}"
            )
        self.target = check_class_targets("cross_entropy", target, x.shape)
        self.reduction = reduction
        # One stable log-softmax pass; its exponentials, normalised, are the
        # softmax that backward needs, so first-order backward does no exp.
        self.rows = rows = np.arange(len(x))  # backward indexes the targets again
        shifted = x - x.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        total = probs.sum(axis=1, keepdims=True)
        losses = np.log(total[:, 0]) - shifted[rows, self.target]
        probs /= total
        self.probs = probs
        if reduction == "mean" and len(x):  # (sum / n: ndarray.mean's wrapper costs 4 µs)
            return np.asarray(losses.sum() / len(x))
        if reduction == "mean":
            return np.asarray(losses.mean())  # nan for an empty batch, as numpy
        if reduction == "sum":
            return np.asarray(losses.sum())
        return losses

    def backward(self, g, out, x):
        n = x.shape[0]
        rows = self.rows
        if self.reduction == "none":
            scale, row_scale = g.reshape(-1, 1), g
        else:
            scale = row_scale = g / n if self.reduction == "mean" else g
        if isinstance(x, np.ndarray):
            # First order: scale the saved softmax and subtract at the targets.
            d = self.probs * scale
            d[rows, self.target] -= row_scale
            return (d,)
        # create_graph: the softmax as an op, so this gradient is differentiable too.
        onehot = np.zeros(x.shape, dtype=x.dtype)
        onehot[rows, self.target] = 1
        return ((softmax(x, axis=1) - onehot) * scale,)


def softmax_cross_entropy(x: Any, target: Any, reduction: str = "mean") -> Any:
    return dispatch(SoftmaxCrossEntropy, x, target=target, reduction=reduction)
