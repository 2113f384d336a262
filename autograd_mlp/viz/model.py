"""The display model: what a drawing shows, before any Graphviz text exists.

From the collected :class:`~autograd_mlp.viz.graph.Graph` it decides the display
nodes (one per item, or one per collapsed module), what is summarised when the
graph is too large, the edges between display nodes, each collapsed module's
outputs and the layout direction. Pure Python on plain data, so it is tested
without Graphviz.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..tensor import Tensor
from .graph import CONST, FREED, OP, PARAMETER, TENSOR, Graph, Item


# --------------------------------------------------------------------------- inputs
def roots_of(root: Any) -> list[Tensor]:
    roots = (
        [root] if isinstance(root, Tensor) else list(root) if isinstance(root, Sequence) else [root]
    )
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(
                "draw_graph: root must be a Tensor or a sequence of Tensors, "
                f"got {type(r).__name__}"
            )
    if not roots:
        raise ValueError("draw_graph: no root tensor given")
    return roots


def named_params(params: Any) -> list[tuple[str, Tensor]]:
    """``(name, tensor)`` pairs from a Module (``named_parameters()``) or a dict."""
    if params is None:
        return []
    named = getattr(params, "named_parameters", None)
    if callable(named):
        pairs = list(named())
    elif isinstance(params, Mapping):
        pairs = list(params.items())
    else:
        raise TypeError(
            "draw_graph: params must be an nn.Module (anything with named_parameters()) "
            f"or a dict name -> Tensor, got {type(params).__name__}"
        )
    for name, t in pairs:
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph: params[{name!r}] is a {type(t).__name__}, not a Tensor")
    return [(str(n), t) for n, t in pairs]


def _resolve(module: Any, path: str) -> Any:
    """The submodule at dotted ``path`` ("layers.0"), by attribute or index."""
    obj = module
    for part in path.split(".") if path else []:
        nxt = getattr(obj, part, None)
        if nxt is None:
            try:
                nxt = obj[int(part)]
            except (ValueError, TypeError, IndexError, KeyError):
                return None
        obj = nxt
    return obj


def module_classes(params: Any, scopes: set[str]) -> dict[str, str]:
    """Class name of the module behind each scope, when ``params`` is a module."""
    if params is None or isinstance(params, Mapping):
        return {}
    classes: dict[str, str] = {}
    named = getattr(params, "named_modules", None)
    if callable(named):
        try:
            classes = {str(n): type(m).__name__ for n, m in named()}
        except Exception:  # a module with an unusual named_modules: fall back below
            classes = {}
    for scope in scopes:
        if scope not in classes:
            m = _resolve(params, scope)  # the module itself for scope ""
            if m is not None:
                classes[scope] = type(m).__name__
    return classes


# --------------------------------------------------------------------------- display nodes
@dataclass(eq=False, slots=True)
class DNode:
    """A node of the drawing: one item, a collapsed module (``group``), or a note."""

    key: tuple[int, ...]
    members: list[Item]
    scope: str | None = None
    group: bool = False
    note: str | None = None
    id: str = ""

    @property
    def item(self) -> Item:
        return self.members[0]


def collapse(graph: Graph) -> list[DNode]:
    """One display node per module scope; unscoped items stay as they are."""
    groups: dict[str, DNode] = {}
    out: list[DNode] = []
    for it in graph.items:
        if it.scope is None:
            out.append(DNode(it.key, [it]))
            continue
        d = groups.get(it.scope)
        if d is None:
            d = groups[it.scope] = DNode(it.key, [], scope=it.scope, group=True)
            out.append(d)
        d.members.append(it)
    for d in groups.values():  # order a module by its first op, not its parameters
        ops = [it.key for it in d.members if it.kind == OP]
        d.key = min(ops) if ops else d.members[0].key
    out.sort(key=lambda d: d.key)
    return out


def param_scopes(graph: Graph, names: dict[int, str]) -> None:
    """Put each parameter in the cluster of the module that owns it ("layers.0.weight"
    belongs to scope "layers.0"), if that module ran an op in this graph."""
    scopes = {it.scope for it in graph.items if it.kind == OP and it.scope is not None}
    for it in graph.items:
        if it.role == PARAMETER and it.name is not None:
            owner = it.name.rsplit(".", 1)[0] if "." in it.name else ""
            if owner in scopes:
                it.scope = owner


def _omitted_note(omitted: list[DNode], total: int) -> str:
    """The text of the note standing in for ``omitted`` display nodes."""
    counts: dict[str, int] = {}
    for d in omitted:
        for it in d.members:
            if it.kind == OP:
                label = it.obj.name
            else:
                label = "tensor" if it.kind in (TENSOR, FREED) else "constant"
            counts[label] = counts.get(label, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
    return (
        f"… {len(omitted):,} nodes not drawn …\n"
        + ", ".join(f"{k} ×{v:,}" for k, v in top)
        + f"\n(pass max_nodes={total} to draw all)"
    )


def truncate(dnodes: list[DNode], max_nodes: int, owner: dict[int, DNode]) -> list[DNode]:
    """The first and last ``max_nodes // 2`` display nodes, a note for the rest."""
    total = len(dnodes)
    head = max_nodes // 2
    tail = max_nodes - head
    omitted = dnodes[head : total - tail]
    note = DNode(omitted[0].key, [], note=_omitted_note(omitted, total))
    for d in omitted:
        for it in d.members:
            owner[id(it)] = note
    return dnodes[:head] + [note] + dnodes[total - tail :]


