"""autograd_mlp: a small, readable, numpy-backed reverse-mode autograd engine.

Examples
--------
>>> import autograd_mlp as ag
>>> x = ag.tensor([1.0, 2.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4.])
"""

# Process-wide performance defaults (glibc malloc thresholds): see runtime.py and
# docs/performance.md; AUTOGRAD_MLP_MALLOC_TUNING=0 turns them off.
from . import runtime  # noqa: F401  # isort: skip

# Tensor first: the engine and ops modules build on it.
from .tensor import Tensor, tensor  # isort: skip
from .engine import grad
from .errors import AutogradError, OpError, ShapeError
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .op import Op, register_op
from .ops import concatenate, stack

# The training stack, so ``ag.nn``, ``ag.optim`` and ``ag.functional`` work.
from . import functional, nn, optim  # isort: skip
from . import func  # isort: skip  # functional transforms (torch.func's names)

__version__ = "0.1.0"

__all__ = [
    "AutogradError",
    "Op",
    "OpError",
    "ShapeError",
    "Tensor",
    "__version__",
    "concatenate",
    "enable_grad",
    "func",
    "functional",
    "grad",
    "is_grad_enabled",
    "nn",
    "no_grad",
    "optim",
    "register_op",
    "stack",
    "tensor",
]
