"""Gradient-testing tools for autograd_mlp and for users' own ops and models.

* :func:`gradcheck` / :func:`gradgradcheck` — first and second derivatives of a
  function or an ``nn.Module`` (its parameters included) against central finite
  differences in float64; they never pass without checking.
* :func:`check_op` — the one-line property test for an op, registered or not.
* :func:`locate_bad_op` — which recorded op has the wrong backward.
* :func:`assert_grads_close` — compare gradients, naming tensor and element.
* :mod:`autograd_mlp.testing.strategies` — hypothesis strategies for tensors,
  shapes, axes, indices, models and each op's inputs (needs ``hypothesis``, a
  test dependency, so it is imported on demand; so is ``check_op``'s).
* ``autograd_mlp.testing.pytest_plugin`` — pytest fixtures ``gradcheck`` and
  ``assert_grads_close`` and the ``--gradcheck-examples N`` option.

Examples
--------
>>> import autograd_mlp as ag
>>> from autograd_mlp.testing import gradcheck
>>> w = ag.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
>>> gradcheck(lambda w: (w @ w).tanh(), [w])
True
"""

from .check import DEFAULT_EXAMPLES, check_op, set_default_examples
from .compare import assert_grads_close
from .gradcheck import FULL_JACOBIAN_MAX, GradcheckError, gradcheck, gradgradcheck
from .localize import BadOpReport, locate_bad_op

__all__ = [
    "DEFAULT_EXAMPLES",
    "FULL_JACOBIAN_MAX",
    "BadOpReport",
    "GradcheckError",
    "assert_grads_close",
    "check_op",
    "gradcheck",
    "gradgradcheck",
    "locate_bad_op",
    "set_default_examples",
]
