"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, computed exactly as ``torch.optim.SGD``.

    For each parameter ``p`` with gradient ``g``::

        g = -g                                      (if maximize)
        g = g + weight_decay * p                    (if weight_decay)
        buf = g  (first step),  momentum * buf + (1 - dampening) * g  (later)
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
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    dampening : float
        Damping of the gradient's share of the momentum buffer (keyword only:
        PyTorch puts it third, this library's v1 signature has ``weight_decay``
        there).
    maximize : bool
        Ascend instead of descend.

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
        *,
        dampening: float = 0.0,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    _nonnegative = ("momentum", "dampening", "weight_decay")
    _flags = ("nesterov",)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        if group["nesterov"] and (group["momentum"] == 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        # Each line rounds as PyTorch's single-tensor SGD; p.grad is never written.
        momentum = group["momentum"]
        grad = self._regularised(param, grad, group)
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)
            else:
                buf *= momentum
                dampening = group["dampening"]
                buf += grad if dampening == 0 else (1 - dampening) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= group["lr"] * grad
