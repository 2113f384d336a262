"""Reverse-mode differentiation: walking the recorded graph backwards.

``backward()`` does four things, all of them here and nowhere else:

1. **Order** the graph: list every tensor the roots reach (an explicit stack, no
   recursion, so a chain of 100,000 ops is fine) in creation order, which puts
   each tensor after all the tensors it was computed from.
2. **Walk** that list in reverse, so a tensor's gradient is complete, summed
   over all its consumers, before its own op's backward runs; each gradient is
   dropped as soon as it has been used, so memory falls during the walk.
3. **Bookkeeping**: fit each input gradient to its input — sum over broadcast
   dimensions, broadcast up, cast to the input's dtype — then accumulate it.
   Op authors never write any of this.
4. **Free** each node's saved values once its backward has run, unless
   ``retain_graph``; the bare structure stays, so a graph can still be drawn,
   and walking it again raises a clear error.

With ``create_graph=True`` the walk hands Tensors instead of ndarrays to each
backward formula and records what they do, so gradients can be differentiated.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from .errors import AutogradError
from .grad_mode import _enabled, enable_grad
from .op import Op, dispatch
from .tensor import Tensor

_FREED = (
    "backward: the graph behind this tensor was freed by an earlier backward() "
    "(through op '{op}'); pass retain_graph=True to that first call to walk it twice"
)

# Tensors are numbered as they are created, each op's output after its inputs.
_creation_order = attrgetter("_seq")


def toposort(roots: Sequence[Tensor]) -> list[Tensor]:
    """List the tensors that ``roots`` depend on through recorded ops, each one
    after all of its inputs.

    Only tensors that require grad are listed: constants need no gradient.
    Every op's output is created after its inputs, so creation order (``_seq``)
    is already a topological order: collect what the roots reach (an explicit
    stack, no recursion, so a chain of 100,000 ops is fine), then sort by it.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> y = x * x
    >>> [t is x for t in ag.engine.toposort([y])]
    [True, False]
    """
    reached = {id(root): root for root in roots}
    stack = list(roots)
    while stack:
        node = stack.pop()._node
        if node is None:
            continue
        inputs = node.inputs
        if inputs is None:
            raise AutogradError(_FREED.format(op=node.name))
        for x in inputs:
            if isinstance(x, Tensor) and x._requires_grad:
                key = id(x)
                if key not in reached:
                    reached[key] = x
                    if x._node is not None:  # a leaf has no inputs to visit
                        stack.append(x)
    return sorted(reached.values(), key=_creation_order)


# --------------------------------------------------------------------------- bookkeeping
def sum_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    """Fit gradient ``g`` to an input of ``shape``.

    If the input was broadcast in the forward pass, its gradient is the sum over
    the broadcast dimensions (leading ones, and those where the input had size 1).
    If ``g`` is smaller (a formula may return e.g. a reduced gradient with kept
    dimensions), it is broadcast up. Works on ndarrays and on Tensors alike.

    Examples
    --------
    >>> import numpy as np
    >>> sum_to_shape(np.ones((4, 2, 3)), (2, 1)).tolist()
    [[12.0], [12.0]]
    """
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead >= 0:
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
        )
        if axes:
            g = g.sum(axis=axes, keepdims=True)
        if lead:
            g = g.reshape(g.shape[lead:])
    if g.shape != shape:
        g = dispatch(_ops.BroadcastTo, g, shape=shape)
    return g


def _fit(g: Any, like: np.ndarray) -> Any:
    """Shape and dtype of ``g`` made those of the input ``like``."""
    if not isinstance(g, (np.ndarray, Tensor)):
        g = np.asarray(g)
    if g.shape != like.shape:
        g = sum_to_shape(g, like.shape)
    if g.dtype != like.dtype:
        g = g.astype(like.dtype)
    return g


def _seed(root: Tensor, grad: Any, create_graph: bool) -> Any:
    """The starting gradient d(root)/d(root), checked against the root's shape."""
    if not root._requires_grad:
        raise AutogradError(
            "backward: this tensor does not require grad and has no graph "
            "(was it computed under no_grad, or from inputs without requires_grad=True?)"
        )
    if grad is None:
        if root.data.size != 1:
            raise AutogradError(
                f"backward: a gradient can be created implicitly only for a single-element "
                f"tensor, but this one has shape {root.shape}; pass grad= of that shape"
            )
        g = np.empty(root.shape, dtype=root.dtype)
        g.fill(1)  # what np.ones does, without its Python-level wrapper (0.5 µs)
    else:
        g = grad.data if isinstance(grad, Tensor) else np.asarray(grad, dtype=root.dtype)
        if g.shape != root.shape:
            raise AutogradError(
                f"backward: grad has shape {g.shape} but the tensor has shape {root.shape}"
            )
        if g.dtype != root.dtype:
            g = g.astype(root.dtype)
        if create_graph and isinstance(grad, Tensor):
            return grad
    return Tensor._make(g) if create_graph else g


