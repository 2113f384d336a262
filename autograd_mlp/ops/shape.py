"""Ops that move values around without changing them: reshape, transpose,
indexing, broadcasting, concatenation and stacking. Their gradients move the
incoming gradient back to where each value came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..op import Op, dispatch, register
from ..tensor import Tensor


@register("reshape", lambda x, shape: np.reshape(x, shape))
class Reshape(Op):
    """Same values, new shape (``-1`` infers one dimension).

    Derivative: the gradient reshaped back to the input's shape
    """

    name = "reshape"

    def forward(self, x, shape):
        self.in_shape = x.shape
        return x.reshape(shape)

    def backward(self, g, out, x):
        return (g.reshape(self.in_shape),)


@register("transpose", lambda x, axes=None: np.transpose(x, axes))
class Transpose(Op):
    """Permute axes (numpy semantics: a full permutation; ``None`` reverses them).

    Derivative: the gradient permuted back by the inverse permutation
    """

    name = "transpose"

    def forward(self, x, axes=None):
        out = np.transpose(x, axes)
        # Normalise first: argsort of negative axes is not the inverse, and a
        # concrete tuple (never None) also works when backward gets Tensors.
        perm = range(x.ndim)[::-1] if axes is None else [a % x.ndim for a in axes]
        self.inverse = tuple(int(i) for i in np.argsort(perm))
        return out

    def backward(self, g, out, x):
        return (g.transpose(self.inverse),)


def _plain_index(index: Any) -> Any:
    """Unwrap Tensors used as indices (``x[idx_tensor]``)."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def _is_basic(index: Any) -> bool:
    """Basic indexing (ints, slices, None, ...) never selects an element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in parts)


@register("getitem", lambda x, index: x[index])
class GetItem(Op):
    """Indexing ``x[index]``: basic slicing and integer-array (advanced) indexing.

    Derivative: the gradient scattered back into zeros; repeated indices add up
    """

    name = "getitem"

    def forward(self, x, index):
        self.index = _plain_index(index)
        self.in_shape = x.shape
        return np.asarray(x[self.index])

    def backward(self, g, out, x):
        return (dispatch(ScatterAdd, g, index=self.index, shape=self.in_shape),)


def _scatter_add(g: np.ndarray, index: Any, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)  # unlike out[index] += g, adds repeats up
    return out


@register("scatter_add", _scatter_add, internal=True)
class ScatterAdd(Op):
    """Add ``g`` into zeros of ``shape`` at ``index`` (getitem's backward).

    Derivative: d/dg = the gradient read back at ``index`` (a getitem)
    """

    name = "scatter_add"

    def forward(self, g, index, shape):
        self.index = index
        return _scatter_add(g, index, shape)

    def backward(self, g_out, out, g):
        return (g_out[self.index],)


@register("broadcast_to", lambda x, shape: np.broadcast_to(x, shape))
class BroadcastTo(Op):
    """Broadcast to ``shape`` with numpy's rules (a read-only view).

    Derivative: 1; the engine sums the gradient over the broadcast dimensions
    """

    name = "broadcast_to"

    def forward(self, x, shape):
        return np.broadcast_to(x, shape)

    def backward(self, g, out, x):
        return (g,)


def _along(axis: int, ndim: int, index: Any) -> tuple[Any, ...]:
    """An index selecting ``index`` along ``axis`` and everything elsewhere."""
    return (slice(None),) * (axis % ndim) + (index,)


@register("concatenate", lambda *xs, axis=0: np.concatenate(xs, axis=axis))
class Concatenate(Op):
    """Join tensors along an existing axis.

    Derivative: each input gets its own slice of the gradient
    """

    name = "concatenate"

    def forward(self, *xs, axis=0):
        out = np.concatenate(xs, axis=axis)
        self.axis = axis
        self.bounds = np.cumsum([0] + [x.shape[axis] for x in xs]).tolist()
        return out

    def backward(self, g, out, *xs):
        b = self.bounds
        return tuple(g[_along(self.axis, g.ndim, slice(b[i], b[i + 1]))] for i in range(len(xs)))


@register("stack", lambda *xs, axis=0: np.stack(xs, axis=axis))
class Stack(Op):
    """Join tensors along a new axis.

    Derivative: each input gets its own slice of the gradient
    """

    name = "stack"

    def forward(self, *xs, axis=0):
        out = np.stack(xs, axis=axis)
        self.axis = axis
        return out

    def backward(self, g, out, *xs):
        return tuple(g[_along(self.axis, g.ndim, i)] for i in range(len(xs)))


def reshape(x: Any, shape: tuple[int, ...]) -> Any:
    return dispatch(Reshape, x, shape=shape)


def transpose(x: Any, axes: tuple[int, ...] | None = None) -> Any:
    return dispatch(Transpose, x, axes=axes)


def getitem(x: Any, index: Any) -> Any:
    return dispatch(GetItem, x, index=index)


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    return dispatch(BroadcastTo, x, shape=shape)


def concatenate(seq: Sequence[Any], axis: int = 0) -> Any:
    """Join a sequence of tensors along an existing axis, as ``np.concatenate``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.concatenate([ag.tensor([1.0]), ag.tensor([2.0, 3.0])]).shape
    (3,)
    """
    return dispatch(Concatenate, *seq, axis=axis)


def stack(seq: Sequence[Any], axis: int = 0) -> Any:
    """Join a sequence of same-shaped tensors along a new axis, as ``np.stack``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.stack([ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    return dispatch(Stack, *seq, axis=axis)
