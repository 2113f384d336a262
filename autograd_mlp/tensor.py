"""The ``Tensor``: a numpy array that remembers how it was computed.

A tensor holds its value in ``.data`` (a plain ``numpy.ndarray``). When it was
produced by an op from inputs that require grad, it also holds that op's graph
node in ``._node``; ``backward()`` walks those nodes (see :mod:`autograd_mlp.engine`).
Every operator and method here is a thin call into :mod:`autograd_mlp.ops`, where
each op's forward and backward live side by side.
"""

from __future__ import annotations

import builtins
import itertools
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ._defaults import LAST, ONE, TWO, ZERO
from .errors import AutogradError, OpTypeError, ShapeError, op_error_like

if TYPE_CHECKING:  # pragma: no cover
    from .op import Op

# Creation order of every tensor: stable ids for drawing graphs, independent of id().
_seq = itertools.count()

#: How many times any tensor's ``_version`` was set, in the whole process. A
#: node recorded when it had its current value has inputs no one modified since,
#: so the walk skips their version checks with one comparison.
edits = [0]

DEFAULT_FLOAT = np.float32

Axis = Any  # an int, a tuple of ints or None (for annotations)


def _bound(value: Any) -> Any:
    """A clamp bound as the op's attribute: a Tensor's array (a constant), else as given."""
    return value._data if isinstance(value, Tensor) else value


