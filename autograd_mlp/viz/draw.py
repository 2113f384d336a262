"""``draw_graph``: the graph behind a tensor as a ``graphviz.Digraph``.

The picture combines two traditions: micrograd's records (every tensor shows its
value and, after backward, its gradient) and pytorchviz's colour legend (what a
node *is*: parameter, input, output, operation). On top of that it can group the
graph by ``nn.Module``, colour tensors by gradient norm, flag NaN/inf, show dead
ReLU units, and mark the op a gradient check found guilty.

Stable output: nodes are numbered ``n0, n1, ...`` in creation order *within the
drawing*, attributes are sorted, and every walk is iterative, so the same program
gives the same DOT text and a 100,000-op chain draws (summarised) in a second.
"""

from __future__ import annotations

import functools
import gc
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import graphviz
import numpy as np

from ..errors import AutogradError
from ..op import Op
from ..tensor import Tensor
from . import style as S
from .graph import CONST, FREED, OP, PARAMETER, TENSOR, Graph, Item, walk

RANKDIRS = ("LR", "RL", "TB", "BT")


# --------------------------------------------------------------------------- inputs
def _roots(root: Any) -> list[Tensor]:
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


def _named_params(params: Any) -> list[tuple[str, Tensor]]:
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


def _module_classes(params: Any, scopes: set[str]) -> dict[str, str]:
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


def _gradcheck_reports(gradcheck: Any) -> list[tuple[Op, list[str]]]:
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
        if isinstance(report, Op):
            node, text = report, ""
        elif isinstance(report, Tensor):
            node, text = report._node, ""
        else:
            node, text = getattr(report, "node", None), _report_text(report)
        if not isinstance(node, Op):
            raise TypeError(
                "draw_graph: gradcheck= takes a locate_bad_op report (or a GradcheckError "
                f"carrying one), an op node or a Tensor; got {type(entry).__name__} without a node"
            )
        out.append((node, textwrap.wrap(text, 40)[:4] if text else []))
    return out


def _report_text(report: Any) -> str:
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


def _ancestry(node: Op) -> tuple[tuple[str, tuple[tuple[int, ...], ...]], ...]:
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
        if op.inputs is not None:
            tensors = [x for x in op.inputs if isinstance(x, Tensor)]
            shapes = tuple(tuple(x.shape) for x in tensors)
            stack.extend(x._node for x in tensors if x._node is not None)
        else:
            shapes = tuple(tuple(s) for s in getattr(op, "shapes", ()))
            stack.extend(p for p in getattr(op, "parents", ()) if isinstance(p, Op))
        found.append((getattr(op, "seq", 0), op.name, shapes))
    found.sort(key=lambda f: f[0])
    return tuple((name, shapes) for _, name, shapes in found)


