"""A small, readable training loop: :func:`fit` and :func:`evaluate`.

Not a framework: one function that shuffles, batches, steps the optimiser and
keeps a per-epoch :class:`History`, with optional checkpoints to resume from.

Reproducibility: epoch ``e``'s shuffling comes from ``numpy.random.default_rng([seed, e])``,
so any epoch's order can be rebuilt from the seed alone. That is what makes a run
resumed from a checkpoint continue bit for bit as if it had never stopped. (The
model's initial weights are drawn when it is built: seed them with
``nn.init.manual_seed``.)

Examples
--------
>>> from autograd_mlp import nn, optim
>>> from autograd_mlp.data import xor
>>> nn.init.manual_seed(0)
>>> X, y = xor(n=64, noise=0.1)
>>> model = nn.MLP([2, 16, 2])
>>> history = fit(model, optim.Adam(model.parameters(), lr=0.05), (X, y),
...               epochs=30, batch_size=16, seed=0, progress=False)
>>> history.train_acc[-1]
1.0
>>> loss, acc = evaluate(model, X, y)
>>> acc
1.0
"""

from __future__ import annotations

import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from . import functional as F
from .checkpoint import restore_checkpoint, save_checkpoint
from .data import DataLoader
from .grad_mode import no_grad
from .nn import Module
from .optim import Optimizer
from .optim.lr_scheduler import LRScheduler
from .tensor import Tensor

try:  # optional extra "progress"
    from tqdm import tqdm as _tqdm
except ImportError:  # pragma: no cover - depends on the environment
    _tqdm = None

__all__ = ["History", "TrainingDivergedError", "evaluate", "fit"]

LossFn = Callable[[Tensor, Any], Tensor]

_LOSSES: dict[str, LossFn] = {
    "cross_entropy": F.cross_entropy,
    "nll": F.nll_loss,
    "nll_loss": F.nll_loss,
    "mse": F.mse_loss,
    "mse_loss": F.mse_loss,
    "bce": F.binary_cross_entropy_with_logits,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
}
# Losses on logits: a single output counts as class 1 above 0, not above 0.5.
_LOGIT_LOSSES = {"bce", "binary_cross_entropy_with_logits"}


class TrainingDivergedError(RuntimeError):
    """The loss became NaN or infinite during :func:`fit`."""

    def __init__(self, message: str, epoch: int, batch: int, loss: float) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.loss = epoch, batch, loss


@dataclass
class History:
    """What :func:`fit` recorded, one list entry per epoch.

    Epochs are numbered from 1. ``val_loss``/``val_acc`` are ``None`` without
    validation data, and accuracies are ``None`` where they are undefined
    (e.g. regression targets). ``seed`` is the shuffling seed used.

    Examples
    --------
    >>> h = History()
    >>> h.append(epoch=1, train_loss=0.5, train_acc=0.9, lr=0.1, time=0.01)
    >>> h["train_loss"], len(h)
    ([0.5], 1)
    """

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float | None] = field(default_factory=list)
    val_loss: list[float | None] = field(default_factory=list)
    val_acc: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    seed: int | None = None

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The names of the per-epoch lists."""
        return tuple(f.name for f in fields(cls) if f.name != "seed")

    def append(self, **record: Any) -> None:
        """Add one epoch; missing entries are recorded as ``None``."""
        unknown = set(record) - set(self.keys())
        if unknown:
            raise KeyError(f"History.append: unknown keys {sorted(unknown)}")
        for key in self.keys():
            getattr(self, key).append(record.get(key))

    def last(self) -> dict[str, Any]:
        """The latest epoch's record as a dict."""
        if not self.epoch:
            raise IndexError("History.last: no epochs recorded yet")
        return {key: getattr(self, key)[-1] for key in self.keys()}

    def __getitem__(self, key: str) -> list[Any]:
        if key not in self.keys():
            raise KeyError(f"History: no column {key!r}; columns are {self.keys()}")
        return getattr(self, key)

    def __len__(self) -> int:
        return len(self.epoch)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists (and the seed), e.g. for JSON."""
        return {**{key: list(getattr(self, key)) for key in self.keys()}, "seed": self.seed}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Inverse of :meth:`to_dict`."""
        return cls(**{key: list(d.get(key, [])) for key in cls.keys()}, seed=d.get("seed"))


