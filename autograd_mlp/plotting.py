"""Loss and accuracy curves of a training run, drawn with matplotlib (optional extra ``plot``).

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .data._atomic import atomic_write

__all__ = ["MatplotlibMissingError", "plot_history"]

INSTALL_HINT = "pip install matplotlib  (or, in a checkout: pip install -e '.[plot]')"


class MatplotlibMissingError(ImportError):
    """matplotlib, needed to draw curves, is not installed."""


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


def plot_history(
    history: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    val_label: str = "val",
) -> None:
    """Draw the loss and the accuracy per epoch side by side and save the figure.

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

    Raises
    ------
    MatplotlibMissingError
        If matplotlib is not installed.
    """
    Figure = _figure_class()  # noqa: N806 - a class
    epochs = _column(history, "epoch")
    fig = Figure(figsize=(10, 4), layout="constrained")
    loss_ax, acc_ax = fig.subplots(1, 2)
    for ax, key, ylabel, scale in (
        (loss_ax, "loss", "loss", 1.0),
        (acc_ax, "acc", "accuracy (%)", 100.0),
    ):
        for prefix, label, style in (("train", "train", "-o"), ("val", val_label, "-s")):
            values = _column(history, f"{prefix}_{key}")
            points = [(e, v * scale) for e, v in zip(epochs, values) if v is not None]
            if points:
                xs, ys = zip(*points)
                ax.plot(xs, ys, style, markersize=3, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend()
    loss_ax.set_title("loss")
    acc_ax.set_title("accuracy")
    if title:
        fig.suptitle(title)
    path = Path(path)
    # Into a file object: matplotlib then neither adds a suffix to the name nor
    # guesses the format, so both are said here.
    with atomic_write(path) as f:
        fig.savefig(f, format=path.suffix.lstrip(".").lower() or "png", dpi=100)
