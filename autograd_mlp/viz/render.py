"""Saving drawings: DOT text always, images through the Graphviz ``dot`` program."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import graphviz

from ..data._atomic import atomic_write

#: Formats :func:`render` writes; ``dot``/``gv`` need no Graphviz program.
FORMATS = ("svg", "png", "pdf", "dot", "gv")

INSTALL_HINT = (
    "the Graphviz 'dot' program is needed to render {fmt} but was not found on PATH; "
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install "
    "graphviz`, Windows: `winget install graphviz`), or save the drawing as .dot, which "
    "needs no program"
)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program is not installed (or not on ``PATH``).

    Examples
    --------
    >>> from autograd_mlp.viz import GraphvizNotFoundError
    >>> issubclass(GraphvizNotFoundError, RuntimeError)
    True
    """


def to_bytes(graph: Any, fmt: str) -> bytes:
    """``graph`` (a Digraph or DOT text) rendered as ``fmt`` bytes by Graphviz ``dot``.

    ``dot``/``gv`` return the DOT text itself and need no program.
    """
    source = graph if isinstance(graph, str) else graph.source
    if fmt in ("dot", "gv"):
        return source.encode("utf-8")
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper()))
    try:
        return graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizNotFoundError(INSTALL_HINT.format(fmt=fmt.upper())) from exc
    except graphviz.CalledProcessError as exc:
        stderr = (
            exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr
        )
        raise RuntimeError(f"render: dot failed on this graph: {stderr or exc}") from exc


def render(graph: Any, path: str | os.PathLike[str], format: str | None = None) -> Path:  # noqa: A002
    """Write ``graph`` to ``path``, atomically (readers never see half a file).

    Parameters
    ----------
    graph : graphviz.Digraph, graphviz.Source or str
        A drawing from :func:`~autograd_mlp.viz.draw_graph`, or DOT text.
    path : str or PathLike
        Destination; its directory must exist.
    format : {"svg", "png", "pdf", "dot", "gv"}, optional
        Defaults to the suffix of ``path``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        Unknown or missing format.
    GraphvizNotFoundError
        An image format was asked for and ``dot`` is not installed (``.dot``
        output always works).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import autograd_mlp as ag
    >>> from autograd_mlp.viz import draw_graph, render
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "graph.dot"
    >>> render(draw_graph((x * x).sum()), out).read_text().startswith("digraph")
    True
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if not fmt:
        raise ValueError(
            f"render: cannot tell the format of {str(path)!r}: give it a suffix "
            f"({', '.join('.' + f for f in FORMATS)}) or pass format="
        )
    if fmt not in FORMATS:
        raise ValueError(f"render: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if isinstance(graph, str):
        source = graph
    elif hasattr(graph, "source"):
        source = graph.source
    else:
        raise TypeError(
            f"render: expected a graphviz graph or DOT text, got {type(graph).__name__}"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(f"render: directory {str(path.parent)!r} does not exist")

    data = to_bytes(source, fmt)
    with atomic_write(path) as f:
        f.write(data)
    return path


__all__ = ["FORMATS", "GraphvizNotFoundError", "render", "to_bytes"]
