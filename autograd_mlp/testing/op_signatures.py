"""Input strategies for the signatures of the v2 ops: masks (``where``), tie-free
pairs (``maximum``/``minimum``), scans, flips, rolls, pad widths, index arrays
(``gather``, ``scatter_add``) and einsum subscripts.

Imported by :mod:`autograd_mlp.testing.strategies`, which registers them.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import numpy as np
from hypothesis.extra import numpy as hnp

from ..op import OpSpec
from ..tensor import Tensor
from .strategies import (
    MAX_SIDE,
    _distinct_values,
    _margins,
    _values_for,
    broadcastable_shapes,
    register_signature,
    shapes,
    valid_axes,
)


@register_signature("where")
@st.composite
def _where(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    a, b, c = draw(broadcastable_shapes(3))
    cond = draw(hnp.arrays(np.bool_, c))
    return (draw(_values_for(spec, dtype, shape=a)), draw(_values_for(spec, dtype, shape=b))), {
        "cond": cond
    }


@register_signature("binary_ties")
@st.composite
def _binary_ties(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    # One pool of distinct values split between both operands, so no element of
    # x ever equals one of y (a tie is a kink of maximum/minimum).
    a, b = draw(broadcastable_shapes())
    na, nb = int(np.prod(a)), int(np.prod(b))
    pool = draw(_distinct_values((na + nb,), spec.domain, _margins(spec.domain, spec.kinks)))
    x = Tensor(pool[:na].reshape(a).astype(dtype), requires_grad=True, dtype=dtype)
    y = Tensor(pool[na:].reshape(b).astype(dtype), requires_grad=True, dtype=dtype)
    return (x, y), {}


@register_signature("scan")
@st.composite
def _scan(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype, min_dims=1))
    return (x,), {"axis": draw(st.integers(-x.ndim, x.ndim - 1))}


@register_signature("flip")
@st.composite
def _flip(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    return (x,), {"axis": draw(valid_axes(x.ndim))}


@register_signature("roll")
@st.composite
def _roll(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype))
    shift = st.integers(-2 * MAX_SIDE, 2 * MAX_SIDE)
    if x.ndim == 0 or draw(st.booleans()):
        return (x,), {"shifts": draw(shift), "axis": None}
    axes = draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=1, max_size=x.ndim))
    if len(axes) == 1 and draw(st.booleans()):
        return (x,), {"shifts": draw(shift), "axis": axes[0]}
    return (x,), {"shifts": tuple(draw(shift) for _ in axes), "axis": tuple(axes)}


@register_signature("pad")
@st.composite
def _pad(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype, min_dims=1))  # np.pad (the reference) refuses 0-d
    width = st.integers(0, 2)
    kind = draw(st.sampled_from(["int", "pair", "per_axis"]))
    if kind == "int":
        pad_width: Any = draw(width)
    elif kind == "pair":
        pad_width = (draw(width), draw(width))
    else:
        pad_width = tuple((draw(width), draw(width)) for _ in range(x.ndim))
    return (x,), {"pad_width": pad_width, "value": draw(st.sampled_from([0.0, -1.5]))}


@st.composite
def _index_along(
    draw: Any, shape: tuple[int, ...], axis: int, limit: tuple[int, ...]
) -> np.ndarray:
    """Integer indices into ``shape[axis]``, of a shape no larger than ``limit``."""
    index_shape = tuple(draw(st.integers(1, n)) for n in limit)
    return draw(hnp.arrays(np.int64, index_shape, elements=st.integers(0, shape[axis] - 1)))


@register_signature("gather")
@st.composite
def _gather(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype, min_dims=1))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    limit = tuple(MAX_SIDE if d == axis % x.ndim else n for d, n in enumerate(x.shape))
    return (x,), {"axis": axis, "index": draw(_index_along(x.shape, axis % x.ndim, limit))}


@register_signature("scatter_add_along")
@st.composite
def _scatter_add_along(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    x = draw(_values_for(spec, dtype, min_dims=1))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    src_shape = tuple(
        draw(st.integers(1, MAX_SIDE)) if d == axis % x.ndim else draw(st.integers(1, n))
        for d, n in enumerate(x.shape)
    )
    index = draw(_index_along(x.shape, axis % x.ndim, src_shape))
    src = draw(_values_for(spec, dtype, shape=src_shape))
    return (x, src), {"axis": axis, "index": index}


# Subscripts covering contraction, batching, outer products, transposes, traces,
# diagonals ("ii->i"), a letter only one operand has, and "..." (implicit output too).
_EINSUM = [
    "ij,jk->ik",
    "i,i->",
    "i,j->ij",
    "ij->ji",
    "ij->",
    "ii->i",
    "ii",
    "bij,bjk->bik",
    "ij,j->i",
    "ij,kj",
    "...ij->...ji",
    "...i,...i->...",
    "iij->j",
    "ij,jk,kl->il",
]


@register_signature("einsum")
@st.composite
def _einsum(draw: Any, spec: OpSpec, dtype: np.dtype) -> Any:
    subscripts = draw(st.sampled_from(_EINSUM))
    letters = sorted(set(subscripts) - set(".,->"))
    size = {c: draw(st.integers(1, 3)) for c in letters}
    ell = draw(shapes(0, 2, 1, 3))
    operands = []
    for term in subscripts.split("->")[0].split(","):
        named = term.replace("...", "")
        shape = (ell if "..." in term else ()) + tuple(size[c] for c in named)
        operands.append(draw(_values_for(spec, dtype, shape=shape)))
    return tuple(operands), {"subscripts": subscripts}
