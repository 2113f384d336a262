"""Reductions over axes: sum, mean, max, min, logsumexp.

``axis`` is an int, a tuple of ints, or ``None`` (all axes), with numpy's
semantics. Each backward returns the gradient with the reduced axes kept as
size 1; the engine broadcasts it back up to the input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..op import Op, dispatch, register
from .elementwise import exp

Axis = int | tuple[int, ...] | None


def _reduced_axes(ndim: int, axis: Axis) -> set[int]:
    if axis is None:
        return set(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if not -ndim <= a < (ndim or 1):  # not max(): this module's max() shadows it
            raise ValueError(f"axis {a} is out of range for a {ndim}-d input")
    return {a % (ndim or 1) for a in axes}


def _kept_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (the ``keepdims=True`` shape)."""
    reduced = _reduced_axes(len(shape), axis)
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


def _dropped_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    """``shape`` with the reduced axes removed (the ``keepdims=False`` shape)."""
    reduced = _reduced_axes(len(shape), axis)
    return tuple(n for i, n in enumerate(shape) if i not in reduced)


# np.mean sums these in their own dtype (float16 it sums in float32).
_EXACT_MEAN = (np.dtype(np.float32), np.dtype(np.float64))


class _Reduction(Op):
    """Shared bookkeeping: remember the kept-dims shape, which backward needs."""

    def _keep(self, x: np.ndarray, axis: Axis) -> None:
        self.kept = _kept_shape(x.shape, axis)


@register("reduce", lambda x, axis=None, keepdims=False: np.sum(x, axis=axis, keepdims=keepdims))
class Sum(_Reduction):
    """Sum over ``axis``.

    Derivative: d/dx_i = 1 for every summed element (the gradient is broadcast back)
    """

    name = "sum"

    def forward(self, x, axis=None, keepdims=False):
        out = x.sum(axis=axis, keepdims=keepdims)
        self._keep(x, axis)
        return np.asarray(out)

    def backward(self, g, out, x):
        return (g.reshape(self.kept),)


@register("reduce", lambda x, axis=None, keepdims=False: np.mean(x, axis=axis, keepdims=keepdims))
class Mean(_Reduction):
    """Mean over ``axis``.

    Derivative: d/dx_i = 1/n, n the number of elements averaged
    """

    name = "mean"

    def forward(self, x, axis=None, keepdims=False):
        if x.size and x.dtype in _EXACT_MEAN:
            # The sum divided by the count: the value np.mean computes, without
            # its Python-level wrapper (1 µs instead of 4 on a small array).
            out = np.asarray(np.add.reduce(x, axis=axis, keepdims=keepdims))
            self.n = x.size // out.size
            out = np.asarray(out / self.n)
        else:
            out = np.asarray(x.mean(axis=axis, keepdims=keepdims))
            self.n = x.size // out.size if out.size else 1
        self._keep(x, axis)
        return out

    def backward(self, g, out, x):
        return (g.reshape(self.kept) / self.n,)


class _Extremum(_Reduction):
    """max and min: the gradient goes to the extreme element(s). Where several
    elements tie, it is shared equally among them, as ``torch.amax`` does."""

    pick: Any = None

    def forward(self, x, axis=None, keepdims=False):
        if x.size == 0:
            raise ValueError("zero-size input has no " + self.name)
        extreme = self.pick(x, axis=axis, keepdims=True)
        self._keep(x, axis)
        hits = x == extreme
        self.share = hits / hits.sum(axis=axis, keepdims=True).astype(x.dtype)
        return extreme if keepdims else extreme.reshape(_dropped_shape(x.shape, axis))

    def backward(self, g, out, x):
        return (g.reshape(self.kept) * self.share,)


@register(
    "reduce",
    lambda x, axis=None, keepdims=False: np.max(x, axis=axis, keepdims=keepdims),
    ties=True,
)
class Max(_Extremum):
    """Maximum over ``axis`` (values only, as numpy).

    Derivative: d/dx_i = 1 at the maximum, 0 elsewhere; ties share it equally
    """

    name = "max"
    pick = staticmethod(np.max)


@register(
    "reduce",
    lambda x, axis=None, keepdims=False: np.min(x, axis=axis, keepdims=keepdims),
    ties=True,
)
class Min(_Extremum):
    """Minimum over ``axis`` (values only, as numpy).

    Derivative: d/dx_i = 1 at the minimum, 0 elsewhere; ties share it equally
    """

    name = "min"
    pick = staticmethod(np.min)


def _logsumexp(x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    # Shift by the maximum so the largest exponent is e**0: no overflow at 1e4.
    shift = np.max(x, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0)
    out = np.log(np.sum(np.exp(x - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else out.reshape(_dropped_shape(x.shape, axis))


@register("reduce", _logsumexp)
class LogSumExp(_Reduction):
    """``log(sum(exp(x)))`` over ``axis``, shifted by the maximum for stability.

    Derivative: d/dx_i = exp(x_i - out), the softmax of x
    """

    name = "logsumexp"

    def forward(self, x, axis=None, keepdims=False):
        out = _logsumexp(x, axis=axis, keepdims=keepdims)
        self._keep(x, axis)
        return out

    def backward(self, g, out, x):
        return (g.reshape(self.kept) * exp(x - out.reshape(self.kept)),)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return dispatch(Sum, x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    return dispatch(Mean, x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return dispatch(Max, x, axis=axis, keepdims=keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return dispatch(Min, x, axis=axis, keepdims=keepdims)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    return dispatch(LogSumExp, x, axis=axis, keepdims=keepdims)
