"""Graphviz HTML-like label pieces: tables, rows, alerts and tooltips.

Pure string builders (no graph, no state), shared by the still drawing
(:mod:`autograd_mlp.viz.draw`) and the animation (:mod:`autograd_mlp.viz.animate`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import style as S

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


__all__ = ["alert", "full_values", "row", "small", "table", "tooltip", "wide"]
