"""What an op is, the one registry of them, and how applying one records the graph.

An op is a subclass of :class:`Op` with two methods side by side:

``forward(self, *arrays, **attrs) -> ndarray``
    computes the value from plain numpy arrays, and keeps with ``self.save(...)``
    any *constants* its backward needs (masks, shapes, indices);
``backward(self, g, out, *inputs) -> tuple``
    returns one gradient per input: the vector-Jacobian product of ``g`` (the
    gradient of the output) with the op's local derivative.

The backward formula is written once and serves two modes. For an ordinary
``backward()`` the engine passes ``g``, ``out`` and ``inputs`` as ndarrays, so the
formula is plain numpy. With ``create_graph=True`` it passes Tensors instead, and
the very same formula records a graph of the gradient (higher-order derivatives).
So a formula may use operators, ``.sum/.reshape/.transpose``, and the dual
functions of :mod:`autograd_mlp.ops` (``exp(out)``) on ``g``, ``out`` and the
inputs; anything kept with ``self.save`` is treated as a constant.

Broadcasting, accumulation and dtypes are the engine's job: a formula may return a
gradient of the *broadcast* shape (or one that broadcasts up to the input's shape)
and the engine fits it to the input. Return ``None`` for an input that gets no
gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np

from .errors import OpError, op_error_like
from .grad_mode import _local
from .tensor import Tensor, edits


class Op:
    """Base class of graph nodes. One instance per recorded application of an op.

    Attributes set by :func:`apply` when the node is recorded:

    ``inputs``
        the operands (Tensors, or constants already converted to arrays);
        ``None`` once a backward pass has freed the graph.
    ``arrays``
        the operands as ``forward`` got them (each Tensor's ``.data``), which a
        first-order backward gets as they are; ``None`` once freed.
    ``out``, ``out_shape``
        the output array (the output tensor's ``.data``), ``None`` once freed;
        its shape, kept.
    ``parents``
        one entry per input, kept after freeing: the :class:`Op` that produced a
        non-leaf input, the input itself for a leaf Tensor, ``None`` for a
        constant. Gradients flow along these edges, recorded once, here: an
        in-place op later gives a tensor a new ``grad_fn``, but the nodes that
        used it before still lead to the op that made its old value.
    ``shapes`` (a property)
        the tensor inputs' shapes, one per input (``()`` for a constant once
        freed), read from ``parents``: the structure that stays drawable.
    ``versions``
        the inputs' ``_version`` when recorded (``None`` for a constant; the
        whole attribute ``None`` if ``uses_inputs`` is False): backward refuses
        to read an input modified in place since. ``edits``: the process-wide
        count of version changes then (``tensor.edits``); while it is unchanged
        nothing can have been modified, and the walk checks nothing.
    ``attrs``
        the keyword attributes (``axis``, ``shape``, ...), for display.
    ``needs_input_grad``
        one bool per input; a backward may skip work for inputs marked False.
    ``scope``
        the name of the ``nn.Module`` that was running, for grouping in drawings.
    ``seq``
        creation order, equal to the output tensor's, for stable drawings.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> class Cube(ag.Op):
    ...     name = "cube_example"
    ...     def forward(self, x):
    ...         return x * x * x
    ...     def backward(self, g, out, x):  # Derivative: 3 x**2
    ...         return (3 * g * x * x,)
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y.grad_fn, y.grad_fn.shapes
    (<cube_example>, ((2,),))
    >>> y.sum().backward()
    >>> x.grad.tolist()
    [3.0, 12.0]
    """

    # Slots, as recording sets them on every node (the hot path); subclasses
    # still get a __dict__ for whatever else they keep.
    __slots__ = (
        "inputs",
        "arrays",
        "out",
        "_freed_shape",
        "parents",
        "versions",
        "edits",
        "attrs",
        "needs_input_grad",
        "scope",
        "_seq",
        "__dict__",
        "__weakref__",
    )

    name: ClassVar[str] = "op"
    #: Whether ``backward`` reads the values of the inputs / the output; an op
    #: that does not (add, neg, sum, reshape) skips recording their versions.
    uses_inputs: ClassVar[bool] = True
    uses_output: ClassVar[bool] = True

    inputs: tuple[Any, ...] | None
    arrays: list[Any] | None
    out: np.ndarray | None
    parents: list[Any]
    attrs: dict[str, Any]
    needs_input_grad: tuple[bool, ...]
    scope: str | None
    _seq: int

    _freed_shape: tuple[int, ...]
    versions: list[int | None] | None
    edits: int
    #: What ``forward`` kept for ``backward`` beyond the inputs and the output
    #: (masks, indices, shapes), set by :meth:`save`; freeing a node drops it.
    saved: Any = None
    #: Version of the output tensor when this node made it, and the version it
    #: was modified to by a later in-place op (``None`` while untouched).
    out_version: int = 0
    overwritten: tuple[int, str] | None = None
    #: Hooks on the gradient of this node's output (``Tensor.register_hook``) and
    #: the tensor that asked for ``retain_grad()`` (a weak reference).
    _hooks: list[Callable[[Any], Any]] | None = None
    _retain: Any = None

    def save(self, **values: Any) -> None:
        """Keep ``values`` for the backward pass, as ``self.saved.<name>``.

        Examples
        --------
        >>> op = Op()
        >>> op.save(mask=[True, False])
        >>> op.saved.mask
        [True, False]
        """
        self.saved = SimpleNamespace(**values)

    @classmethod
    def apply(cls, *inputs: Any, **attrs: Any) -> Tensor:
        """Run this op on ``inputs`` (Tensors, arrays or numbers) and record it.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.ops.Mul.apply(ag.tensor([1.0, 2.0]), 3.0).numpy().tolist()
        [3.0, 6.0]
        """
        return apply(cls, inputs, attrs)

    def forward(self, *arrays: Any, **attrs: Any) -> np.ndarray:  # pragma: no cover
        """Compute the output array from the input arrays (numpy in, numpy out).

        Subclasses define it; keep what ``backward`` needs beyond the inputs and the
        output with :meth:`save`.

        Examples
        --------
        >>> import numpy as np
        >>> import autograd_mlp as ag
        >>> ag.ops.Mul().forward(np.array([1.0, 2.0]), np.array(3.0)).tolist()
        [3.0, 6.0]
        """
        raise NotImplementedError

    def backward(self, g: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:  # pragma: no cover
        """Return one gradient per input (``None`` for no gradient) given the
        output's gradient ``g``, the output and the inputs.

        Subclasses define it as a "dual" formula that works on arrays and, under
        ``create_graph``, on Tensors; the engine reduces broadcast dimensions.

        Examples
        --------
        >>> import numpy as np
        >>> import autograd_mlp as ag
        >>> y = ag.tensor([1.0, 2.0], requires_grad=True) * 3.0
        >>> y.grad_fn.backward(np.ones(2), y.data, *y.grad_fn.arrays)[0].tolist()
        [3.0, 3.0]
        """
        raise NotImplementedError

    @property
    def shapes(self) -> tuple[tuple[int, ...], ...]:
        """The inputs' shapes, from ``parents`` (kept when the graph is freed).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> (ag.ones(2, 3) @ ag.ones(3)).grad_fn is None  # nothing requires grad: no node
        True
        >>> (ag.ones(2, 3, requires_grad=True) @ ag.ones(3)).grad_fn.shapes
        ((2, 3), (3,))
        """
        shapes = []
        for i, parent in enumerate(self.parents):
            if isinstance(parent, Op):
                shapes.append(parent.out_shape)
            elif parent is not None:
                shapes.append(parent.shape)
            else:
                shapes.append(np.shape(self.arrays[i]) if self.arrays is not None else ())
        return tuple(shapes)

    @property
    def seq(self) -> int:
        """Creation order, the output tensor's ``_seq``: stable ids for drawings.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> y = ag.tensor([1.0], requires_grad=True) * 2
        >>> y.grad_fn.seq == y._seq
        True
        """
        return self._seq

    @property
    def out_shape(self) -> tuple[int, ...]:
        """The output's shape, also once the graph is freed.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> y = ag.ones(2, 3, requires_grad=True).sum(axis=0)
        >>> y.backward(ag.ones(3))
        >>> y.grad_fn.out_shape, y.grad_fn.out is None
        ((3,), True)
        """
        return self._freed_shape if self.out is None else self.out.shape

    @property
    def freed(self) -> bool:
        """Whether a backward pass has released this node's saved values.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> y = (ag.tensor([1.0], requires_grad=True) * 2).sum()
        >>> y.grad_fn.freed
        False
        >>> y.backward()
        >>> y.grad_fn.freed
        True
        """
        return self.inputs is None

    def __repr__(self) -> str:
        return f"<{self.name}>"


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class OpSpec:
    """What the rest of the project needs to know about a registered op.

    Tests, gradchecks and the docs' op table enumerate :data:`REGISTRY`, so an op
    registered without everything a test needs makes the suite fail.

    Attributes
    ----------
    name, cls :
        the op's name and class.
    signature :
        the kind of inputs it takes (``"unary"``, ``"binary"``, ``"reduce"``, ...);
        :mod:`autograd_mlp.testing.strategies` draws inputs for each kind.
    reference :
        a numpy function computing the same value, for property tests.
    domain :
        where the op is defined: ``"real"``, ``"positive"`` (log, sqrt) ...
    kinks :
        points where the op is not differentiable (relu and abs at 0); tests keep
        inputs away from them, and test our convention at them separately.
    smooth :
        twice differentiable on its domain away from kinks: checked to second order.
    ties :
        not differentiable where values tie (max, min): tests draw distinct values.
    internal :
        not part of the public API (used by backward formulas or fused paths).

    Examples
    --------
    >>> from autograd_mlp.op import REGISTRY
    >>> spec = REGISTRY["mul"]
    >>> spec.name, spec.signature, spec.cls.__name__
    ('mul', 'binary', 'Mul')
    """

    name: str
    cls: type[Op]
    signature: str
    reference: Callable[..., np.ndarray] | None
    domain: str = "real"
    kinks: tuple[float, ...] = ()
    smooth: bool = True
    ties: bool = False
    internal: bool = False
    notes: str = field(default="")

    @property
    def derivative(self) -> str:
        """The derivative line of the op's docstring, for the docs' op table.

        Examples
        --------
        >>> from autograd_mlp.op import REGISTRY
        >>> REGISTRY["mul"].derivative
        'd/dx = y, d/dy = x'
        """
        for line in (self.cls.__doc__ or "").splitlines():
            if line.strip().lower().startswith("derivative"):
                return line.strip().split(":", 1)[-1].strip()
        return ""


REGISTRY: dict[str, OpSpec] = {}


def register(
    signature: str,
    reference: Callable[..., np.ndarray] | None = None,
    **meta: Any,
) -> Callable[[type[Op]], type[Op]]:
    """Class decorator adding an op to :data:`REGISTRY` under its ``name``.

    Examples
    --------
    >>> from autograd_mlp.op import Op, register, REGISTRY
    >>> "mul" in REGISTRY
    True
    """

    def decorate(cls: type[Op]) -> type[Op]:
        if cls.name in REGISTRY:
            raise ValueError(f"op {cls.name!r} is registered twice")
        REGISTRY[cls.name] = OpSpec(cls.name, cls, signature, reference, **meta)
        return cls

    return decorate


def register_op(
    signature: str,
    reference: Callable[..., np.ndarray] | None = None,
    domain: str = "real",
    kinks: Sequence[float] = (),
    smooth: bool = True,
    ties: bool = False,
) -> Callable[[type[Op]], type[Op]]:
    """Class decorator adding a user's op to the registry the test tools read.

    Parameters
    ----------
    signature : str
        The kind of inputs the op takes (``"unary"``, ``"binary"``, ``"reduce"``...);
        :mod:`autograd_mlp.testing.strategies` draws inputs for each kind.
    reference : callable, optional
        A numpy function computing the same value, for property tests.
    domain : str
        Where the op is defined: ``"real"``, ``"positive"`` or ``"nonzero"``.
    kinks : sequence of float
        Points where the op is not differentiable; tests keep inputs away from them.
    smooth : bool
        Twice differentiable on its domain away from kinks (checked to second order).
    ties : bool
        Not differentiable where values tie (max, min): tests draw distinct values.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> @ag.register_op("unary", reference=lambda x: 2 * x)
    ... class Double(ag.Op):
    ...     '''Twice ``x``.
    ...
    ...     Derivative: 2
    ...     '''
    ...     name = "doctest_double"
    ...     def forward(self, x):
    ...         return 2 * x
    ...     def backward(self, g, out, x):
    ...         return (2 * g,)
    >>> Double.apply(ag.tensor([1.0, 2.0])).numpy().tolist()
    [2.0, 4.0]
    >>> _ = ag.op.REGISTRY.pop("doctest_double")
    """
    return register(
        signature, reference, domain=domain, kinks=tuple(kinks), smooth=smooth, ties=ties
    )


# --------------------------------------------------------------------------- applying
def push_scope(name: str) -> None:
    """Mark ``name`` (an ``nn.Module``) as running in this thread; ops recorded
    until :func:`pop_scope` carry it as their ``scope``, for drawings.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.op import pop_scope, push_scope
    >>> x = ag.tensor([1.0], requires_grad=True)
    >>> push_scope("encoder")
    >>> y = x * 2
    >>> pop_scope()
    >>> y.grad_fn.scope, (y * 2).grad_fn.scope
    ('encoder', None)
    """
    _local.state.scope.append(name)


def pop_scope() -> None:
    """End the innermost :func:`push_scope` of this thread.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.op import pop_scope, push_scope
    >>> push_scope("block"); pop_scope()
    >>> (ag.tensor([1.0], requires_grad=True) * 2).grad_fn.scope is None
    True
    """
    _local.state.scope.pop()


class _ScopeOfThisThread:
    """``_scope``, the list ``nn.Module.__call__`` appends to, seen per thread.

    Kept so modules written against the former module-level list keep working;
    new code calls :func:`push_scope` / :func:`pop_scope`.
    """

    def append(self, name: str) -> None:
        _local.state.scope.append(name)

    def pop(self) -> str:
        return _local.state.scope.pop()

    def __eq__(self, other: object) -> bool:
        return _local.state.scope == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(_local.state.scope)


_scope = _ScopeOfThisThread()


def _describe(inputs: Sequence[Any]) -> str:
    parts = []
    for x in inputs:
        if isinstance(x, (Tensor, np.ndarray)):
            parts.append(str(tuple(x.shape)))
        else:
            parts.append(repr(x))
    return ", ".join(parts)


def _constant(value: Any, like: np.dtype | None) -> Any:
    """Convert a non-Tensor operand. Python numbers stay as they are (numpy treats
    them as weakly typed, so ``x32 * 2.0`` stays float32); arrays of numbers adopt
    the tensors' float dtype, so a constant never silently changes precision."""
    if isinstance(value, (int, float, bool)):
        return value
    array = np.asarray(value)
    if like is not None and array.dtype != like and array.dtype.kind in "biuf":
        array = array.astype(like)
    elif like is None and array.dtype.kind == "f" and array.dtype != np.float32:
        array = array.astype(np.float32)
    return array


