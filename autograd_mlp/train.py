"""One small training loop, :func:`fit`, and :func:`evaluate`; extras are callbacks.

:func:`fit` shuffles, batches, steps the optimiser and keeps a per-epoch
:class:`History`. Everything else — the progress bar, checkpoints, early
stopping, per-step loss curves — is a :class:`Callback` with hooks ``on_batch``
and ``on_epoch`` (returning ``True`` from either stops training). The
``autograd-mlp`` command runs exactly this loop.

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
>>> loss, acc = evaluate(model, (X, y))
>>> acc
1.0
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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
from .optim.lr_scheduler import LRScheduler, OneCycleLR, ReduceLROnPlateau
from .tensor import Tensor

__all__ = [
    "Callback",
    "EarlyStopping",
    "History",
    "ModelCheckpoint",
    "ProgressBar",
    "StepLog",
    "TrainState",
    "TrainingDivergedError",
    "evaluate",
    "fit",
]

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
    """The loss, the validation loss or a parameter became NaN or infinite in :func:`fit`.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> try:
    ...     fit(net, opt, (X, y), epochs=1, loss=lambda out, t: out.sum() * np.nan,
    ...         seed=0, progress=False)
    ... except TrainingDivergedError as e:
    ...     print(e.epoch, e.batch, e.loss)
    1 1 nan
    """

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
        """The names of the per-epoch lists.

        Examples
        --------
        >>> History.keys()
        ('epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'lr', 'time')
        """
        return tuple(f.name for f in fields(cls) if f.name != "seed")

    def append(self, **record: Any) -> None:
        """Add one epoch; missing entries are recorded as ``None``.

        Examples
        --------
        >>> h = History()
        >>> h.append(epoch=1, train_loss=0.5, lr=0.1)
        >>> h.append(epoch=2, train_loss=0.25, lr=0.1)
        >>> h.train_loss, h.val_loss
        ([0.5, 0.25], [None, None])
        """
        unknown = set(record) - set(self.keys())
        if unknown:
            raise KeyError(f"History.append: unknown keys {sorted(unknown)}")
        for key in self.keys():
            getattr(self, key).append(record.get(key))

    def last(self) -> dict[str, Any]:
        """The latest epoch's record as a dict.

        Examples
        --------
        >>> h = History()
        >>> h.append(epoch=1, train_loss=0.5, lr=0.1)
        >>> h.append(epoch=2, train_loss=0.25, lr=0.1)
        >>> h.last()["epoch"], h.last()["train_loss"]
        (2, 0.25)
        """
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
        """Plain lists (and the seed), e.g. for JSON.

        Examples
        --------
        >>> h = History()
        >>> h.append(epoch=1, train_loss=0.5, lr=0.1)
        >>> h.append(epoch=2, train_loss=0.25, lr=0.1)
        >>> d = h.to_dict()
        >>> d["epoch"], d["seed"]
        ([1, 2], None)
        """
        return {**{key: list(getattr(self, key)) for key in self.keys()}, "seed": self.seed}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Inverse of :meth:`to_dict`; rejects columns of unequal length or wrong type.

        Examples
        --------
        >>> h = History()
        >>> h.append(epoch=1, train_loss=0.5, lr=0.1)
        >>> h.append(epoch=2, train_loss=0.25, lr=0.1)
        >>> History.from_dict(h.to_dict()) == h
        True
        """
        if not isinstance(d, dict):
            raise ValueError(f"History.from_dict: expected a dict, got {type(d).__name__}")
        columns = {key: d.get(key) or [] for key in cls.keys()}
        lengths = {len(v) if isinstance(v, list) else -1 for v in columns.values()}
        if len(lengths) != 1 or -1 in lengths:
            raise ValueError("History.from_dict: the columns are not lists of one length")
        seed = d.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"History.from_dict: seed must be an integer, got {seed!r}")
        return cls(**{k: list(v) for k, v in columns.items()}, seed=seed)


