"""Collecting the graph behind a tensor into a plain, drawable structure.

The walk is iterative (an explicit work list, no recursion), so a chain of
100,000 ops is as easy as a chain of three. It understands both states a node
can be in:

* **live** (before ``backward()``, or after ``backward(retain_graph=True)``): the
  node's ``inputs`` hold the operand Tensors and constants, so every
  intermediate tensor, with its value, is reachable;
* **freed** (after a plain ``backward()``): ``inputs`` is ``None`` and the node
  keeps only ``parents`` (leaf Tensors, or the parent *ops* standing in for
  their freed outputs) and the operands' ``shapes``. Freed intermediates become
  placeholder items that know only their shape.

Nothing here formats or draws; :mod:`autograd_mlp.viz.draw` does that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..op import Op
from ..tensor import Tensor

# Item kinds.
TENSOR = "tensor"  # a Tensor we can read (leaf, live intermediate, or root)
FREED = "freed"  # the output of a freed op: only its shape is known
OP = "op"  # a recorded op node
CONST = "const"  # a non-Tensor operand (Python number or array)

# Roles of tensor items (what the legend calls them).
OUTPUT = "output"
PARAMETER = "parameter"
LEAF = "leaf"  # a leaf that requires grad but is not a known parameter
INPUT = "input"  # a leaf that does not require grad (data, targets)
INTERMEDIATE = "intermediate"


@dataclass(eq=False)
class Item:
    """One thing to draw. ``key`` orders items by creation: ``(seq, sub, pos)``
    with an op's constants (sub -1) before the op (0), and the op before its output (1)."""

    key: tuple[int, int, int]
    kind: str
    obj: Any
    scope: str | None = None
    role: str = ""
    name: str | None = None
    shape: tuple[int, ...] | None = None


@dataclass
class Graph:
    """The items reachable from the roots and the edges between them.

    ``edges`` are ``(src, dst, position)``: ``position`` is the operand index for
    edges into an op, 0 for the edge from an op to its output.
    """

    items: list[Item]
    edges: list[tuple[Item, Item, int]]
    output_of: dict[int, Item] = field(default_factory=dict)  # id(op) -> its output item
    n_freed: int = 0  # ops whose saved values were freed by backward()


def walk(
    roots: Sequence[Tensor],
    names: dict[int, str],
    params: frozenset[int] = frozenset(),
) -> Graph:
    """Collect everything ``roots`` were computed from.

    Parameters
    ----------
    roots :
        The tensors to draw the history of.
    names :
        ``id(tensor) -> display name`` (parameters' qualified names).
    params :
        ``id``\\ s of the tensors that are parameters.
    """
    items: dict[tuple[Any, ...], Item] = {}
    edges: list[tuple[Item, Item, int]] = []
    output_of: dict[int, Item] = {}
    pending: list[Op] = []
    root_ids = {id(r) for r in roots}

    def op_item(op: Op) -> Item:
        k = ("op", id(op))
        it = items.get(k)
        if it is None:
            it = Item((op.seq, 0, 0), OP, op, scope=getattr(op, "scope", None))
            items[k] = it
            pending.append(op)
        return it

    def tensor_item(t: Tensor) -> Item:
        node = t._node
        if node is not None:
            k: tuple[Any, ...] = ("out", id(node))
            it = items.get(k)
            if it is None:
                src = op_item(node)
                it = Item((t._seq, 1, 0), TENSOR, t, scope=src.scope)
                items[k] = it
                output_of[id(node)] = it
                edges.append((src, it, 0))
            elif it.kind == FREED:  # reached live by another path: upgrade it
                it.kind, it.obj, it.shape = TENSOR, t, None
            it.role = OUTPUT if id(t) in root_ids else INTERMEDIATE
            it.name = names.get(id(t), t.name)
            return it
        k = ("leaf", id(t))
        it = items.get(k)
        if it is None:
            if id(t) in root_ids:
                role = OUTPUT
            elif id(t) in params:
                role = PARAMETER
            else:
                role = LEAF if t._requires_grad else INPUT
            it = Item((t._seq, 1, 0), TENSOR, t, role=role, name=names.get(id(t), t.name))
            items[k] = it
        return it

    def freed_output(op: Op, shape: tuple[int, ...]) -> Item:
        k = ("out", id(op))
        it = items.get(k)
        if it is None:
            src = op_item(op)
            it = Item((op.seq, 1, 0), FREED, op, scope=src.scope, role=INTERMEDIATE, shape=shape)
            items[k] = it
            output_of[id(op)] = it
            edges.append((src, it, 0))
        return it

    for root in roots:
        tensor_item(root)

    n_freed = 0
    while pending:
        op = pending.pop()
        dst = items[("op", id(op))]
        inputs = op.inputs
        if inputs is not None:
            for pos, x in enumerate(inputs):
                if isinstance(x, Tensor):
                    src = tensor_item(x)
                else:
                    src = Item((op.seq, -1, pos), CONST, x, scope=dst.scope)
                    items[("const", id(op), pos)] = src
                edges.append((src, dst, pos))
            continue
        n_freed += 1
        parents = getattr(op, "parents", ())
        shapes = getattr(op, "shapes", ())
        for pos, (parent, shape) in enumerate(zip(parents, shapes)):
            if parent is None:  # a constant operand: dropped with the inputs
                continue
            if isinstance(parent, Tensor):
                src = tensor_item(parent)
            else:
                src = freed_output(parent, tuple(shape))
            edges.append((src, dst, pos))

    ordered = sorted(items.values(), key=lambda it: it.key)
    return Graph(ordered, edges, output_of, n_freed)


__all__ = ["Graph", "Item", "walk"]