def _owned(g: np.ndarray, handed_out: set[int]) -> bool:
    """Whether a leaf may keep ``g`` as its ``.grad`` buffer and later add into it
    in place: it must be a fresh, writable array no other leaf already holds."""
    return (
        type(g) is np.ndarray and g.base is None and g.flags.writeable and id(g) not in handed_out
    )


def _accumulate(leaf: Tensor, g: Any, handed_out: set[int]) -> None:
    """``leaf.grad += g``: in place for plain gradients, as an op for graphs."""
    if isinstance(g, Tensor):  # create_graph: keep the gradient's own graph
        leaf.grad = g if leaf.grad is None else leaf.grad + g
    elif leaf.grad is None:
        if not _owned(g, handed_out):
            g = np.array(g, dtype=leaf.dtype)
        handed_out.add(id(g))
        leaf.grad = Tensor._make(g)
    elif leaf.grad._node is None and leaf.grad.shape == leaf.shape:
        leaf.grad.data += g
    else:
        leaf.grad = Tensor._make(leaf.grad.data + g)


def _free(node: Op) -> None:
    """Drop a node's saved values and inputs, keeping the structure drawable."""
    parents = []
    shapes = []
    for x in node.inputs:
        if isinstance(x, Tensor):
            parents.append(x if x._node is None else x._node)
            shapes.append(x.data.shape)
    # A new attribute dict with only the structure, written out (apply sets all
    # four keys): no per-key deletes, and the old dict takes the inputs, arrays
    # and whatever forward saved with it.
    node.__dict__ = {
        "attrs": node.attrs,
        "needs_input_grad": node.needs_input_grad,
        "scope": node.scope,
        "seq": node.seq,
        "parents": tuple(parents),
        "shapes": tuple(shapes),
        "inputs": None,
    }


# --------------------------------------------------------------------------- observe
# observe: engine helper's version supersedes this at merge
@dataclass(frozen=True)
class WalkStep:
    """One step of the backward walk, as :func:`observe` reports it.

    ``node`` is None when a leaf accumulates; ``grad`` is the complete (summed)
    gradient reaching ``tensor``; ``input_grads`` is what the op's backward
    returned, fitted to its inputs (aligned with ``node.inputs``), or ``()``.
    """

    tensor: Tensor
    node: Op | None
    grad: Any
    input_grads: tuple[Any, ...]


_observers = threading.local()


@contextmanager
def observe(callback: Callable[[WalkStep], None]) -> Iterator[None]:
    """Call ``callback(step)`` for every step of the backward walks in this thread.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor(3.0, requires_grad=True)
    >>> seen = []
    >>> with ag.engine.observe(seen.append):
    ...     (x * x).backward()
    >>> [s.node.name if s.node else "leaf" for s in seen]
    ['mul', 'leaf']
    """
    previous = getattr(_observers, "callback", None)
    _observers.callback = callback
    try:
        yield
    finally:
        _observers.callback = previous