# --------------------------------------------------------------------------- helpers
def _resolve_loss(loss: str | LossFn) -> tuple[LossFn, str | None]:
    if isinstance(loss, str):
        if loss not in _LOSSES:
            raise ValueError(
                f"fit: unknown loss {loss!r}; use one of {sorted(_LOSSES)} or a callable"
            )
        return _LOSSES[loss], loss
    if callable(loss):
        return loss, None
    raise TypeError(f"fit: loss must be a name or a callable, got {type(loss).__name__}")


def _prepare_target(name: str | None, out: Tensor, y: np.ndarray) -> Any:
    """Fit targets to what the named loss expects from this output."""
    if name in ("mse", "mse_loss", *_LOGIT_LOSSES):
        if y.ndim == 1 and out.ndim == 2 and out.shape[1] > 1 and y.dtype.kind in "iub":
            # Integer classes for an MSE on C outputs: compare with one-hot rows.
            onehot = np.zeros(out.shape, dtype=out.dtype)
            onehot[np.arange(len(y)), y] = 1
            return onehot
        if y.shape != out.shape and y.size == out.size:
            y = y.reshape(out.shape)
        return y.astype(out.dtype, copy=False)
    return y


def _count_correct(out: np.ndarray, y: np.ndarray, threshold: float) -> int | None:
    """How many rows of ``out`` predict ``y``; None when accuracy is undefined."""
    n = len(out)
    if out.ndim == 2 and out.shape[1] > 1:
        pred = out.argmax(axis=1)
        if y.shape == out.shape:
            truth = y.argmax(axis=1)
        elif y.shape == (n,):
            truth = y
        else:
            return None
        return int((pred == truth).sum())
    if out.size == n and y.size == n:  # one output per sample: binary
        pred = out.reshape(n) > threshold
        return int((pred == (y.reshape(n) > 0.5)).sum())
    return None


def _check_data(fn: str, what: str, data: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        X, y = data
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {what} must be a pair (X, y) of arrays") from None
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"{fn}: {what} needs X and y with the same, non-zero number of samples; "
            f"got X of shape {X.shape} and y of shape {y.shape}"
        )
    return X, y


def _scalar_loss(fn: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor) or value.size != 1:
        shape = getattr(value, "shape", type(value).__name__)
        raise ValueError(f"{fn}: the loss must return a single-element Tensor, got {shape}")
    return value


def _run_eval(
    model: Module,
    X: np.ndarray,
    y: np.ndarray,
    loss_fn: LossFn,
    name: str | None,
    batch_size: int,
) -> tuple[float, float | None]:
    threshold = 0.0 if name in _LOGIT_LOSSES else 0.5
    was_training = model.training
    model.eval()
    total, correct, defined = 0.0, 0, True
    try:
        with no_grad():
            for xb, yb in DataLoader(X, y, batch_size=batch_size):
                out = model(Tensor(xb))
                value = _scalar_loss("evaluate", loss_fn(out, _prepare_target(name, out, yb)))
                total += float(value.data) * len(xb)
                c = _count_correct(out.data, yb, threshold)
                defined = defined and c is not None
                correct += c or 0
    finally:
        model.train(was_training)
    return total / len(X), (correct / len(X) if defined else None)


