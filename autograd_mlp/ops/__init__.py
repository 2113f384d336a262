"""Every op of autograd_mlp, one module per family.

Importing this package registers each op in :data:`autograd_mlp.op.REGISTRY`.
The functions here accept Tensors (and record a graph node) or plain ndarrays
(and just compute), so backward formulas can call them in both modes.
"""

from .elementwise import (
    Abs,
    Add,
    AsType,
    Clip,
    Div,
    Exp,
    Log,
    Mul,
    Neg,
    Pow,
    Relu,
    Sigmoid,
    Sqrt,
    Sub,
    Tanh,
    abs,
    add,
    astype,
    clip,
    div,
    exp,
    log,
    mul,
    neg,
    pow,
    relu,
    sigmoid,
    sqrt,
    sub,
    tanh,
)
from .linalg import Linear, MatMul, linear, matmul
from .reductions import LogSumExp, Max, Mean, Min, Sum, logsumexp, max, mean, min, sum
from .shape import (
    BroadcastTo,
    Concatenate,
    GetItem,
    Reshape,
    ScatterAdd,
    Stack,
    Transpose,
    broadcast_to,
    concatenate,
    getitem,
    reshape,
    stack,
    transpose,
)
from .softmax import LogSoftmax, Softmax, log_softmax, softmax

__all__ = [
    "Abs", "Add", "AsType", "BroadcastTo", "Clip", "Concatenate", "Div", "Exp", "GetItem",
    "Linear", "Log", "LogSoftmax", "LogSumExp", "MatMul", "Max", "Mean", "Min", "Mul", "Neg",
    "Pow", "Relu", "Reshape", "ScatterAdd", "Sigmoid", "Softmax", "Sqrt", "Stack", "Sub", "Sum",
    "Tanh", "Transpose",
    "abs", "add", "astype", "broadcast_to", "clip", "concatenate", "div", "exp", "getitem",
    "linear", "log", "log_softmax", "logsumexp", "matmul", "max", "mean", "min", "mul", "neg",
    "pow", "relu", "reshape", "sigmoid", "softmax", "sqrt", "stack", "sub", "sum", "tanh",
    "transpose",
]
