"""Learning-rate schedules: ``StepLR`` and ``CosineAnnealingLR``.

A scheduler sets each parameter group's ``lr`` from a closed-form function of
the epoch count, so restoring ``last_epoch`` restores the schedule exactly. Call
``step()`` once per epoch, after the optimiser's steps.

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp.optim import SGD
>>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
>>> sched = StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     lrs.append(sched.get_last_lr()[0]); sched.step()
>>> lrs
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .optimizer import Optimizer

__all__ = ["CosineAnnealingLR", "LRScheduler", "StepLR"]


class LRScheduler:
    """Base class: subclasses define :meth:`lr_at` (the lr at an epoch for a base lr).

    Parameters
    ----------
    optimizer : Optimizer
        Whose groups' ``lr`` to set. Their current ``lr`` are the base rates.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lrs = [float(group["lr"]) for group in optimizer.param_groups]
        self.last_epoch = 0
        self._apply()

    def lr_at(self, epoch: int, base_lr: float) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _apply(self) -> None:
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(self.last_epoch, base)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def step(self) -> None:
        """Advance one epoch and set the groups' learning rates."""
        self.last_epoch += 1
        self._apply()

    def get_last_lr(self) -> list[float]:
        """The learning rate of each group, as last set by this scheduler."""
        return list(self._last_lr)

    def _hyperparameters(self) -> dict[str, Any]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        """The schedule's position and settings: plain numbers only."""
        return {
            "last_epoch": self.last_epoch,
            "base_lrs": list(self.base_lrs),
            **self._hyperparameters(),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict` and set the learning rates to match it."""
        name = type(self).__name__
        try:
            last_epoch = int(state_dict["last_epoch"])
            base_lrs = [float(lr) for lr in state_dict["base_lrs"]]
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"{name}.load_state_dict: expected 'last_epoch' and 'base_lrs', "
                f"got keys {sorted(state_dict)}"
            ) from None
        if len(base_lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: state has {len(base_lrs)} base learning rates, "
                f"the optimizer has {len(self.optimizer.param_groups)} parameter groups"
            )
        for key, value in state_dict.items():
            if key in self._hyperparameters():
                setattr(self, key, value)
        self.last_epoch, self.base_lrs = last_epoch, base_lrs
        self._apply()

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({settings}, last_epoch={self.last_epoch})"


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    ``lr = base_lr * gamma ** (epoch // step_size)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.1)
    >>> s = StepLR(opt, step_size=1, gamma=0.1); s.step(); s.step()
    >>> round(opt.lr, 6)
    0.001
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size!r}")
        if not isinstance(gamma, (int, float)) or isinstance(gamma, bool) or not gamma >= 0:
            raise ValueError(f"StepLR: gamma must be a number >= 0, got {gamma!r}")
        self.step_size, self.gamma = step_size, float(gamma)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"step_size": self.step_size, "gamma": self.gamma}


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate from its base to ``eta_min`` along a half cosine.

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``;
    it reaches ``eta_min`` at epoch ``T_max`` and rises again after (as PyTorch).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> s = CosineAnnealingLR(opt, T_max=2)
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(2):
    ...     s.step(); lrs.append(round(s.get_last_lr()[0], 6))
    >>> lrs
    [1.0, 0.5, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive integer, got {T_max!r}")
        if not isinstance(eta_min, (int, float)) or isinstance(eta_min, bool) or eta_min < 0:
            raise ValueError(f"CosineAnnealingLR: eta_min must be a number >= 0, got {eta_min!r}")
        self.T_max, self.eta_min = T_max, float(eta_min)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        cosine = (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        return self.eta_min + (base_lr - self.eta_min) * cosine

    def _hyperparameters(self) -> dict[str, Any]:
        return {"T_max": self.T_max, "eta_min": self.eta_min}
