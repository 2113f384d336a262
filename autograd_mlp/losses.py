"""The losses of :mod:`autograd_mlp.functional` (re-exported there as ``F.*``).

Each is a composition of registered ops, so its gradient needs no rule of its
own, except the plain ``(N, C)`` cross-entropy against class indices, which is
the training hot path and has a fused op (:class:`~autograd_mlp.ops.SoftmaxCrossEntropy`).
Values, gradients and reductions follow PyTorch's ``torch.nn.functional``;
targets are constants (arrays or Tensors) unless a Tensor target requires grad.

Examples
--------
>>> import numpy as np
>>> from autograd_mlp import functional as F
>>> round(F.cross_entropy(np.zeros((2, 4)), np.array([1, -100])).item(), 4)  # log 4
1.3863
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import ops
from .errors import OpError, ShapeError
from .ops.loss import (
    REDUCTIONS,
    TargetIndexError,
    TargetTypeError,
    _native,
    check_class_targets,
)
from .ops.loss import check_reduction as _check_reduction
from .tensor import Tensor

__all__ = [
    "ArgumentError",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "smooth_l1_loss",
]

#: Wrong argument types or combinations (both ``axis`` and ``dim``...): a TypeError
#: and an OpError.
ArgumentError = TargetTypeError


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _array(target: Any) -> np.ndarray:
    return target.data if isinstance(target, Tensor) else np.asarray(target)


def _check_number(fn: str, name: str, value: Any) -> None:
    # The argument order is API.md's (input, target, beta, reduction); torch's puts
    # reduction third, so a string here is a reduction passed by position.
    if isinstance(value, str):
        raise ArgumentError(
            f"{fn}: {name} must be a number, got {value!r}; pass reduction={value!r} by keyword"
        )


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _same_shape(fn: str, x: Tensor, target: Any) -> Any:
    t = target if isinstance(target, Tensor) else np.asarray(target)
    if t.shape != x.shape:
        raise ShapeError(f"{fn}: target of shape {t.shape} does not match input of shape {x.shape}")
    return t


def _difference(fn: str, input: Any, target: Any, reduction: str) -> tuple[Tensor, Tensor]:  # noqa: A002
    """The checks every elementwise regression loss makes, then ``(input, input - target)``."""
    _check_reduction(fn, reduction)
    x = _tensor(input)
    return x, x - _same_shape(fn, x, target)


def _mask(condition: np.ndarray, x: Tensor) -> np.ndarray:
    return condition.astype(x.dtype)


def _class_weight(fn: str, weight: Any, scores: Tensor) -> np.ndarray | None:
    if weight is None:
        return None
    w = _array(weight)
    c = scores.shape[1]
    if w.shape != (c,):
        raise ShapeError(
            f"{fn}: weight must have shape ({c},) for input {scores.shape}, got {w.shape}"
        )
    return w.astype(scores.dtype)


def _along_classes(w: np.ndarray, ndim: int) -> np.ndarray:
    """A per-class array shaped to broadcast along axis 1 of an ``ndim`` input."""
    return w.reshape((1, -1) + (1,) * (ndim - 2))


def _class_index(target: np.ndarray) -> tuple[np.ndarray, ...]:
    """The integer-array index picking ``scores[n, target[n, d...], d...]``."""
    k = target.ndim
    axes = []
    for i, n in enumerate(target.shape):
        shape = [1] * k
        shape[i] = n
        axes.append(np.arange(n).reshape(shape))
    return (axes[0], target, *axes[1:])


def _check_scores(fn: str, x: Tensor) -> None:
    if x.ndim < 2:
        raise ShapeError(
            f"{fn}: input must have shape (C,), (N, C) or (N, C, d1, ...), got {x.shape}"
        )


def _check_smoothing(label_smoothing: float) -> None:
    if not 0.0 <= label_smoothing <= 1.0:
        raise OpError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")


def _mean(total: Tensor, denominator: Any) -> Tensor:
    if denominator == 0:  # every sample ignored: nan as torch, with a zero gradient
        return total * 0.0 + math.nan
    return total / denominator


def _nll(
    fn: str,
    log_probs: Tensor,
    target: np.ndarray,
    weight: Any,
    ignore_index: int,
    reduction: str,
    smoothing: float = 0.0,
) -> Tensor:
    """``-log_probs[n, target[n]]``, weighted, ignoring, smoothed and reduced as torch."""
    target, keep = check_class_targets(fn, target, log_probs.shape, ignore_index)
    w = _class_weight(fn, weight, log_probs)
    picked_weight = None if w is None else w[target]
    if keep is not None:
        kept = _mask(keep, log_probs)
        picked_weight = kept if picked_weight is None else picked_weight * kept
    picked = log_probs[_class_index(target)]
    loss = -picked if picked_weight is None else -picked * picked_weight
    denominator = loss.size if picked_weight is None else picked_weight.sum()
    if reduction == "none":
        total = loss
    elif reduction == "sum":
        total = loss.sum()
    else:
        total = _mean(loss.sum(), denominator)
    if not smoothing:
        return total
    # Label smoothing: (1 - ε)·nll + ε/C · Σ_c -w_c·log p_c, normalised as the nll part.
    c = log_probs.shape[1]
    if w is None:
        spread = -log_probs.sum(axis=1)
    else:
        spread = -(log_probs * _along_classes(w, log_probs.ndim)).sum(axis=1)
    if keep is not None:
        spread = spread * kept
    if reduction == "sum":
        spread = spread.sum()
    elif reduction == "mean":
        spread = _mean(spread.sum(), denominator)
    return total * (1.0 - smoothing) + spread * (smoothing / c)


def _soft_cross_entropy(
    logits: Tensor, target: Any, w: np.ndarray | None, reduction: str, smoothing: float
) -> Tensor:
    c = logits.shape[1]
    if smoothing:
        target = target * (1.0 - smoothing) + smoothing / c
    terms = ops.log_softmax(logits, axis=1) * target
    if w is not None:
        terms = terms * _along_classes(w, logits.ndim)
    return _reduce(-terms.sum(axis=1), reduction)


def _unbatched(target: Any) -> Any:
    return target.reshape(1, *target.shape)


def cross_entropy(
    logits: Any,
    target: Any,
    reduction: str = "mean",
    weight: Any = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of ``logits`` against class indices or probabilities.

    Parameters
    ----------
    logits : Tensor or array_like
        Unnormalised scores of shape ``(N, C)``, ``(N, C, d1, ...)`` (classes on
        axis 1) or ``(C,)`` (one sample).
    target : Tensor or array_like
        Integer class indices of shape ``(N,)`` / ``(N, d1, ...)`` / ``()``, in
        any byte order; or floating class probabilities of the logits' shape.
        An integer target of the logits' shape is an error (ambiguous).
    reduction : {"mean", "sum", "none"}
        With class indices, ``mean`` divides by the total weight of the samples
        not equal to ``ignore_index`` (their count without ``weight``).
    weight : array_like, optional
        A rescaling weight per class, shape ``(C,)`` (a constant).
    ignore_index : int
        A class-index value that contributes neither loss nor gradient.
    label_smoothing : float
        In ``[0, 1]``: the target is mixed with the uniform distribution.

    Returns
    -------
    Tensor
        A scalar, or the per-sample losses for ``reduction="none"``.

    Examples
    --------
    >>> import numpy as np
    >>> round(cross_entropy(np.zeros((2, 4)), np.array([1, 3])).item(), 4)  # log(4)
    1.3863
    >>> round(cross_entropy(np.zeros((1, 2)), np.array([[0.5, 0.5]])).item(), 4)
    0.6931
    >>> cross_entropy(np.zeros((2, 3, 5)), np.zeros((2, 5), dtype=int), reduction="none").shape
    (2, 5)
    """
    logits = _tensor(logits)
    t = _array(target)
    if (
        t.ndim == 1
        and logits.ndim == 2
        and weight is None
        and not label_smoothing
        and (t.dtype.kind in "iu")
    ):
        # The training hot path: the fused op checks the targets and the
        # reduction itself, once, there.
        return ops.softmax_cross_entropy(
            logits, target=t, reduction=reduction, ignore_index=ignore_index
        )
    _check_reduction("cross_entropy", reduction)
    _check_smoothing(label_smoothing)
    if logits.ndim == 1:
        if t.shape not in ((), logits.shape):
            raise ShapeError(
                f"cross_entropy: an input of shape {logits.shape} is one sample; its target is a "
                f"0-d class index or probabilities of shape {logits.shape}, got shape {t.shape}"
            )
        target = target if t.dtype.kind == "f" else t
        loss = cross_entropy(
            _unbatched(logits), _unbatched(target), reduction, weight, ignore_index, label_smoothing
        )
        return loss.reshape(()) if reduction == "none" else loss
    _check_scores("cross_entropy", logits)
    w = _class_weight("cross_entropy", weight, logits)
    if t.ndim == logits.ndim:
        if t.shape != logits.shape:
            raise ShapeError(
                f"cross_entropy: target of shape {t.shape} (dtype {t.dtype}) does not fit logits "
                f"of shape {logits.shape}; pass class indices of shape "
                f"{logits.shape[:1] + logits.shape[2:]} or class probabilities of shape "
                f"{logits.shape}"
            )
        if t.dtype.kind != "f":
            raise TargetTypeError(
                f"cross_entropy: an integer target of shape {t.shape}, the logits' shape, is "
                f"ambiguous; class probabilities must be floating point (dtype {t.dtype} given), "
                f"class indices must have shape {logits.shape[:1] + logits.shape[2:]}"
            )
        probs = target if isinstance(target, Tensor) else t
        return _soft_cross_entropy(logits, probs, w, reduction, label_smoothing)
    log_probs = ops.log_softmax(logits, axis=1)
    return _nll("cross_entropy", log_probs, t, w, ignore_index, reduction, label_smoothing)


