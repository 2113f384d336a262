"""Figures of a run, drawn with matplotlib (optional extra ``plot``): loss and accuracy
curves, and a confusion matrix.

Figures are written by the package's one writer (atomically; an existing file is
replaced only if it is one of the package's figures, marked in its metadata, or
with ``overwrite=True``).

matplotlib is imported only when a figure is drawn, and through its object-oriented
API (``matplotlib.figure.Figure``), so this module never changes the global backend
and works without a display.

Examples
--------
>>> from autograd_mlp.train import History
>>> h = History()
>>> h.append(epoch=1, train_loss=0.9, train_acc=0.7, val_loss=0.8, val_acc=0.75, lr=0.1)
>>> h.append(epoch=2, train_loss=0.5, train_acc=0.85, val_loss=0.6, val_acc=0.8, lr=0.1)
>>> plot_history(h, "curves.png", val_label="test")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .data._atomic import atomic_write

__all__ = [
    "MatplotlibMissingError",
    "is_package_figure",
    "plot_confusion",
    "plot_history",
    "save_figure",
]

_MARK = "autograd_mlp"

INSTALL_HINT = "pip install matplotlib  (or, in a checkout: pip install -e '.[plot]')"


class MatplotlibMissingError(ImportError):
    """matplotlib, needed to draw curves, is not installed.

    Examples
    --------
    >>> from autograd_mlp.plotting import MatplotlibMissingError
    >>> issubclass(MatplotlibMissingError, ImportError)  # ``except ImportError`` catches it
    True
    """


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MatplotlibMissingError(
            f"plotting needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None
    return Figure


def check_available() -> None:
    """Raise :class:`MatplotlibMissingError` now if matplotlib cannot be imported.

    Lets a command fail before a long training run rather than after it.
    """
    _figure_class()


def _column(history: Any, key: str) -> list[Any]:
    if isinstance(history, Mapping):
        return list(history.get(key) or [])
    return list(history[key])


def is_package_figure(path: Path) -> bool:
    """Whether ``path`` is a PNG or SVG figure this package drew (so it may be replaced).

    Examples
    --------
    >>> is_package_figure(Path("/nonexistent.png"))
    False
    """
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 14)
    except OSError:
        return False
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return b"Software\x00" + _MARK.encode() in head  # a tEXt chunk
    return b"<svg" in head and f"Software: {_MARK}".encode() in head


def save_figure(fig: Any, path: str | os.PathLike[str], overwrite: bool = True) -> None:
    """Write a matplotlib figure through the package's one writer (format from the suffix).

    Marked as the package's (PNG/SVG metadata), so a later run may replace it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> from matplotlib.figure import Figure  # doctest: +SKIP
    >>> fig = Figure(); _ = fig.subplots().plot([0, 1], [1, 0])  # doctest: +SKIP
    >>> save_figure(fig, out / "line.png")  # doctest: +SKIP
    >>> is_package_figure(out / "line.png")  # doctest: +SKIP
    True
    """
    _save(fig, path, overwrite)


def _save(fig: Any, path: str | os.PathLike[str], overwrite: bool) -> None:
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    metadata = {"Software": _MARK} if fmt in ("png", "svg") else None
    if fmt == "svg":
        metadata = {"Description": f"Software: {_MARK}"}
    # Into a file object: matplotlib then neither adds a suffix to the name nor
    # guesses the format, so both are said here.
    with atomic_write(path, overwrite=overwrite, ours=is_package_figure) as f:
        fig.savefig(f, format=fmt, dpi=100, metadata=metadata)


def _smooth(values: Sequence[float], weight: float = 0.9) -> list[float]:
    """Exponential moving average with bias correction (TensorBoard's smoothing)."""
    out, avg = [], 0.0
    for i, v in enumerate(values, start=1):
        avg = weight * avg + (1 - weight) * v
        out.append(avg / (1 - weight**i))
    return out


def plot_history(
    history: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    val_label: str = "val",
    step_losses: Sequence[float] | None = None,
    step_positions: Sequence[float] | None = None,
    overwrite: bool = True,
) -> None:
    """Draw the loss (per step, smoothed, when ``step_losses`` are given; else per
    epoch) and the accuracy per epoch side by side, and save the figure.

    Parameters
    ----------
    history : History or dict
        A :class:`autograd_mlp.train.History` or its ``to_dict()``: the lists
        ``epoch``, ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``.
        ``None`` entries (no validation data, no accuracy) are left out.
    path : str or PathLike
        Where to write the figure, atomically; the format follows the extension
        (``.png``, ``.svg``, ``.pdf``; PNG when there is none).
    title : str, optional
        Drawn above both panels.
    val_label : str, default "val"
        What to call the held-out curves in the legend (e.g. ``"test"``).
    step_losses : sequence of float, optional
        The loss of every step (e.g. :class:`autograd_mlp.train.StepLog`'s).
    step_positions : sequence of float, optional
        Where each step falls, in epochs (``StepLog.positions``); by default the
        steps are spread evenly over the epochs of ``history``.
    overwrite : bool, default True
        Replace an existing file that is not one of the package's figures.

    Raises
    ------
    MatplotlibMissingError
        If matplotlib is not installed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> history = {"epoch": [1, 2], "train_loss": [0.9, 0.5], "val_loss": [1.0, 0.7],
    ...            "train_acc": [0.6, 0.8], "val_acc": [0.5, 0.7]}
    >>> plot_history(history, out / "curves.png", title="xor")  # doctest: +SKIP
    >>> (out / "curves.png").exists()  # doctest: +SKIP
    True
    """
    Figure = _figure_class()  # noqa: N806 - a class
    epochs = _column(history, "epoch")
    fig = Figure(figsize=(10, 4), layout="constrained")
    loss_ax, acc_ax = fig.subplots(1, 2)
    if step_losses:
        per_epoch = len(step_losses) / max(len(epochs), 1)
        first = (epochs[0] - 1) if epochs else 0
        xs = (
            list(step_positions)
            if step_positions is not None
            else [first + (i + 1) / per_epoch for i in range(len(step_losses))]
        )
        loss_ax.plot(xs, list(step_losses), color="C0", alpha=0.25, linewidth=0.8)
        loss_ax.plot(xs, _smooth(step_losses), color="C0", label="train (per step, smoothed)")
    for ax, key, scale in ((loss_ax, "loss", 1.0), (acc_ax, "acc", 100.0)):
        for prefix, label, style in (("train", "train", "-o"), ("val", val_label, "-s")):
            if step_losses and key == "loss" and prefix == "train":
                continue
            values = _column(history, f"{prefix}_{key}")
            points = [(e, v * scale) for e, v in zip(epochs, values) if v is not None]
            if points:
                px, py = zip(*points)
                ax.plot(px, py, style, markersize=3, label=label)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
    loss_ax.set_ylabel("loss")
    acc_ax.set_ylabel("accuracy (%)")
    loss_ax.set_title("loss")
    acc_ax.set_title("accuracy per epoch")
    if title:
        fig.suptitle(title)
    _save(fig, path, overwrite)


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int) -> Any:
    """Counts ``m[i, j]`` of samples of class ``i`` predicted as ``j``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 0, 1], 2).tolist()
    [[1, 0], [1, 1]]
    """
    import numpy as np

    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return m


def plot_confusion(
    matrix: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    overwrite: bool = True,
) -> None:
    """Draw a confusion matrix (rows: true class, columns: predicted) with counts.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> m = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    >>> m.tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    >>> plot_confusion(m, out / "confusion.svg")  # doctest: +SKIP
    """
    Figure = _figure_class()  # noqa: N806 - a class
    n = len(matrix)
    fig = Figure(figsize=(1.2 + 0.55 * n, 1.0 + 0.5 * n), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax)
    high = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                str(int(matrix[i, j])),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if matrix[i, j] > high else "black",
            )
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title or "confusion matrix")
    _save(fig, path, overwrite)
