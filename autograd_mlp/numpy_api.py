"""numpy functions and ufuncs on Tensors: dispatch tables for the numpy protocol.

``Tensor.__array_ufunc__`` and ``Tensor.__array_function__`` look the numpy
callable up here. A differentiable entry runs the package's op (so ``np.exp(t)``
records a graph node exactly like ``t.exp()``); a *value-only* entry answers a
question about the values (``np.shape``, ``np.allclose``, comparisons) without a
gradient. Anything else raises a ``TypeError`` naming the numpy function: a
Tensor is never silently turned into an ndarray that drops its graph (use
``t.numpy()`` for that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .errors import OpError
from .ops._errors import OpTypeError
from .tensor import Tensor

__all__ = [
    "FUNCTIONS",
    "UFUNCS",
    "VALUE_FUNCTIONS",
    "VALUE_UFUNCS",
    "array_function",
    "array_ufunc",
]


def _tensor(a: Any) -> Tensor:
    """``a`` itself if a Tensor, else a new constant Tensor (also ``np.positive``)."""
    return a if isinstance(a, Tensor) else Tensor(a)


#: ufuncs that run a differentiable op.
UFUNCS: dict[Any, Callable[..., Any]] = {
    np.add: ops.add,
    np.subtract: ops.sub,
    np.multiply: ops.mul,
    np.divide: ops.div,
    np.power: ops.pow,
    np.float_power: ops.pow,
    np.negative: ops.neg,
    np.positive: _tensor,
    np.matmul: ops.matmul,
    np.exp: ops.exp,
    np.exp2: ops.exp2,
    np.expm1: ops.expm1,
    np.log: ops.log,
    np.log2: ops.log2,
    np.log10: ops.log10,
    np.log1p: ops.log1p,
    np.sqrt: ops.sqrt,
    np.square: ops.square,
    np.reciprocal: ops.reciprocal,
    np.absolute: ops.abs,
    np.sign: ops.sign,
    np.sin: ops.sin,
    np.cos: ops.cos,
    np.tan: ops.tan,
    np.tanh: ops.tanh,
    np.maximum: ops.maximum,
    np.minimum: ops.minimum,
}

#: The ufuncs above that are one primitive op each, for the Tensor's fast path.
UFUNC_OPS = {
    np.add: ops.Add,
    np.subtract: ops.Sub,
    np.multiply: ops.Mul,
    np.divide: ops.Div,
    np.power: ops.Pow,
    np.matmul: ops.MatMul,
    np.maximum: ops.Maximum,
    np.minimum: ops.Minimum,
    np.negative: ops.Neg,
    np.exp: ops.Exp,
    np.log: ops.Log,
    np.sqrt: ops.Sqrt,
    np.absolute: ops.Abs,
    np.tanh: ops.Tanh,
    np.sin: ops.Sin,
    np.cos: ops.Cos,
}

#: ufuncs whose result carries no gradient (booleans, or piecewise constant).
VALUE_UFUNCS = {
    np.equal,
    np.not_equal,
    np.less,
    np.less_equal,
    np.greater,
    np.greater_equal,
    np.logical_and,
    np.logical_or,
    np.logical_xor,
    np.logical_not,
    np.bitwise_and,
    np.bitwise_or,
    np.bitwise_xor,
    np.invert,
    np.isfinite,
    np.isinf,
    np.isnan,
    np.signbit,
    np.floor,
    np.ceil,
    np.trunc,
    np.rint,
}


# What a ufunc on Tensors accepts beside them; anything else gets NotImplemented,
# so another library's array type can take over.
_OPERANDS = (Tensor, np.ndarray, int, float, complex, bool, np.generic, list, tuple)


def plain_operands(inputs: tuple[Any, ...]) -> bool:
    """Whether every operand is a Tensor, an ndarray or a number (else another
    library's type is involved, and numpy should ask it instead)."""
    for x in inputs:
        if not isinstance(x, _OPERANDS):
            return False
    return True


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _unwrap(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    return value


def _unsupported(name: str, why: str = "") -> OpError:
    return OpTypeError(
        f"numpy.{name} is not supported on autograd_mlp Tensors{why}; use the Tensor's "
        "methods or autograd_mlp's functions, or t.numpy() for a plain (graph-free) array"
    )


def array_ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``ufunc`` (called as ``ufunc.<method>(*inputs, **kwargs)``) on Tensors.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> x = ag.tensor([0.0, 1.0], requires_grad=True)
    >>> np.add(x, 1)  # Tensor.__array_ufunc__ lands here: recorded like x + 1
    tensor([1., 2.], grad_fn=<add>)
    """
    if not plain_operands(inputs):
        return NotImplemented
    fn = UFUNCS.get(ufunc)
    if fn is not None and method == "__call__" and not kwargs:
        return fn(*inputs)
    name = getattr(ufunc, "__name__", repr(ufunc))
    if method != "__call__":
        raise _unsupported(f"{name}.{method}", " (only a plain call of a ufunc is)")
    if kwargs:
        if kwargs.get("out") is not None:
            raise _unsupported(name, " with out= (Tensors are not written in place)")
        raise _unsupported(name, f" with {', '.join(sorted(kwargs))}=")
    if ufunc in VALUE_UFUNCS:
        return Tensor._make(np.asarray(ufunc(*(_data(x) for x in inputs))))
    raise _unsupported(name)


# --------------------------------------------------------------------------- array functions
# Each adapter takes numpy's signature and refuses arguments with no op behind them.
def _no_out(name: str, out: Any = None, **unknown: Any) -> None:
    if out is not None:
        raise _unsupported(name, " with out= (Tensors are not written in place)")
    unused = {k: v for k, v in unknown.items() if v is not None and v is not np._NoValue}
    if unused:
        raise _unsupported(name, f" with {', '.join(sorted(unused))}=")


def _reduction(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def adapter(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        keepdims: Any = False,
        initial: Any = None,
        where: Any = None,
    ) -> Any:
        _no_out(name, out, dtype=dtype, initial=initial, where=where)
        return fn(
            _tensor(a), axis=axis, keepdims=bool(keepdims) if keepdims is not np._NoValue else False
        )

    adapter.__name__ = name
    return adapter


def _moments(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def adapter(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        ddof: float = 0,
        keepdims: Any = False,
        *,
        where: Any = None,
        mean: Any = None,
        correction: Any = None,
    ) -> Any:
        _no_out(name, out, dtype=dtype, where=where, mean=mean)
        c = ddof if correction is None else correction
        return fn(_tensor(a), axis=axis, correction=c, keepdims=bool(keepdims))

    adapter.__name__ = name
    return adapter


def _concatenate(
    arrays: Any, axis: int = 0, out: Any = None, dtype: Any = None, casting: Any = None
) -> Any:
    _no_out("concatenate", out, dtype=dtype, casting=casting)
    if axis is None:
        return ops.concatenate([_tensor(a).reshape(-1) for a in arrays], axis=0)
    return ops.concatenate(list(arrays), axis=axis)


def _stack(
    arrays: Any, axis: int = 0, out: Any = None, dtype: Any = None, casting: Any = None
) -> Any:
    _no_out("stack", out, dtype=dtype, casting=casting)
    return ops.stack(list(arrays), axis=axis)


def _reshape(a: Any, *args: Any, **kwargs: Any) -> Any:
    # numpy 2 renamed newshape to shape; accept both, positionally too.
    shape = args[0] if args else kwargs.pop("shape", kwargs.pop("newshape", None))
    order = kwargs.pop("order", "C")
    kwargs.pop("copy", None)
    if order != "C" or kwargs:
        raise _unsupported(
            "reshape", f" with order={order!r}" if order != "C" else f" with {sorted(kwargs)}"
        )
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _tensor(a).reshape(shape)


def _transpose(a: Any, axes: Any = None) -> Any:
    return _tensor(a).transpose(*(() if axes is None else tuple(axes)))


def _clip(
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    min: Any = None,  # noqa: A002
    max: Any = None,
    **kwargs: Any,
) -> Any:  # noqa: A002
    _no_out("clip", out, **kwargs)
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    return ops.clip(_tensor(a), lo=_data(lo), hi=_data(hi))


def _where(condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None or y is None:
        raise _unsupported(
            "where", " with one argument (it returns indices; use np.nonzero(t.numpy()))"
        )
    cond = np.asarray(_data(condition), dtype=bool)
    return ops.Where.apply(x, y, cond=cond)


def _dot(a: Any, b: Any, out: Any = None) -> Any:
    _no_out("dot", out)
    if np.ndim(_data(a)) > 2 or np.ndim(_data(b)) > 2:
        raise _unsupported("dot", " for inputs above 2-D (use np.matmul or np.tensordot)")
    if np.ndim(_data(a)) == 0 or np.ndim(_data(b)) == 0:
        return ops.mul(a, b)
    return ops.matmul(a, b)


def _squeeze(a: Any, axis: Any = None) -> Any:
    t = _tensor(a)
    if axis is not None:
        axes = axis if isinstance(axis, tuple) else (axis,)
        for ax in axes:
            if t.shape[ax] != 1:  # numpy refuses where torch ignores
                raise ops._errors.OpAxisError(
                    f"squeeze: axis {ax} of shape {t.shape} has size {t.shape[ax]}, not 1"
                )
    return ops.squeeze(t, axis)


def _expand_dims(a: Any, axis: Any) -> Any:
    t = _tensor(a)
    for ax in sorted(axis) if isinstance(axis, tuple) else [axis]:
        t = ops.unsqueeze(t, ax)
    return t


def _pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    if mode != "constant":
        raise _unsupported("pad", f" with mode={mode!r} (only 'constant')")
    value = kwargs.pop("constant_values", 0.0)
    if kwargs:
        raise _unsupported("pad", f" with {sorted(kwargs)}")
    return ops.pad(_tensor(array), pad_width, value=value)


def _cumulative(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def adapter(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        _no_out(name, out, dtype=dtype)
        return fn(_tensor(a), axis=axis)

    adapter.__name__ = name
    return adapter


def _arg(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def adapter(a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = False) -> Any:
        _no_out(name, out)
        return fn(a, axis=axis, keepdims=bool(keepdims) if keepdims is not np._NoValue else False)

    adapter.__name__ = name
    return adapter


def _logical(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def adapter(
        a: Any, axis: Any = None, out: Any = None, keepdims: Any = False, *, where: Any = None
    ) -> Any:
        _no_out(name, out, where=where)
        return fn(a, axis=axis, keepdims=bool(keepdims) if keepdims is not np._NoValue else False)

    adapter.__name__ = name
    return adapter


def _vector_norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    t = _tensor(x)
    if ord is None:
        return ops.norm(t, 2, axis=axis, keepdims=keepdims)  # numpy: Frobenius/2-norm
    if t.ndim == 1 or isinstance(axis, (int, np.integer)):
        return ops.norm(t, ord, axis=axis, keepdims=keepdims)
    raise _unsupported(
        "linalg.norm", f" for matrix norms (ord={ord!r}); use t.norm() for vector norms"
    )


def _outer(a: Any, b: Any, out: Any = None) -> Any:
    _no_out("outer", out)
    return ops.outer(_tensor(a), _tensor(b))


def _einsum(
    subscripts: str, *operands: Any, out: Any = None, optimize: Any = None, **kwargs: Any
) -> Any:
    _no_out("einsum", out, **kwargs)
    return ops.einsum(subscripts, *operands)


#: numpy functions that run differentiable ops.
FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.sum: _reduction("sum", ops.sum),
    np.mean: _reduction("mean", ops.mean),
    np.max: _reduction("max", ops.max),
    np.amax: _reduction("amax", ops.max),
    np.min: _reduction("min", ops.min),
    np.amin: _reduction("amin", ops.min),
    np.prod: _reduction("prod", ops.prod),
    np.var: _moments("var", ops.var),
    np.std: _moments("std", ops.std),
    np.cumsum: _cumulative("cumsum", ops.cumsum),
    np.cumprod: _cumulative("cumprod", ops.cumprod),
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.reshape: _reshape,
    np.ravel: lambda a, order="C": _reshape(a, (-1,), order=order),
    np.transpose: _transpose,
    np.clip: _clip,
    np.where: _where,
    np.dot: _dot,
    np.einsum: _einsum,
    np.tensordot: lambda a, b, axes=2: ops.tensordot(_tensor(a), _tensor(b), axes),
    np.outer: _outer,
    np.squeeze: _squeeze,
    np.expand_dims: _expand_dims,
    np.broadcast_to: lambda array, shape, subok=False: ops.broadcast_to(
        _tensor(array), tuple(np.atleast_1d(shape))
    ),
    np.flip: lambda m, axis=None: ops.flip(_tensor(m), axis),
    np.roll: lambda a, shift, axis=None: ops.roll(_tensor(a), shift, axis),
    np.tile: lambda A, reps: ops.tile(_tensor(A), reps),
    np.pad: _pad,
    np.tril: lambda m, k=0: ops.tril(_tensor(m), k),
    np.triu: lambda m, k=0: ops.triu(_tensor(m), k),
    np.diagonal: lambda a, offset=0, axis1=0, axis2=1: ops.diagonal(
        _tensor(a), offset, axis1, axis2
    ),
    np.linalg.norm: _vector_norm,
    np.argmax: _arg("argmax", ops.argmax),
    np.argmin: _arg("argmin", ops.argmin),
    np.any: _logical("any", ops.any),
    np.all: _logical("all", ops.all),
}

#: numpy functions about the values or the shape, answered without a gradient.
VALUE_FUNCTIONS = {
    np.shape,
    np.ndim,
    np.size,
    np.allclose,
    np.array_equal,
    np.array_equiv,
    np.isclose,
    np.count_nonzero,
    np.result_type,
    np.iscomplexobj,
    np.isrealobj,
}


def array_function(func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run the numpy function ``func`` on arguments holding Tensors.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> np.concatenate([ag.tensor([1.0]), ag.tensor([2.0])])  # a Tensor, not an ndarray
    tensor([1., 2.])
    >>> np.shape(ag.zeros(2, 3))
    (2, 3)
    """
    for t in types:
        if not issubclass(t, (Tensor, np.ndarray)):
            return NotImplemented
    fn = FUNCTIONS.get(func)
    if fn is not None:
        return fn(*args, **kwargs)
    if func in VALUE_FUNCTIONS:
        result = func(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()})
        return Tensor._make(result) if isinstance(result, np.ndarray) else result
    name = getattr(func, "__name__", repr(func))
    module = getattr(func, "__module__", "numpy") or "numpy"
    if module.startswith("numpy.linalg"):
        name = "linalg." + name
    raise _unsupported(name)
