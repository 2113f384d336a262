"""Seeded random train/test splits of ``(X, y)`` arrays.

Examples
--------
>>> import numpy as np
>>> X_tr, y_tr, X_te, y_te = train_test_split(np.arange(10), np.arange(10), 0.8)
>>> len(X_tr), len(X_te)
(8, 2)
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import check_int

__all__ = ["train_test_split"]


def train_test_split(
    X: np.ndarray, y: np.ndarray, train_size: int | float, *, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``(X, y)`` together and cut it into a training and a test part.

    Parameters
    ----------
    X, y : array_like
        Samples along the first axis; must have the same length.
    train_size : int or float
        An int is the number of training samples (0 to ``len(X)``); a float in
        ``(0, 1)`` is the fraction of them (rounded down).
    seed : int or None, default 0
        Seed of the shuffle; ``None`` draws fresh entropy.

    Returns
    -------
    X_train, y_train, X_test, y_test : numpy.ndarray
        Copies; the inputs are not modified.

    Raises
    ------
    ValueError
        If lengths differ or ``train_size`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> X_tr, y_tr, X_te, y_te = train_test_split(np.zeros((5, 2)), np.arange(5), 3, seed=1)
    >>> X_tr.shape, sorted(y_tr.tolist() + y_te.tolist())
    ((3, 2), [0, 1, 2, 3, 4])
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("train_test_split: X and y must have a sample axis, got a 0-D array")
    if len(X) != len(y):
        raise ValueError(
            f"train_test_split: X has {len(X)} samples but y has {len(y)}; they must match"
        )
    n = len(X)
    if isinstance(train_size, numbers.Real) and not isinstance(train_size, numbers.Integral):
        fraction = float(train_size)
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"train_size as a fraction must lie in (0, 1), got {fraction}")
        n_train = int(fraction * n)
    else:
        n_train = check_int("train_size", train_size, minimum=0, maximum=n)
    order = np.random.default_rng(seed).permutation(n)
    train, test = order[:n_train], order[n_train:]
    return X[train], y[train], X[test], y[test]
