"""Exceptions raised by autograd_mlp.

Every error names the operation at fault and the shapes or values involved, so a
message read in a training log points at the layer that failed.
"""

from __future__ import annotations


class AutogradError(RuntimeError):
    """Misuse of the autograd machinery (a freed graph, a missing gradient, ...)."""


class OpError(ValueError):
    """An operation was given inputs it cannot work with (shapes, dtypes, values)."""


class ShapeError(OpError):
    """Operand shapes do not fit together, e.g. ``matmul: (32, 784) @ (128, 10)``."""
