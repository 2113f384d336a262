"""Optimisers and learning-rate schedules, matching ``torch.optim`` step for step.

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
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "Optimizer",
    "RMSprop",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
    "lr_scheduler",
]
