"""Diagnostics drawn on a graph: failed gradient checks, NaN origins, dead ReLUs.

Pure functions of the collected :class:`~autograd_mlp.viz.graph.Graph` and the
tensors in it; they decide *what* to flag, :mod:`autograd_mlp.viz.labels` how.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ..errors import AutogradError
from ..op import Op
from ..tensor import Tensor
from . import style as S
from .graph import OP, TENSOR, Graph, Item, structure


def gradcheck_reports(gradcheck: Any) -> list[tuple[Op, list[str]]]:
    """``(node, message lines)`` from what a gradient check returned.

    Accepts the report of :func:`autograd_mlp.testing.locate_bad_op` (anything
    with a ``.node``), a ``GradcheckError`` whose ``.located`` is such a report,
    an op node, a Tensor (its op), or a list of these. Reports that passed
    (``ok=True``) mark nothing.
    """
    if gradcheck is None:
        return []
    entries = gradcheck if isinstance(gradcheck, (list, tuple)) else [gradcheck]
    out: list[tuple[Op, list[str]]] = []
    for entry in entries:
        report = entry
        if not isinstance(report, (Op, Tensor)) and getattr(report, "node", None) is None:
            located = getattr(report, "located", None)
            if located is not None:
                report = located
        if getattr(report, "ok", False) is True:
            continue
        node: Any
        if isinstance(report, Op):
            node, text = report, ""
        elif isinstance(report, Tensor):
            node, text = report._node, ""
        else:
            node, text = getattr(report, "node", None), report_text(report)
        if not isinstance(node, Op):
            raise TypeError(
                "draw_graph: gradcheck= takes a locate_bad_op report (or a GradcheckError "
                f"carrying one), an op node or a Tensor; got {type(entry).__name__} without a node"
            )
        out.append((node, textwrap.wrap(text, 40)[:4] if text else []))
    return out


def report_text(report: Any) -> str:
    """The numbers of a gradient-check report: which input and element, both values."""
    analytic, numeric = getattr(report, "analytic", None), getattr(report, "numeric", None)
    if isinstance(analytic, (int, float)) and isinstance(numeric, (int, float)):
        where = ""
        if getattr(report, "input_index", None) is not None:
            where = f"input {report.input_index}"
            if getattr(report, "element", None) is not None:
                where += f" {tuple(report.element)}"
            where += ": "
        return (
            f"{where}backward {S.num(analytic)} vs numeric {S.num(numeric)} "
            f"(|diff| {S.num(abs(analytic - numeric))})"
        )
    text = str(report)
    return text.splitlines()[0] if text else ""


def ancestry(node: Op) -> tuple[tuple[str, tuple[tuple[int, ...], ...]], ...]:
    """The ops that led to ``node`` (itself included), by name and input shapes in
    creation order: equal for the same node of two runs of the same program."""
    seen: set[int] = set()
    found: list[tuple[int, str, tuple[tuple[int, ...], ...]]] = []
    stack = [node]
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        parents, shapes = structure(op)
        stack.extend(p for p in parents if isinstance(p, Op))
        found.append((getattr(op, "seq", 0), op.name, tuple(tuple(s) for s in shapes)))
    found.sort(key=lambda f: f[0])
    return tuple((name, shapes) for _, name, shapes in found)


def match_reports(
    graph: Graph, reports: list[tuple[Op, list[str]]]
) -> tuple[dict[int, list[str]], int]:
    """Map each reported node to the op of *this* graph it stands for.

    :func:`~autograd_mlp.testing.locate_bad_op` runs the function again on
    float64 copies, so its node belongs to a twin of the drawn graph. A node of
    this graph matches by identity; otherwise by name, input shapes and the ops
    that led to it. Returns ``(id(op) -> lines, number of reports not found)``.
    """
    ops = [it.obj for it in graph.items if it.kind == OP]
    by_id = {id(op) for op in ops}
    marks: dict[int, list[str]] = {}
    missing = 0
    for node, lines in reports:
        if id(node) in by_id:
            marks[id(node)] = lines
            continue
        want = ancestry(node)
        name, shapes = want[-1]
        for op in ops:
            if op.name == name and ancestry(op) == want:
                marks[id(op)] = lines
                break
        else:
            missing += 1
    return marks, missing


def flag_nonfinite(errors: list[str], label: str, array: np.ndarray) -> None:
    """Add ``"label: 2 NaN"`` (say) to ``errors`` if ``array`` holds NaN or inf."""
    bad = S.nonfinite(array)
    if bad:
        errors.append(f"{label}: {bad}")


def dead_relu(graph: Graph, op_item: Item) -> str:
    """``zeros 48% · dead units 3/100`` for a relu whose output is known."""
    out = graph.output_of.get(id(op_item.obj))
    if out is None or out.kind != TENSOR or out.obj.size == 0:
        return ""
    zero = out.obj.data == 0
    text = f"zeros {zero.mean():.0%}"
    if zero.ndim >= 2 and zero.shape[0] > 1:
        dead = zero.all(axis=0)
        text += f" · dead units {int(dead.sum())}/{dead.size}"
    return text


def introduces_nonfinite(graph: Graph, op_item: Item) -> bool:
    """The op's output has NaN/inf although none of its inputs has: where NaN started."""
    out = graph.output_of.get(id(op_item.obj))
    inputs = op_item.obj.inputs
    if out is None or out.kind != TENSOR or inputs is None:
        return False
    if not S.nonfinite(out.obj.data):
        return False
    return not any(S.nonfinite(x.data if isinstance(x, Tensor) else np.asarray(x)) for x in inputs)


def recompute_grads(
    roots: list[Tensor], tensors: list[Tensor], graph: Graph
) -> dict[int, np.ndarray] | None:
    """d(root)/d(t) for every drawn tensor that requires grad, with one extra
    backward pass that leaves ``.grad`` alone. ``None`` when impossible: several
    or non-scalar roots (the seed is unknown), a freed graph, or no graph."""
    if len(roots) != 1 or graph.n_freed:
        return None
    root = roots[0]
    if root.size != 1 or root._node is None or not root._requires_grad:
        return None
    targets = [t for t in tensors if t._requires_grad]
    from ..engine import grad as _grad

    try:
        gs = _grad(root, targets, retain_graph=True, allow_unused=True)
    except AutogradError:
        return None
    return {id(t): g.data for t, g in zip(targets, gs) if g is not None}


__all__ = [
    "dead_relu",
    "flag_nonfinite",
    "gradcheck_reports",
    "introduces_nonfinite",
    "match_reports",
    "recompute_grads",
    "report_text",
]
