"""Reverse-mode differentiation: walking the recorded graph backwards.

``backward()`` does four things, all of them here and nowhere else:

1. **Order** the graph: list every node the roots reach along ``parents`` (an
   explicit stack, no recursion, so a chain of 100,000 ops is fine) in creation
   order, which puts each node after all the nodes it was computed from. A node
   is an :class:`~autograd_mlp.op.Op` or a leaf Tensor.
2. **Walk** that list in reverse, so a node's gradient is complete, summed over
   all its consumers, before its own backward runs (or, for a leaf, before it is
   accumulated into ``.grad``); each gradient is dropped as soon as it has been
   used, so memory falls during the walk. Hooks run when a gradient is complete.
3. **Bookkeeping**: fit each input gradient to its input — sum over broadcast
   dimensions, broadcast up, cast to the input's dtype — then add it to what
   that input has collected. Op authors never write any of this.
4. **Free** each node's saved values once its backward has run, unless
   ``retain_graph``: ``node.inputs = node.arrays = node.out = node.saved = None``. The
   ``parents`` stay, so a graph can still be drawn, and walking it again raises
   a clear error.

With ``create_graph=True`` the walk hands Tensors instead of ndarrays to each
backward formula and records what they do, so gradients can be differentiated.

Gradient ownership: a leaf keeps an incoming gradient array as its ``.grad``
buffer (and later adds into it in place) only when nothing but the walk refers
to it, as PyTorch's AccumulateGrad does; otherwise it copies it first. So
``.grad`` never shares memory with an output, an input, a seed passed to
``backward(grad=...)`` or anything a custom op kept.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from .errors import AutogradError
from .grad_mode import _local, enable_grad
from .op import Op, dispatch
from .tensor import Tensor
from .tensor import edits as _edits

_FREED = (
    "backward: the graph behind this tensor was freed by an earlier backward() "
    "(through op '{op}'); pass retain_graph=True to that first call to walk it twice"
)

#: What the walk visits: an op's node, or a leaf Tensor that requires grad.
Node = Op | Tensor

# Tensors are numbered as they are created, each op's output after its inputs;
# a node carries its output's number.
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


def _walk_order(starts: Sequence[Node]) -> list[Node]:
    """Every node the ``starts`` reach along ``parents``, in creation order."""
    reached = {id(s): s for s in starts}
    stack = [s for s in starts if isinstance(s, Op)]
    while stack:
        node = stack.pop()
        if node.inputs is None:
            raise AutogradError(_FREED.format(op=node.name))
        for parent, needed in zip(node.parents, node.needs_input_grad):
            if needed and id(parent) not in reached:
                reached[id(parent)] = parent
                if isinstance(parent, Op):
                    stack.append(parent)
    return sorted(reached.values(), key=_creation_order)  # Ops and Tensors alike


# --------------------------------------------------------------------------- observers
@dataclass
class WalkStep:
    """One step of the backward walk, as :func:`observe` reports it.

    Attributes
    ----------
    tensor : Tensor
        The tensor whose gradient is complete: a leaf, or the output of ``node``
        (a Tensor holding that output, whose ``grad_fn`` is ``node``).
    node : Op or None
        The op whose backward ran, or ``None`` for a leaf accumulating.
    grad : ndarray or Tensor
        The gradient arriving at ``tensor``, summed over all its consumers
        (after hooks).
    input_grads : tuple
        What the backward formula returned, fitted to the inputs' shapes and
        dtypes (``None`` where no gradient is needed); ``()`` for a leaf.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> steps = []
    >>> with ag.engine.observe(steps.append):
    ...     (3 * x).sum().backward()
    >>> [(s.node.name if s.node else "leaf", len(s.input_grads)) for s in steps]
    [('sum', 1), ('mul', 2), ('leaf', 0)]
    >>> steps[-1].grad.tolist()
    [3.0, 3.0]
    """

    tensor: Tensor
    node: Op | None
    grad: Any
    input_grads: tuple[Any, ...]


@contextmanager
def observe(callback: Callable[[WalkStep], None]) -> Iterator[None]:
    """Call ``callback(step)`` for every step of every backward walk run in this
    thread inside the ``with`` block, in the engine's order (see :class:`WalkStep`).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> steps = []
    >>> with ag.engine.observe(steps.append):
    ...     (x * x).backward()
    >>> [(s.node.name if s.node else "leaf", float(s.grad)) for s in steps]
    [('mul', 1.0), ('leaf', 4.0)]
    """
    observers = _local.state.observers
    observers.append(callback)
    try:
        yield
    finally:
        observers.remove(callback)


def _notify(node: Node, g: Any, input_grads: tuple[Any, ...]) -> None:
    if isinstance(node, Tensor):
        step = WalkStep(node, None, g, ())
    else:
        out = node._retain() if node._retain is not None else None
        assert node.out is not None
        step = WalkStep(out or Tensor._make(node.out, True, node), node, g, input_grads)
    for callback in list(_local.state.observers):
        callback(step)


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
        if type(g) is np.ndarray:
            # Broadcast into a fresh array: a tenth of np.broadcast_to's cost on
            # small shapes (0.4 vs 4.8 µs), and a leaf may keep it as its .grad.
            up = np.empty(shape, dtype=g.dtype)
            up[...] = g
            return up
        g = dispatch(_ops.BroadcastTo, g, shape=shape)
    return g


def _fit(g: Any, like: Any) -> Any:
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
        if root._data.size != 1:
            raise AutogradError(
                f"backward: a gradient can be created implicitly only for a single-element "
                f"tensor, but this one has shape {root.shape}; pass grad= of that shape"
            )
        g = np.ones(root.shape, dtype=root.dtype)
    else:
        g = grad._data if isinstance(grad, Tensor) else np.asarray(grad, dtype=root.dtype)
        if g.shape != root.shape:
            raise AutogradError(
                f"backward: grad has shape {g.shape} but the tensor has shape {root.shape}"
            )
        if g.dtype != root.dtype:
            g = g.astype(root.dtype)
        if create_graph and isinstance(grad, Tensor):
            return grad
    return Tensor._make(g) if create_graph else g


def _references_of_a_local() -> int:
    """What ``sys.getrefcount`` says of an array only one local variable holds
    (the interpreter's own count differs between Python versions)."""
    g = np.zeros(1)
    return sys.getrefcount(g)


_ONLY_A_LOCAL = _references_of_a_local()


def _accumulate(leaf: Tensor, g: Any, unshared: bool) -> None:
    """``leaf.grad += g``: in place for plain gradients, as an op for graphs.

    ``unshared`` says that nothing but the walk refers to ``g``; only then may
    the leaf keep ``g`` itself as its ``.grad`` buffer, to add into later.
    """
    if isinstance(g, Tensor):  # create_graph: keep the gradient's own graph
        if leaf.grad is not None:
            leaf.grad = leaf.grad + g
        else:
            leaf.grad = g if g._node is not None else Tensor._make(g._data.copy())
    elif leaf.grad is None:
        owned = unshared and type(g) is np.ndarray and g.base is None and g.flags.writeable
        leaf.grad = Tensor._make(g if owned else np.array(g, dtype=leaf.dtype))
    elif leaf.grad._node is None and leaf.grad.shape == leaf.shape:
        leaf.grad._data += g
    else:
        leaf.grad = Tensor._make(leaf.grad._data + g)


def _run_hooks(hooks: list[Callable[[Any], Any]], g: Any, shape: tuple[int, ...], who: str) -> Any:
    """Pass the complete gradient ``g`` through ``hooks`` in the order they were
    registered; a hook returning something replaces the gradient."""
    for hook in list(hooks):
        plain = not isinstance(g, Tensor)
        new = hook(Tensor._make(g) if plain else g)
        if new is None:
            continue
        if plain:
            new = np.asarray(new._data if isinstance(new, Tensor) else new, dtype=g.dtype)
        elif not isinstance(new, Tensor):
            new = Tensor._make(np.asarray(new, dtype=g.dtype))
        if new.shape != shape:
            raise AutogradError(
                f"backward: hook {getattr(hook, '__name__', hook)!r} on {who} returned a "
                f"gradient of shape {new.shape}, expected {shape}"
            )
        g = new
    return g


def _retain(node: Op, g: Any) -> None:
    """Give the tensor that called ``retain_grad()`` its gradient (a copy)."""
    t = node._retain()
    if t is None:
        return
    if not isinstance(g, Tensor):
        g = Tensor._make(np.array(g))
    t.grad = g if t.grad is None else t.grad + g


# --------------------------------------------------------------------------- stale values
class _StaleArray(np.ndarray):
    """A value a node saved that was modified in place since: computing with it
    raises. Only reading the values fails, so a backward that never looks at it
    (``x * 2`` needs only the 2 for x's gradient) still runs, as in PyTorch."""

    message = ""

    def __array_finalize__(self, obj: Any) -> None:
        self.message = getattr(obj, "message", "")

    def __array_ufunc__(self, *args: Any, **kwargs: Any) -> Any:
        raise AutogradError(self.message)

    def __array_function__(self, *args: Any, **kwargs: Any) -> Any:
        raise AutogradError(self.message)


def _stale(array: np.ndarray, node: Op, what: str, now: int, then: int) -> _StaleArray:
    stale = array.view(_StaleArray)
    stale.message = (
        f"backward: op '{node.name}' needs {what}, which was modified by an in-place "
        f"operation: is at version {now}, expected {then}. Compute it out of place "
        "(y = y * 2 instead of y *= 2) or modify a copy"
    )
    return stale


def _saved_values(node: Op) -> tuple[Any, list[Any]]:
    """The output and input arrays a first-order backward gets, with those
    modified in place since the node was recorded marked stale."""
    out, arrays = node.out, node.arrays
    assert out is not None and arrays is not None and node.inputs is not None
    versions = node.versions
    if versions is not None:
        for i, (x, then) in enumerate(zip(node.inputs, versions)):
            if then is not None and x._version != then:
                if arrays is node.arrays:
                    arrays = list(arrays)
                what = f"its input {i} ({x._describe()})"
                arrays[i] = _stale(x._data, node, what, x._version, then)
    if node.overwritten is not None and node.uses_output:
        now, who = node.overwritten
        out = _stale(out, node, f"its output ({who})", now, node.out_version)
    return out, arrays


def _graph_values(node: Op, out: Any, arrays: list[Any]) -> tuple[Tensor, list[Any]]:
    """The same values as Tensors for a ``create_graph`` backward. Each stands for
    the value the node saw and leads to the node that made it (``parents``), so
    what the formula does is differentiable however the tensors changed since."""
    inputs = []
    for x, a, parent in zip(node.inputs or (), arrays, node.parents):
        if isinstance(parent, Op):
            inputs.append(Tensor._make(a, True, parent))
        elif isinstance(parent, Tensor) and a is not parent._data:  # a stale leaf
            inputs.append(Tensor._make(a))
        else:
            inputs.append(x)
    return Tensor._make(out, True, node), inputs


# --------------------------------------------------------------------------- the walk
def _node_step(node: Op, g: Any, grads: dict[int, Any], create_graph: bool, watching: bool) -> None:
    """Run ``node``'s backward on its complete gradient ``g`` and send each input
    its share, fitted to the input, added to what that input collected so far."""
    out, arrays = node.out, node.arrays
    assert arrays is not None, "walked after being freed"
    if node.edits != _edits[0] and (node.versions is not None or node.overwritten is not None):
        out, arrays = _saved_values(node)
    if create_graph:
        out_t, inputs = _graph_values(node, out, arrays)
        raw = node.backward(g, out_t, *inputs)
    else:
        raw = node.backward(g, out, *arrays)
    if type(raw) is not tuple or len(raw) != len(node.parents):
        raw = _one_per_input(node, raw)
    sent: list[Any] | None = [] if watching else None
    for parent, gx, needed, data in zip(node.parents, raw, node.needs_input_grad, arrays):
        if not needed or gx is None:
            if sent is not None:
                sent.append(None)
            continue
        # The usual case, an ndarray of the input's shape and dtype already,
        # costs three comparisons and no call.
        if type(gx) is not np.ndarray or gx.shape != data.shape or gx.dtype is not data.dtype:
            gx = _fit(gx, data)
        if sent is not None:
            sent.append(gx)
        key = id(parent)
        prev = grads.get(key)
        grads[key] = gx if prev is None else prev + gx
    if sent is not None:
        _notify(node, g, tuple(sent))


def _one_per_input(node: Op, raw: Any) -> tuple[Any, ...]:
    """``raw`` as a tuple of one gradient per input, or a clear error."""
    n = len(node.parents)
    if isinstance(raw, (tuple, list)) and len(raw) >= n and all(r is None for r in raw[n:]):
        return tuple(raw[:n])
    raise AutogradError(
        f"backward of op '{node.name}' must return a tuple of {n} gradients "
        f"(one per input, None for no gradient), got {raw!r:.80}"
    )


def _free(node: Op) -> None:
    """Drop what a node saved; ``parents`` and the output's shape stay, for drawing."""
    node._freed_shape = node.out.shape  # type: ignore[union-attr]
    node.inputs = node.arrays = node.out = node.saved = None


def _seed_all(
    roots: Sequence[Tensor], grad_roots: Sequence[Any], create_graph: bool
) -> tuple[list[Node], dict[int, Any]]:
    """Where the walk starts (each root's node, or the root itself for a leaf)
    and the gradient each start gets, summed when a root is given twice."""
    starts: list[Node] = []
    grads: dict[int, Any] = {}
    for root, g in zip(roots, grad_roots):
        g = _seed(root, g, create_graph)
        start = root._node or root
        starts.append(start)
        prev = grads.get(id(start))
        grads[id(start)] = g if prev is None else prev + g
    return starts, grads


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
    by ``id`` of their node (``grad_fn``, or the tensor for a leaf), and
    ``.grad`` is untouched.
    """
    free = not (create_graph if retain_graph is None else retain_graph)
    starts, grads = _seed_all(roots, grad_roots, create_graph)
    order = _walk_order(starts)
    wanted = None if capture is None else {id(t._node or t) for t in capture}
    captured: dict[int, Any] = {}
    state = _local.state
    watching = bool(state.observers)  # observe() blocks of this thread
    # This thread records only a create_graph walk. The cyclic collector pauses:
    # graphs hold no reference cycles, so reference counting frees all the walk
    # drops; left on, the collector would rescan the whole live graph again and
    # again as the walk allocates (a third of a 100,000-op backward).
    previous_mode, state.grad_enabled = state.grad_enabled, create_graph
    collecting = gc.isenabled()
    gc.disable()
    try:
        while order:
            # Popping (not iterating) drops the walk's reference to each node
            # once done, so activations are freed during the walk, not after it.
            node = order.pop()
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._hooks:
                g = _run_hooks(node._hooks, g, _shape(node), _who(node))
            if wanted is not None and id(node) in wanted:
                captured[id(node)] = g
            if isinstance(node, Op):
                if node._retain is not None:
                    _retain(node, g)
                _node_step(node, g, grads, create_graph, watching)
                if free:
                    _free(node)
                continue
            if watching:
                _notify(node, g, ())
            if wanted is None:
                unshared = sys.getrefcount(g) <= _ONLY_A_LOCAL  # before g is passed on
                _accumulate(node, g, unshared)
    finally:
        state.grad_enabled = previous_mode
        if collecting:
            gc.enable()
    return captured


def _shape(node: Node) -> tuple[int, ...]:
    return node.shape if isinstance(node, Tensor) else node.out_shape


def _who(node: Node) -> str:
    if isinstance(node, Tensor):
        return node._describe()
    t = node._retain() if node._retain is not None else None
    return t._describe() if t is not None else f"the output of op '{node.name}'"


def backward(
    roots: Sequence[Tensor],
    grad_roots: Sequence[Any] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate the gradients of ``roots`` into the ``.grad`` of every leaf.

    ``Tensor.backward`` calls this with one root. See that method for the
    parameters.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.engine import backward
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> backward([(x * x).sum(), x.sum()])  # the two roots' gradients add up
    >>> x.grad.tolist()
    [3.0, 5.0]
    """
    if grad_roots is None:
        grad_roots = [None] * len(roots)
    elif len(grad_roots) != len(roots):
        raise AutogradError(
            f"backward: {len(grad_roots)} gradients given for {len(roots)} roots; "
            "give one per root (None for a single-element root)"
        )
    _run(roots, grad_roots, retain_graph, create_graph, capture=None)


def _grad_outputs(grad_outputs: Any, n: int) -> list[Any]:
    """One seed per output, or a clear error when the numbers differ. A list of
    Tensors/arrays/None is one seed per output; anything else is one array_like."""
    if grad_outputs is None:
        return [None] * n
    seeds = isinstance(grad_outputs, (list, tuple)) and all(
        g is None or isinstance(g, (Tensor, np.ndarray)) for g in grad_outputs
    )
    if not seeds:
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != n:
        raise AutogradError(
            f"grad: got {n} outputs but {len(grad_outputs)} grad_outputs; pass one "
            "gradient per output (None for a single-element output)"
        )
    return list(grad_outputs)


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
        Gradients of some scalar with respect to ``outputs``, one per output
        (another number of them is an error); may be omitted for
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
    seeds = _grad_outputs(grad_outputs, len(outputs))
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise AutogradError(f"grad: input {i} does not require grad")
    captured = _run(outputs, seeds, retain_graph, create_graph, capture=inputs)
    result: list[Tensor | None] = []
    for i, x in enumerate(inputs):
        g = captured.get(id(x._node or x))
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

__all__ = [
    "WalkStep",
    "backward",
    "enable_grad",
    "grad",
    "observe",
    "sum_to_shape",
    "toposort",
]
