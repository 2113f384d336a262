"""``autograd-mlp predict``: the class and probabilities a saved model gives to inputs.

The model is rebuilt from any checkpoint of the package, as for ``evaluate``.
Inputs are arrays in a ``.npy``, ``.npz`` (its first array, or ``--key``) or IDX
file (gzipped or not; e.g. MNIST's ``t10k-images-idx3-ubyte.gz``), one sample
per row (images are flattened), or PNG images (converted to grey, scaled to
the model's square input size, pixel values to [0, 1]; a light background is
inverted to MNIST's white-on-black). Every file is checked before it is read:
declared sizes against the file's length, numeric dtypes only, no pickle.

Examples
--------
::

    autograd-mlp predict run.npz digit.png
    autograd-mlp predict run.npz t10k-images-idx3-ubyte.gz --limit 5 --top 3
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from ._common import error, one_line_errors, positive_int
from ._models import describe_model, input_width, load_model, predictions


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``predict`` subcommand."""
    parser = subparsers.add_parser(
        "predict",
        help="print the class and probabilities a saved model gives to inputs",
        description="Rebuild the model of a checkpoint and classify the samples of "
        "IDX/.npy/.npz files or PNG images.",
    )
    one_line_errors(parser)
    parser.add_argument("checkpoint", metavar="CKPT.npz", help="the checkpoint file")
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="IDX, .npy or .npz files (one sample per row) or .png images",
    )
    parser.add_argument("--key", default=None, help="the array of an .npz file (default: first)")
    parser.add_argument(
        "--top",
        type=positive_int,
        default=3,
        metavar="K",
        help="show the K most probable classes (default: 3)",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=None,
        metavar="N",
        help="classify only the first N samples of each file (default: all)",
    )
    parser.set_defaults(run=run)


def _npy(path: Path) -> np.ndarray:
    from ..nn.serialization import SerializationError, read_npy

    try:
        with open(path, "rb") as f:
            return read_npy(f, path.stat().st_size, path.name, str(path))
    except SerializationError as exc:
        error(str(exc))


def _npz(path: Path, key: str | None) -> np.ndarray:
    import zipfile

    from ..nn.serialization import SerializationError, _read_npy

    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.endswith(".npy")]
            if key is not None:
                infos = [i for i in infos if i.filename == key + ".npy"]
            if not infos:
                error(f"{path} has no array {key!r}" if key else f"{path} holds no arrays")
            return _read_npy(zf, infos[0], path.stat().st_size, str(path))
    except (SerializationError, zipfile.BadZipFile) as exc:
        error(f"{path}: {exc}")


def _png(path: Path, width: int) -> np.ndarray:
    side = math.isqrt(width)
    if side * side != width:
        error(f"{path}: the model takes {width} inputs, not a square image")
    try:
        from PIL import Image
    except ImportError:
        error("reading PNG images needs Pillow (pip install pillow)")
    try:
        with Image.open(path) as im:
            if im.width * im.height > 64_000_000:
                error(f"{path}: image of {im.width}x{im.height} pixels is too large")
            grey = im.convert("L").resize((side, side))
    except OSError as exc:
        error(f"{path}: not a readable image ({exc})")
    pixels = np.asarray(grey, dtype=np.float32) / 255.0
    if pixels.mean() > 0.5:  # dark digit on a light background: invert to MNIST's look
        pixels = 1.0 - pixels
    return pixels.reshape(1, width)


def _samples(path: Path, width: int, key: str | None) -> np.ndarray:
    if not path.is_file():
        error(f"no input file {path}")
    if path.suffix.lower() == ".png":
        return _png(path, width)
    if path.suffix.lower() == ".npy":
        X = _npy(path)
    elif path.suffix.lower() == ".npz":
        X = _npz(path, key)
    else:
        from ..data import IDXError, read_idx

        try:
            X = read_idx(path)
        except IDXError as exc:
            error(str(exc))
    X = np.asarray(X)
    if X.ndim == 0 or X.size == 0:
        error(f"{path}: holds no samples (shape {X.shape})")
    if X.dtype == np.uint8:
        X = X.astype(np.float32) / 255.0
    X = X.reshape(len(X), -1) if X.ndim > 1 else X.reshape(1, -1)
    if X.shape[1] != width:
        error(f"{path}: samples have {X.shape[1]} values but the model takes {width}")
    if not np.isfinite(X).all():
        error(f"{path}: the input holds NaN or infinite values")
    return X.astype(np.float32)


def _probabilities(scores: np.ndarray) -> np.ndarray:
    if scores.shape[1] == 1:  # one logit: P(class 1)
        p1 = 1.0 / (1.0 + np.exp(-scores[:, 0]))
        return np.stack([1.0 - p1, p1], axis=1)
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def run(args: argparse.Namespace) -> int:
    """Run ``predict``."""
    model, _ = load_model(args.checkpoint)
    width = input_width(model)
    if width is None:
        error(f"{args.checkpoint}: its model has no weight matrix to read the input width from")
    print(f"{args.checkpoint}: {describe_model(model)}")
    for name in args.inputs:
        X = _samples(Path(name), width, args.key)[: args.limit]
        probs = _probabilities(predictions(model, X))
        for i, row in enumerate(probs):
            order = np.argsort(-row, kind="stable")[: args.top]
            where = name if len(probs) == 1 else f"{name}[{i}]"
            best = ", ".join(f"{c}: {row[c]:.3f}" for c in order)
            print(f"{where}: class {order[0]}  (probabilities {best})")
    return 0
