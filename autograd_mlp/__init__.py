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
from .engine import grad
from .errors import AutogradError, OpAxisError, OpError, OpIndexError, OpTypeError, ShapeError
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .op import Op, register_op
from .ops import concatenate, stack

# The training stack, so ``ag.nn``, ``ag.optim`` and ``ag.functional`` work.
from . import functional, nn, optim  # isort: skip
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
    "concatenate",
    "enable_grad",
    "functional",
    "grad",
    "is_grad_enabled",
    "jit",
    "nn",
    "no_grad",
    "optim",
    "register_op",
    "set_grad_enabled",
    "stack",
    "tensor",
]
