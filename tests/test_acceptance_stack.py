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
    np.testing.assert_allclose(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), rtol=tol, atol=tol
    )


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


@pytest.mark.parametrize(
    ("name", "kw", "tkw"), ACTS, ids=[f"{a[0]}-{i}" for i, a in enumerate(ACTS)]
)
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
    _loss_pair(
        "cross_entropy", "cross_entropy", [logits], ([target], [torch.tensor(target)]), kw, tkw
    )
    if "label_smoothing" not in case:
        lp = np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))
        _loss_pair("nll_loss", "nll_loss", [lp], ([target], [torch.tensor(target)]), kw, tkw)


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"reduction": "sum"},
        {"reduction": "none"},
        {"label_smoothing": 0.25},
        {"weight": "w"},
        {"weight": "w", "label_smoothing": 0.1, "reduction": "sum"},
    ],
)
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
    _loss_pair(
        "kl_div",
        "kl_div",
        [lp],
        ([q], [torch.tensor(q)]),
        {"reduction": reduction},
        {"reduction": reduction},
    )
    _loss_pair(
        "kl_div",
        "kl_div",
        [lp],
        ([np.log(q)], [torch.tensor(np.log(q))]),
        {"reduction": reduction, "log_target": True},
    )
    del red


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_losses(reduction):
    r = rng(15)
    z = r.normal(size=(6, 3)) * 3
    t = r.uniform(0, 1, (6, 3))
    w = r.uniform(0.5, 2, (6, 3))
    pw = r.uniform(0.5, 3, (3,))
    tgt = ([t], [torch.tensor(t)])
    _loss_pair(
        "binary_cross_entropy_with_logits",
        "binary_cross_entropy_with_logits",
        [z],
        tgt,
        {"reduction": reduction},
    )
    _loss_pair(
        "binary_cross_entropy_with_logits",
        "binary_cross_entropy_with_logits",
        [z],
        tgt,
        {
            "reduction": reduction,
            "weight": ag.tensor(w, dtype=np.float64),
            "pos_weight": ag.tensor(pw, dtype=np.float64),
        },
        {"reduction": reduction, "weight": torch.tensor(w), "pos_weight": torch.tensor(pw)},
    )
    p = 1 / (1 + np.exp(-z))
    _loss_pair("binary_cross_entropy", "binary_cross_entropy", [p], tgt, {"reduction": reduction})
    _loss_pair(
        "binary_cross_entropy",
        "binary_cross_entropy",
        [p],
        tgt,
        {"reduction": reduction, "weight": ag.tensor(w, dtype=np.float64)},
        {"reduction": reduction, "weight": torch.tensor(w)},
    )


def test_loss_defaults_are_mean():
    r = rng(16)
    a, b = r.normal(size=(3, 4)), r.normal(size=(3, 4))
    close(
        F.mse_loss(ag.tensor(a, dtype=np.float64), ag.tensor(b, dtype=np.float64)),
        ((a - b) ** 2).mean(),
    )
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


# ---------------------------------------------------------------- nn


def arr(v) -> np.ndarray:
    if isinstance(v, torch.Tensor):
        return v.detach().numpy()
    return np.asarray(v.numpy() if hasattr(v, "numpy") else v)


def _copy_into_torch(module, tmodule) -> None:
    sd = {
        k: torch.tensor(arr(v).astype(np.float64) if arr(v).dtype.kind == "f" else arr(v))
        for k, v in module.state_dict().items()
    }
    tmodule.load_state_dict(sd, strict=True)


def _f64(module):
    """Parameters stay float32; fed float64 inputs, the module computes in
    float64 (numpy promotion) from the same float32 weights the float64 torch
    copy holds, so outputs agree to float64 precision."""
    return module


def test_linear_shape_keys_and_torch_load():
    lin = nn.Linear(3, 2)
    assert lin.weight.shape == (2, 3) and lin.bias.shape == (2,)
    assert list(lin.state_dict()) == ["weight", "bias"]
    assert list(nn.Linear(3, 2, False).state_dict()) == ["weight"]
    assert nn.Linear(3, 2, bias=False).bias is None
    t = torch.nn.Linear(3, 2).double()
    _copy_into_torch(_f64(lin), t)
    x = rng(20).normal(size=(4, 3))
    close(lin(ag.tensor(x, dtype=np.float64)), t(torch.tensor(x)))


def test_linear_default_init_matches_torch_distribution():
    ag.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w = lin.weight.numpy()
    assert np.abs(w).max() <= bound + 1e-7
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert np.abs(lin.bias.numpy()).max() <= bound + 1e-7
    assert lin.weight.dtype == np.float32


@pytest.mark.parametrize(
    ("kw", "tkw_seq"),
    [
        ({}, "relu"),
        ({"activation": "tanh"}, "tanh"),
        ({"activation": "sigmoid"}, "sigmoid"),
    ],
)
def test_mlp_keys_logits_and_torch_sequential(kw, tkw_seq):
    m = nn.MLP([4, 5, 6, 3], **kw)
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    t = torch.nn.Sequential(
        torch.nn.Linear(4, 5),
        acts[tkw_seq](),
        torch.nn.Linear(5, 6),
        acts[tkw_seq](),
        torch.nn.Linear(6, 3),
    ).double()
    keys = [k.split(".", 1)[1] for k in m.state_dict()]
    assert keys == list(t.state_dict())
    tm = torch.nn.Module()
    tm.layers = t
    _copy_into_torch(_f64(m), tm)
    x = rng(21).normal(size=(7, 4)) * 3
    y = m(ag.tensor(x, dtype=np.float64))
    close(y, t(torch.tensor(x)))
    assert (y.numpy() < 0).any()  # logits: no activation after the last layer


def test_mlp_default_sizes_example():
    m = nn.MLP([784, 100, 200, 10])
    assert [p.shape for p in m.parameters()] == [
        (100, 784),
        (100,),
        (200, 100),
        (200,),
        (10, 200),
        (10,),
    ]
    assert len(list(m.named_parameters())) == 6


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_mlp_norm_dropout_matches_torch(norm):
    m = nn.MLP([4, 5, 3], activation="relu", dropout=0.2, norm=norm)
    tnorm = torch.nn.LayerNorm(5) if norm == "layer" else torch.nn.BatchNorm1d(5)
    t = torch.nn.Sequential(
        torch.nn.Linear(4, 5), tnorm, torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(5, 3)
    )
    t = t.double()
    tm = torch.nn.Module()
    tm.layers = t
    _copy_into_torch(_f64(m), tm)
    m.eval()
    tm.eval()
    x = rng(22).normal(size=(6, 4))
    close(m(ag.tensor(x, dtype=np.float64)), t(torch.tensor(x)))
    assert m.training is False


