"""Adagrad, with PyTorch's update rule (learning-rate decay, initial accumulator)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), computed exactly as ``torch.optim.Adagrad``.

    For each parameter ``p`` with gradient ``g``, at step ``t = 1, 2, ...``::

        g = -g                                     (if maximize)
        g = g + weight_decay * p                   (if weight_decay)
        clr = lr / (1 + (t - 1) * lr_decay)
        s += g * g                                 (s starts at initial_accumulator_value)
        p -= clr * g / (sqrt(s) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters, or parameter groups.
    lr : float
        Learning rate (>= 0).
    lr_decay : float
        Learning-rate decay per step (>= 0).
    weight_decay : float
        L2 penalty (>= 0).
    initial_accumulator_value : float
        Starting value of the squared-gradient sum (>= 0); keyword only.
    eps : float
        Added to the denominator (>= 0); keyword only, because PyTorch and this
        library's API contract order it differently.
    maximize : bool
        Ascend instead of descend (keyword only).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)  # 1 - 0.1 * 2 / sqrt(4)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        *,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    _nonnegative = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        grad = self._regularised(param, grad, group)
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        total = state["sum"]
        total += grad * grad
        std = np.sqrt(total)
        std += group["eps"]
        param -= clr * (grad / std)
