"""Data sets and batching for autograd_mlp, in plain numpy.

- :func:`load_mnist` / :func:`load_mnist_sample`: MNIST from IDX files, or the
  bundled 6000 + 1000 image subset.
- :func:`read_idx` / :func:`write_idx`: the IDX file format.
- :func:`parity`, :func:`parity_split`, :func:`spiral`, :func:`xor`: toy problems.
- :func:`train_test_split`, :class:`DataLoader`: splitting and mini-batching.

Examples
--------
>>> from autograd_mlp.data import DataLoader, spiral
>>> X, y = spiral(seed=0)
>>> xb, yb = next(iter(DataLoader(X, y, batch_size=16, shuffle=True, seed=0)))
>>> xb.shape, yb.dtype
((16, 2), dtype('int64'))
"""

from .errors import DatasetError, DatasetNotFoundError, DownloadError, IDXError
from .idx import read_idx, write_idx
from .loader import DataLoader
from .mnist import (
    ENV_VAR,
    MIRRORS,
    MNIST,
    MNIST_FILES,
    default_data_dir,
    load_mnist,
    load_mnist_sample,
)
from .split import train_test_split
from .synthetic import parity, parity_split, spiral, xor

__all__ = [
    "ENV_VAR",
    "MIRRORS",
    "MNIST",
    "MNIST_FILES",
    "DataLoader",
    "DatasetError",
    "DatasetNotFoundError",
    "DownloadError",
    "IDXError",
    "default_data_dir",
    "load_mnist",
    "load_mnist_sample",
    "parity",
    "parity_split",
    "read_idx",
    "spiral",
    "train_test_split",
    "write_idx",
    "xor",
]