def test_layernorm_matches_torch():
    for shape, ns in [((4, 5), 5), ((3, 4, 5), (4, 5)), ((3, 4, 5), [5])]:
        a = rng(23).normal(size=shape) * 3 + 1
        ln = _f64(nn.LayerNorm(ns))
        tln = torch.nn.LayerNorm(ns).double()
        assert list(ln.state_dict()) == ["weight", "bias"]
        ln.weight.data = rng(24).normal(size=ln.weight.shape).astype(np.float32)
        ln.bias.data = rng(25).normal(size=ln.bias.shape).astype(np.float32)
        _copy_into_torch(ln, tln)
        x, tx = both(a)
        y, ty = ln(x), tln(tx)
        close(y, ty)
        (y**3).sum().backward()
        (ty**3).sum().backward()
        close(grad_of(x), tx.grad)
        close(grad_of(ln.weight), tln.weight.grad, 1e-6)
        close(grad_of(ln.bias), tln.bias.grad, 1e-6)
    ln = nn.LayerNorm(5, 1e-3, False)
    assert list(ln.state_dict()) == [] and list(ln.parameters()) == []
    x, tx = both(rng(26).normal(size=(3, 5)))
    close(ln(x), TF.layer_norm(tx, (5,), eps=1e-3))


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"momentum": 0.3},
        {"momentum": None},
        {"affine": False},
        {"eps": 1e-2},
        {"track_running_stats": False},
    ],
)
@pytest.mark.parametrize("ndim", [2, 3])
def test_batchnorm1d_train_eval_running_stats(kw, ndim):
    bn = _f64(nn.BatchNorm1d(4, **kw))
    tbn = torch.nn.BatchNorm1d(4, **kw).double()
    names = (
        ["running_mean", "running_var", "num_batches_tracked"]
        if kw.get("track_running_stats", True)
        else []
    )
    assert [n for n, _ in bn.named_buffers()] == names
    assert list(bn.state_dict()) == list(tbn.state_dict())
    if kw.get("affine", True):
        bn.weight.data = rng(27).normal(size=4).astype(np.float32)
        bn.bias.data = rng(28).normal(size=4).astype(np.float32)
    _copy_into_torch(bn, tbn)
    for step in range(3):
        shape = (8, 4) if ndim == 2 else (5, 4, 3)
        a = rng(30 + step).normal(size=shape) * 2 + 1
        x, tx = both(a)
        y, ty = bn(x), tbn(tx)
        close(y, ty)
        (y**2 * ag.tensor(a, dtype=np.float64)).sum().backward()
        (ty**2 * torch.tensor(a)).sum().backward()
        close(grad_of(x), tx.grad)
    for k, v in tbn.state_dict().items():
        close(arr(bn.state_dict()[k]), v, 1e-6)
    bn.eval()
    tbn.eval()
    _copy_into_torch(bn, tbn)  # the float32 buffers, so eval is compared exactly
    a = rng(40).normal(size=(5, 4) if ndim == 2 else (5, 4, 3))
    x, tx = both(a)
    y, ty = bn(x), tbn(tx)
    close(y, ty)
    y.sum().backward()
    ty.sum().backward()
    close(grad_of(x), tx.grad)


def test_embedding_padding_idx():
    emb = nn.Embedding(6, 3, padding_idx=2)
    assert list(emb.state_dict()) == ["weight"] and emb.weight.shape == (6, 3)
    np.testing.assert_array_equal(emb.weight.numpy()[2], 0)
    temb = torch.nn.Embedding(6, 3, padding_idx=2).double()
    _f64(emb)
    _copy_into_torch(emb, temb)
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    y, ty = emb(idx), temb(torch.tensor(idx))
    close(y, ty)
    w = rng(41).normal(size=y.shape)
    (y * ag.tensor(w, dtype=np.float64)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    close(grad_of(emb.weight), temb.weight.grad, 1e-6)
    e2 = nn.Embedding(4, 2)
    assert emb.weight.requires_grad and e2(np.array([3])).shape == (1, 2)
    ag.manual_seed(0)
    big = nn.Embedding(2000, 50).weight.numpy()
    assert abs(big.std() - 1.0) < 0.02  # N(0, 1) as torch


def test_flatten_identity_dropout_modules():
    a = rng(42).normal(size=(2, 3, 4, 5))
    x, tx = both(a)
    assert nn.Flatten()(x).shape == torch.nn.Flatten()(tx).shape
    assert nn.Flatten(0, 2)(x).shape == torch.nn.Flatten(0, 2)(tx).shape
    assert nn.Flatten(start_dim=2)(x).shape == (2, 3, 20)
    assert nn.Flatten(1, -2)(x).shape == (2, 12, 5)
    np.testing.assert_array_equal(nn.Identity()(x).numpy(), a)
    d = nn.Dropout()
    assert d.p == 0.5
    d.eval()
    np.testing.assert_array_equal(d(x).numpy(), a)
    d.train()
    ag.manual_seed(1)
    y = nn.Dropout(0.25)(ag.ones(200, 200)).numpy()
    assert abs((y == 0).mean() - 0.25) < 0.01


ACT_MODULES = [
    ("ReLU", (), {}),
    ("Sigmoid", (), {}),
    ("Tanh", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("LeakyReLU", (), {"negative_slope": 0.05}),
    ("ELU", (0.7,), {}),
    ("SELU", (), {}),
    ("CELU", (), {"alpha": 1.3}),
    ("GELU", (), {}),
    ("GELU", (), {"approximate": "tanh"}),
    ("SiLU", (), {}),
    ("Mish", (), {}),
    ("Softplus", (2.0,), {}),
    ("Softplus", (), {"beta": 1.0, "threshold": 0.5}),
    ("LogSigmoid", (), {}),
    ("Hardtanh", (-2.0, 2.0), {}),
    ("ReLU6", (), {}),
    ("Hardsigmoid", (), {}),
    ("Hardswish", (), {}),
    ("Softsign", (), {}),
]


@pytest.mark.parametrize(
    ("name", "args", "kw"), ACT_MODULES, ids=[f"{a[0]}-{i}" for i, a in enumerate(ACT_MODULES)]
)
def test_activation_modules(name, args, kw):
    a = rng(43).uniform(-7, 7, (4, 6))
    a = np.where(np.abs(a - np.round(a)) < 0.05, a + 0.1, a)
    x, tx = both(a)
    close(getattr(nn, name)(*args, **kw)(x), getattr(torch.nn, name)(*args, **kw)(tx))


def test_softmax_modules():
    a = rng(44).normal(size=(3, 4))
    x, tx = both(a)
    close(nn.Softmax()(x), torch.nn.Softmax(-1)(tx))
    close(nn.LogSoftmax()(x), torch.nn.LogSoftmax(-1)(tx))
    close(nn.Softmax(0)(x), torch.nn.Softmax(0)(tx))
    close(nn.LogSoftmax(dim=0)(x), torch.nn.LogSoftmax(0)(tx))


class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4))
        self.heads = nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 1)])
        self.extra = nn.ModuleDict({"a": nn.LayerNorm(4), "b": nn.Identity()})
        self.register_buffer("scale", ag.tensor(np.ones(2)))

    def forward(self, x):
        h = self.extra["a"](self.body(x))
        return self.heads[0](h) * self.scale


class _TNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.body = torch.nn.Sequential(
            torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.BatchNorm1d(4)
        )
        self.heads = torch.nn.ModuleList([torch.nn.Linear(4, 2), torch.nn.Linear(4, 1)])
        self.extra = torch.nn.ModuleDict({"a": torch.nn.LayerNorm(4), "b": torch.nn.Identity()})
        self.register_buffer("scale", torch.ones(2))


def test_module_api_matches_torch_naming():
    net, tnet = _Net(), _TNet()
    assert list(net.state_dict()) == list(tnet.state_dict())
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in tnet.named_parameters()]
    assert [n for n, _ in net.named_buffers()] == [n for n, _ in tnet.named_buffers()]
    assert [n for n, _ in net.named_modules()] == [n for n, _ in tnet.named_modules()]
    assert [n for n, _ in net.named_children()] == [n for n, _ in tnet.named_children()]
    assert len(list(net.children())) == 3 and len(list(net.modules())) == len(list(tnet.modules()))
    assert len(list(net.buffers())) == len(list(tnet.buffers()))
    assert len(net.heads) == 2 and "a" in net.extra
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen[-1] == "_Net" and len(seen) == len(list(net.modules()))
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_(True)
    assert all(p.requires_grad for p in net.parameters())
    assert net.training and net.eval() is net and not net.body[2].training
    assert net.train() is net and net.body[2].training
    net.heads[0].weight.grad = ag.ones(2, 4)
    net.zero_grad()
    g = net.heads[0].weight.grad
    assert g is None or not np.any(g.numpy())