def _as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert ``data`` to an ndarray; floats default to float32, ``dtype`` overrides."""
    if isinstance(data, Tensor):
        data = data.data
    try:
        array = np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as exc:  # ragged lists, unknown dtypes: name the call
        what = type(data).__name__
        raise op_error_like(exc, f"tensor: cannot make an array from {what}: {exc}") from None
    if array.dtype.kind not in "biufc":
        raise OpTypeError(
            f"tensor: data must be numbers or bools, got dtype {array.dtype} (shape {array.shape})"
        )
    if dtype is None and array.dtype.kind == "f" and array.dtype != DEFAULT_FLOAT:
        array = array.astype(DEFAULT_FLOAT)
    return array


class Tensor:
    """A numpy array with reverse-mode automatic differentiation.

    Parameters
    ----------
    data : array_like
        The value. Wrapped without a copy when it already is an ndarray of the
        requested dtype.
    requires_grad : bool
        Whether ops on this tensor record a graph so gradients can flow back to it.
    dtype : numpy dtype, optional
        Floating data defaults to float32; pass ``np.float64`` for gradient checks.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = (
        "_data",
        "grad",
        "_requires_grad",
        "_node",
        "_seq",
        "_v",
        "name",
        "_hooks",
        "__weakref__",
    )

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        self._data = _as_array(data, dtype)
        self.grad: Tensor | None = None
        """The accumulated gradient (a Tensor), or ``None`` until a backward reaches
        this tensor; ``+=`` across backward calls until set back to ``None``."""
        self._node: Op | None = None
        self._seq = next(_seq)
        # One cell shared by tensors that share storage (``detach``), as PyTorch's
        # version counter: an in-place change through either is seen by both.
        self._v = [0]
        self.name: str | None = None
        self._hooks: list[Any] | None = None
        self._requires_grad = False
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool = False, node: Op | None = None) -> Tensor:
        """Wrap an op's output: no conversion and no checks (the hot path)."""
        t = cls.__new__(cls)
        t._data = data
        t.grad = None
        t._requires_grad = requires_grad
        t._node = node
        t._seq = next(_seq)
        t._v = [0]
        t.name = None
        t._hooks = None
        return t

    # ------------------------------------------------------------------ properties
    @property
    def data(self) -> np.ndarray:
        """The value, a ``numpy.ndarray`` (no copy).

        Assigning replaces it with another array of the same shape and dtype.
        Writing *into* it (``t.data[...] = v``, ``t.data -= lr * g``) is the one
        unchecked escape hatch, as PyTorch's ``.data``: it bumps no version, so
        a backward that saved the old values will not notice.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> t = ag.tensor([1.0, 2.0])
        >>> t.data
        array([1., 2.], dtype=float32)
        """
        return self._data

    @data.setter
    def data(self, value: np.ndarray) -> None:
        old = self._data
        who = self._describe()
        if not isinstance(value, np.ndarray):
            raise OpTypeError(
                f"{who}.data must be a numpy.ndarray, got {type(value).__name__}; "
                "use np.asarray(value, dtype=t.dtype)"
            )
        if value.shape != old.shape:
            raise ShapeError(f"{who}.data: new value has shape {value.shape}, expected {old.shape}")
        if value.dtype != old.dtype:
            raise OpTypeError(
                f"{who}.data: new value has dtype {value.dtype}, expected {old.dtype}"
            )
        self._data = value

    @property
    def _version(self) -> int:
        """How many times this tensor was modified in place (optimiser steps do
        ``t._version += 1``); backward refuses values saved at another version."""
        return self._v[0]

    @_version.setter
    def _version(self, value: int) -> None:
        self._v[0] = value
        edits[0] += 1

    def _describe(self) -> str:
        """How error messages name this tensor: its ``name``, else its shape."""
        if self.name:
            return f"tensor {self.name!r}"
        return f"tensor of shape {self._data.shape}"

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0]).requires_grad, ag.tensor([1.0], requires_grad=True).requires_grad
        (False, True)
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self._data.dtype.kind != "f":
            raise AutogradError(
                f"requires_grad=True needs a floating-point tensor, got dtype {self._data.dtype}"
            )
        if not value and self._node is not None:
            raise AutogradError(
                "requires_grad can only be switched off on a leaf tensor; use .detach()"
            )
        self._requires_grad = bool(value)

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (user inputs, parameters).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.0], requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self._node is None

    @property
    def grad_fn(self) -> Op | None:
        """The graph node that produced this tensor, or ``None`` for a leaf.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.0], requires_grad=True)
        >>> x.grad_fn is None, (x * 2).grad_fn is None
        (True, False)
        """
        return self._node

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape, as ``ndarray.shape``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3).shape
        (2, 3)
        """
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    @property
    def size(self) -> int:
        """The number of elements.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3).size
        6
        """
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype of ``data``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0]).dtype, ag.tensor([1]).dtype
        (dtype('float32'), dtype('int64'))
        """
        return self._data.dtype

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (all axes reversed), as ``ndarray.T``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 2.0], [3.0, 4.0]]).T.tolist()
        [[1.0, 3.0], [2.0, 4.0]]
        """
        return _ops.transpose(self)

    # ------------------------------------------------------------------ conversion
    def numpy(self) -> np.ndarray:
        """Return the underlying ndarray (no copy).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        """
        return self._data

    def item(self) -> float | int | bool:
        """Return the value of a single-element tensor as a Python number.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[2.5]]).item()
        2.5
        """
        if self._data.size != 1:
            raise ValueError(
                f"item: only a single-element tensor has an item, got shape {self.shape}"
            )
        return self._data.item()

    def detach(self) -> Tensor:
        """Return a new leaf sharing this tensor's data, cut from the graph.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.0], requires_grad=True)
        >>> d = (x * 2).detach()
        >>> d.requires_grad, d.is_leaf
        (False, True)
        """
        t = Tensor._make(self._data)
        t._v = self._v  # same storage, same version counter (in place on t is seen here)
        return t

    def astype(self, dtype: Any) -> Tensor:
        """Return a copy cast to ``dtype`` (differentiable between float dtypes; a
        cast to an integer or bool dtype gives a tensor without gradient).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.5, 2.5])
        >>> x.astype("float64").dtype, x.astype(int).tolist()
        (dtype('float64'), [1, 2])
        """
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            return Tensor._make(self.data.astype(dtype))
        return _ops.astype(self, dtype=dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(")
        extras = []
        if self._data.dtype != DEFAULT_FLOAT and self._data.dtype.kind == "f":
            extras.append(f"dtype={self._data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{self._node.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"

    # ------------------------------------------------------------------ autograd
    def backward(
        self,
        grad: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``.

        Parameters
        ----------
        grad : array_like or Tensor, optional
            The gradient of some scalar with respect to ``self``; may be omitted
            only when ``self`` has a single element (it then defaults to 1).
        retain_graph : bool, optional
            Keep the graph's saved values for another backward. Defaults to
            ``create_graph``.
        create_graph : bool
            Record the backward pass itself, so the gradients can be
            differentiated again (higher-order derivatives).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor(3.0, requires_grad=True)
        >>> (x ** 2).backward()
        >>> x.grad.item()
        6.0
        """
        _engine.backward([self], [grad], retain_graph=retain_graph, create_graph=create_graph)

    # ------------------------------------------------------------------ in place
    # Each is recorded like PyTorch's in-place ops; autograd_mlp/inplace.py has
    # the rules (versions, leaves, what earlier nodes see).
    def __setitem__(self, index: Any, value: Any) -> None:
        _inplace.setitem(self, index, value)

    def __iadd__(self, other: Any) -> Tensor:
        return _inplace.apply_inplace(_ops.Add, self, (other,))

    def __isub__(self, other: Any) -> Tensor:
        return _inplace.apply_inplace(_ops.Sub, self, (other,))

    def __imul__(self, other: Any) -> Tensor:
        return _inplace.apply_inplace(_ops.Mul, self, (other,))

    def __itruediv__(self, other: Any) -> Tensor:
        return _inplace.apply_inplace(_ops.Div, self, (other,))

    def add_(self, other: Any, alpha: float = 1.0) -> Tensor:
        """In place ``self += alpha * other``; returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).add_(1.0)
        tensor([2., 3.])
        """
        if alpha != 1:
            other = other * alpha
        return _inplace.apply_inplace(_ops.Add, self, (other,))

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        """In place ``self -= alpha * other``; returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).sub_(1.0, alpha=0.5)
        tensor([0.5, 1.5])
        """
        if alpha != 1:
            other = other * alpha
        return _inplace.apply_inplace(_ops.Sub, self, (other,))

    def mul_(self, other: Any) -> Tensor:
        """In place ``self *= other``; returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).mul_(3.0)
        tensor([3., 6.])
        """
        return _inplace.apply_inplace(_ops.Mul, self, (other,))

    def div_(self, other: Any) -> Tensor:
        """In place ``self /= other``; returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([2.0, 4.0]).div_(2.0)
        tensor([1., 2.])
        """
        return _inplace.apply_inplace(_ops.Div, self, (other,))

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        """In place clamp to ``[min, max]`` (either may be ``None``); returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-1.0, 0.5, 2.0]).clamp_(0.0, 1.0)
        tensor([0. , 0.5, 1. ])
        """
        if min is None and max is None:  # torch refuses a clamp that does nothing
            raise OpTypeError("clamp_: give at least one of min= and max=")
        return _inplace.apply_inplace(_ops.Clip, self, (), lo=_bound(min), hi=_bound(max))

    def fill_(self, value: Any) -> Tensor:
        """Set every element to ``value`` (a number or a one-element Tensor); returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).fill_(7.0)
        tensor([7., 7.])
        """
        return _inplace.setitem(self, Ellipsis, value)

    def zero_(self) -> Tensor:
        """Set every element to zero (as in ``t.grad.zero_()``); returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).zero_()
        tensor([0., 0.])
        """
        return _inplace.setitem(self, Ellipsis, 0.0)

    # ------------------------------------------------------------------ hooks
    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when the gradient of this tensor is complete in a
        backward pass; a returned Tensor (of the same shape) replaces the gradient.

        As in PyTorch: on a leaf, hooks run before the gradient is added to
        ``.grad``; on a non-leaf, before its op's backward uses it. Hooks run in
        the order registered.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([20., 40.])
        >>> handle.remove()
        """
        if not self._requires_grad:
            raise AutogradError(
                f"register_hook: {self._describe()} does not require grad, so no "
                "gradient will reach it"
            )
        owner: Any = self if self._node is None else self._node
        if owner._hooks is None:
            owner._hooks = []
        owner._hooks.append(hook)
        return RemovableHandle(owner._hooks, hook)

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` during backward
        (leaves always get one).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor(3.0, requires_grad=True)
        >>> h = x * 2
        >>> h.retain_grad()
        >>> (h * h).backward()
        >>> h.grad.item()
        12.0
        """
        if not self._requires_grad:
            raise AutogradError(f"retain_grad: {self._describe()} does not require grad")
        if self._node is not None:
            self._node._retain = weakref.ref(self)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index=index)

    # Comparisons are not differentiable: they return boolean leaf tensors.
    def _compare(self, other: Any, fn: Any) -> Tensor:
        other = other.data if isinstance(other, Tensor) else other
        return Tensor._make(fn(self._data, other))

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ elementwise
    def exp(self) -> Tensor:
        """Elementwise ``e**x``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).exp().tolist()
        [1.0]
        """
        return _ops.exp(self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0]).log().tolist()
        [0.0]
        """
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        """Elementwise square root.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([4.0, 9.0]).sqrt().tolist()
        [2.0, 3.0]
        """
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        """Elementwise absolute value.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-1.5, 2.0]).abs().tolist()
        [1.5, 2.0]
        """
        return _ops.abs(self)

    def relu(self) -> Tensor:
        """Elementwise ``max(x, 0)``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-1.0, 2.0]).relu().tolist()
        [0.0, 2.0]
        """
        return _ops.relu(self)

    def sigmoid(self) -> Tensor:
        """Elementwise logistic function ``1 / (1 + e**-x)``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).sigmoid().tolist()
        [0.5]
        """
        return _ops.sigmoid(self)

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).tanh().tolist()
        [0.0]
        """
        return _ops.tanh(self)

    def clip(self, lo: float | None, hi: float | None) -> Tensor:
        """Elementwise clamp to ``[lo, hi]`` (either bound may be ``None``).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-1.0, 0.5, 2.0]).clip(0.0, None).tolist()
        [0.0, 0.5, 2.0]
        """
        return _ops.clip(self, lo=lo, hi=hi)

    # ------------------------------------------------------------------ reductions
    # ``dim=``/``keepdim=`` (PyTorch's names) are resolved only when given, so the
    # numpy-style call pays one ``is None`` test.
    def sum(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Sum over ``axis`` (all axes by default), as ``ndarray.sum``; ``dim=`` and
        ``keepdim=`` are accepted too (PyTorch's names).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.ones(2, 3).sum(dim=1, keepdim=True).tolist()
        [[3.0], [3.0]]
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("sum", axis, dim, keepdims, keepdim)
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Mean over ``axis`` (all axes by default), as ``ndarray.mean``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 2.0], [3.0, 6.0]]).mean(axis=1).tolist()
        [1.5, 4.5]
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("mean", axis, dim, keepdims, keepdim)
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Maximum over ``axis``; values only (numpy semantics).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 5.0], [4.0, 2.0]])
        >>> x.max().item(), x.max(axis=0).tolist()
        (5.0, [4.0, 5.0])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("max", axis, dim, keepdims, keepdim)
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def min(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Minimum over ``axis``; values only (numpy semantics).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 5.0], [4.0, 2.0]])
        >>> x.min().item(), x.min(dim=1).tolist()
        (1.0, [1.0, 2.0])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("min", axis, dim, keepdims, keepdim)
        return _ops.min(self, axis=axis, keepdims=keepdims)

    def logsumexp(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """``log(sum(exp(x)))`` over ``axis``, computed without overflow.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0, 0.0]).logsumexp().item() == ag.tensor(2.0).log().item()
        True
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("logsumexp", axis, dim, keepdims, keepdim)
        return _ops.logsumexp(self, axis=axis, keepdims=keepdims)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Tensor:
        """Return the same values in a new shape (``-1`` infers one dimension).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.arange(6).reshape(2, -1).shape, ag.arange(6).reshape((3, 2)).shape
        ((2, 3), (3, 2))
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.reshape(self, shape=shape)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (a full permutation); with no axes, reverse them.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3, 4).transpose().shape, ag.zeros(2, 3, 4).transpose(1, 0, 2).shape
        ((4, 3, 2), (3, 2, 4))
        """
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _ops.transpose(self, axes=axes or None)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one (all of them by default, giving
        a 1-D tensor), as ``torch.flatten``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3, 4).flatten().shape, ag.zeros(2, 3, 4).flatten(1).shape
        ((24,), (2, 12))
        """
        if start_dim == 0 and end_dim == -1:
            return _ops.reshape(self, shape=(-1,))
        return _ops.flatten(self, start_dim, end_dim)

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        """Broadcast to ``shape`` with numpy rules.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).broadcast_to((2, 2)).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
        """
        return _ops.broadcast_to(self, shape=tuple(shape))

    # ------------------------------------------------------------------ softmax family
    def softmax(self, axis: int = LAST, *, dim: int | None = None) -> Tensor:
        """``exp(x) / sum(exp(x))`` along ``axis``, computed stably.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 1.0, 1.0, 1.0]]).softmax(dim=1).tolist()
        [[0.25, 0.25, 0.25, 0.25]]
        """
        axis = _pick("softmax", "axis", axis, "dim", dim)
        return _ops.softmax(self, axis=axis)

    def log_softmax(self, axis: int = LAST, *, dim: int | None = None) -> Tensor:
        """``x - logsumexp(x)`` along ``axis``, computed stably.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[2.0, 2.0]]).log_softmax().exp().tolist()
        [[0.5, 0.5]]
        """
        axis = _pick("log_softmax", "axis", axis, "dim", dim)
        return _ops.log_softmax(self, axis=axis)

    # ------------------------------------------------------------------ conversion (v2)
    def tolist(self) -> Any:
        """The values as (nested) Python lists, as ``ndarray.tolist``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 2.0]]).tolist(), ag.tensor(3).tolist()
        ([[1.0, 2.0]], 3)
        """
        return self.data.tolist()

    def numel(self) -> int:
        """The number of elements (``size``), as ``torch.numel``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3).numel()
        6
        """
        return self.data.size

    def float(self) -> Tensor:
        """Cast to float32 (differentiable).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1, 2]).float().dtype
        dtype('float32')
        """
        return self.astype(np.float32)

    def double(self) -> Tensor:
        """Cast to float64 (differentiable).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0]).double().dtype
        dtype('float64')
        """
        return self.astype(np.float64)

    def to(self, dtype: Any) -> Tensor:
        """Cast to ``dtype``, as ``astype``; ``"cpu"`` (the only device) returns self.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> t = ag.tensor([1.0])
        >>> t.to('float64').dtype, t.to('cpu') is t
        (dtype('float64'), True)
        """
        if isinstance(dtype, str) and dtype == "cpu":
            return self
        return self.astype(dtype)

    def requires_grad_(self, flag: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``, as in PyTorch.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0]).requires_grad_().requires_grad
        True
        """
        self.requires_grad = flag
        return self

    # ------------------------------------------------------------------ elementwise (v2)
    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        """Elementwise clamp to ``[min, max]``; gradient 1 inside, bounds included
        (``torch.clamp``).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0).tolist()
        [0.0, 0.5, 1.0]
        """
        if min is None and max is None:
            raise OpTypeError("clamp: give at least one of min= and max=")
        return _ops.clip(self, lo=_bound(min), hi=_bound(max))

    def sign(self) -> Tensor:
        """Elementwise sign (-1, 0, 1); its derivative is 0.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-2.0, 0.0, 3.0]).sign().tolist()
        [-1.0, 0.0, 1.0]
        """
        return _ops.sign(self)

    def log1p(self) -> Tensor:
        """Elementwise ``log(1 + x)``, accurate near 0.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).log1p().tolist()
        [0.0]
        """
        return _ops.log1p(self)

    def expm1(self) -> Tensor:
        """Elementwise ``exp(x) - 1``, accurate near 0.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).expm1().tolist()
        [0.0]
        """
        return _ops.expm1(self)

    def log2(self) -> Tensor:
        """Elementwise base-2 logarithm.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 8.0]).log2().tolist()
        [0.0, 3.0]
        """
        return _ops.log2(self)

    def log10(self) -> Tensor:
        """Elementwise base-10 logarithm.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 100.0]).log10().tolist()
        [0.0, 2.0]
        """
        return _ops.log10(self)

    def exp2(self) -> Tensor:
        """Elementwise ``2**x``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0, 3.0]).exp2().tolist()
        [1.0, 8.0]
        """
        return _ops.exp2(self)

    def sin(self) -> Tensor:
        """Elementwise sine.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).sin().tolist()
        [0.0]
        """
        return _ops.sin(self)

    def cos(self) -> Tensor:
        """Elementwise cosine.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).cos().tolist()
        [1.0]
        """
        return _ops.cos(self)

    def tan(self) -> Tensor:
        """Elementwise tangent.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).tan().tolist()
        [0.0]
        """
        return _ops.tan(self)

    def reciprocal(self) -> Tensor:
        """Elementwise ``1 / x``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([2.0, 4.0]).reciprocal().tolist()
        [0.5, 0.25]
        """
        return _ops.reciprocal(self)

    def rsqrt(self) -> Tensor:
        """Elementwise ``1 / sqrt(x)``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([4.0, 16.0]).rsqrt().tolist()
        [0.5, 0.25]
        """
        return _ops.rsqrt(self)

    def square(self) -> Tensor:
        """Elementwise ``x * x``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-3.0, 2.0]).square().tolist()
        [9.0, 4.0]
        """
        return _ops.square(self)

    def erf(self) -> Tensor:
        """Elementwise error function.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([0.0]).erf().tolist()
        [0.0]
        """
        return _ops.erf(self)

    # ------------------------------------------------------------------ reductions (v2)
    def prod(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Product over ``axis`` (all axes by default).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.prod().item(), x.prod(dim=1).tolist()
        (24.0, [2.0, 12.0])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("prod", axis, dim, keepdims, keepdim)
        return _ops.prod(self, axis=axis, keepdims=keepdims)

    def var(
        self,
        axis: Axis = None,
        correction: builtins.float = 1,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Variance with ``n - correction`` degrees of freedom (Bessel's by default,
        as ``torch.var``); ``correction >= n`` warns and gives inf/nan, as PyTorch.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 3.0], [2.0, 6.0]])
        >>> x.var(dim=1).tolist(), x.var(axis=1, correction=0).tolist()
        ([2.0, 8.0], [1.0, 4.0])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("var", axis, dim, keepdims, keepdim)
        return _ops.var(self, axis=axis, correction=correction, keepdims=keepdims)

    def std(
        self,
        axis: Axis = None,
        correction: builtins.float = 1,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Standard deviation, ``sqrt(var(...))``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 3.0, 5.0]).std().item(), ag.tensor([1.0, 3.0]).std(correction=0).item()
        (2.0, 1.0)
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("std", axis, dim, keepdims, keepdim)
        return _ops.std(self, axis=axis, correction=correction, keepdims=keepdims)

    def norm(
        self,
        ord: Any = TWO,  # noqa: A002
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
        p: Any = None,
    ) -> Tensor:
        """Vector ``ord``-norm over ``axis`` (all elements by default), as
        ``torch.linalg.vector_norm``; ``p=`` is PyTorch's name for ``ord``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[3.0, -4.0]])
        >>> x.norm().item(), x.norm(1, dim=1).tolist()
        (5.0, [7.0])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("norm", axis, dim, keepdims, keepdim)
        ord = _pick("norm", "ord", ord, "p", p)
        return _ops.norm(self, ord=ord, axis=axis, keepdims=keepdims)

    def argmax(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index of the maximum (of the flattened tensor when ``axis`` is None); ties
        give the first. An int64 tensor without gradient.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 7.0, 7.0], [5.0, 0.0, 2.0]]).argmax(dim=1).tolist()
        [1, 0]
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("argmax", axis, dim, keepdims, keepdim)
        return _ops.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index of the minimum; ties give the first. An int64 tensor without gradient.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[3.0, 1.0, 1.0], [0.0, 5.0, 2.0]]).argmin(dim=1).tolist()
        [1, 0]
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("argmin", axis, dim, keepdims, keepdim)
        return _ops.argmin(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Running sum along ``axis`` (of the flattened tensor when None, as numpy).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 2.0, 3.0]]).cumsum(dim=1).tolist()
        [[1.0, 3.0, 6.0]]
        """
        if dim is not None:
            axis = _pick("cumsum", "axis", axis, "dim", dim)
        return _ops.cumsum(self, axis=axis)

    def cumprod(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Running product along ``axis`` (flattened when None).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0, 3.0]).cumprod().tolist()
        [1.0, 2.0, 6.0]
        """
        if dim is not None:
            axis = _pick("cumprod", "axis", axis, "dim", dim)
        return _ops.cumprod(self, axis=axis)

    def any(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Whether any element (along ``axis``) is nonzero: a bool tensor.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[0.0, 1.0], [0.0, 0.0]])
        >>> x.any().item(), x.any(dim=1).tolist()
        (True, [True, False])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("any", axis, dim, keepdims, keepdim)
        return _ops.any(self, axis=axis, keepdims=keepdims)

    def all(
        self,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Whether every element (along ``axis``) is nonzero: a bool tensor.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 1.0], [0.0, 1.0]])
        >>> x.all().item(), x.all(dim=1).tolist()
        (False, [True, False])
        """
        if dim is not None or keepdim is not None:
            axis, keepdims = _dims("all", axis, dim, keepdims, keepdim)
        return _ops.all(self, axis=axis, keepdims=keepdims)

    # ------------------------------------------------------------------ shape (v2)
    def view(self, *shape: Any) -> Tensor:
        """``reshape`` under PyTorch's name (values are always copied or viewed by numpy).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.arange(6).view(3, 2).shape, ag.arange(6).view(-1, 3).shape
        ((3, 2), (2, 3))
        """
        return _ops.view(self, *shape)

    def permute(self, *axes: Any) -> Tensor:
        """Reorder the axes: ``axes`` is a full permutation, as ``torch.permute``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3, 4).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        return _ops.permute(self, *axes)

    def squeeze(self, axis: Axis = None, *, dim: Axis = None) -> Tensor:
        """Drop axes of size 1 (all of them, or those in ``axis``; an axis of
        another size is left alone, as PyTorch).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.zeros(1, 3, 1)
        >>> x.squeeze().shape, x.squeeze(0).shape, x.squeeze(dim=1).shape
        ((3,), (3, 1), (1, 3, 1))
        """
        if dim is not None:
            axis = _pick("squeeze", "axis", axis, "dim", dim)
        return _ops.squeeze(self, axis)

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Insert an axis of size 1 at ``axis`` (``-ndim-1 <= axis <= ndim``).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 3).unsqueeze(0).shape, ag.zeros(2, 3).unsqueeze(dim=-1).shape
        ((1, 2, 3), (2, 3, 1))
        """
        axis = _pick("unsqueeze", "axis", axis, "dim", dim)
        if axis is None:
            raise TypeError("unsqueeze() missing the axis (axis= or dim=)")
        return _ops.unsqueeze(self, axis)

    def expand(self, *shape: Any) -> Tensor:
        """Broadcast to ``shape``; ``-1`` keeps a size, as ``torch.expand``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(3, 1).expand(-1, 4).shape
        (3, 4)
        """
        return _ops.expand(self, *shape)

    def unflatten(self, axis: Any = None, sizes: Any = None, *, dim: Any = None) -> Tensor:
        """Split axis ``axis`` into ``sizes`` (one of them may be -1).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(2, 6).unflatten(1, (2, -1)).shape
        (2, 2, 3)
        """
        axis = _pick("unflatten", "axis", axis, "dim", dim)
        if axis is None or sizes is None:
            raise TypeError("unflatten() needs an axis (axis= or dim=) and sizes")
        return _ops.unflatten(self, axis, sizes)

    def flip(self, axis: Any = None, *, dims: Any = None, dim: Any = None) -> Tensor:
        """Reverse the order of elements along ``axis`` (an int or a tuple).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.flip(1).tolist(), x.flip(dims=(0, 1)).tolist()
        ([[2.0, 1.0], [4.0, 3.0]], [[4.0, 3.0], [2.0, 1.0]])
        """
        if dims is not None:
            dim = dims
        if dim is not None:
            axis = _pick("flip", "axis", axis, "dim", dim)
        return _ops.flip(self, axis)

    def roll(self, shifts: Any, axis: Any = None, *, dims: Any = None, dim: Any = None) -> Tensor:
        """Shift elements cyclically along ``axis`` (the flattened tensor when None).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0, 3.0]).roll(1).tolist()
        [3.0, 1.0, 2.0]
        """
        if dims is not None:
            dim = dims
        if dim is not None:
            axis = _pick("roll", "axis", axis, "dim", dim)
        if isinstance(shifts, list):
            shifts = tuple(shifts)
        if isinstance(axis, list):
            axis = tuple(axis)
        return _ops.roll(self, shifts, axis)

    def repeat(self, *reps: Any) -> Tensor:
        """Tile the tensor ``reps[i]`` times along axis ``i`` (PyTorch's ``repeat``:
        at least one repetition per axis).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 2.0]).repeat(2).tolist(), ag.tensor([1.0, 2.0]).repeat(2, 1).shape
        ([1.0, 2.0, 1.0, 2.0], (2, 2))
        """
        return _ops.repeat(self, *reps)

    def tile(self, reps: Any) -> Tensor:
        """Tile as ``numpy.tile`` (fewer reps than axes repeat the trailing ones).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 2.0]]).tile(2).tolist(), ag.tensor([1.0]).tile((2, 3)).shape
        ([[1.0, 2.0, 1.0, 2.0]], (2, 3))
        """
        return _ops.tile(self, reps)

    def diagonal(
        self,
        offset: int = 0,
        axis1: int = ZERO,
        axis2: int = ONE,
        *,
        dim1: int | None = None,
        dim2: int | None = None,
    ) -> Tensor:
        """The diagonal of the ``axis1``/``axis2`` planes, as a last axis.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([[1.0, 2.0], [3.0, 4.0]]).diagonal().tolist()
        [1.0, 4.0]
        """
        axis1 = _pick("diagonal", "axis1", axis1, "dim1", dim1)
        axis2 = _pick("diagonal", "axis2", axis2, "dim2", dim2)
        return _ops.diagonal(self, offset, axis1, axis2)

    def tril(self, k: int = 0) -> Tensor:
        """Zero the elements above the ``k``-th diagonal (last two axes).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.ones(2, 2).tril().tolist()
        [[1.0, 0.0], [1.0, 1.0]]
        """
        return _ops.tril(self, k)

    def triu(self, k: int = 0) -> Tensor:
        """Zero the elements below the ``k``-th diagonal (last two axes).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.ones(2, 2).triu(1).tolist()
        [[0.0, 1.0], [0.0, 0.0]]
        """
        return _ops.triu(self, k)

    # ------------------------------------------------------------------ combining (v2)
    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """``value`` where ``mask`` is True, ``self`` elsewhere.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0])
        >>> x.masked_fill(x > 1.5, 0.0).tolist()
        [1.0, 0.0, 0.0]
        """
        return _ops.masked_fill(self, mask, value)

    def gather(self, axis: Any = None, index: Any = None, *, dim: Any = None) -> Tensor:
        """Pick values along ``axis`` at ``index``, as ``torch.gather``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.gather(1, ag.tensor([[1], [0]])).tolist()
        [[2.0], [3.0]]
        """
        return _public.gather(self, axis, index, dim=dim)

    def scatter_add(
        self, axis: Any = None, index: Any = None, src: Any = None, *, dim: Any = None
    ) -> Tensor:
        """A copy with ``src`` added at ``index`` along ``axis``, as ``torch.scatter_add``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.zeros(3).scatter_add(0, ag.tensor([0, 2, 0]), ag.tensor([1.0, 2.0, 3.0])).tolist()
        [4.0, 0.0, 2.0]
        """
        return _public.scatter_add(self, axis, index, src, dim=dim)

    def maximum(self, other: Any) -> Tensor:
        """Elementwise maximum with ``other`` (ties share the gradient).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 5.0]).maximum(ag.tensor([3.0, 2.0])).tolist()
        [3.0, 5.0]
        """
        return _ops.maximum(self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise minimum with ``other`` (ties share the gradient).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([1.0, 5.0]).minimum(2.0).tolist()
        [1.0, 2.0]
        """
        return _ops.minimum(self, other)

    # ------------------------------------------------------------------ logical (v2)
    # Elementwise and/or/xor/not of bool (or integer) tensors: no gradient, as the
    # comparisons.
    def __and__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_and)

    def __rand__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_or)

    def __ror__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_or)

    def __xor__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_xor)

    def __rxor__(self, other: Any) -> Tensor:
        return self._compare(other, np.bitwise_xor)

    def __invert__(self) -> Tensor:
        return Tensor._make(np.invert(self.data))

    # ------------------------------------------------------------------ numpy protocol (v2)
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # ``ndarray <op> Tensor`` lands here: the common case goes straight to the op
        # (numpy's own dispatch to this method costs about 0.7 µs; nothing else is added).
        if method == "__call__" and not kwargs:
            op = _UFUNC_OPS.get(ufunc)
            if op is not None:
                for x in inputs:
                    if not isinstance(x, _OPERANDS):
                        break
                else:
                    return _apply(op, inputs, {})
        return _numpy_api.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _numpy_api.array_function(func, types, args, kwargs)


