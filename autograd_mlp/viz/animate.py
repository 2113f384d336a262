"""Backpropagation you can watch: one picture per step of the engine's backward walk.

:func:`animate_backward` runs ``root.backward()`` itself inside
:func:`autograd_mlp.engine.observe`, so the frames show the walk the engine really
did, in its order, and the leaves end with exactly the ``.grad`` a plain
``backward()`` gives. Each frame highlights the node whose backward runs, labels
the gradient it received and the gradients it sent, shows a tensor used twice
collecting its contributions one by one (``1 of 2``), and fills in leaves'
``.grad`` as they are reached.

:class:`BackwardAnimation` saves a self-contained HTML player (``.html``: one
file, no network), an animated GIF (``.gif``) or APNG (``.png``), and shows the
player inline in Jupyter.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from ..errors import AutogradError
from ..op import Op
from ..tensor import Tensor
from . import labels as L
from . import style as S
from .graph import CONST, OP, PARAMETER, TENSOR, Graph, Item, walk

#: Walks longer than this are summarised: one frame per module, then a cap.
MAX_FRAMES = 200
#: Graphs with more display nodes than this are drawn one node per module.
MAX_NODES = 80

ACTIVE_FILL = "#ff7f0e"  # the op whose backward runs
ACTIVE_TENSOR = "#fdd0a2"  # the tensor whose gradient it receives
SENT = "#d62728"  # gradients travelling along edges
FILLED = "#ffe9a8"  # a tensor with part of its gradient
DONE = "#c7e9c0"  # a tensor whose gradient is complete

_DRAW_OPTIONS = ("rankdir", "show_values", "title", "collapse_modules", "max_nodes", "max_frames")


# --------------------------------------------------------------------------- steps
@dataclass(frozen=True, eq=False)
class AnimationStep:
    """One frame's step of the backward walk.

    Attributes
    ----------
    index : int
        Position in the engine's walk (the first of ``parts`` for a summarised frame).
    op : str
        Name of the op whose backward ran, or ``"leaf"`` when a leaf accumulated.
    tensor : Tensor
        The tensor whose complete gradient was handled in this step.
    received : numpy.ndarray
        The gradient arriving at ``tensor`` (summed over all its consumers).
    sent : tuple
        The gradients the op's backward sent to its inputs (``None`` for inputs
        that need none); ``()`` for a leaf.
    inputs : tuple
        The op's inputs, aligned with ``sent`` (Tensors, or None for constants).
    text : str
        The step explained in words.
    parts : tuple of AnimationStep
        For a frame that summarises several steps (one module), those steps.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.viz import animate_backward
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> anim = animate_backward((x * x).sum())
    >>> step = anim.steps[1]
    >>> step.op, step.received.tolist(), [g.tolist() for g in step.sent]
    ('mul', [1.0, 1.0], [[1.0, 2.0], [1.0, 2.0]])
    """

    index: int
    op: str
    tensor: Tensor
    node: Op | None
    received: np.ndarray
    sent: tuple[np.ndarray | None, ...]
    inputs: tuple[Tensor | None, ...] = ()
    text: str = ""
    parts: tuple[AnimationStep, ...] = ()


def _copy(g: Any) -> np.ndarray | None:
    if g is None:
        return None
    data = g.data if isinstance(g, Tensor) else g
    return np.array(data, copy=True)


class _Recorder:
    """Collects the engine's walk steps, copying the arrays (later steps may add in place)."""

    def __init__(self, graph: Graph) -> None:
        self.steps: list[AnimationStep] = []
        self.graph = graph

    def _inputs(self, node: Op | None, n_grads: int) -> tuple[Tensor | None, ...]:
        """The op's operands, aligned with its input gradients."""
        if node is None:
            return ()
        if node.inputs is not None:
            return tuple(x if isinstance(x, Tensor) else None for x in node.inputs)
        # Already freed: its parents (aligned with the inputs; a node stands for
        # its output, None for a constant operand).
        out = self.graph.output_of
        return tuple(
            p if isinstance(p, Tensor) or p is None else getattr(out.get(id(p)), "obj", None)
            for p in node.parents
        )

    def _drawn(self, step: Any) -> Tensor:
        """The tensor as the drawing knows it (the engine's walk is keyed by
        nodes, so for an op it reports a stand-in holding the same output)."""
        if step.node is None:
            return step.tensor
        item = self.graph.output_of.get(id(step.node))
        obj = getattr(item, "obj", None)
        return obj if isinstance(obj, Tensor) else step.tensor

    def __call__(self, step: Any) -> None:
        node = step.node
        inputs = self._inputs(node, len(step.input_grads))
        self.steps.append(
            AnimationStep(
                index=len(self.steps),
                op="leaf" if node is None else node.name,
                tensor=self._drawn(step),
                node=node,
                received=np.array(step.grad, copy=True),
                sent=tuple(_copy(g) for g in step.input_grads),
                inputs=inputs,
            )
        )


