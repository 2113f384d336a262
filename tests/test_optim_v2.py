"""Optimisers, second round: every optimiser and variant against torch.optim step for
step, parameter groups, hyperparameter validation (construction and load_state_dict),
state_dict round trips and version counters."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import nn, optim
from autograd_mlp.optim import SGD, Adagrad, Adam, AdamW, RMSprop

N_STEPS = 20

# (class name, kwargs shared by both libraries, kwargs for ours only)
VARIANTS = [
    ("SGD", {"lr": 0.05}, {}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}, {}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.02}, {}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}, {}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "maximize": True}, {}),
    ("Adam", {"lr": 0.01}, {}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}, {}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.9), "maximize": True}, {}),
    ("AdamW", {"lr": 0.01}, {}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True, "eps": 1e-6}, {}),
    ("AdamW", {"lr": 0.02, "maximize": True}, {}),
    ("RMSprop", {"lr": 0.01}, {}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}, {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.3, "centered": True}, {}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "maximize": True}, {}),
    ("Adagrad", {"lr": 0.1}, {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1}, {}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}, {}),
    ("Adagrad", {"lr": 0.1, "maximize": True}, {}),
]


def _trajectories(name, kwargs, torch, n=N_STEPS, groups=False):
    rng = np.random.default_rng(7)
    starts = [rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)]
    grads = rng.normal(size=(n, 2, 16)).astype(np.float32)
    ours = [nn.Parameter(s.copy()) for s in starts]
    theirs = [torch.nn.Parameter(torch.tensor(s)) for s in starts]
    if groups:  # a second group with its own lr
        opt = getattr(optim, name)(
            [{"params": ours[:1]}, {"params": ours[1:], "lr": 0.003}], **kwargs
        )
        topt = getattr(torch.optim, name)(
            [{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.003}], **kwargs
        )
    else:
        opt, topt = (
            getattr(optim, name)(ours, **kwargs),
            getattr(torch.optim, name)(theirs, **kwargs),
        )
    for g in grads:
        for k, (p, tp) in enumerate(zip(ours, theirs)):
            gk = g[k][: p.size].reshape(p.shape)
            p.grad = ag.tensor(gk)
            tp.grad = torch.tensor(gk)
        opt.step()
        topt.step()
    return ours, theirs, opt, topt


@pytest.mark.parametrize(("name", "kwargs", "extra"), VARIANTS)
def test_matches_torch_step_for_step(name, kwargs, extra):
    torch = optional("torch", "torch")
    ours, theirs, opt, topt = _trajectories(name, kwargs, torch)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=2e-6, atol=2e-7)
    # The state has torch's names and values too.
    for p, tp in zip(ours, theirs):
        mine, ref = opt.state[id(p)], topt.state[tp]
        for key, value in ref.items():
            if key == "step":
                assert mine["step"] == int(value)
            else:
                np.testing.assert_allclose(mine[key], value.numpy(), rtol=2e-6, atol=2e-7)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_param_groups_match_torch(name):
    torch = optional("torch", "torch")
    kwargs = {"lr": 0.02, "momentum": 0.5} if name in ("SGD", "RMSprop") else {"lr": 0.02}
    ours, theirs, _, _ = _trajectories(name, kwargs, torch, n=8, groups=True)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=2e-6, atol=2e-7)


def test_adamw_decays_weights_not_gradients_by_hand():
    p = nn.Parameter(np.array([2.0], np.float64), dtype=np.float64)
    opt = AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = ag.tensor([0.0], dtype=np.float64)
    opt.step()  # zero gradient: Adam's step is 0, only the decay acts
    np.testing.assert_allclose(p.data, [2.0 * (1 - 0.1 * 0.5)])
    assert AdamW([p]).defaults["weight_decay"] == 1e-2


def test_defaults_are_pytorchs():
    p = [nn.Parameter([1.0])]
    assert RMSprop(p).defaults == {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
        "maximize": False,
    }
    assert Adagrad(p).defaults == {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
        "maximize": False,
    }
    assert Adam(p).defaults["amsgrad"] is False and SGD(p, lr=0.1).defaults["dampening"] == 0.0


# --------------------------------------------------------------------------- groups
def test_add_param_group_fills_defaults_and_steps_with_its_lr():
    a, b = nn.Parameter([1.0]), nn.Parameter([1.0])
    opt = SGD([a], lr=0.1, momentum=0.5)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.param_groups[1]["lr"] == 0.01
    a.grad, b.grad = ag.tensor([1.0]), ag.tensor([1.0])
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.99], rtol=1e-6)


def test_group_errors():
    a = nn.Parameter([1.0])
    with pytest.raises(ValueError, match=r"SGD: parameter 0 .* already in another parameter group"):
        SGD([{"params": [a]}, {"params": [a]}], lr=0.1)
    opt = Adam([a])
    with pytest.raises(ValueError, match=r"already in another parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(
        ValueError, match=r"Adam: unknown key\(s\) \['momentum'\] in a parameter group"
    ):
        Adam([{"params": [a], "momentum": 0.9}])
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['lrr'\]"):
        SGD([a], lr=0.1).add_param_group({"params": [nn.Parameter([2.0])], "lrr": 0.1})
    with pytest.raises(TypeError, match=r"not a set"):
        SGD([{"params": {a}}], lr=0.1)
    with pytest.raises(TypeError, match=r"got a set"):
        SGD({a}, lr=0.1)
    with pytest.raises(ValueError, match=r"Adam: learning rate must be a number >= 0, got -1"):
        Adam([a]).add_param_group({"params": [nn.Parameter([2.0])], "lr": -1})


# --------------------------------------------------------------------------- validation
BAD = [
    (lambda p: SGD(p, lr=-5), r"SGD: learning rate must be a number >= 0, got -5"),
    (lambda p: SGD(p, lr=float("inf")), r"SGD: learning rate .* got inf \(not finite\)"),
    (lambda p: SGD(p, lr=float("nan")), r"SGD: learning rate .* got nan"),
    (lambda p: SGD(p, lr="0.1"), r"SGD: learning rate must be a number"),
    (lambda p: SGD(p, lr=True), r"SGD: learning rate must be a number"),
    (
        lambda p: SGD(p, lr=0.1, weight_decay="x"),
        r"SGD: weight_decay must be a number >= 0, got 'x'",
    ),
    (lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True, dampening=0.1), r"dampening = 0"),
    (lambda p: SGD(p, lr=0.1, maximize="yes"), r"SGD: maximize must be True or False"),
    (lambda p: Adam(p, betas=(2, 3)), r"Adam: betas\[0\] must be in \[0, 1\), got 2"),
    (lambda p: Adam(p, betas=(0.9, -0.1)), r"Adam: betas\[1\] must be in \[0, 1\)"),
    (lambda p: Adam(p, betas=(0.9,)), r"Adam: betas must be a pair of numbers"),
    (lambda p: AdamW(p, weight_decay=-1), r"AdamW: weight_decay must be a number >= 0"),
    (lambda p: AdamW(p, amsgrad=None), r"AdamW: amsgrad must be True or False"),
    (lambda p: RMSprop(p, alpha=-0.5), r"RMSprop: alpha must be a number >= 0"),
    (lambda p: RMSprop(p, momentum=float("inf")), r"RMSprop: momentum"),
    (lambda p: RMSprop(p, eps=-1), r"RMSprop: eps must be a number >= 0"),
    (lambda p: Adagrad(p, lr_decay=-1), r"Adagrad: lr_decay must be a number >= 0"),
    (lambda p: Adagrad(p, initial_accumulator_value=-1), r"initial_accumulator_value"),
]


@pytest.mark.parametrize(("make", "message"), BAD)
def test_bad_hyperparameters_on_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter([1.0])])


def test_numpy_scalars_are_numbers():
    p = [nn.Parameter([1.0])]
    opt = SGD(p, lr=np.float32(0.1), momentum=np.float64(0.9), weight_decay=np.int64(0))
    assert type(opt.lr) is float and abs(opt.lr - 0.1) < 1e-8
    assert Adam(p, lr=np.float32(1e-3), betas=np.array([0.9, 0.99])).param_groups[0]["betas"] == (
        0.9,
        0.99,
    )
    opt.lr = np.float32(0.5)
    assert opt.lr == 0.5


@pytest.mark.parametrize(
    ("make", "key", "value", "message"),
    [
        (lambda p: SGD(p, lr=0.1), "lr", -5, r"SGD.load_state_dict: group 0: SGD: learning rate"),
        (lambda p: SGD(p, lr=0.1), "lr", float("inf"), r"learning rate .* inf"),
        (lambda p: SGD(p, lr=0.1), "weight_decay", "x", r"weight_decay must be a number"),
        (lambda p: Adam(p), "betas", (2, 3), r"Adam.load_state_dict: group 0: .*betas\[0\]"),
        (lambda p: RMSprop(p), "alpha", float("nan"), r"alpha"),
        (lambda p: Adagrad(p), "lr_decay", -1, r"lr_decay"),
        (lambda p: Adam(p), "nonsense", 1, r"unknown key\(s\) \['nonsense'\] in group 0"),
    ],
)
def test_bad_hyperparameters_in_load_state_dict(make, key, value, message):
    p = [nn.Parameter([1.0])]
    opt = make(p)
    state = opt.state_dict()
    before = opt.state_dict()
    state["param_groups"][0][key] = value
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(state)
    assert opt.state_dict() == before  # nothing changed


# --------------------------------------------------------------------------- state
@pytest.mark.parametrize(
    "make",
    [
        lambda p: SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
        lambda p: Adam(p, lr=0.01, amsgrad=True),
        lambda p: AdamW(p, lr=0.01, maximize=True),
        lambda p: RMSprop(p, lr=0.01, momentum=0.9, centered=True),
        lambda p: Adagrad(p, lr=0.1, lr_decay=0.1, initial_accumulator_value=0.2),
    ],
)
def test_state_dict_json_round_trip_continues_bit_identically(make):
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(7, 3)).astype(np.float32)
    p = nn.Parameter(np.ones(3, np.float32))
    opt = make([p])
    for g in grads[:3]:
        p.grad = ag.tensor(g)
        opt.step()
    raw = opt.state_dict()
    assert set(raw) == {"state", "param_groups"} and raw["param_groups"][0]["params"] == [0]
    text = json.dumps(
        {
            "state": {
                k: {n: (v.tolist() if isinstance(v, np.ndarray) else v) for n, v in s.items()}
                for k, s in raw["state"].items()
            },
            "param_groups": raw["param_groups"],
        }
    )
    q = nn.Parameter(p.data.copy())
    opt2 = make([q])
    opt2.load_state_dict(json.loads(text))
    for g in grads[3:]:
        p.grad, q.grad = ag.tensor(g), ag.tensor(g)
        opt.step()
        opt2.step()
    np.testing.assert_array_equal(p.data, q.data)


def test_every_step_bumps_the_version_of_updated_parameters_only():
    a, b = nn.Parameter([1.0]), nn.Parameter([1.0])
    for make in (
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: Adam(ps),
        lambda ps: AdamW(ps),
        lambda ps: RMSprop(ps),
        lambda ps: Adagrad(ps),
    ):
        opt = make([a, b])
        a.grad, b.grad = ag.tensor([1.0]), None
        va, vb = a._version, b._version
        opt.step()
        opt.step()
        assert (a._version, b._version) == (va + 2, vb)


def test_step_closure_and_zero_grad_set_to_none_false():
    w = nn.Parameter([2.0])
    opt = SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 4.0 and w.item() == 1.0
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.item() == 0.0
