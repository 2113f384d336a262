"""Exceptions raised by autograd_mlp.

Every error names the operation at fault and the shapes or values involved, so a
message read in a training log points at the layer that failed.

An op error caused by a wrong index, axis or type is also an instance of the
class numpy raises for it, so ``except IndexError`` works as it would in numpy
and PyTorch:

>>> import numpy as np
>>> issubclass(OpIndexError, IndexError), issubclass(OpAxisError, np.exceptions.AxisError)
(True, True)
"""

from __future__ import annotations

import numpy as np


class AutogradError(RuntimeError):
    """Misuse of the autograd machinery (a freed graph, a missing gradient, ...).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> try:
    ...     ag.tensor([1, 2], requires_grad=True)
    ... except ag.AutogradError as e:
    ...     print(isinstance(e, RuntimeError))
    True
    """


class OpError(ValueError):
    """An operation was given inputs it cannot work with (shapes, dtypes, values).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> issubclass(ag.ShapeError, ag.OpError), issubclass(ag.OpError, ValueError)
    (True, True)
    """


class ShapeError(OpError):
    """Operand shapes do not fit together, e.g. ``matmul: (32, 784) @ (128, 10)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> try:
    ...     ag.ones(2, 3) @ ag.ones(2, 3)
    ... except ag.ShapeError as e:
    ...     print(isinstance(e, ValueError))
    True
    """


class OpIndexError(OpError, IndexError):
    """An index out of range or of the wrong kind, e.g. ``getitem: index 5, shape (3,)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> try:
    ...     ag.ones(3)[5]
    ... except IndexError as e:
    ...     print(type(e).__name__)
    OpIndexError
    """


class OpTypeError(OpError, TypeError):
    """An operand of a type the op cannot take.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> issubclass(ag.OpTypeError, TypeError), issubclass(ag.OpTypeError, ag.OpError)
    (True, True)
    """


class OpAxisError(OpError, np.exceptions.AxisError):
    """An axis out of range for the operand's number of dimensions.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> try:
    ...     ag.ones(2, 3).sum(axis=2)
    ... except ag.OpAxisError as e:
    ...     print(isinstance(e, IndexError), isinstance(e, ValueError))
    True True
    """

    def __init__(self, message: str) -> None:
        np.exceptions.AxisError.__init__(self, message)


def op_error_like(exc: BaseException, message: str) -> OpError:
    """The :class:`OpError` subclass matching numpy's ``exc``, with ``message``.

    Examples
    --------
    >>> type(op_error_like(IndexError("x"), "getitem: ...")).__name__
    'OpIndexError'
    >>> type(op_error_like(ValueError("operands could not be broadcast together"), "mul")).__name__
    'ShapeError'
    """
    if isinstance(exc, np.exceptions.AxisError):
        return OpAxisError(message)
    if isinstance(exc, IndexError):
        return OpIndexError(message)
    if isinstance(exc, TypeError):
        return OpTypeError(message)
    if any(word in str(exc) for word in _SHAPE_WORDS):
        return ShapeError(message)
    return OpError(message)


# What numpy's ValueErrors say when operand shapes do not fit together.
_SHAPE_WORDS = ("broadcast", "shape", "dimension", "reshape")


__all__ = [
    "AutogradError",
    "OpAxisError",
    "OpError",
    "OpIndexError",
    "OpTypeError",
    "ShapeError",
    "op_error_like",
]
