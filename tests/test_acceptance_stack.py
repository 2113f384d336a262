"""Outside acceptance tests for the stack above the engine, written from API.md.

Every name, positional order, keyword and default is used as API.md writes it,
and every value is compared with PyTorch (or numpy / finite differences).
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd_mlp as ag
import autograd_mlp.functional as F
from autograd_mlp import nn, optim
from autograd_mlp.optim import lr_scheduler
from tests.conftest import optional

torch = optional("torch", "torch")
TF = torch.nn.functional
ROOT = Path(__file__).resolve().parents[1]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def both(a: np.ndarray):
    """The same float64 array as an ag leaf and a torch leaf."""
    return ag.tensor(a, requires_grad=True, dtype=np.float64), torch.tensor(a, requires_grad=True)


def close(x, y, tol: float = 1e-9) -> None:
    x = x.numpy() if hasattr(x, "numpy") and not isinstance(x, np.ndarray) else x
    y = y.detach().numpy() if isinstance(y, torch.Tensor) else y
    np.testing.assert_allclose(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), rtol=tol, atol=tol)


def grad_of(t):
    return t.grad.numpy()


# ---------------------------------------------------------------- functional

ACTS = [
    ("relu", {}, {}),
    ("sigmoid", {}, {}),
    ("tanh", {}, {}),
    ("leaky_relu", {}, {}),
    ("leaky_relu", {"negative_slope": 0.3}, {"negative_slope": 0.3}),
    ("elu", {}, {}),
    ("elu", {"alpha": 0.5}, {"alpha": 0.5}),
    ("selu", {}, {}),
    ("celu", {"alpha": 1.7}, {"alpha": 1.7}),
    ("celu", {}, {}),
    ("gelu", {}, {}),
    ("gelu", {"approximate": "none"}, {"approximate": "none"}),
    ("gelu", {"approximate": "tanh"}, {"approximate": "tanh"}),
    ("silu", {}, {}),
    ("mish", {}, {}),
    ("softplus", {}, {}),
    ("softplus", {"beta": 2.0, "threshold": 1.5}, {"beta": 2.0, "threshold": 1.5}),
    ("log_sigmoid", {}, {}),
    ("hardtanh", {}, {}),
    ("hardtanh", {"min_val": -0.5, "max_val": 2.0}, {"min_val": -0.5, "max_val": 2.0}),
    ("relu6", {}, {}),
    ("hardsigmoid", {}, {}),
    ("hardswish", {}, {}),
    ("softsign", {}, {}),
]


@pytest.mark.parametrize(("name", "kw", "tkw"), ACTS, ids=[f"{a[0]}-{i}" for i, a in enumerate(ACTS)])
def test_activation_matches_torch(name, kw, tkw):
    # avoid kinks: values away from 0, +-1, +-3, 6, thresholds
    a = rng(1).uniform(-8, 8, (5, 7))
    a = a[np.abs(a - np.round(a)) > 0.05].reshape(-1)[:30].reshape(5, 6)
    x, tx = both(a)
    y = getattr(F, name)(x, **kw)
    ty = getattr(TF, "logsigmoid" if name == "log_sigmoid" else name)(tx, **tkw)
    close(y, ty)
    w = rng(2).normal(size=a.shape)
    (y * ag.tensor(w, dtype=np.float64)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    # torch's celu/hardsigmoid backward round 1/alpha, 1/6 to float32 (~1e-8 off)
    close(grad_of(x), tx.grad, 1e-7 if name in ("celu", "hardsigmoid") else 1e-9)
    if name == "celu":
        alpha = kw.get("alpha", 1.0)
        close(grad_of(x), np.where(a > 0, 1.0, np.exp(a / alpha)) * w)
    if name == "hardsigmoid":
        close(grad_of(x), np.where(np.abs(a) < 3, 1 / 6, 0.0) * w)


def test_activation_positional_params():
    a = rng(3).normal(size=(4, 5)) * 3
    x, tx = both(a)
    close(F.leaky_relu(x, 0.2), TF.leaky_relu(tx, 0.2))
    close(F.elu(x, 0.3), TF.elu(tx, 0.3))
    close(F.softplus(x, 3.0, 2.0), TF.softplus(tx, 3.0, 2.0))
    close(F.hardtanh(x, -2.0, 0.5), TF.hardtanh(tx, -2.0, 0.5))


def test_softmax_family_and_softmin_normalize():
    a = rng(4).normal(size=(3, 4, 5)) * 4
    for axis in (0, 1, -1):
        x, tx = both(a)
        close(F.softmax(x, axis), TF.softmax(tx, axis))
        close(F.log_softmax(x, axis), TF.log_softmax(tx, axis))
        close(F.softmin(x, axis), TF.softmin(tx, axis))
    x, tx = both(a)
    close(F.softmax(x), TF.softmax(tx, -1))
    close(F.normalize(x), TF.normalize(tx))
    close(F.normalize(x, 1.0, 2, 1e-12), TF.normalize(tx, 1.0, 2, 1e-12))
    y = F.normalize(x, p=3.0, axis=0, eps=1e-12)
    ty = TF.normalize(tx, p=3.0, dim=0, eps=1e-12)
    close(y, ty)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(grad_of(x), tx.grad)


def test_linear_matches_torch():
    x, tx = both(rng(5).normal(size=(4, 3)))
    w, tw = both(rng(6).normal(size=(2, 3)))
    b, tb = both(rng(7).normal(size=(2,)))
    close(F.linear(x, w), TF.linear(tx, tw))
    y, ty = F.linear(x, w, b), TF.linear(tx, tw, tb)
    close(y, ty)
    (y**2).sum().backward()
    (ty**2).sum().backward()
    for p, tp in ((x, tx), (w, tw), (b, tb)):
        close(grad_of(p), tp.grad)


def _loss_pair(fn_name, tfn_name, arrays, targets, kw, tkw=None, tol=1e-9):
    leaves = [both(a) for a in arrays]
    y = getattr(F, fn_name)(*[p[0] for p in leaves], *targets[0], **kw)
    ty = getattr(TF, tfn_name)(*[p[1] for p in leaves], *targets[1], **(kw if tkw is None else tkw))
    close(y, ty, tol)
    if y.ndim:
        w = rng(9).normal(size=y.shape)
        y = (y * ag.tensor(w, dtype=np.float64)).sum()
        ty = (ty * torch.tensor(w)).sum()
    y.backward()
    ty.backward()
    for p, tp in leaves:
        close(grad_of(p), tp.grad, tol)


CE_CASES = [
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"weight": "w"},
    {"weight": "w", "reduction": "sum"},
    {"weight": "w", "reduction": "none"},
    {"ignore_index": 2},
    {"ignore_index": 2, "weight": "w"},
    {"ignore_index": 2, "reduction": "none"},
    {"label_smoothing": 0.2},
    {"label_smoothing": 0.2, "weight": "w"},
    {"label_smoothing": 0.1, "weight": "w", "ignore_index": 1},
    {"label_smoothing": 0.1, "weight": "w", "ignore_index": 1, "reduction": "sum"},
    {"label_smoothing": 0.3, "reduction": "none", "ignore_index": 0},
]


@pytest.mark.parametrize("kdim", [False, True])
@pytest.mark.parametrize("case", CE_CASES, ids=[str(c) for c in CE_CASES])
def test_cross_entropy_and_nll_indices(case, kdim):
    r = rng(10)
    C = 4
    shape = (6, C, 3, 2) if kdim else (6, C)
    logits = r.normal(size=shape) * 2
    tshape = (6, 3, 2) if kdim else (6,)
    target = r.integers(0, C, tshape)
    target.flat[0] = 2  # make sure ignore_index hits something
    wt = r.uniform(0.2, 2.0, C)
    kw = {k: (v if v != "w" else ag.tensor(wt, dtype=np.float64)) for k, v in case.items()}
    tkw = {k: (v if v != "w" else torch.tensor(wt)) for k, v in case.items()}
    _loss_pair("cross_entropy", "cross_entropy", [logits], ([target], [torch.tensor(target)]), kw, tkw)
    if "label_smoothing" not in case:
        lp = np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))
        _loss_pair("nll_loss", "nll_loss", [lp], ([target], [torch.tensor(target)]), kw, tkw)


@pytest.mark.parametrize("case", [{}, {"reduction": "sum"}, {"reduction": "none"}, {"label_smoothing": 0.25}, {"weight": "w"}, {"weight": "w", "label_smoothing": 0.1, "reduction": "sum"}])
def test_cross_entropy_probabilities(case):
    r = rng(11)
    logits = r.normal(size=(5, 3))
    p = r.dirichlet(np.ones(3), 5)
    wt = r.uniform(0.5, 2, 3)
    kw = {k: (v if v != "w" else ag.tensor(wt, dtype=np.float64)) for k, v in case.items()}
    tkw = {k: (v if v != "w" else torch.tensor(wt)) for k, v in case.items()}
    _loss_pair("cross_entropy", "cross_entropy", [logits], ([p], [torch.tensor(p)]), kw, tkw)


def test_cross_entropy_target_as_tensor_and_byte_order():
    r = rng(12)
    logits = r.normal(size=(5, 3))
    target = r.integers(0, 3, 5)
    ref = TF.cross_entropy(torch.tensor(logits), torch.tensor(target))
    x = ag.tensor(logits, dtype=np.float64)
    close(F.cross_entropy(x, ag.tensor(target)), ref)
    close(F.cross_entropy(x, target.astype(">i8")), ref)
    close(F.cross_entropy(x, target.astype(np.int32)), ref)
    close(F.nll_loss(F.log_softmax(x, 1), target.astype(">i4")), ref)


def test_integer_targets_of_shape_nc_are_an_error():
    x = ag.tensor(rng(13).normal(size=(4, 3)))
    with pytest.raises((ValueError, TypeError)):
        F.cross_entropy(x, np.zeros((4, 3), dtype=np.int64))
    with pytest.raises((ValueError, TypeError)):
        F.nll_loss(x, np.zeros((4, 3), dtype=np.int64))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses(reduction):
    r = rng(14)
    a, b = r.normal(size=(4, 5)), r.normal(size=(4, 5)) * 2
    tgt = ([b], [torch.tensor(b)])
    kw = {"reduction": reduction}
    _loss_pair("mse_loss", "mse_loss", [a], tgt, kw)
    _loss_pair("l1_loss", "l1_loss", [a], tgt, kw)
    _loss_pair("smooth_l1_loss", "smooth_l1_loss", [a], tgt, kw)
    _loss_pair("smooth_l1_loss", "smooth_l1_loss", [a], tgt, {**kw, "beta": 0.5})
    _loss_pair("huber_loss", "huber_loss", [a], tgt, kw)
    _loss_pair("huber_loss", "huber_loss", [a], tgt, {**kw, "delta": 0.7})
    lp = np.log(r.dirichlet(np.ones(5), 4))
    q = r.dirichlet(np.ones(5), 4)
    red = "batchmean" if reduction == "mean" else reduction
    _loss_pair("kl_div", "kl_div", [lp], ([q], [torch.tensor(q)]), {"reduction": reduction}, {"reduction": reduction})
    _loss_pair("kl_div", "kl_div", [lp], ([np.log(q)], [torch.tensor(np.log(q))]), {"reduction": reduction, "log_target": True})
    del red


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_losses(reduction):
    r = rng(15)
    z = r.normal(size=(6, 3)) * 3
    t = r.uniform(0, 1, (6, 3))
    w = r.uniform(0.5, 2, (6, 3))
    pw = r.uniform(0.5, 3, (3,))
    tgt = ([t], [torch.tensor(t)])
    _loss_pair("binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits", [z], tgt, {"reduction": reduction})
    _loss_pair(
        "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits", [z], tgt,
        {"reduction": reduction, "weight": ag.tensor(w, dtype=np.float64), "pos_weight": ag.tensor(pw, dtype=np.float64)},
        {"reduction": reduction, "weight": torch.tensor(w), "pos_weight": torch.tensor(pw)},
    )
    p = 1 / (1 + np.exp(-z))
    _loss_pair("binary_cross_entropy", "binary_cross_entropy", [p], tgt, {"reduction": reduction})
    _loss_pair("binary_cross_entropy", "binary_cross_entropy", [p], tgt,
               {"reduction": reduction, "weight": ag.tensor(w, dtype=np.float64)},
               {"reduction": reduction, "weight": torch.tensor(w)})


def test_loss_defaults_are_mean():
    r = rng(16)
    a, b = r.normal(size=(3, 4)), r.normal(size=(3, 4))
    close(F.mse_loss(ag.tensor(a, dtype=np.float64), ag.tensor(b, dtype=np.float64)), ((a - b) ** 2).mean())
    close(F.l1_loss(ag.tensor(a, dtype=np.float64), b), np.abs(a - b).mean())


def test_one_hot_and_dropout():
    oh = F.one_hot(np.array([0, 2, 1]), 4)
    np.testing.assert_array_equal(np.asarray(oh.numpy()), np.eye(4)[[0, 2, 1]])
    x = ag.ones(1000, 100)
    ag.manual_seed(0)
    y = F.dropout(x, 0.3).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    np.testing.assert_array_equal(F.dropout(x, 0.3, training=False).numpy(), x.numpy())
    y = F.dropout(x).numpy()
    assert abs((y != 0).mean() - 0.5) < 0.01