# --------------------------------------------------------------------------- display model
@dataclass(eq=False)
class _Display:
    """What the frames draw: display nodes, their members, and the edges between them."""

    graph: Graph
    names: dict[int, str]
    classes: dict[str, str]
    collapsed: bool
    nodes: list[tuple[str, list[Item], str | None]] = field(default_factory=list)
    owner: dict[int, int] = field(default_factory=dict)  # id(obj) -> display index
    edges: list[tuple[int, int, int]] = field(default_factory=list)  # (src, dst, operand)

    def index_of(self, obj: Any) -> int | None:
        return self.owner.get(id(obj))


def _build_display(graph: Graph, names: dict[int, str], classes: dict[str, str], collapse: bool):
    disp = _Display(graph, names, classes, collapse)
    groups: dict[str, int] = {}
    for it in graph.items:
        if collapse and it.scope is not None:
            idx = groups.get(it.scope)
            if idx is None:
                idx = groups[it.scope] = len(disp.nodes)
                disp.nodes.append((f"n{idx}", [], it.scope))
            disp.nodes[idx][1].append(it)
        else:
            idx = len(disp.nodes)
            disp.nodes.append((f"n{idx}", [it], None))
        if it.kind != CONST:
            disp.owner[id(it.obj)] = idx
        disp.owner[id(it)] = idx
    seen: set[tuple[int, int, int]] = set()
    for src, dst, pos in graph.edges:
        a, b = disp.owner[id(src)], disp.owner[id(dst)]
        # x * x keeps both edges; edges merged into a module are drawn once.
        key = (a, b, 0 if collapse else pos)
        if a != b and key not in seen:
            seen.add(key)
            disp.edges.append(key)
    disp.edges.sort()
    return disp


# --------------------------------------------------------------------------- frame state
@dataclass
class _State:
    """Gradients known after some steps: partial sums, their counts, completed tensors."""

    total: dict[int, int]  # id(tensor) -> contributions it will receive
    acc: dict[int, np.ndarray] = field(default_factory=dict)
    count: dict[int, int] = field(default_factory=dict)
    done: set[int] = field(default_factory=set)

    def seed(self, first: AnimationStep) -> None:
        k = id(first.tensor)
        self.acc[k], self.count[k], self.total[k] = first.received, 1, 1

    def apply(self, step: AnimationStep) -> None:
        self.done.add(id(step.tensor))
        for x, g in zip(step.inputs, step.sent):
            if x is None or g is None:
                continue
            k = id(x)
            self.acc[k] = g if k not in self.acc else self.acc[k] + g
            self.count[k] = self.count.get(k, 0) + 1


def _contributions(steps: list[AnimationStep]) -> dict[int, int]:
    total: dict[int, int] = {}
    for s in steps:
        for x, g in zip(s.inputs, s.sent):
            if x is not None and g is not None:
                total[id(x)] = total.get(id(x), 0) + 1
    return total


def _tname(t: Tensor, names: Mapping[int, str]) -> str:
    name = names.get(id(t)) or t.name
    if name:
        return name
    node = t._node
    return f"{node.name}'s output" if node is not None else "leaf"


def _short(g: np.ndarray) -> str:
    """A gradient in a few words: its values when tiny, else its shape and L2 norm."""
    if g.size <= S.SMALL:
        return S.summarize(g)
    return f"{S.shape_str(g.shape)} with ‖·‖ {S.num(S.l2norm(g))}"