def nll_loss(
    log_probs: Any,
    target: Any,
    reduction: str = "mean",
    weight: Any = None,
    ignore_index: int = -100,
) -> Tensor:
    """Negative log-likelihood ``-log_probs[n, target[n]]`` of integer classes.

    Use after :func:`~autograd_mlp.functional.log_softmax`; ``cross_entropy``
    does both. Shapes, ``weight``, ``ignore_index`` and the reductions are as in
    :func:`cross_entropy` with class indices.

    Examples
    --------
    >>> import numpy as np
    >>> round(nll_loss(np.log([[0.25, 0.75]]), np.array([1])).item(), 4)  # -log 0.75
    0.2877
    >>> round(nll_loss(np.log([[0.25, 0.75]] * 2), [0, 1], weight=[3.0, 1.0]).item(), 4)
    1.1116
    """
    _check_reduction("nll_loss", reduction)
    log_probs = _tensor(log_probs)
    t = _array(target)
    if log_probs.ndim == 1 and t.ndim == 0:
        loss = nll_loss(_unbatched(log_probs), _unbatched(t), reduction, weight, ignore_index)
        return loss.reshape(()) if reduction == "none" else loss
    _check_scores("nll_loss", log_probs)
    return _nll("nll_loss", log_probs, t, weight, ignore_index, reduction)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Squared error ``(input - target)**2``, averaged over all elements by default.

    ``input`` and ``target`` must have the same shape (no silent broadcasting).

    Examples
    --------
    >>> mse_loss([1.0, 2.0], [1.0, 4.0]).item()
    2.0
    """
    _, diff = _difference("mse_loss", input, target, reduction)
    return _reduce(diff * diff, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Absolute error ``|input - target|`` (gradient 0 where they are equal).

    Examples
    --------
    >>> l1_loss([1.0, 2.0], [1.0, 4.0]).item()
    1.0
    """
    _, diff = _difference("l1_loss", input, target, reduction)
    return _reduce(ops.abs(diff), reduction)


