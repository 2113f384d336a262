"""Localised gradient checking: which recorded op has the wrong backward?

An end-to-end :func:`~autograd_mlp.testing.gradcheck` says *that* a gradient is
wrong; :func:`locate_bad_op` says *where*. It runs ``fn`` once, recording the
graph, walks the graph in topological order (inputs before outputs) and checks
every node on its own: that op's backward, applied to the node's actual inputs
(as float64 copies) and attributes, against finite differences of that op's
forward. The first node that disagrees is reported, with the node object itself
so a drawing of the graph can highlight it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine import toposort
from ..grad_mode import enable_grad
from ..op import Op, apply
from ..tensor import Tensor
from .gradcheck import (
    Call,
    Fn,
    _as_inputs,
    _call,
    _float64_copies,
    _float64_in_place,
    _mismatch,
    _prepare,
    _Target,
)


@dataclass
class BadOpReport:
    """Result of :func:`locate_bad_op`.

    Attributes
    ----------
    ok : bool
        True when every recorded op's own backward agrees with finite differences.
    op : str or None
        Name of the first op (in topological order) that disagrees.
    node : Op or None
        That graph node (``tensor.grad_fn`` of the tensor it produced).
    details : str
        A readable account: op, input shapes, attrs, worst element and values.
    input_shapes : tuple of tuple of int
        Shapes of the node's tensor inputs.
    attrs : dict
        The node's attributes (``axis``, ``index``, ...).
    input_index, element : int, tuple of int or None
        Which input of the op, and which element of it, disagrees most.
    analytic, numeric : float or None
        The two values compared there.
    checked : int
        How many nodes were checked (up to and including the bad one).
    output : Tensor or None
        The root of the graph that was searched, so that ``node`` can be
        highlighted in a drawing of it (``autograd_mlp.viz.draw_graph(output)``).

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import locate_bad_op
    >>> class BadSquare(ag.Op):
    ...     name = "bad_square_example"
    ...     def forward(self, x):
    ...         return x * x
    ...     def backward(self, g, out, x):
    ...         return (g * x,)  # wrong: the derivative is 2 x
    >>> x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    >>> report = locate_bad_op(lambda t: BadSquare.apply(t).exp().sum(), [x])
    >>> report.ok, report.op, report.input_shapes, report.checked
    (False, 'bad_square_example', ((2,),), 1)
    """

    ok: bool
    op: str | None = None
    node: Op | None = None
    details: str = ""
    input_shapes: tuple[tuple[int, ...], ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    input_index: int | None = None
    element: tuple[int, ...] | None = None
    analytic: float | None = None
    numeric: float | None = None
    checked: int = 0
    output: Tensor | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return self.details


def _node_function(node: Op) -> tuple[Call, list[_Target]]:
    """The node's op applied to fresh float64 copies of its inputs, and the
    copies that require grad (the tensors to check)."""
    cls = type(node)
    attrs = dict(node.attrs)
    args = tuple(_float64_copies(node.inputs or ()))

    def single_op() -> Tensor:
        return apply(cls, args, attrs)

    targets = [
        _Target(x, "input", i, x.name)
        for i, x in enumerate(args)
        if isinstance(x, Tensor) and x.requires_grad
    ]
    return single_op, targets


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def locate_bad_op(
    fn: Fn | Tensor,
    inputs: Tensor | Sequence[Any] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    order: int = 1,
    seed: int = 0,
) -> BadOpReport:
    """Find the first recorded op whose own backward disagrees with its forward.

    Parameters
    ----------
    fn : callable or Tensor
        Called as ``fn(*inputs)`` (inputs held in float64, as by ``gradcheck``),
        returning a Tensor; an ``nn.Module`` is called the same way. Or
        the root Tensor of a graph already recorded (and not yet freed by a
        backward): its nodes are checked where they are, so ``report.node`` is
        a node of *your* graph.
    inputs : Tensor or sequence, optional
        As for :func:`~autograd_mlp.testing.gradcheck`; omitted with a root Tensor.
    eps, atol, rtol : float
        Finite-difference step and tolerance, as for ``gradcheck``.
    order : {1, 2}
        1 checks each node's backward; 2 also checks each node's second
        derivative (its backward recorded with ``create_graph=True``).
    seed : int
        Seed of the random projections.

    Returns
    -------
    BadOpReport
        ``ok=True`` if every node passes; otherwise the first failing node.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.testing import locate_bad_op
    >>> x = ag.tensor([0.5, 1.5], requires_grad=True)
    >>> report = locate_bad_op(lambda t: (t.exp() * t).sum(), [x])
    >>> report.ok, report.checked
    (True, 3)
    """
    if order not in (1, 2):
        raise ValueError(f"locate_bad_op: order must be 1 or 2, got {order!r}")
    if isinstance(fn, Tensor):
        if inputs is not None:
            raise TypeError("locate_bad_op: pass either fn and inputs, or a root Tensor alone")
        out = fn
    else:
        if inputs is None:
            raise TypeError("locate_bad_op: inputs are required when fn is a function")
        who = "locate_bad_op"
        args = _as_inputs(inputs)
        needs = any(isinstance(x, Tensor) and x.requires_grad for x in args)
        if not needs and not hasattr(fn, "named_parameters"):
            return BadOpReport(True, details=f"{who}: no input requires grad (nothing to check)")
        call, _, swap = _prepare(fn, args, None, who)
        with _float64_in_place(swap):
            with enable_grad():
                out = _call(call, who)
            return _walk(out, eps, atol, rtol, order, seed)
    return _walk(out, eps, atol, rtol, order, seed)


def _walk(out: Tensor, eps: float, atol: float, rtol: float, order: int, seed: int) -> BadOpReport:
    """Check every recorded node of ``out``'s graph on its own, in topological order."""
    if not out.requires_grad:
        return BadOpReport(
            True, details="locate_bad_op: no graph was recorded (nothing to check)", output=out
        )
    checked = 0
    for tensor in toposort([out]):
        node = tensor.grad_fn
        if node is None:
            continue
        checked += 1
        single_op, targets = _node_function(node)
        if not targets:
            continue
        who = f"locate_bad_op: op '{node.name}'"
        mismatch = _mismatch(single_op, targets, 1, eps, atol, rtol, seed, who)
        what = "its backward disagrees with finite differences of its forward"
        if mismatch is None and order == 2:
            mismatch = _mismatch(single_op, targets, 2, eps, atol, rtol, seed, who)
            what = "its second derivative disagrees with finite differences of its backward"
        if mismatch is None:
            continue
        shapes = tuple(tuple(x.shape) for x in node.inputs or () if isinstance(x, Tensor))
        attrs = dict(node.attrs)
        attr_text = ", ".join(f"{k}={_short(v)}" for k, v in attrs.items()) or "none"
        details = (
            f"localised: op '{node.name}' (node #{checked} of the graph in topological order, "
            f"seq {getattr(node, 'seq', '?')}), input shapes {list(shapes)}, attrs {attr_text}: "
            + mismatch.describe(what, atol, rtol)
        )
        return BadOpReport(
            False,
            op=node.name,
            node=node,
            details=details,
            input_shapes=shapes,
            attrs=attrs,
            input_index=mismatch.target.index,
            element=mismatch.element,
            analytic=mismatch.analytic,
            numeric=mismatch.numeric,
            checked=checked,
            output=out,
        )
    return BadOpReport(
        True,
        details=f"localised: all {checked} recorded ops agree with finite differences",
        checked=checked,
        output=out,
    )
