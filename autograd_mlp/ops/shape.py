"""Ops that move values around without changing them: reshape, transpose,
indexing, broadcasting, concatenation and stacking. Their gradients move the
incoming gradient back to where each value came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import OpError, OpTypeError, ShapeError
from ..op import Op, dispatch, register
from ..tensor import Tensor
from ._axes import normalize, normalize_many


@register("reshape", lambda x, shape: np.reshape(x, shape))
class Reshape(Op):
    """Same values, new shape (``-1`` infers one dimension).

    Derivative: the gradient reshaped back to the input's shape
    """

    name = "reshape"
    uses_inputs = False
    uses_output = False

    def forward(self, x, shape):
        return x.reshape(shape)

    def backward(self, g, out, x):
        return (g.reshape(x.shape),)


@register("transpose", lambda x, axes=None: np.transpose(x, axes))
class Transpose(Op):
    """Permute axes (numpy semantics: a full permutation; ``None`` reverses them).

    Derivative: the gradient permuted back by the inverse permutation
    """

    name = "transpose"
    uses_inputs = False
    uses_output = False

    def forward(self, x, axes=None):
        return np.transpose(x, axes)

    def backward(self, g, out, x):
        # Normalise first: argsort of negative axes is not the inverse, and a
        # concrete tuple (never None) also works when backward gets Tensors.
        axes = self.attrs.get("axes")
        perm = range(x.ndim)[::-1] if axes is None else [a % x.ndim for a in axes]
        return (g.transpose(tuple(int(i) for i in np.argsort(perm))),)


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
    return all(
        isinstance(i, (int, np.integer, slice))
        or i is None
        or i is Ellipsis
        or (isinstance(i, np.ndarray) and i.dtype == bool)  # a mask picks each element once
        for i in parts
    )


@register("getitem", lambda x, index: x[index])
class GetItem(Op):
    """Indexing ``x[index]``: basic slicing, integer-array (advanced) indexing and
    boolean masks.

    Derivative: the gradient scattered back into zeros; repeated indices add up
    """

    name = "getitem"
    uses_inputs = False
    uses_output = False

    def forward(self, x, index):
        return np.asarray(x[_plain_index(index)])

    def backward(self, g, out, x):
        index = _plain_index(self.attrs["index"])
        return (dispatch(ScatterAdd, g, index=index, shape=x.shape),)


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
    uses_inputs = False
    uses_output = False

    def forward(self, g, index, shape):
        return _scatter_add(g, index, shape)

    def backward(self, g_out, out, *inputs):
        return (g_out[self.attrs["index"]],)


@register("broadcast_to", lambda x, shape: np.broadcast_to(x, shape))
class BroadcastTo(Op):
    """Broadcast to ``shape`` with numpy's rules (a read-only view).

    Derivative: 1; the engine sums the gradient over the broadcast dimensions
    """

    name = "broadcast_to"
    uses_inputs = False
    uses_output = False

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
    uses_inputs = False
    uses_output = False

    def forward(self, *xs, axis=0):
        return np.concatenate(xs, axis=axis)

    def backward(self, g, out, *xs):
        axis = self.attrs.get("axis", 0)
        b = np.cumsum([0] + [x.shape[axis] for x in xs]).tolist()
        return tuple(g[_along(axis, g.ndim, slice(b[i], b[i + 1]))] for i in range(len(xs)))


@register("stack", lambda *xs, axis=0: np.stack(xs, axis=axis))
class Stack(Op):
    """Join tensors along a new axis.

    Derivative: each input gets its own slice of the gradient
    """

    name = "stack"
    uses_inputs = False
    uses_output = False

    def forward(self, *xs, axis=0):
        return np.stack(xs, axis=axis)

    def backward(self, g, out, *xs):
        axis = self.attrs.get("axis", 0)
        return tuple(g[_along(axis, g.ndim, i)] for i in range(len(xs)))


@register("flip", lambda x, axis=None: np.flip(x, axis))
class Flip(Op):
    """Reverse the order of elements along ``axis`` (an int, a tuple, or all axes).

    Derivative: the gradient flipped back along the same axes
    """

    name = "flip"
    uses_inputs = False
    uses_output = False

    def forward(self, x, axis=None):
        axes = normalize_many(self.name, axis, x.shape)
        self.save(axes=axes)
        return np.flip(x, axes) if axes else x.copy()

    def backward(self, g, out, x):
        axes = self.saved.axes
        return (flip(g, axes) if axes else g,)


@register("roll", lambda x, shifts, axis=None: np.roll(x, shifts, axis))
class Roll(Op):
    """Shift elements cyclically by ``shifts`` along ``axis`` (``None``: the
    flattened input, as numpy and torch).

    Derivative: the gradient rolled back by ``-shifts``
    """

    name = "roll"
    uses_inputs = False
    uses_output = False

    def forward(self, x, shifts, axis=None):
        if axis is not None:
            axes = axis if isinstance(axis, tuple) else (axis,)
            for a in axes:
                normalize(self.name, a, x.shape)
            n_shifts = len(shifts) if isinstance(shifts, tuple) else 1
            if n_shifts != len(axes) and n_shifts != 1:
                raise OpError(f"roll: {n_shifts} shifts for {len(axes)} axes {axis!r}")
        return np.roll(x, shifts, axis)

    def backward(self, g, out, x):
        shifts = self.attrs["shifts"]
        back = tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts
        return (roll(g, back, self.attrs.get("axis")),)


def _pad_pairs(pad_width: Any, shape: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """numpy's ``pad_width`` (an int, one pair, or one pair per axis) as pairs."""
    widths = np.asarray(pad_width)
    if (
        widths.dtype.kind not in "iu"
        or widths.ndim > 2
        or (widths.ndim == 2 and widths.shape[1] != 2)
    ):
        raise OpTypeError(
            f"pad: pad_width must be an int, a (before, after) pair or one pair per axis, "
            f"got {pad_width!r}"
        )
    if widths.ndim == 2 and widths.shape[0] not in (1, len(shape)):
        raise ShapeError(
            f"pad: pad_width has {widths.shape[0]} pairs for an input of shape {shape} "
            f"({len(shape)} axes)"
        )
    if widths.ndim == 1 and widths.shape[0] not in (1, 2):
        raise ShapeError(f"pad: pad_width {pad_width!r} must be one (before, after) pair")
    if (widths < 0).any():
        raise OpError(f"pad: pad_width must be non-negative, got {pad_width!r}")
    pairs = np.broadcast_to(widths.reshape(-1, 2) if widths.ndim else widths, (len(shape), 2))
    return tuple((int(a), int(b)) for a, b in pairs)


