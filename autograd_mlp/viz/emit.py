"""The DOT emitter: a display model and its labels turned into a ``graphviz.Digraph``.

Thin on purpose: every decision (what is drawn, how it is labelled) was taken
in :mod:`~autograd_mlp.viz.model` and :mod:`~autograd_mlp.viz.labels`; this
module only writes nodes, clusters, edges, the legend and the heading, in a
fixed order, so the same program always gives the same text.
"""

from __future__ import annotations

import graphviz

from . import style as S
from .graph import CONST, OP
from .labels import LabelBuilder
from .model import DisplayModel, DNode
from .options import DrawOptions


def node_attrs(d: DNode, model: DisplayModel, labels: LabelBuilder) -> dict[str, str]:
    """The attributes of one display node."""
    if d.note is not None:
        return labels.note_node(d.note)
    if d.group:
        assert d.scope is not None
        outputs = sorted(model.leaving.get(id(d), []), key=lambda it: it.key)
        return labels.group_node(d.scope, d.members, outputs)
    it = d.item
    if it.kind == OP:
        return labels.op_node(it)
    if it.kind == CONST:
        return labels.const_node(it)
    return labels.tensor_node(it)


def new_digraph(rankdir: str, size: str | None, name: str = "autograd_graph") -> graphviz.Digraph:
    """An empty drawing with the house fonts, spacing and colours."""
    graph_attr = {
        "rankdir": rankdir,
        "fontname": S.FONT,
        "fontsize": "12",
        "labelloc": "t",
        "labeljust": "l",
        "nodesep": "0.25",
        "ranksep": "0.35",
        "newrank": "true",
    }
    if size:
        graph_attr["size"] = size
    return graphviz.Digraph(
        name=name,
        graph_attr=graph_attr,
        node_attr={"fontname": S.FONT, "fontsize": "10"},
        edge_attr={"color": S.EDGE, "arrowsize": "0.7", "fontname": S.FONT, "fontsize": "9"},
    )


def _nodes(dot: graphviz.Digraph, model: DisplayModel, labels: LabelBuilder, group: bool) -> None:
    top, clusters = model.clusters(group)
    for d in top:
        dot.node(d.id, id=d.id, **node_attrs(d, model, labels))
    if clusters:
        labels.roles.add("cluster")
    for i, (scope, members) in enumerate(clusters.items()):
        with dot.subgraph(name=f"cluster_{i}") as sub:
            sub.attr(
                label=f"<<B>{S.esc(labels.module_title(scope))}</B>>",
                style="rounded,filled",
                fillcolor=S.CLUSTER_FILL,
                color=S.CLUSTER_BORDER,
                fontsize="11",
            )
            for d in members:
                sub.node(d.id, id=d.id, **node_attrs(d, model, labels))


def _edges(dot: graphviz.Digraph, model: DisplayModel) -> None:
    for (b, _, a), (label, dashed) in sorted(model.edges.items()):
        kw: dict[str, str] = {}
        if label:
            kw["label"] = label
        if dashed:
            kw["style"] = "dashed"
        dot.edge(model.dnodes[a].id, model.dnodes[b].id, **kw)


def _legend(dot: graphviz.Digraph, labels: LabelBuilder, grad_colors: bool) -> None:
    with dot.subgraph(name="cluster_legend") as sub:
        sub.attr(label="", style="rounded", color="#cccccc")
        label = labels.legend()
        if grad_colors and labels.scale is not None:
            # One node, the colour scale under the kinds: side by side they would
            # make a top-down drawing twice as wide.
            parts = (label[1:-1], labels.grad_legend()[1:-1])
            label = (
                '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0">'
                + "".join(f"<TR><TD>{p}</TD></TR>" for p in parts)
                + "</TABLE>>"
            )
        sub.node("legend", label=label, shape="none", margin="0")


def heading(title: str | None, notes: list[str]) -> str | None:
    """The HTML label above the graph: the title, then one line per note."""
    lines = []
    if title:
        lines.append(f'<FONT POINT-SIZE="14"><B>{S.esc(title)}</B></FONT>')
    lines.extend(f'<FONT POINT-SIZE="10">{S.esc(n)}</FONT>' for n in notes)
    if not lines:
        return None
    return "<" + '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>>'


def emit(model: DisplayModel, labels: LabelBuilder, options: DrawOptions) -> graphviz.Digraph:
    """The ``graphviz.Digraph`` of a display model."""
    dot = new_digraph(model.rankdir, options.size)
    _nodes(dot, model, labels, options.group_modules)
    _edges(dot, model)
    if options.legend:
        _legend(dot, labels, options.grad_colors)
    label = heading(options.title, model.notes)
    if label:
        dot.attr(label=label)
    return dot


__all__ = ["emit", "heading", "new_digraph", "node_attrs"]