def apply(op_cls: type[Op], inputs: tuple[Any, ...], attrs: dict[str, Any]) -> Tensor:
    """Run ``op_cls`` forward on ``inputs`` and, if needed, record it in the graph.

    This is the only place nodes are created: it unwraps Tensors, converts
    constants, turns any failure inside numpy into an :class:`OpError` naming the
    op and the shapes (an ``OpIndexError``, ``OpTypeError`` or ``OpAxisError``
    when numpy raised that kind), and records the node only when grad mode is on
    and some input requires grad, so inference pays for nothing but the numpy call.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.op import apply
    >>> from autograd_mlp.ops import Mul
    >>> apply(Mul, (ag.tensor([1.0, 2.0], requires_grad=True), 3.0), {})
    tensor([3., 6.], grad_fn=<mul>)
    >>> try:
    ...     apply(Mul, (ag.ones(2), ag.ones(3)), {})
    ... except ag.OpError as e:
    ...     print(str(e).split(":")[0])
    mul
    """
    # Unwrap Tensors; any other operand is a constant, converted once, here
    # (Python numbers need no conversion, so they take the fast path too).
    arrays: list[Any] = []
    needs: list[bool] = []
    constants = False
    for x in inputs:
        if isinstance(x, Tensor):
            arrays.append(x._data)
            needs.append(x._requires_grad)
        else:
            arrays.append(x)
            needs.append(False)
            if not isinstance(x, (int, float)):
                constants = True
    if constants:
        arrays = _convert_constants(inputs, arrays)

    node = op_cls()
    try:
        out = node.forward(*arrays, **attrs)
    except OpError:
        raise
    except (ValueError, TypeError, IndexError) as exc:
        raise op_error_like(exc, f"{op_cls.name}: inputs {_describe(arrays)}: {exc}") from None
    if type(out) is not np.ndarray:
        # numpy ufuncs turn 0-d results into numpy scalars; .data is an ndarray.
        out = np.asarray(out)

    state = _local.state
    if not (state.grad_enabled and True in needs):
        result = Tensor._make(out)
        if out.base is not None:
            _share_version(result, inputs)
        if state.tracer is not None:  # ag.jit is tracing this thread: it sees every op
            state.tracer.record(op_cls, inputs, arrays, attrs, needs, result)
        return result
    given = inputs
    # Record the node: what its backward needs, and the graph's edges, once.
    if constants:
        inputs = tuple(_kept_inputs(inputs, arrays))
    parents: list[Op | Tensor | None] = []
    versions: list[int | None] = []
    for x in inputs:  # a plain loop: a comprehension costs a call (0.3 µs)
        if isinstance(x, Tensor):
            parents.append(x._node or x)
            versions.append(x._v[0])
        else:
            parents.append(None)
            versions.append(None)
    node.inputs = inputs
    node.arrays = arrays
    node.out = out
    node.parents = parents
    node.versions = versions if node.uses_inputs else None
    node.edits = edits[0]
    node.attrs = attrs
    node.needs_input_grad = tuple(needs)
    node.scope = state.scope[-1] if state.scope else None
    result = Tensor._make(out, True, node)
    node._seq = result._seq
    if out.base is not None:
        _share_version(result, inputs)
    if state.tracer is not None:
        state.tracer.record(op_cls, given, arrays, attrs, needs, result)
    return result


