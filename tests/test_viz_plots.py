"""Tests of viz.plot_weights and viz.plot_samples (matplotlib: the ``plot`` extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import optional

from autograd_mlp import nn
from autograd_mlp.viz import plot_samples, plot_weights


@pytest.fixture(autouse=True)
def _matplotlib() -> None:
    optional("matplotlib", "plot")


def test_heat_map_shows_the_matrix_on_a_symmetric_scale() -> None:
    layer = nn.Linear(5, 3, rng=np.random.default_rng(0))
    fig = plot_weights(layer)
    image = fig.axes[0].images[0]
    np.testing.assert_allclose(image.get_array(), layer.weight.numpy(), rtol=1e-6)
    lo, hi = image.get_clim()
    assert lo == -hi == pytest.approx(-np.abs(layer.weight.numpy()).max())
    assert "Linear weights 3×5" in fig.axes[0].get_title()


def test_image_inputs_become_one_tile_per_unit() -> None:
    w = np.random.default_rng(0).standard_normal((12, 784))
    fig = plot_weights(w)
    tiles = [ax for ax in fig.axes if ax.images and ax.get_title().startswith("unit")]
    assert len(tiles) == 12
    np.testing.assert_allclose(tiles[7].images[0].get_array(), w[7].reshape(28, 28))
    fig = plot_weights(np.ones((2, 6)), image_shape=(2, 3))
    assert fig.axes[1].images[0].get_array().shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(5, 5\) has 25 pixels but the layer has 784"):
        plot_weights(w, image_shape=(5, 5))
    with pytest.raises(ValueError, match="2-D weight matrix"):
        plot_weights(np.ones((2, 2, 2)))


def test_samples_mark_wrong_predictions(tmp_path: Path) -> None:
    X = np.random.default_rng(0).random((30, 784))
    y = np.arange(30) % 10
    scores = np.eye(10)[y]
    scores[[3, 11]] = np.eye(10)[[9, 0]]
    fig = plot_samples(X, y, pred=scores, n=16, path=tmp_path / "s.png")
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 16
    assert titles[3] == "3 → 9 ✗" and titles[11] == "1 → 0 ✗" and titles[4] == "4"
    assert fig.axes[3].title.get_color() != fig.axes[4].title.get_color()
    np.testing.assert_allclose(fig.axes[5].images[0].get_array(), X[5].reshape(28, 28))
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["s.png"]  # no temporary left


def test_sample_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"shape \(28, 28\)"):
        plot_samples(np.ones((3, 10)), np.zeros(3))
    with pytest.raises(ValueError, match="3 rows but y has 2"):
        plot_samples(np.ones((3, 784)), np.zeros(2))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        plot_samples(np.ones((3, 784)), np.zeros(3), path=tmp_path / "no" / "s.png")


def test_plot_weights_saves_a_small_layer(tmp_path) -> None:
    """A few-unit heat map with its colour bar is written (the layout engine
    chosen after the colour bar divided by zero when drawing)."""
    optional("matplotlib", "plot")
    layer = nn.Linear(10, 3)
    path = tmp_path / "w.png"
    plot_weights(layer, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots_are_written_as_the_package_s_figures(tmp_path: Path) -> None:
    """viz figures go through plotting.save_figure: marked, so a rerun may replace them."""
    from autograd_mlp.plotting import is_package_figure

    path = tmp_path / "w.png"
    plot_weights(nn.Linear(10, 3), path=path)
    assert is_package_figure(path)
    plot_weights(nn.Linear(10, 3), path=path)  # replaces its own figure
    assert is_package_figure(path)
    assert [p.name for p in tmp_path.iterdir()] == ["w.png"]