@register("pad", lambda x, pad_width, value=0.0: np.pad(x, pad_width, constant_values=value))
class Pad(Op):
    """Pad with a constant ``value`` (numpy's ``pad_width``: per axis, before and after).

    Derivative: the gradient's central slice (the padding gets none)
    """

    name = "pad"
    uses_inputs = False
    uses_output = False

    def forward(self, x, pad_width, value=0.0):
        pairs = _pad_pairs(pad_width, x.shape)
        self.save(inner=tuple(slice(a, a + n) for (a, _), n in zip(pairs, x.shape)))
        if x.ndim == 0:  # nothing to pad (np.pad itself fails on 0-d input)
            return x.copy()
        return np.pad(x, pairs, constant_values=value)

    def backward(self, g, out, x):
        return (g[self.saved.inner],)


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


def flip(x: Any, axis: Any = None) -> Any:
    return dispatch(Flip, x, axis=axis)


def roll(x: Any, shifts: Any, axis: Any = None) -> Any:
    return dispatch(Roll, x, shifts=shifts, axis=axis)


def pad(x: Any, pad_width: Any, value: float = 0.0) -> Any:
    return dispatch(Pad, x, pad_width=pad_width, value=value)


# --------------------------------------------------------------------------- compositions
# Views and reshapes expressed through reshape/broadcast_to/getitem: exact, and
# with no gradient rules of their own. ``fn`` names the public method in errors.
def _as_shape(shape: Any) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(n) for n in shape)


def checked_shape(fn: str, shape: tuple[int, ...], new: tuple[int, ...]) -> tuple[int, ...]:
    """``new`` with a ``-1`` inferred, or a ShapeError naming ``fn`` and both shapes."""
    size = int(np.prod(shape))
    if new.count(-1) > 1 or any(n < -1 for n in new):
        raise ShapeError(f"{fn}: invalid shape {new} (at most one -1, no other negatives)")
    known = int(np.prod([n for n in new if n != -1]))
    if -1 in new:
        if known == 0 or size % known:
            raise ShapeError(
                f"{fn}: shape {new} is invalid for an input of shape {shape} ({size} elements)"
            )
        new = tuple(size // known if n == -1 else n for n in new)
    elif known != size:
        raise ShapeError(
            f"{fn}: shape {new} is invalid for an input of shape {shape} ({size} elements)"
        )
    return new


def view(x: Any, *shape: Any) -> Any:
    return reshape(x, checked_shape("view", x.shape, _as_shape(shape)))


def permute(x: Any, *axes: Any) -> Any:
    axes = _as_shape(axes)
    if sorted(normalize("permute", a, x.shape) for a in axes) != list(range(x.ndim)) or (
        len(axes) != x.ndim
    ):
        raise OpError(
            f"permute: {axes} is not a permutation of the {x.ndim} axes of shape {x.shape}"
        )
    return transpose(x, axes)


def squeeze(x: Any, axis: Any = None) -> Any:
    if axis is None:
        drop = {i for i, n in enumerate(x.shape) if n == 1}
    else:
        # As torch.squeeze: an axis whose size is not 1 is left alone.
        drop = {a for a in normalize_many("squeeze", axis, x.shape) if x.shape[a] == 1}
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in drop))


