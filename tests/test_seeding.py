"""``ag.manual_seed`` seeds everything random in the package (API.md, Conventions)."""

from __future__ import annotations

import numpy as np

import autograd_mlp as ag
from autograd_mlp import functional as F
from autograd_mlp import nn
from autograd_mlp.data import DataLoader


def _draw() -> list[np.ndarray]:
    """One of everything random: creation, initialisation, dropout, shuffling."""
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    order = np.concatenate([yb for _, yb in DataLoader(X, y, batch_size=3, shuffle=True)])
    layer = nn.Linear(3, 2)
    mask = F.dropout(ag.ones(50), p=0.5).numpy()
    return [ag.rand(3).numpy(), ag.randn(2).numpy(), layer.weight.numpy().copy(), mask, order]


def test_manual_seed_makes_every_random_draw_repeat() -> None:
    ag.manual_seed(123)
    first = _draw()
    ag.manual_seed(123)
    second = _draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_unseeded_dataloaders_differ_from_each_other() -> None:
    ag.manual_seed(5)
    X, y = np.zeros((64, 1)), np.arange(64)
    one = np.concatenate([yb for _, yb in DataLoader(X, y, batch_size=8, shuffle=True)])
    two = np.concatenate([yb for _, yb in DataLoader(X, y, batch_size=8, shuffle=True)])
    assert not np.array_equal(one, two)
