"""Drawing autograd graphs with Graphviz.

- :func:`draw_graph`: the graph behind a tensor as a ``graphviz.Digraph`` (values,
  gradients, module clusters, gradient-flow colours, NaN flags, gradcheck marks).
- :func:`render`: save a drawing as SVG, PNG, PDF or DOT (atomically).

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

from .draw import draw_graph
from .render import GraphvizNotFoundError, render

__all__ = ["GraphvizNotFoundError", "draw_graph", "render"]
