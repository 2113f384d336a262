"""Learning-rate schedules against torch.optim.lr_scheduler over 40 steps, plus
state_dict round trips and errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import optional

from autograd_mlp import nn, optim
from autograd_mlp.optim import lr_scheduler as ours_sched

N = 40


def _opt(module, lrs=(0.1, 0.02), **kwargs):
    """An SGD over two groups with their own lr, in ``module`` (ours or torch)."""
    if module is optim:
        params = [nn.Parameter([1.0]), nn.Parameter([1.0])]
    else:
        params = [module.nn.Parameter(module.zeros(1)), module.nn.Parameter(module.zeros(1))]
    sgd = optim.SGD if module is optim else module.optim.SGD
    return sgd(
        [{"params": [params[0]], "lr": lrs[0]}, {"params": [params[1]], "lr": lrs[1]}],
        lr=lrs[0],
        **kwargs,
    )


def _sequence(opt, sched, n=N, metrics=None):
    lrs, momenta = [], []
    for i in range(n):
        lrs.append(list(sched.get_last_lr()))
        momenta.append([g.get("momentum") for g in opt.param_groups])
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
    return np.array(lrs), momenta


def _plateau_metrics():
    rng = np.random.default_rng(0)
    return [float(x) for x in 1 / (1 + np.arange(N) // 6) + rng.normal(0, 1e-3, N)]


CASES = [
    ("StepLR", lambda o, m: {"step_size": 7, "gamma": 0.5}),
    ("MultiStepLR", lambda o, m: {"milestones": [3, 10, 10, 25], "gamma": 0.3}),
    ("ExponentialLR", lambda o, m: {"gamma": 0.9}),
    ("LinearLR", lambda o, m: {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 12}),
    ("LinearLR", lambda o, m: {}),
    ("CosineAnnealingLR", lambda o, m: {"T_max": 15, "eta_min": 0.001}),
    ("LambdaLR", lambda o, m: {"lr_lambda": lambda e: 0.95**e + 0.01 * (e % 3)}),
    ("LambdaLR", lambda o, m: {"lr_lambda": [lambda e: 1 / (1 + e), lambda e: 0.9**e]}),
    ("OneCycleLR", lambda o, m: {"max_lr": [1.0, 0.5], "total_steps": N}),
    (
        "OneCycleLR",
        lambda o, m: {
            "max_lr": 0.3,
            "epochs": 5,
            "steps_per_epoch": 8,
            "anneal_strategy": "linear",
            "three_phase": True,
            "pct_start": 0.25,
        },
    ),
    (
        "ReduceLROnPlateau",
        lambda o, m: {"patience": 2, "factor": 0.5, "cooldown": 1, "min_lr": [0.0, 0.004]},
    ),
    (
        "ReduceLROnPlateau",
        lambda o, m: {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 0},
    ),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_matches_torch_over_40_steps(name, kwargs):
    torch = optional("torch", "torch")
    metrics = _plateau_metrics() if name == "ReduceLROnPlateau" else None
    results = []
    for module, sched_module in ((optim, ours_sched), (torch, torch.optim.lr_scheduler)):
        opt = _opt(module, momentum=0.9)
        sched = getattr(sched_module, name)(opt, **kwargs(opt, module))
        results.append(_sequence(opt, sched, metrics=metrics))
    (ours_lrs, ours_m), (torch_lrs, torch_m) = results
    np.testing.assert_allclose(ours_lrs, torch_lrs, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.array(ours_m, float), np.array(torch_m, float), rtol=1e-12)


@pytest.mark.parametrize(
    "build",
    [
        lambda s, o: s.SequentialLR(
            o,
            [s.LinearLR(o, start_factor=0.1, total_iters=5), s.ExponentialLR(o, gamma=0.9)],
            milestones=[5],
        ),
        lambda s, o: s.SequentialLR(
            o,
            [s.ExponentialLR(o, gamma=0.8), s.StepLR(o, 4, 0.5), s.CosineAnnealingLR(o, 10)],
            milestones=[6, 20],
        ),
    ],
)
def test_sequential_matches_torch(build):
    torch = optional("torch", "torch")
    got = []
    for module, sched_module in ((optim, ours_sched), (torch, torch.optim.lr_scheduler)):
        opt = _opt(module)
        got.append(_sequence(opt, build(sched_module, opt))[0])
    np.testing.assert_allclose(got[0], got[1], rtol=1e-12, atol=1e-15)


def test_onecycle_cycles_adams_beta1_like_torch():
    torch = optional("torch", "torch")
    seqs = []
    for module, sched_module in ((optim, ours_sched), (torch, torch.optim.lr_scheduler)):
        p = [nn.Parameter([1.0])] if module is optim else [torch.nn.Parameter(torch.zeros(1))]
        opt = (optim.Adam if module is optim else torch.optim.Adam)(p, lr=0.01)
        sched = sched_module.OneCycleLR(opt, max_lr=0.1, total_steps=20)
        betas = []
        for _ in range(20):
            betas.append(opt.param_groups[0]["betas"][0])
            opt.step()
            sched.step()
        seqs.append(betas)
    np.testing.assert_allclose(seqs[0], seqs[1], rtol=1e-12)


def test_onecycle_past_total_steps_is_an_error():
    opt = _opt(optim, momentum=0.9)
    sched = ours_sched.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match=r"OneCycleLR: tried to step 4 times; .* total steps is 3"):
        sched.step()


STATEFUL = [
    lambda o: ours_sched.MultiStepLR(o, [2, 5], gamma=0.5),
    lambda o: ours_sched.ExponentialLR(o, 0.7),
    lambda o: ours_sched.LinearLR(o, 0.2, total_iters=6),
    lambda o: ours_sched.OneCycleLR(o, max_lr=1.0, total_steps=20),
    lambda o: ours_sched.LambdaLR(o, lambda e: 1 / (e + 1)),
    lambda o: ours_sched.SequentialLR(
        o, [ours_sched.LinearLR(o, 0.5, total_iters=3), ours_sched.ExponentialLR(o, 0.5)], [3]
    ),
]


@pytest.mark.parametrize("make", STATEFUL)
def test_state_dict_json_round_trip(make):
    opt = _opt(optim, momentum=0.9)
    sched = make(opt)
    for _ in range(4):
        opt.step()
        sched.step()
    state = json.loads(json.dumps(sched.state_dict()))
    expected = _sequence(opt, sched, n=6)[0]
    opt2 = _opt(optim, momentum=0.9)
    sched2 = make(opt2)
    sched2.load_state_dict(state)
    np.testing.assert_allclose(_sequence(opt2, sched2, n=6)[0], expected, rtol=0, atol=0)


def test_plateau_state_dict_round_trip():
    metrics = _plateau_metrics()
    opt = _opt(optim)
    sched = ours_sched.ReduceLROnPlateau(opt, patience=1)
    _sequence(opt, sched, n=15, metrics=metrics)
    state = json.loads(json.dumps(sched.state_dict()))
    expected = _sequence(opt, sched, n=15, metrics=metrics[15:])[0]
    opt2 = _opt(optim)
    sched2 = ours_sched.ReduceLROnPlateau(opt2, patience=1)
    sched2.load_state_dict(state)
    assert sched2.get_last_lr() == state["last_lrs"]
    np.testing.assert_array_equal(_sequence(opt2, sched2, n=15, metrics=metrics[15:])[0], expected)


def test_a_second_scheduler_keeps_the_initial_lr():
    opt = _opt(optim)
    ours_sched.LinearLR(opt, start_factor=0.5, total_iters=2)
    assert opt.param_groups[0]["lr"] == 0.05 and opt.param_groups[0]["initial_lr"] == 0.1
    later = ours_sched.ExponentialLR(opt, 0.5)
    assert later.base_lrs == [0.1, 0.02]


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: ours_sched.MultiStepLR(o, [2, -1]), ValueError, r"MultiStepLR: milestones"),
        (lambda o: ours_sched.ExponentialLR(o, gamma=-1), ValueError, r"ExponentialLR: gamma"),
        (lambda o: ours_sched.LinearLR(o, start_factor=0), ValueError, r"LinearLR: start_factor"),
        (lambda o: ours_sched.LinearLR(o, end_factor=1.5), ValueError, r"LinearLR: end_factor"),
        (lambda o: ours_sched.LambdaLR(o, [lambda e: 1]), ValueError, r"expected 2 values"),
        (lambda o: ours_sched.LambdaLR(o, 3), TypeError, r"lr_lambda must be callable"),
        (lambda o: ours_sched.OneCycleLR(o, 1.0), ValueError, r"give total_steps"),
        (
            lambda o: ours_sched.OneCycleLR(o, 1.0, 10, anneal_strategy="x"),
            ValueError,
            r"anneal_strategy",
        ),
        (lambda o: ours_sched.ReduceLROnPlateau(o, factor=1.0), ValueError, r"factor must be < 1"),
        (lambda o: ours_sched.ReduceLROnPlateau(o, mode="up"), ValueError, r"mode must be"),
        (
            lambda o: ours_sched.SequentialLR(o, [ours_sched.ExponentialLR(o, 0.5)], [3]),
            ValueError,
            r"expected 0 milestones",
        ),
        (
            lambda o: ours_sched.SequentialLR(o, [ours_sched.ExponentialLR(_opt(optim), 0.5)], []),
            ValueError,
            r"another optimizer",
        ),
    ],
)
def test_errors(make, error, message):
    with pytest.raises(error, match=message):
        make(_opt(optim))


def test_plateau_step_needs_a_metric():
    sched = ours_sched.ReduceLROnPlateau(_opt(optim))
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau.step: expected the monitored metric"):
        sched.step("loss")
    assert math.isinf(sched.best)
