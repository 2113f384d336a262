"""Graphviz HTML-like labels: table pieces, tooltips, and each kind of node's label.

The piece builders are pure string functions shared by the still drawing
(:mod:`autograd_mlp.viz.draw`) and the animation (:mod:`autograd_mlp.viz.animate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import diagnostics as D
from . import style as S
from .graph import CONST, FREED, OP, PARAMETER, TENSOR, Graph, Item

#: Elements of a tensor spelled out in full in a tooltip; larger ones are summarised.
TOOLTIP_ELEMENTS = 64


def table(rows: list[str], fill: str, border: str, dashed: bool = False, outline: int = 0) -> str:
    """A record: ``rows`` in a bordered table filled with ``fill``."""
    style = ' STYLE="dashed"' if dashed else ""
    return (
        f'<<TABLE BORDER="{outline}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" '
        f'BGCOLOR="{fill}" COLOR="{border}"{style}>' + "".join(rows) + "</TABLE>>"
    )


def row(key: str, value: str, colors: tuple[str, str] | None = None) -> str:
    """A ``key | value`` row; ``colors=(fill, font)`` paints the value cell.

    Examples
    --------
    >>> row("grad", "-3")
    '<TR><TD ALIGN="LEFT">grad</TD><TD ALIGN="LEFT">-3</TD></TR>'
    """
    value = S.esc(value)
    bg = ""
    if colors is not None:
        bg = f' BGCOLOR="{colors[0]}"'
        value = f'<FONT COLOR="{colors[1]}">{value}</FONT>'
    return f'<TR><TD ALIGN="LEFT">{S.esc(key)}</TD><TD ALIGN="LEFT"{bg}>{value}</TD></TR>'


def wide(html: str, colors: tuple[str, str] | None = None) -> str:
    """A row of one cell spanning both columns (``html`` already escaped)."""
    if colors is not None:
        fill, font = colors
        html = f'<FONT COLOR="{font}">{html}</FONT>'
        return f'<TR><TD COLSPAN="2" BGCOLOR="{fill}">{html}</TD></TR>'
    return f'<TR><TD COLSPAN="2">{html}</TD></TR>'


def alert(html: str) -> str:
    """``html`` (already escaped) in the bold red of errors."""
    return f'<FONT COLOR="{S.ERROR_TEXT}"><B>{html}</B></FONT>'


def small(text: str) -> str:
    """Plain ``text`` in the small font of secondary lines."""
    return f'<FONT POINT-SIZE="9">{S.esc(text)}</FONT>'


def full_values(a: Any) -> str:
    """Every value of a small array, or its summary; for tooltips.

    Examples
    --------
    >>> full_values(np.array([1.0001, 2.0]))
    '[1.0001, 2]'
    """
    a = np.asarray(a)
    if a.size <= TOOLTIP_ELEMENTS and a.dtype.kind in "biuf":
        return S._tiny(a) if a.size else "(empty)"
    return S.summarize(a)


def tooltip(title: str, data: Any | None, grad: Any | None) -> str:
    """Hover text of a tensor: its full value and a gradient summary (plain text)."""
    lines = [title]
    if data is not None:
        lines.append("value: " + full_values(data))
    if grad is not None:
        g = np.asarray(grad)
        lines.append("grad: " + full_values(g))
        if g.size > 1:
            lines.append(f"‖grad‖ = {S.num(S.l2norm(g))}")
    return "&#10;".join(lines)  # a newline that survives SVG attribute normalisation


# --------------------------------------------------------------------------- node labels
@dataclass(eq=False)
class LabelBuilder:
    """Graphviz attributes (label, colours, tooltip) of each kind of display node.

    Records which roles appear, so the legend explains exactly the colours drawn.
    """

    graph: Graph
    grads: dict[int, np.ndarray]
    show_values: bool = True
    show_grads: bool = True
    grad_colors: bool = False
    marks: dict[int, list[str]] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    tooltips: bool = True
    roles: set[str] = field(default_factory=set)  # what the legend must explain
    scale: S.GradScale | None = None

    # ---------------------------------------------------------------- helpers
    def grad_of(self, it: Item) -> np.ndarray | None:
        return self.grads.get(id(it.obj)) if it.kind == TENSOR else None

    def module_title(self, scope: str) -> str:
        cls = self.classes.get(scope)
        if scope == "":
            return cls or "(top module)"
        return f"{cls} {scope}" if cls else scope

    def paint(self, g: np.ndarray | None) -> tuple[str, str] | None:
        """Cell colours for a gradient in the gradient-flow view (else None)."""
        if not self.grad_colors or self.scale is None or g is None:
            return None
        return self.scale.color(S.l2norm(g))

    def grad_rows(self, g: np.ndarray, label: str = "grad") -> list[str]:
        rows = [row(label, S.summarize(g))]
        if g.size > 1:
            rows.append(row(f"‖{label}‖", S.num(S.l2norm(g))))
        return rows

    def _tip(self, attrs: dict[str, str], text: str) -> dict[str, str]:
        if self.tooltips:
            attrs["tooltip"] = text
        return attrs

    # ---------------------------------------------------------------- tensors
    def _tensor_rows(self, t: Tensor, it: Item, errors: list[str]) -> tuple[list[str], Any]:
        rows = [wide(S.esc(f"{S.shape_str(t.shape)} {t.dtype}"))]
        if self.show_values:
            rows.append(row("data", S.summarize(t.data)))
        D.flag_nonfinite(errors, "data", t.data)
        g = self.grad_of(it)
        if g is not None:
            if self.show_grads:
                rows.extend(self.grad_rows(g))
            D.flag_nonfinite(errors, "grad", g)
        elif self.show_grads and self.grads and t._requires_grad and t._node is None:
            rows.append(row("grad", "None"))
        return rows, g

    def _tensor_colors(self, role: str, g: Any, error: bool) -> tuple[str, str, str]:
        """``(fill, border, font)``: by role, by gradient norm in the gradient view,
        red when the tensor holds NaN/inf."""
        if error:
            self.roles.add("error")
            return S.FILL["error"], S.BORDER["error"], "#000000"
        fill, font = S.FILL[role], "#000000"
        if self.grad_colors and self.scale is not None and g is not None:
            fill, font = self.scale.color(S.l2norm(g))
        return fill, S.BORDER[role], font

    def tensor_node(self, it: Item) -> dict[str, str]:
        role = FREED if it.kind == FREED else it.role
        self.roles.add(role)
        rows: list[str] = [wide(f"<B>{S.esc(it.name)}</B>")] if it.name else []
        errors: list[str] = []
        g = None
        if it.kind == FREED:
            rows.append(wide(S.esc(S.shape_str(it.shape or ()))))
            rows.append(wide('<FONT COLOR="#777777"><I>freed by backward()</I></FONT>'))
        else:
            more, g = self._tensor_rows(it.obj, it, errors)
            rows.extend(more)
        rows.extend(wide(alert(f"⚠ {S.esc(e)}")) for e in errors)
        fill, border, font = self._tensor_colors(role, g, bool(errors))
        # In the gradient view the fill is the gradient; a thick border keeps the kind.
        outline = 2 if self.grad_colors and it.kind == TENSOR else 0
        attrs = {
            "shape": "none",
            "margin": "0",
            "label": table(rows, fill, border, dashed=it.kind == FREED, outline=outline),
        }
        if font != "#000000":
            attrs["fontcolor"] = font
        if it.kind == FREED:
            return self._tip(attrs, f"freed {S.shape_str(it.shape or ())}")
        title = f"{it.name or role} {S.shape_str(it.obj.shape)} {it.obj.dtype}"
        return self._tip(attrs, tooltip(title, it.obj.data, g))

    # ---------------------------------------------------------------- ops
    def op_node(self, it: Item) -> dict[str, str]:
        op = it.obj
        self.roles.add(OP)
        lines = [f"<B>{S.esc(op.name)}</B>"]
        attrs_text = S.attrs_text(getattr(op, "attrs", {}) or {})
        if attrs_text:
            lines.append(small(" · ".join(attrs_text)))
        if op.name == "relu" and self.show_values:
            dead = D.dead_relu(self.graph, it)
            if dead:
                lines.append(small(dead))
        attrs = {
            "shape": "ellipse",
            "style": "filled",
            "fillcolor": S.FILL[OP],
            "color": S.BORDER[OP],
        }
        if D.introduces_nonfinite(self.graph, it):
            lines.append(
                f'<FONT COLOR="{S.ERROR_TEXT}" POINT-SIZE="9"><B>NaN/inf appear here</B></FONT>'
            )
            attrs.update(color=S.BORDER["error"], penwidth="2")
            self.roles.update({"error", "nan_origin"})
        if id(op) in self.marks:
            lines.append(alert("✗ gradient check failed"))
            lines.extend(small(line) for line in self.marks[id(op)])
            attrs.update(fillcolor=S.FILL["error"], color=S.BORDER["error"], penwidth="3")
            self.roles.add("error")
        attrs["label"] = "<" + "<BR/>".join(lines) + ">"
        tip = " · ".join([f"op {op.name}", *attrs_text])
        return self._tip(attrs, tip)

    def const_node(self, it: Item) -> dict[str, str]:
        self.roles.add(CONST)
        a = np.asarray(it.obj)
        text = S.summarize(a) if a.size <= S.SMALL else f"{a.dtype}{S.shape_str(a.shape)}"
        attrs = {
            "shape": "box",
            "style": "rounded,dashed",
            "color": S.BORDER[CONST],
            "fontsize": "9",
            "label": f"<{S.esc(text)}>",
        }
        return self._tip(attrs, "constant: " + full_values(a))

    # ---------------------------------------------------------------- collapsed modules
    def _param_rows(self, members: list[Item], errors: list[str]) -> list[str]:
        rows = []
        for it in members:
            if it.kind != TENSOR or it.role != PARAMETER:
                continue
            short = it.name.rsplit(".", 1)[-1] if it.name else "param"
            text = S.shape_str(it.obj.shape)
            g = self.grad_of(it)
            if g is not None:
                if self.show_grads:
                    text += f"  ‖grad‖ {S.num(S.l2norm(g))}"
                D.flag_nonfinite(errors, f"{short}.grad", g)
            rows.append(row(short, text, self.paint(g)))
        return rows

    def _output_rows(self, outputs: list[Item], errors: list[str]) -> list[str]:
        rows = []
        for out in outputs:
            if out.kind == FREED:
                rows.append(row("out", S.shape_str(out.shape or ()) + " (freed)"))
                continue
            t = out.obj
            rows.append(row("out", f"{S.shape_str(t.shape)} {t.dtype}"))
            if self.show_values:
                rows.append(row("data", S.summarize(t.data)))
            D.flag_nonfinite(errors, "out", t.data)
            g = self.grad_of(out)
            if g is not None:
                if self.show_grads:
                    rows.append(row("‖out grad‖", S.num(S.l2norm(g)), self.paint(g)))
                D.flag_nonfinite(errors, "out grad", g)
        return rows

    def _check_rows(self, members: list[Item], errors: list[str]) -> list[str]:
        """Dead-ReLU rows, then failed-gradient-check rows, of a module's ops."""
        relu, failed = [], []
        for it in members:
            if it.kind != OP:
                continue
            if it.obj.name == "relu" and self.show_values:
                dead = D.dead_relu(self.graph, it)
                if dead:
                    relu.append(row("relu", dead))
            if id(it.obj) in self.marks:
                failed.append(wide(alert(f"✗ gradient check failed: {S.esc(it.obj.name)}")))
                errors.append("")
        return relu + failed

    def group_node(self, scope: str, members: list[Item], outputs: list[Item]) -> dict[str, str]:
        self.roles.add("module")
        cls = self.classes.get(scope)
        head = f"<B>{S.esc(cls)}</B> {S.esc(scope)}" if cls else f"<B>{S.esc(scope or '(top)')}</B>"
        out_grads = [self.grad_of(out) for out in outputs]
        rows = [wide(head, self.paint(out_grads[-1] if out_grads else None))]
        counts: dict[str, int] = {}
        for it in members:
            if it.kind == OP:
                counts[it.obj.name] = counts.get(it.obj.name, 0) + 1
        if counts:
            rows.append(
                row("ops", ", ".join(n if c == 1 else f"{n} ×{c}" for n, c in counts.items()))
            )
        errors: list[str] = []
        rows += self._param_rows(members, errors)
        rows += self._output_rows(outputs, errors)
        rows += self._check_rows(members, errors)
        rows.extend(wide(alert(f"⚠ {S.esc(e)}")) for e in errors if e)
        fill, border = S.FILL["module"], S.BORDER["module"]
        if errors:
            fill, border = S.FILL["error"], S.BORDER["error"]
            self.roles.add("error")
        attrs = {"shape": "none", "margin": "0", "label": table(rows, fill, border)}
        tip = [self.module_title(scope)] + [f"{n} ×{c}" for n, c in counts.items()]
        return self._tip(attrs, "&#10;".join(tip))

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
        """A table explaining every colour used in the drawing, and nothing else."""
        head = "legend"
        if self.grad_colors:
            head += "<BR/>(tensors: border = kind,<BR/>fill = gradient norm)"
        rows = [f'<TR><TD COLSPAN="2"><B>{head}</B></TD></TR>']
        for role in S.LEGEND_ORDER:
            if role not in self.roles:
                continue
            fill, width = S.FILL[role], 1
            if self.grad_colors and role not in S.UNPAINTED:
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


__all__ = ["LabelBuilder", "alert", "full_values", "row", "small", "table", "tooltip", "wide"]