def smooth_l1_loss(
    input: Any,  # noqa: A002
    target: Any,
    beta: float = 1.0,
    reduction: str = "mean",
) -> Tensor:
    """``0.5 d² / beta`` where ``|d| < beta``, else ``|d| - beta/2`` (``d = input - target``);
    ``beta=0`` is the L1 loss. ``reduction`` as :func:`mse_loss`.

    Examples
    --------
    >>> smooth_l1_loss([0.5, 3.0], [0.0, 0.0], reduction="none")
    tensor([0.125, 2.5  ])
    """
    _check_number("smooth_l1_loss", "beta", beta)
    if beta < 0:
        raise OpError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    x, d = _difference("smooth_l1_loss", input, target, reduction)
    if beta == 0:
        return _reduce(ops.abs(d), reduction)
    small = _mask(np.abs(d.data) < beta, x)
    return _reduce(
        d * d * (small * (0.5 / beta)) + (ops.abs(d) - 0.5 * beta) * (1 - small), reduction
    )


def huber_loss(
    input: Any,  # noqa: A002
    target: Any,
    delta: float = 1.0,
    reduction: str = "mean",
) -> Tensor:
    """``0.5 d²`` where ``|d| < delta``, else ``delta · (|d| - delta/2)``;
    ``reduction`` as :func:`mse_loss`.

    Examples
    --------
    >>> huber_loss([0.5, 3.0], [0.0, 0.0], reduction="none", delta=2.0)
    tensor([0.125, 4.   ])
    """
    _check_number("huber_loss", "delta", delta)
    if not delta > 0:
        raise OpError(f"huber_loss: delta must be positive, got {delta}")
    x, d = _difference("huber_loss", input, target, reduction)
    small = _mask(np.abs(d.data) < delta, x)
    return _reduce(
        d * d * (small * 0.5) + (ops.abs(d) - 0.5 * delta) * ((1 - small) * delta), reduction
    )


