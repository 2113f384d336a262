"""The datasets the commands train and evaluate on, by their command-line names.

User errors (missing MNIST files, a failed download, a bad file) become one-line
:class:`CLIError` s; a failed download lists every mirror's error.

Examples
--------
>>> load_dataset("xor").n_features
2
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._common import error as _error

DATASETS = ("mnist-sample", "mnist", "parity", "spiral", "xor")

__all__ = ["DATASETS", "Data", "load_dataset"]


@dataclass
class Data:
    """A dataset ready for training: arrays and a description."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    what: str  # "images", "numbers", "points"

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])


def _mnist_dirs(data_dir: str | None) -> tuple[Path, str, list[Path]]:
    """Where ``load_mnist`` looked: its base directory, where that choice came
    from (in the command line's words), and every directory it searched."""
    # data.mnist is the one place that decides this; asked, not repeated here.
    from ..data.mnist import _candidates, _resolve_base

    base, origin = _resolve_base(data_dir)
    searched = _candidates(base, origin)
    return base, "--data-dir" if data_dir is not None else origin, searched


def load_dataset(name: str, data_dir: str | None = None, download: bool = False) -> Data:
    """Load a dataset by its command-line name; user errors become one-line CLIErrors."""
    from .. import data as D

    if name not in DATASETS:
        _error(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name != "mnist" and (data_dir is not None or download):
        flag = "--data-dir" if data_dir is not None else "--download"
        _error(f"{flag} applies to --dataset mnist only (the dataset is {name})")
    if name in ("mnist-sample", "mnist"):
        try:
            if name == "mnist-sample":
                mnist = D.load_mnist_sample()
            else:
                mnist = D.load_mnist(data_dir, download=download, progress=sys.stderr.isatty())
        except D.DownloadError as exc:
            # Every mirror's failure, on the one line.
            lines = str(exc).splitlines()
            tried = "; ".join(line[4:] for line in lines if line.startswith("  - "))
            _error(
                f"could not download MNIST into {_mnist_dirs(data_dir)[0]}: "
                f"{str(exc).splitlines()[0]}: {tried} (check the network, or use "
                "--dataset mnist-sample)"
            )
        except D.DatasetNotFoundError as exc:
            if name == "mnist-sample":
                _error(str(exc).splitlines()[0])
            directory, origin, searched = _mnist_dirs(data_dir)
            if directory.exists() and not directory.is_dir():
                _error(f"MNIST data directory {directory} is a file, not a directory")
            _error(
                f"MNIST files not found in {' or '.join(map(str, searched))} (from {origin}): "
                "it needs train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may end in .gz); "
                f"pass --data-dir DIR, set {D.ENV_VAR}=DIR, or add --download"
            )
        except D.DatasetError as exc:
            _error(" ".join(str(exc).split()))
        X, y = mnist.as_arrays("train")
        X_test, y_test = mnist.as_arrays("test")
        return Data(name, X, y, X_test, y_test, 10, "images")
    if name == "parity":
        X, y, X_test, y_test = D.parity_split(10, 700, seed=0)
        return Data(name, X, y, X_test, y_test, 2, "numbers")
    if name == "spiral":
        X, y = D.spiral(n_per_class=100, n_classes=3, seed=0)
        X_test, y_test = D.spiral(n_per_class=100, n_classes=3, seed=1)
        return Data(name, X, y, X_test, y_test, 3, "points")
    X, y = D.xor(n=200, noise=0.1, seed=0)
    X_test, y_test = D.xor(n=200, noise=0.1, seed=1)
    return Data(name, X, y, X_test, y_test, 2, "points")