def test_load_state_dict_strict_and_missing_unexpected():
    a, b = nn.MLP([3, 4, 2]), nn.MLP([3, 4, 2])
    sd = a.state_dict()
    b.load_state_dict(sd)
    for k in sd:
        np.testing.assert_array_equal(arr(b.state_dict()[k]), arr(sd[k]))
    # loading copies: changing the source afterwards does not change b
    before = arr(b.state_dict()["layers.0.weight"]).copy()
    a.layers[0].weight.data += 1
    np.testing.assert_array_equal(arr(b.state_dict()["layers.0.weight"]), before)
    partial = {k: v for k, v in sd.items() if k != "layers.2.bias"}
    partial["junk"] = np.zeros(1)
    with pytest.raises((KeyError, RuntimeError, ValueError)):
        b.load_state_dict(partial)
    res = b.load_state_dict(partial, strict=False)
    missing, unexpected = res
    assert list(missing) == ["layers.2.bias"] and list(unexpected) == ["junk"]
    assert list(res.missing_keys) == ["layers.2.bias"] and list(res.unexpected_keys) == ["junk"]
    bad = dict(sd)
    bad["layers.0.weight"] = np.zeros((3, 4), np.float32)
    with pytest.raises((ValueError, RuntimeError)):
        b.load_state_dict(bad)


def test_state_dict_loaded_from_torch():
    t = torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2)
    )
    t(torch.randn(10, 3))  # moves the running stats
    m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    m.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    m.eval()
    t.eval()
    x = rng(45).normal(size=(5, 3)).astype(np.float32)
    close(m(ag.tensor(x)), t(torch.tensor(x)), 1e-5)
    assert int(arr(m.state_dict()["1.num_batches_tracked"])) == 1


# ------------------------------------------------------------- nn.utils


def _grads_pair(seed=46):
    r = rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    ps, tps = [], []
    for s in shapes:
        g = r.normal(size=s) * 3
        p = ag.tensor(r.normal(size=s), requires_grad=True, dtype=np.float64)
        p.grad = ag.tensor(g, dtype=np.float64)
        tp = torch.tensor(p.numpy(), requires_grad=True)
        tp.grad = torch.tensor(g)
        ps.append(p)
        tps.append(tp)
    return ps, tps


@pytest.mark.parametrize("norm_type", [2, 2.0, 1, 1.0, math.inf, float("inf"), 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm(norm_type, max_norm):
    ps, tps = _grads_pair()
    total = nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type)
    close(np.asarray(total.numpy() if hasattr(total, "numpy") else total), ttotal)
    for p, tp in zip(ps, tps):
        close(grad_of(p), tp.grad, 1e-7)
    ps, tps = _grads_pair(47)
    total = nn.utils.clip_grad_norm_(ps, max_norm=max_norm, norm_type=norm_type)
    close(
        np.asarray(total.numpy() if hasattr(total, "numpy") else total),
        torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type),
    )


def test_clip_grad_norm_default_and_single_tensor_and_none_grad():
    ps, tps = _grads_pair(48)
    extra = ag.tensor(np.ones(2), requires_grad=True)  # no grad: ignored
    total = nn.utils.clip_grad_norm_([*ps, extra], 1.0)
    close(np.asarray(total.numpy()), torch.nn.utils.clip_grad_norm_(tps, 1.0))
    for p, tp in zip(ps, tps):
        close(grad_of(p), tp.grad, 1e-7)
    ps, tps = _grads_pair(49)
    close(
        np.asarray(nn.utils.clip_grad_norm_(ps[0], 0.1).numpy()),
        torch.nn.utils.clip_grad_norm_(tps[0], 0.1),
    )
    close(grad_of(ps[0]), tps[0].grad, 1e-7)


def test_clip_grad_value_and_vectors():
    ps, tps = _grads_pair(50)
    assert nn.utils.clip_grad_value_(ps, 0.7) is None
    torch.nn.utils.clip_grad_value_(tps, 0.7)
    for p, tp in zip(ps, tps):
        close(grad_of(p), tp.grad)
    nn.utils.clip_grad_value_(ps, clip_value=0.1)
    assert max(np.abs(grad_of(p)).max() for p in ps) <= 0.1
    v = nn.utils.parameters_to_vector(ps)
    tv = torch.nn.utils.parameters_to_vector(tps)
    close(v, tv)
    new = np.arange(v.shape[0], dtype=np.float64)
    nn.utils.vector_to_parameters(ag.tensor(new, dtype=np.float64), ps)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), tps)
    for p, tp in zip(ps, tps):
        close(p, tp)


# ------------------------------------------------------------- nn.init


def test_calculate_gain_matches_torch():
    for nl, param in [
        ("linear", None),
        ("conv1d", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
    ]:
        assert nn.init.calculate_gain(nl, param) == pytest.approx(
            torch.nn.init.calculate_gain(nl, param), rel=1e-12
        )


def _stats(fn, shape, *args, **kw):
    ag.manual_seed(0)
    t = nn.Parameter(ag.zeros(*shape))
    out = fn(t, *args, **kw)
    assert out is t or out is None or np.shares_memory(np.asarray(out.numpy()), t.numpy())
    return t.numpy().astype(np.float64)


@pytest.mark.parametrize("shape", [(300, 200), (60, 20, 3, 3)])
def test_init_statistics(shape):
    fan_in = shape[1] * int(np.prod(shape[2:]))
    fan_out = shape[0] * int(np.prod(shape[2:]))
    I = nn.init
    w = _stats(I.xavier_uniform_, shape)
    b = math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(w).max() <= b and abs(w.std() - b / math.sqrt(3)) < 0.02 * b
    w = _stats(I.xavier_uniform_, shape, 2.0)
    assert np.abs(w).max() <= 2 * b and abs(w.std() - 2 * b / math.sqrt(3)) < 0.04 * b
    w = _stats(I.xavier_normal_, shape, gain=0.5)
    assert abs(w.std() - 0.5 * math.sqrt(2 / (fan_in + fan_out))) < 0.02 * w.std()
    w = _stats(I.kaiming_uniform_, shape)
    b = math.sqrt(2) * math.sqrt(3 / fan_in)
    assert np.abs(w).max() <= b and abs(w.std() - b / math.sqrt(3)) < 0.02 * b
    w = _stats(I.kaiming_uniform_, shape, math.sqrt(5))
    b = math.sqrt(2 / 6) * math.sqrt(3 / fan_in)
    assert np.abs(w).max() <= b + 1e-7 and abs(w.std() - b / math.sqrt(3)) < 0.02 * b
    w = _stats(I.kaiming_normal_, shape, mode="fan_out")
    assert abs(w.std() - math.sqrt(2 / fan_out)) < 0.02 * w.std()
    w = _stats(I.kaiming_normal_, shape, 0, "fan_in", "linear")
    assert abs(w.std() - math.sqrt(1 / fan_in)) < 0.02 * w.std()
    w = _stats(I.kaiming_normal_, shape, nonlinearity="tanh")
    assert abs(w.std() - (5 / 3) / math.sqrt(fan_in)) < 0.02 * w.std()
    w = _stats(I.uniform_, shape)
    assert w.min() >= 0 and w.max() <= 1 and abs(w.mean() - 0.5) < 0.01
    w = _stats(I.uniform_, shape, -3.0, -1.0)
    assert w.min() >= -3 and w.max() <= -1 and abs(w.mean() + 2) < 0.02
    w = _stats(I.normal_, shape)
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    w = _stats(I.normal_, shape, 2.0, 0.5)
    assert abs(w.mean() - 2) < 0.01 and abs(w.std() - 0.5) < 0.01
    np.testing.assert_array_equal(_stats(I.constant_, shape, 0.25), 0.25)
    np.testing.assert_array_equal(_stats(I.ones_, shape), 1)
    t = nn.Parameter(ag.ones(*shape))
    I.zeros_(t)
    np.testing.assert_array_equal(t.numpy(), 0)


@pytest.mark.parametrize("shape", [(5, 8), (8, 5), (4, 2, 3)])
def test_orthogonal(shape):
    w = _stats(nn.init.orthogonal_, shape).reshape(shape[0], -1)
    g = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(g, np.eye(g.shape[0]), atol=1e-5)
    w = _stats(nn.init.orthogonal_, shape, 3.0).reshape(shape[0], -1)
    g = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(g, 9 * np.eye(g.shape[0]), atol=1e-4)


def test_init_is_seeded_and_keeps_dtype():
    a = _stats(nn.init.xavier_uniform_, (4, 5))
    b = _stats(nn.init.xavier_uniform_, (4, 5))
    np.testing.assert_array_equal(a, b)
    t = nn.Parameter(ag.zeros(4, 5))
    nn.init.kaiming_normal_(t)
    assert t.dtype == np.float32 and t.requires_grad


# ---------------------------------------------------------------- optim

_T = rng(60).normal(size=(3, 4))


def _loss(ws, lib):
    """A smooth non-quadratic loss of two parameters, in either library."""
    w, b = ws
    tgt = _T if lib is ag else torch.tensor(_T)
    if lib is ag:
        h = (w * 1.5).tanh() + b
        return ((h - tgt) ** 2).sum() + (w**4).sum() * 0.1
    h = torch.tanh(w * 1.5) + b
    return ((h - tgt) ** 2).sum() + (w**4).sum() * 0.1


def _params():
    r = rng(61)
    a, b = r.normal(size=(3, 4)), r.normal(size=(4,))
    p = [
        ag.tensor(a, requires_grad=True, dtype=np.float64),
        ag.tensor(b, requires_grad=True, dtype=np.float64),
    ]
    tp = [torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)]
    return p, tp


