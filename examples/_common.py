"""Shared by the examples: where MNIST comes from, a tiny smoke mode, the options
every training script takes, and one BLAS thread.

Every MNIST example takes ``--data-dir DIR`` (the four MNIST IDX files). Without
it, the files are looked for where :func:`autograd_mlp.data.load_mnist` looks:
``$AUTOGRAD_MLP_DATA``, else the download cache (``~/.cache/autograd_mlp/mnist``);
failing both, the example runs on the MNIST sample bundled in the package (6000
training, 1000 test images) and says how to get the full set. ``--limit N``
keeps the first N training images and ``--smoke`` (for the tests) runs a few
seconds on the bundled sample.

Scripts hold BLAS to one thread, as the ``autograd-mlp`` command does, so the
times they print are those of the work and not of threads waiting for a core
(see :func:`one_blas_thread`).
"""

from __future__ import annotations

import argparse
import functools
import os
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from autograd_mlp.data import (
    ENV_VAR,
    MNIST,
    DatasetError,
    DatasetNotFoundError,
    default_data_dir,
    load_mnist,
    load_mnist_sample,
)

#: How to get the full data set, for the messages (the download is verified).
GET_MNIST = (
    'python -c "from autograd_mlp.data import load_mnist; load_mnist(download=True)" '
    "(downloads the 4 files, 11 MB, into the cache)"
)

F = TypeVar("F", bound=Callable[..., object])


def one_blas_thread(main: F) -> F:
    """Run ``main`` with the BLAS threads the ``autograd-mlp`` command would use.

    That is one thread unless ``$AUTOGRAD_MLP_BLAS_THREADS`` (a number, or
    ``default``) or a BLAS library's own variable (``OPENBLAS_NUM_THREADS``, ...)
    says otherwise; see :func:`autograd_mlp.cli.blas_threads`. The previous
    setting is restored afterwards. Without threadpoolctl BLAS keeps its default.
    """
    from autograd_mlp.cli import blas_threads

    @functools.wraps(main)
    def wrapper(*args: object, **kwargs: object) -> object:
        threads = blas_threads(None)
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            threads = None
        if threads is None:
            return main(*args, **kwargs)
        with threadpool_limits(limits=threads, user_api="blas"):
            return main(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """``--data-dir``, ``--limit`` and ``--smoke``."""
    parser.add_argument(
        "--data-dir",
        default=None,
        help=f"directory with the MNIST IDX files (default: ${ENV_VAR}, else the download "
        "cache, else the bundled sample)",
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
    """``X_train, y_train, X_test, y_test, source``: float32 rows in [0, 1], int64 labels.

    A directory the user named (``--data-dir`` or ``$AUTOGRAD_MLP_DATA``) must hold
    the files; only an empty download cache falls back to the bundled sample.
    """
    chosen = args.data_dir or os.environ.get(ENV_VAR) or None
    if args.smoke:
        return _arrays(load_mnist_sample(), "the bundled MNIST sample")
    try:
        # root=None with $AUTOGRAD_MLP_DATA unset is the download cache.
        mnist = load_mnist(chosen)
    except DatasetError as exc:
        if chosen is None and isinstance(exc, DatasetNotFoundError):
            print(
                f"note: no MNIST files (--data-dir DIR, ${ENV_VAR}=DIR, or the download "
                f"cache {default_data_dir()}); using the bundled 6000 + 1000 image sample, "
                f"so accuracies are lower than on the full data set. To get it: {GET_MNIST}"
            )
            return _arrays(load_mnist_sample(), "the bundled MNIST sample")
        flag = "--data-dir" if args.data_dir else f"${ENV_VAR}"
        where = f" ({flag} {chosen})" if chosen else ""
        raise SystemExit(f"error: {str(exc).splitlines()[0]}{where}") from None
    return _arrays(mnist, f"MNIST from {chosen or default_data_dir()}")


def _arrays(
    mnist: MNIST, source: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
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
