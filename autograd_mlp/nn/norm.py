"""Normalisation layers: ``LayerNorm`` and ``BatchNorm1d``, as in PyTorch.

Both are compositions of the engine's ops (mean, subtraction, square root,
division), so their gradients come from the ops' own rules and need no backward
of their own. Variances used to normalise are biased (divide by ``n``);
``BatchNorm1d``'s running variance is updated with the unbiased one (``n - 1``),
as PyTorch does.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from . import init as _init
from .module import Module, Parameter

__all__ = ["BatchNorm1d", "LayerNorm"]


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_eps(owner: str, eps: Any) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not 0 <= float(eps) < math.inf:
        raise ValueError(f"{owner}: eps must be a finite number >= 0, got {eps!r}")
    return float(eps)


def _normalize(x: Tensor, axes: tuple[int, ...], eps: float) -> Tensor:
    """``(x - mean) / sqrt(var + eps)`` over ``axes``, biased variance."""
    centred = x - x.mean(axis=axes, keepdims=True)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    return centred / (var + eps).sqrt()


class LayerNorm(Module):
    """Normalise each sample over its trailing ``normalized_shape`` dimensions.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, the statistics taken over
    the last ``len(normalized_shape)`` axes of each sample, in train and eval alike.

    Parameters
    ----------
    normalized_shape : int or tuple of int
        The trailing shape of the input, e.g. ``(features,)``.
    eps : float
        Added to the variance for stability.
    elementwise_affine : bool
        Learn ``weight`` (ones) and ``bias`` (zeros) of shape ``normalized_shape``.

    Examples
    --------
    >>> import numpy as np
    >>> ln = LayerNorm(4)
    >>> y = ln(np.arange(8.0).reshape(2, 4))
    >>> np.round(y.numpy().mean(axis=1), 6).tolist(), [n for n, _ in ln.named_parameters()]
    ([0.0, 0.0], ['weight', 'bias'])
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...] | list[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        shape = tuple(normalized_shape)
        if not shape or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in shape
        ):
            raise ValueError(
                f"LayerNorm: normalized_shape must be a positive int or a tuple of them, "
                f"got {normalized_shape!r}"
            )
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps = _check_eps("LayerNorm", eps)
        self.elementwise_affine = bool(elementwise_affine)
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, np.float32))
            self.bias = Parameter(np.zeros(self.normalized_shape, np.float32))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """Weight back to ones, bias to zeros.

        Examples
        --------
        >>> from autograd_mlp import nn
        >>> ln = nn.LayerNorm(2)
        >>> ln.weight.data[...] = 3.0
        >>> ln.reset_parameters()
        >>> ln.weight.tolist(), ln.bias.tolist()
        ([1.0, 1.0], [0.0, 0.0])
        """
        if self.weight is not None:
            _init.ones_(self.weight)
        if self.bias is not None:
            _init.zeros_(self.bias)

    def forward(self, x: Any) -> Tensor:
        x = _as_tensor(x)
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k :] != self.normalized_shape or x.ndim < k:
            where = f"layer {self._name!r} " if self._name else ""
            raise ShapeError(
                f"LayerNorm {where}({self.extra_repr()}): expected an input whose trailing "
                f"shape is {self.normalized_shape}, got shape {x.shape}"
            )
        y = _normalize(x, tuple(range(x.ndim - k, x.ndim)), self.eps)
        if self.weight is not None:
            y = y * self.weight + self.bias
        return y

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class BatchNorm1d(Module):
    """Batch normalisation over the batch (and length) axes of ``(N, C)`` or ``(N, C, L)``.

    In training mode each channel is normalised with the batch's mean and
    (biased) variance, and, with ``track_running_stats``, the buffers
    ``running_mean`` and ``running_var`` move towards them::

        running = (1 - momentum) * running + momentum * batch_statistic

    (the variance there unbiased), or a cumulative average when ``momentum`` is
    None; ``num_batches_tracked`` counts the updates. In eval mode the running
    statistics are used instead (batch statistics if they are not tracked).

    Parameters
    ----------
    num_features : int
        ``C``, the number of channels.
    eps : float
        Added to the variance for stability.
    momentum : float or None
        Weight of the new batch in the running statistics; None averages all batches.
    affine : bool
        Learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
    track_running_stats : bool
        Keep running statistics (as buffers, saved in ``state_dict``).

    Examples
    --------
    >>> import numpy as np
    >>> bn = BatchNorm1d(2)
    >>> _ = bn(np.array([[0.0, 10.0], [2.0, 30.0]]))
    >>> bn.running_mean, bn.num_batches_tracked
    (tensor([0.1, 2. ]), tensor(1))
    >>> list(bn.state_dict())
    ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    # Buffers (registered as None when track_running_stats is False).
    running_mean: Tensor
    running_var: Tensor
    num_batches_tracked: Tensor

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        super().__init__()
        if (
            isinstance(num_features, bool)
            or not isinstance(num_features, (int, np.integer))
            or (num_features < 1)
        ):
            raise ValueError(
                f"BatchNorm1d: num_features must be a positive integer, got {num_features!r}"
            )
        if momentum is not None and (
            isinstance(momentum, bool)
            or not isinstance(momentum, numbers.Real)
            or not 0 <= momentum <= 1
        ):
            raise ValueError(f"BatchNorm1d: momentum must be in [0, 1] or None, got {momentum!r}")
        self.num_features = int(num_features)
        self.eps = _check_eps("BatchNorm1d", eps)
        self.momentum = None if momentum is None else float(momentum)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        if self.affine:
            self.weight = Parameter(np.ones(self.num_features, np.float32))
            self.bias = Parameter(np.zeros(self.num_features, np.float32))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, np.float32)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, np.float32)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean to zeros, variance to ones, count to zero.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> bn = ag.nn.BatchNorm1d(2)
        >>> _ = bn(ag.tensor([[5.0, 10.0], [15.0, 30.0]]))  # training mode: updates the stats
        >>> bn.running_mean.tolist(), int(bn.num_batches_tracked.item())
        ([1.0, 2.0], 1)
        >>> bn.reset_running_stats()
        >>> bn.running_mean.tolist(), bn.running_var.tolist(), int(bn.num_batches_tracked.item())
        ([0.0, 0.0], [1.0, 1.0], 0)
        """
        if self.track_running_stats:
            for buf, value in (
                (self.running_mean, 0),
                (self.running_var, 1),
                (self.num_batches_tracked, 0),
            ):
                buf.data[...] = value
                buf._version += 1

    def reset_parameters(self) -> None:
        """Reset the running statistics, weight to ones and bias to zeros.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> bn = ag.nn.BatchNorm1d(2)
        >>> bn.weight.data[...] = 5.0
        >>> _ = bn(ag.tensor([[1.0, 2.0], [3.0, 6.0]]))
        >>> bn.reset_parameters()
        >>> bn.weight.tolist(), bn.bias.tolist(), bn.running_mean.tolist()
        ([1.0, 1.0], [0.0, 0.0], [0.0, 0.0])
        """
        self.reset_running_stats()
        if self.affine:
            _init.ones_(self.weight)
            _init.zeros_(self.bias)

    def _check_input(self, x: Tensor) -> None:
        where = f"layer {self._name!r} " if self._name else ""
        if x.ndim not in (2, 3):
            raise ShapeError(
                f"BatchNorm1d {where}({self.num_features}): expected a 2-D (N, C) or 3-D "
                f"(N, C, L) input, got shape {x.shape}"
            )
        if x.shape[1] != self.num_features:
            raise ShapeError(
                f"BatchNorm1d {where}({self.num_features}): expected {self.num_features} "
                f"channels on axis 1, got input of shape {x.shape}"
            )
        if self.training and x.size // x.shape[1] <= 1:
            # PyTorch's words, so searches for the message find the explanation.
            raise ShapeError(
                f"BatchNorm1d {where}({self.num_features}): Expected more than 1 value per "
                f"channel when training, got input size {x.shape}"
            )

    def _update_running_stats(self, x: np.ndarray, axes: tuple[int, ...]) -> None:
        n = x.size // x.shape[1]
        mean = x.mean(axis=axes)
        var = x.var(axis=axes, ddof=1) if n > 1 else np.zeros_like(mean)
        self.num_batches_tracked.data[...] += 1
        self.num_batches_tracked._version += 1
        if self.momentum is None:  # cumulative moving average
            factor = 1.0 / float(self.num_batches_tracked.data)
        else:
            factor = self.momentum
        for buf, stat in ((self.running_mean, mean), (self.running_var, var)):
            buf.data[...] = (1 - factor) * buf.data + factor * stat
            buf._version += 1

    def forward(self, x: Any) -> Tensor:
        x = _as_tensor(x)
        self._check_input(x)
        axes = (0,) if x.ndim == 2 else (0, 2)
        use_batch = self.training or not self.track_running_stats
        if use_batch:
            if self.training and self.track_running_stats:
                self._update_running_stats(x.data, axes)
            y = _normalize(x, axes, self.eps)
        else:
            shape = (1, self.num_features) + (1,) * (x.ndim - 2)
            mean = self.running_mean.data.reshape(shape).astype(x.dtype)
            std = np.sqrt(self.running_var.data.reshape(shape).astype(x.dtype) + self.eps)
            y = (x - mean) / std
        if self.weight is not None:
            shape = (self.num_features,) + (1,) * (x.ndim - 2)
            y = y * self.weight.reshape(*shape) + self.bias.reshape(*shape)
        return y

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )
