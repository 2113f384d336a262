"""Small generated data sets from the classic neural-network tutorials.

Each function returns ``(X, y)`` with ``X`` float32 of shape ``(N, features)`` and
``y`` int64 class indices of shape ``(N,)``; randomness comes only from
``numpy.random.default_rng(seed)``, so equal arguments give equal data.

Examples
--------
>>> X, y = spiral(n_per_class=50, n_classes=3, seed=0)
>>> X.shape, sorted(set(y.tolist()))
((150, 2), [0, 1, 2])
"""

from __future__ import annotations

import numpy as np

from ._validate import check_int, check_nonneg_float
from .split import train_test_split

__all__ = ["parity", "parity_split", "spiral", "xor"]

# 2**20 rows x 20 columns of float32 is 80 MB; beyond that it is surely a typo.
_MAX_PARITY_BITS = 20


def parity(n_bits: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Every ``n_bits``-bit vector, labelled 1 if it has an odd number of ones.

    Row ``i`` is the binary expansion of ``i``, most significant bit first. No
    randomness: all ``2**n_bits`` vectors are returned in order.

    Parameters
    ----------
    n_bits : int, default 10
        Vector length, 1 to 20.

    Returns
    -------
    X : numpy.ndarray
        ``float32`` of 0s and 1s, shape ``(2**n_bits, n_bits)``.
    y : numpy.ndarray
        ``int64`` parity (0 even, 1 odd), shape ``(2**n_bits,)``.

    Examples
    --------
    >>> X, y = parity(3)
    >>> X[5].tolist(), int(y[5])
    ([1.0, 0.0, 1.0], 0)
    """
    n_bits = check_int("n_bits", n_bits, minimum=1, maximum=_MAX_PARITY_BITS)
    numbers = np.arange(2**n_bits, dtype=np.int64)
    shifts = np.arange(n_bits - 1, -1, -1, dtype=np.int64)
    bits = (numbers[:, None] >> shifts) & 1
    return bits.astype(np.float32), (bits.sum(axis=1) % 2).astype(np.int64)


def parity_split(
    n_bits: int = 10, n_train: int = 700, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The parity data set randomly split into training and held-out vectors.

    The classic tutorial trains a 10-3-2 sigmoid network on 700 of the 1024
    10-bit numbers and tests it on the 324 it never saw.

    Parameters
    ----------
    n_bits : int, default 10
        Vector length.
    n_train : int, default 700
        How many vectors go to the training set (0 to ``2**n_bits``); the rest
        are the test set.
    seed : int or None, default 0
        Seed of the shuffle.

    Returns
    -------
    X_train, y_train, X_test, y_test : numpy.ndarray

    Examples
    --------
    >>> X_tr, y_tr, X_te, y_te = parity_split(10, 700, seed=0)
    >>> len(X_tr), len(X_te)
    (700, 324)
    """
    X, y = parity(n_bits)
    return train_test_split(X, y, n_train, seed=seed)


def spiral(
    n_per_class: int = 100, n_classes: int = 3, seed: int | None = 0, noise: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """The interleaved-spirals toy problem from Stanford's CS231n notes.

    Class ``j`` has radii ``linspace(0, 1)`` and angles
    ``linspace(4j, 4(j+1)) + noise * N(0, 1)``; a point is ``r * (sin t, cos t)``.
    Not linearly separable, so a linear classifier tops out around 50% on three
    classes while a small MLP reaches ~99%.

    Parameters
    ----------
    n_per_class : int, default 100
        Points per class.
    n_classes : int, default 3
        Number of spiral arms (classes).
    seed : int or None, default 0
        Seed of the angular noise.
    noise : float, default 0.2
        Standard deviation of the angular noise (radians).

    Returns
    -------
    X : numpy.ndarray
        ``float32``, shape ``(n_per_class * n_classes, 2)``, class-major order.
    y : numpy.ndarray
        ``int64`` labels ``0 .. n_classes - 1``.

    Examples
    --------
    >>> X, y = spiral(n_per_class=10, n_classes=2)
    >>> X.shape, y.tolist()[8:12]
    ((20, 2), [0, 0, 1, 1])
    """
    n = check_int("n_per_class", n_per_class, minimum=1)
    k = check_int("n_classes", n_classes, minimum=1)
    noise = check_nonneg_float("noise", noise)
    rng = np.random.default_rng(seed)
    X = np.empty((n * k, 2), dtype=np.float64)
    y = np.repeat(np.arange(k, dtype=np.int64), n)
    r = np.linspace(0.0, 1.0, n)
    for j in range(k):
        # One draw per class in class order, as in the tutorial's loop.
        t = np.linspace(j * 4.0, (j + 1) * 4.0, n) + rng.standard_normal(n) * noise
        X[j * n : (j + 1) * n] = np.column_stack([r * np.sin(t), r * np.cos(t)])
    return X.astype(np.float32), y


def xor(n: int = 4, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: corners of the unit square labelled by ``x0 XOR x1``.

    Point ``i`` sits at corner ``i % 4`` of ``(0,0), (0,1), (1,0), (1,1)``, so the
    defaults give the classic four points exactly, and larger ``n`` gives balanced
    classes. Gaussian ``noise`` jitters the points to make a cloud per corner.

    Parameters
    ----------
    n : int, default 4
        Number of points.
    noise : float, default 0.0
        Standard deviation of the Gaussian jitter added to each coordinate.
    seed : int or None, default 0
        Seed of the jitter.

    Returns
    -------
    X : numpy.ndarray
        ``float32``, shape ``(n, 2)``.
    y : numpy.ndarray
        ``int64`` labels, 1 where exactly one coordinate's corner is 1.

    Examples
    --------
    >>> X, y = xor()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    n = check_int("n", n, minimum=1)
    noise = check_nonneg_float("noise", noise)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.int64)[np.arange(n) % 4]
    y = corners[:, 0] ^ corners[:, 1]
    X = corners.astype(np.float64)
    if noise > 0:
        X += np.random.default_rng(seed).normal(0.0, noise, size=X.shape)
    return X.astype(np.float32), y
