"""fit() steps each kind of schedule as PyTorch users step it, and survives a
batch-norm model whose last training batch would hold a single sample.

Learning-rate sequences are compared with torch.optim.lr_scheduler fed the same
metrics (the rates do not depend on the weights, except ReduceLROnPlateau's,
which we feed the losses fit recorded).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

from autograd_mlp import nn, optim
from autograd_mlp.data import xor
from autograd_mlp.optim import lr_scheduler as S
from autograd_mlp.train import Callback, TrainState, fit

X, Y = xor(n=40, noise=0.1, seed=0)  # 40 samples: 5 batches of 8 per epoch
XV, YV = xor(n=32, noise=0.1, seed=1)


class StepRates(Callback):
    """The learning rate each optimiser step used (read just before the step)."""

    def __init__(self) -> None:
        self.lrs: list[float] = []
        self.sizes: list[int] = []

    def on_backward(self, state: TrainState) -> None:
        self.lrs.append(float(state.optimizer.param_groups[0]["lr"]))

    def on_batch(self, state: TrainState) -> None:
        self.sizes.append(state.seen)


def _model(norm: str | None = None) -> nn.Module:
    nn.init.manual_seed(0)
    return nn.MLP([2, 8, 2], norm=norm)


def _torch_rates(make_scheduler, steps: int, metrics=None) -> list[float]:
    torch = optional("torch", "torch")
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    sched = make_scheduler(torch.optim.lr_scheduler, opt)
    rates = []
    for i in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step(*([] if metrics is None else [metrics[i]]))
    return rates


def test_one_cycle_steps_every_batch_by_default() -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=0.5, epochs=3, steps_per_epoch=5)
    seen = StepRates()
    fit(
        model,
        opt,
        (X, Y),
        epochs=3,
        batch_size=8,
        scheduler=sched,
        seed=0,
        progress=False,
        callbacks=[seen],
    )
    want = _torch_rates(lambda L, o: L.OneCycleLR(o, max_lr=0.5, epochs=3, steps_per_epoch=5), 15)
    np.testing.assert_allclose(seen.lrs, want, rtol=1e-12)
    assert sched.last_epoch == 15


def test_scheduler_interval_batch_for_any_schedule() -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = S.ExponentialLR(opt, gamma=0.9)
    seen = StepRates()
    h = fit(
        model,
        opt,
        (X, Y),
        epochs=2,
        batch_size=8,
        scheduler=sched,
        progress=False,
        scheduler_interval="batch",
        seed=0,
        callbacks=[seen],
    )
    want = _torch_rates(lambda L, o: L.ExponentialLR(o, gamma=0.9), 10)
    np.testing.assert_allclose(seen.lrs, want, rtol=1e-12)
    np.testing.assert_allclose(h.lr, [want[0], want[5]], rtol=1e-12)


def test_scheduler_interval_epoch_for_one_cycle() -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=0.5, total_steps=4)
    h = fit(
        model,
        opt,
        (X, Y),
        epochs=4,
        batch_size=8,
        scheduler=sched,
        progress=False,
        scheduler_interval="epoch",
        seed=0,
    )
    want = _torch_rates(lambda L, o: L.OneCycleLR(o, max_lr=0.5, total_steps=4), 4)
    np.testing.assert_allclose(h.lr, want, rtol=1e-12)


@pytest.mark.parametrize("with_val", [True, False])
def test_reduce_on_plateau_gets_the_epoch_loss(with_val: bool) -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    # A 30 % relative threshold: most epochs count as a plateau, so the rate moves.
    sched = S.ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=0.3)
    h = fit(
        model,
        opt,
        (X, Y),
        epochs=6,
        batch_size=8,
        scheduler=sched,
        progress=False,
        val_data=(XV, YV) if with_val else None,
        seed=0,
    )
    monitored = h.val_loss if with_val else h.train_loss
    want = _torch_rates(
        lambda L, o: L.ReduceLROnPlateau(o, patience=0, factor=0.5, threshold=0.3), 6, monitored
    )
    assert len(set(want)) > 1  # the comparison is not vacuous
    np.testing.assert_allclose(h.lr, want, rtol=1e-12)


@pytest.mark.parametrize(
    ("interval", "match"), [("step", "must be 'epoch' or 'batch'"), ("batch", "ReduceLROnPlateau")]
)
def test_bad_scheduler_interval(interval: str, match: str) -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=match):
        fit(
            model,
            opt,
            (X, Y),
            epochs=1,
            scheduler=S.ReduceLROnPlateau(opt),
            progress=False,
            scheduler_interval=interval,
        )


# --------------------------------------------------------------------------- batch norm
X33, Y33 = xor(n=33, noise=0.1, seed=2)  # 33 = 2 * 16 + 1


def test_batch_norm_with_a_last_batch_of_one_trains() -> None:
    seen = StepRates()
    model = _model("batch")
    h = fit(
        model,
        optim.SGD(model.parameters(), lr=0.1),
        (X33, Y33),
        epochs=2,
        batch_size=16,
        seed=0,
        progress=False,
        callbacks=[seen],
    )
    assert len(h) == 2 and seen.sizes == [16, 32, 16, 32]


def test_batch_norm_drop_last_false_raises_pytorchs_error() -> None:
    model = _model("batch")
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        fit(
            model,
            optim.SGD(model.parameters(), lr=0.1),
            (X33, Y33),
            epochs=1,
            batch_size=16,
            seed=0,
            progress=False,
            drop_last=False,
        )


@pytest.mark.parametrize(
    ("norm", "drop_last", "sizes"),
    [
        (None, None, [16, 32, 33]),  # no batch norm: every sample, as PyTorch
        ("layer", None, [16, 32, 33]),  # layer norm has no batch statistics
        (None, True, [16, 32]),  # asked for: PyTorch's drop_last
    ],
)
def test_drop_last(norm: str | None, drop_last: bool | None, sizes: list[int]) -> None:
    seen = StepRates()
    model = _model(norm)
    fit(
        model,
        optim.SGD(model.parameters(), lr=0.1),
        (X33, Y33),
        epochs=1,
        batch_size=16,
        seed=0,
        progress=False,
        drop_last=drop_last,
        callbacks=[seen],
    )
    assert seen.sizes == sizes


def test_drop_last_errors() -> None:
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="drop_last must be a bool"):
        fit(model, opt, (X33, Y33), epochs=1, progress=False, drop_last="yes")
    with pytest.raises(ValueError, match="leaves no batch"):
        fit(model, opt, (X33, Y33), epochs=1, batch_size=64, progress=False, drop_last=True)