@dataclass(eq=False)
class DisplayModel:
    """Everything a drawing shows, in display terms.

    ``edges`` map ``(dst index, operand, src index)`` to ``(label, dashed)``;
    ``leaving`` maps ``id(collapsed DNode)`` to the tensors leaving that module.
    """

    dnodes: list[DNode]
    owner: dict[int, DNode]
    collapsed: bool
    edges: dict[tuple[int, int, int], tuple[str, bool]] = field(default_factory=dict)
    leaving: dict[int, list[Item]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rankdir: str = "TB"

    def clusters(self, group_modules: bool) -> tuple[list[DNode], dict[str, list[DNode]]]:
        """``(top-level nodes, scope -> nodes drawn in that module's box)``."""
        clusters: dict[str, list[DNode]] = {}
        top: list[DNode] = []
        for d in self.dnodes:
            if group_modules and not self.collapsed and d.note is None and d.item.scope is not None:
                clusters.setdefault(d.item.scope, []).append(d)
            else:
                top.append(d)
        return top, clusters


def _choose_nodes(graph: Graph, collapse_modules: bool, group_modules: bool, max_nodes: int):
    """Display nodes (collapsed or not) and the note saying why they were collapsed."""
    scopes = {it.scope for it in graph.items if it.scope is not None}
    collapsed = collapse_modules and bool(scopes)
    if collapsed:
        return collapse(graph), True, []
    dnodes = [DNode(it.key, [it], scope=it.scope) for it in graph.items]
    if len(dnodes) > max_nodes and group_modules and scopes:
        grouped = collapse(graph)
        if len(grouped) <= max_nodes:
            note = f"{len(dnodes):,} nodes > max_nodes={max_nodes}: each module drawn as one node"
            return grouped, True, [note]
    return dnodes, False, []


def display_edges(graph: Graph, model: DisplayModel) -> None:
    """Edges between display nodes. A tensor used twice by one op (``x * x``) keeps
    both edges; edges merged into a module or a note are drawn once."""
    index = {id(d): i for i, d in enumerate(model.dnodes)}
    for src, dst, pos in graph.edges:
        a, b = model.owner[id(src)], model.owner[id(dst)]
        if a is b:
            continue
        merged = a.group or b.group or a.note is not None or b.note is not None
        k = (index[id(b)], 0 if merged else pos, index[id(a)])
        label = ""
        if model.collapsed and a.group and src.kind in (TENSOR, FREED):
            label = shape_text(src)
        model.edges.setdefault(k, (label, src.kind == CONST))


def shape_text(it: Item) -> str:
    from .style import shape_str

    return shape_str(it.obj.shape if it.kind == TENSOR else it.shape or ())


def leaving_outputs(graph: Graph, model: DisplayModel, roots: Sequence[Tensor]) -> None:
    """Which of a collapsed module's tensors leave it (its outputs, and roots inside it)."""
    if not model.collapsed:
        return
    owner, leaving = model.owner, model.leaving
    for src, dst, _ in graph.edges:
        a, b = owner[id(src)], owner[id(dst)]
        if a.group and a is not b and src.kind in (TENSOR, FREED):
            lst = leaving.setdefault(id(a), [])
            if src not in lst:
                lst.append(src)
    root_ids = {id(r) for r in roots}
    for d in model.dnodes:
        if not d.group:
            continue
        for it in d.members:
            if it.kind == TENSOR and id(it.obj) in root_ids and it not in leaving.get(id(d), []):
                leaving.setdefault(id(d), []).append(it)


def choose_rankdir(model: DisplayModel) -> str:
    """Top-down unless the graph is much wider than deep.

    Records are wider than tall, so a left-to-right chain of records runs off
    the page long before a top-down one does; only a shallow, broad graph
    (many parallel branches) reads better left to right.
    """
    n = len(model.dnodes)
    rank = [0] * n
    # Display nodes are in creation order and every edge runs from an earlier node
    # to a later one, so one pass in order of the destination gives longest paths.
    for b, _, a in sorted(model.edges, key=lambda k: (k[0], k[2])):
        rank[b] = max(rank[b], rank[a] + 1)
    depth = max(rank, default=0) + 1
    width: dict[int, int] = {}
    for r in rank:
        width[r] = width.get(r, 0) + 1
    breadth = max(width.values(), default=1)
    return "LR" if breadth > 2 * depth else "TB"


def build_model(
    graph: Graph,
    roots: Sequence[Tensor],
    collapse_modules: bool,
    group_modules: bool,
    max_nodes: int,
    rankdir: str = "auto",
) -> DisplayModel:
    """The display model of ``graph``: nodes, summaries, edges, module outputs, layout."""
    dnodes, collapsed, notes = _choose_nodes(graph, collapse_modules, group_modules, max_nodes)
    owner: dict[int, DNode] = {}
    for d in dnodes:
        for it in d.members:
            owner[id(it)] = d
    total = len(dnodes)
    if total > max_nodes:
        dnodes = truncate(dnodes, max_nodes, owner)
        notes.append(
            f"showing {max_nodes:,} of {total:,} nodes (the first and the last in creation order)"
        )
    for i, d in enumerate(dnodes):
        d.id = f"n{i}"
    model = DisplayModel(dnodes, owner, collapsed, notes=notes)
    display_edges(graph, model)
    leaving_outputs(graph, model, roots)
    model.rankdir = choose_rankdir(model) if rankdir == "auto" else rankdir
    return model


__all__ = [
    "DNode",
    "DisplayModel",
    "build_model",
    "choose_rankdir",
    "collapse",
    "module_classes",
    "named_params",
    "param_scopes",
    "roots_of",
    "truncate",
]
