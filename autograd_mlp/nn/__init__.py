"""Neural-network building blocks: modules, layers and initialisers.

Examples
--------
>>> import numpy as np
>>> from autograd_mlp import nn
>>> nn.init.manual_seed(0)
>>> net = nn.MLP([2, 8, 3])
>>> net(np.zeros((4, 2), np.float32)).shape
(4, 3)
"""

from . import init
from .layers import MLP, Linear, LogSoftmax, ReLU, Sequential, Sigmoid, Softmax, Tanh
from .module import IncompatibleKeys, Module, Parameter, StateDictError
from .serialization import load, save

__all__ = [
    "MLP",
    "IncompatibleKeys",
    "Linear",
    "LogSoftmax",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "StateDictError",
    "Tanh",
    "init",
    "load",
    "save",
]