def _step(opt, params, lib):
    opt.zero_grad()
    _loss(params, lib).backward()
    opt.step()


OPT_CASES = [
    ("SGD", (0.1,), {}),
    ("SGD", (0.05, 0.9), {}),
    ("SGD", (0.05, 0.9, 0.01, True), {}),
    ("SGD", (0.05,), {"momentum": 0.8, "dampening": 0.3, "weight_decay": 0.02}),
    ("SGD", (0.05,), {"momentum": 0.8, "maximize": True}),
    ("Adam", (), {}),
    ("Adam", (0.05, (0.8, 0.9), 1e-6, 0.01), {}),
    ("Adam", (0.05,), {"amsgrad": True, "weight_decay": 0.1}),
    ("Adam", (0.05,), {"maximize": True}),
    ("AdamW", (), {}),
    ("AdamW", (0.05, (0.85, 0.95), 1e-7, 0.3, True), {}),
    ("RMSprop", (), {}),
    ("RMSprop", (0.01, 0.9, 1e-6, 0.05, 0.5, True), {}),
    ("RMSprop", (0.01,), {"centered": True}),
    ("Adagrad", (), {}),
    ("Adagrad", (0.1, 0.05, 0.02), {"eps": 1e-6}),
]


@pytest.mark.parametrize(
    ("name", "args", "kw"), OPT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(OPT_CASES)]
)
def test_optimizer_matches_torch_and_state_dict_mid_training(name, args, kw):
    p, tp = _params()
    opt = getattr(optim, name)(p, *args, **kw)
    topt = getattr(torch.optim, name)(tp, *args, **kw) if name != "SGD" or len(args) < 3 else None
    if topt is None:  # torch's SGD positional order differs (dampening before weight_decay)
        lr, mom, wd, nest = args
        topt = torch.optim.SGD(tp, lr, mom, weight_decay=wd, nesterov=nest)
    for _ in range(4):
        _step(opt, p, ag)
        _step(topt, tp, torch)
    for a, b in zip(p, tp):
        close(a, b)
    # round trip the state into a fresh optimiser, keep training
    sd = opt.state_dict()
    p2 = [ag.tensor(a.numpy().copy(), requires_grad=True, dtype=np.float64) for a in p]
    opt2 = getattr(optim, name)(p2, *args, **kw)
    opt2.load_state_dict(sd)
    for _ in range(4):
        _step(opt2, p2, ag)
        _step(opt, p, ag)
        _step(topt, tp, torch)
    for a, a2, b in zip(p, p2, tp):
        close(a, b)
        np.testing.assert_array_equal(a2.numpy(), a.numpy())


def test_optimizer_defaults_match_api():
    p, _ = _params()
    d = optim.Adam(p).param_groups[0]
    assert (d["lr"], tuple(d["betas"]), d["eps"], d["weight_decay"]) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        0.0,
    )
    d = optim.AdamW(p).param_groups[0]
    assert (d["lr"], tuple(d["betas"]), d["eps"], d["weight_decay"]) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        1e-2,
    )
    d = optim.RMSprop(p).param_groups[0]
    assert (d["lr"], d["alpha"], d["eps"], d["weight_decay"], d["momentum"], d["centered"]) == (
        1e-2,
        0.99,
        1e-8,
        0,
        0,
        False,
    )
    d = optim.Adagrad(p).param_groups[0]
    assert (d["lr"], d["lr_decay"], d["weight_decay"], d["eps"]) == (1e-2, 0, 0, 1e-10)
    d = optim.SGD(p, 0.1).param_groups[0]
    assert (d["momentum"], d["weight_decay"], d["nesterov"], d["dampening"], d["maximize"]) == (
        0.0,
        0.0,
        False,
        0.0,
        False,
    )


def test_param_groups_and_add_param_group():
    p, tp = _params()
    opt = optim.SGD(
        [{"params": [p[0]], "lr": 0.2, "weight_decay": 0.1}, {"params": [p[1]]}],
        lr=0.05,
        momentum=0.9,
    )
    topt = torch.optim.SGD(
        [{"params": [tp[0]], "lr": 0.2, "weight_decay": 0.1}, {"params": [tp[1]]}],
        lr=0.05,
        momentum=0.9,
    )
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.05]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[0]["weight_decay"] == 0.1
    for _ in range(3):
        _step(opt, p, ag)
        _step(topt, tp, torch)
    opt.param_groups[1]["lr"] = 0.01  # edited in place, as schedulers do
    topt.param_groups[1]["lr"] = 0.01
    for _ in range(3):
        _step(opt, p, ag)
        _step(topt, tp, torch)
    for a, b in zip(p, tp):
        close(a, b)
    # add_param_group
    p, tp = _params()
    opt = optim.Adam([p[0]], lr=0.01)
    topt = torch.optim.Adam([tp[0]], lr=0.01)
    _step(opt, p, ag)
    _step(topt, tp, torch)
    opt.add_param_group({"params": [p[1]], "lr": 0.1, "betas": (0.5, 0.6)})
    topt.add_param_group({"params": [tp[1]], "lr": 0.1, "betas": (0.5, 0.6)})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["eps"] == 1e-8
    for _ in range(3):
        _step(opt, p, ag)
        _step(topt, tp, torch)
    for a, b in zip(p, tp):
        close(a, b)
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [
        g["params"] for g in topt.state_dict()["param_groups"]
    ]
    with pytest.raises((ValueError, KeyError)):
        opt.add_param_group({"params": [p[0]]})  # already in a group


