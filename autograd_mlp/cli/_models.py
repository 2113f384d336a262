"""Rebuild the model stored in any checkpoint, for ``evaluate``, ``graph`` and ``predict``.

Any file of the package works: a training checkpoint (``train --save``,
``fit(checkpoint=...)``, ``save_checkpoint``) or ``nn.save``'s. The model is
rebuilt from the architecture recorded in the file, never guessed from weight
shapes: a file without one is refused.

Examples
--------
>>> from autograd_mlp import nn
>>> describe_model(nn.MLP([4, 8, 3], activation="tanh"))
'MLP 4-8-3 tanh'
"""

from __future__ import annotations

from typing import Any

from ._common import error

__all__ = ["describe_model", "input_width", "load_model", "output_width", "predictions"]


def load_model(path: str) -> tuple[Any, Any]:
    """``(model, checkpoint)`` from the file at ``path``; CLIError if it is not usable."""
    from ..checkpoint import CheckpointError, load_checkpoint

    try:
        ckpt = load_checkpoint(path)
        if ckpt.architecture is None:
            error(
                f"{path} does not record its model's architecture (a model not built from "
                "autograd_mlp.nn layers), so it cannot be rebuilt"
            )
        return ckpt.build_model(), ckpt
    except CheckpointError as exc:
        error(str(exc))


def describe_model(model: Any, parens: bool = False) -> str:
    """``MLP 784-100-10 relu`` (``parens``: ``MLP 784-100-10 (relu)``) for an MLP, else
    the class and the parameter count."""
    from ..nn.serialization import SerializationError, _architecture

    try:
        arch = _architecture(model)
    except SerializationError:
        arch = {"class": type(model).__name__, "args": {}}
    args = arch["args"]
    if arch["class"] == "MLP":
        sizes = [int(v) for v in model.sizes]
        act = args.get("activation", "relu")
        act = act["class"] if isinstance(act, dict) else act
        extra = [f"dropout {args['dropout']:g}"] if args.get("dropout") else []
        extra += [f"{args['norm']} norm"] if args.get("norm") else []
        act = f"({act})" if parens else act
        return " ".join([f"MLP {'-'.join(map(str, sizes))} {act}", *extra])
    n = sum(int(p.size) for p in model.parameters())
    return f"{arch['class']} ({n} parameters)"


def input_width(model: Any) -> int | None:
    """The number of input features of the first weight matrix, if any."""
    for _, p in model.named_parameters():
        if p.ndim == 2:
            return int(p.shape[1])
    return None


def output_width(model: Any) -> int | None:
    """The number of outputs of the last weight matrix, if any."""
    width = None
    for _, p in model.named_parameters():
        if p.ndim == 2:
            width = int(p.shape[0])
    return width


def predictions(model: Any, X: Any, batch_size: int = 1000) -> Any:
    """Class scores of ``model`` for ``X``, in eval mode, without a graph."""
    import numpy as np

    from ..grad_mode import no_grad
    from ..tensor import Tensor

    model.eval()
    with no_grad():
        return np.concatenate(
            [model(Tensor(X[i : i + batch_size])).data for i in range(0, len(X), batch_size)]
        )