def _dims(fn: str, axis: Any, dim: Any, keepdims: bool, keepdim: bool | None) -> tuple[Any, bool]:
    """Resolve PyTorch's ``dim``/``keepdim`` against ``axis``/``keepdims``."""
    axis = _pick(fn, "axis", axis, "dim", dim)
    if keepdim is not None:
        keepdims = _pick(fn, "keepdims", keepdims, "keepdim", keepdim, False)
    if isinstance(axis, list):
        axis = tuple(axis)
    return axis, keepdims


class RemovableHandle:
    """What :meth:`Tensor.register_hook` returns: ``handle.remove()`` unregisters.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> handle = x.register_hook(lambda g: g * 10)
    >>> (x * 1).sum().backward()
    >>> x.grad.tolist()
    [10.0, 10.0]
    """

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook (again is harmless).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> handle.remove(); handle.remove()  # the second call does nothing
        >>> (x * 1).sum().backward()
        >>> x.grad.tolist()
        [1.0, 1.0]
        """
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Create a :class:`Tensor`; floats default to float32.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.tensor([1, 2]).dtype
    dtype('int64')
    >>> ag.tensor([1.0, 2.0], dtype="float64").dtype
    dtype('float64')
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


# Imported last: ops and the engine need the Tensor class defined above.
from . import engine as _engine  # noqa: E402
from . import inplace as _inplace  # noqa: E402
from . import numpy_api as _numpy_api  # noqa: E402
from . import ops as _ops  # noqa: E402
from .numpy_api import _OPERANDS  # noqa: E402
from .numpy_api import UFUNC_OPS as _UFUNC_OPS  # noqa: E402
from .op import apply as _apply  # noqa: E402
from .ops import public as _public  # noqa: E402
from .ops._axes import pick as _pick  # noqa: E402
