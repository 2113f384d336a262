"""Mini-batch iteration over in-memory numpy arrays.

Numpy only, on purpose: the training loop wraps batches into tensors itself, so
this module works (and is tested) without the autograd engine.

Examples
--------
>>> import numpy as np
>>> loader = DataLoader(np.arange(10).reshape(5, 2), np.arange(5), batch_size=2)
>>> len(loader), [yb.tolist() for _, yb in loader]
(3, [[0, 1], [2, 3], [4]])
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..random import default_generator
from ._validate import check_int

__all__ = ["DataLoader"]


class DataLoader:
    """Iterate over ``(X, y)`` in mini-batches, optionally reshuffled every epoch.

    Parameters
    ----------
    X, y : array_like
        Samples along the first axis; must have the same length.
    batch_size : int, default 32
        Samples per batch (>= 1). The last batch may be smaller unless
        ``drop_last``.
    shuffle : bool, default False
        Visit samples in a fresh random order on every pass (epoch).
    drop_last : bool, default False
        Skip the final incomplete batch.
    seed : int, optional
        Seed of the loader's own generator: two loaders built with the same seed
        produce the same sequence of epochs.
    rng : numpy.random.Generator, optional
        Use this generator instead (shared with the caller). Give at most one of
        ``seed`` and ``rng``; with neither, the loader's generator is seeded from
        the package's (:func:`autograd_mlp.manual_seed` makes it reproducible;
        unseeded, runs differ, as in PyTorch).

    Notes
    -----
    Every epoch covers each sample exactly once (``drop_last`` aside). Without
    shuffling, batches are views into ``X`` and ``y`` (no copy), as numpy slices
    are; with shuffling they are copies.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.zeros((100, 3), np.float32), np.arange(100)
    >>> loader = DataLoader(X, y, batch_size=32, shuffle=True, seed=0)
    >>> len(loader), [len(yb) for _, yb in loader]
    (4, [32, 32, 32, 4])
    >>> len(DataLoader(X, y, batch_size=32, drop_last=True))
    3
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        batch_size: int = 32,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim == 0 or y.ndim == 0:
            raise ValueError(
                f"DataLoader: X and y need a sample axis; got X of shape {X.shape} "
                f"and y of shape {y.shape}"
            )
        if len(X) != len(y):
            raise ValueError(
                f"DataLoader: X has {len(X)} samples but y has {len(y)}; "
                "they must have the same length"
            )
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        for name, flag in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"DataLoader: {name} must be a bool, got {flag!r}")
        if seed is not None and rng is not None:
            raise ValueError("DataLoader: give seed or rng, not both")
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"DataLoader: rng must be a numpy.random.Generator, got {type(rng).__name__}"
            )
        if seed is not None:
            seed = check_int("seed", seed, minimum=0)
        self.X, self.y = X, y
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        if rng is None:
            # Unseeded: draw from the package's generator, so manual_seed covers it.
            rng = np.random.default_rng(
                default_generator().integers(2**63) if seed is None else seed
            )
        self._rng = rng

    def __len__(self) -> int:
        """Number of batches per epoch."""
        n = len(self.X)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        n, bs = len(self.X), self.batch_size
        # Drawn when the epoch starts, so each pass gets its own order.
        order = self._rng.permutation(n) if self.shuffle else None
        for start in range(0, len(self) * bs, bs):
            if order is None:
                yield self.X[start : start + bs], self.y[start : start + bs]
            else:
                idx = order[start : start + bs]
                yield self.X[idx], self.y[idx]

    def __repr__(self) -> str:
        return (
            f"DataLoader(n_samples={len(self.X)}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, n_batches={len(self)})"
        )
