"""The fused softmax cross-entropy: the one loss worth its own node.

Training a classifier spends most of its backward in this loss; fused, its
gradient is the famous ``softmax(x) - onehot(target)``, one subtraction instead
of the chain rule through log, softmax and an index. ``binary_cross_entropy``
of probabilities has a node of its own too, for PyTorch's clamped logs and its
bounded gradient at p = 0 and 1. Every other loss of
:mod:`autograd_mlp.functional` is a composition of registered ops.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError, OpIndexError, OpTypeError, ShapeError
from ..op import Op, dispatch, register
from .elementwise import clip, log
from .softmax import _log_softmax, softmax

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(fn: str, reduction: str, allowed: tuple[str, ...] = REDUCTIONS) -> None:
    """Raise :class:`OpError` unless ``reduction`` is one of ``allowed`` (every loss uses it)."""
    if reduction not in allowed:
        raise OpError(f"{fn}: reduction must be one of {allowed}, got {reduction!r}")


class TargetIndexError(OpIndexError):
    """A class index is outside ``0..C-1`` (and is not ``ignore_index``).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> import autograd_mlp.functional as F
    >>> try:
    ...     F.cross_entropy(ag.zeros(2, 3), ag.tensor([0, 5]))
    ... except IndexError as e:
    ...     print(type(e).__name__, isinstance(e, ag.OpError))
    TargetIndexError True
    """


class TargetTypeError(OpTypeError):
    """A target of the wrong dtype: float class indices, integer probabilities.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> import autograd_mlp.functional as F
    >>> try:
    ...     F.cross_entropy(ag.zeros(2, 3), ag.tensor([0.0, 1.0]))
    ... except TypeError as e:
    ...     print(type(e).__name__, isinstance(e, ag.OpError))
    TargetTypeError True
    """


def _native(target: np.ndarray) -> np.ndarray:
    # Views and comparisons below read raw bytes: '>i2' must become '<i2' first.
    return target if target.dtype.isnative else target.astype(target.dtype.newbyteorder("="))


def _out_of_range(
    fn: str, target: np.ndarray, bad: np.ndarray, shape: tuple[int, ...], ignore_index: int
) -> TargetIndexError:
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    c = shape[1]
    return TargetIndexError(
        f"{fn}: target[{', '.join(map(str, where))}] = {int(target[where])} is out of range "
        f"for input of shape {shape} (classes 0..{c - 1}, or ignore_index={ignore_index})"
    )


def check_class_targets(
    fn: str, target: Any, scores_shape: tuple[int, ...], ignore_index: int = -100
) -> tuple[np.ndarray, np.ndarray | None]:
    """Check integer class indices ``(N, d1, ...)`` against scores ``(N, C, d1, ...)``.

    Returns the targets (native byte order, ignored entries replaced by class 0 so
    they index safely) and a boolean ``keep`` mask, or ``None`` when no entry
    equals ``ignore_index``. The one place class targets are validated: the fused
    op calls it, so does ``F.nll_loss``; ``fn`` names the function in messages.

    Examples
    --------
    >>> import numpy as np
    >>> t, keep = check_class_targets("f", np.array([2, -100], dtype=">i2"), (2, 3))
    >>> t.tolist(), keep.tolist()
    ([2, 0], [True, False])
    """
    target = np.asarray(target)
    kind = target.dtype.kind
    if kind not in "iu":
        raise TargetTypeError(
            f"{fn}: class-index targets must be integers, got dtype {target.dtype} "
            f"with shape {target.shape}"
        )
    # (N, C) is the hot path: no tuple slicing for it
    n, c = scores_shape[0], scores_shape[1]
    if target.shape != ((n,) if len(scores_shape) == 2 else (n, *scores_shape[2:])):
        raise ShapeError(
            f"{fn}: target of shape {target.shape} does not fit input of shape "
            f"{scores_shape}; class indices must have shape {(n, *scores_shape[2:])}"
        )
    if not target.dtype.isnative:
        target = _native(target)
    # Viewed as unsigned, a negative index becomes huge, so one max() checks
    # both ends of the range: the common, valid batch pays for one pass only.
    unsigned = target.view(f"u{target.itemsize}") if kind == "i" else target
    if target.size == 0 or unsigned.max() < c:
        if not 0 <= ignore_index < c:
            return target, None
        # ignore_index names a real class: only then do valid targets need a mask.
        ignored = target == ignore_index
        return (np.where(ignored, 0, target), ~ignored) if ignored.any() else (target, None)
    ignored = target == ignore_index
    bad = ~ignored & ((target < 0) | (target >= c))
    if bad.any():
        raise _out_of_range(fn, target, bad, scores_shape, ignore_index)
    return np.where(ignored, 0, target), ~ignored


def _cross_entropy(
    x: np.ndarray, target: np.ndarray, reduction: str = "mean", ignore_index: int = -100
) -> np.ndarray:
    target = _native(np.asarray(target))
    keep = target != ignore_index
    safe = np.where(keep, target, 0)
    losses = -_log_softmax(x, axis=1)[np.arange(len(x)), safe] * keep
    if reduction == "mean":
        return np.asarray(losses.sum() / keep.sum(dtype=x.dtype))
    if reduction == "sum":
        return np.asarray(losses.sum())
    return losses


@register("cross_entropy", _cross_entropy)
class SoftmaxCrossEntropy(Op):
    """Cross-entropy of logits ``(N, C)`` against integer classes ``(N,)``:
    ``-log softmax(x)[i, target[i]]``, reduced by ``mean`` (over the samples not
    equal to ``ignore_index``), ``sum`` or ``none`` (0 at ignored samples).

    Derivative: d/dx = (softmax(x) - onehot(target)) · g, over the kept samples for mean
    """

    name = "softmax_cross_entropy"

    def forward(self, x, target, reduction="mean", ignore_index=-100):
        # The checks of F.cross_entropy's class-index path live here, once.
        if x.ndim != 2:
            raise ShapeError(f"cross_entropy: input must have shape (N, C), got {x.shape}")
        check_reduction("cross_entropy", reduction)
        target, keep = check_class_targets("cross_entropy", target, x.shape, ignore_index)
        # One stable log-softmax pass; its exponentials, normalised, are the
        # softmax that backward needs, so first-order backward does no exp.
        rows = np.arange(len(x))  # backward indexes the targets again
        shifted = x - x.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        total = probs.sum(axis=1, keepdims=True)
        losses = np.log(total[:, 0]) - shifted[rows, target]
        probs /= total
        count = len(x)
        if keep is not None:
            keep = keep.astype(x.dtype)
            losses *= keep
            count = keep.sum()
        self.save(
            target=target, rows=rows, probs=probs, keep=keep, count=count, reduction=reduction
        )
        if reduction == "mean" and count:  # (sum / n: ndarray.mean's wrapper costs 4 µs)
            return np.asarray(losses.sum() / count)
        if reduction == "mean":
            return np.asarray(np.nan, dtype=x.dtype)  # nothing to average, as torch
        if reduction == "sum":
            return np.asarray(losses.sum())
        return losses

    def backward(self, g, out, x):
        s = self.saved
        if s.reduction == "none":
            scale, row_scale = g.reshape(-1, 1), g
        else:
            scale = row_scale = g if s.reduction == "sum" else g / s.count if s.count else g * 0.0
        if s.keep is not None:  # ignored samples get no gradient
            scale, row_scale = scale * s.keep.reshape(-1, 1), row_scale * s.keep
        if isinstance(x, np.ndarray):
            # First order: scale the saved softmax and subtract at the targets.
            d = s.probs * scale
            d[s.rows, s.target] -= row_scale
            return (d,)
        # create_graph: the softmax as an op, so this gradient is differentiable too.
        onehot = np.zeros(x.shape, dtype=x.dtype)
        onehot[s.rows, s.target] = 1
        return ((softmax(x, axis=1) - onehot) * scale,)


def softmax_cross_entropy(
    x: Any, target: Any, reduction: str = "mean", ignore_index: int = -100
) -> Any:
    if ignore_index == -100:  # the default stays out of the node's attrs (and drawings)
        return dispatch(SoftmaxCrossEntropy, x, target=target, reduction=reduction)
    return dispatch(
        SoftmaxCrossEntropy, x, target=target, reduction=reduction, ignore_index=ignore_index
    )


#: PyTorch clamps each log of ``binary_cross_entropy`` here ...
LOG_CLAMP = -100.0
#: ... and the denominator ``p (1 - p)`` of its gradient here.
BCE_EPS = 1e-12


def _clamped_log(p: Any) -> Any:
    with np.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100 at once
        return clip(log(p), LOG_CLAMP, None)


def _binary_cross_entropy(p: np.ndarray, t: np.ndarray) -> np.ndarray:
    return -(t * _clamped_log(p) + (1 - t) * _clamped_log(1 - p))


@register("binary_cross_entropy", _binary_cross_entropy, domain="0 ≤ p ≤ 1")
class BinaryCrossEntropy(Op):
    """Elementwise ``-(t·log p + (1 - t)·log(1 - p))``, each log clamped at -100,
    so ``p = 0`` or ``1`` gives a finite loss (PyTorch's values).

    Derivative: d/dp = (p - t) / max(p(1 - p), 1e-12); d/dt = log(1 - p) - log(p), clamped
    """

    name = "binary_cross_entropy"

    def forward(self, p, t):
        return _binary_cross_entropy(p, t)

    def backward(self, g, out, p, t):
        need_p, need_t = self.needs_input_grad
        gp = g * (p - t) / clip(p * (1 - p), BCE_EPS, None) if need_p else None
        gt = g * (_clamped_log(1 - p) - _clamped_log(p)) if need_t else None
        return gp, gt


def binary_cross_entropy(p: Any, t: Any) -> Any:
    return dispatch(BinaryCrossEntropy, p, t)
