"""Example 06's gradient clipping is a fit callback that really clips."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import nn, optim
from autograd_mlp.train import fit

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    spec = importlib.util.spec_from_file_location("example_06", EXAMPLES / "06_best_mnist_mlp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_clip_callback_bounds_the_gradient_norm_seen_by_the_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ex = _example(monkeypatch)
    ag.manual_seed(0)
    model = nn.MLP([4, 16, 3])
    opt = optim.SGD(model.parameters(), lr=0.1)
    norms: list[float] = []
    step = opt.step

    def spying_step(closure=None):  # type: ignore[no-untyped-def]
        norms.append(float(np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in model.parameters()))))
        return step(closure)

    monkeypatch.setattr(opt, "step", spying_step)
    X = np.random.default_rng(0).normal(size=(64, 4)) * 100  # large inputs: large gradients
    y = np.arange(64) % 3
    fit(
        model,
        opt,
        (X, y),
        epochs=1,
        batch_size=16,
        seed=0,
        progress=False,
        callbacks=[ex.ClipGradNorm(0.5)],
    )
    assert len(norms) == 4 and max(norms) <= 0.5 * (1 + 1e-5)