def unsqueeze(x: Any, axis: int) -> Any:
    ndim = x.ndim + 1
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise normalize_error("unsqueeze", axis, x.shape)
    axis = int(axis) % ndim
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def normalize_error(fn: str, axis: Any, shape: tuple[int, ...]) -> Exception:
    from ..errors import OpAxisError

    ndim = len(shape) + 1
    return OpAxisError(
        f"{fn}: axis {axis!r} is out of range for an input of shape {shape} "
        f"(valid: {-ndim}..{ndim - 1})"
    )


def expand(x: Any, *shape: Any) -> Any:
    shape = _as_shape(shape)
    lead = len(shape) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: shape {shape} has fewer axes than the input's {x.shape}")
    full = tuple(x.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
    for i, n in enumerate(full):
        old = x.shape[i - lead] if i >= lead else 1
        if n < 0 or (old != 1 and old != n):
            raise ShapeError(f"expand: cannot expand shape {x.shape} to {shape}")
    return broadcast_to(x, full)


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    if x.ndim == 0:
        return reshape(x, (1,))
    start = normalize("flatten", start_dim, x.shape)
    end = normalize("flatten", end_dim, x.shape)
    if start > end:
        raise OpError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {x.shape}"
        )
    s = x.shape
    return reshape(x, s[:start] + (int(np.prod(s[start : end + 1])),) + s[end + 1 :])


def unflatten(x: Any, axis: int, sizes: Any) -> Any:
    axis = normalize("unflatten", axis, x.shape)
    sizes = checked_shape("unflatten", (x.shape[axis],), tuple(int(n) for n in sizes))
    return reshape(x, x.shape[:axis] + sizes + x.shape[axis + 1 :])


def tile(x: Any, reps: Any) -> Any:
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise OpError(f"tile: negative repetitions {reps}")
    ndim = max(len(reps), x.ndim)
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - x.ndim) + tuple(x.shape)
    # (1, s0, 1, s1, ...) broadcast to (r0, s0, r1, s1, ...): each copy is a view
    spread = reshape(x, tuple(v for n in shape for v in (1, n)))
    spread = broadcast_to(spread, tuple(v for r, n in zip(reps, shape) for v in (r, n)))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


def repeat(x: Any, *reps: Any) -> Any:
    reps = _as_shape(reps)
    if len(reps) < x.ndim:
        raise OpError(
            f"repeat: {len(reps)} repetitions {reps} for an input of shape {x.shape}; "
            f"give at least one per axis (torch semantics; numpy's is tile)"
        )
    return tile(x, reps)


def split(x: Any, size_or_sections: Any, axis: int = 0) -> tuple[Any, ...]:
    axis = normalize("split", axis, x.shape)
    n = x.shape[axis]
    if isinstance(size_or_sections, (int, np.integer)):
        step = int(size_or_sections)
        if step <= 0:
            raise OpError(f"split: split size must be positive, got {step}")
        sizes = [min(step, n - i) for i in range(0, n, step)] or [0]
    else:
        sizes = [int(v) for v in size_or_sections]
        if sum(sizes) != n or any(v < 0 for v in sizes):
            raise ShapeError(
                f"split: sections {sizes} do not add up to {n}, the size of axis {axis} "
                f"of shape {x.shape}"
            )
    bounds = np.cumsum([0] + sizes).tolist()
    return tuple(
        getitem(x, _along(axis, x.ndim, slice(bounds[i], bounds[i + 1]))) for i in range(len(sizes))
    )


def chunk(x: Any, chunks: int, axis: int = 0) -> tuple[Any, ...]:
    if int(chunks) <= 0:
        raise OpError(f"chunk: the number of chunks must be positive, got {chunks}")
    n = x.shape[normalize("chunk", axis, x.shape)]
    return split(x, max(-(-n // int(chunks)), 1), axis)