def _share_version(result: Tensor, inputs: Sequence[Any]) -> None:
    """A view of an input's data (reshape, slicing, transpose, ...) shares that
    input's version counter, as PyTorch's views do: an in-place change through
    either (say ``w[:2].zero_()`` under ``no_grad``) is then seen by a backward
    that saved the other, instead of silently using the new values."""
    for x in inputs:
        if isinstance(x, Tensor) and np.may_share_memory(result._data, x._data):
            result._v = x._v
            return


def _convert_constants(inputs: Sequence[Any], arrays: list[Any]) -> list[Any]:
    """``arrays`` with every non-Tensor operand converted by :func:`_constant`,
    taking the float dtype of the first floating Tensor operand."""
    like = None
    for x, a in zip(inputs, arrays):
        if isinstance(x, Tensor) and a.dtype.kind == "f":
            like = a.dtype
            break
    return [a if isinstance(x, Tensor) else _constant(x, like) for x, a in zip(inputs, arrays)]


def _kept_inputs(inputs: Sequence[Any], arrays: Sequence[Any]) -> list[Any]:
    """What a node keeps as its inputs: the Tensors, and the converted constants."""
    return [x if isinstance(x, Tensor) else a for x, a in zip(inputs, arrays)]


def dispatch(op_cls: type[Op], *inputs: Any, **attrs: Any) -> Any:
    """Apply an op to Tensors (returning a Tensor), or to plain arrays (returning
    an ndarray, no graph). Backward formulas call ops through this, which is what
    lets one formula serve both first-order and ``create_graph`` backward.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.op import dispatch
    >>> from autograd_mlp.ops import Mul
    >>> dispatch(Mul, np.array([1.0, 2.0]), 3.0)  # arrays in: an array out, no graph
    array([3., 6.])
    >>> dispatch(Mul, ag.tensor([1.0, 2.0], requires_grad=True), 3.0)
    tensor([3., 6.], grad_fn=<mul>)
    """
    for x in inputs:
        if isinstance(x, Tensor):
            return apply(op_cls, inputs, attrs)
    return op_cls().forward(*inputs, **attrs)
