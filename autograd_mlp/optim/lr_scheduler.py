"""Learning-rate schedules, producing PyTorch's learning rates step for step.

A scheduler sets each parameter group's ``lr`` from a closed-form function of
the step count and the group's initial learning rate (kept in the group as
``initial_lr``, as PyTorch does, so schedules chained by :class:`SequentialLR`
share it), so restoring ``last_epoch`` restores the schedule exactly. Call
``step()`` once per epoch (per batch for :class:`OneCycleLR`), after the
optimiser's steps; :class:`ReduceLROnPlateau` takes the monitored metric,
``step(val_loss)``.

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

import bisect
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .optimizer import Optimizer, real

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


def _positive_int(owner: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _per_group(owner: str, name: str, value: Any, n: int) -> list[Any]:
    """``value`` repeated for ``n`` groups, or the list of ``n`` values given."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{owner}: expected {n} values of {name}, one per group, got {len(value)}"
            )
        return list(value)
    return [value] * n


class LRScheduler:
    """Base class: subclasses define :meth:`lr_at` (the lr at a step for a base lr).

    Parameters
    ----------
    optimizer : Optimizer
        Whose groups' ``lr`` to set. Their learning rates when the first
        scheduler is attached (``initial_lr``) are the base rates.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD, LRScheduler
    >>> class Halving(LRScheduler):
    ...     def lr_at(self, epoch, base_lr):
    ...         return base_lr / 2**epoch
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = Halving(opt)
    >>> sched.step(); sched.step()
    >>> opt.lr
    0.25
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [float(group["initial_lr"]) for group in optimizer.param_groups]
        self.last_epoch = 0
        self._apply()

    def lr_at(self, epoch: int, base_lr: float) -> float:  # pragma: no cover - abstract
        """The learning rate at step ``epoch`` of a group whose base rate is ``base_lr``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, StepLR
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> [sched.lr_at(epoch, 1.0) for epoch in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
        """
        raise NotImplementedError

    def _lrs(self, epoch: int) -> list[float]:
        return [self.lr_at(epoch, base) for base in self.base_lrs]

    def _apply(self) -> None:
        for group, lr in zip(self.optimizer.param_groups, self._lrs(self.last_epoch)):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def step(self) -> None:
        """Advance one epoch and set the groups' learning rates.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, StepLR
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> for _ in range(3):
        ...     sched.step()
        >>> sched.last_epoch, opt.lr
        (3, 0.5)
        """
        self._check_lr_is_ours()
        self.last_epoch += 1
        self._apply()

    def _check_lr_is_ours(self) -> None:
        """Refuse to step over a learning rate someone else set.

        The schedules here are closed-form in the step count, not chainable as
        PyTorch's, so a rate changed by hand or by a second scheduler would be
        silently overwritten with a different sequence than PyTorch's.
        """
        for i, (group, last) in enumerate(zip(self.optimizer.param_groups, self._last_lr)):
            if group["lr"] != last:
                raise ValueError(
                    f"{type(self).__name__}: param group {i}'s lr is {group['lr']!r}, but "
                    f"this scheduler last set it to {last!r}: it was changed by hand or by "
                    "another scheduler. These schedules are closed-form in the step count, "
                    "not chainable: combine schedules with SequentialLR, or change the "
                    "group's 'initial_lr' and build the scheduler again"
                )

    def get_last_lr(self) -> list[float]:
        """The learning rate of each group, as last set by this scheduler.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, StepLR
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step(); sched.step()
        >>> sched.get_last_lr()
        [0.5]
        """
        return list(self._last_lr)

    def _hyperparameters(self) -> dict[str, Any]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        """The schedule's position and settings: plain numbers and lists only.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, StepLR
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step(); sched.step()
        >>> sched.state_dict()
        {'last_epoch': 2, 'base_lrs': [1.0], 'step_size': 2, 'gamma': 0.5}
        """
        return {
            "last_epoch": self.last_epoch,
            "base_lrs": list(self.base_lrs),
            **self._hyperparameters(),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict` and set the learning rates to match it.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, StepLR
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = StepLR(opt, step_size=2, gamma=0.5)
        >>> sched.step(); sched.step()
        >>> opt2 = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> resumed = StepLR(opt2, step_size=2, gamma=0.5)
        >>> resumed.load_state_dict(sched.state_dict())
        >>> resumed.last_epoch, opt2.lr
        (2, 0.5)
        """
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
        if last_epoch < 0:
            raise ValueError(f"{name}.load_state_dict: last_epoch must be >= 0, got {last_epoch}")
        for lr in base_lrs:
            real(name, "base learning rate", lr)
        for key, value in state_dict.items():
            if key in self._hyperparameters():
                setattr(self, key, list(value) if isinstance(value, tuple) else value)
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
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        self.gamma = real("StepLR", "gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"step_size": self.step_size, "gamma": self.gamma}


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each epoch listed in ``milestones``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> s = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(s.get_last_lr()[0]); s.step()
    >>> lrs
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1) -> None:
        try:
            items = list(milestones)
        except TypeError:
            raise ValueError(
                f"MultiStepLR: milestones must be a list of integers, got {milestones!r}"
            ) from None
        for m in items:
            if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 0:
                raise ValueError(
                    f"MultiStepLR: milestones must be integers >= 0, got {milestones!r}"
                )
        self.milestones = sorted(int(m) for m in items)
        self.gamma = real("MultiStepLR", "gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)

    def _hyperparameters(self) -> dict[str, Any]:
        return {"milestones": list(self.milestones), "gamma": self.gamma}


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch: ``base_lr * gamma ** epoch``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> s = ExponentialLR(opt, gamma=0.5); s.step(); s.step(); s.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = real("ExponentialLR", "gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma**epoch

    def _hyperparameters(self) -> dict[str, Any]:
        return {"gamma": self.gamma}


class LinearLR(LRScheduler):
    """Scale the learning rate linearly from ``start_factor`` to ``end_factor`` (warm-up).

    ``lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> s = LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(s.get_last_lr()[0]); s.step()
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        self.start_factor = real("LinearLR", "start_factor", start_factor, high=1.0)
        if self.start_factor == 0:
            raise ValueError("LinearLR: start_factor must be in (0, 1], got 0")
        self.end_factor = real("LinearLR", "end_factor", end_factor, high=1.0)
        self.total_iters = _positive_int("LinearLR", "total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        fraction = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * fraction)

    def _hyperparameters(self) -> dict[str, Any]:
        return {
            "start_factor": self.start_factor,
            "end_factor": self.end_factor,
            "total_iters": self.total_iters,
        }


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
        self.T_max = _positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = real("CosineAnnealingLR", "eta_min", eta_min)
        super().__init__(optimizer)

    def lr_at(self, epoch: int, base_lr: float) -> float:
        cosine = (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        return self.eta_min + (base_lr - self.eta_min) * cosine

    def _hyperparameters(self) -> dict[str, Any]:
        return {"T_max": self.T_max, "eta_min": self.eta_min}


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(epoch)``; one function, or one per parameter group.

    The functions are not part of :meth:`state_dict` (they are code); rebuild the
    scheduler with them and load the state.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=2.0)
    >>> s = LambdaLR(opt, lambda epoch: 1 / (epoch + 1)); s.step(); s.get_last_lr()
    [1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
    ) -> None:
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 1
        self.lr_lambdas = _per_group("LambdaLR", "lr_lambda", lr_lambda, n)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be callable, got {fn!r}")
        super().__init__(optimizer)

    def _lrs(self, epoch: int) -> list[float]:
        return [base * fn(epoch) for base, fn in zip(self.base_lrs, self.lr_lambdas)]


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at the epochs in ``milestones``.

    Each scheduler starts from its own epoch 0 at its milestone, from the
    groups' initial learning rates, as in PyTorch. The usual warm-up:
    ``SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=5), CosineAnnealingLR(opt, 45)],
    milestones=[5])``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> warm = LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> s = SequentialLR(opt, [warm, decay], milestones=[2])
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(s.get_last_lr()[0]); s.step()
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int]
    ) -> None:
        self.schedulers = list(schedulers)
        if not self.schedulers:
            raise ValueError("SequentialLR: expected at least one scheduler")
        for i, s in enumerate(self.schedulers):
            if not isinstance(s, LRScheduler) or isinstance(s, (ReduceLROnPlateau, SequentialLR)):
                raise TypeError(
                    f"SequentialLR: scheduler {i} must be an epoch-based LRScheduler, got "
                    f"{type(s).__name__}"
                )
            if s.optimizer is not optimizer:
                raise ValueError(
                    f"SequentialLR: scheduler {i} is attached to another optimizer than the "
                    "one given"
                )
        self.milestones = [int(m) for m in milestones]
        if len(self.milestones) != len(self.schedulers) - 1:
            raise ValueError(
                f"SequentialLR: expected {len(self.schedulers) - 1} milestones for "
                f"{len(self.schedulers)} schedulers, got {len(self.milestones)}"
            )
        if self.milestones != sorted(self.milestones) or any(m < 1 for m in self.milestones):
            raise ValueError(
                f"SequentialLR: milestones must be increasing positive integers, got "
                f"{self.milestones}"
            )
        super().__init__(optimizer)

    def _lrs(self, epoch: int) -> list[float]:
        i = bisect.bisect_right(self.milestones, epoch)
        start = self.milestones[i - 1] if i else 0
        scheduler = self.schedulers[i]
        scheduler.last_epoch = epoch - start
        return scheduler._lrs(epoch - start)

    def state_dict(self) -> dict[str, Any]:
        """Position, milestones, and each inner scheduler's state.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, ExponentialLR, LinearLR, SequentialLR
        >>> def make():
        ...     opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        ...     warm = LinearLR(opt, start_factor=0.5, total_iters=2)
        ...     return opt, SequentialLR(opt, [warm, ExponentialLR(opt, 0.5)], milestones=[2])
        >>> opt, sched = make()
        >>> sched.step(); sched.step(); sched.step()
        >>> state = sched.state_dict()
        >>> state["last_epoch"], state["milestones"], [s["last_epoch"] for s in state["schedulers"]]
        (3, [2], [1, 1])
        """
        return {
            **super().state_dict(),
            "milestones": list(self.milestones),
            "schedulers": [s.state_dict() for s in self.schedulers],
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`, the inner schedulers' too.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, ExponentialLR, LinearLR, SequentialLR
        >>> def make():
        ...     opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        ...     warm = LinearLR(opt, start_factor=0.5, total_iters=2)
        ...     return opt, SequentialLR(opt, [warm, ExponentialLR(opt, 0.5)], milestones=[2])
        >>> opt, sched = make()
        >>> for _ in range(3):
        ...     sched.step()
        >>> opt2, resumed = make()
        >>> resumed.load_state_dict(sched.state_dict())
        >>> resumed.step(); sched.step()
        >>> opt2.lr == opt.lr == 0.25
        True
        """
        inner = list(state_dict.get("schedulers", []))
        if inner and len(inner) != len(self.schedulers):
            raise ValueError(
                f"SequentialLR.load_state_dict: state has {len(inner)} schedulers, this one "
                f"has {len(self.schedulers)}"
            )
        for s, saved in zip(self.schedulers, inner):
            s.load_state_dict(saved)
        super().load_state_dict(state_dict)


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin): warm up to ``max_lr``, then anneal far below.

    Step it once per *batch*. The learning rate rises from ``max_lr /
    div_factor`` to ``max_lr`` over the first ``pct_start`` of ``total_steps``
    and falls to ``max_lr / div_factor / final_div_factor`` by the end (cosine
    or linear); with ``cycle_momentum`` the momentum (SGD) or ``beta1`` (Adam)
    moves the opposite way between ``max_momentum`` and ``base_momentum``.
    ``three_phase`` adds a symmetric descent before the final annealing.
    Stepping past ``total_steps`` is an error, as in PyTorch.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=0.1, momentum=0.9)
    >>> s = OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(s.get_last_lr()[0], 6), opt.param_groups[0]["momentum"]
    (0.04, 0.95)
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | Sequence[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> None:
        owner = "OneCycleLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{owner}: expected an Optimizer, got {type(optimizer).__name__}")
        if total_steps is not None:
            self.total_steps = _positive_int(owner, "total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = _positive_int(owner, "epochs", epochs) * _positive_int(
                owner, "steps_per_epoch", steps_per_epoch
            )
        else:
            raise ValueError(f"{owner}: give total_steps, or both epochs and steps_per_epoch")
        self.pct_start = real(owner, "pct_start", pct_start, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{owner}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        self.anneal_strategy = anneal_strategy
        self.three_phase = bool(three_phase)
        n = len(optimizer.param_groups)
        self.max_lrs = [real(owner, "max_lr", v) for v in _per_group(owner, "max_lr", max_lr, n)]
        self.div_factor = real(owner, "div_factor", div_factor)
        self.final_div_factor = real(owner, "final_div_factor", final_div_factor)
        self.cycle_momentum = bool(cycle_momentum)
        self._momentum_key: str | None = None
        if self.cycle_momentum:
            defaults = optimizer.defaults
            if "momentum" in defaults:
                self._momentum_key = "momentum"
            elif "betas" in defaults:
                self._momentum_key = "betas"
            else:
                raise ValueError(
                    f"{owner}: optimizer must support momentum or beta1 with cycle_momentum=True"
                )
        self.base_momentums = [
            real(owner, "base_momentum", v)
            for v in _per_group(owner, "base_momentum", base_momentum, n)
        ]
        self.max_momentums = [
            real(owner, "max_momentum", v)
            for v in _per_group(owner, "max_momentum", max_momentum, n)
        ]
        super().__init__(optimizer)

    def _phases(self) -> list[tuple[float, str, str]]:
        """(end step, lr start/end names, momentum start/end names) per phase."""
        total, pct = self.total_steps, self.pct_start
        if self.three_phase:
            return [
                (pct * total - 1, "initial_lr>max_lr", "max_m>base_m"),
                (2 * pct * total - 2, "max_lr>initial_lr", "base_m>max_m"),
                (total - 1, "initial_lr>min_lr", "max_m>max_m"),
            ]
        return [
            (pct * total - 1, "initial_lr>max_lr", "max_m>base_m"),
            (total - 1, "max_lr>min_lr", "base_m>max_m"),
        ]

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _values(self, step: int, i: int) -> tuple[float, float]:
        """(lr, momentum) of group ``i`` at ``step``."""
        initial = self.max_lrs[i] / self.div_factor
        named = {
            "initial_lr": initial,
            "max_lr": self.max_lrs[i],
            "min_lr": initial / self.final_div_factor,
            "max_m": self.max_momentums[i],
            "base_m": self.base_momentums[i],
        }
        start_step = 0.0
        lr = momentum = 0.0
        phases = self._phases()
        for k, (end_step, lrs, moms) in enumerate(phases):
            if step <= end_step or k == len(phases) - 1:
                pct = (step - start_step) / (end_step - start_step)
                lr_from, lr_to = lrs.split(">")
                m_from, m_to = moms.split(">")
                lr = self._anneal(named[lr_from], named[lr_to], pct)
                momentum = self._anneal(named[m_from], named[m_to], pct)
                break
            start_step = end_step
        return lr, momentum

    def _lrs(self, epoch: int) -> list[float]:
        if epoch > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {epoch} times; the specified number of total "
                f"steps is {self.total_steps}"
            )
        values = [self._values(epoch, i) for i in range(len(self.max_lrs))]
        if self._momentum_key is not None:
            for group, (_, momentum) in zip(self.optimizer.param_groups, values):
                if self._momentum_key == "betas":
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum
        return [lr for lr, _ in values]

    def _hyperparameters(self) -> dict[str, Any]:
        return {
            "total_steps": self.total_steps,
            "max_lrs": list(self.max_lrs),
            "pct_start": self.pct_start,
            "anneal_strategy": self.anneal_strategy,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "three_phase": self.three_phase,
            "base_momentums": list(self.base_momentums),
            "max_momentums": list(self.max_momentums),
        }


class ReduceLROnPlateau(LRScheduler):
    """Divide the learning rate by ``1/factor`` when a metric stops improving.

    Call ``step(metric)`` once per epoch with the monitored value (e.g. the
    validation loss). After more than ``patience`` epochs without an improvement
    (``threshold`` relative or absolute), each group's lr becomes
    ``max(lr * factor, min_lr)``, then ``cooldown`` epochs pass before counting
    again. Changes smaller than ``eps`` are skipped. As in PyTorch.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.optim import SGD
    >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
    >>> s = ReduceLROnPlateau(opt, patience=1, factor=0.5)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0]:
    ...     s.step(loss)
    >>> s.get_last_lr()
    [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        owner = "ReduceLROnPlateau"
        if mode not in ("min", "max"):
            raise ValueError(f"{owner}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"{owner}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        self.factor = real(owner, "factor", factor)
        if self.factor >= 1.0:
            raise ValueError(f"{owner}: factor must be < 1.0, got {factor!r}")
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"{owner}: {name} must be an integer >= 0, got {value!r}")
        self.mode, self.threshold_mode = mode, threshold_mode
        self.patience, self.cooldown = int(patience), int(cooldown)
        self.threshold = real(owner, "threshold", threshold)
        self.eps = real(owner, "eps", eps)
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 1
        self.min_lrs = [real(owner, "min_lr", v) for v in _per_group(owner, "min_lr", min_lr, n)]
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        super().__init__(optimizer)

    def _apply(self) -> None:
        # Nothing to compute from the epoch: the rates change only in step().
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _is_better(self, current: float) -> bool:
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return current < self.best * (1.0 - self.threshold)
            return current < self.best - self.threshold
        if self.threshold_mode == "rel":
            return current > self.best * (self.threshold + 1.0)
        return current > self.best + self.threshold

    def step(self, metrics: float) -> None:  # type: ignore[override]
        """Record this epoch's ``metrics`` and reduce the rates if it has plateaued.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, ReduceLROnPlateau
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> for loss in [1.0, 1.0, 1.0]:  # no improvement for patience + 1 = 2 epochs
        ...     sched.step(loss)
        >>> opt.lr
        0.5
        """
        try:
            current = float(metrics)
        except (TypeError, ValueError):
            raise TypeError(
                f"ReduceLROnPlateau.step: expected the monitored metric (a number), got {metrics!r}"
            ) from None
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._apply()

    def _hyperparameters(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "factor": self.factor,
            "patience": self.patience,
            "threshold": self.threshold,
            "threshold_mode": self.threshold_mode,
            "cooldown": self.cooldown,
            "min_lrs": list(self.min_lrs),
            "eps": self.eps,
            "best": self.best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the counters, the best value and the groups' current rates.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, ReduceLROnPlateau
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> sched.step(1.0); sched.step(1.0); sched.step(1.0)
        >>> opt2 = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> resumed = ReduceLROnPlateau(opt2, factor=0.5, patience=1)
        >>> resumed.load_state_dict(sched.state_dict())
        >>> opt2.lr, resumed.best
        (0.5, 1.0)
        """
        super().load_state_dict(state_dict)
        lrs = state_dict.get("last_lrs")
        if lrs is not None:
            for group, lr in zip(self.optimizer.param_groups, lrs):
                group["lr"] = real("ReduceLROnPlateau", "lr", lr)
            self._apply()

    def state_dict(self) -> dict[str, Any]:
        """Counters, settings, and the groups' current rates (which only step() sets).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.optim import SGD, ReduceLROnPlateau
        >>> opt = SGD([ag.tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> sched.step(1.0); sched.step(1.0); sched.step(1.0)
        >>> state = sched.state_dict()
        >>> state["best"], state["num_bad_epochs"], state["last_lrs"]
        (1.0, 0, [0.5])
        """
        return {**super().state_dict(), "last_lrs": list(self._last_lr)}
