"""Training checkpoints: model (weights *and* architecture), optimiser, schedule,
history and run settings in one ``.npz`` or ``.safetensors`` file.

Built on :mod:`autograd_mlp.nn.serialization`: the model's tensors are stored under
their ``state_dict`` names with its architecture, so ``nn.load(checkpoint)``
rebuilds the model and ``autograd-mlp evaluate`` never guesses one. Other arrays
(momentum buffers, moment estimates) are tensors named ``__state__.N``; everything
else is one JSON document of validated types (numbers, strings, lists, dicts; never
an object array, and the reserved keys ``__array__``, ``__items__``, ``__tuple__``
are refused). Files are written atomically by the package's one writer (an
existing file is replaced only if it is a checkpoint of this package, unless
``overwrite=True``) and read without pickle, with every size checked first.

Examples
--------
>>> import tempfile, pathlib
>>> from autograd_mlp import nn, optim
>>> model = nn.MLP([2, 4, 2]); opt = optim.Adam(model.parameters())
>>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
>>> save_checkpoint(path, model, opt, epoch=3, config={"lr": 1e-3})
>>> ckpt = load_checkpoint(path)
>>> ckpt.epoch, ckpt.config
(3, {'lr': 0.001})
>>> _ = restore_checkpoint(ckpt, nn.MLP([2, 4, 2]), optim.Adam(model.parameters()))
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .nn.serialization import (
    SerializationError,
    _architecture,
    module_from_file,
    read_file,
    write_file,
)

if TYPE_CHECKING:  # pragma: no cover
    from .nn import Module
    from .optim import Optimizer
    from .optim.lr_scheduler import LRScheduler
    from .train import History

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "CheckpointNotFoundError",
    "load_checkpoint",
    "restore_checkpoint",
    "save_checkpoint",
]

_STATE = "__state__."
_RESERVED = ("__array__", "__items__", "__tuple__")


class CheckpointError(SerializationError):
    """A checkpoint file is corrupt, incomplete, or does not fit the model.

    Examples
    --------
    >>> from autograd_mlp.checkpoint import CheckpointError
    >>> from autograd_mlp.nn.serialization import SerializationError
    >>> issubclass(CheckpointError, SerializationError)
    True
    """


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """There is no checkpoint file at the given path.

    Examples
    --------
    >>> from autograd_mlp.checkpoint import CheckpointNotFoundError, load_checkpoint
    >>> try:
    ...     load_checkpoint("/nonexistent/run.npz")
    ... except FileNotFoundError as e:
    ...     print(type(e).__name__)
    CheckpointNotFoundError
    """


@dataclass
class Checkpoint:
    """The contents of a checkpoint file.

    Attributes
    ----------
    model_state : OrderedDict
        Parameter name → array, for ``Module.load_state_dict``.
    architecture : dict or None
        How to rebuild the model (None for a model not built from ``nn`` layers).
    optimizer_state, scheduler_state : dict or None
        For ``Optimizer.load_state_dict`` / ``LRScheduler.load_state_dict``.
    epoch : int or None
        Number of completed epochs.
    history : dict or None
        ``History.to_dict()`` of the run so far.
    config : dict
        Whatever the caller stored (hyperparameters, seeds, ...).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from autograd_mlp import nn, optim
    >>> from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
    >>> model = nn.MLP([2, 4, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
    >>> save_checkpoint(path, model, epoch=2, config={"lr": 0.1})
    >>> ckpt = load_checkpoint(path)
    >>> ckpt.epoch, ckpt.config, list(ckpt.model_state)[:2], ckpt.optimizer_state is None
    (2, {'lr': 0.1}, ['layers.0.weight', 'layers.0.bias'], True)
    """

    model_state: OrderedDict[str, np.ndarray]
    optimizer_state: dict[str, Any] | None = None
    scheduler_state: dict[str, Any] | None = None
    epoch: int | None = None
    history: dict[str, Any] | None = None
    config: dict[str, Any] = field(default_factory=dict)
    architecture: dict[str, Any] | None = None
    path: str = ""

    def build_model(self) -> Module:
        """The saved model, rebuilt from its recorded architecture with its weights.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from autograd_mlp import nn, optim
        >>> from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
        >>> model = nn.MLP([2, 4, 2])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
        >>> save_checkpoint(path, model)
        >>> again = load_checkpoint(path).build_model()
        >>> type(again).__name__, [p.shape for p in again.parameters()][:2]
        ('MLP', [(4, 2), (4,)])
        """
        if self.architecture is None:
            raise CheckpointError(
                f"{self.path or 'the checkpoint'} does not record its model's architecture "
                "(a model not built from autograd_mlp.nn layers); build the model yourself "
                "and load ckpt.model_state into it"
            )
        try:
            return module_from_file(
                self.model_state, self.architecture, list(self.model_state), self.path
            )
        except SerializationError as exc:
            raise CheckpointError(str(exc)) from None

    def restore(
        self,
        model: Module,
        optimizer: Optimizer | None = None,
        scheduler: LRScheduler | None = None,
    ) -> None:
        """Load the stored states into ``model`` (and ``optimizer``, ``scheduler``).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from autograd_mlp import nn, optim
        >>> from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
        >>> model = nn.MLP([2, 4, 2])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
        >>> save_checkpoint(path, model)
        >>> other = nn.MLP([2, 4, 2])
        >>> load_checkpoint(path).restore(other)
        >>> bool((other.layers[0].weight.data == model.layers[0].weight.data).all())
        True
        """
        restore_checkpoint(self, model, optimizer, scheduler)


# --------------------------------------------------------------------------- encoding
def _encode(value: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    """JSON-ready form of ``value``; arrays go to ``arrays`` and leave a reference.

    Dicts with non-string keys (the optimiser's ``{index: state}``) are stored as
    key/value pairs so the keys come back with their type.
    """
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biuf":
            raise CheckpointError(
                f"save_checkpoint: {where} is an array of dtype {value.dtype}; only numeric "
                "arrays can be stored"
            )
        key = f"{_STATE}{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        bad = [k for k in value if k in _RESERVED]
        if bad:
            raise CheckpointError(
                f"save_checkpoint: {where} has a key named {bad[0]!r}, which is reserved"
            )
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v, arrays, f"{where}[{k!r}]") for k, v in value.items()}
        return {
            "__items__": [
                [_encode(k, arrays, where), _encode(v, arrays, f"{where}[{k!r}]")]
                for k, v in value.items()
            ]
        }
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays, where) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CheckpointError(f"save_checkpoint: {where} is {value}; not stored")
        return value
    raise CheckpointError(
        f"save_checkpoint: {where} is a {type(value).__name__} ({value!r:.60}); "
        "use numbers, strings, lists, dicts and numeric numpy arrays"
    )


def _decode(value: Any, tensors: dict[str, np.ndarray]) -> Any:
    if isinstance(value, list):
        return [_decode(v, tensors) for v in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        key = value["__array__"]
        if not isinstance(key, str) or key not in tensors:
            raise CheckpointError(f"it refers to an array {key!r:.40} it does not hold")
        return tensors[key]
    if "__items__" in value:
        items = value["__items__"]
        if not isinstance(items, list) or not all(
            isinstance(p, list) and len(p) == 2 for p in items
        ):
            raise CheckpointError("it has a malformed key/value list")
        pairs = [(_decode(k, tensors), _decode(v, tensors)) for k, v in items]
        if not all(isinstance(k, (int, str, float, bool)) or k is None for k, _ in pairs):
            raise CheckpointError("it has a dict key that is not a number or a string")
        return dict(pairs)
    if "__tuple__" in value:
        if not isinstance(value["__tuple__"], list):
            raise CheckpointError("it has a malformed tuple")
        return tuple(_decode(v, tensors) for v in value["__tuple__"])
    return {k: _decode(v, tensors) for k, v in value.items()}


# --------------------------------------------------------------------------- saving
def save_checkpoint(
    path: str | os.PathLike[str],
    model: Module,
    optimizer: Optimizer | None = None,
    *,
    epoch: int | None = None,
    history: History | dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    scheduler: LRScheduler | None = None,
    overwrite: bool = False,
) -> None:
    """Write ``model`` (and optimiser, scheduler, epoch, history, config) to ``path``.

    The file (``.safetensors`` by that suffix, else ``.npz``) is written
    atomically. Everything is validated before anything is written, so a value
    that could not be read back never replaces a good checkpoint.

    Parameters
    ----------
    path : str or PathLike
        Destination; its directory must exist. Stored as given (no suffix added).
        An existing file is replaced only if it is one of this package's files.
    model : Module
        Its ``state_dict()`` and (when built from ``nn`` layers) architecture.
    optimizer, scheduler : optional
        Their ``state_dict()`` are saved, for exact resumption.
    epoch : int, optional
        Completed epochs.
    history : History or dict, optional
        The per-epoch record so far.
    config : dict, optional
        JSON-serialisable settings to keep with the weights.
    overwrite : bool, default False
        Replace an existing file that is not one of this package's.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from autograd_mlp import nn, optim
    >>> from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
    >>> model = nn.MLP([2, 4, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> save_checkpoint(path, model, opt, epoch=1)
    >>> save_checkpoint(path, model, opt, epoch=2)  # replaces its own checkpoint
    >>> load_checkpoint(path).epoch
    2
    """
    if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
        raise CheckpointError(f"save_checkpoint: epoch must be an integer >= 0, got {epoch!r}")
    model_state = model.state_dict()
    try:
        architecture = _architecture(model)
    except SerializationError:
        architecture = None  # still resumable into the same class; not rebuildable
    arrays: dict[str, np.ndarray] = {}
    if history is not None and not isinstance(history, dict):
        history = history.to_dict()
    meta = {
        "kind": "checkpoint",
        "architecture": architecture,
        "keys": list(model_state),
        "epoch": epoch,
        "history": _encode(history, arrays, "history"),
        "config": _encode(dict(config or {}), arrays, "config"),
        "optimizer": _encode(
            None if optimizer is None else optimizer.state_dict(), arrays, "optimizer state"
        ),
        "scheduler": _encode(
            None if scheduler is None else scheduler.state_dict(), arrays, "scheduler state"
        ),
    }
    clash = set(arrays) & set(model_state)
    if clash:
        raise CheckpointError(f"save_checkpoint: model tensor names {sorted(clash)} are reserved")
    try:
        write_file(
            path, {**model_state, **arrays}, meta, overwrite=overwrite, what="save_checkpoint"
        )
    except SerializationError as exc:
        raise CheckpointError(str(exc)) from None


# --------------------------------------------------------------------------- loading
def _typed(meta: dict[str, Any], key: str, types: tuple[type, ...]) -> Any:
    value = meta.get(key)
    if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
        raise CheckpointError(f"its {key!r} entry is a {type(value).__name__}")
    return value


def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (or a file of :func:`nn.save`).

    Raises
    ------
    CheckpointNotFoundError
        No file at ``path``.
    CheckpointError
        The file is not a readable autograd_mlp checkpoint.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from autograd_mlp import nn, optim
    >>> from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
    >>> model = nn.MLP([2, 4, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
    >>> save_checkpoint(path, model, optim.Adam(model.parameters()), epoch=5)
    >>> ckpt = load_checkpoint(path)
    >>> ckpt.epoch, sorted(ckpt.optimizer_state)
    (5, ['param_groups', 'state'])
    """
    where = str(path)
    if not Path(path).expanduser().is_file():
        raise CheckpointNotFoundError(f"load_checkpoint: no checkpoint file at {where!r}")
    try:
        tensors, meta = read_file(path, "load_checkpoint")
        if meta is None:
            raise CheckpointError(
                "it holds weights only: it does not record its model's architecture (load "
                "them with nn.load into a model you build)"
            )
        keys = meta.get("keys")
        if not (isinstance(keys, list) and all(isinstance(k, str) and k in tensors for k in keys)):
            raise CheckpointError("it lists model tensors it does not hold")
        epoch = _typed(meta, "epoch", (int,))
        if epoch is not None and epoch < 0:
            raise CheckpointError(f"its epoch is {epoch}")
        config = _decode(meta.get("config") or {}, tensors)
        history = _decode(meta.get("history"), tensors)
        arch = meta.get("architecture")
        if not isinstance(config, dict) or not isinstance(history, (dict, type(None))):
            raise CheckpointError("its config or history is not a dict")
        if not isinstance(arch, (dict, type(None))):
            raise CheckpointError("its architecture record is malformed")
        return Checkpoint(
            model_state=OrderedDict((k, tensors[k]) for k in keys),
            optimizer_state=_decode(meta.get("optimizer"), tensors),
            scheduler_state=_decode(meta.get("scheduler"), tensors),
            epoch=epoch,
            history=history,
            config=config,
            architecture=arch,
            path=where,
        )
    except CheckpointError as exc:
        raise CheckpointError(f"load_checkpoint: {where!r} is not usable: {exc}") from None
    except SerializationError as exc:
        raise CheckpointError(str(exc)) from None


def restore_checkpoint(
    checkpoint: Checkpoint | str | os.PathLike[str],
    model: Module,
    optimizer: Optimizer | None = None,
    scheduler: LRScheduler | None = None,
) -> Checkpoint:
    """Load a checkpoint (or a path to one) into ``model``, ``optimizer``, ``scheduler``.

    Returns the :class:`Checkpoint`, for its epoch, history and config.

    Raises
    ------
    CheckpointError
        When the optimiser or scheduler is given but the checkpoint has no state
        for it, or a state does not fit.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from autograd_mlp import nn, optim
    >>> from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
    >>> model = nn.MLP([2, 4, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.npz"
    >>> from autograd_mlp.checkpoint import restore_checkpoint
    >>> save_checkpoint(path, model, optim.SGD(model.parameters(), lr=0.3), epoch=4)
    >>> model2 = nn.MLP([2, 4, 2]); opt2 = optim.SGD(model2.parameters(), lr=0.1)
    >>> restore_checkpoint(path, model2, opt2).epoch, opt2.lr
    (4, 0.3)
    """
    ckpt = checkpoint if isinstance(checkpoint, Checkpoint) else load_checkpoint(checkpoint)
    model.load_state_dict(ckpt.model_state)
    for obj, state, what in (
        (optimizer, ckpt.optimizer_state, "optimizer"),
        (scheduler, ckpt.scheduler_state, "scheduler"),
    ):
        if obj is None:
            continue
        if state is None:
            raise CheckpointError(f"restore_checkpoint: the checkpoint has no {what} state")
        obj.load_state_dict(state)
    return ckpt
