"""``autograd-mlp evaluate``: the test loss and accuracy of a saved model.

Rebuilds the MLP stored in a checkpoint written by ``autograd-mlp train --save``
(its settings say the layer widths, the activation, the loss and the dataset) and
evaluates it on that dataset's test set. For a checkpoint written from Python
with ``save_checkpoint``, the widths come from the weight shapes and the dataset
must be given when the input is not 784 pixels wide.

Examples
--------
::

    autograd-mlp evaluate run.npz
    autograd-mlp evaluate run.npz --dataset mnist --data-dir ~/data/mnist
"""

from __future__ import annotations

import argparse
from typing import Any

from .train import (
    ACTIVATIONS,
    DATASETS,
    LOSSES,
    _error,
    describe_model,
    load_dataset,
    mlp_sizes,
    one_line_errors,
    positive_int,
    read_run_checkpoint,
    result_line,
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``evaluate`` subcommand."""
    parser = subparsers.add_parser(
        "evaluate",
        help="print the test loss and accuracy of a model saved by train --save",
        description=(
            "Load a checkpoint written by `autograd-mlp train --save`, rebuild its MLP "
            "and print its loss and accuracy on the test set of its dataset."
        ),
    )
    one_line_errors(parser)
    parser.add_argument("checkpoint", metavar="CKPT.npz", help="the checkpoint file")
    parser.add_argument(
        "--dataset",
        choices=DATASETS,
        default=None,
        help="evaluate on this dataset's test set (default: the one it was trained on)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="directory holding the MNIST IDX files, for --dataset mnist "
        "(default: $AUTOGRAD_MLP_DATA, else ~/.cache/autograd_mlp/mnist)",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="download missing MNIST files into the data directory",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        metavar="N",
        default=1000,
        help="samples per forward pass (default: 1000)",
    )
    parser.set_defaults(run=run)


def _model_settings(ckpt: Any, path: str, dataset: str | None) -> dict[str, Any]:
    """Widths, activation, loss and dataset of the stored model."""
    config = dict(ckpt.config or {})
    state = ckpt.model_state
    sizes = mlp_sizes(state)
    if sizes is None:
        _error(f"{path} does not hold an MLP (its parameters are {', '.join(list(state)[:4])})")
    activation = config.get("activation", "relu")
    loss = config.get("loss", "cross_entropy")
    if activation not in ACTIVATIONS or loss not in LOSSES:
        _error(f"{path}: unsupported activation {activation!r} or loss {loss!r}")
    name = dataset or config.get("dataset")
    if name is None:
        if sizes[0] != 784:
            _error(f"{path} does not say which dataset it was trained on; pass --dataset")
        name = "mnist-sample"
    return {"sizes": sizes, "activation": activation, "loss": loss, "dataset": name}


def run(args: argparse.Namespace) -> int:
    """Run ``evaluate``."""
    from .. import nn
    from ..train import evaluate

    ckpt = read_run_checkpoint(args.checkpoint)
    settings = _model_settings(ckpt, args.checkpoint, args.dataset)
    data = load_dataset(settings["dataset"], args.data_dir, args.download)
    sizes = settings["sizes"]
    if sizes[0] != data.n_features or sizes[-1] != data.n_classes:
        _error(
            f"{args.checkpoint} holds a {'-'.join(map(str, sizes))} network, which does not "
            f"fit {data.name} ({data.n_features} inputs, {data.n_classes} classes)"
        )
    model = nn.MLP(sizes, activation=settings["activation"])
    try:
        model.load_state_dict(ckpt.model_state)
    except ValueError as exc:
        _error(f"{args.checkpoint}: {' '.join(str(exc).split())}")
    epochs = f", trained {ckpt.epoch} epochs" if ckpt.epoch else ""
    origin = ckpt.config.get("dataset") if ckpt.config else None
    on = f" on {origin}" if origin else ""
    print(f"{args.checkpoint}: {describe_model(settings)}{epochs}{on}")
    loss, acc = evaluate(
        model, data.X_test, data.y_test, loss=settings["loss"], batch_size=args.batch_size
    )
    print(result_line(loss, acc, len(data.X_test), data.what, data.name))
    return 0
