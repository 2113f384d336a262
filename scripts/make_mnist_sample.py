"""Generate the MNIST subset bundled with autograd_mlp.

Selection is class-stratified and seeded: for each digit 0-9 in turn, draw
``--train-per-class`` training images and then (in a second pass over the digits)
``--test-per-class`` test images without replacement using
``numpy.random.default_rng(--seed)``, and keep them in their original file order.
The chosen indices into the original files are stored alongside the arrays.

The .npz is written with fixed zip timestamps, so re-running the script with the
same arguments reproduces the file byte for byte.

Usage::

    python scripts/make_mnist_sample.py --source /path/to/mnist
    # defaults: 600 train + 100 test images per digit, seed 0, output
    # autograd_mlp/data/_bundled/mnist_sample.npz

Examples
--------
>>> main(["--source", "path/to/mnist", "--out", "sample.npz"])  # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("autograd_mlp") is None:
    # Not installed: fall back to the checkout this script lives in.
    sys.path.insert(0, str(REPO))

from autograd_mlp.data import load_mnist  # noqa: E402
from autograd_mlp.data._atomic import atomic_write  # noqa: E402

DEFAULT_OUT = REPO / "autograd_mlp" / "data" / "_bundled" / "mnist_sample.npz"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # earliest zip date; any fixed value would do


def stratified_indices(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of ``per_class`` samples of each class, drawn without replacement.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> stratified_indices(np.array([0, 1, 0, 1, 0, 1]), 2, rng).size
    4
    """
    picks = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if members.size < per_class:
            raise ValueError(f"class {c} has only {members.size} samples, need {per_class}")
        picks.append(rng.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(picks))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write a compressed .npz (as np.savez_compressed does) with fixed timestamps."""
    with atomic_write(path) as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        required=True,
        type=Path,
        help="directory holding the 4 MNIST IDX files (gzipped or not)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output .npz (default: {DEFAULT_OUT.relative_to(REPO)})",
    )
    parser.add_argument("--train-per-class", type=int, default=600)
    parser.add_argument("--test-per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    mnist = load_mnist(args.source)
    rng = np.random.default_rng(args.seed)
    train_idx = stratified_indices(mnist.train_labels, args.train_per_class, rng)
    test_idx = stratified_indices(mnist.test_labels, args.test_per_class, rng)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_npz(
        args.out,
        {
            "train_images": mnist.train_images[train_idx],
            "train_labels": mnist.train_labels[train_idx],
            "test_images": mnist.test_images[test_idx],
            "test_labels": mnist.test_labels[test_idx],
            "train_indices": train_idx.astype(np.int32),
            "test_indices": test_idx.astype(np.int32),
            "seed": np.int64(args.seed),
        },
    )
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size:,} bytes): {train_idx.size} train + {test_idx.size} test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
