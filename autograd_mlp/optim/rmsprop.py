"""RMSprop, with PyTorch's update rule (momentum, centred variant)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton), computed exactly as ``torch.optim.RMSprop``.

    For each parameter ``p`` with gradient ``g``::

        g = -g                                     (if maximize)
        g = g + weight_decay * p                   (if weight_decay)
        s = alpha * s + (1 - alpha) * g * g
        avg = sqrt(s - a * a) + eps,  a += (1 - alpha) * (g - a)   (if centered)
        avg = sqrt(s) + eps                                          (otherwise)
        buf = momentum * buf + g / avg;  p -= lr * buf             (if momentum)
        p -= lr * g / avg                                            (otherwise)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters, or parameter groups.
    lr : float
        Learning rate (>= 0).
    alpha : float
        Smoothing constant of the squared-gradient average (>= 0).
    eps : float
        Added to the denominator (>= 0).
    weight_decay : float
        L2 penalty (>= 0).
    momentum : float
        Momentum factor (>= 0).
    centered : bool
        Normalise by an estimate of the gradient's variance instead of its
        second moment.
    maximize : bool
        Ascend instead of descend (keyword only).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)  # 1 - 0.01 * 2 / sqrt(0.01 * 4)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    _nonnegative = ("alpha", "eps", "weight_decay", "momentum")
    _flags = ("centered",)

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        grad = self._regularised(param, grad, group)
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += grad * (1 - alpha) * grad
        if group["centered"]:
            grad_avg = state.setdefault("grad_avg", np.zeros_like(param))
            weight = 1 - alpha  # PyTorch's lerp, which switches formula at 0.5
            diff = grad - grad_avg
            if weight < 0.5:
                grad_avg += weight * diff
            else:
                grad_avg[...] = grad - diff * alpha
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(param))
            buf *= momentum
            buf += grad / avg
            param -= group["lr"] * buf
        else:
            param -= group["lr"] * (grad / avg)
