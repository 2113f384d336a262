"""Indexing along an axis with index arrays (gather, scatter_add), masks
(masked_fill, tril, triu), diagonals and one-hot encoding.

``gather`` and ``scatter_add`` are primitives (each is the other's gradient);
the rest are compositions of ``where`` and ``getitem``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError, OpIndexError, OpTypeError, ShapeError
from ..op import Op, dispatch, register
from ..tensor import Tensor
from ._axes import normalize
from .elementwise import where
from .shape import getitem, pad, transpose


def _check_index(
    fn: str,
    shape: tuple[int, ...],
    axis: int,
    index: Any,
    other: str = "input",
    bounds: tuple[int, ...] | None = None,
) -> np.ndarray:
    """``index`` as an integer ndarray fit for ``fn`` along ``axis`` of ``shape``."""
    index = index.data if isinstance(index, Tensor) else np.asarray(index)
    if index.dtype.kind not in "iu":
        raise OpTypeError(f"{fn}: index must be integers, got dtype {index.dtype}")
    if index.ndim != len(shape):
        raise OpIndexError(
            f"{fn}: index of shape {index.shape} has {index.ndim} axes; the {other} of "
            f"shape {shape} has {len(shape)} (they must match)"
        )
    limits = bounds if bounds is not None else shape
    for d, (n, m) in enumerate(zip(index.shape, limits)):
        if d != axis and n > m:
            raise OpIndexError(
                f"{fn}: index of shape {index.shape} is larger than the {other} of shape "
                f"{limits} along axis {d}"
            )
    size = shape[axis]
    if index.size and (index.min() < 0 or index.max() >= size):
        bad = int(index.flat[np.flatnonzero((index < 0) | (index >= size))[0]])
        raise OpIndexError(
            f"{fn}: index value {bad} is out of range for axis {axis} of size {size} "
            f"(shape {shape}; valid 0..{size - 1})"
        )
    return index


def _full_index(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """The advanced index that picks ``index`` along ``axis`` and the position elsewhere."""
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _gather(x: np.ndarray, axis: int, index: np.ndarray) -> np.ndarray:
    return x[_full_index(np.asarray(index), axis % x.ndim)]


@register("gather", lambda x, axis, index: _gather(x, axis, index))
class Gather(Op):
    """``out[i, j] = x[index[i, j], j]`` (for ``axis=0``), as ``torch.gather``.

    Derivative: the gradient scatter-added back to the gathered positions
    """

    name = "gather"
    uses_inputs = False
    uses_output = False

    def forward(self, x, axis, index):
        axis = normalize(self.name, axis, x.shape)
        index = _check_index(self.name, x.shape, axis, index)
        self.save(axis=axis, index=index, shape=x.shape)
        return x[_full_index(index, axis)]

    def backward(self, g, out, x):
        s = self.saved
        zeros = np.zeros(s.shape, dtype=g.dtype)
        return (dispatch(ScatterAddAlong, zeros, g, axis=s.axis, index=s.index),)


def _scatter_add_along(x: np.ndarray, src: np.ndarray, axis: int, index: np.ndarray) -> np.ndarray:
    index = np.asarray(index)
    # numpy's promotion, as for ``x + src``: np.add.at would cast src down to x's
    # dtype and silently truncate a float src added into an integer x.
    out = np.array(x, dtype=np.result_type(x, src), copy=True)
    np.add.at(out, _full_index(index, axis % x.ndim), src[tuple(slice(0, n) for n in index.shape)])
    return out


@register("scatter_add_along", _scatter_add_along)
class ScatterAddAlong(Op):
    """``x`` with ``src`` added at ``index`` along ``axis`` (repeats add up), as
    ``torch.Tensor.scatter_add``.

    Derivative: d/dx = 1; d/dsrc = the gradient gathered at ``index`` (0 beyond it)
    """

    name = "scatter_add_along"
    uses_inputs = False
    uses_output = False

    def forward(self, x, src, axis, index):
        axis = normalize("scatter_add", axis, x.shape)
        if src.ndim != x.ndim:
            raise ShapeError(
                f"scatter_add: src of shape {src.shape} and input of shape {x.shape} "
                "must have the same number of axes"
            )
        index = np.asarray(index.data if isinstance(index, Tensor) else index)
        if index.ndim == src.ndim and any(n > m for n, m in zip(index.shape, src.shape)):
            raise OpIndexError(
                f"scatter_add: index of shape {index.shape} is larger than src of shape {src.shape}"
            )
        index = _check_index("scatter_add", x.shape, axis, index)
        self.save(axis=axis, index=index, src_shape=src.shape)
        return _scatter_add_along(x, src, axis, index)

    def backward(self, g, out, x, src):
        s = self.saved
        need_x, need_src = self.needs_input_grad
        gsrc = None
        if need_src:
            gsrc = dispatch(Gather, g, axis=s.axis, index=s.index)
            extra = [(0, m - n) for n, m in zip(s.index.shape, s.src_shape)]
            if any(b for _, b in extra):
                gsrc = pad(gsrc, tuple(extra))
        return (g if need_x else None), gsrc


def gather(x: Any, axis: int, index: Any) -> Any:
    return dispatch(Gather, x, axis=axis, index=index)


def scatter_add(x: Any, axis: int, index: Any, src: Any) -> Any:
    return dispatch(ScatterAddAlong, x, src, axis=axis, index=index)


# --------------------------------------------------------------------------- compositions
def masked_fill(x: Any, mask: Any, value: float) -> Any:
    mask = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if mask.dtype != bool:
        raise OpTypeError(f"masked_fill: mask must be boolean, got dtype {mask.dtype}")
    try:
        np.broadcast_shapes(mask.shape, x.shape)
    except ValueError:
        raise ShapeError(
            f"masked_fill: mask of shape {mask.shape} does not broadcast to input {x.shape}"
        ) from None
    if isinstance(value, Tensor):
        value = value.data if value.ndim == 0 else value
    out = where(value, x, cond=mask)
    if out.shape != x.shape:
        raise ShapeError(f"masked_fill: mask of shape {mask.shape} would grow input {x.shape}")
    return out


def _triangle(fn: str, x: Any, k: int, lower: bool) -> Any:
    if x.ndim < 2:
        raise ShapeError(f"{fn}: needs an input with at least 2 axes, got shape {x.shape}")
    n, m = x.shape[-2:]
    keep = np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)
    return where(x, 0, cond=keep)


def tril(x: Any, k: int = 0) -> Any:
    return _triangle("tril", x, k, lower=True)


def triu(x: Any, k: int = 0) -> Any:
    return _triangle("triu", x, k, lower=False)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    if x.ndim < 2:
        raise ShapeError(f"diagonal: needs an input with at least 2 axes, got shape {x.shape}")
    a1, a2 = normalize("diagonal", axis1, x.shape), normalize("diagonal", axis2, x.shape)
    if a1 == a2:
        raise OpError(f"diagonal: axis1 and axis2 are both axis {a1}")
    rest = [i for i in range(x.ndim) if i not in (a1, a2)]
    moved = transpose(x, tuple(rest + [a1, a2]))
    n, m = x.shape[a1], x.shape[a2]
    start_r, start_c = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n - start_r, m - start_c))
    rows = np.arange(start_r, start_r + length)
    return getitem(moved, (Ellipsis, rows, rows + (start_c - start_r)))


def one_hot(labels: Any, num_classes: int = -1) -> Tensor:
    data = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    if data.dtype.kind not in "iu":
        raise OpTypeError(f"one_hot: labels must be integers, got dtype {data.dtype}")
    if num_classes == -1:
        num_classes = int(data.max()) + 1 if data.size else 0
    if data.size and (data.min() < 0 or data.max() >= num_classes):
        bad = int(data.flat[np.flatnonzero((data < 0) | (data >= num_classes))[0]])
        raise OpIndexError(
            f"one_hot: label {bad} is out of range for num_classes={num_classes} "
            f"(labels of shape {data.shape})"
        )
    out = np.zeros(data.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, data.astype(np.int64)[..., None], 1, axis=-1)
    return Tensor._make(out)
