"""autograd_mlp: a small, readable, numpy-backed reverse-mode autograd engine.

Examples
--------
>>> import autograd_mlp as ag
>>> x = ag.tensor([1.0, 2.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4.])
"""

# Importing changes no process-wide state: the glibc malloc tuning is an explicit
# call, autograd_mlp.runtime.tune_malloc() (the CLI and fit make it).
from . import runtime  # noqa: F401  # isort: skip

# Tensor first: the engine and ops modules build on it.
from .tensor import Tensor, tensor  # isort: skip
from .creation import (
    arange,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    zeros,
    zeros_like,
)
from .engine import grad
from .errors import AutogradError, OpAxisError, OpError, OpIndexError, OpTypeError, ShapeError
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .op import Op, register_op
from .ops.public import (
    cat,
    chunk,
    concatenate,
    diagonal,
    einsum,
    gather,
    masked_fill,
    maximum,
    minimum,
    one_hot,
    outer,
    pad,
    scatter_add,
    split,
    stack,
    tensordot,
    tril,
    triu,
    where,
)
from .random import manual_seed

# The training stack, so ``ag.nn``, ``ag.optim`` and ``ag.functional`` work.
from . import functional, nn, optim  # isort: skip
from . import func  # isort: skip  # functional transforms (torch.func's names)
from .jit import jit  # noqa: E402  # isort: skip

# Single-sourced: pyproject.toml's version, read back from the installed metadata.
try:
    __version__ = __import__("importlib.metadata").metadata.version(__name__)
except ModuleNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

__all__ = [
    "AutogradError",
    "Op",
    "OpAxisError",
    "OpError",
    "OpIndexError",
    "OpTypeError",
    "ShapeError",
    "Tensor",
    "__version__",
    "arange",
    "cat",
    "chunk",
    "concatenate",
    "diagonal",
    "einsum",
    "empty",
    "enable_grad",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "func",
    "functional",
    "gather",
    "grad",
    "is_grad_enabled",
    "linspace",
    "manual_seed",
    "masked_fill",
    "maximum",
    "minimum",
    "jit",
    "nn",
    "no_grad",
    "one_hot",
    "ones",
    "ones_like",
    "optim",
    "outer",
    "pad",
    "rand",
    "randint",
    "randn",
    "register_op",
    "set_grad_enabled",
    "scatter_add",
    "split",
    "stack",
    "tensor",
    "tensordot",
    "tril",
    "triu",
    "where",
    "zeros",
    "zeros_like",
]