def binary_cross_entropy(
    probs: Any, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """``-(t·log p + (1 - t)·log(1 - p))`` of probabilities ``p`` in ``[0, 1]``.

    One op (``binary_cross_entropy``), as PyTorch's: each log is clamped at -100,
    so ``p = 0`` or ``1`` gives a finite loss, and the gradient
    ``(p - t) / max(p (1 - p), 1e-12)`` stays finite there. The gradient for a
    target that requires grad is that of the clamped loss (PyTorch's is ±inf at
    p = 0 or 1). Prefer :func:`binary_cross_entropy_with_logits`, stable everywhere.

    Examples
    --------
    >>> round(binary_cross_entropy([0.5], [1.0]).item(), 4)  # log 2
    0.6931
    >>> binary_cross_entropy([0.0], [1.0]).item()
    100.0
    """
    fn = "binary_cross_entropy"
    _check_reduction(fn, reduction)
    p = _tensor(probs)
    t = _same_shape(fn, p, target)
    if p.size and (p.data.min() < 0 or p.data.max() > 1):
        raise OpError(
            f"{fn}: every element of input must be in [0, 1], got values in "
            f"[{p.data.min()}, {p.data.max()}] (pass logits to binary_cross_entropy_with_logits)"
        )
    loss = ops.binary_cross_entropy(p, t)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    logits: Any,
    target: Any,
    reduction: str = "mean",
    weight: Any = None,
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy of ``sigmoid(logits)`` against probabilities ``target``.

    Computed as ``(1 - t)·x + w_pos·softplus(-x)`` with ``w_pos = 1 + (pos_weight - 1)·t``,
    through the stable ``log1pexp`` op, so the loss and its gradient stay finite
    even at ``x = ±1e4``. ``weight`` rescales each element's loss; ``pos_weight``
    (broadcast along the last axis, e.g. shape ``(C,)``) the positive term.

    Examples
    --------
    >>> round(binary_cross_entropy_with_logits([0.0], [1.0]).item(), 4)  # log 2
    0.6931
    >>> binary_cross_entropy_with_logits([1e4], [0.0]).item()
    10000.0
    >>> round(binary_cross_entropy_with_logits([0.0], [1.0], pos_weight=[3.0]).item(), 4)
    2.0794
    """
    fn = "binary_cross_entropy_with_logits"
    _check_reduction(fn, reduction)
    x = _tensor(logits)
    t = _same_shape(fn, x, target)
    softplus_neg = ops.log1pexp(-x, beta=1.0, threshold=None)  # -log sigmoid(x)
    if pos_weight is not None:
        pos_weight = pos_weight if isinstance(pos_weight, Tensor) else np.asarray(pos_weight)
        softplus_neg = softplus_neg * ((pos_weight - 1) * t + 1)
    loss = (1 - t) * x + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(
    input: Any,  # noqa: A002
    target: Any,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence ``t · (log t - input)`` with ``input`` log-probabilities.

    ``target`` holds probabilities (``t log t`` taken as 0 at ``t = 0``), or
    log-probabilities with ``log_target=True`` (``exp(t) · (t - input)``).
    ``reduction="batchmean"`` divides the sum by the batch size (the true KL
    divergence per sample); ``"mean"`` averages over all elements, as PyTorch.

    Examples
    --------
    >>> import numpy as np
    >>> round(kl_div(np.log([[0.5, 0.5]]), [[0.25, 0.75]], reduction="batchmean").item(), 4)
    0.1308
    """
    fn = "kl_div"
    _check_reduction(fn, reduction, REDUCTIONS + ("batchmean",))
    x = _tensor(input)
    t = _same_shape(fn, x, target)
    if log_target:
        loss = ops.exp(t) * (t - x)
    else:
        zero = _array(t) == 0
        # log(1) = 0 at t = 0, so t·log t is 0 there, with a finite gradient.
        t_log_t = t * ops.log(t + zero.astype(_array(t).dtype))
        loss = t_log_t - t * x
    if reduction == "batchmean":
        return loss.sum() / (x.shape[0] if x.ndim else 1)
    return _reduce(loss, reduction)


def one_hot(labels: Any, num_classes: int = -1, dtype: Any = np.float32) -> Tensor:
    """Integer class indices to one-hot rows: shape ``labels.shape + (num_classes,)``.

    A constant (no gradient), float32 by default. ``num_classes=-1`` takes
    ``max(labels) + 1``. Labels outside ``0..num_classes-1`` are an error.

    Examples
    --------
    >>> one_hot([0, 2], 3)
    tensor([[1., 0., 0.],
            [0., 0., 1.]])
    """
    a = _array(labels)
    if a.dtype.kind not in "iu":
        raise TargetTypeError(f"one_hot: labels must be integers, got dtype {a.dtype}")
    a = _native(a)
    if num_classes < 0:
        if a.size == 0:
            raise OpError("one_hot: cannot infer num_classes from empty labels; pass it")
        num_classes = int(a.max()) + 1
    bad = (a < 0) | (a >= num_classes)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise TargetIndexError(
            f"one_hot: labels[{', '.join(map(str, where))}] = {int(a[where])} is out of range "
            f"for num_classes={num_classes}"
        )
    out = np.zeros(a.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, a[..., None].astype(np.intp), 1, axis=-1)
    return Tensor(out, dtype=dtype)
