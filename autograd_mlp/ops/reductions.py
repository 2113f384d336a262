"""Reductions over axes: sum, mean, max, min, logsumexp, prod, norm, and the
scans cumsum and cumprod; var and std are compositions of these.

``axis`` is an int, a tuple of ints, or ``None`` (all axes), with numpy's
semantics; a 0-d input takes ``axis=0`` or ``axis=-1`` (as PyTorch). Each
backward returns the gradient with the reduced axes kept as size 1; the engine
broadcasts it back up to the input's shape.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..errors import AutogradError, OpError
from ..op import Op, dispatch, register
from ..tensor import Tensor
from ._axes import normalize, normalize_many
from .elementwise import abs as _abs
from .elementwise import exp, sqrt, where

Axis = int | tuple[int, ...] | None


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (the ``keepdims=True`` shape)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _dropped_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced axes removed (the ``keepdims=False`` shape)."""
    if axes is None:
        return ()
    return tuple(n for i, n in enumerate(shape) if i not in axes)


# np.mean sums these in their own dtype (float16 it sums in float32).
_EXACT_MEAN = (np.dtype(np.float32), np.dtype(np.float64))


class _Reduction(Op):
    """Shared bookkeeping: check ``axis`` (naming the op) in forward; backward
    recomputes the kept-dims shape from the input's shape, so forward saves
    nothing (inference pays only for the check)."""

    uses_inputs = False
    uses_output = False

    def _axes(self, x: np.ndarray, axis: Axis) -> Any:
        """``axis`` as numpy takes it: an int in range passes as it is (the common
        case, two comparisons); tuples, lists and 0-d inputs are normalised."""
        if axis is None or (type(axis) is int and -x.ndim <= axis < x.ndim):
            return axis
        return normalize_many(self.name, axis, x.shape)

    def _kept(self, x: Any) -> tuple[int, ...]:
        """The ``keepdims=True`` shape of this node's reduction of ``x``."""
        axis = self.attrs.get("axis")
        return _kept_shape(
            x.shape, None if axis is None else normalize_many(self.name, axis, x.shape)
        )


@register("reduce", lambda x, axis=None, keepdims=False: np.sum(x, axis=axis, keepdims=keepdims))
class Sum(_Reduction):
    """Sum over ``axis``.

    Derivative: d/dx_i = 1 for every summed element (the gradient is broadcast back)
    """

    name = "sum"

    def forward(self, x, axis=None, keepdims=False):
        return np.asarray(x.sum(axis=self._axes(x, axis), keepdims=keepdims))

    def backward(self, g, out, x):
        return (g.reshape(self._kept(x)),)


@register(
    "reduce",
    lambda x, axis=None, keepdims=False: np.asarray(np.mean(x, axis=axis, keepdims=keepdims)),
)
class Mean(_Reduction):
    """Mean over ``axis``.

    Derivative: d/dx_i = 1/n, n the number of elements averaged
    """

    name = "mean"

    def forward(self, x, axis=None, keepdims=False):
        axes = self._axes(x, axis)
        if x.size and x.dtype in _EXACT_MEAN:
            # The sum divided by the count: the value np.mean computes, without
            # its Python-level wrapper (1 µs instead of 4 on a small array).
            out = np.asarray(np.add.reduce(x, axis=axes, keepdims=keepdims))
            return np.asarray(out / (x.size // out.size))
        return np.asarray(x.mean(axis=axes, keepdims=keepdims))

    def backward(self, g, out, x):
        n = x.size // out.size if out.size else 1
        return (g.reshape(self._kept(x)) / n,)


class _Extremum(_Reduction):
    """max and min: the gradient goes to the extreme element(s). Where several
    elements tie, it is shared equally among them, as ``torch.amax`` does."""

    pick: Any = None

    def forward(self, x, axis=None, keepdims=False):
        if x.size == 0:
            raise ValueError("zero-size input has no " + self.name)
        axes = self._axes(x, axis)
        extreme = self.pick(x, axis=axes, keepdims=True)
        hits = x == extreme
        self.save(share=hits / hits.sum(axis=axes, keepdims=True).astype(x.dtype))
        return extreme if keepdims else np.squeeze(extreme, axis=axes)

    def backward(self, g, out, x):
        return (g.reshape(self._kept(x)) * self.saved.share,)


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
    # initial=-inf: over a zero-length axis the result is -inf (log of an empty
    # sum), as torch.logsumexp gives.
    axes = None if axis is None else normalize_many("logsumexp", axis, x.shape)
    if x.dtype.kind not in "fc":  # integer/bool: promote as np.exp does (initial=-inf needs it)
        x = x.astype(np.result_type(x.dtype, np.float16))
    shift = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - shift), axis=axes, keepdims=True)) + shift
    return out if keepdims else out.reshape(_dropped_shape(x.shape, axes))