def evaluate(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: str | LossFn = "cross_entropy",
    batch_size: int = 256,
) -> tuple[float, float | None]:
    """Mean loss and accuracy of ``model`` on ``(X, y)``, without recording a graph.

    Parameters
    ----------
    model : Module
        Put in eval mode for the pass, then restored.
    X, y : array_like
        Inputs and targets (integer classes, or one-hot/float rows).
    loss : str or callable
        As in :func:`fit`.
    batch_size : int
        Samples per forward pass.

    Returns
    -------
    (float, float or None)
        The loss averaged over samples, and the fraction classified correctly
        (argmax of the outputs; a single output counts as class 1 above 0.5, or
        above 0 for ``"bce"``), or ``None`` when targets are not classes.

    Examples
    --------
    >>> import numpy as np
    >>> from autograd_mlp import nn
    >>> model = nn.Linear(2, 2)
    >>> loss, acc = evaluate(model, np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    >>> acc
    0.5
    """
    loss_fn, name = _resolve_loss(loss)
    X, y = _check_data("evaluate", "the data", (X, y))
    return _run_eval(model, X, y, loss_fn, name, batch_size)


def _resume(
    source: Any, model: Module, optimizer: Optimizer, scheduler: LRScheduler | None
) -> tuple[int, History, int | None] | None:
    """Restore from ``source`` if it exists: (epochs done, history, seed)."""
    if not Path(source).exists():
        return None
    ckpt = restore_checkpoint(source, model, optimizer, scheduler)
    history = History.from_dict(ckpt.history) if ckpt.history else History()
    return int(ckpt.epoch or 0), history, ckpt.config.get("seed", history.seed)


def _say(message: str) -> None:
    if _tqdm is not None:
        _tqdm.write(message)
    else:
        print(message, flush=True)


def _summary(record: dict[str, Any], epochs: int) -> str:
    parts = [f"epoch {record['epoch']}/{epochs}", f"loss {record['train_loss']:.4f}"]
    if record["train_acc"] is not None:
        parts.append(f"acc {record['train_acc']:.2%}")
    if record["val_loss"] is not None:
        parts.append(f"val_loss {record['val_loss']:.4f}")
    if record["val_acc"] is not None:
        parts.append(f"val_acc {record['val_acc']:.2%}")
    parts += [f"lr {record['lr']:.3g}", f"{record['time']:.2f}s"]
    return "  ".join(parts)


