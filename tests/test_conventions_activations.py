"""Gradients of the F activations and losses at their kinks, pinned down.

Property and PyTorch-comparison tests keep away from these points; here each is
visited once, with hard-coded expectations that follow PyTorch (compared with
torch too when it is installed):

=========================  ====================================================
point                      gradient
=========================  ====================================================
leaky_relu at 0            negative_slope (torch: ``x > 0 ? 1 : slope``)
hardtanh at its bounds     0: the bounds are outside (unlike ``clip``)
relu6 at 0 and 6           0 (it is ``hardtanh(x, 0, 6)``)
hardsigmoid at ±3          0
hardswish at -3, 3         0 and 1
elu / selu at 0            alpha / scale·alpha (the left branch)
celu at 0                  1
softplus at beta·x = thr   sigmoid(thr): the switch is strictly above
softsign at 0              1 (|x| has slope 0 there)
l1 / smooth_l1 at d = 0    0
smooth_l1 at |d| = beta    ±1; huber at |d| = delta: ±delta (continuous)
normalize of a zero row    1/eps (the norm is clamped to eps)
binary_cross_entropy       loss with logs clamped at -100; d/dp =
at p = 0 or 1              (p - t) / max(p(1-p), 1e-12), e.g. ±1e12
=========================  ====================================================
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
import autograd_mlp.functional as F

SELU = F.SELU_SCALE * F.SELU_ALPHA
SIG20 = 1 / (1 + np.exp(-20.0))

CASES = [
    # (ours, torch name, kwargs, points, expected gradients)
    (F.leaky_relu, "leaky_relu", {}, [-1.0, 0.0, -0.0, 1.0], [0.01, 0.01, 0.01, 1.0]),
    (F.leaky_relu, "leaky_relu", {"negative_slope": 0.2}, [0.0], [0.2]),
    (F.hardtanh, "hardtanh", {}, [-2.0, -1.0, 0.0, 1.0, 2.0], [0, 0, 1, 0, 0]),
    (F.hardtanh, "hardtanh", {"min_val": -0.5, "max_val": 2.0}, [-0.5, 2.0, 1.0], [0, 0, 1]),
    (F.relu6, "relu6", {}, [-1.0, 0.0, 3.0, 6.0, 7.0], [0, 0, 1, 0, 0]),
    (F.hardsigmoid, "hardsigmoid", {}, [-3.0, 0.0, 3.0], [0, 1 / 6, 0]),
    (F.hardswish, "hardswish", {}, [-3.0, 0.0, 3.0], [0, 0.5, 1]),
    (F.elu, "elu", {"alpha": 2.0}, [0.0], [2.0]),
    (F.selu, "selu", {}, [0.0], [SELU]),
    (F.celu, "celu", {"alpha": 2.0}, [0.0], [1.0]),
    (F.softplus, "softplus", {}, [20.0, 20.5], [SIG20, 1.0]),
    (
        F.softplus,
        "softplus",
        {"beta": 2.0, "threshold": 1.0},
        [0.5, 0.6],
        [1 / (1 + np.exp(-1.0)), 1.0],
    ),
    (F.softsign, "softsign", {}, [0.0], [1.0]),
]


def _grad(fn, values, **kwargs):
    x = ag.tensor(values, requires_grad=True, dtype=np.float64)
    fn(x, **kwargs).sum().backward()
    return x.grad.data


@pytest.mark.parametrize(
    ("fn", "tname", "kwargs", "points", "expected"),
    CASES,
    ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_activation_gradient_at_kink(fn, tname, kwargs, points, expected):
    np.testing.assert_allclose(_grad(fn, points, **kwargs), expected, rtol=1e-7, atol=0)
    torch = optional("torch", "torch")
    tx = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    getattr(torch.nn.functional, tname)(tx, **kwargs).sum().backward()
    # rtol: torch's hardsigmoid slope is the float32 constant 1/6
    np.testing.assert_allclose(_grad(fn, points, **kwargs), tx.grad.numpy(), rtol=1e-7, atol=0)


LOSS_CASES = [
    (F.l1_loss, "l1_loss", {}, [-1.0, 0.0, 1.0], [-1, 0, 1]),
    (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 1.0}, [-1.0, 0.0, 1.0], [-1, 0, 1]),
    (F.smooth_l1_loss, "smooth_l1_loss", {"beta": 0.0}, [-1.0, 0.0, 1.0], [-1, 0, 1]),
    (F.huber_loss, "huber_loss", {"delta": 0.5}, [-0.5, 0.0, 0.5], [-0.5, 0, 0.5]),
]


@pytest.mark.parametrize(
    ("fn", "tname", "kwargs", "points", "expected"),
    LOSS_CASES,
    ids=[f"{c[1]}-{i}" for i, c in enumerate(LOSS_CASES)],
)
def test_loss_gradient_at_kink(fn, tname, kwargs, points, expected):
    zeros = np.zeros(len(points))
    got = _grad(lambda x: fn(x, zeros, reduction="none", **kwargs), points)
    np.testing.assert_array_equal(got, expected)
    torch = optional("torch", "torch")
    tx = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    getattr(torch.nn.functional, tname)(
        tx, torch.tensor(zeros), reduction="none", **kwargs
    ).sum().backward()
    np.testing.assert_array_equal(got, tx.grad.numpy())


def test_normalize_zero_row_gradient_is_one_over_eps():
    np.testing.assert_allclose(_grad(F.normalize, [[0.0, 0.0, 0.0]]), [[1e12] * 3], rtol=1e-12)


def test_binary_cross_entropy_at_zero_and_one():
    p = [0.0, 0.0, 1.0, 1.0]
    t = np.array([0.0, 1.0, 0.0, 1.0])
    x = ag.tensor(p, requires_grad=True, dtype=np.float64)
    loss = F.binary_cross_entropy(x, t, reduction="none")
    np.testing.assert_array_equal(loss.data, [0.0, 100.0, 100.0, 0.0])  # torch's values
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, -1e12, 1e12, 0.0])
    torch = optional("torch", "torch")
    tp = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(tp, torch.tensor(t), reduction="sum").backward()
    # (torch's 1e-12 is a float32 constant: equal to 4e-9 relative)
    np.testing.assert_allclose(x.grad.data, tp.grad.numpy(), rtol=1e-8)
