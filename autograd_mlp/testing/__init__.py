"""Gradient-testing tools for autograd_mlp and for users' own ops.

* :func:`gradcheck` / :func:`gradgradcheck` — first and second derivatives of any
  function of Tensors against central finite differences in float64.
* :func:`locate_bad_op` — which recorded op has the wrong backward.
* :mod:`autograd_mlp.testing.strategies` — hypothesis strategies for tensors,
  shapes, axes, indices and each registered op's inputs (needs ``hypothesis``,
  a test dependency, so it is imported on demand).

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp.testing import gradcheck
>>> w = ag.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
>>> gradcheck(lambda w: (w @ w).tanh(), [w])
True
"""

from .gradcheck import FULL_JACOBIAN_MAX, GradcheckError, gradcheck, gradgradcheck
from .localize import BadOpReport, locate_bad_op

__all__ = [
    "FULL_JACOBIAN_MAX",
    "BadOpReport",
    "GradcheckError",
    "gradcheck",
    "gradgradcheck",
    "locate_bad_op",
]