def _match_reports(
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
        want = _ancestry(node)
        name, shapes = want[-1]
        for op in ops:
            if op.name == name and _ancestry(op) == want:
                marks[id(op)] = lines
                break
        else:
            missing += 1
    return marks, missing


# --------------------------------------------------------------------------- display nodes
@dataclass(eq=False, slots=True)
class _DNode:
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


def _collapse(graph: Graph) -> list[_DNode]:
    """One display node per module scope; unscoped items stay as they are."""
    groups: dict[str, _DNode] = {}
    out: list[_DNode] = []
    for it in graph.items:
        if it.scope is None:
            out.append(_DNode(it.key, [it]))
            continue
        d = groups.get(it.scope)
        if d is None:
            d = groups[it.scope] = _DNode(it.key, [], scope=it.scope, group=True)
            out.append(d)
        d.members.append(it)
    for d in groups.values():  # order a module by its first op, not its parameters
        ops = [it.key for it in d.members if it.kind == OP]
        d.key = min(ops) if ops else d.members[0].key
    out.sort(key=lambda d: d.key)
    return out


def _param_scopes(graph: Graph, names: dict[int, str]) -> None:
    """Put each parameter in the cluster of the module that owns it ("layers.0.weight"
    belongs to scope "layers.0"), if that module ran an op in this graph."""
    scopes = {it.scope for it in graph.items if it.kind == OP and it.scope is not None}
    for it in graph.items:
        if it.role == PARAMETER and it.name is not None:
            owner = it.name.rsplit(".", 1)[0] if "." in it.name else ""
            if owner in scopes:
                it.scope = owner


# --------------------------------------------------------------------------- drawing
def _alert(html: str) -> str:
    """``html`` (already escaped) in the bold red of errors."""
    return f'<FONT COLOR="{S.ERROR_TEXT}"><B>{html}</B></FONT>'


def _flag_nonfinite(errors: list[str], label: str, array: np.ndarray) -> None:
    """Add ``"label: 2 NaN"`` (say) to ``errors`` if ``array`` holds NaN or inf."""
    bad = S.nonfinite(array)
    if bad:
        errors.append(f"{label}: {bad}")


@dataclass(eq=False)
class _Drawer:
    graph: Graph
    grads: dict[int, np.ndarray]
    show_values: bool
    show_grads: bool
    grad_colors: bool
    marks: dict[int, list[str]]
    classes: dict[str, str]
    roles: set[str] = field(default_factory=set)  # what the legend must explain
    scale: S.GradScale | None = None

    @property
    def any_grad(self) -> bool:
        return bool(self.grads)

    # ---------------------------------------------------------------- helpers
    def grad_of(self, it: Item) -> np.ndarray | None:
        if it.kind != TENSOR:
            return None
        return self.grads.get(id(it.obj))

    def module_title(self, scope: str) -> str:
        cls = self.classes.get(scope)
        if scope == "":
            return cls or "(top module)"
        return f"{cls} {scope}" if cls else scope

    def dead_relu(self, op_item: Item) -> str:
        """``zeros 48% · dead units 3/100`` for a relu whose output is known."""
        out = self.graph.output_of.get(id(op_item.obj))
        if out is None or out.kind != TENSOR or out.obj.size == 0:
            return ""
        zero = out.obj.data == 0
        text = f"zeros {zero.mean():.0%}"
        if zero.ndim >= 2 and zero.shape[0] > 1:
            dead = zero.all(axis=0)
            text += f" · dead units {int(dead.sum())}/{dead.size}"
        return text

    def introduces_nonfinite(self, op_item: Item) -> bool:
        """The op's output has NaN/inf although none of its inputs has."""
        out = self.graph.output_of.get(id(op_item.obj))
        inputs = op_item.obj.inputs
        if out is None or out.kind != TENSOR or inputs is None:
            return False
        if not S.nonfinite(out.obj.data):
            return False
        for x in inputs:
            data = x.data if isinstance(x, Tensor) else np.asarray(x)
            if S.nonfinite(data):
                return False
        return True

    # ---------------------------------------------------------------- labels
    @staticmethod
    def table(
        rows: list[str], fill: str, border: str, dashed: bool = False, outline: int = 0
    ) -> str:
        style = ' STYLE="dashed"' if dashed else ""
        return (
            f'<<TABLE BORDER="{outline}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" '
            f'BGCOLOR="{fill}" COLOR="{border}"{style}>' + "".join(rows) + "</TABLE>>"
        )

    @staticmethod
    def row(key: str, value: str, colors: tuple[str, str] | None = None) -> str:
        """A ``key | value`` row; ``colors=(fill, font)`` paints the value cell."""
        value = S.esc(value)
        bg = ""
        if colors is not None:
            bg = f' BGCOLOR="{colors[0]}"'
            value = f'<FONT COLOR="{colors[1]}">{value}</FONT>'
        return f'<TR><TD ALIGN="LEFT">{S.esc(key)}</TD><TD ALIGN="LEFT"{bg}>{value}</TD></TR>'

    @staticmethod
    def wide(html: str, colors: tuple[str, str] | None = None) -> str:
        if colors is not None:
            fill, font = colors
            html = f'<FONT COLOR="{font}">{html}</FONT>'
            return f'<TR><TD COLSPAN="2" BGCOLOR="{fill}">{html}</TD></TR>'
        return f'<TR><TD COLSPAN="2">{html}</TD></TR>'

    def paint(self, g: np.ndarray | None) -> tuple[str, str] | None:
        """Cell colours for a gradient in the gradient-flow view (else None)."""
        if not self.grad_colors or self.scale is None or g is None:
            return None
        return self.scale.color(S.l2norm(g))

    def grad_rows(self, g: np.ndarray, label: str = "grad") -> list[str]:
        rows = [self.row(label, S.summarize(g))]
        if g.size > 1:
            rows.append(self.row(f"‖{label}‖", S.num(S.l2norm(g))))
        return rows

    def tensor_node(self, it: Item) -> dict[str, str]:
        role = FREED if it.kind == FREED else it.role
        self.roles.add(role)
        rows: list[str] = []
        if it.name:
            rows.append(self.wide(f"<B>{S.esc(it.name)}</B>"))
        errors: list[str] = []
        g = None
        if it.kind == FREED:
            rows.append(self.wide(S.esc(S.shape_str(it.shape or ()))))
            rows.append(self.wide('<FONT COLOR="#777777"><I>freed by backward()</I></FONT>'))
        else:
            t: Tensor = it.obj
            rows.append(self.wide(S.esc(f"{S.shape_str(t.shape)} {t.dtype}")))
            if self.show_values:
                rows.append(self.row("data", S.summarize(t.data)))
            _flag_nonfinite(errors, "data", t.data)
            g = self.grad_of(it)
            if g is not None:
                if self.show_grads:
                    rows.extend(self.grad_rows(g))
                _flag_nonfinite(errors, "grad", g)
            elif self.show_grads and self.any_grad and t._requires_grad and t._node is None:
                rows.append(self.row("grad", "None"))
        for e in errors:
            rows.append(self.wide(_alert(f"⚠ {S.esc(e)}")))
        fill, border, font = S.FILL[role], S.BORDER[role], "#000000"
        if self.grad_colors and self.scale is not None and g is not None:
            fill, font = self.scale.color(S.l2norm(g))
        if errors:
            fill, border, font = S.FILL["error"], S.BORDER["error"], "#000000"
            self.roles.add("error")
        # In the gradient view the fill is the gradient; a thick border keeps the kind.
        outline = 2 if self.grad_colors and it.kind == TENSOR else 0
        label = self.table(rows, fill, border, dashed=it.kind == FREED, outline=outline)
        attrs = {"shape": "none", "margin": "0", "label": label}
        if font != "#000000":
            attrs["fontcolor"] = font
        return attrs

    def op_node(self, it: Item) -> dict[str, str]:
        op: Op = it.obj
        self.roles.add(OP)
        lines = [f"<B>{S.esc(op.name)}</B>"]
        small = S.attrs_text(getattr(op, "attrs", {}) or {})
        if small:
            lines.append(f'<FONT POINT-SIZE="9">{S.esc(" · ".join(small))}</FONT>')
        if op.name == "relu" and self.show_values:
            dead = self.dead_relu(it)
            if dead:
                lines.append(f'<FONT POINT-SIZE="9">{S.esc(dead)}</FONT>')
        attrs = {
            "shape": "ellipse",
            "style": "filled",
            "fillcolor": S.FILL[OP],
            "color": S.BORDER[OP],
        }
        if self.introduces_nonfinite(it):
            lines.append(
                f'<FONT COLOR="{S.ERROR_TEXT}" POINT-SIZE="9"><B>NaN/inf appear here</B></FONT>'
            )
            attrs.update(color=S.BORDER["error"], penwidth="2")
            self.roles.add("error")
        if id(op) in self.marks:
            lines.append(_alert("✗ gradient check failed"))
            for line in self.marks[id(op)]:
                lines.append(f'<FONT POINT-SIZE="9">{S.esc(line)}</FONT>')
            attrs.update(fillcolor=S.FILL["error"], color=S.BORDER["error"], penwidth="3")
            self.roles.add("error")
        attrs["label"] = "<" + "<BR/>".join(lines) + ">"
        return attrs

    def const_node(self, it: Item) -> dict[str, str]:
        self.roles.add(CONST)
        v = it.obj
        a = np.asarray(v)
        text = S.summarize(a) if a.size <= S.SMALL else f"{a.dtype}{S.shape_str(a.shape)}"
        return {
            "shape": "box",
            "style": "rounded,dashed",
            "color": S.BORDER[CONST],
            "fontsize": "9",
            "label": f"<{S.esc(text)}>",
        }

    def group_node(self, d: _DNode, outputs: list[Item]) -> dict[str, str]:
        self.roles.add("module")
        assert d.scope is not None
        cls = self.classes.get(d.scope)
        head = (
            f"<B>{S.esc(cls)}</B> {S.esc(d.scope)}"
            if cls
            else f"<B>{S.esc(d.scope or '(top)')}</B>"
        )
        out_grads = [self.grad_of(out) for out in outputs]
        out_grad = out_grads[-1] if out_grads else None
        rows = [self.wide(head, self.paint(out_grad))]
        counts: dict[str, int] = {}
        for it in d.members:
            if it.kind == OP:
                counts[it.obj.name] = counts.get(it.obj.name, 0) + 1
        if counts:
            ops = ", ".join(n if c == 1 else f"{n} ×{c}" for n, c in counts.items())
            rows.append(self.row("ops", ops))
        errors: list[str] = []
        for it in d.members:
            if it.kind == TENSOR and it.role == PARAMETER:
                short = it.name.rsplit(".", 1)[-1] if it.name else "param"
                text = S.shape_str(it.obj.shape)
                g = self.grad_of(it)
                if g is not None:
                    if self.show_grads:
                        text += f"  ‖grad‖ {S.num(S.l2norm(g))}"
                    _flag_nonfinite(errors, f"{short}.grad", g)
                rows.append(self.row(short, text, self.paint(g)))
        for out in outputs:
            if out.kind == FREED:
                rows.append(self.row("out", S.shape_str(out.shape or ()) + " (freed)"))
                continue
            t = out.obj
            rows.append(self.row("out", f"{S.shape_str(t.shape)} {t.dtype}"))
            if self.show_values:
                rows.append(self.row("data", S.summarize(t.data)))
            _flag_nonfinite(errors, "out", t.data)
            g = self.grad_of(out)
            if g is not None:
                if self.show_grads:
                    rows.append(self.row("‖out grad‖", S.num(S.l2norm(g)), self.paint(g)))
                _flag_nonfinite(errors, "out grad", g)
        if self.show_values:
            for it in d.members:
                if it.kind == OP and it.obj.name == "relu":
                    dead = self.dead_relu(it)
                    if dead:
                        rows.append(self.row("relu", dead))
        for it in d.members:
            if it.kind == OP and id(it.obj) in self.marks:
                rows.append(self.wide(_alert(f"✗ gradient check failed: {S.esc(it.obj.name)}")))
                errors.append("")
        for e in errors:
            if e:
                rows.append(self.wide(_alert(f"⚠ {S.esc(e)}")))
        fill, border = S.FILL["module"], S.BORDER["module"]
        if errors:
            fill, border = S.FILL["error"], S.BORDER["error"]
            self.roles.add("error")
        return {"shape": "none", "margin": "0", "label": self.table(rows, fill, border)}

    def note_node(self, text: str) -> dict[str, str]:
        return {
            "shape": "note",
            "style": "filled",
            "fillcolor": "#fffbe6",
            "color": "#b0a060",
            "label": "<" + "<BR/>".join(S.esc(x) for x in text.split("\n")) + ">",
        }

    # ---------------------------------------------------------------- legends
    def legend(self) -> str:
        order = [
            "parameter",
            "leaf",
            "input",
            "intermediate",
            "freed",
            "output",
            "const",
            "op",
            "module",
            "error",
        ]
        head = "legend"
        if self.grad_colors:
            head += "<BR/>(tensors: border = kind,<BR/>fill = gradient norm)"
        rows = [f'<TR><TD COLSPAN="2"><B>{head}</B></TD></TR>']
        for role in order:
            if role not in self.roles:
                continue
            fill, width = S.FILL[role], 1
            if self.grad_colors and role not in (OP, CONST, "module", "error"):
                fill, width = "#ffffff", 2
            rows.append(
                f'<TR><TD BGCOLOR="{fill}" COLOR="{S.BORDER[role]}" BORDER="{width}" '
                'WIDTH="18"></TD>'
                f'<TD ALIGN="LEFT">{S.esc(S.LEGEND_TEXT[role])}</TD></TR>'
            )
        return (
            '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
            + "".join(rows)
            + "</TABLE>>"
        )

    def grad_legend(self) -> str:
        assert self.scale is not None
        bins = self.scale.bins() if self.scale.used else []
        cells = []
        for lbl, c, dark in bins:
            font = "#ffffff" if dark else "#000000"
            cells.append(
                f'<TD BGCOLOR="{c}"><FONT COLOR="{font}" POINT-SIZE="9">≥{S.esc(lbl)}</FONT></TD>'
            )
        cells.append(f'<TD BGCOLOR="{S.GRAD_ZERO}"><FONT POINT-SIZE="9">0</FONT></TD>')
        cells.append(f'<TD BGCOLOR="{S.FILL["error"]}"><FONT POINT-SIZE="9">NaN/inf</FONT></TD>')
        return (
            '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
            f'<TR><TD COLSPAN="{len(cells)}" BORDER="0">'
            "<B>gradient L2 norm (log scale)</B></TD></TR>"
            "<TR>" + "".join(cells) + "</TR></TABLE>>"
        )


# --------------------------------------------------------------------------- public
_F = TypeVar("_F", bound=Callable[..., Any])


def _cyclic_gc_paused(fn: _F) -> _F:
    """``fn`` run with Python's cyclic garbage collector off.

    Walking a big graph allocates hundreds of thousands of small objects, and the
    collector would rescan them all again and again (3x slower).
    """

    @functools.wraps(fn)
    def paused(*args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused  # type: ignore[return-value]


@_cyclic_gc_paused
def draw_graph(
    root: Tensor | Sequence[Tensor],
    params: Any = None,
    show_values: bool = True,
    show_grads: bool = True,
    group_modules: bool = True,
    collapse_modules: bool = False,
    max_nodes: int = 500,
    rankdir: str = "LR",
    gradcheck: Any = None,
    *,
    grad_colors: bool = False,
    intermediate_grads: bool | None = None,
    title: str | None = None,
    legend: bool = True,
) -> graphviz.Digraph:
    """Draw the graph that computed ``root``.

    Parameters
    ----------
    root : Tensor or sequence of Tensors
        What to draw the history of (usually the loss).
    params : nn.Module or dict, optional
        Names for parameters: a module (anything with ``named_parameters()``) or
        a dict ``name -> Tensor``; matched by identity. A module also names the
        clusters ("Linear layers.0").
    show_values, show_grads : bool
        Show each tensor's value summary / gradient summary and L2 norm.
    group_modules : bool
        Draw the ops each ``nn.Module`` ran (and its parameters) in a labelled box.
    collapse_modules : bool
        Draw each module as a single node (ops, parameters, output, norms).
    max_nodes : int
        Larger graphs are summarised: collapsed per module when that fits,
        otherwise the first and last ``max_nodes // 2`` nodes with a note between.
    rankdir : {"LR", "TB", "RL", "BT"}
        Direction of the layout.
    gradcheck : optional
        A failed gradient check to show on the graph: the report of
        :func:`autograd_mlp.testing.locate_bad_op` (anything with ``.node``), a
        ``GradcheckError`` carrying one, an op node, or a list of them. The op is
        drawn in red with the error in its label.
    grad_colors : bool
        Gradient-flow view: fill tensors (and collapsed modules) by the L2 norm of
        their gradient on a log scale, with a colour-scale legend.
    intermediate_grads : bool, optional
        Gradients of non-leaf tensors are not stored by ``backward()``; when the
        graph is still alive they can be recomputed for the drawing (one extra
        backward pass with :func:`autograd_mlp.grad`, ``.grad`` untouched). By
        default this happens when a leaf already has a gradient (backward was
        run with ``retain_graph=True``) or ``grad_colors`` is on.
    title : str, optional
        A heading above the graph.
    legend : bool
        Add the colour legend.

    Returns
    -------
    graphviz.Digraph
        ``.source`` is the DOT text; in Jupyter it renders inline; save it with
        :func:`autograd_mlp.viz.render`.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.viz import draw_graph
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> dot = draw_graph(y)
    >>> "mul" in dot.source and "sum" in dot.source
    True
    """
    roots = _roots(root)
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    if max_nodes < 2:
        raise ValueError(f"draw_graph: max_nodes must be at least 2, got {max_nodes}")
    pairs = _named_params(params)
    names: dict[int, str] = {}
    for name, t in pairs:
        names.setdefault(id(t), name)
    graph = walk(roots, names, frozenset(names))
    _param_scopes(graph, names)
    marks, missing = _match_reports(graph, _gradcheck_reports(gradcheck))
    notes: list[str] = []

    # Gradients: leaves' .grad, plus (live graphs) recomputed ones for intermediates.
    grads: dict[int, np.ndarray] = {}
    tensors = [it.obj for it in graph.items if it.kind == TENSOR]
    for t in tensors:
        if t.grad is not None:
            grads[id(t)] = t.grad.data
    want = intermediate_grads
    if want is None:
        want = grad_colors or (show_grads and bool(grads))
    if want:
        computed = _recompute_grads(roots, tensors, graph)
        if computed is None:
            if grad_colors and not grads:
                notes.append("no gradients to colour: run backward() first")
        else:
            for t in tensors:
                if id(t) not in grads and id(t) in computed:
                    grads[id(t)] = computed[id(t)]
            if any(t._node is not None for t in tensors if id(t) in computed):
                notes.append(
                    "grad of non-leaf tensors: d(output)/d(tensor), recomputed for this "
                    "drawing (backward() keeps only leaves' .grad)"
                )
    if graph.n_freed:
        notes.append(
            "backward() freed the intermediate values: dashed nodes show only shapes; "
            "leaves keep their .grad (use retain_graph=True to see everything)"
        )

    # Module names and clusters.
    scopes = {it.scope for it in graph.items if it.scope is not None}
    classes = _module_classes(params, scopes)

    # Display nodes: items, or collapsed modules; summarised if too many.
    collapse = collapse_modules and bool(scopes)
    dnodes = (
        _collapse(graph)
        if collapse
        else [_DNode(it.key, [it], scope=it.scope) for it in graph.items]
    )
    if len(dnodes) > max_nodes and not collapse and group_modules and scopes:
        collapsed = _collapse(graph)
        if len(collapsed) <= max_nodes:
            notes.append(
                f"{len(dnodes):,} nodes > max_nodes={max_nodes}: each module drawn as one node"
            )
            dnodes, collapse = collapsed, True
    owner: dict[int, _DNode] = {}
    for d in dnodes:
        for it in d.members:
            owner[id(it)] = d
    total = len(dnodes)
    if total > max_nodes:
        head = max_nodes // 2
        tail = max_nodes - head
        omitted = dnodes[head : total - tail]
        counts: dict[str, int] = {}
        for d in omitted:
            for it in d.members:
                label = (
                    it.obj.name
                    if it.kind == OP
                    else "tensor"
                    if it.kind in (TENSOR, FREED)
                    else "constant"
                )
                counts[label] = counts.get(label, 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
        text = (
            f"… {len(omitted):,} nodes not drawn …\n"
            + ", ".join(f"{k} ×{v:,}" for k, v in top)
            + f"\n(pass max_nodes={total} to draw all)"
        )
        note = _DNode(omitted[0].key, [], note=text)
        for d in omitted:
            for it in d.members:
                owner[id(it)] = note
        dnodes = dnodes[:head] + [note] + dnodes[total - tail :]
        notes.append(
            f"showing {max_nodes:,} of {total:,} nodes (the first and the last in creation order)"
        )
    for i, d in enumerate(dnodes):
        d.id = f"n{i}"
    index = {id(d): i for i, d in enumerate(dnodes)}

    # Edges between display nodes. A tensor used twice by one op (x * x) keeps both
    # edges; edges merged into a module or a note are drawn once.
    edges: dict[tuple[int, int, int], tuple[str, bool]] = {}
    for src, dst, pos in graph.edges:
        a, b = owner[id(src)], owner[id(dst)]
        if a is b:
            continue
        merged = a.group or b.group or a.note is not None or b.note is not None
        k = (index[id(b)], 0 if merged else pos, index[id(a)])
        label = ""
        if collapse and a.group and src.kind in (TENSOR, FREED):
            label = S.shape_str(src.obj.shape if src.kind == TENSOR else src.shape or ())
        edges.setdefault(k, (label, src.kind == CONST))

    drawer = _Drawer(
        graph,
        grads=grads,
        show_values=show_values,
        show_grads=show_grads,
        grad_colors=grad_colors,
        marks=marks,
        classes=classes,
    )
    if grad_colors:
        norms = [
            S.l2norm(grads[id(it.obj)])
            for d in dnodes
            for it in d.members
            if it.kind == TENSOR and id(it.obj) in grads
        ]
        drawer.scale = S.GradScale(norms)

    # Which of a collapsed module's tensors leave it (its outputs).
    leaving: dict[int, list[Item]] = {}
    if collapse:
        root_ids = {id(r) for r in roots}
        for src, dst, _ in graph.edges:
            a, b = owner[id(src)], owner[id(dst)]
            if a.group and a is not b and src.kind in (TENSOR, FREED):
                lst = leaving.setdefault(id(a), [])
                if src not in lst:
                    lst.append(src)
        for d in dnodes:
            if d.group:
                for it in d.members:
                    if (
                        it.kind == TENSOR
                        and id(it.obj) in root_ids
                        and it not in leaving.get(id(d), [])
                    ):
                        leaving.setdefault(id(d), []).append(it)

    if missing:
        notes.append("gradcheck: the offending op was not found in this graph")
    if marks:
        notes.append("red op: its backward disagrees with finite differences (gradient check)")

    def attrs_of(d: _DNode) -> dict[str, str]:
        if d.note is not None:
            return drawer.note_node(d.note)
        if d.group:
            return drawer.group_node(d, sorted(leaving.get(id(d), []), key=lambda it: it.key))
        it = d.item
        if it.kind == OP:
            return drawer.op_node(it)
        if it.kind == CONST:
            return drawer.const_node(it)
        return drawer.tensor_node(it)

    dot = graphviz.Digraph(
        name="autograd_graph",
        graph_attr={
            "rankdir": rankdir,
            "fontname": S.FONT,
            "fontsize": "12",
            "labelloc": "t",
            "labeljust": "l",
            "nodesep": "0.25",
            "ranksep": "0.35",
            "newrank": "true",
        },
        node_attr={"fontname": S.FONT, "fontsize": "10"},
        edge_attr={"color": S.EDGE, "arrowsize": "0.7", "fontname": S.FONT, "fontsize": "9"},
    )

    # Nodes: clustered by module scope (first appearance order), others at the top level.
    clusters: dict[str, list[_DNode]] = {}
    top: list[_DNode] = []
    for d in dnodes:
        if group_modules and not collapse and d.note is None and d.item.scope is not None:
            clusters.setdefault(d.item.scope, []).append(d)
        else:
            top.append(d)
    for d in top:
        dot.node(d.id, **attrs_of(d))
    for i, (scope, members) in enumerate(clusters.items()):
        with dot.subgraph(name=f"cluster_{i}") as sub:
            sub.attr(
                label=f"<<B>{S.esc(drawer.module_title(scope))}</B>>",
                style="rounded,filled",
                fillcolor=S.CLUSTER_FILL,
                color=S.CLUSTER_BORDER,
                fontsize="11",
            )
            for d in members:
                sub.node(d.id, **attrs_of(d))

    for (b, _, a), (label, dashed) in sorted(edges.items()):
        kw: dict[str, str] = {}
        if label:
            kw["label"] = label
        if dashed:
            kw["style"] = "dashed"
        dot.edge(dnodes[a].id, dnodes[b].id, **kw)

    if legend:
        with dot.subgraph(name="cluster_legend") as sub:
            sub.attr(label="", style="rounded", color="#cccccc")
            sub.node("legend", label=drawer.legend(), shape="none", margin="0")
            if grad_colors and drawer.scale is not None:
                sub.node("legend_grad", label=drawer.grad_legend(), shape="none", margin="0")

    heading = []
    if title:
        heading.append(f'<FONT POINT-SIZE="14"><B>{S.esc(title)}</B></FONT>')
    heading.extend(f'<FONT POINT-SIZE="10">{S.esc(n)}</FONT>' for n in notes)
    if heading:
        dot.attr(label="<" + '<BR ALIGN="LEFT"/>'.join(heading) + '<BR ALIGN="LEFT"/>>')
    return dot


def _recompute_grads(
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


__all__ = ["draw_graph"]