# --------------------------------------------------------------------------- callbacks
@dataclass
class TrainState:
    """What callbacks see: the objects being trained and where the loop is.

    ``epoch`` and ``batch`` count from 1; ``loss`` and ``correct`` are those of
    the latest batch (``correct`` None when accuracy is undefined), ``seen``,
    ``loss_sum`` and ``correct_sum`` the running totals of the epoch.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> seen = []
    >>> class Watch(Callback):
    ...     def on_batch(self, state):
    ...         seen.append((state.epoch, state.batch, state.n_batches))
    >>> _ = fit(net, opt, (X, y), epochs=2, batch_size=2, seed=0, progress=False,
    ...         callbacks=[Watch()])
    >>> seen
    [(1, 1, 2), (1, 2, 2), (2, 1, 2), (2, 2, 2)]
    """

    model: Module
    optimizer: Optimizer
    scheduler: LRScheduler | None
    history: History
    epochs: int
    n_batches: int
    seed: int
    config: dict[str, Any]
    epoch: int = 0
    batch: int = 0
    loss: float = math.nan
    correct: int | None = None
    seen: int = 0
    loss_sum: float = 0.0
    correct_sum: int | None = 0
    scheduler_interval: str | None = None  # "epoch" or "batch"; None without a scheduler
    eager_reason: str | None = None  # why the step is not replayed by ag.jit (None: it is)

    @property
    def running_loss(self) -> float:
        """Mean loss over the batches of this epoch so far.

        Examples
        --------
        >>> import numpy as np
        >>> import autograd_mlp as ag
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
        >>> y = np.array([0, 1, 1, 0])
        >>> ag.manual_seed(0)
        >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
        >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
        >>> runs = []
        >>> class Watch(Callback):
        ...     def on_batch(self, state):
        ...         runs.append(state.running_loss == state.loss_sum / state.seen)
        >>> _ = fit(net, opt, (X, y), epochs=1, batch_size=2, seed=0, progress=False,
        ...         callbacks=[Watch()])
        >>> runs
        [True, True]
        """
        return self.loss_sum / self.seen if self.seen else math.nan

    @property
    def running_acc(self) -> float | None:
        """Accuracy over the batches of this epoch so far (None if undefined).

        Examples
        --------
        >>> import numpy as np
        >>> import autograd_mlp as ag
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
        >>> y = np.array([0, 1, 1, 0])
        >>> ag.manual_seed(0)
        >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
        >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
        >>> accs = []
        >>> class Watch(Callback):
        ...     def on_epoch(self, state):
        ...         accs.append(state.running_acc == state.history.last()["train_acc"])
        >>> _ = fit(net, opt, (X, y), epochs=2, seed=0, progress=False, callbacks=[Watch()])
        >>> accs
        [True, True]
        """
        return None if self.correct_sum is None or not self.seen else self.correct_sum / self.seen


class Callback:
    """Base class of :func:`fit`'s callbacks; every hook is optional.

    ``on_batch`` runs after each optimiser step, ``on_epoch`` after each epoch
    is recorded in ``state.history``; either returns ``True`` to stop training.
    ``on_train_end`` runs however training ends (also on errors and Ctrl-C).

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> class StopAfterTwo(Callback):
    ...     def on_epoch(self, state):
    ...         return state.epoch == 2  # True stops training
    >>> h = fit(net, opt, (X, y), epochs=10, seed=0, progress=False, callbacks=[StopAfterTwo()])
    >>> h.epoch
    [1, 2]
    """

    def on_train_begin(self, state: TrainState) -> None:
        """Before the first epoch.

        Examples
        --------
        >>> Callback().on_train_begin(None) is None  # the base hooks do nothing
        True
        """

    def on_epoch_begin(self, state: TrainState) -> None:
        """Before each epoch.

        Examples
        --------
        >>> Callback().on_epoch_begin(None) is None
        True
        """

    def on_backward(self, state: TrainState) -> None:
        """After each backward, before the optimiser step (e.g. to clip gradients).

        Examples
        --------
        >>> import numpy as np
        >>> import autograd_mlp as ag
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
        >>> y = np.array([0, 1, 1, 0])
        >>> ag.manual_seed(0)
        >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
        >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
        >>> class Clip(Callback):
        ...     def on_backward(self, state):
        ...         ag.nn.utils.clip_grad_norm_(state.model.parameters(), 1.0)
        >>> len(fit(net, opt, (X, y), epochs=1, seed=0, progress=False, callbacks=[Clip()]))
        1
        """

    def on_batch(self, state: TrainState) -> bool | None:
        """After each step.

        Examples
        --------
        >>> Callback().on_batch(None) is None  # None: keep training
        True
        """
        return None

    def on_epoch(self, state: TrainState) -> bool | None:
        """After each epoch.

        Examples
        --------
        >>> Callback().on_epoch(None) is None  # None: keep training
        True
        """
        return None

    def on_train_end(self, state: TrainState) -> None:
        """After training, however it ended.

        Examples
        --------
        >>> Callback().on_train_end(None) is None
        True
        """


