"""Matrix products: ``matmul`` (numpy's ``@``) and the fused ``linear`` layer op."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import OpError, ShapeError
from ..op import Op, dispatch, register


def _mT(x: Any) -> Any:  # noqa: N802 - the usual name for a matrix transpose
    """Swap the last two axes (works on ndarrays and Tensors alike)."""
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return x.transpose(axes)


def _check_matmul(a: np.ndarray, b: np.ndarray, op: str = "matmul") -> None:
    a, b = np.asarray(a), np.asarray(b)  # a Python scalar operand: 0-d, refused below
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


# --------------------------------------------------------------------------- einsum
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _expand_ellipsis(
    terms: list[str], shapes: list[tuple[int, ...]], free: list[str]
) -> tuple[list[str], str]:
    """Replace ``...`` in each term by explicit letters, right-aligned as numpy does."""
    widths = []
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        if "..." in term:
            if named > len(shape):
                raise ShapeError(
                    f"einsum: operand {i} of shape {shape} has fewer axes than "
                    f"subscripts {term!r} name"
                )
            widths.append(len(shape) - named)
        elif named != len(shape):
            raise ShapeError(
                f"einsum: subscripts {term!r} name {named} axes but operand {i} has shape "
                f"{shape} ({len(shape)} axes)"
            )
        else:
            widths.append(0)
    ell = free[: max(widths, default=0)]
    expanded = [
        t.replace("...", "".join(ell[len(ell) - w :])) if "..." in t else t
        for t, w in zip(terms, widths)
    ]
    return expanded, "".join(ell)


def parse_einsum(
    subscripts: str, shapes: list[tuple[int, ...]]
) -> tuple[list[str], str, dict[str, int]]:
    """Explicit, ellipsis-free input terms, output term and axis sizes of an einsum,
    or a ShapeError naming the subscript at fault.

    Examples
    --------
    >>> parse_einsum("ij,jk", [(2, 3), (3, 4)])
    (['ij', 'jk'], 'ik', {'i': 2, 'j': 3, 'k': 4})
    """
    if not isinstance(subscripts, str):
        raise OpError(f"einsum: subscripts must be a string, got {subscripts!r}")
    s = subscripts.replace(" ", "")
    lhs, arrow, out = s.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ShapeError(
            f"einsum: subscripts {subscripts!r} name {len(terms)} operands, got {len(shapes)}"
        )
    bad = set(s) - set(_LETTERS) - set(".,->")
    if bad or s.replace("...", "").count(".") or out.count("-") or out.count(">"):
        raise OpError(f"einsum: invalid subscripts {subscripts!r}")
    free = [c for c in _LETTERS if c not in s]
    terms, ell = _expand_ellipsis(terms, shapes, free)
    sizes: dict[str, int] = {}
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        for c, n in zip(term, shape):
            if sizes.setdefault(c, n) != n:
                raise ShapeError(
                    f"einsum: subscript {c!r} has size {sizes[c]} and {n} (operand {i} "
                    f"of shape {shape}) in {subscripts!r}; sizes must match (no broadcasting)"
                )
    if not arrow:
        counts = "".join(terms)
        out = ell + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
        if len(set(out)) != len(out) or set(out) - set(sizes):
            raise ShapeError(
                f"einsum: output subscripts {out!r} of {subscripts!r} repeat a letter or "
                "name one no operand has"
            )
    return terms, out, sizes


def _einsum(*operands: np.ndarray, subscripts: str) -> np.ndarray:
    terms, out, _ = parse_einsum(subscripts, [np.shape(x) for x in operands])
    return np.einsum(",".join(terms) + "->" + out, *operands, optimize=len(operands) > 2)


@register("einsum", lambda *xs, subscripts: np.einsum(subscripts, *xs))
class Einsum(Op):
    """Einstein summation over ``subscripts`` (numpy's notation, ``...`` included).

    Derivative: d/dx_i = einsum of g with the other operands, onto x_i's subscripts
    """

    name = "einsum"
    uses_output = False

    def forward(self, *xs, subscripts):
        terms, out, sizes = parse_einsum(subscripts, [x.shape for x in xs])
        self.save(terms=terms, out=out, sizes=sizes)
        return np.asarray(np.einsum(",".join(terms) + "->" + out, *xs, optimize=len(xs) > 2))

    def backward(self, g, out, *xs):
        s = self.saved
        grads = []
        for i, needed in enumerate(self.needs_input_grad):
            grads.append(_einsum_grad(g, xs, i, s.terms, s.out, s.sizes) if needed else None)
        return tuple(grads)


def _einsum_grad(g, xs, i, terms, out, sizes):
    """g contracted with every operand but ``i``, onto operand ``i``'s subscripts.

    A letter repeated in term ``i`` (a diagonal, ``"ii"``) is renamed and tied back by
    an identity matrix; a letter only term ``i`` has (summed away) is broadcast back
    by a vector of ones. Both are constants, so the formula is a dual one.
    """
    used = set("".join(terms) + out)
    fresh = iter(c for c in _LETTERS if c not in used)
    dtype = g.dtype
    target, extra_terms, extras = [], [], []
    seen: set[str] = set()
    for c in terms[i]:
        if c in seen:
            f = next(fresh)
            extra_terms.append(c + f)
            extras.append(np.eye(sizes[c], dtype=dtype))
            c = f
        seen.add(c)
        target.append(c)
    others = [t for j, t in enumerate(terms) if j != i]
    present = set(out + "".join(others))
    for c in sorted(set(terms[i]) - present):
        extra_terms.append(c)
        extras.append(np.ones(sizes[c], dtype=dtype))
    subs = ",".join([out, *others, *extra_terms]) + "->" + "".join(target)
    operands = [g, *(x for j, x in enumerate(xs) if j != i), *extras]
    return dispatch(Einsum, *operands, subscripts=subs)


def einsum(subscripts: str, *operands: Any) -> Any:
    return dispatch(Einsum, *operands, subscripts=subscripts)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """``np.tensordot`` as an einsum: contract ``axes`` (an int N: the last N of
    ``a`` with the first N of ``b``; or a pair of axis sequences)."""
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot: axes={n} for shapes {a.shape} and {b.shape}")
        ax_a, ax_b = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        try:
            ax_a, ax_b = axes
        except (TypeError, ValueError):
            raise OpError(
                f"tensordot: axes must be an int or a pair of sequences, got {axes!r}"
            ) from None
        ax_a = [int(ax_a)] if isinstance(ax_a, (int, np.integer)) else [int(v) for v in ax_a]
        ax_b = [int(ax_b)] if isinstance(ax_b, (int, np.integer)) else [int(v) for v in ax_b]
        if len(ax_a) != len(ax_b):
            raise ShapeError(f"tensordot: {len(ax_a)} axes of a but {len(ax_b)} of b: {axes!r}")
        ax_a = [int(x) % (a.ndim or 1) for x in ax_a]
        ax_b = [int(x) % (b.ndim or 1) for x in ax_b]
    letters = iter(_LETTERS)
    ta = [next(letters) for _ in range(a.ndim)]
    tb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(ax_a, ax_b):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(
                f"tensordot: axis {i} of a {a.shape} and axis {j} of b {b.shape} differ in size"
            )
        tb[j] = ta[i]
    out = [c for k, c in enumerate(ta) if k not in ax_a] + [
        c for k, c in enumerate(tb) if k not in ax_b
    ]
    return einsum("".join(ta) + "," + "".join(tb) + "->" + "".join(out), a, b)


def outer(a: Any, b: Any) -> Any:
    """Outer product of the flattened inputs, by broadcasting: ``a[:, None] * b[None, :]``."""
    return a.reshape(-1, 1) * b.reshape(1, -1)