def fit(
    model: Module,
    optimizer: Optimizer,
    train_data: tuple[Any, Any],
    *,
    epochs: int,
    loss: str | LossFn = "cross_entropy",
    batch_size: int = 32,
    val_data: tuple[Any, Any] | None = None,
    scheduler: LRScheduler | None = None,
    seed: int | None = None,
    progress: bool = True,
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool | str | os.PathLike[str] = False,
    start_epoch: int | None = None,
    callback: Callable[[History], Any] | None = None,
) -> History:
    """Train ``model`` with mini-batches of ``train_data``; return the :class:`History`.

    Parameters
    ----------
    model : Module
        Called on float32 Tensors of input batches; returns outputs (logits).
    optimizer : Optimizer
        Built on ``model.parameters()``.
    train_data : (X, y)
        Numpy arrays, samples along the first axis.
    epochs : int
        Train until this many epochs are done in total (a resumed run counts the
        epochs before the checkpoint).
    loss : str or callable
        ``"cross_entropy"`` (integer classes or class probabilities), ``"nll"``,
        ``"mse"`` (integer classes are one-hot encoded for a multi-output model,
        as in the sigmoid + MSE tutorials), ``"bce"`` (logits against 0/1
        targets), or ``loss(output, target) -> scalar Tensor`` (a batch mean).
    batch_size : int
        Samples per step; batches are reshuffled every epoch.
    val_data : (X, y), optional
        Evaluated after every epoch.
    scheduler : LRScheduler, optional
        Stepped once after every epoch.
    seed : int, optional
        Shuffling seed; epoch ``e`` uses ``default_rng([seed, e])``. Drawn at
        random (and recorded in ``History.seed`` and the checkpoint) when None.
    progress : bool
        Print one summary line per epoch and, with ``tqdm`` installed and a
        terminal attached, a progress bar.
    checkpoint : path, optional
        Save model, optimiser, scheduler and history there after every epoch.
    resume : bool or path
        ``True``: continue from ``checkpoint`` if that file exists (else start
        fresh). A path: continue from that file, which must exist. Resuming
        restores weights, optimiser and scheduler state, history and seed, so
        the run continues exactly as if uninterrupted.
    start_epoch : int, optional
        Epochs already done, when not resuming from a checkpoint.
    callback : callable, optional
        Called as ``callback(history)`` after every epoch; returning ``True``
        stops training.

    Returns
    -------
    History

    Raises
    ------
    TrainingDivergedError
        When a batch's loss is NaN or infinite.
    """
    loss_fn, name = _resolve_loss(loss)
    X, y = _check_data("fit", "train_data", train_data)
    val = None if val_data is None else _check_data("fit", "val_data", val_data)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a positive integer, got {batch_size!r}")

    history, first = History(), 0
    if resume:
        source = checkpoint if resume is True else resume
        if source is None:
            raise ValueError("fit: resume=True needs checkpoint=PATH to resume from")
        if resume is not True and not Path(source).exists():
            raise FileNotFoundError(f"fit: no checkpoint to resume from at {str(source)!r}")
        restored = _resume(source, model, optimizer, scheduler)
        if restored is not None:
            first, history, saved_seed = restored
            if seed is None:
                seed = saved_seed
            if start_epoch is not None and start_epoch != first:
                raise ValueError(
                    f"fit: start_epoch={start_epoch} but the checkpoint has {first} epochs done"
                )
    if start_epoch is not None:
        first = start_epoch
    if seed is None:
        seed = secrets.randbits(32)  # recorded, so even an unseeded run can be resumed
    history.seed = seed
    threshold = 0.0 if name in _LOGIT_LOSSES else 0.5
    config = {"seed": seed, "batch_size": batch_size, "epochs": epochs, "loss": name}

    for epoch in range(first, epochs):
        started = time.perf_counter()
        model.train()
        lr = optimizer.lr
        loader = DataLoader(
            X, y, batch_size=batch_size, shuffle=True, rng=np.random.default_rng([seed, epoch])
        )
        bar = None
        if progress and _tqdm is not None:
            # disable=None: tqdm turns itself off when output is not a terminal.
            bar = _tqdm(
                total=len(loader),
                desc=f"epoch {epoch + 1}/{epochs}",
                unit="batch",
                leave=False,
                disable=None,
            )
        total, correct, defined = 0.0, 0, True
        try:
            for batch, (xb, yb) in enumerate(loader):
                out = model(Tensor(xb))
                value = _scalar_loss("fit", loss_fn(out, _prepare_target(name, out, yb)))
                loss_value = float(value.data)
                if not math.isfinite(loss_value):
                    raise TrainingDivergedError(
                        f"fit: the loss became {loss_value} at epoch {epoch + 1}, batch "
                        f"{batch + 1} of {len(loader)} (lr={lr:g}); try a lower learning rate",
                        epoch + 1,
                        batch + 1,
                        loss_value,
                    )
                optimizer.zero_grad()
                value.backward()
                optimizer.step()
                total += loss_value * len(xb)
                c = _count_correct(out.data, yb, threshold)
                defined = defined and c is not None
                correct += c or 0
                if bar is not None:
                    bar.update()
                    bar.set_postfix(loss=f"{loss_value:.4f}", refresh=False)
        finally:
            if bar is not None:
                bar.close()
        if scheduler is not None:
            scheduler.step()
        val_loss, val_acc = (None, None)
        if val is not None:
            val_loss, val_acc = _run_eval(model, *val, loss_fn, name, max(batch_size, 256))
        history.append(
            epoch=epoch + 1,
            train_loss=total / len(X),
            train_acc=correct / len(X) if defined else None,
            val_loss=val_loss,
            val_acc=val_acc,
            lr=lr,
            time=time.perf_counter() - started,
        )
        if checkpoint is not None:
            save_checkpoint(
                checkpoint,
                model,
                optimizer,
                epoch=epoch + 1,
                history=history,
                config=config,
                scheduler=scheduler,
            )
        if progress:
            _say(_summary(history.last(), epochs))
        if callback is not None and callback(history) is True:
            break
    return history