class _EpochFunction(Callback):
    """A plain function ``f(history) -> bool`` called after every epoch."""

    def __init__(self, fn: Callable[[History], Any]) -> None:
        self.fn = fn

    def on_epoch(self, state: TrainState) -> bool:
        return self.fn(state.history) is True


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


class ProgressBar(Callback):
    """A tqdm bar per epoch (epoch/step, ETA, running loss and accuracy) and, with
    ``summary``, one line per epoch. The bar shows only on a terminal.

    ``printer`` replaces the summary line (it gets the epoch's record).

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> import io
    >>> out = io.StringIO()
    >>> _ = fit(net, opt, (X, y), epochs=1, seed=0, progress=False,
    ...         callbacks=[ProgressBar(file=out, printer=lambda r: f"epoch {r['epoch']} done")])
    >>> print(out.getvalue(), end="")
    epoch 1 done
    """

    def __init__(
        self,
        summary: bool = True,
        printer: Callable[[dict[str, Any]], str | None] | None = None,
        file: Any = None,
        enabled: bool | None = None,
    ) -> None:
        self.summary, self.printer, self.file = summary, printer, file
        self.enabled, self.bar = enabled, None

    def on_epoch_begin(self, state: TrainState) -> None:
        from tqdm import tqdm

        # disable=None: tqdm turns itself off when its output is not a terminal.
        self.bar = tqdm(
            total=state.n_batches,
            desc=f"epoch {state.epoch}/{state.epochs}",
            unit="step",
            leave=False,
            file=self.file,
            disable=None if self.enabled is None else not self.enabled,
            dynamic_ncols=True,
        )

    def on_batch(self, state: TrainState) -> None:
        if self.bar is None:
            return
        self.bar.update()
        if state.batch % 10 == 0 or state.batch == state.n_batches:
            acc = state.running_acc
            post = {"loss": f"{state.running_loss:.4g}"}
            if acc is not None:
                post["acc"] = f"{acc:.1%}"
            self.bar.set_postfix(post, refresh=False)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def on_epoch(self, state: TrainState) -> None:
        from tqdm import tqdm

        self._close()
        if self.summary:
            record = state.history.last()
            line = self.printer(record) if self.printer else _summary(record, state.epochs)
            if line is not None:
                tqdm.write(line, file=self.file)

    def on_train_end(self, state: TrainState) -> None:
        self._close()


class StepLog(Callback):
    """Records the loss of every step (``losses``) and where it fell, in epochs
    (``positions``: 0.5 is half-way through the first epoch), e.g. for a plot.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> log = StepLog()
    >>> _ = fit(net, opt, (X, y), epochs=2, batch_size=2, seed=0, progress=False, callbacks=[log])
    >>> log.positions, len(log.losses)
    ([0.5, 1.0, 1.5, 2.0], 4)
    """

    def __init__(self) -> None:
        self.losses: list[float] = []
        self.positions: list[float] = []
        self.epoch = 0  # the epoch running (or last run)

    def on_epoch_begin(self, state: TrainState) -> None:
        self.epoch = state.epoch

    def on_batch(self, state: TrainState) -> None:
        self.losses.append(state.loss)
        self.positions.append(state.epoch - 1 + state.batch / state.n_batches)


