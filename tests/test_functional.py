"""Tests for autograd_mlp.functional: values against numpy (and torch when
installed), gradients against finite differences, stability, and error messages."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
import autograd_mlp.functional as F
from autograd_mlp.errors import OpError, ShapeError
from autograd_mlp.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(1234)
LOGITS = RNG.normal(size=(5, 4))
CLASSES = np.array([0, 3, 1, 1, 2])
PROBS = RNG.dirichlet(np.ones(4), size=5)
REDUCTIONS = ["mean", "sum", "none"]


def ref_log_softmax(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def ref_reduce(losses: np.ndarray, reduction: str) -> np.ndarray:
    return {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]


def t64(x, requires_grad=True):
    return ag.tensor(x, requires_grad=requires_grad, dtype=np.float64)


# --------------------------------------------------------------------------- activations
@pytest.mark.parametrize(
    ("fn", "ref"),
    [
        (F.relu, lambda x: np.maximum(x, 0)),
        (F.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
        (F.tanh, np.tanh),
        (F.softmax, lambda x: np.exp(ref_log_softmax(x))),
        (F.log_softmax, ref_log_softmax),
    ],
)
def test_activations_accept_arrays_and_match_numpy(fn, ref):
    out = fn(LOGITS)
    assert isinstance(out, ag.Tensor)
    np.testing.assert_allclose(out.data, ref(LOGITS), rtol=1e-5, atol=1e-6)


def test_softmax_axis_argument():
    x = RNG.normal(size=(3, 4))
    np.testing.assert_allclose(F.softmax(x, axis=0).data.sum(axis=0), np.ones(4), rtol=1e-6)


def test_linear_matches_numpy_with_and_without_bias():
    x, w, b = RNG.normal(size=(3, 4)), RNG.normal(size=(2, 4)), RNG.normal(size=2)
    np.testing.assert_allclose(F.linear(x, w, b).data, x @ w.T + b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(F.linear(x, w).data, x @ w.T, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------- values
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_indices(reduction):
    expected = ref_reduce(-ref_log_softmax(LOGITS)[np.arange(5), CLASSES], reduction)
    got = F.cross_entropy(t64(LOGITS), CLASSES, reduction=reduction)
    np.testing.assert_allclose(got.data, expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_probabilities(reduction):
    expected = ref_reduce(-(PROBS * ref_log_softmax(LOGITS)).sum(axis=1), reduction)
    got = F.cross_entropy(t64(LOGITS), PROBS, reduction=reduction)
    np.testing.assert_allclose(got.data, expected, rtol=1e-12)


def test_cross_entropy_one_hot_probabilities_equal_class_indices():
    onehot = np.eye(4)[CLASSES]
    a = F.cross_entropy(t64(LOGITS), onehot).item()
    b = F.cross_entropy(t64(LOGITS), CLASSES).item()
    assert a == pytest.approx(b, rel=1e-12)


def test_cross_entropy_known_value():
    # Uniform logits over 4 classes: the loss is log 4 whatever the target.
    assert F.cross_entropy(np.zeros((3, 4)), [0, 1, 3]).item() == pytest.approx(np.log(4), 1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_picks_the_target_log_probability(reduction):
    log_probs = ref_log_softmax(LOGITS)
    expected = ref_reduce(-log_probs[np.arange(5), CLASSES], reduction)
    got = F.nll_loss(t64(log_probs), CLASSES, reduction=reduction)
    np.testing.assert_allclose(got.data, expected, rtol=1e-12)


def test_nll_after_log_softmax_equals_cross_entropy():
    x = t64(LOGITS)
    a = F.nll_loss(F.log_softmax(x, axis=1), CLASSES).item()
    assert a == pytest.approx(F.cross_entropy(x, CLASSES).item(), rel=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction):
    target = RNG.normal(size=LOGITS.shape)
    got = F.mse_loss(t64(LOGITS), target, reduction=reduction)
    np.testing.assert_allclose(got.data, ref_reduce((LOGITS - target) ** 2, reduction), 1e-12)


def test_mse_loss_hand_value():
    assert F.mse_loss([1.0, 2.0, 3.0], [1.0, 0.0, 0.0]).item() == pytest.approx(13 / 3)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits(reduction):
    target = RNG.uniform(size=LOGITS.shape)
    p = 1 / (1 + np.exp(-LOGITS))
    expected = -(target * np.log(p) + (1 - target) * np.log(1 - p))
    got = F.binary_cross_entropy_with_logits(t64(LOGITS), target, reduction=reduction)
    np.testing.assert_allclose(got.data, ref_reduce(expected, reduction), rtol=1e-10)


# --------------------------------------------------------------------------- gradients
def test_cross_entropy_gradients():
    assert gradcheck(lambda x: F.cross_entropy(x, CLASSES), [t64(LOGITS)])
    assert gradcheck(lambda x: F.cross_entropy(x, CLASSES, reduction="none"), [t64(LOGITS)])
    # Soft targets are differentiable too (both arguments checked).
    assert gradcheck(lambda x, p: F.cross_entropy(x, p, reduction="sum"), [t64(LOGITS), t64(PROBS)])


def test_cross_entropy_gradient_is_softmax_minus_onehot():
    x = t64(LOGITS)
    F.cross_entropy(x, CLASSES, reduction="sum").backward()
    expected = np.exp(ref_log_softmax(LOGITS)) - np.eye(4)[CLASSES]
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-10, atol=1e-12)


def test_nll_mse_gradients():
    assert gradcheck(lambda x: F.nll_loss(x, CLASSES), [t64(LOGITS)])
    target = RNG.normal(size=LOGITS.shape)
    assert gradcheck(lambda x: F.mse_loss(x, target), [t64(LOGITS)])
    assert gradgradcheck(lambda x: F.mse_loss(x, target, reduction="sum"), [t64(LOGITS)])


def test_bce_gradients_first_and_second_order():
    target = RNG.uniform(size=LOGITS.shape)
    fn = lambda x: F.binary_cross_entropy_with_logits(x, target)  # noqa: E731
    assert gradcheck(fn, [t64(LOGITS)])
    assert gradgradcheck(fn, [t64(LOGITS)])
    assert gradgradcheck(lambda x: F.cross_entropy(x, PROBS), [t64(LOGITS)])


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
def test_bce_gradient_at_zero_is_sigmoid_minus_target(t):
    # At x = 0 relu and abs have kinks; a naive composition would give -t here.
    x = t64([0.0])
    F.binary_cross_entropy_with_logits(x, [t], reduction="sum").backward()
    assert x.grad.item() == pytest.approx(0.5 - t, abs=1e-12)


def test_bce_second_derivative_is_sigmoid_prime():
    x = t64([-2.0, 0.0, 3.0])
    (g,) = ag.grad(
        F.binary_cross_entropy_with_logits(x, [1.0, 0.0, 1.0], reduction="sum"),
        x,
        create_graph=True,
    )
    (h,) = ag.grad(g.sum(), x)
    s = 1 / (1 + np.exp(-np.array([-2.0, 0.0, 3.0])))
    np.testing.assert_allclose(h.data, s * (1 - s), rtol=1e-10)


# --------------------------------------------------------------------------- stability
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_is_stable_at_huge_logits(dtype):
    x = ag.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True, dtype=dtype)
    target = np.array([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(x, target, reduction="none")
    np.testing.assert_allclose(loss.data, [1e4, 1e4, 0.0, 0.0], rtol=1e-6)
    loss.sum().backward()
    assert np.isfinite(x.grad.data).all()
    np.testing.assert_allclose(x.grad.data, [1.0, -1.0, 0.0, 0.0], atol=1e-6)


def test_cross_entropy_is_stable_at_huge_logits():
    x = ag.tensor([[1e4, -1e4, 0.0]], requires_grad=True)
    for target in (np.array([1]), np.array([[0.0, 1.0, 0.0]])):
        x.grad = None
        loss = F.cross_entropy(x, target)
        assert loss.item() == pytest.approx(2e4, rel=1e-6)
        loss.backward()
        np.testing.assert_allclose(x.grad.data, [[1.0, -1.0, 0.0]], atol=1e-6)


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("fn", "name", "args"),
    [
        (F.cross_entropy, "cross_entropy", (LOGITS, CLASSES)),
        (F.nll_loss, "nll_loss", (LOGITS, CLASSES)),
        (F.mse_loss, "mse_loss", (LOGITS, LOGITS)),
        (F.binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits", (LOGITS, PROBS)),
    ],
)
def test_bad_reduction_names_the_function(fn, name, args):
    with pytest.raises(ValueError, match=rf"{name}: reduction must be one of .*'avg'"):
        fn(*args, reduction="avg")


def test_cross_entropy_target_of_wrong_shape():
    with pytest.raises(ShapeError, match=r"cross_entropy: target of shape \(4,\).*\(5, 4\)"):
        F.cross_entropy(LOGITS, np.array([0, 1, 2, 3]))
    with pytest.raises(ShapeError, match=r"cross_entropy: target of shape \(5, 3\)"):
        F.cross_entropy(LOGITS, np.ones((5, 3)) / 3)
    one_sample = r"cross_entropy: an input of shape \(4,\) is one sample.*\(1,\)"
    with pytest.raises(ShapeError, match=one_sample):
        F.cross_entropy(np.zeros(4), np.array([0]))
    with pytest.raises(ShapeError, match=r"cross_entropy: input must have shape \(C,\), \(N, C\)"):
        F.cross_entropy(np.zeros(()), np.array([0.0]))


def test_cross_entropy_target_out_of_range_names_index_and_value():
    bad = np.array([0, 1, 4, 1, 2])
    with pytest.raises(OpError, match=r"cross_entropy: target\[2\] = 4 is out of range.*0\.\.3"):
        F.cross_entropy(LOGITS, bad)
    with pytest.raises(OpError, match=r"nll_loss: target\[0\] = -1"):
        F.nll_loss(LOGITS, np.array([-1, 0, 0, 0, 0]))


def test_float_class_indices_are_rejected():
    with pytest.raises(OpError, match=r"cross_entropy: class-index targets must be integers"):
        F.cross_entropy(LOGITS, CLASSES.astype(np.float32))


def test_mse_and_bce_shape_mismatch():
    with pytest.raises(ShapeError, match=r"mse_loss: target of shape \(5,\).*\(5, 1\)"):
        F.mse_loss(np.zeros((5, 1)), np.zeros(5))
    with pytest.raises(ShapeError, match=r"binary_cross_entropy_with_logits: target of shape"):
        F.binary_cross_entropy_with_logits(np.zeros(3), np.zeros(4))


# --------------------------------------------------------------------------- torch
def _torch_pair(x):
    torch = optional("torch", "torch")
    return torch, torch.tensor(x, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_losses_match_torch(reduction):
    torch, tx = _torch_pair(LOGITS)
    tF = torch.nn.functional
    target = RNG.uniform(size=LOGITS.shape)
    cases = [
        (F.cross_entropy, tF.cross_entropy, CLASSES, torch.tensor(CLASSES)),
        (F.cross_entropy, tF.cross_entropy, PROBS, torch.tensor(PROBS)),
        (F.nll_loss, tF.nll_loss, CLASSES, torch.tensor(CLASSES)),
        (F.mse_loss, tF.mse_loss, target, torch.tensor(target)),
        (
            F.binary_cross_entropy_with_logits,
            tF.binary_cross_entropy_with_logits,
            target,
            torch.tensor(target),
        ),
    ]
    for ours, theirs, target_np, target_torch in cases:
        x = t64(LOGITS)
        tx.grad = None
        mine = ours(x, target_np, reduction=reduction)
        ref = theirs(tx, target_torch, reduction=reduction)
        np.testing.assert_allclose(mine.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        mine.sum().backward()
        ref.sum().backward()
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
