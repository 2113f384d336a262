"""Optimisers (``SGD``, ``Adam``) and learning-rate schedules.

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp import optim
>>> w = ag.tensor([2.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.25)
>>> (w * w).sum().backward(); opt.step(); opt.zero_grad()
>>> w  # 2 - 0.25 * 4
tensor([1.], requires_grad=True)
"""

from . import lr_scheduler
from .adam import Adam
from .lr_scheduler import CosineAnnealingLR, LRScheduler, StepLR
from .optimizer import Optimizer
from .sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "CosineAnnealingLR",
    "LRScheduler",
    "Optimizer",
    "StepLR",
    "lr_scheduler",
]