class EarlyStopping(Callback):
    """Stop when ``monitor`` (a History column) has not improved for ``patience`` epochs.

    Examples
    --------
    >>> stop = EarlyStopping("val_loss", patience=2)
    >>> stop.best is None
    True
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "min",
    ) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        if monitor not in History.keys():
            raise ValueError(f"EarlyStopping: no History column {monitor!r}")
        self.monitor, self.patience, self.min_delta, self.mode = monitor, patience, min_delta, mode
        self.best: float | None = None
        self.wait = 0

    def on_epoch(self, state: TrainState) -> bool:
        value = state.history.last()[self.monitor]
        if value is None:
            raise ValueError(f"EarlyStopping: {self.monitor} is not recorded (no val_data?)")
        sign = 1.0 if self.mode == "min" else -1.0
        if self.best is None or sign * (self.best - value) > self.min_delta:
            self.best, self.wait = value, 0
            return False
        self.wait += 1
        return self.wait >= self.patience


class ModelCheckpoint(Callback):
    """Save model, optimiser, schedule, history and ``config`` to ``path`` every epoch.

    Never saves a diverged model (``fit`` raises before ``on_epoch``, and
    non-finite parameters are checked here again): the file keeps the last good
    epoch, which ``saved_epoch`` says (None until the first save).

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> import pathlib, tempfile
    >>> from autograd_mlp.checkpoint import load_checkpoint
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
    >>> saver = ModelCheckpoint(path, config={"note": "xor"})
    >>> _ = fit(net, opt, (X, y), epochs=2, seed=0, progress=False, callbacks=[saver])
    >>> saver.saved_epoch, load_checkpoint(path).epoch, load_checkpoint(path).config["note"]
    (2, 2, 'xor')
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        config: dict[str, Any] | None = None,
        overwrite: bool = False,
    ) -> None:
        self.path, self.config, self.overwrite = Path(path), config, overwrite
        self.saved_epoch: int | None = None

    def on_train_begin(self, state: TrainState) -> None:
        # Before any training: a path that cannot be written fails now, not after an epoch.
        from .data._atomic import check_target
        from .nn.serialization import is_package_file

        check_target(self.path, overwrite=self.overwrite, ours=is_package_file)

    def on_epoch(self, state: TrainState) -> None:
        bad = _non_finite_parameter(state.model)
        if bad is not None:
            raise TrainingDivergedError(
                f"fit: parameter {bad!r} is not finite after epoch {state.epoch}; not saved",
                state.epoch,
                state.n_batches,
                math.nan,
            )
        with _interrupt_after():
            save_checkpoint(
                self.path,
                state.model,
                state.optimizer,
                epoch=state.epoch,
                history=state.history,
                config={**state.config, **(self.config or {})},
                scheduler=state.scheduler,
                overwrite=self.overwrite,
            )
            # Replacing it from now on is replacing our own file.
            self.overwrite = True
            self.saved_epoch = state.epoch


@contextlib.contextmanager
def _interrupt_after() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until it ends (main thread only).

    So a checkpoint is either written and noted in ``saved_epoch``, or not
    written at all: never a half-written temporary file, or a saved epoch the
    interrupted run's message does not know about.
    """
    import signal
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


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


_SHAPED_LOSSES = ("mse", "mse_loss", *_LOGIT_LOSSES)


def _prepare_target(name: str | None, shape: tuple[int, ...], dtype: Any, y: np.ndarray) -> Any:
    """Fit targets to what the named loss expects from an output of this shape and dtype."""
    if name in _SHAPED_LOSSES:
        if y.ndim == 1 and len(shape) == 2 and shape[1] > 1 and y.dtype.kind in "iub":
            # Integer classes for an MSE on C outputs: compare with one-hot rows.
            onehot = np.zeros(shape, dtype=dtype)
            onehot[np.arange(len(y)), y] = 1
            return onehot
        if y.shape != shape and y.size == math.prod(shape):
            y = y.reshape(shape)
        return y.astype(dtype, copy=False)
    return y


def _threshold(name: str | None) -> float:
    """Above which a single output counts as class 1: 0 for a logit loss, else 0.5."""
    return 0.0 if name in _LOGIT_LOSSES else 0.5


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
    for name, arr in (("X", X), ("y", y)):
        if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
            row = int(np.argwhere(~np.isfinite(arr))[0][0])
            kind = "NaN" if np.isnan(arr).any() else "an infinite value"
            raise ValueError(
                f"{fn}: the input data {what} {name} holds {kind} (first at sample {row}); "
                "clean the data (this is not a training problem)"
            )
    return X, y


def _scalar_loss(fn: str, value: Any) -> Tensor:
    if not isinstance(value, Tensor) or value.size != 1:
        shape = getattr(value, "shape", type(value).__name__)
        raise ValueError(f"{fn}: the loss must return a single-element Tensor, got {shape}")
    return value


def _non_finite_parameter(model: Module) -> str | None:
    for name, p in model.named_parameters():
        if not np.isfinite(p.data).all():
            return name
    return None


def _run_eval(
    model: Module,
    X: np.ndarray,
    y: np.ndarray,
    loss_fn: LossFn,
    name: str | None,
    batch_size: int,
) -> tuple[float, float | None]:
    threshold = _threshold(name)
    was_training = model.training
    model.eval()
    total, correct, defined = 0.0, 0, True
    try:
        with no_grad():
            for xb, yb in DataLoader(X, y, batch_size=batch_size):
                out = model(Tensor(xb))
                target = _prepare_target(name, out.shape, out.dtype, yb)
                value = _scalar_loss("evaluate", loss_fn(out, target))
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
    y: Any = None,
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
        Inputs and targets (integer classes, or one-hot/float rows); or pass the
        pair as one argument, ``evaluate(model, (X, y))``, as to :func:`fit`.
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
    X, y = _check_data("evaluate", "the data", X if y is None else (X, y))
    return _run_eval(model, X, y, loss_fn, name, batch_size)


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"fit: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


_INTERVALS = ("epoch", "batch")


def _scheduler_interval(scheduler: Any, interval: str | None) -> str | None:
    """When to step ``scheduler``: per ``"epoch"`` or per ``"batch"`` (optimiser step)."""
    if interval is not None and interval not in _INTERVALS:
        raise ValueError(f"fit: scheduler_interval must be 'epoch' or 'batch', got {interval!r}")
    if scheduler is None:
        return None
    if interval is None:
        # OneCycleLR's total_steps counts optimiser steps, as in PyTorch.
        return "batch" if isinstance(scheduler, OneCycleLR) else "epoch"
    if interval == "batch" and isinstance(scheduler, ReduceLROnPlateau):
        raise ValueError(
            "fit: ReduceLROnPlateau steps once per epoch on the validation (or training) "
            "loss; scheduler_interval='batch' cannot give it a metric"
        )
    return interval


def _step_epoch_scheduler(state: TrainState, val_loss: float | None) -> None:
    scheduler = state.scheduler
    if scheduler is None or state.scheduler_interval != "epoch":
        return
    if isinstance(scheduler, ReduceLROnPlateau):
        scheduler.step(state.running_loss if val_loss is None else val_loss)
    else:
        scheduler.step()


def _has_batch_norm(model: Module) -> bool:
    from .nn import BatchNorm1d

    return any(isinstance(m, BatchNorm1d) for m in model.modules())


def _drop_last(drop_last: bool | None, model: Module, n: int, batch_size: int) -> bool:
    """Whether to skip each epoch's incomplete last batch (see ``fit``)."""
    if drop_last is None:
        # PyTorch's BatchNorm refuses a training batch of one sample ("Expected more
        # than 1 value per channel"); drop just that one (a different sample every
        # epoch, as the order is reshuffled) rather than stop the run.
        return n % batch_size == 1 and n > batch_size and _has_batch_norm(model)
    if not isinstance(drop_last, (bool, np.bool_)):
        raise TypeError(f"fit: drop_last must be a bool or None, got {drop_last!r}")
    if drop_last and n < batch_size:
        raise ValueError(
            f"fit: drop_last=True with batch_size={batch_size} leaves no batch of the "
            f"{n} training samples"
        )
    return bool(drop_last)


