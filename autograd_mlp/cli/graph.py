"""``autograd-mlp graph``: draw the loss graph of an MLP.

Builds an MLP (from ``--sizes`` or a ``--checkpoint``), runs one batch through it
with cross-entropy, runs ``backward(retain_graph=True)`` unless ``--no-grads``,
and writes :func:`autograd_mlp.viz.draw_graph`'s drawing to ``--output``
(``.svg``, ``.png``, ``.pdf`` or ``.dot``; only ``.dot`` works without Graphviz).

Examples
--------
::

    autograd-mlp graph --sizes 784,100,200,10 --output mlp.svg
    autograd-mlp graph --sizes 2,8,3 --activation tanh --data random --output g.dot
    autograd-mlp graph --checkpoint run.npz --collapse --grad-colors --output run.png
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from ._common import CLIError, add_overwrite, check_outputs, one_line_errors
from ._models import describe_model, input_width, load_model, output_width

ACTIVATIONS = ("relu", "sigmoid", "tanh")
DEFAULT_SIZES = "784,100,200,10"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``graph`` subcommand."""
    parser = subparsers.add_parser(
        "graph",
        help="draw the computation graph of an MLP's loss",
        description=(
            "Draw the loss graph of an MLP (values, gradients, one box per layer) "
            "with Graphviz. .dot output needs no Graphviz program; .svg/.png/.pdf need "
            "`dot` (apt-get install graphviz / brew install graphviz)."
        ),
    )
    one_line_errors(parser)
    model = parser.add_mutually_exclusive_group()
    model.add_argument(
        "--sizes",
        help=f"layer widths, input to output, comma-separated (default {DEFAULT_SIZES})",
    )
    model.add_argument(
        "--checkpoint", metavar="PATH", help="draw the model stored in this checkpoint file"
    )
    parser.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default=None,
        help="hidden-layer nonlinearity for --sizes (default relu; a checkpoint's model "
        "is drawn as it was saved)",
    )
    parser.add_argument("--batch-size", type=int, default=4, help="rows in the batch (default 4)")
    parser.add_argument(
        "--data",
        choices=("auto", "mnist", "random"),
        default="auto",
        help="the batch: images from the bundled MNIST sample, or random numbers "
        "(default auto: MNIST when the input width is 784 and the sample is installed)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for weights and data")
    parser.add_argument("-o", "--output", metavar="FILE", help="FILE.svg, .png, .pdf or .dot")
    parser.add_argument(
        "--animate",
        metavar="FILE",
        help="also (or instead) save the backward pass step by step: FILE.html (a player), "
        ".gif or .png (APNG)",
    )
    parser.add_argument("--no-values", action="store_true", help="hide tensor values")
    parser.add_argument(
        "--no-grads", action="store_true", help="do not run backward; draw values only"
    )
    parser.add_argument("--collapse", action="store_true", help="draw each layer as a single node")
    parser.add_argument(
        "--grad-colors", action="store_true", help="colour by gradient norm (log scale)"
    )
    parser.add_argument(
        "--rankdir",
        choices=("auto", "LR", "TB"),
        default="auto",
        help="layout direction (default: auto, top to bottom unless much wider than deep)",
    )
    parser.add_argument(
        "--max-nodes", type=int, default=500, help="summarise graphs larger than this"
    )
    add_overwrite(parser)
    parser.set_defaults(run=run)


def _parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or any(n <= 0 for n in sizes):
        raise CLIError(
            f"--sizes must be at least two positive integers separated by commas, "
            f"e.g. 784,100,10; got {text!r}"
        )
    return sizes


def _from_checkpoint(path: str, activation: str | None) -> tuple[Any, list[int], str]:
    """The model stored in a checkpoint, rebuilt from its recorded architecture."""
    if activation is not None:
        raise CLIError(
            "--activation applies to --sizes; a checkpoint's model is drawn as it was saved"
        )
    net, _ = load_model(path)
    width, outputs = input_width(net), output_width(net)
    if width is None or outputs is None:
        raise CLIError(f"{path}: its model has no weight matrix to size an input batch")
    return net, [width, outputs], describe_model(net, parens=True)


