"""``Embedding``: a lookup table of learnable vectors, as in PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from . import init as _init
from ._errors import ModuleIndexError, ModuleTypeError
from .module import Module, Parameter

__all__ = ["Embedding"]


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Embedding: {name} must be a positive integer, got {value!r}")
    return int(value)


class Embedding(Module):
    """``weight[indices]``: row ``i`` of a ``(num_embeddings, embedding_dim)`` table per index.

    Parameters
    ----------
    num_embeddings : int
        Size of the table (indices run from 0 to ``num_embeddings - 1``).
    embedding_dim : int
        Length of each vector.
    padding_idx : int, optional
        A row that is initialised to zeros and never receives a gradient
        (negative values count from the end, as in PyTorch).

    Attributes
    ----------
    weight : Parameter
        Initialised from ``N(0, 1)``, as in PyTorch.

    Examples
    --------
    >>> import numpy as np
    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> emb(np.array([[1, 2], [0, 9]])).shape
    (2, 2, 3)
    >>> emb(np.array([0])).numpy().tolist()
    [[0.0, 0.0, 0.0]]
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None
    ) -> None:
        super().__init__()
        self.num_embeddings = _positive("num_embeddings", num_embeddings)
        self.embedding_dim = _positive("embedding_dim", embedding_dim)
        if padding_idx is not None:
            if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
                raise ModuleTypeError(
                    f"Embedding: padding_idx must be an integer or None, got {padding_idx!r}"
                )
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx must be within num_embeddings "
                    f"({self.num_embeddings}), got {padding_idx}"
                )
            padding_idx = int(padding_idx) % self.num_embeddings
        self.padding_idx = padding_idx
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), np.float32))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw the table from ``N(0, 1)``; zero the padding row.

        Examples
        --------
        >>> import autograd_mlp as ag
        >>> ag.manual_seed(0)
        >>> emb = ag.nn.Embedding(3, 2, padding_idx=0)
        >>> emb.reset_parameters()
        >>> emb.weight.shape, emb.weight.data[0].tolist()
        ((3, 2), [0.0, 0.0])
        """
        _init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0
            self.weight._version += 1

    def _indices(self, indices: Any) -> np.ndarray:
        where = f"layer {self._name!r}" if self._name else "Embedding"
        array = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
        if array.dtype.kind not in "iu":
            raise ModuleTypeError(
                f"{where} ({self.extra_repr()}): indices must be integers, got dtype "
                f"{array.dtype} (shape {array.shape})"
            )
        if array.size and (array.min() < 0 or array.max() >= self.num_embeddings):
            bad = array[(array < 0) | (array >= self.num_embeddings)].ravel()[0]
            raise ModuleIndexError(
                f"{where} ({self.extra_repr()}): index {bad} out of range for "
                f"{self.num_embeddings} embeddings (indices of shape {array.shape})"
            )
        return array.astype(np.intp, copy=False)

    def forward(self, indices: Any) -> Tensor:
        index = self._indices(indices)
        rows = self.weight[index]
        if self.padding_idx is None or not self.weight.requires_grad:
            return rows
        # The padding row's value still comes out, but as a constant, so no
        # gradient reaches it: x*1 + c*0 == x and x*0 + c*1 == c exactly.
        pad = (index == self.padding_idx)[..., None]
        constant = self.weight.data[index] * pad
        return rows * (~pad).astype(rows.dtype) + constant

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"