def _resume(
    resume: Any, checkpoint: Any, model: Module, optimizer: Optimizer, scheduler: Any
) -> tuple[int, History] | None:
    """Restore from the checkpoint ``resume`` names, if any: (epochs done, history)."""
    if not resume:
        return None
    source = checkpoint if resume is True else resume
    if source is None:
        raise ValueError("fit: resume=True needs checkpoint=PATH to resume from")
    if not Path(source).exists():
        if resume is not True:
            raise FileNotFoundError(f"fit: no checkpoint to resume from at {str(source)!r}")
        return None
    ckpt = restore_checkpoint(source, model, optimizer, scheduler)
    history = History.from_dict(ckpt.history) if ckpt.history else History()
    if history.seed is None:
        history.seed = ckpt.config.get("seed")
    return int(ckpt.epoch or 0), history


def _fresh_seed() -> int:
    try:  # the package-wide generator, which ag.manual_seed reseeds
        from .random import default_generator
    except ImportError:  # pragma: no cover - before the random module lands
        return secrets.randbits(32)
    return int(default_generator().integers(2**32))


def _callbacks(items: Iterable[Any], progress: bool, checkpoint: Any) -> list[Callback]:
    out = [c if isinstance(c, Callback) else _EpochFunction(c) for c in items]
    if checkpoint is not None:
        out.insert(0, ModelCheckpoint(checkpoint, overwrite=False))
    if progress:
        out.append(ProgressBar())
    return out


def _notify(callbacks: Sequence[Callback], hook: str, state: TrainState) -> bool:
    stop = False
    for cb in callbacks:
        stop = getattr(cb, hook)(state) is True or stop
    return stop


def _diverged(state: TrainState, what: str, value: float) -> TrainingDivergedError:
    lr = state.optimizer.lr
    return TrainingDivergedError(
        f"fit: {what} became {value} at epoch {state.epoch}, batch {state.batch} of "
        f"{state.n_batches} (lr={lr:g}); try a lower learning rate",
        state.epoch,
        state.batch,
        value,
    )