def _batch(args: argparse.Namespace, sizes: list[int]) -> tuple[np.ndarray, np.ndarray, str]:
    rng = np.random.default_rng(args.seed)
    n_in, n_out = sizes[0], sizes[-1]
    want = args.data
    if want == "auto":
        want = "mnist" if n_in == 784 and n_out >= 10 else "random"
    if want == "mnist":
        if n_in != 784:
            raise CLIError(f"--data mnist needs an input width of 784 (28x28), got {n_in}")
        if n_out < 10:
            raise CLIError(f"--data mnist needs at least 10 outputs (digits), got {n_out}")
        try:
            from ..data import load_mnist_sample

            X, y = load_mnist_sample().as_arrays("test")
        except Exception as exc:
            if args.data == "mnist":
                raise CLIError(f"cannot load the bundled MNIST sample: {exc}") from None
        else:
            rows = rng.choice(len(X), size=args.batch_size, replace=False)
            return X[rows], y[rows].astype(np.int64), "MNIST sample"
    X = rng.standard_normal((args.batch_size, n_in)).astype(np.float32)
    y = rng.integers(0, n_out, size=args.batch_size)
    return X, y, "random input"


def _check_animate(path: str) -> None:
    from . import CLIError

    if Path(path).suffix.lower() not in (".html", ".htm", ".gif", ".png"):
        raise CLIError(f"--animate must end in .html, .gif or .png, got {path!r}")
    if not Path(path).parent.is_dir():
        raise CLIError(f"--animate: directory {str(Path(path).parent)!r} does not exist")


def _animate(loss: Any, net: Any, path: str, title: str) -> None:
    """Run the backward pass through :func:`autograd_mlp.viz.animate_backward` and save it."""
    from ..viz import GraphvizNotFoundError, animate_backward
    from . import CLIError

    anim = animate_backward(loss, retain_graph=True, params=net, title=title)
    try:
        out = anim.save(path)
    except GraphvizNotFoundError as exc:
        raise CLIError(str(exc)) from None
    note = f" ({anim.message})" if anim.message else ""
    print(f"wrote {out}: {len(anim.frames)} frames{note}")


def run(args: argparse.Namespace) -> int:
    """Run ``graph``."""
    import autograd_mlp as ag

    from .. import functional as F
    from .. import nn
    from ..viz import GraphvizNotFoundError, draw_graph, render
    from ..viz.render import FORMATS

    if args.batch_size < 1:
        raise CLIError(f"--batch-size must be positive, got {args.batch_size}")
    if args.max_nodes < 2:
        raise CLIError(f"--max-nodes must be at least 2, got {args.max_nodes}")
    if not args.output and not args.animate:
        raise CLIError("give --output FILE (a drawing) and/or --animate FILE (the backward pass)")
    if args.animate:
        _check_animate(args.animate)
    suffix = Path(args.output or "x.svg").suffix.lstrip(".").lower()
    if suffix not in FORMATS:
        raise CLIError(
            f"--output must end in one of {', '.join('.' + f for f in FORMATS)}, "
            f"got {args.output!r}"
        )
    check_outputs(
        [
            ("-o/--output", args.output, _is_our_drawing),
            ("--animate", args.animate, _is_our_drawing),
        ],
        args.overwrite,
    )
    if args.checkpoint:
        net, sizes, what = _from_checkpoint(args.checkpoint, args.activation)
        source = args.checkpoint
    else:
        sizes = _parse_sizes(args.sizes or DEFAULT_SIZES)
        act = args.activation or "relu"
        net = nn.MLP(sizes, activation=act, rng=np.random.default_rng(args.seed))
        what = f"MLP {'-'.join(map(str, sizes))} ({act})"
        source = "random weights"
    X, y, data = _batch(args, sizes)

    x = ag.tensor(X)
    x.name = "x"
    loss = F.cross_entropy(net(x), y)
    loss.name = "loss"
    title = f"{what}, {source}, batch of {args.batch_size} ({data}): cross-entropy loss"
    if args.animate:
        _animate(loss, net, args.animate, title)
    elif not args.no_grads:
        loss.backward(retain_graph=True)
    if not args.output:
        return 0
    dot = draw_graph(
        loss,
        params=net,
        show_values=not args.no_values,
        show_grads=not args.no_grads,
        collapse_modules=args.collapse,
        grad_colors=args.grad_colors and not args.no_grads,
        max_nodes=args.max_nodes,
        rankdir=args.rankdir,
        title=title,
    )
    try:
        path = render(dot, args.output)
    except GraphvizNotFoundError as exc:
        raise CLIError(str(exc)) from None
    except OSError as exc:
        raise CLIError(f"-o {args.output}: {exc}") from None
    print(f"wrote {path}")
    return 0


def _is_our_drawing(path: Path) -> bool:
    """Whether ``path`` is a drawing of ``draw_graph`` (so ``graph`` may replace it)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 14)
    except OSError:
        return False
    # draw_graph names its graph autograd_graph; DOT, SVG and PDF output keep the name.
    return b"autograd_graph" in head
