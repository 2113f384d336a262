"""Shared by the MNIST examples: where the data comes from, a tiny smoke mode, and
the options every training script takes.

Every example takes ``--data-dir DIR`` (the four MNIST IDX files). Without it,
the directory is ``$AUTOGRAD_MLP_DATA``, else ``../shared/data/mnist`` next to
this repository when that exists; failing both, the example runs on the MNIST
sample bundled in the package (6000 training, 1000 test images) and says so.
``--limit N`` keeps the first N training images and ``--smoke`` (for the tests)
runs a few seconds on the bundled sample.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from autograd_mlp.data import DatasetError, load_mnist, load_mnist_sample

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"


def default_data_dir() -> str | None:
    """``$AUTOGRAD_MLP_DATA``, else ``../shared/data/mnist`` if present, else None."""
    env = os.environ.get("AUTOGRAD_MLP_DATA")
    if env:
        return env
    return str(SHARED_MNIST) if SHARED_MNIST.is_dir() else None


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """``--data-dir``, ``--limit`` and ``--smoke``."""
    parser.add_argument(
        "--data-dir",
        default=default_data_dir(),
        help="directory with the MNIST IDX files (default: $AUTOGRAD_MLP_DATA, else "
        "../shared/data/mnist if present, else the bundled sample)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="train on the first N training images only"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few seconds' run on the bundled sample (1 epoch, 1000 images), for tests",
    )


def add_training_arguments(
    parser: argparse.ArgumentParser,
    *,
    epochs: int | str,
    lr: float | None = None,
    batch_size: int | None = None,
    lr_help: str = "SGD learning rate",
) -> None:
    """``--epochs`` and ``--seed``; ``--lr`` and ``--batch-size`` when given a default.

    ``--epochs`` stays None unless given, so that :func:`epochs` can choose 1
    for ``--smoke``; the ``epochs`` argument here is the default ``--help`` shows.
    """
    parser.add_argument("--epochs", type=int, default=None, help=f"epochs (default: {epochs})")
    if lr is not None:
        parser.add_argument("--lr", type=float, default=lr, help=f"{lr_help} (default: {lr})")
    if batch_size is not None:
        parser.add_argument(
            "--batch-size", type=int, default=batch_size, help=f"batch size (default: {batch_size})"
        )
    parser.add_argument("--seed", type=int, default=0, help="seed (default: 0)")


def load(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """``X_train, y_train, X_test, y_test, source``: float32 rows in [0, 1], int64 labels."""
    if args.smoke or args.data_dir is None:
        if not args.smoke:
            print(
                "note: no MNIST directory (--data-dir, $AUTOGRAD_MLP_DATA or "
                f"{SHARED_MNIST}); using the bundled 6000 + 1000 image sample, so "
                "accuracies are lower than on the full data set"
            )
        mnist, source = load_mnist_sample(), "the bundled MNIST sample"
    else:
        try:
            mnist = load_mnist(args.data_dir)
        except DatasetError as exc:
            raise SystemExit(
                f"error: {str(exc).splitlines()[0]} (--data-dir {args.data_dir})"
            ) from None
        source = f"MNIST from {args.data_dir}"
    X, y = mnist.as_arrays("train")
    X_test, y_test = mnist.as_arrays("test")
    return X, y, X_test, y_test, source


def limit(args: argparse.Namespace, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first ``--limit`` samples (1000 with ``--smoke``), or all of them."""
    n = args.limit if args.limit is not None else (1000 if args.smoke else None)
    return (X, y) if n is None else (X[:n], y[:n])


def epochs(args: argparse.Namespace, default: int) -> int:
    """``--epochs``, else 1 with ``--smoke``, else ``default``."""
    if args.epochs is not None:
        return args.epochs
    return 1 if args.smoke else default