def _jit_blocker(model: Module) -> str | None:
    """Why ``ag.jit`` cannot replay a training step of ``model``, if a module shows it."""
    from .nn import Dropout

    for m in model.modules():
        if not m.training:
            continue
        if m.__dict__["_buffers"]:
            return f"{type(m).__name__} updates its buffers while training"
        if isinstance(m, Dropout) and m.p > 0:
            return "Dropout draws random numbers while training"
    return None


def _rng_state() -> tuple[Any, Any]:
    from .random import default_generator

    return default_generator().bit_generator.state, np.random.get_state()  # noqa: NPY002


def _set_rng_state(saved: tuple[Any, Any]) -> None:
    from .random import default_generator

    default_generator().bit_generator.state = saved[0]
    np.random.set_state(saved[1])  # noqa: NPY002


class _Step:
    """Forward, loss, ``zero_grad`` and backward of one batch, replayed by ``ag.jit``
    where it applies (bit-identical to running it eagerly).

    The loss's finiteness check, ``on_backward`` callbacks and ``optimizer.step()``
    stay outside the traced function, in :func:`_train_epoch`. Targets are built
    outside too, from the output shape of the batches before (the first batch
    runs eagerly to learn it). When ``ag.jit`` cannot replay the step (dropout,
    batch norm in training, a loss that reads values in Python, ...), the batch
    is redone eagerly, with the random state it started from, and so is the rest
    of the run; ``state.eager_reason`` says why (and a debug log line, once).
    """

    def __init__(self, state: TrainState, loss_fn: LossFn, name: str | None, jit: bool) -> None:
        from .jit import jit as trace

        self.state, self.loss_fn, self.name = state, loss_fn, name
        self.model, self.optimizer = state.model, state.optimizer
        self.jitted: Any = trace(self._fwd_bwd) if jit else None
        self.checked = False
        self.spec: tuple[tuple[int, ...], Any] | None = None  # outputs' trailing shape, dtype
        self.calls: dict[tuple[Any, ...], int] = {}  # per signature, while jit may trace it
        state.eager_reason = None if jit else "fit(jit=False)"

    def _backward(self, out: Tensor, target: Any) -> Tensor:
        loss = _scalar_loss("fit", self.loss_fn(out, target))
        self.optimizer.zero_grad()
        loss.backward()
        return loss

    def _fwd_bwd(self, xt: Tensor, target: Any) -> tuple[Tensor, Tensor]:
        out = self.model(xt)
        return self._backward(out, target), out

    def _eager(self, xb: np.ndarray, yb: np.ndarray) -> tuple[Tensor, Tensor]:
        out = self.model(Tensor(xb))
        loss = self._backward(out, _prepare_target(self.name, out.shape, out.dtype, yb))
        self.spec = (out.shape[1:], out.dtype)
        return loss, out

    def _give_up(self, why: str) -> None:
        import logging

        self.jitted = None
        self.state.eager_reason = why
        logging.getLogger(__name__).debug("fit: the training step runs eagerly: %s", why)

    def __call__(self, xb: np.ndarray, yb: np.ndarray) -> tuple[Tensor, Tensor]:
        if self.jitted is not None and not self.checked:
            self.checked = True
            blocker = _jit_blocker(self.model)
            if blocker is not None:
                self._give_up(blocker)
        if self.jitted is None or self.spec is None:
            return self._eager(xb, yb)
        from .jit import TraceError

        shape = (len(xb), *self.spec[0])
        target = _prepare_target(self.name, shape, self.spec[1], yb)
        key = (xb.shape, xb.dtype, target.shape, target.dtype)
        n = self.calls.get(key, 0)
        # ag.jit runs its first calls of a signature eagerly while tracing them:
        # a TraceError may come then, after random draws the redo must repeat.
        saved = _rng_state() if n < 3 else None
        self.calls[key] = n + 1
        try:
            loss, out = self.jitted(Tensor(xb), target)
        except TraceError as exc:
            if saved is not None:
                _set_rng_state(saved)
            self._give_up(str(exc))
            return self._eager(xb, yb)
        if self.name in _SHAPED_LOSSES and (out.shape != shape or out.dtype != self.spec[1]):
            # The target was built for another output shape: redo the batch eagerly.
            self._give_up("the model's output shape changes from batch to batch")
            return self._eager(xb, yb)
        return loss, out


