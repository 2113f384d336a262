"""Errors that are both the package's :class:`~autograd_mlp.errors.OpError` and the
class numpy and PyTorch raise for the same mistake, so ``except IndexError`` and
``except OpError`` both catch a bad index.

The engine helper may add the same classes to :mod:`autograd_mlp.errors`; these
are used only when it does not define them.
"""

from __future__ import annotations

import numpy as np

from .. import errors as _errors
from ..errors import OpError

__all__ = ["OpAxisError", "OpIndexError", "OpTypeError"]


class _OpIndexError(OpError, IndexError):
    """A bad index (out of range, wrong rank) given to an op."""


class _OpTypeError(OpError, TypeError):
    """An argument of the wrong type (or an unknown one) given to an op."""


class _OpAxisError(OpError, np.exceptions.AxisError):
    """An axis out of range for the op's input."""

    def __init__(self, message: str) -> None:
        # AxisError's own __init__ formats (axis, ndim); keep ours verbatim.
        Exception.__init__(self, message)
        self._msg = message

    def __str__(self) -> str:
        return self._msg


OpIndexError: type[OpError] = getattr(_errors, "OpIndexError", _OpIndexError)
OpTypeError: type[OpError] = getattr(_errors, "OpTypeError", _OpTypeError)
OpAxisError: type[OpError] = getattr(_errors, "OpAxisError", _OpAxisError)
