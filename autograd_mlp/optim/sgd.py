"""Stochastic gradient descent with optional momentum, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

__all__ = ["SGD"]


def _check_nonneg(owner: str, name: str, value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{owner}: {name} must be a number >= 0, got {value!r}")
    return float(value)


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p                    (if weight_decay)
        buf = g  (first step),  momentum * buf + g  (later steps)
        g = g + momentum * buf  if nesterov  else  buf      (if momentum)
        p -= lr * g

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters, or parameter groups.
    lr : float
        Learning rate (>= 0).
    momentum : float
        Momentum factor (>= 0); 0 means plain SGD.
    weight_decay : float
        L2 penalty coefficient (>= 0), added to the gradient.
    nesterov : bool
        Nesterov momentum (needs ``momentum > 0``).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)  # 1 - 0.1*2 = 0.8; buf = 0.9*2 + 1.6 = 3.4; 0.8 - 0.34
    0.46
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
        }
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        group["momentum"] = _check_nonneg("SGD", "momentum", group["momentum"])
        group["weight_decay"] = _check_nonneg("SGD", "weight_decay", group["weight_decay"])
        group["nesterov"] = bool(group["nesterov"])
        if group["nesterov"] and group["momentum"] == 0:
            raise ValueError("SGD: nesterov=True needs momentum > 0, got momentum=0")

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        # Weight decay and Nesterov write their intermediates into scratch space
        # with out= (p.grad and the momentum buffer are only read); each line
        # rounds exactly as the expression in the class docstring.
        momentum = group["momentum"]
        if group["weight_decay"] != 0:
            decayed = self._scratch(grad)
            np.multiply(param, group["weight_decay"], out=decayed)
            decayed += grad  # g + weight_decay * p
            grad = decayed
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)
            else:
                buf *= momentum
                buf += grad
            if group["nesterov"]:
                ahead = self._scratch(grad, 1)
                np.multiply(buf, momentum, out=ahead)
                ahead += grad  # g + momentum * buf
                grad = ahead
            else:
                grad = buf
        # One temporary, on purpose: measured in a training loop, writing lr * g
        # into the shared scratch buffer was no faster than this (glibc hands back
        # the block just freed), and finding the buffer costs 0.2 µs a parameter.
        param -= group["lr"] * grad