def _explain(step: AnimationStep, state: _State, names: Mapping[int, str], root: str) -> str:
    """The step in words, given the state after it."""
    t = _tname(step.tensor, names)
    if step.node is None:
        n = state.total.get(id(step.tensor), 1)
        summed = f" (the sum of {n} contributions)" if n > 1 else ""
        return f"leaf {t} receives its gradient: .grad = {_short(step.received)}{summed}."
    parts = [f"backward of {step.op}: it receives d({root})/d({t}) = {_short(step.received)}"]
    # Contributions of this very step (x * x sends two) count up from before it.
    pending = {id(x): 0 for x in step.inputs if x is not None}
    for x, g in zip(step.inputs, step.sent):
        if x is not None and g is not None:
            pending[id(x)] += 1
    for x, g in zip(step.inputs, step.sent):
        if x is None or g is None:
            continue
        line = f"sends {_short(g)} to {_tname(x, names)}"
        total = state.total.get(id(x), 1)
        if total > 1:
            have = state.count.get(id(x), 0) - pending[id(x)] + 1
            pending[id(x)] -= 1
            line += f" ({have} of {total} contributions)"
        parts.append(line)
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------- frame drawing
def _tensor_rows(t: Tensor, it: Item, state: _State, disp: _Display, show_values: bool):
    rows = []
    name = disp.names.get(id(t)) or t.name
    head = f"<B>{S.esc(name)}</B> " if name else ""
    rows.append(L.wide(f"{head}{S.esc(S.shape_str(t.shape))} {S.esc(t.dtype)}"))
    if show_values:
        rows.append(L.row("data", S.summarize(t.data)))
    k = id(t)
    g = state.acc.get(k)
    if k in state.done and t._node is None:
        rows.append(L.row(".grad", S.summarize(g if g is not None else np.zeros(()))))
    elif g is not None:
        total = state.total.get(k, 1)
        have = state.count.get(k, 0)
        label = "grad" if have >= total else f"grad so far ({have} of {total})"
        rows.append(L.row(label, S.summarize(g)))
    return rows, g


def _fill(t_id: int, state: _State, active: bool) -> str:
    if active:
        return ACTIVE_TENSOR
    if t_id in state.done:
        return DONE
    if state.count.get(t_id, 0) >= state.total.get(t_id, 1):
        return DONE
    if t_id in state.acc:
        return FILLED
    return "#ffffff"


def _item_attrs(it: Item, state: _State, disp: _Display, active: set[int], show_values: bool):
    if it.kind == OP:
        on = id(it.obj) in active
        return {
            "shape": "ellipse",
            "style": "filled",
            "fillcolor": ACTIVE_FILL if on else S.FILL[OP],
            "color": SENT if on else S.BORDER[OP],
            "penwidth": "3" if on else "1",
            "label": f"<<B>{S.esc(it.obj.name)}</B>>",
            "tooltip": f"op {it.obj.name}",
        }
    if it.kind == CONST:
        a = np.asarray(it.obj)
        text = S.summarize(a) if a.size <= S.SMALL else f"{a.dtype}{S.shape_str(a.shape)}"
        return {
            "shape": "box",
            "style": "rounded,dashed",
            "fontsize": "9",
            "label": f"<{S.esc(text)}>",
        }
    t = it.obj
    rows, g = _tensor_rows(t, it, state, disp, show_values)
    on = id(t) in active
    border = S.BORDER.get(it.role or "intermediate", "#555555")
    return {
        "shape": "none",
        "margin": "0",
        "label": L.table(
            rows, _fill(id(t), state, on), SENT if on else border, outline=3 if on else 0
        ),
        "tooltip": L.tooltip(_tname(t, disp.names), t.data, g),
    }


def _grad_text(t: Tensor, state: _State) -> str:
    g = state.acc.get(id(t))
    text = S.shape_str(t.shape)
    return text + (f"  ‖grad‖ {S.num(S.l2norm(g))}" if g is not None else "")