def _train_epoch(
    state: TrainState,
    loader: DataLoader,
    step: _Step,
    name: str | None,
    callbacks: Sequence[Callback],
) -> bool:
    """One pass over ``loader``; returns whether a callback asked to stop."""
    threshold = _threshold(name)
    state.seen, state.loss_sum, state.correct_sum = 0, 0.0, 0
    optimizer = state.optimizer
    for state.batch, (xb, yb) in enumerate(loader, start=1):
        value, out = step(xb, yb)
        state.loss = float(value.data)
        if not math.isfinite(state.loss):
            raise _diverged(state, "the loss", state.loss)
        _notify(callbacks, "on_backward", state)
        optimizer.step()
        if state.scheduler is not None and state.scheduler_interval == "batch":
            state.scheduler.step()
        state.correct = _count_correct(out.data, yb, threshold)
        state.seen += len(xb)
        state.loss_sum += state.loss * len(xb)
        if state.correct is None or state.correct_sum is None:
            state.correct_sum = None
        else:
            state.correct_sum += state.correct
        if _notify(callbacks, "on_batch", state):
            return True
    return False


def _record_epoch(
    state: TrainState,
    val: Any,
    loss_fn: LossFn,
    name: str | None,
    lr: float,
    batch_size: int,
    started: float,
) -> None:
    val_loss, val_acc = (None, None)
    if val is not None:
        val_loss, val_acc = _run_eval(
            state.model, val[0], val[1], loss_fn, name, max(batch_size, 256)
        )
        if not math.isfinite(val_loss):
            raise _diverged(state, "the validation loss", val_loss)
    _step_epoch_scheduler(state, val_loss)
    bad = _non_finite_parameter(state.model)
    if bad is not None:
        raise _diverged(state, f"parameter {bad!r}", math.nan)
    state.history.append(
        epoch=state.epoch,
        train_loss=state.running_loss,
        train_acc=state.running_acc,
        val_loss=val_loss,
        val_acc=val_acc,
        lr=lr,
        time=time.perf_counter() - started,
    )


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
    scheduler_interval: str | None = None,
    drop_last: bool | None = None,
    seed: int | None = None,
    progress: bool = True,
    callbacks: Iterable[Callback | Callable[[History], Any]] = (),
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool | str | os.PathLike[str] = False,
    history: History | None = None,
    start_epoch: int | None = None,
    jit: bool = True,
) -> History:
    """Train ``model`` with mini-batches of ``train_data``; return the :class:`History`.

    Parameters
    ----------
    model : Module
        Called on float32 Tensors of input batches; returns outputs (logits).
    optimizer : Optimizer
        Built on ``model.parameters()``.
    train_data : (X, y)
        Numpy arrays, samples along the first axis; NaN or infinite inputs are
        an error naming the sample.
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
        Stepped after every epoch, or after every optimiser step (see
        ``scheduler_interval``). A :class:`~autograd_mlp.optim.lr_scheduler.ReduceLROnPlateau`
        is stepped once per epoch with the monitored value, as in PyTorch:
        ``step(val_loss)``, or ``step(train_loss)`` (the epoch's mean) without
        ``val_data``. ``History.lr`` holds the rate at the start of each epoch.
    scheduler_interval : {"epoch", "batch"}, optional
        ``"batch"`` steps the scheduler after every optimiser step (PyTorch's
        per-iteration schedules), ``"epoch"`` after every epoch. Default:
        ``"batch"`` for :class:`~autograd_mlp.optim.lr_scheduler.OneCycleLR`
        (whose ``total_steps`` counts optimiser steps: ``epochs *
        steps_per_epoch``), ``"epoch"`` for every other schedule.
        ``ReduceLROnPlateau`` accepts only ``"epoch"``.
    drop_last : bool, optional
        ``True``/``False``: skip / keep each epoch's incomplete last batch, as
        ``torch.utils.data.DataLoader(drop_last=...)``. Default (``None``):
        keep it, except when ``model`` holds a ``BatchNorm1d`` and that last
        batch would be a single sample, which batch norm cannot normalise in
        training (PyTorch raises "Expected more than 1 value per channel"):
        then that one sample, a different one every epoch since the order is
        reshuffled, is left out of the epoch.
    seed : int, optional
        Shuffling seed; epoch ``e`` uses ``default_rng([seed, e])``. Drawn from the
        package's generator (recorded in ``History.seed`` and the checkpoint) when None.
    progress : bool
        Add a :class:`ProgressBar`: one summary line per epoch and, on a
        terminal, a tqdm bar with ETA, running loss and accuracy.
    callbacks : iterable of Callback or callable
        Run in order; a plain function is called as ``f(history)`` after each
        epoch and stops training by returning ``True``.
    checkpoint : path, optional
        Shorthand for a :class:`ModelCheckpoint` callback at that path.
    resume : bool or path
        ``True``: continue from ``checkpoint`` if that file exists (else start
        fresh). A path: continue from that file, which must exist. Resuming
        restores weights, optimiser and scheduler state, history and seed, so
        the run continues exactly as if uninterrupted.
    history : History, optional
        The epochs already done (when not resuming from a checkpoint); training
        continues after them and appends to it.
    start_epoch : int, optional
        Epochs already done, when neither resuming nor passing ``history``
        (e.g. one ``fit`` call per epoch on freshly augmented data).
    jit : bool
        Replay each batch's forward, loss and backward with :func:`autograd_mlp.jit`
        (the same numbers as running it eagerly, with less Python per step, which
        pays on small networks). Where it does not apply (dropout or batch
        norm in training, a loss computing values in Python, ...) the step runs
        eagerly and ``TrainState.eager_reason`` says why. ``False``: always eager.

    Returns
    -------
    History

    Raises
    ------
    TrainingDivergedError
        When a batch's loss, the validation loss or a parameter is NaN or
        infinite; nothing of that epoch is saved.

    Examples
    --------
    >>> import numpy as np
    >>> import autograd_mlp as ag
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    >>> y = np.array([0, 1, 1, 0])
    >>> ag.manual_seed(0)
    >>> net = ag.nn.MLP([2, 8, 2], activation="tanh")
    >>> opt = ag.optim.Adam(net.parameters(), lr=0.05)
    >>> history = fit(net, opt, (X, y), epochs=3, batch_size=2, seed=0, progress=False)
    >>> history.epoch, len(history.train_loss), history.seed
    ([1, 2, 3], 3, 0)

    A one-cycle schedule counts optimiser steps, so ``fit`` steps it per batch:

    >>> from autograd_mlp import nn, optim
    >>> from autograd_mlp.data import xor
    >>> X, y = xor(n=64, noise=0.1)
    >>> model = nn.MLP([2, 8, 2])
    >>> opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, epochs=3, steps_per_epoch=4)
    >>> _ = fit(model, opt, (X, y), epochs=3, batch_size=16, scheduler=sched, progress=False)
    >>> sched.last_epoch  # 3 epochs of 4 batches
    12
    """
    from .runtime import tune_malloc

    tune_malloc()
    loss_fn, name = _resolve_loss(loss)
    X, y = _check_data("fit", "train_data", train_data)
    val = None if val_data is None else _check_data("fit", "val_data", val_data)
    epochs = _check_int("epochs", epochs, 0)
    batch_size = _check_int("batch_size", batch_size, 1)
    first = 0 if start_epoch is None else _check_int("start_epoch", start_epoch, 0)
    restored = _resume(resume, checkpoint, model, optimizer, scheduler)
    if restored is not None:
        if start_epoch is not None and start_epoch != restored[0]:
            raise ValueError(
                f"fit: start_epoch={start_epoch} but the checkpoint has {restored[0]} epochs done"
            )
        first, history = restored
    elif history is not None:
        first = len(history)
    history = history if history is not None else History()
    seed = seed if seed is not None else history.seed
    history.seed = seed = _fresh_seed() if seed is None else _check_int("seed", seed, 0)
    interval = _scheduler_interval(scheduler, scheduler_interval)
    drop = _drop_last(drop_last, model, len(X), batch_size)
    cbs = _callbacks(callbacks, progress, checkpoint)
    config = {"seed": seed, "batch_size": batch_size, "epochs": epochs, "loss": name}
    n_batches = len(X) // batch_size if drop else -(-len(X) // batch_size)
    state = TrainState(
        model,
        optimizer,
        scheduler,
        history,
        epochs,
        n_batches,
        seed,
        config,
        scheduler_interval=interval,
    )
    step = _Step(state, loss_fn, name, bool(jit))
    _notify(cbs, "on_train_begin", state)
    try:
        for epoch in range(first, epochs):
            state.epoch, started, lr = epoch + 1, time.perf_counter(), optimizer.lr
            model.train()
            _notify(cbs, "on_epoch_begin", state)
            loader = DataLoader(
                X,
                y,
                batch_size=batch_size,
                shuffle=True,
                drop_last=drop,
                rng=np.random.default_rng([seed, epoch]),
            )
            if _train_epoch(state, loader, step, name, cbs):
                break  # stopped mid-epoch: a partial epoch is not recorded
            _record_epoch(state, val, loss_fn, name, lr, batch_size, started)
            if _notify(cbs, "on_epoch", state):
                break
    finally:
        _notify(cbs, "on_train_end", state)
    return history
