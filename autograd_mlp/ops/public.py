"""The combining and joining functions of the public API (``ag.where``,
``ag.einsum``, ``ag.cat``, ...), each a thin layer over the ops, that accepts
PyTorch's ``dim=`` beside ``axis=`` and always returns Tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._defaults import ONE, ZERO
from ..tensor import Tensor
from . import elementwise, indexing, linalg, shape
from ._axes import pick

__all__ = [
    "cat",
    "chunk",
    "concatenate",
    "diagonal",
    "einsum",
    "gather",
    "masked_fill",
    "maximum",
    "minimum",
    "one_hot",
    "outer",
    "pad",
    "scatter_add",
    "split",
    "stack",
    "tensordot",
    "tril",
    "triu",
    "where",
]


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def concatenate(seq: Sequence[Any], axis: int = ZERO, *, dim: int | None = None) -> Tensor:
    """Join a sequence of tensors along an existing axis, as ``np.concatenate``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.concatenate([ag.tensor([1.0]), ag.tensor([2.0, 3.0])]).shape
    (3,)
    """
    axis = pick("concatenate", "axis", axis, "dim", dim)
    return shape.Concatenate.apply(*seq, axis=axis)


def cat(seq: Sequence[Any], axis: int = ZERO, *, dim: int | None = None) -> Tensor:
    """``concatenate`` under PyTorch's name.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.cat([ag.zeros(2, 1), ag.ones(2, 2)], dim=1).tolist()
    [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]
    """
    axis = pick("cat", "axis", axis, "dim", dim)
    return shape.Concatenate.apply(*seq, axis=axis)


def stack(seq: Sequence[Any], axis: int = ZERO, *, dim: int | None = None) -> Tensor:
    """Join a sequence of same-shaped tensors along a new axis, as ``np.stack``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.stack([ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    axis = pick("stack", "axis", axis, "dim", dim)
    return shape.Stack.apply(*seq, axis=axis)


def split(
    t: Any, size_or_sections: Any, axis: int = ZERO, *, dim: int | None = None
) -> tuple[Tensor, ...]:
    """Split into pieces of ``size_or_sections`` elements along ``axis`` (the last
    one smaller), or into pieces of the listed sizes, as ``torch.split``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> [p.tolist() for p in ag.split(ag.arange(5), 2)]
    [[0, 1], [2, 3], [4]]
    >>> [p.shape for p in ag.split(ag.zeros(2, 5), [1, 4], dim=1)]
    [(2, 1), (2, 4)]
    """
    axis = pick("split", "axis", axis, "dim", dim)
    return shape.split(_t(t), size_or_sections, axis)


def chunk(t: Any, chunks: int, axis: int = ZERO, *, dim: int | None = None) -> tuple[Tensor, ...]:
    """Split into ``chunks`` nearly equal pieces along ``axis`` (possibly fewer), as
    ``torch.chunk``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> [p.tolist() for p in ag.chunk(ag.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    axis = pick("chunk", "axis", axis, "dim", dim)
    return shape.chunk(_t(t), chunks, axis)


def pad(t: Any, pad_width: Any, value: float = 0.0) -> Tensor:
    """Pad with the constant ``value``; ``pad_width`` as numpy's (an int, one
    ``(before, after)`` pair, or one pair per axis).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.pad(ag.ones(2), (1, 2)).tolist()
    [0.0, 1.0, 1.0, 0.0, 0.0]
    """
    return shape.Pad.apply(t, pad_width=pad_width, value=value)


def tril(t: Any, k: int = 0) -> Tensor:
    """Zero the elements above diagonal ``k`` of the last two axes.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.tril(ag.ones(2, 2)).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return indexing.tril(_t(t), k)


def triu(t: Any, k: int = 0) -> Tensor:
    """Zero the elements below diagonal ``k`` of the last two axes.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.triu(ag.ones(2, 2)).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return indexing.triu(_t(t), k)


def diagonal(
    t: Any,
    offset: int = 0,
    axis1: int = ZERO,
    axis2: int = ONE,
    *,
    dim1: int | None = None,
    dim2: int | None = None,
) -> Tensor:
    """The diagonal of the ``axis1``/``axis2`` planes, appended as the last axis
    (``np.diagonal`` and ``torch.diagonal``).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.diagonal(ag.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 4.0]
    """
    axis1 = pick("diagonal", "axis1", axis1, "dim1", dim1)
    axis2 = pick("diagonal", "axis2", axis2, "dim2", dim2)
    return indexing.diagonal(_t(t), offset, axis1, axis2)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; where ``a`` and ``b`` tie each gets half the gradient.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.maximum(ag.tensor([1.0, 5.0]), 2.0).tolist()
    [2.0, 5.0]
    """
    return elementwise.Maximum.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; ties share the gradient.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.minimum(ag.tensor([1.0, 5.0]), 2.0).tolist()
    [1.0, 2.0]
    """
    return elementwise.Minimum.apply(a, b)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``cond`` is True, ``b`` elsewhere (all three broadcast); the
    condition gets no gradient.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor([-1.0, 2.0])
    >>> ag.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    cond = cond.data if isinstance(cond, Tensor) else np.asarray(cond)
    if cond.dtype != bool:
        cond = cond.astype(bool)
    return elementwise.Where.apply(a, b, cond=cond)


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation in numpy's notation (``...`` included); differentiable
    in every operand, to any order.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.einsum("ij,j->i", ag.ones(2, 3), ag.ones(3)).tolist()
    [3.0, 3.0]
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return linalg.Einsum.apply(*operands, subscripts=subscripts)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Tensor:
    """Contract ``axes`` of ``a`` and ``b`` (``np.tensordot``; an einsum).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.tensordot(ag.ones(2, 3), ag.ones(3, 4), axes=1).shape
    (2, 4)
    """
    return linalg.tensordot(_t(a), _t(b), axes)


def outer(a: Any, b: Any) -> Tensor:
    """Outer product of two vectors (flattened first, as numpy).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.outer(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 10.0])).tolist()
    [[1.0, 10.0], [2.0, 20.0]]
    """
    return linalg.outer(_t(a), _t(b))


def gather(t: Any, axis: int | None = None, index: Any = None, *, dim: int | None = None) -> Tensor:
    """``out[i][j] = t[index[i][j]][j]`` for ``axis=0`` (and likewise along any axis),
    as ``torch.gather``: ``index`` has ``t``'s number of axes.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.gather(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, [[1], [0]]).tolist()
    [[2.0], [3.0]]
    """
    axis = pick("gather", "axis", axis, "dim", dim)
    if axis is None or index is None:
        raise TypeError("gather() needs an axis (axis= or dim=) and an index")
    return indexing.Gather.apply(t, axis=axis, index=index)


def scatter_add(
    t: Any, axis: int | None = None, index: Any = None, src: Any = None, *, dim: int | None = None
) -> Tensor:
    """A copy of ``t`` with ``src`` added at ``index`` along ``axis`` (repeats add up),
    as ``torch.scatter_add``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.scatter_add(ag.zeros(3), 0, [0, 0, 2], ag.ones(3)).tolist()
    [2.0, 0.0, 1.0]
    """
    axis = pick("scatter_add", "axis", axis, "dim", dim)
    if axis is None or index is None or src is None:
        raise TypeError("scatter_add() needs an axis (axis= or dim=), an index and src")
    return indexing.ScatterAddAlong.apply(t, src, axis=axis, index=index)


def masked_fill(t: Any, mask: Any, value: float) -> Tensor:
    """``value`` where ``mask`` is True, ``t`` elsewhere (the mask broadcasts to ``t``).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.masked_fill(ag.ones(3), ag.tensor([True, False, True]), 0.0).tolist()
    [0.0, 1.0, 0.0]
    """
    return indexing.masked_fill(_t(t), mask, value)


def one_hot(labels: Any, num_classes: int = -1) -> Tensor:
    """One-hot encoding of integer ``labels`` as an int64 tensor of shape
    ``labels.shape + (num_classes,)`` (``-1``: one more than the largest label).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.one_hot(ag.tensor([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    return indexing.one_hot(labels, num_classes)