def _group_rows(members: list[Item], state: _State, disp: _Display) -> tuple[list[str], bool]:
    """Rows of a collapsed module: its ops, parameters and last output; and whether
    every parameter has its gradient."""
    rows = []
    ops = [it.obj.name for it in members if it.kind == OP]
    if ops:
        rows.append(L.row("ops", ", ".join(ops)))
    params = [it.obj for it in members if it.kind == TENSOR and it.role == PARAMETER]
    for t in params:
        label = (disp.names.get(id(t)) or t.name or "param").rsplit(".", 1)[-1]
        rows.append(L.row(label, _grad_text(t, state)))
    outs = [it for it in members if it.kind == TENSOR and it.obj._node is not None]
    if outs:
        rows.append(L.row("out", _grad_text(max(outs, key=lambda it: it.key).obj, state)))
    return rows, all(id(t) in state.acc for t in params)


def _group_attrs(scope: str, members: list[Item], state: _State, disp: _Display, active: set[int]):
    cls = disp.classes.get(scope) or ""
    on = any(id(it.obj) in active for it in members if it.kind != CONST)
    rows, complete = _group_rows(members, state, disp)
    reached = any(id(it.obj) in state.done for it in members if it.kind == TENSOR)
    fill = S.FILL["module"]
    if on:
        fill = ACTIVE_TENSOR
    elif complete and reached:
        fill = DONE
    head = L.wide(f"<B>{S.esc(cls)}</B> {S.esc(scope or '(top)')}")
    ops = ", ".join(it.obj.name for it in members if it.kind == OP)
    return {
        "shape": "none",
        "margin": "0",
        "label": L.table(
            [head, *rows], fill, SENT if on else S.BORDER["module"], outline=3 if on else 0
        ),
        "tooltip": f"module {cls} {scope}&#10;ops: {ops}",
    }


def _edge_labels(step: AnimationStep, disp: _Display) -> dict[tuple[int, int, int], str]:
    """Display edges carrying this step's gradients, with the gradient's summary."""
    out: dict[tuple[int, int, int], str] = {}
    if step.node is None:
        return out
    dst = disp.index_of(step.node)
    src = disp.index_of(step.tensor)
    if dst is not None and src is not None and src != dst:
        out[(dst, src, 0)] = "grad in: " + S.summarize(step.received)
    for pos, (x, g) in enumerate(zip(step.inputs, step.sent)):
        if x is None or g is None:
            continue
        a = disp.index_of(x)
        if a is not None and dst is not None and a != dst:
            out[(a, dst, 0 if disp.collapsed else pos)] = S.summarize(g)
    return out


def _frame(
    step: AnimationStep,
    state: _State,
    disp: _Display,
    heading: str,
    rankdir: str,
    show_values: bool,
) -> graphviz.Digraph:
    parts = step.parts or (step,)
    active: set[int] = set()
    labels: dict[tuple[int, int, int], str] = {}
    for p in parts:
        active.add(id(p.tensor))
        if p.node is not None:
            active.add(id(p.node))
        labels.update(_edge_labels(p, disp))
    dot = graphviz.Digraph(
        name="backward_step",
        graph_attr={
            "rankdir": rankdir,
            "fontname": S.FONT,
            "fontsize": "12",
            "labelloc": "t",
            "labeljust": "l",
            "nodesep": "0.25",
            "ranksep": "0.35",
            "label": "<" + heading + ">",
        },
        node_attr={"fontname": S.FONT, "fontsize": "10"},
        edge_attr={"color": S.EDGE, "arrowsize": "0.7", "fontname": S.FONT, "fontsize": "9"},
    )
    for nid, members, scope in disp.nodes:
        if scope is not None:
            attrs = _group_attrs(scope, members, state, disp, active)
        else:
            attrs = _item_attrs(members[0], state, disp, active, show_values)
        on = any(id(it.obj) in active for it in members if it.kind != CONST)
        dot.node(nid, id=nid, **{"class": "active" if on else "idle"}, **attrs)
    for a, b, pos in disp.edges:
        text = labels.get((a, b, pos))
        kw = {"label": text, "color": SENT, "fontcolor": SENT, "penwidth": "2.5"} if text else {}
        dot.edge(disp.nodes[a][0], disp.nodes[b][0], **kw)
    with dot.subgraph(name="cluster_legend") as sub:
        sub.attr(label="", style="rounded", color="#cccccc")
        sub.node("legend", label=_LEGEND, shape="none", margin="0")
    return dot