@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("SGD", {"lr": -0.1}),
        ("SGD", {"lr": float("nan")}),
        ("SGD", {"lr": float("inf")}),
        ("SGD", {"lr": 0.1, "momentum": -1}),
        ("SGD", {"lr": 0.1, "nesterov": True}),
        ("Adam", {"betas": (1.0, 0.9)}),
        ("Adam", {"betas": (0.9, -0.1)}),
        ("Adam", {"eps": -1.0}),
        ("Adam", {"lr": float("nan")}),
        ("AdamW", {"weight_decay": -1.0}),
        ("RMSprop", {"alpha": -0.5}),
        ("Adagrad", {"lr_decay": -1.0}),
    ],
)
def test_hyperparameters_validated(name, kw):
    p, tp = _params()
    lr = kw.get("lr", 0.1)
    if math.isfinite(lr):  # torch lets a NaN/inf lr through; API.md does not
        with pytest.raises(ValueError):
            getattr(torch.optim, name)(tp, **kw)
    with pytest.raises(ValueError):
        getattr(optim, name)(p, **kw)


def test_hyperparameters_validated_on_load_state_dict():
    p, _ = _params()
    opt = optim.Adam(p, lr=0.01)
    _step(opt, p, ag)
    sd = opt.state_dict()
    import copy

    bad = copy.deepcopy(sd)
    bad["param_groups"][0]["lr"] = float("nan")
    with pytest.raises(ValueError):
        optim.Adam(p).load_state_dict(bad)
    bad = copy.deepcopy(sd)
    bad["param_groups"][0]["betas"] = (0.9, 1.5)
    with pytest.raises(ValueError):
        optim.Adam(p).load_state_dict(bad)


def test_optimizer_state_dict_not_aliased():
    p, _ = _params()
    opt = optim.SGD(p, 0.1, momentum=0.9)
    _step(opt, p, ag)
    sd = opt.state_dict()
    snap = {
        k: {n: np.array(arr(v)) for n, v in s.items() if hasattr(v, "shape")}
        for k, s in sd["state"].items()
    }
    for _ in range(2):
        _step(opt, p, ag)
    for k, s in sd["state"].items():
        for n, v in snap[k].items():
            np.testing.assert_array_equal(
                arr(s[n]), v, err_msg="state_dict() aliases the live optimiser state"
            )


# --------------------------------------------------------- lr_scheduler

_METRICS = [1.0 / (1 + i) if i < 8 else 0.12 + 0.001 * (i % 3) for i in range(40)]


def _sched(lib, name, opt, subs=None):
    L = lr_scheduler if lib is ag else torch.optim.lr_scheduler
    if name == "StepLR":
        return L.StepLR(opt, 7)
    if name == "StepLR-g":
        return L.StepLR(opt, step_size=5, gamma=0.5)
    if name == "CosineAnnealingLR":
        return L.CosineAnnealingLR(opt, 13)
    if name == "CosineAnnealingLR-min":
        return L.CosineAnnealingLR(opt, T_max=10, eta_min=0.01)
    if name == "MultiStepLR":
        return L.MultiStepLR(opt, [3, 10, 10, 25])
    if name == "MultiStepLR-g":
        return L.MultiStepLR(opt, milestones=[5, 20], gamma=0.3)
    if name == "ExponentialLR":
        return L.ExponentialLR(opt, 0.9)
    if name == "LinearLR":
        return L.LinearLR(opt)
    if name == "LinearLR-kw":
        return L.LinearLR(opt, start_factor=1.0, end_factor=0.05, total_iters=30)
    if name == "OneCycleLR":
        return L.OneCycleLR(opt, 0.5, total_steps=41)
    if name == "OneCycleLR-epochs":
        return L.OneCycleLR(
            opt,
            [0.5, 0.2],
            epochs=4,
            steps_per_epoch=11,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
        )
    if name == "OneCycleLR-nomom":
        return L.OneCycleLR(
            opt,
            max_lr=0.3,
            total_steps=45,
            cycle_momentum=False,
            div_factor=10.0,
            final_div_factor=100.0,
        )
    if name == "LambdaLR":
        return L.LambdaLR(opt, lambda e: 0.95**e + 0.01 * (e % 4))
    if name == "LambdaLR-list":
        return L.LambdaLR(opt, [lambda e: 1.0 / (1 + e), lambda e: 0.9**e])
    if name == "SequentialLR":
        a = L.LinearLR(opt, start_factor=0.1, total_iters=5)
        b = L.CosineAnnealingLR(opt, T_max=20)
        c = L.ExponentialLR(opt, gamma=0.8)
        return L.SequentialLR(opt, [a, b, c], milestones=[5, 25])
    if name == "ReduceLROnPlateau":
        return L.ReduceLROnPlateau(opt, patience=2)
    if name == "ReduceLROnPlateau-max":
        return L.ReduceLROnPlateau(opt, "max", 0.5, 1, 0.01, "abs", 2, 0.002)
    raise AssertionError(name)


SCHEDS = [
    "StepLR",
    "StepLR-g",
    "CosineAnnealingLR",
    "CosineAnnealingLR-min",
    "MultiStepLR",
    "MultiStepLR-g",
    "ExponentialLR",
    "LinearLR",
    "LinearLR-kw",
    "OneCycleLR",
    "OneCycleLR-epochs",
    "OneCycleLR-nomom",
    "LambdaLR",
    "LambdaLR-list",
    "SequentialLR",
    "ReduceLROnPlateau",
    "ReduceLROnPlateau-max",
]


def _opts(lib):
    w1 = (
        ag.tensor(np.ones(2), requires_grad=True)
        if lib is ag
        else torch.ones(2, requires_grad=True)
    )
    w2 = (
        ag.tensor(np.ones(3), requires_grad=True)
        if lib is ag
        else torch.ones(3, requires_grad=True)
    )
    O = optim if lib is ag else torch.optim
    return O.SGD([{"params": [w1]}, {"params": [w2], "lr": 0.05}], lr=0.1, momentum=0.9)


def _advance(sched, opt, name, i):
    opt.step()
    if name.startswith("ReduceLROnPlateau"):
        sched.step(_METRICS[i])
    else:
        sched.step()
    return [(g["lr"], g.get("momentum")) for g in opt.param_groups]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", SCHEDS)
def test_scheduler_sequence_and_state_dict(name):
    opt, topt = _opts(ag), _opts(torch)
    s, ts = _sched(ag, name, opt), _sched(torch, name, topt)
    got, want = [], []
    assert [g["lr"] for g in opt.param_groups] == pytest.approx(
        [g["lr"] for g in topt.param_groups], rel=1e-12
    )
    for i in range(40):
        got.append(_advance(s, opt, name, i))
        want.append(_advance(ts, topt, name, i))
        if i == 14:
            sd, osd = s.state_dict(), opt.state_dict()
    np.testing.assert_allclose(
        np.array(got, dtype=float), np.array(want, dtype=float), rtol=1e-10, atol=1e-15
    )
    if not name.startswith("ReduceLROnPlateau"):
        assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-10)
    # resume at step 15 from the state dicts into fresh objects
    opt2 = _opts(ag)
    s2 = _sched(ag, name, opt2)
    opt2.load_state_dict(osd)
    s2.load_state_dict(sd)
    resumed = [_advance(s2, opt2, name, i) for i in range(15, 40)]
    np.testing.assert_allclose(
        np.array(resumed, dtype=float), np.array(got[15:], dtype=float), rtol=1e-10, atol=1e-15
    )


# ---------------------------------------------------------------- testing

from autograd_mlp.testing import GradcheckError, check_op, gradcheck, gradgradcheck  # noqa: E402


class _Cube(ag.Op):
    """``x³``.

    Derivative: 3x²
    """

    name = "acc_cube"
    signature = "unary"
    reference = staticmethod(lambda x: x**3)

    def forward(self, x):
        return x**3

    def backward(self, g, out, x):
        return (3 * g * x * x,)


