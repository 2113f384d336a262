"""``Dropout``: inverted dropout, as in PyTorch."""

from __future__ import annotations

import numbers
from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Zero each element with probability ``p`` in training, scaling the rest by ``1/(1-p)``.

    The expected value of every element is unchanged, so evaluation (``eval()``)
    is the identity. The module is :func:`autograd_mlp.functional.dropout` with
    ``training=self.training`` (one implementation for both), so masks come
    from the package's generator, which ``ag.manual_seed`` seeds.

    Parameters
    ----------
    p : float
        Probability of zeroing an element, in [0, 1].
    inplace : bool
        Accepted for PyTorch compatibility; the result is always a new tensor.

    Examples
    --------
    >>> import numpy as np
    >>> drop = Dropout(0.5)
    >>> y = drop(np.ones((2, 4)))
    >>> sorted(set(y.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    >>> drop.eval()(np.ones(3))
    tensor([1., 1., 1.])
    """

    p: float
    inplace: bool

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p!r}")
        self.p = float(p)
        self.inplace = bool(inplace)

    def forward(self, x: Any) -> Tensor:
        # Looked up on the module at call time: F.dropout is the one implementation.
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
