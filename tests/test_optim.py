"""Tests for autograd_mlp.optim: update rules against hand-computed values (and
torch when installed), state round trips, errors, and learning-rate schedules."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import nn, optim
from autograd_mlp.optim import SGD, Adam, CosineAnnealingLR, StepLR


def param(values, dtype=np.float64):
    return nn.Parameter(np.array(values, dtype=dtype), dtype=dtype)


def run(opt, p, grads):
    """Apply one step per gradient (set by hand) and return the trajectory."""
    seen = []
    for g in grads:
        p.grad = ag.tensor(np.array(g, dtype=p.dtype), dtype=p.dtype)
        opt.step()
        seen.append(p.data.copy())
    return seen


def quadratic_steps(opt, p, n):
    """``n`` steps on L = ½·Σp², whose gradient is p itself."""
    seen = []
    for _ in range(n):
        opt.zero_grad()
        (0.5 * (p * p).sum()).backward()
        opt.step()
        seen.append(p.data.copy())
    return seen


# --------------------------------------------------------------------------- SGD by hand
def test_sgd_plain_by_hand():
    p = param([1.0, -2.0])
    steps = run(SGD([p], lr=0.5), p, [[0.2, 0.4], [-1.0, 0.0]])
    np.testing.assert_allclose(steps, [[0.9, -2.2], [1.4, -2.2]], rtol=1e-12)


def test_sgd_momentum_by_hand():
    # lr 0.1, momentum 0.9, g = p: buf 1 → 1.8 → 2.34 (first buf = g, no damping).
    p = param([1.0, -2.0])
    steps = quadratic_steps(SGD([p], lr=0.1, momentum=0.9), p, 3)
    np.testing.assert_allclose(steps, [[0.9, -1.8], [0.72, -1.44], [0.486, -0.972]], rtol=1e-12)


def test_sgd_nesterov_by_hand():
    # step 1: buf = 1, d = 1 + 0.9·1 = 1.9 → 0.81
    # step 2: buf = 0.9 + 0.81 = 1.71, d = 0.81 + 0.9·1.71 = 2.349 → 0.5751
    p = param([1.0])
    steps = quadratic_steps(SGD([p], lr=0.1, momentum=0.9, nesterov=True), p, 2)
    np.testing.assert_allclose(np.ravel(steps), [0.81, 0.5751], rtol=1e-12)


def test_sgd_weight_decay_by_hand():
    # d = g + 0.1·p: 0.5 + 0.2 = 0.7 → 1.93; 0.5 + 0.193 = 0.693 → 1.8607
    p = param([2.0])
    steps = run(SGD([p], lr=0.1, weight_decay=0.1), p, [[0.5], [0.5]])
    np.testing.assert_allclose(np.ravel(steps), [1.93, 1.8607], rtol=1e-12)
    assert p.grad.item() == 0.5  # weight decay never writes into .grad


def test_sgd_momentum_with_weight_decay_by_hand():
    # d1 = 1 + 0.5·1 = 1.5 = buf → p = 1 - 0.15 = 0.85
    # d2 = 1 + 0.425 = 1.425, buf = 0.5·1.5 + 1.425 = 2.175 → p = 0.85 - 0.2175 = 0.6325
    p = param([1.0])
    steps = run(SGD([p], lr=0.1, momentum=0.5, weight_decay=0.5), p, [[1.0], [1.0]])
    np.testing.assert_allclose(np.ravel(steps), [0.85, 0.6325], rtol=1e-12)


# --------------------------------------------------------------------------- Adam by hand
def test_adam_by_hand():
    # lr 0.1, betas (0.9, 0.999), eps 1e-8, gradients 2, -1, 0.5:
    # t=1: m = 0.2,   v = 0.004,     p = 1 - 0.1·2/(2 + 1e-8)          = 0.9000000005
    # t=2: m = 0.08,  v = 0.004996,  m̂ = 0.08/0.19, v̂ = 0.004996/0.001999 → 0.8733663
    # t=3: m = 0.122, v = 0.005241004, m̂ = 0.122/0.271, v̂ = v/0.002997001 → 0.8393234
    p = param([1.0])
    opt = Adam([p], lr=0.1)
    steps = run(opt, p, [[2.0], [-1.0], [0.5]])
    np.testing.assert_allclose(np.ravel(steps), [0.9000000005, 0.8733663, 0.8393234], rtol=1e-7)
    state = opt.state[id(p)]
    assert state["step"] == 3
    np.testing.assert_allclose(state["exp_avg"], [0.122], rtol=1e-12)
    np.testing.assert_allclose(state["exp_avg_sq"], [0.005241004], rtol=1e-12)


def test_adam_l2_weight_decay_by_hand():
    # g' = g + 0.5·p: 2 + 0.5 = 2.5 (first step still moves by lr: 0.9),
    # then -1 + 0.45 = -0.55: m = 0.17, v = 0.00654625 → 0.8505569
    p = param([1.0])
    steps = run(Adam([p], lr=0.1, weight_decay=0.5), p, [[2.0], [-1.0]])
    np.testing.assert_allclose(np.ravel(steps), [0.9000000004, 0.8505569], rtol=1e-7)


def test_adam_small_beta1_uses_the_other_lerp_branch():
    # beta1 = 0.3: m = 0.7·g on the first step, bias-corrected back to g.
    p = param([1.0])
    steps = run(Adam([p], lr=0.1, betas=(0.3, 0.999)), p, [[2.0], [2.0]])
    np.testing.assert_allclose(np.ravel(steps), [0.9, 0.8], rtol=1e-7)


def test_updates_are_in_place_and_keep_float32():
    p = param(np.ones((2, 3)), dtype=np.float32)
    data = p.data
    for opt in (SGD([p], lr=0.1, momentum=0.9, nesterov=True), Adam([p], weight_decay=0.1)):
        quadratic_steps(opt, p, 2)
        assert p.data is data and p.data.dtype == np.float32
        assert all(
            v.dtype == np.float32
            for s in opt.state.values()
            for v in s.values()
            if isinstance(v, np.ndarray)
        )


def test_step_skips_params_without_grad_and_zero_grad_clears():
    a, b = param([1.0]), param([1.0])
    opt = Adam([a, b], lr=0.1)
    run(opt, a, [[1.0]])
    assert b.data.item() == 1.0 and id(b) not in opt.state
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_param_groups_and_lr_property():
    a, b = param([1.0]), param([1.0])
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad, b.grad = ag.tensor([1.0], dtype=np.float64), ag.tensor([1.0], dtype=np.float64)
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.0)
    assert opt.lr == 0.1
    opt.lr = 0.5
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.5]


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=-0.1), r"SGD: learning rate must be a number >= 0, got -0.1"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), r"SGD: nesterov=True needs momentum > 0"),
        (lambda p: SGD(p, lr=0.1, momentum=-1), r"SGD: momentum must be a number >= 0"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1), r"SGD: weight_decay must be a number >= 0"),
        (lambda p: Adam(p, lr=-1), r"Adam: learning rate must be"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), r"Adam: betas\[1\] must be in \[0, 1\), got 1.0"),
        (lambda p: Adam(p, betas=0.9), r"Adam: betas must be a pair of numbers"),
        (lambda p: Adam(p, eps=-1e-8), r"Adam: eps must be a number >= 0"),
        (lambda p: SGD([], lr=0.1), r"SGD: got an empty parameter list"),
        (lambda p: SGD(p + p, lr=0.1), r"SGD: parameter 1 .* appears more than once"),
        (lambda p: SGD([p[0] * 2], lr=0.1), r"SGD: parameter 0 .* is not a leaf"),
    ],
)
def test_bad_hyperparameters_and_params(make, message):
    with pytest.raises(ValueError, match=message):
        make([param([1.0])])


def test_type_errors_and_lr_setter():
    p = param([1.0])
    with pytest.raises(TypeError, match=r"SGD: params must be an iterable of Tensors"):
        SGD(p, lr=0.1)
    with pytest.raises(TypeError, match=r"Adam: parameter 0 is a ndarray, not a Tensor"):
        Adam([np.ones(2)])
    opt = SGD([p], lr=0.1)
    with pytest.raises(ValueError, match=r"SGD: learning rate must be a number >= 0"):
        opt.lr = -1.0


# --------------------------------------------------------------------------- state dicts
def _resume_matches(make_opt, n_before=3, n_after=4):
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(n_before + n_after, 2, 3)).astype(np.float32)
    p = param(rng.normal(size=(2, 3)), dtype=np.float32)
    opt = make_opt([p])
    run(opt, p, grads[:n_before])
    saved_param, saved_state = p.data.copy(), opt.state_dict()
    uninterrupted = run(opt, p, grads[n_before:])[-1]

    q = param(saved_param, dtype=np.float32)
    fresh = make_opt([q])
    fresh.load_state_dict(saved_state)
    resumed = run(fresh, q, grads[n_before:])[-1]
    np.testing.assert_array_equal(resumed, uninterrupted)  # bit for bit


@pytest.mark.parametrize(
    "make_opt",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
        lambda ps: Adam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1),
    ],
)
def test_state_dict_round_trip_continues_bit_identically(make_opt):
    _resume_matches(make_opt)


def test_state_dict_is_a_copy_and_survives_a_json_round_trip():
    p = param([1.0, 2.0])
    opt = Adam([p], lr=0.1)
    run(opt, p, [[1.0, 1.0]])
    sd = opt.state_dict()
    assert list(sd["state"]) == [0] and sd["param_groups"][0]["params"] == [0]
    run(opt, p, [[1.0, 1.0]])
    assert sd["state"][0]["step"] == 1  # not aliased to the live state
    # What a checkpoint does: arrays aside, everything through JSON (keys become str).
    arrays = {k: v for k, v in sd["state"][0].items() if isinstance(v, np.ndarray)}
    plain = json.loads(
        json.dumps(
            {
                "state": {0: {k: v for k, v in sd["state"][0].items() if k not in arrays}},
                "param_groups": sd["param_groups"],
            }
        )
    )
    plain["state"]["0"].update(arrays)
    fresh = Adam([param([5.0, 5.0])], lr=1.0)
    fresh.load_state_dict(plain)
    assert fresh.param_groups[0]["betas"] == (0.9, 0.999) and fresh.lr == 0.1
    assert fresh.state[id(fresh.param_groups[0]["params"][0])]["step"] == 1


def test_load_state_dict_mismatch_errors():
    opt = SGD([param([1.0, 2.0])], lr=0.1, momentum=0.9)
    run(opt, opt.param_groups[0]["params"][0], [[1.0, 1.0]])
    sd = opt.state_dict()
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: group 0 has 1 parameters"):
        SGD([param([1.0, 2.0]), param([1.0])], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"'momentum_buffer' of parameter 0 has shape \(2,\)"):
        SGD([param([1.0])], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"expected a dict with 'state' and 'param_groups'"):
        SGD([param([1.0])], lr=0.1).load_state_dict({"state": {}})


# --------------------------------------------------------------------------- torch
@pytest.mark.parametrize(
    ("ours", "kwargs"),
    [
        (SGD, {"lr": 0.1}),
        (SGD, {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
        (SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
        (Adam, {"lr": 0.01}),
        (Adam, {"lr": 0.003, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.05}),
    ],
)
def test_matches_torch(ours, kwargs):
    torch = optional("torch", "torch")
    rng = np.random.default_rng(1)
    start = rng.normal(size=(4, 5)).astype(np.float32)
    grads = rng.normal(size=(6, 4, 5)).astype(np.float32)
    p = param(start.copy(), dtype=np.float32)
    tp = torch.nn.Parameter(torch.tensor(start))
    opt = ours([p], **kwargs)
    topt = getattr(torch.optim, ours.__name__)([tp], **kwargs)
    for g in grads:
        p.grad = ag.tensor(g)
        tp.grad = torch.tensor(g)
        opt.step()
        topt.step()
    # Equal up to float32 rounding (torch's kernels may fuse multiply-adds).
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=2e-6, atol=1e-7)


# --------------------------------------------------------------------------- schedulers
def _lrs(sched, n):
    out = []
    for _ in range(n):
        out.append(sched.get_last_lr()[0])
        sched.step()
    return out


def test_step_lr_sequence():
    opt = SGD([param([1.0])], lr=1.0)
    lrs = _lrs(StepLR(opt, step_size=3, gamma=0.5), 8)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert opt.lr == 0.25  # last_epoch 8: still the third period (epochs 6-8)
    sched_epochs = StepLR(SGD([param([1.0])], lr=1.0), step_size=3, gamma=0.5)
    assert _lrs(sched_epochs, 10)[9] == 0.125


def test_cosine_lr_sequence():
    opt = SGD([param([1.0])], lr=1.0)
    lrs = _lrs(CosineAnnealingLR(opt, T_max=4, eta_min=0.2), 7)
    c = (1 + math.cos(math.pi / 4)) / 2  # 0.8536
    expected = [1.0, 0.2 + 0.8 * c, 0.6, 0.2 + 0.8 * (1 - c), 0.2, 0.2 + 0.8 * (1 - c), 0.6]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)


def test_scheduler_sets_every_group_from_its_own_base():
    opt = SGD([{"params": [param([1.0])]}, {"params": [param([1.0])], "lr": 0.5}], lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.1)
    sched.step()
    np.testing.assert_allclose(sched.get_last_lr(), [0.1, 0.05])
    np.testing.assert_allclose([g["lr"] for g in opt.param_groups], [0.1, 0.05])


@pytest.mark.parametrize(
    "make", [lambda o: StepLR(o, 2, gamma=0.3), lambda o: CosineAnnealingLR(o, T_max=5)]
)
def test_scheduler_state_dict_round_trip(make):
    opt = SGD([param([1.0])], lr=1.0)
    sched = make(opt)
    _lrs(sched, 3)
    state = json.loads(json.dumps(sched.state_dict()))
    expected = _lrs(sched, 4)
    opt2 = SGD([param([1.0])], lr=1.0)
    sched2 = make(opt2)
    sched2.load_state_dict(state)
    assert _lrs(sched2, 4) == expected


def test_scheduler_errors():
    opt = SGD([param([1.0])], lr=1.0)
    with pytest.raises(ValueError, match=r"StepLR: step_size must be a positive integer"):
        StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match=r"CosineAnnealingLR: T_max must be a positive integer"):
        CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(TypeError, match=r"StepLR: expected an Optimizer"):
        StepLR("sgd", step_size=1)


@pytest.mark.parametrize(
    ("ours", "name", "kwargs"),
    [
        (StepLR, "StepLR", {"step_size": 3, "gamma": 0.7}),
        (CosineAnnealingLR, "CosineAnnealingLR", {"T_max": 6, "eta_min": 0.01}),
    ],
)
def test_schedulers_match_torch(ours, name, kwargs):
    torch = optional("torch", "torch")
    opt = SGD([param([1.0])], lr=0.3)
    tp = torch.nn.Parameter(torch.zeros(1))
    topt = torch.optim.SGD([tp], lr=0.3)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    expected = []
    for _ in range(15):
        expected.append(tsched.get_last_lr()[0])
        topt.step()
        tsched.step()
    np.testing.assert_allclose(_lrs(ours(opt, **kwargs), 15), expected, rtol=1e-12, atol=1e-15)


def test_optim_reexports():
    assert optim.lr_scheduler.StepLR is StepLR
    assert isinstance(ag.optim.SGD([param([1.0])], lr=0.1), optim.Optimizer)
