"""ag.jit: replays are bit-identical to eager steps, retrace when they must, and
refuse what they cannot replay exactly."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import functional as F
from autograd_mlp import nn, optim
from autograd_mlp.jit import TraceError


def _pair(sizes, act, opt_cls=optim.SGD, **opt_kw):
    """Two identical (model, optimiser) pairs: one to run eagerly, one jitted."""
    pairs = []
    for _ in range(2):
        ag.random.manual_seed(0)
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if act == "sigmoid" or i < len(sizes) - 2:
                layers.append(nn.Sigmoid() if act == "sigmoid" else nn.ReLU())
        model = nn.Sequential(*layers)
        pairs.append((model, opt_cls(model.parameters(), **opt_kw)))
    return pairs


def _step_fn(model, opt, loss_fn):
    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def _assert_same(m1, m2):
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert np.array_equal(p.data, q.data)
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            assert np.array_equal(p.grad.data, q.grad.data)


PROBLEMS = [
    ("spiral", [2, 100, 3], "relu", "ce", 300),
    ("micrograd", [2, 16, 16, 2], "relu", "ce", 32),
    ("parity", [10, 3, 2], "sigmoid", "mse", 8),
    ("mnist", [784, 100, 200, 10], "relu", "ce", 32),
]


@pytest.mark.parametrize("name, sizes, act, loss, batch", PROBLEMS)
def test_100_steps_bit_identical(name, sizes, act, loss, batch):
    (m1, o1), (m2, o2) = _pair(sizes, act, lr=0.1, momentum=0.9)
    loss_fn = F.cross_entropy if loss == "ce" else F.mse_loss
    eager, jitted = _step_fn(m1, o1, loss_fn), ag.jit(_step_fn(m2, o2, loss_fn))
    rng = np.random.default_rng(1)
    for i in range(100):
        x = ag.tensor(rng.normal(size=(batch, sizes[0])).astype(np.float32))
        labels = rng.integers(0, sizes[-1], batch)
        y = labels if loss == "ce" else ag.tensor(np.eye(sizes[-1], dtype=np.float32)[labels])
        a, b = eager(x, y), jitted(x, y)
        assert a.item() == b.item(), (name, i)
    _assert_same(m1, m2)
    assert jitted.traces == 1


def test_adam_and_fixed_inputs_bit_identical():
    (m1, o1), (m2, o2) = _pair([10, 3, 2], "sigmoid", optim.Adam, lr=0.01)
    x = ag.tensor(np.random.default_rng(2).normal(size=(8, 10)).astype(np.float32))
    y = ag.tensor(np.ones((8, 2), dtype=np.float32))
    eager = _step_fn(m1, o1, F.mse_loss)
    jitted = ag.jit(lambda: _step_fn(m2, o2, F.mse_loss)(x, y))
    for _ in range(30):
        assert eager(x, y).item() == jitted().item()
        x.data[...] += 0.01  # the replay reads the tensor's current values
    _assert_same(m1, m2)


def _simple():
    (m1, o1), (m2, o2) = _pair([4, 3, 2], "relu", lr=0.1)
    return m1, o1, m2, o2, ag.jit(_step_fn(m2, o2, F.cross_entropy))


def test_retraces_on_shape_dtype_and_grad_mode():
    m1, o1, m2, o2, jitted = _simple()
    eager = _step_fn(m1, o1, F.cross_entropy)
    rng = np.random.default_rng(3)
    for batch in (5, 5, 7, 7, 5, 7):  # two traced calls a signature, then replays
        x = ag.tensor(rng.normal(size=(batch, 4)).astype(np.float32))
        y = rng.integers(0, 2, batch)
        assert eager(x, y).item() == jitted(x, y).item()
    assert jitted.traces == 2
    x64 = ag.tensor(rng.normal(size=(5, 4)))  # float32 by default...
    x64 = ag.tensor(x64.data.astype(np.float64), dtype=np.float64)
    for _ in range(2):
        jitted(x64, np.zeros(5, dtype=int))
    assert jitted.traces == 3
    with ag.no_grad():
        with pytest.raises(ag.AutogradError):
            jitted(x, y)  # no graph: backward fails eagerly, as it would without jit


def test_hyperparameter_change_is_honoured_and_param_set_change_retraces():
    m1, o1, m2, o2, jitted = _simple()
    eager = _step_fn(m1, o1, F.cross_entropy)
    x, y = ag.tensor(np.ones((3, 4), dtype=np.float32)), np.array([0, 1, 1])
    for lr in (0.1, 0.5, 0.01):
        for opt in (o1, o2):
            opt.param_groups[0]["lr"] = lr
        assert eager(x, y).item() == jitted(x, y).item()
    _assert_same(m1, m2)
    # replace a layer: the trace's modules changed, so it retraces
    for m in (m1, m2):
        ag.random.manual_seed(5)
        setattr(m, "0", nn.Linear(4, 3))
    o1.param_groups[0]["params"] = list(m1.parameters())
    o2.param_groups[0]["params"] = list(m2.parameters())
    before = jitted.traces
    for _ in range(3):
        assert eager(x, y).item() == jitted(x, y).item()
    assert jitted.traces == before + 1
    _assert_same(m1, m2)


def test_train_eval_mode_retraces():
    m1, o1, m2, o2, jitted = _simple()
    x, y = ag.tensor(np.ones((3, 4), dtype=np.float32)), np.array([0, 1, 1])
    jitted(x, y)
    jitted(x, y)
    m2.eval()
    jitted(x, y)
    jitted(x, y)
    assert jitted.traces == 2


def test_untraceable_steps_raise_clear_errors():
    model = nn.Linear(3, 2)
    x = ag.tensor(np.ones((2, 3), dtype=np.float32))

    with pytest.raises(TraceError, match="returns a dict.*eagerly"):
        ag.jit(lambda: {"loss": model(x).sum()})()
    with pytest.raises(TraceError, match=r"reads \.item\(\)|reads \.item of"):
        ag.jit(lambda: model(x).sum().item())()
    with pytest.raises(TraceError, match="reads .data of .*eagerly"):
        ag.jit(lambda: F.leaky_relu(model(x)))()  # its mask is computed from .data
    with pytest.raises(TraceError, match="random"):
        ag.jit(lambda: nn.Dropout(0.5)(model(x)))()

    def grows():
        out = model(x)
        model.extra = nn.Identity()
        return out

    with pytest.raises(TraceError, match="structure"):
        ag.jit(grows)()
    assert issubclass(TraceError, ag.AutogradError)


def test_values_computed_from_arguments_in_python_are_refused():
    model = nn.Linear(3, 2)
    x = ag.tensor(np.ones((4, 3), dtype=np.float32))
    jitted = ag.jit(lambda labels: F.mse_loss(model(x), np.eye(2, dtype=np.float32)[labels]))
    jitted(np.array([0, 1, 0, 1]))  # recorded: the one-hot targets are a constant here
    with pytest.raises(TraceError, match="change from call to call"):
        jitted(np.array([1, 1, 0, 0]))


def test_trace_leaves_no_patches_behind():
    model = nn.Linear(3, 2)
    x = ag.tensor(np.ones((2, 3), dtype=np.float32))
    with pytest.raises(TraceError):
        ag.jit(lambda: model(x).sum().item())()
    assert ag.Tensor.data.fget.__module__ == "autograd_mlp.tensor"
    assert nn.Module.__call__.__module__ == "autograd_mlp.nn.module"
    assert ag.engine._run.__module__ == "autograd_mlp.engine"
    assert model(x).sum().item() == model(x).sum().item()