class _CubeWrong(_Cube):
    """``x³`` with a gradient 1 % off.

    Derivative: 3x²
    """

    name = "acc_cube_wrong"

    def backward(self, g, out, x):
        return (3.03 * g * x * x,)


class _CubeFlat(_Cube):
    """``x³`` whose backward reads raw numpy: right first order, zero second.

    Derivative: 3x²
    """

    name = "acc_cube_flat"

    def backward(self, g, out, x):
        xv = x.data if isinstance(x, ag.Tensor) else x
        return (g * (3 * xv * xv),)


class _MulWrongW(ag.Op):
    """``x · w`` with the gradient of ``w`` doubled.

    Derivative: w, x
    """

    name = "acc_mul_wrong_w"
    signature = "binary"
    reference = staticmethod(np.multiply)

    def forward(self, x, w):
        return x * w

    def backward(self, g, out, x, w):
        return g * w, 2 * g * x


def _x(shape=(3, 2), seed=70):
    return ag.tensor(rng(seed).normal(size=shape), requires_grad=True, dtype=np.float64)


def test_gradcheck_passes_and_fails_with_names():
    x = _x()
    assert gradcheck(lambda t: _Cube.apply(t).sum(), [x]) is True
    assert gradcheck(lambda t: _Cube.apply(t), (x,), 1e-6, 1e-5, 1e-3) is True
    assert gradcheck(lambda t: (t.tanh() * t).sum(), x) is True
    with pytest.raises(GradcheckError) as e:
        gradcheck(lambda a, b: (a * _CubeWrong.apply(b)).sum(), [_x(seed=1), _x(seed=2)])
    msg = str(e.value)
    assert "1" in msg and ("input" in msg or "b" in msg)
    assert isinstance(e.value, AssertionError)
    # non-float64 eps mistakes do not mask a wrong gradient
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: _CubeWrong.apply(t), [x], eps=1e-6, atol=1e-5, rtol=1e-3)


def test_gradcheck_does_not_mutate_inputs():
    x = _x()
    before = x.numpy().tobytes()
    gradcheck(lambda t: _Cube.apply(t).sum(), [x])
    assert x.numpy().tobytes() == before
    assert x.grad is None or True  # it may leave grads; values are what matter


def test_gradcheck_unused_input_is_an_error():
    x, y = _x(seed=3), _x(seed=4)
    w = _x(seed=5)
    with pytest.raises(GradcheckError):
        gradcheck(lambda a, b: (a * a).sum(), [x, y])
    assert gradcheck(lambda a, b: (a * a).sum(), [x, y], allow_unused=True) is True
    with pytest.raises(GradcheckError):  # ignores its argument, closes over w
        gradcheck(lambda a: (w * w).sum(), [x])
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda a, b: (a * a * a).sum(), [x, y])
    assert gradgradcheck(lambda a, b: (a * a * a).sum(), [x, y], allow_unused=True) is True


def test_gradcheck_params_closed_over_and_restored_bit_for_bit():
    x = _x(seed=6)
    w = _x(seed=7)
    before = w.numpy().copy()
    f = lambda a: _MulWrongW.apply(a, w).sum()  # noqa: E731
    assert gradcheck(f, [x]) is True  # only x is checked: its gradient is right
    with pytest.raises(GradcheckError):
        gradcheck(f, [x], params=[w])
    assert w.numpy().tobytes() == before.tobytes()
    good = lambda a: (a * w).tanh().sum()  # noqa: E731
    assert gradcheck(good, [x], params=[w]) is True
    assert w.numpy().tobytes() == before.tobytes()


class _WrongLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(ag.tensor(rng(8).normal(size=(3, 2)), dtype=np.float64))

    def forward(self, x):
        return _MulWrongW.apply(x, self.weight)


def test_gradcheck_module():
    m = nn.MLP([2, 3, 1], activation="tanh")
    sd = {k: arr(v).copy() for k, v in m.state_dict().items()}
    x = _x(shape=(4, 2), seed=9)
    assert gradcheck(m, [x]) is True
    for k, v in m.state_dict().items():
        assert arr(v).tobytes() == sd[k].tobytes(), f"{k} not restored bit for bit"
    bad = _WrongLinear()
    w0 = bad.weight.numpy().tobytes()
    with pytest.raises(GradcheckError) as e:
        gradcheck(bad, [_x(seed=10)])
    assert "weight" in str(e.value)
    assert bad.weight.numpy().tobytes() == w0


def test_gradgradcheck_catches_a_non_dual_backward():
    x = _x(seed=11)
    assert gradcheck(lambda t: _CubeFlat.apply(t).sum(), [x]) is True
    assert gradgradcheck(lambda t: _Cube.apply(t).sum(), [x]) is True
    with pytest.raises(GradcheckError):
        gradgradcheck(lambda t: _CubeFlat.apply(t).sum(), [x])


def test_check_op_on_user_ops():
    assert check_op(_Cube, examples=5) is True
    assert check_op(_Cube, examples=5, dtype=np.float64) is True
    with pytest.raises(GradcheckError):
        check_op(_CubeWrong, examples=5)
    # (a non-dual backward and a wrong second-input gradient are caught by
    # gradgradcheck / gradcheck(params=) above; check_op's shrinking is slow)


class _Mutating(_Cube):
    """``x³`` that scribbles on its input.

    Derivative: 3x²
    """

    name = "acc_cube_mut"

    def forward(self, x):
        out = x**3
        x += 0.0 * x + 1e-3
        return out


def test_check_op_catches_mutation():
    with pytest.raises(GradcheckError):
        check_op(_Mutating, examples=5)


