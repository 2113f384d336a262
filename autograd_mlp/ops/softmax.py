"""The softmax family as fused, numerically stable ops.

Fused means one node each, with the simple closed-form gradient, instead of a
chain of exp/sum/div nodes whose intermediate ``exp`` would overflow at x = 1e4.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..op import Op, dispatch, register
from .elementwise import exp


def _floating(x: np.ndarray) -> np.ndarray:
    """Integer and bool input promoted as ``np.exp`` promotes it (numpy's rule)."""
    return x if x.dtype.kind in "fc" else x.astype(np.result_type(x.dtype, np.float16))


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    x = _floating(x)
    # initial=-inf: over a zero-length axis the result is empty (as torch), where a
    # plain max would raise.
    e = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    x = _floating(x)
    if x.size == 0:
        return x.copy()
    shifted = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@register("softmax", _softmax)
class Softmax(Op):
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max for stability.

    Derivative: d/dx = out·(g - Σ g·out), the sum along ``axis``
    """

    name = "softmax"
    uses_inputs = False

    def forward(self, x, axis=-1):
        return _softmax(x, axis)

    def backward(self, g, out, x):
        return (out * (g - (g * out).sum(axis=self.attrs.get("axis", -1), keepdims=True)),)


@register("softmax", _log_softmax)
class LogSoftmax(Op):
    """``x - logsumexp(x)`` along ``axis``, shifted by the max for stability.

    Derivative: d/dx = g - softmax(x)·Σ g = g - exp(out)·Σ g, the sum along ``axis``
    """

    name = "log_softmax"
    uses_inputs = False

    def forward(self, x, axis=-1):
        return _log_softmax(x, axis)

    def backward(self, g, out, x):
        return (g - exp(out) * g.sum(axis=self.attrs.get("axis", -1), keepdims=True),)


def softmax(x: Any, axis: int = -1) -> Any:
    return dispatch(Softmax, x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    return dispatch(LogSoftmax, x, axis=axis)
