"""Adam, with PyTorch's update rule (bias-corrected moments, L2 weight decay)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), computed exactly as ``torch.optim.Adam``.

    For each parameter ``p`` with gradient ``g``, at step ``t = 1, 2, ...``::

        g = g + weight_decay * p                   (if weight_decay; L2, not AdamW)
        m += (1 - beta1) * (g - m)                 (= beta1*m + (1-beta1)*g)
        v = beta2 * v + (1 - beta2) * g * g
        denom = sqrt(v) / sqrt(1 - beta2**t) + eps
        p -= lr / (1 - beta1**t) * (m / denom)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters, or parameter groups.
    lr : float
        Learning rate (>= 0).
    betas : (float, float)
        Decay rates of the first and second moment estimates, each in [0, 1).
    eps : float
        Added to the denominator for stability (>= 0).
    weight_decay : float
        L2 penalty coefficient (>= 0), added to the gradient.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)  # the first step moves by lr, whatever the gradient's size
    0.9
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        super()._check_hyperparameters(group)
        betas = group["betas"]
        try:
            beta1, beta2 = (float(b) for b in betas)
        except (TypeError, ValueError):
            raise ValueError(f"Adam: betas must be a pair of numbers, got {betas!r}") from None
        for i, b in enumerate((beta1, beta2)):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"Adam: betas[{i}] must be in [0, 1), got {b!r}")
        group["betas"] = (beta1, beta2)
        for name in ("eps", "weight_decay"):
            value = group[name]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
                raise ValueError(f"Adam: {name} must be a number >= 0, got {value!r}")
            group[name] = float(value)

    def _restore_hyperparameter(self, key: str, value: Any) -> Any:
        return tuple(value) if key == "betas" else value

    def _update(
        self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]
    ) -> None:
        # Intermediates go into scratch space with out=, so a step allocates
        # nothing; each line rounds exactly as PyTorch's single-tensor Adam.
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        work = self._scratch(grad)
        if group["weight_decay"] != 0:
            decayed = self._scratch(grad, 1)  # p.grad itself is never written
            np.multiply(param, group["weight_decay"], out=decayed)
            decayed += grad  # g + weight_decay * p
            grad = decayed
        # PyTorch moves m towards g with lerp, which switches formula at weight 0.5.
        weight = 1 - beta1
        np.subtract(grad, m, out=work)
        if weight < 0.5:
            work *= weight
            m += work  # m + weight * (g - m)
        else:
            work *= beta1
            np.subtract(grad, work, out=m)  # g - beta1 * (g - m)
        v *= beta2
        np.multiply(grad, 1 - beta2, out=work)
        work *= grad
        v += work  # v + ((1 - beta2) * g) * g, PyTorch's addcmul order
        step_size = group["lr"] / (1 - beta1**t)
        denom = np.sqrt(v, out=work)
        denom /= (1 - beta2**t) ** 0.5  # ** as PyTorch, not math.sqrt: same last bit
        denom += group["eps"]
        np.divide(m, denom, out=work)
        work *= step_size
        param -= work  # p - step_size * (m / denom)
