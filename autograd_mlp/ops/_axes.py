"""Axis arguments: PyTorch's ``dim=``/``keepdim=`` beside numpy's ``axis=``/``keepdims=``,
and range checks that name the op.

The aliases are resolved in the public methods and functions only; the dual
functions that backward formulas call take ``axis`` alone, so the hot path pays
for nothing.
"""

from __future__ import annotations

from typing import Any

from .._defaults import Default
from ..errors import OpAxisError, OpTypeError

Axis = int | tuple[int, ...] | None


def pick(fn: str, name: str, value: Any, alias: str, alias_value: Any, default: Any = None) -> Any:
    """``value`` or its alias; both given is a TypeError naming ``fn``.

    Examples
    --------
    >>> pick("sum", "axis", None, "dim", 1)
    1
    """
    if type(value) is Default:  # the signature's own default: not passed
        return int(value) if alias_value is None else alias_value
    if alias_value is None:
        return value
    if value is not default:
        raise OpTypeError(f"{fn}() got both {name}= and {alias}= (the same argument); pass one")
    return alias_value


def normalize(fn: str, axis: int, ndim: int | tuple[int, ...]) -> int:
    """``axis`` as a non-negative int for ``ndim`` dimensions (0-d inputs take 0 or -1,
    as PyTorch's).

    Examples
    --------
    >>> normalize("flip", -1, 3)
    2
    """
    if not isinstance(axis, int) or isinstance(axis, bool):
        try:
            axis = int(axis.__index__())
        except AttributeError:
            raise OpTypeError(f"{fn}: axis must be an int, got {axis!r}") from None
    where = f"input of shape {ndim}" if isinstance(ndim, tuple) else f"{ndim}-d input"
    if isinstance(ndim, tuple):
        ndim = len(ndim)
    n = ndim or 1
    if not -n <= axis < n:
        raise OpAxisError(f"{fn}: {where}: axis {axis} is out of range (valid: {-n}..{n - 1})")
    return axis % n


def normalize_many(fn: str, axis: Axis, ndim: int | tuple[int, ...]) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple) as a sorted tuple of non-negative axes.

    Examples
    --------
    >>> normalize_many("sum", (-1, 0), 3)
    (0, 2)
    >>> normalize_many("sum", None, 2)
    (0, 1)
    """
    n = len(ndim) if isinstance(ndim, tuple) else ndim
    if axis is None:
        return tuple(range(n))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    out = sorted({normalize(fn, a, ndim) for a in axes})
    if len(out) != len(axes):
        raise OpAxisError(f"{fn}: repeated axis in {axis!r}")
    if n == 0:
        return ()
    return tuple(out)