def test_plugin_fixtures_and_option(tmp_path):
    (tmp_path / "test_user.py").write_text(
        "import numpy as np\n"
        "import autograd_mlp as ag\n"
        "def test_ok(gradcheck, assert_grads_close):\n"
        "    x = ag.tensor(np.arange(3.0) + 1, requires_grad=True, dtype=np.float64)\n"
        "    assert gradcheck(lambda t: (t * t).sum(), [x])\n"
        "    (x * x).sum().backward()\n"
        "    assert_grads_close(x.grad, 2 * x.numpy())\n"
        "def test_bad(assert_grads_close):\n"
        "    assert_grads_close(np.array([1.0, 2.0]), np.array([1.0, 2.5]))\n"
    )
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--gradcheck-examples",
        "3",
        str(tmp_path),
    ]
    r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert "1 failed, 1 passed" in out, out
    assert "gradients differ" in out or "2.5" in out
    r = subprocess.run(
        [*cmd[:-3], "--gradcheck-examples", "0", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0 and r.returncode != 1, (
        r.stdout + r.stderr
    )  # a usage error, not test failures


# ------------------------------------------------ checkpoints and interop


def _layers():
    return [
        nn.Linear(3, 4),
        nn.Linear(3, 4, bias=False),
        nn.MLP([3, 5, 4]),
        nn.MLP([3, 5, 6, 4], activation="tanh", dropout=0.25, norm="batch"),
        nn.MLP([3, 5, 4], activation="sigmoid", norm="layer"),
        nn.Sequential(
            nn.Linear(3, 4),
            nn.LeakyReLU(0.2),
            nn.LayerNorm(4, eps=1e-3),
            nn.Linear(4, 2),
            nn.Softmax(0),
        ),
        nn.Sequential(
            nn.Linear(3, 4),
            nn.BatchNorm1d(4, momentum=None, eps=1e-2),
            nn.ELU(0.5),
            nn.Dropout(0.1),
        ),
        nn.Sequential(
            nn.Linear(3, 3),
            nn.BatchNorm1d(3, affine=False),
            nn.GELU(approximate="tanh"),
            nn.Identity(),
        ),
        nn.Sequential(
            nn.Linear(3, 4),
            nn.Softplus(2.0, 5.0),
            nn.Hardtanh(-0.5, 0.7),
            nn.CELU(1.5),
            nn.LogSoftmax(),
        ),
        nn.Sequential(
            nn.Linear(3, 4),
            nn.SELU(),
            nn.SiLU(),
            nn.Mish(),
            nn.LogSigmoid(),
            nn.ReLU6(),
            nn.Hardsigmoid(),
            nn.Hardswish(),
            nn.Softsign(),
            nn.Sigmoid(),
            nn.Tanh(),
            nn.ReLU(),
        ),
        nn.LayerNorm((3,), elementwise_affine=False),
        nn.BatchNorm1d(3, track_running_stats=False),
    ]


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
@pytest.mark.parametrize("i", range(12))
def test_save_load_rebuilds_every_layer(tmp_path, suffix, i):
    m = _layers()[i]
    x = ag.tensor(rng(80).normal(size=(6, 3)))
    m.train()
    with ag.no_grad():
        m(x)  # moves batch-norm running stats
        m(x * 2)
    m.eval()
    path = tmp_path / f"m{suffix}"
    nn.save(m, path)
    m2 = nn.load(path)
    assert type(m2) is type(m) and repr(m2) == repr(m)
    assert list(m2.state_dict()) == list(m.state_dict())
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(arr(m2.state_dict()[k]), arr(v), err_msg=k)
        assert arr(m2.state_dict()[k]).dtype == arr(v).dtype, k
    m2.eval()
    np.testing.assert_array_equal(m2(x).numpy(), m(x).numpy())
    m.train()
    m2.train()
    if not any(isinstance(s, nn.Dropout) for s in m.modules()):
        np.testing.assert_array_equal(m2(x).numpy(), m(x).numpy())


def test_save_load_embedding_and_state_dict(tmp_path):
    e = nn.Embedding(7, 3, padding_idx=1)
    nn.save(e, tmp_path / "e.safetensors")
    e2 = nn.load(tmp_path / "e.safetensors")
    assert isinstance(e2, nn.Embedding) and e2.padding_idx == 1 and repr(e2) == repr(e)
    np.testing.assert_array_equal(e2.weight.numpy(), e.weight.numpy())
    sd = nn.MLP([3, 4, 2]).state_dict()
    nn.save(sd, tmp_path / "sd.npz")
    back = nn.load(tmp_path / "sd.npz")
    assert list(back) == list(sd)
    for k in sd:
        np.testing.assert_array_equal(arr(back[k]), arr(sd[k]))


def test_safetensors_loaded_by_torch_modules(tmp_path):
    st = optional("safetensors.torch", "checkpoint")
    m = nn.MLP([3, 5, 6, 2], activation="tanh", norm="batch")
    with ag.no_grad():
        m(ag.tensor(rng(81).normal(size=(8, 3))))
    m.eval()
    nn.save(m, tmp_path / "m.safetensors")
    sd = st.load_file(str(tmp_path / "m.safetensors"))
    assert set(sd) == set(m.state_dict())
    t = torch.nn.Sequential(
        torch.nn.Linear(3, 5),
        torch.nn.BatchNorm1d(5),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 6),
        torch.nn.BatchNorm1d(6),
        torch.nn.Tanh(),
        torch.nn.Linear(6, 2),
    )
    tm = torch.nn.Module()
    tm.layers = t
    tm.load_state_dict(sd, strict=True)
    tm.eval()
    x = rng(82).normal(size=(4, 3)).astype(np.float32)
    close(m(ag.tensor(x)), t(torch.tensor(x)), 1e-5)
    lin = nn.Linear(3, 2)
    nn.save(lin, tmp_path / "lin.safetensors")
    tl = torch.nn.Linear(3, 2)
    tl.load_state_dict(st.load_file(str(tmp_path / "lin.safetensors")))
    close(lin(ag.tensor(x)), tl(torch.tensor(x)), 1e-6)
    # and the other way: a torch safetensors file into the package's module
    tsd = {k: v.contiguous() for k, v in t.state_dict().items()}
    st.save_file(tsd, str(tmp_path / "t.safetensors"))
    m3 = nn.MLP([3, 5, 6, 2], activation="tanh", norm="batch")
    m3.load_state_dict(
        {"layers." + k: arr(v) for k, v in nn.load(tmp_path / "t.safetensors").items()}
    )
    m3.eval()
    close(m3(ag.tensor(x)), t(torch.tensor(x)), 1e-5)


def test_load_never_unpickles(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, weight=np.array([object()], dtype=object))
    with pytest.raises(Exception) as e:
        nn.load(path)
    assert not isinstance(e.value, (AttributeError, NameError))
    text = tmp_path / "junk.safetensors"
    text.write_bytes(b"not a safetensors file")
    with pytest.raises(Exception) as e:
        nn.load(text)
    assert "junk.safetensors" in str(e.value)
    with pytest.raises((FileNotFoundError, OSError)):
        nn.load(tmp_path / "missing.npz")


# ---------------------------------------------------------------- viz


def test_animate_backward_grads_and_frames(tmp_path):
    graphviz = optional("graphviz", "viz")
    from autograd_mlp.viz import animate_backward

    def build():
        ag.manual_seed(3)
        m = nn.MLP([3, 4, 2])
        x = ag.tensor(rng(90).normal(size=(5, 3)))
        return m, F.cross_entropy(m(x), np.array([0, 1, 1, 0, 1]))

    m1, loss1 = build()
    loss1.backward()
    m2, loss2 = build()
    anim = animate_backward(loss2)
    for (n, p1), (_, p2) in zip(m1.named_parameters(), m2.named_parameters()):
        np.testing.assert_array_equal(p2.grad.numpy(), p1.grad.numpy(), err_msg=n)
    assert isinstance(anim.frames, list) and len(anim.frames) >= 2
    assert all(isinstance(f, graphviz.Digraph) for f in anim.frames)
    assert len(anim.steps) == len(anim.frames)
    assert isinstance(anim._repr_html_(), str)
    anim.save(tmp_path / "a.html")
    assert (tmp_path / "a.html").stat().st_size > 0
    # the graph is freed as backward would free it
    with pytest.raises(RuntimeError):  # as torch's "backward through the graph a second time"
        loss2.backward()
    # retain_graph=True keeps it; grad= is passed through
    m3, loss3 = build()
    animate_backward(loss3, ag.tensor(2.0), True)
    loss3.backward()
    for (n, p1), (_, p3) in zip(m1.named_parameters(), m3.named_parameters()):
        np.testing.assert_allclose(p3.grad.numpy(), 3 * p1.grad.numpy(), rtol=1e-6, err_msg=n)


def test_plot_weights_and_samples(tmp_path):
    mpl = optional("matplotlib", "plot")
    mpl.use("Agg")
    from matplotlib.figure import Figure

    from autograd_mlp.viz import plot_samples, plot_weights

    lin = nn.Linear(16, 6)
    fig = plot_weights(lin, (4, 4))
    assert isinstance(fig, Figure)
    fig = plot_weights(lin.weight.numpy(), image_shape=(4, 4), path=tmp_path / "w.png")
    assert isinstance(fig, Figure) and (tmp_path / "w.png").stat().st_size > 0
    X = rng(91).uniform(size=(30, 16))
    y = rng(92).integers(0, 3, 30)
    fig = plot_samples(X, y, None, (4, 4), 9, tmp_path / "s.png")
    assert isinstance(fig, Figure) and (tmp_path / "s.png").stat().st_size > 0
    fig = plot_samples(X, y, pred=y[::-1].copy(), image_shape=(4, 4), n=4)
    assert isinstance(fig, Figure)
    import matplotlib.pyplot as plt

    plt.close("all")


# ---------------------------------------------------------------- CLI


def _cli(*args, cwd):
    import os
    import re

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "autograd_mlp", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return r.returncode, r.stdout + r.stderr, re


def _main(capsys, *args):
    """The CLI in process (the same ``main`` as ``python -m autograd_mlp``)."""
    from autograd_mlp.cli import main

    capsys.readouterr()
    try:
        rc = main([str(a) for a in args])
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


@pytest.mark.parametrize("cmd", [(), ("train",), ("evaluate",), ("predict",), ("graph",)])
def test_cli_help(capsys, cmd):
    rc, out = _main(capsys, *cmd, "--help")
    assert rc == 0 and "usage" in out.lower()
    if not cmd:
        for sub in ("train", "graph", "evaluate", "predict"):
            assert sub in out


def test_cli_module_entry_point_help(tmp_path):
    rc, out, _ = _cli("--help", cwd=tmp_path)
    assert rc == 0 and "train" in out and "graph" in out


def test_cli_train_evaluate_predict_graph(tmp_path, capsys):
    from autograd_mlp.data import load_mnist_sample

    ck = tmp_path / "run" / "c.npz"
    ck.parent.mkdir()
    rc, out, re = _cli(
        "train",
        "--epochs",
        "1",
        "--hidden",
        "16",
        "--norm",
        "batch",
        "--activation",
        "tanh",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--seed",
        "1",
        "--no-progress",
        "--save",
        ck,
        cwd=tmp_path,
    )
    assert rc == 0, out
    train_acc = re.findall(r"test accuracy ([0-9.]+)%", out)[-1]
    # the saved model, rebuilt by nn.load, is the one that was trained
    m = nn.load(ck)
    assert (
        isinstance(m, nn.MLP)
        and isinstance(m.layers[1], nn.BatchNorm1d)
        and isinstance(m.layers[2], nn.Tanh)
    )
    m.eval()
    X, y = load_mnist_sample().as_arrays("test")
    with ag.no_grad():
        logits = m(ag.tensor(X)).numpy()
    acc = 100 * (logits.argmax(1) == y).mean()
    assert f"{acc:.2f}" == train_acc
    rc, out = _main(capsys, "evaluate", ck)
    assert rc == 0, out
    assert re.findall(r"test accuracy ([0-9.]+)%", out)[-1] == train_acc
    np.save(tmp_path / "x.npy", X[:4])
    rc, out = _main(capsys, "predict", ck, tmp_path / "x.npy", "--top", "1")
    assert rc == 0, out
    got = [int(c) for c in re.findall(r"\]: class (\d+)", out)]
    assert got == logits[:4].argmax(1).tolist()
    p = np.exp(logits[:4] - logits[:4].max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    probs = [float(v) for v in re.findall(r"probabilities \d+: ([0-9.]+)", out)]
    np.testing.assert_allclose(probs, p.max(1), atol=6e-4)
    rc, out = _main(capsys, "graph", "--checkpoint", ck, "-o", tmp_path / "g.dot")
    assert rc == 0, out
    dot = (tmp_path / "g.dot").read_text()
    assert dot.startswith("digraph") and "16" in dot
    rc, out = _main(
        capsys, "graph", "--sizes", "5,4,3", "--data", "random", "-o", tmp_path / "s.dot"
    )
    assert rc == 0 and (tmp_path / "s.dot").read_text().startswith("digraph"), out


def test_cli_errors_are_clean(tmp_path, capsys):
    rc, out = _main(capsys, "evaluate", tmp_path / "nope.npz")
    assert rc != 0 and "nope.npz" in out
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    rc, out = _main(capsys, "predict", tmp_path / "bad.npz", tmp_path / "bad.npz")
    assert rc != 0 and "bad.npz" in out
    rc, out = _main(capsys, "train", "--epochs", "0")
    assert rc != 0 and "epochs" in out


def test_cli_resume_equals_uninterrupted_run(tmp_path, capsys):
    common = [
        "--hidden",
        "8",
        "--seed",
        "3",
        "--no-progress",
        "--optimizer",
        "adam",
        "--norm",
        "layer",
        "--quiet",
    ]
    full, half, res = tmp_path / "full.npz", tmp_path / "half.npz", tmp_path / "res.npz"
    assert _main(capsys, "train", "--epochs", "2", "--save", full, *common)[0] == 0
    assert _main(capsys, "train", "--epochs", "1", "--save", half, *common)[0] == 0
    rc, out = _main(
        capsys,
        "train",
        "--resume",
        half,
        "--epochs",
        "2",
        "--save",
        res,
        "--no-progress",
        "--quiet",
    )
    assert rc == 0, out
    a, b = nn.load(full), nn.load(res)
    assert repr(a) == repr(b)
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(arr(b.state_dict()[k]), arr(v), err_msg=k)


class _WrongLinear32(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(ag.tensor(rng(12).normal(size=(3, 2))))

    def forward(self, x):
        return _MulWrongW.apply(x, self.weight)


def test_gradcheck_module_with_float32_parameters():
    bad = _WrongLinear32()
    assert bad.weight.dtype == np.float32
    w0 = bad.weight.numpy().tobytes()
    with pytest.raises(GradcheckError):
        gradcheck(bad, [_x(seed=13)])
    assert bad.weight.numpy().tobytes() == w0 and bad.weight.dtype == np.float32


def _lr_run(lib, mk, manual_at=None):
    w = (
        ag.tensor(np.ones(2), requires_grad=True)
        if lib is ag
        else torch.ones(2, requires_grad=True)
    )
    opt = (optim if lib is ag else torch.optim).SGD([w], 0.1)
    scheds = mk(lr_scheduler if lib is ag else torch.optim.lr_scheduler, opt)
    out = []
    for i in range(30):
        opt.step()
        for s in scheds:
            s.step()
        out.append(opt.param_groups[0]["lr"])
        if i == manual_at:
            opt.param_groups[0]["lr"] = 0.05  # e.g. a user halving the lr by hand
    return np.array(out)


_CLOSED_FORM = (
    "lr_scheduler computes each lr in closed form from initial_lr, so it ignores "
    "the group's current lr: PyTorch's chainable form differs when two schedulers "
    "step one optimiser or the lr is changed by hand (needs a chainable rewrite)"
)


# The schedules are closed-form in the step count (_CLOSED_FORM): where PyTorch
# would chain, a clear error, never a silently different sequence.
@pytest.mark.filterwarnings("ignore")
def test_chained_schedulers_are_a_clear_error():
    def mk(L, o):
        return [L.ExponentialLR(o, 0.9), L.MultiStepLR(o, [5, 12], 0.5)]

    with pytest.raises(ValueError, match="MultiStepLR: param group 0's lr .* another scheduler"):
        _lr_run(ag, mk)


@pytest.mark.filterwarnings("ignore")
def test_a_manual_lr_change_under_a_scheduler_is_a_clear_error():
    def mk(L, o):
        return [L.StepLR(o, 4, 0.5)]

    with pytest.raises(ValueError, match="StepLR: param group 0's lr is 0.05.*changed by hand"):
        _lr_run(ag, mk, 10)


def test_plot_weights_of_a_whole_model_is_a_clear_error():
    mpl = optional("matplotlib", "plot")
    mpl.use("Agg")
    from autograd_mlp.viz import plot_weights

    with pytest.raises(TypeError, match=r"plot_weights.*MLP"):
        plot_weights(nn.MLP([16, 4, 2]))


def test_gradcheck_with_nothing_to_check_is_an_error():
    c = ag.tensor(np.ones(3), dtype=np.float64)
    with pytest.raises((ValueError, GradcheckError)):
        gradcheck(lambda a: (a * a).sum(), [c])
    with pytest.raises((ValueError, GradcheckError)):
        gradgradcheck(lambda a: (a * a).sum(), [c])
