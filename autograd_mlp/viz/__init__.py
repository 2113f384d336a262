"""Drawing autograd graphs with Graphviz.

- :func:`draw_graph`: the graph behind a tensor as a ``graphviz.Digraph`` (values,
  gradients, module clusters, gradient-flow colours, NaN flags, gradcheck marks).
- :func:`animate_backward`: run ``backward()`` and draw every step of the walk
  (an HTML player, a GIF or APNG).
- :func:`render`: save a drawing as SVG, PNG, PDF or DOT (atomically).
- :func:`plot_weights`, :func:`plot_samples`: weights and images with matplotlib.

``draw_graph`` needs only the ``graphviz`` Python package; turning DOT into an
image needs the Graphviz ``dot`` program (``apt-get install graphviz``,
``brew install graphviz``). In Jupyter the returned Digraph displays itself.

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp.viz import draw_graph
>>> a = ag.tensor(2.0, requires_grad=True)
>>> b = ag.tensor(-3.0, requires_grad=True)
>>> a.name, b.name = "a", "b"
>>> loss = a * b + a
>>> loss.backward(retain_graph=True)
>>> print(draw_graph(loss).source)  # doctest: +ELLIPSIS
digraph autograd_graph {
...
"""

from .animate import AnimationStep, BackwardAnimation, animate_backward
from .draw import draw_graph
from .options import DrawOptions
from .plots import plot_samples, plot_weights
from .render import GraphvizNotFoundError, render

__all__ = [
    "AnimationStep",
    "BackwardAnimation",
    "DrawOptions",
    "GraphvizNotFoundError",
    "animate_backward",
    "draw_graph",
    "plot_samples",
    "plot_weights",
    "render",
]
