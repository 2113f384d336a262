"""Creating tensors: filled, ranged, identity, random, and from numpy.

Float tensors default to float32 (as everywhere in the package); ``dtype=``
overrides. Random tensors draw from :func:`autograd_mlp.random.default_generator`,
so :func:`autograd_mlp.manual_seed` makes them reproducible.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops._errors import OpTypeError
from .random import default_generator
from .tensor import DEFAULT_FLOAT, Tensor

__all__ = [
    "arange",
    "empty",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "linspace",
    "ones",
    "ones_like",
    "rand",
    "randint",
    "randn",
    "zeros",
    "zeros_like",
]


def _shape(fn: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
    """``zeros(2, 3)`` and ``zeros((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    out = []
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise OpTypeError(f"{fn}: sizes must be ints, got {shape!r}")
        if n < 0:
            raise ValueError(f"{fn}: negative size in shape {tuple(shape)}")
        out.append(int(n))
    return tuple(out)


def _shape_arg(fn: str, shape: Any) -> tuple[int, ...]:
    """A ``shape=`` argument (one int or a sequence of ints), checked as :func:`_shape`."""
    return _shape(fn, (shape,) if isinstance(shape, (int, np.integer)) else (tuple(shape),))


def _float(dtype: Any) -> np.dtype:
    return np.dtype(DEFAULT_FLOAT if dtype is None else dtype)


def _wrap(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(data)
    if requires_grad:
        t.requires_grad = True  # checks the dtype is a float one
    return t


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.zeros(2, 3).shape, ag.zeros((2,)).dtype
    ((2, 3), dtype('float32'))
    """
    return _wrap(np.zeros(_shape("zeros", shape), _float(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.ones(2).tolist()
    [1.0, 1.0]
    """
    return _wrap(np.ones(_shape("ones", shape), _float(dtype)), requires_grad)


def empty(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor with uninitialised values.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.empty(2, 2).shape
    (2, 2)
    """
    return _wrap(np.empty(_shape("empty", shape), _float(dtype)), requires_grad)


def _fill_dtype(value: Any, dtype: Any) -> np.dtype:
    if dtype is not None:
        return np.dtype(dtype)
    if isinstance(value, bool):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    return np.dtype(DEFAULT_FLOAT)


def full(shape: Any, value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``shape`` filled with ``value`` (the dtype follows the value,
    as ``torch.full``: int64 for ints, float32 for floats).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.full((2,), 7).tolist(), ag.full(2, 0.5).dtype
    ([7, 7], dtype('float32'))
    """
    return _wrap(
        np.full(_shape_arg("full", shape), value, _fill_dtype(value, dtype)), requires_grad
    )


def _like(t: Any) -> np.ndarray:
    return t.data if isinstance(t, Tensor) else np.asarray(t)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``t``'s shape and dtype.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.zeros_like(ag.ones(2, dtype="float64")).dtype
    dtype('float64')
    """
    return _wrap(np.zeros_like(_like(t), dtype=dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``t``'s shape and dtype.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.ones_like(ag.zeros(2)).tolist()
    [1.0, 1.0]
    """
    return _wrap(np.ones_like(_like(t), dtype=dtype), requires_grad)


def full_like(t: Any, value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``value`` in ``t``'s shape and dtype.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.full_like(ag.zeros(2), 3).tolist()
    [3.0, 3.0]
    """
    return _wrap(np.full_like(_like(t), value, dtype=dtype), requires_grad)


def arange(
    start: Any, stop: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """Evenly spaced values in ``[start, stop)``; ints give int64, floats float32.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.arange(3).tolist(), ag.arange(0, 1, 0.5).tolist()
    ([0, 1, 2], [0.0, 0.5])
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    data = np.arange(start, stop, step)
    if dtype is not None:
        data = data.astype(dtype)
    elif data.dtype.kind == "f":
        data = data.astype(DEFAULT_FLOAT)
    elif data.dtype.kind == "i":
        data = data.astype(np.int64)
    return _wrap(data, requires_grad)


def linspace(
    start: float, stop: float, num: int, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.linspace(0, 1, 3).tolist()
    [0.0, 0.5, 1.0]
    """
    if int(num) < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    return _wrap(np.linspace(start, stop, int(num), dtype=_float(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The ``n`` × ``m`` identity matrix (square when ``m`` is omitted).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return _wrap(np.eye(n, m, dtype=_float(dtype)), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in ``[0, 1)``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.rand(2, 3)
    >>> x.shape, bool(((x >= 0) & (x < 1)).all())
    ((2, 3), True)
    """
    dt = _float(dtype)
    data = default_generator().random(_shape("rand", shape), dtype=np.float64).astype(dt)
    return _wrap(data, requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.randn(4).shape
    (4,)
    """
    data = default_generator().standard_normal(_shape("randn", shape)).astype(_float(dtype))
    return _wrap(data, requires_grad)


def randint(low: int, high: int | None = None, shape: Any = (), dtype: Any = None) -> Tensor:
    """Integers uniform in ``[low, high)`` (``randint(high, shape=...)`` for ``[0, high)``),
    int64 by default.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.randint(0, 3, (5,))
    >>> x.dtype, bool(((x >= 0) & (x < 3)).all())
    (dtype('int64'), True)
    """
    if high is None:
        low, high = 0, low
    if high <= low:
        raise ValueError(f"randint: empty range [{low}, {high})")
    data = default_generator().integers(low, high, _shape_arg("randint", shape), dtype=np.int64)
    return Tensor._make(data if dtype is None else data.astype(dtype))


def from_numpy(a: np.ndarray) -> Tensor:
    """Wrap ``a`` without a copy and without changing its dtype: the tensor and
    the array share memory, as ``torch.from_numpy``.

    Examples
    --------
    >>> import numpy as np, autograd_mlp as ag
    >>> a = np.zeros(2)
    >>> t = ag.from_numpy(a); a[0] = 5
    >>> t.tolist(), t.dtype
    ([5.0, 0.0], dtype('float64'))
    """
    if not isinstance(a, np.ndarray):
        raise OpTypeError(f"from_numpy: expected a numpy.ndarray, got {type(a).__name__}")
    return Tensor._make(a)
