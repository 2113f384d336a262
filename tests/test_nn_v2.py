"""nn, second round: the Module API (traversal, buffers, apply, load_state_dict,
constructor records), containers, Identity/Flatten/Dropout/LayerNorm/BatchNorm1d/
Embedding, MLP(dropout, norm), nn.utils and nn.init — against torch.nn (float64 where
gradients are compared) and finite differences."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import functional as F
from autograd_mlp import nn, optim
from autograd_mlp import random as ag_random
from autograd_mlp.errors import OpError, ShapeError
from autograd_mlp.testing import gradcheck

RNG = np.random.default_rng(0)


def f64(a):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=True, dtype=np.float64)


def to_f64(module):
    """Turn every parameter and float buffer of ``module`` into float64, in place."""
    for m in module.modules():
        for name, p in list(m._parameters.items()):
            if p is not None:
                setattr(m, name, nn.Parameter(p.data.astype(np.float64), dtype=np.float64))
        for name, b in list(m._buffers.items()):
            if b is not None and b.dtype.kind == "f":
                setattr(m, name, ag.tensor(b.data.astype(np.float64), dtype=np.float64))
    return module


def copy_into_torch(ours, theirs, torch):
    with torch.no_grad():
        for key, value in ours.state_dict().items():
            theirs.state_dict()[key].copy_(torch.tensor(value))


def with_params(module, names):
    """``fn(x, *params)`` running ``module`` with the given tensors as its parameters
    (so gradcheck can perturb them)."""

    def fn(x, *params):
        for name, p in zip(names, params):
            module._parameters[name] = p
            object.__setattr__(module, name, p)
        return (module(x) * ag.tensor(WEIGHTS[: x.size].reshape(x.shape), dtype=np.float64)).sum()

    return fn


WEIGHTS = RNG.normal(size=1000)


# --------------------------------------------------------------------------- Module API
class Block(nn.Module):
    def __init__(self, n, scale=2.0):
        super().__init__()
        self.lin = nn.Linear(n, n)
        self.norm = nn.BatchNorm1d(n)
        self.register_buffer("scale", ag.tensor(np.float32(scale)))
        self.register_buffer("cache", ag.tensor(np.zeros(n, np.float32)), persistent=False)

    def forward(self, x):
        return self.norm(self.lin(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Block(3)
        self.blocks = nn.ModuleList([Block(3), nn.ReLU()])
        self.heads = nn.ModuleDict({"a": nn.Linear(3, 2), "b": nn.Sequential(nn.Linear(3, 1))})

    def forward(self, x):
        x = self.first(x)
        for b in self.blocks:
            x = b(x)
        return self.heads["a"](x), self.heads["b"](x)


def torch_net(torch):
    tnn = torch.nn

    class TBlock(tnn.Module):
        def __init__(self, n, scale=2.0):
            super().__init__()
            self.lin = tnn.Linear(n, n)
            self.norm = tnn.BatchNorm1d(n)
            self.register_buffer("scale", torch.tensor(scale))
            self.register_buffer("cache", torch.zeros(n), persistent=False)

    class TNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.first = TBlock(3)
            self.blocks = tnn.ModuleList([TBlock(3), tnn.ReLU()])
            self.heads = tnn.ModuleDict(
                {"a": tnn.Linear(3, 2), "b": tnn.Sequential(tnn.Linear(3, 1))}
            )

    return TNet()


def test_traversal_buffers_and_state_dict_keys_match_torch():
    torch = optional("torch", "torch")
    ours, theirs = Net(), torch_net(torch)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(list(ours.buffers())) == len(list(theirs.buffers()))
    assert [type(m).__name__ for m in ours.children()] == ["Block", "ModuleList", "ModuleDict"]
    order = []
    ours.apply(lambda m: order.append(type(m).__name__))
    torder = []
    theirs.apply(lambda m: torder.append(type(m).__name__.lstrip("T")))
    assert order == torder


def test_torch_state_dict_loads_and_round_trips():
    torch = optional("torch", "torch")
    ours, theirs = Net(), torch_net(torch)
    theirs.first.norm.running_mean.fill_(0.5)
    theirs.first.norm.num_batches_tracked.fill_(7)
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    assert ours.load_state_dict(state) == nn.IncompatibleKeys([], [])
    for k, v in ours.state_dict().items():
        np.testing.assert_array_equal(v, state[k])
    assert ours.first.norm.num_batches_tracked.item() == 7


def test_load_state_dict_reports_missing_and_unexpected_keys():
    net = Net()
    state = net.state_dict()
    del state["first.norm.running_var"]
    state["extra"] = np.zeros(1)
    result = net.load_state_dict(state, strict=False)
    assert isinstance(result, tuple) and result._fields == ("missing_keys", "unexpected_keys")
    assert result.missing_keys == ["first.norm.running_var"] and result.unexpected_keys == ["extra"]
    with pytest.raises(nn.StateDictError, match=r"missing keys: \['first.norm.running_var'\]"):
        net.load_state_dict(state)
    bad = net.state_dict()
    bad["first.scale"] = np.zeros(2)
    with pytest.raises(nn.StateDictError, match=r"first.scale: checkpoint \(2,\) vs model \(\)"):
        net.load_state_dict(bad, strict=False)


def test_load_state_dict_bumps_versions():
    lin = nn.Linear(2, 2)
    v = lin.weight._version
    lin.load_state_dict(lin.state_dict())
    assert lin.weight._version == v + 1


def test_register_buffer_rules():
    m = nn.Linear(2, 2)
    m.register_buffer("count", ag.tensor(0))
    m.count = ag.tensor(5)
    assert m.state_dict()["count"] == 5
    with pytest.raises(TypeError, match=r"cannot assign int to buffer 'count'"):
        m.count = 3
    with pytest.raises(TypeError, match=r"register_buffer: cannot assign ndarray"):
        m.register_buffer("other", np.zeros(2))
    with pytest.raises(KeyError, match=r"attribute 'weight' already exists"):
        m.register_buffer("weight", ag.tensor(0.0))
    with pytest.raises(KeyError, match=r"contain no '.'"):
        m.register_buffer("a.b", ag.tensor(0.0))
    m.register_buffer("gone", None)
    assert "gone" not in m.state_dict()
    del m.count
    assert "count" not in m.state_dict()


def test_requires_grad_train_eval():
    net = nn.MLP([2, 3, 1], dropout=0.5, norm="batch")
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match=r"train: mode must be a bool"):
        net.train("no")


def test_call_passes_keyword_arguments():
    class KW(nn.Module):
        def forward(self, x, *, shift=0.0):
            return x + shift

    assert KW()(ag.tensor([1.0]), shift=2.0).item() == 3.0
    assert KW()(x=ag.tensor([1.0])).item() == 1.0


# --------------------------------------------------------------------------- constructor records
def test_constructor_records_the_outermost_init_arguments():
    lin = nn.Linear(3, 2, bias=False)
    assert lin._init_args == {"in_features": 3, "out_features": 2, "bias": False, "rng": None}
    cls, kwargs = nn.MLP([4, 8, 2], activation="tanh", dropout=0.1, norm="layer")._constructor()
    assert cls is nn.MLP
    assert kwargs == {
        "sizes": [4, 8, 2],
        "activation": "tanh",
        "dropout": 0.1,
        "norm": "layer",
        "init": None,
        "rng": None,
    }
    rebuilt = cls(**kwargs)
    assert list(rebuilt.state_dict()) == list(nn.MLP([4, 8, 2], "tanh", 0.1, "layer").state_dict())
    assert nn.LogSoftmax(dim=0)._constructor() == (nn.LogSoftmax, {"axis": -1, "dim": 0})
    assert nn.ReLU()._constructor() == (nn.ReLU, {"inplace": False})
    assert nn.Sigmoid()._constructor() == (nn.Sigmoid, {})
    assert Block(3, scale=1.5)._constructor() == (Block, {"n": 3, "scale": 1.5})


def test_constructor_of_containers_lists_the_current_children():
    a, b = nn.Linear(1, 1), nn.ReLU()
    seq = nn.Sequential(a)
    seq.append(b)
    assert seq._constructor() == (nn.Sequential, {"modules": [a, b]})
    named = nn.Sequential(OrderedDict([("x", a)]))
    assert named._constructor() == (nn.Sequential, {"modules": [OrderedDict([("x", a)])]})
    assert list(nn.Sequential(*named._constructor()[1]["modules"]).state_dict()) == [
        "x.weight",
        "x.bias",
    ]
    ml = nn.ModuleList([a])
    ml.append(b)
    assert ml._constructor() == (nn.ModuleList, {"modules": [a, b]})
    assert nn.ModuleDict({"k": a})._constructor() == (nn.ModuleDict, {"modules": {"k": a}})


def test_constructor_record_survives_a_failed_init_and_subclass_chains():
    class Wide(nn.Linear):
        def __init__(self, n):
            super().__init__(n, 2 * n)

    assert Wide(3)._init_args == {"n": 3}
    with pytest.raises(ValueError):
        nn.Linear(0, 1)
    sizes = [2, 3, 1]
    mlp = nn.MLP(sizes)
    sizes.append(99)  # the record is a copy
    assert mlp._constructor()[1]["sizes"] == [2, 3, 1]


# --------------------------------------------------------------------------- containers
def test_module_list_behaves_like_a_list():
    ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU()])
    ml.insert(0, nn.Tanh())
    ml += [nn.Sigmoid()]
    assert [type(m).__name__ for m in ml] == ["Tanh", "Linear", "ReLU", "Sigmoid"]
    assert [n for n, _ in ml.named_parameters()] == ["1.weight", "1.bias"]
    del ml[0]
    assert [n for n, _ in ml.named_parameters()] == ["0.weight", "0.bias"] and len(ml) == 3
    ml[-1] = nn.Identity()
    assert type(ml[2]) is nn.Identity and isinstance(ml[1:], nn.ModuleList)
    with pytest.raises(IndexError, match=r"ModuleList: index 5 out of range for 3 modules"):
        ml[5]


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.ModuleList([nn.ReLU(), 3]),
        lambda: nn.ModuleList().append("relu"),
        lambda: nn.ModuleDict({"a": np.zeros(2)}),
        lambda: nn.Sequential(nn.ReLU(), lambda x: x),
    ],
)
def test_containers_reject_non_modules(make):
    with pytest.raises(TypeError, match=r"must be a Module, got"):
        make()


def test_module_dict():
    md = nn.ModuleDict([("a", nn.Linear(1, 1))])
    md["b"] = nn.ReLU()
    assert list(md) == ["a", "b"] and "a" in md and len(md) == 2
    assert list(md.keys()) == ["a", "b"] and type(md.pop("b")) is nn.ReLU
    with pytest.raises(KeyError, match=r"ModuleDict: no module 'z'; keys are \['a'\]"):
        md["z"]
    md.clear()
    assert len(md) == 0


# --------------------------------------------------------------------------- Identity / Flatten
def test_identity_and_flatten_match_torch():
    torch = optional("torch", "torch")
    x = RNG.normal(size=(2, 3, 4, 5)).astype(np.float32)
    for args in [(), (0,), (1, 2), (-3, -2), (2, -1)]:
        np.testing.assert_array_equal(
            nn.Flatten(*args)(x).numpy(), torch.nn.Flatten(*args)(torch.tensor(x)).numpy()
        )
    t = ag.tensor([1.0])
    assert nn.Identity(3, k=1)(t) is t
    with pytest.raises(ShapeError, match=r"Flatten \(start_dim=1, end_dim=-1\): .* shape \(3,\)"):
        nn.Flatten()(np.zeros(3))


# --------------------------------------------------------------------------- Dropout
def test_dropout_is_inverted_and_seeded():
    drop = nn.Dropout(0.25)
    x = f64(np.ones((200, 50)))
    ag_random.manual_seed(5)
    y = drop(x)
    ag_random.manual_seed(5)
    np.testing.assert_array_equal(drop(x).numpy(), y.numpy())
    values = y.numpy()
    assert set(np.unique(values)) <= {0.0, 1 / 0.75}
    assert abs((values == 0).mean() - 0.25) < 0.02
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # d(x*mask)/dx = mask
    drop.eval()
    assert drop(x) is x
    assert np.all(nn.Dropout(1.0)(x).numpy() == 0) and nn.Dropout(0.0)(x) is x


@pytest.mark.parametrize("p", [1.5, -0.1, "0.5", True])
def test_dropout_rejects_bad_p(p):
    with pytest.raises(ValueError, match=r"Dropout: p must be a probability in \[0, 1\]"):
        nn.Dropout(p)


# --------------------------------------------------------------------------- LayerNorm
@pytest.mark.parametrize(("shape", "normalized"), [((4, 6), 6), ((2, 3, 4), (3, 4))])
def test_layer_norm_matches_torch_values_and_gradients(shape, normalized):
    torch = optional("torch", "torch")
    ln, tln = to_f64(nn.LayerNorm(normalized)), torch.nn.LayerNorm(normalized, dtype=torch.float64)
    with torch.no_grad():
        tln.weight.copy_(torch.tensor(RNG.normal(size=tln.weight.shape)))
        tln.bias.copy_(torch.tensor(RNG.normal(size=tln.bias.shape)))
    ln.load_state_dict({k: v.numpy() for k, v in tln.state_dict().items()})
    x_np = RNG.normal(size=shape)
    g_np = RNG.normal(size=shape)
    x, tx = f64(x_np), torch.tensor(x_np, requires_grad=True)
    y, ty = ln(x), tln(tx)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    (y * g_np).sum().backward()
    (ty * torch.tensor(g_np)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ln.weight.grad.numpy(), tln.weight.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(ln.bias.grad.numpy(), tln.bias.grad.numpy(), rtol=1e-9)


def test_layer_norm_gradcheck_and_no_affine():
    ln = to_f64(nn.LayerNorm(5))
    fn = with_params(ln, ["weight", "bias"])
    assert gradcheck(
        fn, [f64(RNG.normal(size=(3, 5))), f64(RNG.normal(size=5)), f64(RNG.normal(size=5))]
    )
    plain = nn.LayerNorm(5, elementwise_affine=False)
    assert list(plain.state_dict()) == [] and plain.weight is None
    y = plain(RNG.normal(size=(3, 5)))
    np.testing.assert_allclose(y.numpy().mean(axis=1), 0, atol=1e-6)


def test_layer_norm_shape_error_names_module_and_shapes():
    with pytest.raises(
        ShapeError, match=r"LayerNorm \(\(5,\), .*trailing shape is \(5,\), got shape \(3, 4\)"
    ):
        nn.LayerNorm((5,))(np.zeros((3, 4)))
    net = nn.Sequential(nn.LayerNorm(4))
    with pytest.raises(ShapeError, match=r"LayerNorm layer '0'"):
        net(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"normalized_shape must be a positive int"):
        nn.LayerNorm(0)


# --------------------------------------------------------------------------- BatchNorm1d
@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((6, 4), {}),
        ((5, 4, 3), {}),
        ((6, 4), {"momentum": None}),
        ((6, 4), {"momentum": 0.3, "eps": 1e-3}),
        ((5, 4, 3), {"affine": False}),
        ((6, 4), {"track_running_stats": False}),
    ],
)
def test_batch_norm_matches_torch_train_then_eval(shape, kwargs):
    torch = optional("torch", "torch")
    bn = to_f64(nn.BatchNorm1d(4, **kwargs))
    tbn = torch.nn.BatchNorm1d(4, dtype=torch.float64, **kwargs)
    if bn.affine:
        with torch.no_grad():
            tbn.weight.copy_(torch.tensor(RNG.normal(size=4)))
            tbn.bias.copy_(torch.tensor(RNG.normal(size=4)))
    bn.load_state_dict({k: v.numpy() for k, v in tbn.state_dict().items()})
    assert list(bn.state_dict()) == list(tbn.state_dict())
    for _ in range(3):  # three training batches: running statistics accumulate
        x_np = RNG.normal(2.0, 3.0, size=shape)
        g_np = RNG.normal(size=shape)
        x, tx = f64(x_np), torch.tensor(x_np, requires_grad=True)
        y, ty = bn(x), tbn(tx)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        (y * g_np).sum().backward()
        (ty * torch.tensor(g_np)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    for key, value in tbn.state_dict().items():
        np.testing.assert_allclose(bn.state_dict()[key], value.numpy(), rtol=1e-12, err_msg=key)
    if bn.affine:
        np.testing.assert_allclose(bn.weight.grad.numpy(), tbn.weight.grad.numpy(), rtol=1e-9)
        np.testing.assert_allclose(bn.bias.grad.numpy(), tbn.bias.grad.numpy(), rtol=1e-9)
    bn.eval()
    tbn.eval()
    x_np = RNG.normal(size=(3,) + shape[1:])
    np.testing.assert_allclose(
        bn(f64(x_np)).numpy(), tbn(torch.tensor(x_np)).detach().numpy(), rtol=1e-10, atol=1e-12
    )


def test_batch_norm_gradcheck():
    bn = to_f64(nn.BatchNorm1d(3))
    fn = with_params(bn, ["weight", "bias"])
    inputs = [f64(RNG.normal(size=(4, 3, 2))), f64(RNG.normal(size=3)), f64(RNG.normal(size=3))]
    assert gradcheck(fn, inputs)


def test_batch_norm_errors_name_module_and_shapes():
    bn = nn.BatchNorm1d(8)
    with pytest.raises(
        ShapeError,
        match=r"BatchNorm1d \(8\): expected 8 channels on axis 1, got input of shape \(3, 5\)",
    ):
        bn(np.zeros((3, 5)))
    with pytest.raises(
        ValueError,
        match=r"Expected more than 1 value per channel when training, got input size \(1, 8\)",
    ):
        bn(np.zeros((1, 8)))
    with pytest.raises(ShapeError, match=r"expected a 2-D \(N, C\) or 3-D"):
        bn(np.zeros((2, 8, 2, 2)))
    assert bn.num_batches_tracked.item() == 0  # nothing was counted
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\] or None"):
        nn.BatchNorm1d(3, momentum=2)


# --------------------------------------------------------------------------- Embedding
def test_embedding_matches_torch_with_padding_and_repeats():
    torch = optional("torch", "torch")
    emb = to_f64(nn.Embedding(6, 3, padding_idx=-2))
    temb = torch.nn.Embedding(6, 3, padding_idx=-2, dtype=torch.float64)
    assert emb.padding_idx == temb.padding_idx == 4
    assert np.all(emb.weight.data[4] == 0)
    emb.load_state_dict({"weight": temb.weight.detach().numpy()})
    idx = np.array([[0, 4, 2], [2, 2, 5]])
    g = RNG.normal(size=(2, 3, 3))
    y, ty = emb(idx), temb(torch.tensor(idx))
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    (y * g).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(emb.weight.grad.numpy(), temb.weight.grad.numpy(), rtol=1e-12)
    assert np.all(emb.weight.grad.numpy()[4] == 0)


def test_embedding_gradcheck_and_errors():
    # (No padding_idx here: its row is cut off from the gradient on purpose.)
    emb = to_f64(nn.Embedding(5, 2))
    idx = np.array([0, 1, 3, 3])

    def fn(w):
        emb._parameters["weight"] = w
        object.__setattr__(emb, "weight", w)
        return (emb(idx) * ag.tensor(WEIGHTS[:8].reshape(4, 2), dtype=np.float64)).sum()

    assert gradcheck(fn, [f64(RNG.normal(size=(5, 2)))])
    emb = nn.Embedding(5, 2, padding_idx=1)
    with pytest.raises(
        IndexError, match=r"Embedding \(5, 2, padding_idx=1\): index 5 out of range for 5"
    ):
        emb(np.array([0, 5]))
    with pytest.raises(OpError, match=r"index -1 out of range"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match=r"indices must be integers, got dtype float64"):
        emb(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)


# --------------------------------------------------------------------------- MLP
def test_default_mlp_keys_are_unchanged():
    assert list(nn.MLP([4, 5, 6, 2]).state_dict()) == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.2.weight",
        "layers.2.bias",
        "layers.4.weight",
        "layers.4.bias",
    ]


def test_mlp_norm_and_dropout_order_and_keys():
    net = nn.MLP([4, 5, 6, 2], activation="gelu", dropout=0.2, norm="batch")
    kinds = [type(m).__name__ for m in net.layers]
    assert kinds == ["Linear", "BatchNorm1d", "GELU", "Dropout"] * 2 + ["Linear"]
    assert "layers.1.running_mean" in net.state_dict()
    with pytest.raises(ValueError, match=r"MLP: norm must be None, 'layer' or 'batch'"):
        nn.MLP([2, 2], norm="group")
    with pytest.raises(ValueError, match=r"Dropout: p must be"):
        nn.MLP([2, 3, 2], dropout=2.0)


@pytest.mark.parametrize("norm", [None, "layer", "batch"])
def test_mlp_with_dropout_and_norm_trains_and_is_deterministic_in_eval(norm):
    ag_random.manual_seed(0)
    X = RNG.normal(size=(64, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    net = nn.MLP([4, 16, 2], activation="relu", dropout=0.1, norm=norm)
    opt = optim.AdamW(net.parameters(), lr=0.05)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = F.cross_entropy(net(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]
    net.eval()
    np.testing.assert_array_equal(net(X).numpy(), net(X).numpy())


# --------------------------------------------------------------------------- utils
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = optional("torch", "torch")
    grads = [RNG.normal(size=(3, 4)).astype(np.float32), RNG.normal(size=5).astype(np.float32)]
    ours = [nn.Parameter(np.zeros(g.shape, np.float32)) for g in grads]
    theirs = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, tp, g in zip(ours, theirs, grads):
        p.grad, tp.grad = ag.tensor(g.copy()), torch.tensor(g.copy())
    ours.append(nn.Parameter([1.0]))  # no grad: skipped
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    np.testing.assert_allclose(float(total.item()), float(ttotal), rtol=1e-6)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=2e-6, atol=1e-8)


def test_clip_grad_value_and_vectors_match_torch():
    torch = optional("torch", "torch")
    g = RNG.normal(size=(4, 3)).astype(np.float32) * 3
    p, tp = nn.Parameter(np.zeros((4, 3), np.float32)), torch.nn.Parameter(torch.zeros(4, 3))
    p.grad, tp.grad = ag.tensor(g.copy()), torch.tensor(g.copy())
    nn.utils.clip_grad_value_([p], 1.5)
    torch.nn.utils.clip_grad_value_([tp], 1.5)
    np.testing.assert_array_equal(p.grad.numpy(), tp.grad.numpy())
    net = nn.MLP([3, 4, 2])
    vec = nn.utils.parameters_to_vector(net.parameters())
    tvec = torch.nn.utils.parameters_to_vector([torch.tensor(q.data) for q in net.parameters()])
    np.testing.assert_array_equal(vec.numpy(), tvec.numpy())
    versions = [q._version for q in net.parameters()]
    nn.utils.vector_to_parameters(vec * 2, net.parameters())
    np.testing.assert_array_equal(
        nn.utils.parameters_to_vector(net.parameters()).numpy(), 2 * vec.numpy()
    )
    assert [q._version for q in net.parameters()] == [v + 1 for v in versions]
    with pytest.raises(ValueError, match=r"vector of shape \(3,\) does not fit parameters with 26"):
        nn.utils.vector_to_parameters(np.zeros(3), net.parameters())
    with pytest.raises(ValueError, match=r"norm_type must be > 0"):
        nn.utils.clip_grad_norm_(net.parameters(), 1.0, norm_type=0)


# --------------------------------------------------------------------------- init
def test_init_functions_and_gains():
    torch = optional("torch", "torch")
    for name, param in [
        ("linear", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
        ("conv2d", None),
    ]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param), rel=1e-12
        )
    w = ag.tensor(np.zeros((2, 3)))
    v = w._version
    assert nn.init.constant_(w, 0.25) is w and np.all(w.data == 0.25) and w._version == v + 1
    nn.init.ones_(w)
    assert np.all(w.data == 1)
    for shape in [(3, 5), (5, 3), (4, 2, 3)]:
        q = nn.init.orthogonal_(ag.tensor(np.zeros(shape)), gain=2.0).data.reshape(shape[0], -1)
        small = q @ q.T if shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, 4 * np.eye(min(q.shape)), atol=1e-5)
    with pytest.raises(ValueError, match=r"orthogonal_: only tensors with 2 or more dimensions"):
        nn.init.orthogonal_(ag.tensor(np.zeros(3)))


def test_init_and_layers_draw_from_the_package_generator():
    assert nn.init.manual_seed is ag_random.manual_seed
    ag_random.manual_seed(3)
    a = [nn.Linear(3, 2).weight.data.copy(), nn.Embedding(4, 2).weight.data.copy()]
    nn.init.manual_seed(3)
    b = [nn.Linear(3, 2).weight.data.copy(), nn.Embedding(4, 2).weight.data.copy()]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert nn.init.get_rng() is ag_random.default_generator()


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.MLP([3, 4, 2], activation="tanh", dropout=0.2, norm="batch"),
        lambda: nn.Sequential(nn.Linear(2, 3), nn.GELU(approximate="tanh"), nn.Linear(3, 1)),
        lambda: nn.Sequential(OrderedDict([("a", nn.Linear(2, 2)), ("b", nn.Identity())])),
        lambda: nn.ModuleList([nn.Linear(1, 2), nn.LayerNorm((2,), eps=1e-3)]),
        lambda: nn.ModuleDict({"emb": nn.Embedding(5, 2, padding_idx=0)}),
        lambda: nn.Identity(7, key="x"),
        lambda: Block(4, scale=0.5),
    ],
)
def test_from_init_args_rebuilds_the_same_architecture(make):
    module = make()
    cls, args = module._constructor()
    rebuilt = cls._from_init_args(args)
    assert type(rebuilt) is type(module) and repr(rebuilt) == repr(module)
    assert {k: v.shape for k, v in rebuilt.state_dict().items()} == {
        k: v.shape for k, v in module.state_dict().items()
    }
    with pytest.raises(TypeError, match=r"unexpected constructor arguments \['nope'\]"):
        cls._from_init_args({**args, "nope": 1})


def test_assigning_a_parameter_over_a_buffer_replaces_it():
    m = nn.Linear(1, 1)
    m.register_buffer("extra", ag.tensor([0.0]))
    m.extra = nn.Parameter([1.0])
    assert [n for n, _ in m.named_buffers()] == [] and "extra" in dict(m.named_parameters())