# --------------------------------------------------------------------------- the walk
def _run(
    roots: Sequence[Tensor],
    grad_roots: Sequence[Any],
    retain_graph: bool | None,
    create_graph: bool,
    capture: Sequence[Tensor] | None,
) -> dict[int, Any]:
    """The backward walk shared by :func:`backward` and :func:`grad`.

    With ``capture=None`` gradients are accumulated into leaves' ``.grad``;
    otherwise the gradients reaching the ``capture`` tensors are returned, keyed
    by ``id``, and ``.grad`` is untouched.
    """
    if retain_graph is None:
        retain_graph = create_graph
    grads: dict[int, Any] = {}
    for root, g in zip(roots, grad_roots):
        g = _seed(root, g, create_graph)
        prev = grads.get(id(root))
        grads[id(root)] = g if prev is None else prev + g
    order = toposort(roots)
    wanted = None if capture is None else {id(t) for t in capture}
    captured: dict[int, Any] = {}
    handed_out = {id(g) for g in grads.values()}
    observer = getattr(_observers, "callback", None)

    previous_mode = _enabled[0]
    _enabled[0] = create_graph
    # Graphs hold no reference cycles, so reference counting frees everything the
    # walk drops. Left on, the cyclic collector would rescan the whole live graph
    # again and again as the walk allocates (a third of a 100,000-op backward).
    collecting = gc.isenabled()
    gc.disable()
    try:
        while order:
            # Popping (not iterating) drops the walk's reference to each tensor
            # once done, so activations are freed during the walk, not after it.
            tensor = order.pop()
            key = id(tensor)
            g = grads.pop(key, None)
            if g is None:
                continue
            if wanted is not None and key in wanted:
                captured[key] = g
            node = tensor._node
            if node is None:
                if wanted is None:
                    _accumulate(tensor, g, handed_out)
                if observer is not None:
                    observer(WalkStep(tensor, None, g, ()))
                continue
            # First order, the formula gets the arrays apply() unwrapped; with
            # create_graph, the Tensors themselves, so what it does is recorded.
            inputs, arrays = node.inputs, node.arrays
            if create_graph:
                input_grads = node.backward(g, tensor, *inputs)
            else:
                input_grads = node.backward(g, tensor.data, *arrays)
            # Fit each input's gradient to the input and add it to what that input
            # has collected so far. The usual case, an ndarray of the input's shape
            # and dtype already, costs three comparisons and no call.
            fitted: list[Any] = []
            for x, data, gx, needed in zip(inputs, arrays, input_grads, node.needs_input_grad):
                if not needed or gx is None:
                    fitted.append(None)
                    continue
                fits = type(gx) is np.ndarray and gx.shape == data.shape
                if not fits or gx.dtype is not data.dtype:  # (_fit compares dtypes with ==)
                    gx = _fit(gx, data)
                fitted.append(gx)
                key = id(x)
                prev = grads.get(key)
                grads[key] = gx if prev is None else prev + gx
            if observer is not None:
                observer(WalkStep(tensor, node, g, tuple(fitted)))
            if not retain_graph:
                _free(node)
    finally:
        _enabled[0] = previous_mode
        if collecting:
            gc.enable()
    return captured


def backward(
    roots: Sequence[Tensor],
    grad_roots: Sequence[Any] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate the gradients of ``roots`` into the ``.grad`` of every leaf.

    ``Tensor.backward`` calls this with one root. See that method for the
    parameters.
    """
    if grad_roots is None:
        grad_roots = [None] * len(roots)
    _run(roots, grad_roots, retain_graph, create_graph, capture=None)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return the gradients of ``outputs`` with respect to ``inputs``.

    Like ``torch.autograd.grad``: ``.grad`` attributes are not touched.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensors
        What to differentiate.
    inputs : Tensor or sequence of Tensors
        With respect to what; leaves or intermediate tensors.
    grad_outputs : array_like or sequence, optional
        Gradients of some scalar with respect to ``outputs``; may be omitted for
        single-element outputs.
    retain_graph : bool, optional
        Keep the graph for another backward (defaults to ``create_graph``).
    create_graph : bool
        Record the computation of the gradients, for higher-order derivatives.
    allow_unused : bool
        Return ``None`` for an input the outputs do not depend on, instead of
        raising.

    Returns
    -------
    tuple of Tensor
        One gradient per input, each of the input's shape.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor(3.0, requires_grad=True)
    >>> (dy,) = ag.grad(x ** 3, x, create_graph=True)
    >>> dy.item(), ag.grad(dy, x)[0].item()   # 3x^2 and 6x
    (27.0, 18.0)
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs] * len(outputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise AutogradError(f"grad: input {i} does not require grad")
    captured = _run(outputs, list(grad_outputs), retain_graph, create_graph, capture=inputs)
    result: list[Tensor | None] = []
    for i, x in enumerate(inputs):
        g = captured.get(id(x))
        if g is None:
            if not allow_unused:
                raise AutogradError(
                    f"grad: input {i} (shape {x.shape}) was not used to compute the "
                    "outputs; pass allow_unused=True to get None for it"
                )
            result.append(None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(Tensor._make(np.array(g, dtype=x.dtype)))
    return tuple(result)


from . import ops as _ops  # noqa: E402  (ops import this module's siblings first)

__all__ = ["WalkStep", "backward", "enable_grad", "grad", "observe", "sum_to_shape", "toposort"]
