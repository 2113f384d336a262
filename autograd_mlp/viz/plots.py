"""Weights and data you can look at: matplotlib figures (the ``plot`` extra).

- :func:`plot_weights`: a weight matrix as a heat map or, when a layer's inputs
  are images (784 = 28×28), each unit's incoming weights as a small image;
- :func:`plot_samples`: a grid of input images with their labels and, given
  predictions, the wrong ones marked in red.

Figures are made with ``matplotlib.figure.Figure`` (no pyplot, no global backend
change, works without a display) and written atomically when ``path`` is given.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from ..plotting import _figure_class, save_figure

#: Units drawn at most by :func:`plot_weights` in tile mode.
MAX_TILES = 100


def _weights(layer_or_array: Any) -> tuple[np.ndarray, str]:
    """The ``(out, in)`` weight matrix of a layer, Tensor or array, and a name for it."""
    w = getattr(layer_or_array, "weight", layer_or_array)
    data = getattr(w, "data", w)
    try:
        a = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        # e.g. a whole model: name the call and the object, not numpy's float()
        raise TypeError(
            "plot_weights: expected a layer with a .weight (e.g. model.layers[0]) or a "
            f"2-D weight matrix, got {type(layer_or_array).__name__}"
        ) from None
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(
            f"plot_weights: expected a Linear layer or a 2-D weight matrix, got shape {a.shape}"
        )
    name = type(layer_or_array).__name__ if hasattr(layer_or_array, "weight") else "weights"
    return a, name


def _image_shape(n_in: int, image_shape: tuple[int, int] | None) -> tuple[int, int] | None:
    if image_shape is None:
        side = math.isqrt(n_in)
        return (side, side) if side * side == n_in and n_in >= 64 else None
    h, w = image_shape
    if h * w != n_in:
        raise ValueError(
            f"plot_weights: image_shape {tuple(image_shape)} has {h * w} pixels but the "
            f"layer has {n_in} inputs"
        )
    return int(h), int(w)


def _save(fig: Any, path: str | os.PathLike[str] | None) -> None:
    if path is not None:
        save_figure(fig, path)  # the package's one figure writer (atomic, marked)


def plot_weights(
    layer_or_array: Any,
    image_shape: tuple[int, int] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Any:
    """Draw a weight matrix: a heat map, or one image per unit for image inputs.

    Parameters
    ----------
    layer_or_array : nn.Linear, Tensor or array_like
        A layer (its ``weight``, shape ``(out, in)``) or the matrix itself.
    image_shape : (int, int), optional
        Draw each unit's ``in`` weights as an image of this shape. By default
        square inputs of at least 64 pixels (784 = 28×28) are drawn as images.
    path : str or PathLike, optional
        Also write the figure there (atomically; format from the suffix).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_weights(np.arange(6.0).reshape(2, 3))
    >>> len(fig.axes)   # the heat map and its colour bar
    2
    >>> len(plot_weights(np.ones((5, 784))).axes)   # five 28x28 tiles and a colour bar
    6
    """
    Figure = _figure_class()  # noqa: N806 - a class
    w, name = _weights(layer_or_array)
    shape = _image_shape(w.shape[1], image_shape)
    limit = float(np.abs(w).max()) or 1.0  # one symmetric scale: white is zero
    if shape is None:
        # The layout engine is chosen here, not after the colour bar exists:
        # switching to "constrained" afterwards divides by zero when drawing.
        fig = Figure(
            figsize=(min(12, 3 + w.shape[1] / 4), min(10, 2 + w.shape[0] / 4)),
            layout="constrained",
        )
        ax = fig.subplots()
        im = ax.imshow(w, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_xlabel("input")
        ax.set_ylabel("unit")
        for axis in (ax.xaxis, ax.yaxis):  # units and inputs are whole numbers
            axis.get_major_locator().set_params(integer=True)
        ax.set_title(f"{name} weights {w.shape[0]}×{w.shape[1]}")
        fig.colorbar(im, ax=ax)
        _save(fig, path)
        return fig
    n = min(w.shape[0], MAX_TILES)
    cols = min(n, 8)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(1.2 * cols + 1, 1.25 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).reshape(-1)
    im = None
    for i, ax in enumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.set_axis_off()
            continue
        im = ax.imshow(w[i].reshape(shape), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"unit {i}", fontsize=8)
    for ax in axes[n:]:
        fig.delaxes(ax)
    more = f" (first {n} of {w.shape[0]})" if n < w.shape[0] else ""
    fig.suptitle(f"{name} weights of each unit as a {shape[0]}×{shape[1]} image{more}")
    fig.colorbar(im, ax=list(axes[:n]), shrink=0.8)
    _save(fig, path)
    return fig


def plot_samples(
    X: Any,
    y: Any,
    pred: Any = None,
    image_shape: tuple[int, int] = (28, 28),
    n: int = 25,
    path: str | os.PathLike[str] | None = None,
) -> Any:
    """Draw the first ``n`` images with their labels, and predictions if given.

    Parameters
    ----------
    X : array_like, shape (N, H*W) or (N, H, W)
        Images, one per row.
    y : array_like, shape (N,)
        Their labels.
    pred : array_like, shape (N,) or (N, classes), optional
        Predicted classes, or scores whose argmax is the prediction. Wrong
        predictions get a red frame and title.
    image_shape : (int, int)
        Shape of one image.
    n : int
        How many images to draw (a square-ish grid).
    path : str or PathLike, optional
        Also write the figure there (atomically).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((4, 784)); y = np.array([0, 1, 2, 3])
    >>> fig = plot_samples(X, y, pred=np.array([0, 1, 5, 3]), n=4)
    >>> [ax.get_title() for ax in fig.axes]
    ['0', '1', '2 → 5 ✗', '3']
    """
    Figure = _figure_class()  # noqa: N806 - a class
    X = np.asarray(getattr(X, "data", X))
    y = np.asarray(getattr(y, "data", y)).reshape(-1)
    h, w = image_shape
    if X.ndim < 2 or X[0].size != h * w:
        raise ValueError(
            f"plot_samples: each row of X must hold an image of shape {tuple(image_shape)} "
            f"({h * w} values), got X of shape {X.shape}"
        )
    if len(y) != len(X):
        raise ValueError(f"plot_samples: X has {len(X)} rows but y has {len(y)} labels")
    if n < 1:
        raise ValueError(f"plot_samples: n must be positive, got {n}")
    p = None
    if pred is not None:
        p = np.asarray(getattr(pred, "data", pred))
        p = p.argmax(axis=1) if p.ndim == 2 else p.reshape(-1)
        if len(p) != len(X):
            raise ValueError(f"plot_samples: X has {len(X)} rows but pred has {len(p)}")
    n = min(n, len(X))
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(1.3 * cols, 1.45 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).reshape(-1)
    for i, ax in enumerate(axes):
        if i >= n:
            fig.delaxes(ax)
            continue
        ax.imshow(X[i].reshape(h, w), cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        title, color = f"{y[i]}", "black"
        if p is not None and p[i] != y[i]:
            title, color = f"{y[i]} → {p[i]} ✗", "#c00000"
            for spine in ax.spines.values():
                spine.set_color(color)
                spine.set_linewidth(2.5)
        ax.set_title(title, fontsize=9, color=color)
    _save(fig, path)
    return fig


__all__ = ["plot_samples", "plot_weights"]
