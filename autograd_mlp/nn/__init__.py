"""Neural-network building blocks: modules, layers, initialisers and utilities.

Names, constructor arguments, defaults, buffers and ``state_dict`` keys follow
``torch.nn``.

Examples
--------
>>> import numpy as np
>>> from autograd_mlp import nn
>>> nn.init.manual_seed(0)
>>> net = nn.MLP([2, 8, 3])
>>> net(np.zeros((4, 2), np.float32)).shape
(4, 3)
"""

from . import init, utils
from .activation import (
    CELU,
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from .containers import ModuleDict, ModuleList, Sequential
from .dropout import Dropout
from .layers import MLP, Flatten, Identity, Linear
from .module import IncompatibleKeys, Module, Parameter, StateDictError
from .norm import BatchNorm1d, LayerNorm
from .sparse import Embedding

__all__ = [
    "CELU",
    "ELU",
    "GELU",
    "MLP",
    "SELU",
    "BatchNorm1d",
    "Dropout",
    "Embedding",
    "Flatten",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "Identity",
    "IncompatibleKeys",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "Module",
    "ModuleDict",
    "ModuleList",
    "Parameter",
    "ReLU",
    "ReLU6",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Softsign",
    "StateDictError",
    "Tanh",
    "init",
    "utils",
]
