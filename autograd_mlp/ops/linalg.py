"""Matrix products: ``matmul`` (numpy's ``@``) and the fused ``linear`` layer op."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..op import Op, dispatch, register


def _mT(x: Any) -> Any:  # noqa: N802 - the usual name for a matrix transpose
    """Swap the last two axes (works on ndarrays and Tensors alike)."""
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return x.transpose(axes)


def _check_matmul(a: np.ndarray, b: np.ndarray, op: str = "matmul") -> None:
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"{op}: {a.shape} @ {b.shape}: operands must have at least 1 dimension")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ShapeError(f"{op}: {a.shape} @ {b.shape}: inner dimensions {k_a} != {k_b}")


@register("matmul", np.matmul)
class MatMul(Op):
    """Matrix product ``a @ b`` for 1-D, 2-D and batched operands (numpy rules).

    Derivative: d/da = g @ bᵀ, d/db = aᵀ @ g (1-D operands promoted to matrices)
    """

    name = "matmul"

    def forward(self, a, b):
        _check_matmul(a, b)
        return np.matmul(a, b)

    def backward(self, g, out, a, b):
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if a.ndim == 1 and b.ndim == 1:  # dot product: g is a scalar
            return (g * b if need_a else None), (g * a if need_b else None)
        if a.ndim == 1:  # (k,) @ (..., k, n): a acts as a (1, k) row
            g_row = g.reshape(g.shape[:-1] + (1, g.shape[-1]))
            if need_a:
                ga = (g_row @ _mT(b)).reshape(g.shape[:-1] + (a.shape[0],))
            if need_b:
                gb = a.reshape(-1, 1) @ g_row
        elif b.ndim == 1:  # (..., m, k) @ (k,): b acts as a (k, 1) column
            g_col = g.reshape(g.shape + (1,))
            if need_a:
                ga = g_col @ b.reshape(1, -1)
            if need_b:
                gb = (_mT(a) @ g_col).reshape(g.shape[:-1] + (b.shape[0],))
        else:  # batch dimensions broadcast; the engine sums them back
            if need_a:
                ga = g @ _mT(b)
            if need_b:
                gb = _mT(a) @ g
        return ga, gb


@register(
    "linear",
    lambda x, w, b=None: x @ w.T + (0 if b is None else b),
)
class Linear(Op):
    """Affine map ``x @ wᵀ + b``, with weight ``(out, in)`` as PyTorch: one node
    instead of three, so a layer costs one op on the hot path.

    Derivative: d/dx = g @ w, d/dw = gᵀ @ x (over all leading axes), d/db = Σ g
    """

    name = "linear"

    def forward(self, x, w, b=None):
        if w.ndim != 2 or x.ndim == 0 or x.shape[-1] != w.shape[1]:
            raise ShapeError(
                f"linear: input {x.shape} does not fit weight {w.shape} "
                f"(weight is (out_features, in_features); input's last axis must be in_features)"
            )
        if b is not None and b.shape != (w.shape[0],):
            raise ShapeError(f"linear: bias {b.shape} does not fit weight {w.shape}")
        out = x @ w.T
        if b is not None:
            out += b  # in place: out is a fresh array
        return out

    def backward(self, g, out, x, w, b=None):
        need = self.needs_input_grad
        gx = g @ w if need[0] else None
        # Collapse leading axes: the weight and bias gradients sum over every row,
        # so each is one matrix product or one column sum, already of its shape.
        rows = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        gw = rows.T @ (x if x.ndim == 2 else x.reshape(-1, x.shape[-1])) if need[1] else None
        gb = rows.sum(axis=0) if len(need) > 2 and need[2] else None
        return gx, gw, gb


def matmul(a: Any, b: Any) -> Any:
    return dispatch(MatMul, a, b)


def linear(x: Any, w: Any, b: Any = None) -> Any:
    return dispatch(Linear, x, w) if b is None else dispatch(Linear, x, w, b)
