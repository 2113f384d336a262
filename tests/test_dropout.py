"""nn.Dropout is F.dropout with the module's training flag: one implementation.

Checked against the statistics inverted dropout must have (zero fraction p,
mean preserved, survivors scaled by 1/(1-p)), eval identity, seeded
reproducibility via ag.manual_seed, and the gradient (the same mask, scaled).
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import functional as F
from autograd_mlp import nn


def test_the_module_calls_the_functional_form(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[float, bool]] = []
    real = F.dropout

    def spy(x: object, p: float = 0.5, training: bool = True) -> ag.Tensor:
        calls.append((p, training))
        return real(x, p, training)

    monkeypatch.setattr(F, "dropout", spy)
    drop = nn.Dropout(0.25)
    drop(np.ones((2, 3)))
    drop.eval()(np.ones((2, 3)))
    assert calls == [(0.25, True), (0.25, False)]


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_same_seed_same_mask_as_the_functional_form(p: float) -> None:
    x = np.random.default_rng(0).standard_normal((30, 20)).astype(np.float32)
    ag.manual_seed(3)
    a = nn.Dropout(p)(x).numpy()
    ag.manual_seed(3)
    b = F.dropout(x, p, training=True).numpy()
    ag.manual_seed(3)
    c = nn.Dropout(p)(x).numpy()
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    ag.manual_seed(4)
    assert not np.array_equal(a, nn.Dropout(p)(x).numpy())


@pytest.mark.parametrize("p", [0.2, 0.5, 0.7])
def test_statistics_of_inverted_dropout(p: float) -> None:
    ag.manual_seed(0)
    n = 200_000
    y = nn.Dropout(p)(np.ones(n)).numpy()
    zeros = np.mean(y == 0)
    # Binomial: 5 standard deviations of the zero fraction, and of the mean.
    sd = np.sqrt(p * (1 - p) / n)
    assert abs(zeros - p) < 5 * sd
    assert abs(y.mean() - 1.0) < 5 * sd / (1 - p)
    np.testing.assert_allclose(np.unique(y[y != 0]), [1 / (1 - p)], rtol=1e-6)


def test_eval_is_the_identity_and_p0_p1() -> None:
    x = ag.tensor(np.arange(6.0).reshape(2, 3))
    drop = nn.Dropout(0.9).eval()
    np.testing.assert_array_equal(drop(x).numpy(), x.numpy())
    assert nn.Dropout(0.0)(x) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).numpy(), np.zeros((2, 3)))


def test_gradient_is_the_scaled_mask() -> None:
    ag.manual_seed(7)
    x = ag.tensor(np.random.default_rng(1).standard_normal((40, 5)), requires_grad=True)
    y = nn.Dropout(0.4)(x)
    y.sum().backward()
    kept = y.numpy() != 0
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.6, rtol=1e-6)
