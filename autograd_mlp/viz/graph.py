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


def structure(op: Op) -> tuple[tuple[Any, ...], tuple[tuple[int, ...], ...]]:
    """``(parents, shapes)`` of a node's Tensor inputs, live or freed.

    The engine records ``parents`` once, in ``apply``, and keeps them when the
    graph is freed: a parent is the input's node if it has one, else the leaf
    Tensor, and ``None`` for a constant operand, which is not drawn.
    """
    kept = [(p, tuple(s)) for p, s in zip(op.parents, op.shapes) if p is not None]
    return tuple(p for p, _ in kept), tuple(s for _, s in kept)


class _Walker:
    """The state of one :func:`walk`: items found so far, edges, ops still to visit."""

    def __init__(self, roots: Sequence[Tensor], names: dict[int, str], params: frozenset[int]):
        self.items: dict[tuple[Any, ...], Item] = {}
        self.edges: list[tuple[Item, Item, int]] = []
        self.output_of: dict[int, Item] = {}
        self.pending: list[Op] = []
        self.names = names
        self.params = params
        self.root_ids = {id(r) for r in roots}

    def op_item(self, op: Op) -> Item:
        k = ("op", id(op))
        it = self.items.get(k)
        if it is None:
            it = Item((op.seq, 0, 0), OP, op, scope=getattr(op, "scope", None))
            self.items[k] = it
            self.pending.append(op)
        return it

    def _output(self, op: Op, it: Item) -> Item:
        src = self.op_item(op)
        it.scope = src.scope
        self.items[("out", id(op))] = it
        self.output_of[id(op)] = it
        self.edges.append((src, it, 0))
        return it

    def _leaf_role(self, t: Tensor) -> str:
        if id(t) in self.root_ids:
            return OUTPUT
        if id(t) in self.params:
            return PARAMETER
        return LEAF if t._requires_grad else INPUT

    def tensor_item(self, t: Tensor) -> Item:
        node = t._node
        if node is None:
            k = ("leaf", id(t))
            it = self.items.get(k)
            if it is None:
                name = self.names.get(id(t), t.name)
                it = Item((t._seq, 1, 0), TENSOR, t, role=self._leaf_role(t), name=name)
                self.items[k] = it
            return it
        it = self.items.get(("out", id(node)))
        if it is None:
            it = self._output(node, Item((t._seq, 1, 0), TENSOR, t))
        elif it.kind == FREED:  # reached live by another path: upgrade it
            it.kind, it.obj, it.shape = TENSOR, t, None
        it.role = OUTPUT if id(t) in self.root_ids else INTERMEDIATE
        it.name = self.names.get(id(t), t.name)
        return it

    def freed_output(self, op: Op, shape: tuple[int, ...]) -> Item:
        it = self.items.get(("out", id(op)))
        if it is None:
            it = self._output(op, Item((op.seq, 1, 0), FREED, op, role=INTERMEDIATE, shape=shape))
        return it

    def visit(self, op: Op) -> bool:
        """Add the edges into ``op``; True when the op was freed."""
        dst = self.items[("op", id(op))]
        if op.inputs is not None:
            for pos, x in enumerate(op.inputs):
                if isinstance(x, Tensor):
                    src = self.tensor_item(x)
                else:
                    src = Item((op.seq, -1, pos), CONST, x, scope=dst.scope)
                    self.items[("const", id(op), pos)] = src
                self.edges.append((src, dst, pos))
            return False
        for pos, (parent, shape) in enumerate(zip(op.parents, op.shapes)):
            if parent is None:  # a constant operand: dropped with the inputs
                continue
            if isinstance(parent, Tensor):
                src = self.tensor_item(parent)
            else:
                src = self.freed_output(parent, tuple(shape))
            self.edges.append((src, dst, pos))
        return True


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
    w = _Walker(roots, names, params)
    for root in roots:
        w.tensor_item(root)
    n_freed = 0
    while w.pending:
        n_freed += w.visit(w.pending.pop())
    ordered = sorted(w.items.values(), key=lambda it: it.key)
    return Graph(ordered, w.edges, w.output_of, n_freed)


__all__ = ["Graph", "Item", "structure", "walk"]
