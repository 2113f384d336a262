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
from .loss import SoftmaxCrossEntropy, softmax_cross_entropy
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
    "Abs",
    "Add",
    "AsType",
    "BroadcastTo",
    "Clip",
    "Concatenate",
    "Div",
    "Exp",
    "GetItem",
    "Linear",
    "Log",
    "LogSoftmax",
    "LogSumExp",
    "MatMul",
    "Max",
    "Mean",
    "Min",
    "Mul",
    "Neg",
    "Pow",
    "Relu",
    "Reshape",
    "ScatterAdd",
    "Sigmoid",
    "Softmax",
    "SoftmaxCrossEntropy",
    "Sqrt",
    "Stack",
    "Sub",
    "Sum",
    "Tanh",
    "Transpose",
    "abs",
    "add",
    "astype",
    "broadcast_to",
    "clip",
    "concatenate",
    "div",
    "exp",
    "getitem",
    "linear",
    "log",
    "log_softmax",
    "logsumexp",
    "matmul",
    "max",
    "mean",
    "min",
    "mul",
    "neg",
    "pow",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "sqrt",
    "stack",
    "sub",
    "sum",
    "tanh",
    "transpose",
]

from .activations import Log1pExp, NormalCdf, log1pexp, normal_cdf  # noqa: E402

__all__ += ["Log1pExp", "NormalCdf", "log1pexp", "normal_cdf"]

from .loss import BinaryCrossEntropy, binary_cross_entropy  # noqa: E402

__all__ += ["BinaryCrossEntropy", "binary_cross_entropy"]
