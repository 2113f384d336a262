"""``fit(jit=True)`` (the default) replays the step with ``ag.jit``: the same run as eager.

Every case trains the same seeded model twice, with ``jit=True`` and ``jit=False``,
and compares the weights and the history bit for bit (all but wall time). A
callback records ``TrainState.eager_reason`` so a test also knows whether the
jitted run really replayed (None) or fell back to eager (a reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd_mlp import Tensor, nn, optim
from autograd_mlp import functional as F
from autograd_mlp.data import xor
from autograd_mlp.train import Callback, History, TrainState, fit

X, Y = xor(n=100, noise=0.1, seed=3)  # 100 samples in batches of 16: last batch of 4


class _Peek(Callback):
    """Remembers why the step ran eagerly and the gradient norms the clip callback saw."""

    def __init__(self) -> None:
        self.reason: str | None = "never set"

    def on_train_end(self, state: TrainState) -> None:
        self.reason = state.eager_reason


class _Clip(Callback):
    """Gradient clipping: must see this batch's gradients, before the step."""

    def __init__(self) -> None:
        self.norms: list[float] = []

    def on_backward(self, state: TrainState) -> None:
        self.norms.append(float(nn.utils.clip_grad_norm_(state.model.parameters(), 0.5)))


def _run(
    make: Callable[[], nn.Module],
    jit: bool,
    *,
    opt: str = "sgd",
    loss: Any = "cross_entropy",
    epochs: int = 3,
) -> tuple[list[np.ndarray], History, str | None, list[float]]:
    nn.init.manual_seed(0)
    model = make()
    optimizer = (
        optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        if opt == "sgd"
        else optim.Adam(model.parameters(), lr=0.01)
    )
    peek, clip = _Peek(), _Clip()
    history = fit(
        model,
        optimizer,
        (X, Y),
        epochs=epochs,
        loss=loss,
        batch_size=16,
        seed=1,
        progress=False,
        jit=jit,
        callbacks=[clip, peek],
    )
    return [p.data.copy() for p in model.parameters()], history, peek.reason, clip.norms


def _assert_same_run(a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
    wa, ha, _, na = a
    wb, hb, _, nb = b
    assert len(wa) == len(wb)
    for p, q in zip(wa, wb):
        assert p.dtype == q.dtype and np.array_equal(p, q)
    for key in History.keys():
        if key != "time":
            assert ha[key] == hb[key], key
    assert na == nb  # the clip callback saw the same gradients, batch by batch


def _mlp() -> nn.Module:
    return nn.MLP([2, 8, 2])


def _sigmoid_net() -> nn.Module:
    return nn.Sequential(nn.MLP([2, 4, 2], activation="sigmoid"), nn.Sigmoid())


@pytest.mark.parametrize("opt", ["sgd", "adam"])
@pytest.mark.parametrize(
    ("make", "loss"), [(_mlp, "cross_entropy"), (_sigmoid_net, "mse")], ids=["ce", "mse"]
)
def test_jit_and_eager_fit_are_bit_identical(make: Any, loss: str, opt: str) -> None:
    jitted = _run(make, True, opt=opt, loss=loss)
    assert jitted[2] is None, f"the step did not replay: {jitted[2]}"
    eager = _run(make, False, opt=opt, loss=loss)
    assert eager[2] is not None
    _assert_same_run(jitted, eager)
    assert len(jitted[3]) == 3 * 7  # on_backward ran once per batch (7 batches per epoch)


def test_fit_uses_jit_by_default() -> None:
    nn.init.manual_seed(0)
    model = _mlp()
    peek = _Peek()
    fit(
        model,
        optim.SGD(model.parameters(), lr=0.1),
        (X, Y),
        epochs=1,
        batch_size=16,
        seed=0,
        progress=False,
        callbacks=[peek],
    )
    assert peek.reason is None


class _NoisyLayer(nn.Module):
    """Draws random numbers itself (not an nn.Dropout), so only ag.jit can tell."""

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, p=0.2, training=self.training)


def _item_loss(out: Tensor, target: Any) -> Tensor:
    loss = F.cross_entropy(out, target)
    if loss.item() > 1e6:  # reads a computed value in Python: a replay would not redo it
        raise AssertionError("unreachable")
    return loss


@pytest.mark.parametrize(
    ("make", "loss", "why"),
    [
        (lambda: nn.MLP([2, 8, 2], dropout=0.3), "cross_entropy", "Dropout"),
        (lambda: nn.MLP([2, 8, 2], norm="batch"), "cross_entropy", "BatchNorm1d"),
        (
            lambda: nn.Sequential(nn.Linear(2, 8), _NoisyLayer(), nn.Linear(8, 2)),
            "cross_entropy",
            "random",
        ),
        (_mlp, _item_loss, ".item"),
    ],
    ids=["dropout", "batchnorm", "random-draw", "item-in-loss"],
)
def test_untraceable_steps_fall_back_to_eager_and_train_the_same(
    make: Any, loss: Any, why: str
) -> None:
    jitted = _run(make, True, opt="adam", loss=loss)
    assert jitted[2] is not None and why in jitted[2]
    eager = _run(make, False, opt="adam", loss=loss)
    _assert_same_run(jitted, eager)
    assert jitted[1].train_loss[-1] < jitted[1].train_loss[0]  # it still trains


def test_diverging_loss_is_still_caught_before_the_step() -> None:
    from autograd_mlp.train import TrainingDivergedError

    def exploding(out: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(out, target) * np.float32(np.inf)

    nn.init.manual_seed(0)
    model = _mlp()
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(TrainingDivergedError), np.errstate(invalid="ignore", over="ignore"):
        fit(
            model,
            optim.SGD(model.parameters(), lr=0.1),
            (X, Y),
            epochs=1,
            loss=exploding,
            batch_size=16,
            seed=0,
            progress=False,
        )
    for p, q in zip(before, model.parameters()):
        assert np.array_equal(p, q.data)  # no step was taken with the non-finite gradients
