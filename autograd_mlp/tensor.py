"""The ``Tensor``: a numpy array that remembers how it was computed.

A tensor holds its value in ``.data`` (a plain ``numpy.ndarray``). When it was
produced by an op from inputs that require grad, it also holds that op's graph
node in ``._node``; ``backward()`` walks those nodes (see :mod:`autograd_mlp.engine`).
Every operator and method here is a thin call into :mod:`autograd_mlp.ops`, where
each op's forward and backward live side by side.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import AutogradError, OpTypeError, ShapeError

if TYPE_CHECKING:  # pragma: no cover
    from .op import Op

# Creation order of every tensor: stable ids for drawing graphs, independent of id().
_seq = itertools.count()

DEFAULT_FLOAT = np.float32


def _as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert ``data`` to an ndarray; floats default to float32, ``dtype`` overrides."""
    if isinstance(data, Tensor):
        data = data.data
    array = np.asarray(data, dtype=dtype)
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
        "_version",
        "name",
        "_hooks",
        "__weakref__",
    )

    # Tells numpy to leave ``ndarray <op> Tensor`` to the Tensor's reflected
    # operator, so mixed expressions build graphs instead of object arrays.
    __array_ufunc__ = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        self._data = _as_array(data, dtype)
        self.grad: Tensor | None = None
        """The accumulated gradient (a Tensor), or ``None`` until a backward reaches
        this tensor; ``+=`` across backward calls until set back to ``None``."""
        self._node: Op | None = None
        self._seq = next(_seq)
        self._version = 0
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
        t._version = 0
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
        """
        return self._data

    @data.setter
    def data(self, value: np.ndarray) -> None:
        old = self._data
        who = self._describe()
        if not isinstance(value, np.ndarray):
            raise TypeError(
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

    def _describe(self) -> str:
        """How error messages name this tensor: its ``name``, else its shape."""
        if self.name:
            return f"tensor {self.name!r}"
        return f"tensor of shape {self._data.shape}"

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor."""
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
        """True for tensors not produced by a recorded op (user inputs, parameters)."""
        return self._node is None

    @property
    def grad_fn(self) -> Op | None:
        """The graph node that produced this tensor, or ``None`` for a leaf."""
        return self._node

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape, as ``ndarray.shape``."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    @property
    def size(self) -> int:
        """The number of elements."""
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype of ``data``."""
        return self._data.dtype

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (all axes reversed), as ``ndarray.T``."""
        return _ops.transpose(self)

    # ------------------------------------------------------------------ conversion
    def numpy(self) -> np.ndarray:
        """Return the underlying ndarray (no copy)."""
        return self._data

    def item(self) -> float | int | bool:
        """Return the value of a single-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item: only a single-element tensor has an item, got shape {self.shape}"
            )
        return self._data.item()

    def detach(self) -> Tensor:
        """Return a new leaf sharing this tensor's data, cut from the graph."""
        return Tensor._make(self._data)

    def astype(self, dtype: Any) -> Tensor:
        """Return a copy cast to ``dtype`` (differentiable between float dtypes)."""
        return _ops.astype(self, dtype=np.dtype(dtype))

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
        """In place ``self -= alpha * other``; returns ``self``."""
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
        """In place ``self /= other``; returns ``self``."""
        return _inplace.apply_inplace(_ops.Div, self, (other,))

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        """In place clamp to ``[min, max]`` (either may be ``None``); returns ``self``.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.tensor([-1.0, 0.5, 2.0]).clamp_(0.0, 1.0)
        tensor([0. , 0.5, 1. ])
        """
        return _inplace.apply_inplace(_ops.Clip, self, (), lo=min, hi=max)

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
        """Set every element to zero (as in ``t.grad.zero_()``); returns ``self``."""
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
        """Elementwise ``e**x``."""
        return _ops.exp(self)

    def log(self) -> Tensor:
        """Elementwise natural logarithm."""
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        """Elementwise square root."""
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        """Elementwise absolute value."""
        return _ops.abs(self)

    def relu(self) -> Tensor:
        """Elementwise ``max(x, 0)``."""
        return _ops.relu(self)

    def sigmoid(self) -> Tensor:
        """Elementwise logistic function ``1 / (1 + e**-x)``."""
        return _ops.sigmoid(self)

    def tanh(self) -> Tensor:
        """Elementwise hyperbolic tangent."""
        return _ops.tanh(self)

    def clip(self, lo: float | None, hi: float | None) -> Tensor:
        """Elementwise clamp to ``[lo, hi]`` (either bound may be ``None``)."""
        return _ops.clip(self, lo=lo, hi=hi)

    # ------------------------------------------------------------------ reductions
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all axes by default), as ``ndarray.sum``."""
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all axes by default), as ``ndarray.mean``."""
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; values only (numpy semantics)."""
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; values only (numpy semantics)."""
        return _ops.min(self, axis=axis, keepdims=keepdims)

    def logsumexp(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        """``log(sum(exp(x)))`` over ``axis``, computed without overflow."""
        return _ops.logsumexp(self, axis=axis, keepdims=keepdims)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> Tensor:
        """Return the same values in a new shape (``-1`` infers one dimension)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.reshape(self, shape=shape)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes (a full permutation); with no axes, reverse them."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _ops.transpose(self, axes=axes or None)

    def flatten(self) -> Tensor:
        """Return a 1-D copy of the values, as ``ndarray.flatten``."""
        return _ops.reshape(self, shape=(-1,))

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        """Broadcast to ``shape`` with numpy rules."""
        return _ops.broadcast_to(self, shape=tuple(shape))

    # ------------------------------------------------------------------ softmax family
    def softmax(self, axis: int = -1) -> Tensor:
        """``exp(x) / sum(exp(x))`` along ``axis``, computed stably."""
        return _ops.softmax(self, axis=axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """``x - logsumexp(x)`` along ``axis``, computed stably."""
        return _ops.log_softmax(self, axis=axis)


class RemovableHandle:
    """What :meth:`Tensor.register_hook` returns: ``handle.remove()`` unregisters."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook (again is harmless)."""
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
from . import ops as _ops  # noqa: E402
