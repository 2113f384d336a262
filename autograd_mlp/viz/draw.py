"""``draw_graph``: the graph behind a tensor as a ``graphviz.Digraph``.

The picture combines two traditions: micrograd's records (every tensor shows its
value and, after backward, its gradient) and pytorchviz's colour legend (what a
node *is*: parameter, input, output, operation). On top of that it can group the
graph by ``nn.Module``, colour tensors by gradient norm, flag NaN/inf, show dead
ReLU units, and mark the op a gradient check found guilty.

The work is split in steps, one module each: :mod:`.graph` collects the graph,
:mod:`.model` decides what is drawn (:mod:`.diagnostics` what is flagged),
:mod:`.labels` writes each node's label and :mod:`.emit` the DOT text.

Stable output: nodes are numbered ``n0, n1, ...`` in creation order *within the
drawing*, attributes are sorted, and every walk is iterative, so the same program
gives the same DOT text and a 100,000-op chain draws (summarised) in a second.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any, TypeVar

import graphviz
import numpy as np

from ..tensor import Tensor
from . import diagnostics as D
from . import style as S
from .emit import emit
from .graph import TENSOR, Graph, walk
from .labels import LabelBuilder
from .model import build_model, module_classes, named_params, param_scopes, roots_of
from .options import RANKDIRS, DrawOptions

# Older names, kept for code that imported them from here.
_named_params, _module_classes, _param_scopes = named_params, module_classes, param_scopes

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


def _recomputed(
    roots: list[Tensor], tensors: list[Tensor], graph: Graph, grads: dict, opts: DrawOptions
) -> list[str]:
    """Add recomputed gradients of intermediate tensors to ``grads``; notes to show."""
    computed = D.recompute_grads(roots, tensors, graph)
    if computed is None:
        if opts.grad_colors and not grads:
            return ["no gradients to colour: run backward() first"]
        return []
    for t in tensors:
        if id(t) not in grads and id(t) in computed:
            grads[id(t)] = computed[id(t)]
    if any(t._node is not None for t in tensors if id(t) in computed):
        return [
            "grad of non-leaf tensors: d(output)/d(tensor), recomputed for this "
            "drawing (backward() keeps only leaves' .grad)"
        ]
    return []


def _gradients(roots: list[Tensor], graph: Graph, opts: DrawOptions) -> tuple[dict, list[str]]:
    """Leaves' ``.grad``, plus (live graphs) recomputed ones for intermediates, and notes."""
    tensors = [it.obj for it in graph.items if it.kind == TENSOR]
    grads: dict[int, np.ndarray] = {id(t): t.grad.data for t in tensors if t.grad is not None}
    want = opts.intermediate_grads
    if want is None:
        want = opts.grad_colors or (opts.show_grads and bool(grads))
    notes = _recomputed(roots, tensors, graph, grads, opts) if want else []
    if graph.n_freed:
        notes.append(
            "backward() freed the intermediate values: dashed nodes show only shapes; "
            "leaves keep their .grad (use retain_graph=True to see everything)"
        )
    return grads, notes


def _resolve_options(options: DrawOptions | None, keywords: dict[str, Any]) -> DrawOptions:
    if options is None:
        return DrawOptions.from_keywords(None, **keywords)
    defaults = {f.name: f.default for f in fields(DrawOptions)}
    changed = {k: v for k, v in keywords.items() if v != defaults.get(k)}
    return DrawOptions.from_keywords(options, **changed)


@_cyclic_gc_paused
def draw_graph(
    root: Tensor | Sequence[Tensor],
    params: Any = None,
    show_values: bool = True,
    show_grads: bool = True,
    group_modules: bool = True,
    collapse_modules: bool = False,
    max_nodes: int = 500,
    rankdir: str = "auto",
    gradcheck: Any = None,
    *,
    grad_colors: bool = False,
    intermediate_grads: bool | None = None,
    title: str | None = None,
    legend: bool = True,
    options: DrawOptions | None = None,
    **more: Any,
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
    rankdir : {"auto", "TB", "LR", "RL", "BT"}
        Direction of the layout; ``"auto"`` is top-down unless the graph is much
        wider than deep, so pictures fit a page.
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
        Add the colour legend (it lists exactly the colours in the picture).
    options : DrawOptions, optional
        All of the above as one :class:`~autograd_mlp.viz.options.DrawOptions`
        (plus ``tooltips`` and ``size``); keywords given with a non-default value
        override it.
    **more
        ``tooltips`` (hover text with full values, default on) and ``size`` (the
        Graphviz size cap in inches, default ``"16,60"``).

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
    roots = roots_of(root)
    opts = _resolve_options(
        options,
        dict(
            show_values=show_values,
            show_grads=show_grads,
            group_modules=group_modules,
            collapse_modules=collapse_modules,
            max_nodes=max_nodes,
            rankdir=rankdir,
            grad_colors=grad_colors,
            intermediate_grads=intermediate_grads,
            title=title,
            legend=legend,
            **more,
        ),
    )
    names: dict[int, str] = {}
    for name, t in named_params(params):
        names.setdefault(id(t), name)
    graph = walk(roots, names, frozenset(names))
    param_scopes(graph, names)
    marks, missing = D.match_reports(graph, D.gradcheck_reports(gradcheck))
    grads, notes = _gradients(roots, graph, opts)
    scopes = {it.scope for it in graph.items if it.scope is not None}
    model = build_model(
        graph, roots, opts.collapse_modules, opts.group_modules, opts.max_nodes, opts.rankdir
    )
    model.notes[:0] = notes
    if missing:
        model.notes.append("gradcheck: the offending op was not found in this graph")
    if marks:
        model.notes.append(
            "red op: its backward disagrees with finite differences (gradient check)"
        )
    labels = LabelBuilder(
        graph,
        grads,
        show_values=opts.show_values,
        show_grads=opts.show_grads,
        grad_colors=opts.grad_colors,
        marks=marks,
        classes=module_classes(params, scopes),
        tooltips=opts.tooltips,
    )
    if opts.grad_colors:
        norms = [
            S.l2norm(grads[id(it.obj)])
            for d in model.dnodes
            for it in d.members
            if it.kind == TENSOR and id(it.obj) in grads
        ]
        labels.scale = S.GradScale(norms)
    return emit(model, labels, opts)


__all__ = ["RANKDIRS", "DrawOptions", "draw_graph"]
