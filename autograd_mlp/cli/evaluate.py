"""``autograd-mlp evaluate``: the test loss and accuracy of a saved model.

Takes any checkpoint of the package (``train --save``, ``fit(checkpoint=...)``,
``save_checkpoint`` or ``nn.save``) and rebuilds exactly the model it records —
layers, widths, activation — never a guess from the weight shapes. The dataset
is the one it was trained on, or ``--dataset``; a file that does not say is
evaluated on the bundled MNIST sample when its input is 784 pixels wide.

Examples
--------
::

    autograd-mlp evaluate run.npz
    autograd-mlp evaluate run.npz --dataset mnist --data-dir ~/data/mnist --plot cm.png
"""

from __future__ import annotations

import argparse
from typing import Any

from ._common import add_overwrite, check_outputs, error, one_line_errors, positive_int, result_line
from ._datasets import DATASETS, Data, load_dataset
from ._models import describe_model, input_width, load_model, output_width, predictions

LOSSES = ("cross_entropy", "mse")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``evaluate`` subcommand."""
    parser = subparsers.add_parser(
        "evaluate",
        help="print the test loss and accuracy of a saved model",
        description=(
            "Load any checkpoint of the package, rebuild the model it records and print "
            "its loss and accuracy on the test set of its dataset."
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
    parser.add_argument(
        "--plot", metavar="FILE.png", default=None, help="draw the confusion matrix to this file"
    )
    parser.add_argument(
        "--plot-samples",
        metavar="FILE.png",
        default=None,
        help="draw 25 test images with their labels and the model's predictions",
    )
    add_overwrite(parser)
    parser.set_defaults(run=run)


def _dataset(ckpt: Any, model: Any, path: str, override: str | None) -> str:
    stored = (ckpt.config or {}).get("dataset")
    if override is not None:
        return override
    if stored is not None:
        if stored not in DATASETS:
            error(f"{path}: unknown dataset {stored!r:.40} in its settings; pass --dataset")
        return stored
    if input_width(model) != 784:
        error(f"{path} does not say which dataset it was trained on; pass --dataset")
    return "mnist-sample"


def _check_fit(path: str, model: Any, data: Data, description: str) -> None:
    widths = (input_width(model), output_width(model))
    if widths != (data.n_features, data.n_classes):
        error(
            f"{path} holds a {description} network ({widths[0]} inputs, {widths[1]} outputs), "
            f"which does not fit {data.name} ({data.n_features} inputs, {data.n_classes} classes)"
        )


def run(args: argparse.Namespace) -> int:
    """Run ``evaluate``."""
    from ..plotting import is_package_figure
    from ..train import evaluate

    outputs = [("--plot", args.plot, is_package_figure)]
    outputs += [("--plot-samples", args.plot_samples, is_package_figure)]
    check_outputs(outputs, args.overwrite)
    model, ckpt = load_model(args.checkpoint)
    loss_name = (ckpt.config or {}).get("loss", "cross_entropy")
    if loss_name not in LOSSES:
        error(f"{args.checkpoint}: unsupported loss {loss_name!r:.40} in its settings")
    data = load_dataset(
        _dataset(ckpt, model, args.checkpoint, args.dataset), args.data_dir, args.download
    )
    description = describe_model(model)
    _check_fit(args.checkpoint, model, data, description)
    epochs = f", trained {ckpt.epoch} epoch{'s' * (ckpt.epoch != 1)}" if ckpt.epoch else ""
    origin = (ckpt.config or {}).get("dataset")
    print(f"{args.checkpoint}: {description}{epochs}" + (f" on {origin}" if origin else ""))
    loss, acc = evaluate(
        model, data.X_test, data.y_test, loss=loss_name, batch_size=args.batch_size
    )
    print(result_line(loss, acc, len(data.X_test), data.what, data.name))
    if args.plot is not None:
        _plot_confusion(args, model, data, description)
    if args.plot_samples is not None:
        _plot_samples(args, model, data)
    return 0


def _plot_samples(args: argparse.Namespace, model: Any, data: Data) -> None:
    from ..plotting import save_figure
    from ..viz import plot_samples

    if data.n_features != 784:
        error(f"--plot-samples draws 28x28 images; {data.name} has {data.n_features} inputs")
    X, y = data.X_test[:25], data.y_test[:25]
    pred = predictions(model, X).argmax(axis=1)
    save_figure(plot_samples(X, y, pred=pred, image_shape=(28, 28), n=len(X)), args.plot_samples)
    print(f"wrote {args.plot_samples}")


def _plot_confusion(args: argparse.Namespace, model: Any, data: Data, description: str) -> None:
    from ..plotting import confusion_matrix, plot_confusion

    pred = predictions(model, data.X_test).argmax(axis=1)
    matrix = confusion_matrix(data.y_test, pred, data.n_classes)
    plot_confusion(matrix, args.plot, title=f"{description} on {data.name} (test)", overwrite=True)
    print(f"wrote {args.plot}")
