"""MNIST for the benchmarks, through ``autograd_mlp.data``; synthetic data of the
same shapes when the files are absent (timings barely depend on pixel values;
the report says which was used)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from autograd_mlp.data import DatasetNotFoundError, load_mnist


def default_dir() -> Path:
    """``$AUTOGRAD_MLP_DATA`` if set, else ``shared/data/mnist`` beside the repo."""
    env = os.environ.get("AUTOGRAD_MLP_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def load(directory: Path | None) -> tuple[dict[str, np.ndarray], str]:
    """``{"train_x", "train_y", "test_x", "test_y"}`` as float32 rows in [0, 1] and
    int64 labels, and a description of where they came from."""
    directory = default_dir() if directory is None else Path(directory)
    try:
        mnist = load_mnist(root=directory)
    except DatasetNotFoundError:
        rng = np.random.default_rng(0)
        return {
            "train_x": rng.random((60000, 784), dtype=np.float32),
            "train_y": rng.integers(0, 10, 60000),
            "test_x": rng.random((10000, 784), dtype=np.float32),
            "test_y": rng.integers(0, 10, 10000),
        }, f"SYNTHETIC data (no MNIST files in {directory}; pass --mnist-dir)"
    train_x, train_y = mnist.as_arrays("train")
    test_x, test_y = mnist.as_arrays("test")
    data = {"train_x": train_x, "train_y": train_y, "test_x": test_x, "test_y": test_y}
    return data, f"MNIST from {directory} (autograd_mlp.data.load_mnist)"
