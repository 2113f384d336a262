"""In-place ops: ``t[index] = v``, ``t += x``, ``t.mul_(x)``, ``t.clamp_()``, ``t.fill_(v)``.

An in-place op is recorded as the ordinary op (``add``, ``mul``, ``clip``, or
``setitem`` below) applied to the tensor's *old* value, whose result is then
written into the tensor's own array. So

- the tensor gets that new node as its ``grad_fn``, and gradients flow through
  it as in PyTorch;
- nodes recorded *before* keep their edge (``parents``) to the op that made the
  old value, so their gradients still go there;
- the tensor's ``_version`` goes up by one; a node that saved the old value and
  reads it in its backward raises instead of using the new one.

In place on a leaf that requires grad is refused while grad mode is on (its
``.grad`` would be the gradient of a value that no longer exists); under
``no_grad()`` it is how optimisers and initialisers update parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import AutogradError, ShapeError, op_error_like
from .grad_mode import _local
from .op import Op, apply
from .tensor import Tensor


def _plain_index(index: Any) -> Any:
    """Unwrap Tensors used as indices (``t[mask] = v``)."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    return index


class SetItem(Op):
    """``x`` with ``x[index] = value`` (a copy; ``Tensor.__setitem__`` writes it back).

    Derivative: d/dx = 1 outside ``index``, 0 inside; d/dvalue = the gradient at ``index``

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = x * 1
    >>> y[1] = 0.0  # recorded as a SetItem node
    >>> y.grad_fn
    <setitem>
    >>> y.sum().backward()
    >>> x.grad.tolist()
    [1.0, 0.0, 1.0]
    """

    name = "setitem"
    uses_inputs = False
    uses_output = False

    def forward(self, x: np.ndarray, value: Any, index: Any = None) -> np.ndarray:
        out = x.copy()
        out[index] = value
        kept = np.ones(x.shape, dtype=bool)
        kept[index] = False
        self.save(index=index, kept=kept)
        return out

    def backward(self, g: Any, out: Any, x: Any, value: Any) -> tuple[Any, Any]:
        need_x, need_value = self.needs_input_grad
        return (
            g * self.saved.kept if need_x else None,
            g[self.saved.index] if need_value else None,
        )


def _involves_graph(inputs: tuple[Any, ...]) -> bool:
    if not _local.state.grad_enabled:
        return False
    return any(isinstance(x, Tensor) and x._requires_grad for x in inputs)


def _write(target: Tensor, value: np.ndarray, what: str) -> None:
    """Copy ``value`` into ``target``'s own array, or raise naming the op."""
    if value.shape != target._data.shape:
        raise ShapeError(
            f"{what}: the result has shape {value.shape}, but {target._describe()} "
            f"cannot change shape in place"
        )
    try:
        np.copyto(target._data, value, casting="same_kind")
    except (TypeError, ValueError) as exc:
        raise op_error_like(exc, f"{what}: cannot write into {target._describe()}: {exc}") from None


def apply_inplace(
    op_cls: type[Op], target: Tensor, others: tuple[Any, ...], **attrs: Any
) -> Tensor:
    """Apply ``op_cls`` to ``(target, *others)`` and store the result in ``target``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> t = ag.tensor([1.0, 2.0])
    >>> _ = apply_inplace(ag.ops.Mul, t, (3.0,))
    >>> t.data.tolist(), t._version
    ([3.0, 6.0], 1)
    """
    what = f"in-place {op_cls.name}"
    if not _involves_graph((target, *others)):
        _write(target, apply(op_cls, (target, *others), attrs)._data, what)
        _bump(target)
        return target
    if target._node is None and target._requires_grad:
        raise AutogradError(
            f"{what}: {target._describe()} is a leaf that requires grad; changing it in "
            "place would lose the value its gradient is for. Do it under ag.no_grad() "
            "(as an optimiser step), or out of place (t = t + x)"
        )
    if target._node is not None and target._data.base is not None:
        raise AutogradError(
            f"{what}: {target._describe()} is a view of another tensor's data (from "
            "reshape, transpose or slicing); changing it in place would change that "
            "tensor behind its graph's back. Compute it out of place instead"
        )
    # The old value as the new node's input: it leads (``parents``) to the op
    # that made it, and is copied when the op's backward reads it, since the
    # write below overwrites the array.
    data = target._data.copy() if op_cls.uses_inputs else target._data
    old = Tensor._make(data, target._requires_grad, target._node)
    result = apply(op_cls, (old, *others), attrs)
    _write(target, result._data, what)
    _bump(target)
    node = result._node
    assert node is not None
    # A backward that reads the output keeps the op's own result array, which
    # later in-place ops on ``target`` do not touch; otherwise share target's.
    if not op_cls.uses_output:
        node.out = target._data
    node.out_version = target._version
    previous = target._node
    if previous is not None and previous._retain is not None:
        node._retain, previous._retain = previous._retain, None  # retain_grad moves on
    target._node = node
    target._requires_grad = True
    return target


def _bump(target: Tensor) -> None:
    """One more version; the node that made the old value learns it is gone."""
    target._version += 1
    node = target._node
    if node is not None and node.out is target._data:
        node.overwritten = (target._version, target._describe())


def setitem(target: Tensor, index: Any, value: Any) -> Tensor:
    """``target[index] = value``, recorded (see :func:`apply_inplace`).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.inplace import setitem
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> v = ag.tensor(5.0, requires_grad=True)
    >>> y = setitem(x * 1, 0, v)
    >>> y.tolist()
    [5.0, 2.0]
    >>> y.sum().backward()
    >>> x.grad.tolist(), v.grad.item()
    ([0.0, 1.0], 1.0)
    """
    return apply_inplace(SetItem, target, (value,), index=_plain_index(index))


__all__ = ["SetItem", "apply_inplace", "setitem"]
