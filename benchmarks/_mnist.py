"""MNIST for the benchmarks: through ``autograd_mlp.data`` when it is there, else a
tiny gzip IDX reader, else synthetic data of the same shapes (timings do not
depend on pixel values much; the report says which one was used)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def default_dir() -> Path:
    """``$AUTOGRAD_MLP_DATA/mnist`` if set, else ``shared/data/mnist`` beside the repo."""
    env = os.environ.get("AUTOGRAD_MLP_DATA")
    if env:
        return Path(env) / "mnist" if (Path(env) / "mnist").is_dir() else Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def read_idx(path: Path) -> np.ndarray:
    """Read an unsigned-byte IDX file (gzipped or not)."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _find(directory: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (directory / name).is_file():
            return directory / name
    return None


def load(directory: Path | None) -> tuple[dict[str, np.ndarray], str]:
    """``{"train_x", "train_y", "test_x", "test_y"}`` as float32 rows in [0, 1] and
    int64 labels, and a description of where they came from."""
    directory = default_dir() if directory is None else Path(directory)
    paths = {key: _find(directory, stem) for key, stem in FILES.items()}
    if all(paths.values()):
        try:
            from autograd_mlp.data import load_mnist

            m = load_mnist(root=directory)
            raw = {k: getattr(m, k) for k in FILES}
            source = f"MNIST from {directory} (autograd_mlp.data.load_mnist)"
        except ImportError:
            raw = {k: read_idx(p) for k, p in paths.items()}  # type: ignore[arg-type]
            source = f"MNIST from {directory} (benchmarks/_mnist.py reader)"
        return {
            "train_x": raw["train_images"].reshape(len(raw["train_images"]), -1).astype(np.float32)
            / np.float32(255),
            "train_y": raw["train_labels"].astype(np.int64),
            "test_x": raw["test_images"].reshape(len(raw["test_images"]), -1).astype(np.float32)
            / np.float32(255),
            "test_y": raw["test_labels"].astype(np.int64),
        }, source
    rng = np.random.default_rng(0)
    return {
        "train_x": rng.random((60000, 784), dtype=np.float32),
        "train_y": rng.integers(0, 10, 60000),
        "test_x": rng.random((10000, 784), dtype=np.float32),
        "test_y": rng.integers(0, 10, 10000),
    }, f"SYNTHETIC data (no MNIST files in {directory}; pass --mnist-dir)"
