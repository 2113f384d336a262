"""Checkpoints: a model, its optimiser and the training history in one ``.npz`` file.

Arrays (parameters, momentum buffers, moment estimates) are stored as numpy
arrays; everything else (epoch, history, config, step counters, hyperparameters,
the scheduler's position) as one JSON document inside the same archive. Files are
written atomically, so a crash mid-save leaves the previous checkpoint intact,
and read without pickle, so loading a file cannot run code.

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

import json
import os
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .data._atomic import atomic_write

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

FORMAT = "autograd_mlp.checkpoint"
VERSION = 1
_META = "__meta__"
_MODEL = "model/"
_ARRAY = "array/"


class CheckpointError(ValueError):
    """A checkpoint file is corrupt, incomplete, or does not fit the model."""


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """There is no checkpoint file at the given path."""


@dataclass
class Checkpoint:
    """The contents of a checkpoint file.

    Attributes
    ----------
    model_state : OrderedDict
        Parameter name → array, for ``Module.load_state_dict``.
    optimizer_state, scheduler_state : dict or None
        For ``Optimizer.load_state_dict`` / ``LRScheduler.load_state_dict``.
    epoch : int or None
        Number of completed epochs.
    history : dict or None
        ``History.to_dict()`` of the run so far.
    config : dict
        Whatever the caller stored (hyperparameters, seeds, ...).
    """

    model_state: OrderedDict[str, np.ndarray]
    optimizer_state: dict[str, Any] | None = None
    scheduler_state: dict[str, Any] | None = None
    epoch: int | None = None
    history: dict[str, Any] | None = None
    config: dict[str, Any] = field(default_factory=dict)

    def restore(
        self,
        model: Module,
        optimizer: Optimizer | None = None,
        scheduler: LRScheduler | None = None,
    ) -> None:
        """Load the stored states into ``model`` (and ``optimizer``, ``scheduler``)."""
        restore_checkpoint(self, model, optimizer, scheduler)


# --------------------------------------------------------------------------- encoding
def _encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-ready form of ``value``; arrays go to ``arrays`` and leave a reference.

    Dicts with non-string keys (the optimiser's ``{index: state}``) are stored as
    key/value pairs so the keys come back with their type.
    """
    if isinstance(value, np.ndarray):
        key = f"{_ARRAY}{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v, arrays) for k, v in value.items()}
        return {"__items__": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"save_checkpoint: cannot store a value of type {type(value).__name__} ({value!r}); "
        "use numbers, strings, lists, dicts and numpy arrays"
    )


def _decode(value: Any, archive: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v, archive) for v in value]
    if isinstance(value, dict):
        if "__array__" in value:
            return np.array(archive[value["__array__"]])
        if "__items__" in value:
            return {_decode(k, archive): _decode(v, archive) for k, v in value["__items__"]}
        if "__tuple__" in value:
            return tuple(_decode(v, archive) for v in value["__tuple__"])
        return {k: _decode(v, archive) for k, v in value.items()}
    return value


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
) -> None:
    """Write ``model`` (and optimiser, scheduler, epoch, history, config) to ``path``.

    The file is a ``.npz`` archive written atomically: to a temporary file in the
    same directory, then moved over ``path``.

    Parameters
    ----------
    path : str or PathLike
        Destination; its directory must exist. Stored as given (no suffix added).
    model : Module
        Its ``state_dict()`` is saved.
    optimizer, scheduler : optional
        Their ``state_dict()`` are saved, for exact resumption.
    epoch : int, optional
        Completed epochs.
    history : History or dict, optional
        The per-epoch record so far.
    config : dict, optional
        JSON-serialisable settings to keep with the weights.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise CheckpointError(f"save_checkpoint: directory {str(path.parent)!r} does not exist")
    arrays: dict[str, np.ndarray] = {}
    model_state = model.state_dict()
    for name, value in model_state.items():
        arrays[_MODEL + name] = value
    if history is not None and not isinstance(history, dict):
        history = history.to_dict()
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "model_keys": list(model_state),
        "epoch": epoch,
        "history": _encode(history, arrays),
        "config": _encode(dict(config or {}), arrays),
        "optimizer": _encode(None if optimizer is None else optimizer.state_dict(), arrays),
        "scheduler": _encode(None if scheduler is None else scheduler.state_dict(), arrays),
    }
    arrays[_META] = np.array(json.dumps(meta))

    with atomic_write(path) as f:
        # A file object, so numpy stores exactly at ``path`` (a name gets ".npz" added).
        np.savez(f, **arrays)


# --------------------------------------------------------------------------- loading
def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises
    ------
    CheckpointNotFoundError
        No file at ``path``.
    CheckpointError
        The file is not a readable autograd_mlp checkpoint.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointNotFoundError(f"load_checkpoint: no checkpoint file at {str(path)!r}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _META not in archive.files:
                raise CheckpointError("it has no metadata entry")
            meta = json.loads(str(archive[_META]))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                raise CheckpointError("its metadata is not that of an autograd_mlp checkpoint")
            if meta.get("version") != VERSION:
                raise CheckpointError(
                    f"it has format version {meta.get('version')!r}; this version reads {VERSION}"
                )
            model_state = OrderedDict(
                (name, np.array(archive[_MODEL + name])) for name in meta["model_keys"]
            )
            return Checkpoint(
                model_state=model_state,
                optimizer_state=_decode(meta["optimizer"], archive),
                scheduler_state=_decode(meta["scheduler"], archive),
                epoch=meta["epoch"],
                history=_decode(meta["history"], archive),
                config=_decode(meta["config"], archive),
            )
    except CheckpointError as exc:
        raise CheckpointError(f"load_checkpoint: {str(path)!r} is not usable: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(
            f"load_checkpoint: {str(path)!r} is corrupt or not a checkpoint "
            f"({type(exc).__name__}: {exc})"
        ) from None


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