def _legend_row(fill: str, border: str, text: str) -> str:
    return (
        f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="2" WIDTH="18"></TD>'
        f'<TD ALIGN="LEFT">{S.esc(text)}</TD></TR>'
    )


# What each colour of a frame means (every frame uses all of them at some point).
_LEGEND = (
    '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
    '<TR><TD COLSPAN="2"><B>backward step</B></TD></TR>'
    + _legend_row(ACTIVE_FILL, SENT, "op whose backward runs now")
    + _legend_row(ACTIVE_TENSOR, SENT, "tensor whose gradient it receives")
    + _legend_row(FILLED, "#888888", "gradient partly summed (k of n)")
    + _legend_row(DONE, "#888888", "gradient complete / leaf .grad set")
    + f'<TR><TD><FONT COLOR="{SENT}"><B>→</B></FONT></TD>'
    + '<TD ALIGN="LEFT">red edge: gradient sent in this step</TD></TR>'
    + "</TABLE>>"
)


# --------------------------------------------------------------------------- summarising
def _step_scope(s: AnimationStep) -> str | None:
    """The module a step belongs to; consecutive leaves share one pseudo-module."""
    if s.node is None:
        return "(leaves)"
    return getattr(s.node, "scope", None)


def _summarise(
    steps: list[AnimationStep], disp: _Display, max_frames: int
) -> tuple[list[AnimationStep], str]:
    """At most ``max_frames`` frames: consecutive steps of one module merged, and
    when that is still too many, several consecutive modules per frame."""
    if len(steps) <= max_frames:
        return steps, ""
    groups: list[list[AnimationStep]] = []
    last: object = object()
    for s in steps:
        scope = _step_scope(s)
        if scope is not None and scope == last:
            groups[-1].append(s)
        else:
            groups.append([s])
        last = scope
    message = f"{len(steps):,} backward steps > max_frames={max_frames}"
    if len(groups) < len(steps):
        message += f": one frame per module ({len(groups):,} frames)"
    if len(groups) > max_frames:
        k = -(-len(groups) // max_frames)
        groups = [sum(groups[i : i + k], []) for i in range(0, len(groups), k)]
        message += f"; {k} consecutive modules or steps per frame ({len(groups):,} frames)"
    return [g[0] if len(g) == 1 else _merge(g) for g in groups], message


def _merge(group: list[AnimationStep]) -> AnimationStep:
    scopes = list(dict.fromkeys(str(_step_scope(s) or s.op) for s in group))
    what = scopes[0] if len(scopes) == 1 else f"{scopes[0]} … {scopes[-1]}"
    first = group[0]
    return AnimationStep(
        index=first.index,
        op=f"module {what}" if len(scopes) == 1 and _step_scope(first) else what,
        tensor=first.tensor,
        node=first.node,
        received=first.received,
        sent=group[-1].sent,
        inputs=group[-1].inputs,
        parts=tuple(group),
    )


# --------------------------------------------------------------------------- the animation
class BackwardAnimation:
    """The frames of one backward walk and the ways to save them.

    Attributes
    ----------
    frames : list of graphviz.Digraph
        One drawing per step, in the engine's order.
    steps : list of AnimationStep
        Per frame: the op that ran, the gradient it received, the gradients it sent.
    all_steps : list of AnimationStep
        Every step of the walk (more than ``steps`` when frames were summarised).
    message : str
        Why frames were summarised, or ``""``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.viz import animate_backward
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> anim = animate_backward((x * x).sum())
    >>> anim, len(anim), [s.op for s in anim.steps]
    (<BackwardAnimation: 3 frames>, 3, ['sum', 'mul', 'leaf'])
    >>> x.grad.tolist()
    [2.0, 4.0]
    """

    def __init__(
        self,
        frames: list[graphviz.Digraph],
        steps: list[AnimationStep],
        all_steps: list[AnimationStep],
        message: str = "",
        title: str | None = None,
    ) -> None:
        self.title = title
        self.frames = frames
        self.steps = steps
        self.all_steps = all_steps
        self.message = message

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        extra = f", {self.message}" if self.message else ""
        return f"<BackwardAnimation: {len(self.frames)} frames{extra}>"

    def svgs(self) -> list[str]:
        """Each frame as SVG text (needs the Graphviz ``dot`` program).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.viz import animate_backward
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> anim = animate_backward((x * x).sum())
        >>> svgs = anim.svgs()  # doctest: +SKIP
        >>> len(svgs), svgs[0].lstrip().startswith("<?xml")  # doctest: +SKIP
        (3, True)
        """
        from .render import to_bytes

        return [to_bytes(f, "svg").decode("utf-8") for f in self.frames]

    def html(self, title: str | None = None) -> str:
        """The self-contained HTML player (SVG frames embedded, no network).

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.viz import animate_backward
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> anim = animate_backward((x * x).sum())
        >>> page = anim.html(title="x squared")  # doctest: +SKIP
        >>> "x squared" in page  # doctest: +SKIP
        True
        """
        from .player import player_html

        heading = title or (f"backward of {self.title}" if self.title else "backward, step by step")
        return player_html(self.svgs(), [s.text for s in self.steps], heading)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the animation; the format comes from the suffix.

        ``.html``: the player; ``.gif``: an animated GIF; ``.png``: an animated
        PNG (APNG). Written atomically. Images need Graphviz ``dot``; GIF and
        APNG need pillow.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> from autograd_mlp.viz import animate_backward
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> anim = animate_backward((x * x).sum())
        >>> import pathlib, tempfile
        >>> out = pathlib.Path(tempfile.mkdtemp())
        >>> anim.save(out / "backward.html").name  # doctest: +SKIP
        'backward.html'
        >>> anim.save(out / "backward.mp4")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        ValueError: BackwardAnimation.save: unknown format '.mp4' in ...; use .html (player), ...
        """
        from ..data._atomic import atomic_write
        from .player import animated_image

        path = Path(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(
                f"BackwardAnimation.save: directory {str(path.parent)!r} does not exist"
            )
        fmt = path.suffix.lower().lstrip(".")
        if fmt in ("html", "htm"):
            data = self.html().encode("utf-8")
        elif fmt in ("gif", "png"):
            data = animated_image(self.frames, fmt)
        else:
            raise ValueError(
                f"BackwardAnimation.save: unknown format {path.suffix!r} in {str(path)!r}; "
                "use .html (player), .gif or .png (APNG)"
            )
        with atomic_write(path) as f:
            f.write(data)
        return path

    def _repr_html_(self) -> str | None:
        from .player import player_html
        from .render import GraphvizNotFoundError

        try:
            svgs = self.svgs()
        except GraphvizNotFoundError:  # Jupyter then shows the repr instead
            return None
        return player_html(svgs, [s.text for s in self.steps], "", embed=True)


def _check_root(root: Any, graph: Graph) -> None:
    if not isinstance(root, Tensor):
        raise TypeError(f"animate_backward: root must be a Tensor, got {type(root).__name__}")
    if root._node is None or not root._requires_grad:
        raise AutogradError(
            "animate_backward: this tensor has no graph to walk (it is a leaf, or was "
            "computed under no_grad or from inputs without requires_grad=True)"
        )
    if graph.n_freed:
        raise AutogradError(
            "animate_backward: the graph behind this tensor was freed by an earlier "
            "backward(); pass retain_graph=True to that call (or rebuild the graph) "
            "to animate it"
        )


def _options(draw_options: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(draw_options) - set(_DRAW_OPTIONS))
    if unknown:
        raise TypeError(
            f"animate_backward: unknown draw option(s) {unknown}; choose from {list(_DRAW_OPTIONS)}"
        )
    opts: dict[str, Any] = {
        "rankdir": "TB",
        "show_values": True,
        "title": None,
        "collapse_modules": None,
        "max_nodes": MAX_NODES,
        "max_frames": MAX_FRAMES,
    }
    opts.update(draw_options)
    if opts["max_frames"] < 2:
        raise ValueError(
            f"animate_backward: max_frames must be at least 2, got {opts['max_frames']}"
        )
    return opts


def _heading(title: str | None, i: int, n: int, text: str, message: str) -> str:
    lines = []
    if title:
        lines.append(f'<FONT POINT-SIZE="14"><B>{S.esc(title)}</B></FONT>')
    lines.append(f"<B>step {i + 1} of {n}</B>")
    lines.extend(S.esc(chunk) for chunk in _wrap(text, 90))
    if message:
        lines.append(f'<FONT POINT-SIZE="9">{S.esc(message)}</FONT>')
    return '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>'


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def animate_backward(
    root: Tensor,
    grad: Any = None,
    retain_graph: bool = False,
    params: Any = None,
    **draw_options: Any,
) -> BackwardAnimation:
    """Run ``root.backward(grad, retain_graph)`` and draw every step of the walk.

    Parameters
    ----------
    root : Tensor
        What to differentiate (usually the loss); it must have a live graph.
    grad : array_like, optional
        The starting gradient, as for ``backward`` (needed for non-scalar roots).
    retain_graph : bool
        Keep the graph after the walk, as for ``backward``.
    params : nn.Module or dict, optional
        Names for parameters and, for a module, the modules' class names.
    **draw_options
        ``rankdir`` (default ``"TB"``), ``show_values``, ``title``,
        ``collapse_modules`` (default: when the graph has more than ``max_nodes``
        nodes, 80), ``max_frames`` (200: longer walks get one frame per module,
        then the first and last frames).

    Returns
    -------
    BackwardAnimation
        ``.frames`` (graphviz.Digraph per step), ``.steps``, ``.save(path)``.

    Raises
    ------
    AutogradError
        ``root`` has no graph, or its graph was freed by an earlier backward.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.viz import animate_backward
    >>> a = ag.tensor(2.0, requires_grad=True)
    >>> y = a * a + a          # a is used three times
    >>> anim = animate_backward(y)
    >>> [s.op for s in anim.steps]
    ['add', 'mul', 'leaf']
    >>> a.grad.item()          # exactly what y.backward() gives: 2a + 1
    5.0
    """
    from ..engine import observe
    from .draw import _module_classes, _named_params, _param_scopes

    opts = _options(draw_options)
    names: dict[int, str] = {}
    for name, t in _named_params(params):
        names.setdefault(id(t), name)
    if isinstance(root, Tensor):
        graph = walk([root], names, frozenset(names))
    else:
        graph = Graph([], [])
    _check_root(root, graph)
    _param_scopes(graph, names)
    recorder = _Recorder(graph)
    with observe(recorder):
        root.backward(grad, retain_graph=retain_graph)
    steps = recorder.steps

    scopes = {it.scope for it in graph.items if it.scope is not None}
    collapse = opts["collapse_modules"]
    if collapse is None:
        collapse = len(graph.items) > opts["max_nodes"]
    collapse = bool(collapse and scopes)
    disp = _build_display(graph, names, _module_classes(params, scopes), collapse)
    shown, message = _summarise(steps, disp, opts["max_frames"])

    # Each frame shows the state after its (last) step.
    last_of = {id(f.parts[-1] if f.parts else f): f for f in shown}
    state = _State(_contributions(steps))
    if steps:  # the seed: the root's gradient before any step runs
        state.seed(steps[0])
    root_name = _tname(root, names)
    frames: list[graphviz.Digraph] = []
    final: list[AnimationStep] = []
    for s in steps:
        state.apply(s)
        f = last_of.get(id(s))
        if f is None:
            continue
        text = _explain(s, state, names, root_name)
        if f.parts:
            text = f"{f.op}: {len(f.parts)} backward steps; the last: {text}"
        f = replace(f, text=text)
        heading = _heading(opts["title"], len(final), len(shown), text, message)
        frames.append(_frame(f, state, disp, heading, opts["rankdir"], opts["show_values"]))
        final.append(f)
    return BackwardAnimation(frames, final, steps, message, opts["title"])


__all__ = ["AnimationStep", "BackwardAnimation", "animate_backward", "MAX_FRAMES"]