@register("reduce", _logsumexp)
class LogSumExp(_Reduction):
    """``log(sum(exp(x)))`` over ``axis``, shifted by the maximum for stability.

    Derivative: d/dx_i = exp(x_i - out), the softmax of x
    """

    name = "logsumexp"
    uses_inputs = True
    uses_output = True

    def forward(self, x, axis=None, keepdims=False):
        return _logsumexp(x, axis=axis, keepdims=keepdims)

    def backward(self, g, out, x):
        kept = self._kept(x)
        return (g.reshape(kept) * exp(x - out.reshape(kept)),)


def _prod_others(x: np.ndarray, axes: tuple[int, ...] | None) -> np.ndarray:
    """For each element, the product of the *other* elements it was reduced with
    (exact with zeros: exclusive cumulative products from both ends)."""
    axes = tuple(range(x.ndim)) if axes is None else axes
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = np.transpose(x, rest + list(axes))
    flat = moved.reshape(moved.shape[: len(rest)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (left * right).reshape(moved.shape)
    return np.transpose(others, np.argsort(rest + list(axes)))


# Tests draw nonzero inputs: at zeros the first derivative is exact but the
# second is not supported (see backward); tests/test_ops_v2.py covers zeros.
@register(
    "reduce",
    lambda x, axis=None, keepdims=False: np.asarray(np.prod(x, axis=axis, keepdims=keepdims)),
    domain="nonzero",
)
class Prod(_Reduction):
    """Product over ``axis``.

    Derivative: d/dx_i = Π_(j≠i) x_j (= out/x_i where x_i ≠ 0)
    """

    name = "prod"
    uses_inputs = True
    uses_output = True

    def forward(self, x, axis=None, keepdims=False):
        return np.asarray(np.prod(x, axis=self._axes(x, axis), keepdims=keepdims))

    def backward(self, g, out, x):
        kept = self._kept(x)
        data = x.data if isinstance(x, Tensor) else x
        if np.all(data != 0):
            return (g.reshape(kept) * out.reshape(kept) / x,)
        axis = self.attrs.get("axis")
        axes = None if axis is None else normalize_many(self.name, axis, x.shape)
        return (g.reshape(kept) * dispatch(_ProdOthers, x, axes=axes),)


class _FirstOrderOnly(Op):
    """The exact first derivative of prod/cumprod at inputs with zeros, as a node
    whose own derivative is refused (rather than silently wrong)."""

    of = "op"

    def backward(self, g, out, *inputs):
        raise AutogradError(
            f"{self.of}: the second derivative at an input with zeros (shape "
            f"{inputs[-1].shape}) is not supported; the first derivative is"
        )


class _ProdOthers(_FirstOrderOnly):
    name = "prod_others"
    of = "prod"

    def forward(self, x, axes):
        return _prod_others(x, axes)


def _norm2(x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


@register("reduce", _norm2, domain="nonzero")
class Norm(_Reduction):
    """Euclidean (2-) norm over ``axis``, ``sqrt(sum(x²))``.

    Derivative: d/dx_i = x_i / out (0 where out = 0, as PyTorch)
    """

    name = "norm"
    uses_inputs = True
    uses_output = True

    def forward(self, x, axis=None, keepdims=False):
        return np.asarray(_norm2(x, self._axes(x, axis), keepdims))

    def backward(self, g, out, x):
        kept = self._kept(x)
        out = out.reshape(kept)
        zero = (out.data if isinstance(out, Tensor) else out) == 0
        # At a zero norm every x_i in the slice is 0, so x / 1 is the 0 PyTorch gives.
        return (g.reshape(kept) * x / where(out, 1, cond=~zero),)


def _along(axis: int, ndim: int, index: Any) -> tuple[Any, ...]:
    return (slice(None),) * axis + (index,)


def _reversed(g: Any, axis: int) -> Any:
    return g[_along(axis, g.ndim, slice(None, None, -1))]


@register("scan", lambda x, axis: np.cumsum(x, axis=axis))
class Cumsum(Op):
    """Running sum along ``axis``.

    Derivative: d/dx_i = Σ_(k≥i) g_k, the reversed running sum of the gradient
    """

    name = "cumsum"
    uses_inputs = False
    uses_output = False

    def forward(self, x, axis):
        return np.cumsum(x, axis=normalize(self.name, axis, x.shape))

    def backward(self, g, out, x):
        axis = normalize(self.name, self.attrs["axis"], g.ndim)
        return (_reversed(cumsum(_reversed(g, axis), axis), axis),)


def _cumprod_grad_with_zeros(g: np.ndarray, x: np.ndarray, axis: int) -> np.ndarray:
    """d/dx_i = Σ_(k≥i) g_k Π_(j≤k, j≠i) x_j, exactly (quadratic in the axis length)."""
    grad = np.zeros_like(x)
    n = x.shape[axis]
    for i in range(n):
        ones = x.copy()
        ones[_along(axis, x.ndim, i)] = 1
        tail = (np.cumprod(ones, axis=axis) * g)[_along(axis, x.ndim, slice(i, None))]
        grad[_along(axis, x.ndim, i)] = tail.sum(axis=axis)
    return grad


@register("scan", lambda x, axis: np.cumprod(x, axis=axis), domain="nonzero")
class Cumprod(Op):
    """Running product along ``axis``.

    Derivative: d/dx_i = Σ_(k≥i) g_k·out_k / x_i (exact at zeros too, first order)
    """

    name = "cumprod"

    def forward(self, x, axis):
        return np.cumprod(x, axis=normalize(self.name, axis, x.shape))

    def backward(self, g, out, x):
        axis = normalize(self.name, self.attrs["axis"], x.shape)
        data = x.data if isinstance(x, Tensor) else x
        if np.all(data != 0):
            return (_reversed(cumsum(_reversed(g * out, axis), axis), axis) / x,)
        return (dispatch(_CumprodGrad, g, x, axis=axis),)


class _CumprodGrad(_FirstOrderOnly):
    name = "cumprod_backward"
    of = "cumprod"

    def forward(self, g, x, axis):
        return _cumprod_grad_with_zeros(g, x, axis)


# --------------------------------------------------------------------------- dual functions
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


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    return dispatch(Prod, x, axis=axis, keepdims=keepdims)


def cumsum(x: Any, axis: int | None = None) -> Any:
    if axis is None:  # numpy: over the flattened input
        x, axis = x.reshape(-1), 0
    return dispatch(Cumsum, x, axis=axis)


def cumprod(x: Any, axis: int | None = None) -> Any:
    if axis is None:
        x, axis = x.reshape(-1), 0
    return dispatch(Cumprod, x, axis=axis)


# --------------------------------------------------------------------------- compositions
def var(x: Any, axis: Axis = None, correction: float = 1, keepdims: bool = False) -> Any:
    """Variance over ``axis`` with ``n - correction`` degrees of freedom (two-pass:
    the mean first, then the mean squared deviation, for accuracy).

    With ``correction >= n`` the degrees of freedom are 0: as PyTorch, a
    ``RuntimeWarning`` and an ``inf`` (or ``nan`` for constant input).
    """
    shape = x.shape
    axes = tuple(range(len(shape))) if axis is None else normalize_many("var", axis, len(shape))
    n = int(np.prod([shape[a] for a in axes])) if axes else 1
    dof = n - correction
    d = x - mean(x, axis=axes, keepdims=True)
    ss = sum(d * d, axis=axes, keepdims=keepdims)
    if dof <= 0:
        warnings.warn(
            f"var: degrees of freedom <= 0 (correction={correction} for {n} elements "
            f"along axis {axis!r} of shape {tuple(shape)}); the result is inf or nan",
            RuntimeWarning,
            stacklevel=3,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            return ss / 0.0
    return ss / dof


def std(x: Any, axis: Axis = None, correction: float = 1, keepdims: bool = False) -> Any:
    """Standard deviation: ``sqrt(var(...))``, computed as the 2-norm of the
    deviations over ``sqrt(n - correction)`` so that constant input gets the
    gradient 0 PyTorch gives (``sqrt``'s backward would give 0 * inf = nan)."""
    shape = x.shape
    axes = tuple(range(len(shape))) if axis is None else normalize_many("std", axis, len(shape))
    n = int(np.prod([shape[a] for a in axes])) if axes else 1
    dof = n - correction
    if dof <= 0 or not axes:
        v = var(x, axis=axis, correction=correction, keepdims=keepdims)
        with np.errstate(invalid="ignore"):
            return sqrt(v)
    d = x - mean(x, axis=axes, keepdims=True)
    return dispatch(Norm, d, axis=axes, keepdims=keepdims) / float(np.sqrt(dof))


def norm(x: Any, ord: Any = 2, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A002
    """Vector ``ord``-norm over ``axis`` (all elements by default), as
    ``torch.linalg.vector_norm``: 2 (and ``"fro"``) is a primitive, 1, ±inf and
    other p are compositions; 0 counts the nonzero elements."""
    if ord in (2, 2.0, "fro"):
        return dispatch(Norm, x, axis=axis, keepdims=keepdims)
    if isinstance(ord, str) or not isinstance(ord, (int, float)):
        raise OpError(f"norm: unsupported ord={ord!r} (an int, a float, inf or 'fro')")
    if ord == 1:
        return sum(_abs(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return max(_abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return min(_abs(x), axis=axis, keepdims=keepdims)
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    if ord == 0:
        count = np.sum(data != 0, axis=axis, keepdims=keepdims).astype(data.dtype)
        return Tensor._make(np.asarray(count)) if isinstance(x, Tensor) else count
    return sum(_abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


# --------------------------------------------------------------------------- not differentiable
def _plain_axis(fn: str, x: Any, axis: Axis) -> tuple[np.ndarray, Any]:
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    if axis is None:
        return data, None
    axes = normalize_many(fn, axis, data.shape)
    return data, (axes if data.ndim else None)


def _arg(fn: str, pick: Any, x: Any, axis: int | None, keepdims: bool) -> Tensor:
    data, _ = _plain_axis(fn, x, axis)
    if data.size == 0:
        raise ValueError(f"{fn}: a zero-size input (shape {data.shape}) has no {fn[3:]}imum")
    if axis is not None:
        axis = normalize(fn, axis, data.shape) if data.ndim else None
    out = pick(data, axis=axis, keepdims=keepdims)
    return Tensor._make(np.asarray(out, dtype=np.int64))


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the maximum (flattened when ``axis`` is None); ties give the first,
    as numpy and PyTorch. An int64 tensor, never differentiable."""
    return _arg("argmax", np.argmax, x, axis, keepdims)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the minimum; ties give the first. An int64 tensor."""
    return _arg("argmin", np.argmin, x, axis, keepdims)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether any element (along ``axis``) is nonzero: a bool tensor."""
    data, axes = _plain_axis("any", x, axis)
    return Tensor._make(np.asarray(np.any(data, axis=axes, keepdims=keepdims)))


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (along ``axis``) is nonzero: a bool tensor."""
    data, axes = _plain_axis("all", x, axis)
    return Tensor._make(np.asarray(np.all(data, axis=axes, keepdims=keepdims)))
