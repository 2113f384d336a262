"""``train``'s options, per-dataset defaults and run settings (fresh, or read back from
a checkpoint and validated: a tampered checkpoint is a clear error, never a
silently different run).

Examples
--------
>>> PRESETS["xor"].hidden
(8,)
>>> validate_settings({"batch_size": 0}, "run.npz")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
CLIError: run.npz: its setting batch_size=0 is not valid (a positive integer) ...
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..train import Callback
from ._common import (
    add_overwrite,
    error,
    int_list,
    nonneg_float,
    nonneg_int,
    one_line_errors,
    plural,
    positive_float,
    positive_int,
    probability,
)
from ._datasets import DATASETS, Data

ACTIVATIONS = ("relu", "sigmoid", "tanh")
LOSSES = ("cross_entropy", "mse")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
_OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop"}
SCHEDULES = ("none", "step", "cosine")
NORMS = ("layer", "batch")


def available_optimizers() -> tuple[str, ...]:
    """The optimisers this installation has (nn v2 adds AdamW and RMSprop)."""
    from .. import optim

    return tuple(k for k in OPTIMIZERS if hasattr(optim, _OPTIMIZER_CLASSES[k]))


CHECKPOINT_KIND = "autograd-mlp train"


@dataclass(frozen=True)
class Preset:
    """Per-dataset defaults, used for every option not given on the command line."""

    hidden: tuple[int, ...]
    epochs: int
    batch_size: int
    sgd_lr: float
    adam_lr: float
    optimizer: str = "sgd"
    activation: str = "relu"


PRESETS: dict[str, Preset] = {
    "mnist-sample": Preset((100, 200), 5, 32, 0.05, 1e-3),
    "mnist": Preset((100, 200), 10, 32, 0.05, 1e-3),
    # Parity is hard for gradient descent: SGD stalls at chance; Adam with tanh
    # units learns it for most seeds (99.7% with seed 0).
    "parity": Preset((64, 64), 300, 16, 0.1, 1e-2, optimizer="adam", activation="tanh"),
    "spiral": Preset((100,), 200, 32, 0.1, 1e-2),
    "xor": Preset((8,), 50, 16, 0.1, 1e-2),
}


def _is_int(v: Any, lo: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= lo


def _is_num(v: Any, lo: float, strict: bool) -> bool:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    return ok and (v > lo if strict else v >= lo)


def _one_of(choices: Sequence[str]) -> Callable[[Any], bool]:
    return lambda v: v in choices


# Settings a checkpoint stores and a resumed run keeps: key -> (check, what it must be).
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "dataset": (_one_of(DATASETS), f"one of {', '.join(DATASETS)}"),
    "sizes": (
        lambda v: isinstance(v, list) and len(v) >= 2 and all(_is_int(n, 1) for n in v),
        "at least two positive widths",
    ),
    "activation": (_one_of(ACTIVATIONS), f"one of {', '.join(ACTIVATIONS)}"),
    "loss": (_one_of(LOSSES), f"one of {', '.join(LOSSES)}"),
    "optimizer": (lambda v: v in available_optimizers(), "an optimiser this version has"),
    "lr": (lambda v: _is_num(v, 0, True), "a number > 0"),
    "momentum": (lambda v: _is_num(v, 0, False), "a number >= 0"),
    "nesterov": (lambda v: isinstance(v, bool), "true or false"),
    "weight_decay": (lambda v: _is_num(v, 0, False), "a number >= 0"),
    "schedule": (_one_of(SCHEDULES), f"one of {', '.join(SCHEDULES)}"),
    "batch_size": (lambda v: _is_int(v, 1), "a positive integer"),
    "seed": (lambda v: _is_int(v, 0), "an integer >= 0"),
    "val_split": (lambda v: _is_int(v, 0), "an integer >= 0"),
}
RUN_KEYS = tuple(_CHECKS)
# Settings added later: a checkpoint without them had their defaults.
OPTIONAL_KEYS: dict[str, Any] = {
    "dropout": 0.0,
    "norm": None,
    "clip_grad_norm": None,
    "warmup_epochs": 0,
}
_CHECKS.update(
    {
        "dropout": (lambda v: _is_num(v, 0, False) and v < 1, "a number in [0, 1)"),
        "norm": (lambda v: v is None or v in NORMS, "none, layer or batch"),
        "clip_grad_norm": (lambda v: v is None or _is_num(v, 0, True), "a number > 0"),
        "warmup_epochs": (lambda v: _is_int(v, 0), "an integer >= 0"),
    }
)


def _preset_table() -> str:
    rows = [
        f"  {name:<13} {','.join(map(str, p.hidden)):<9} {p.activation:<6} {p.optimizer:<5} "
        f"{p.sgd_lr if p.optimizer == 'sgd' else p.adam_lr:>6g} {p.epochs:>6} {p.batch_size:>5}"
        for name, p in PRESETS.items()
    ]
    header = (
        f"  {'dataset':<13} {'hidden':<9} {'act':<6} {'opt':<5} {'lr':>6} {'epochs':>6} "
        f"{'batch':>5}"
    )
    return "\n".join([header, *rows])


EPILOG = f"""\
per-dataset defaults, for options not given (the lr is that of the listed optimiser;
with the other one it is sgd 0.05 / adam 0.001 on MNIST, sgd 0.1 / adam 0.01 elsewhere):
{_preset_table()}

datasets: mnist-sample is the 6000 + 1000 image MNIST subset shipped in the package;
mnist is the full 60000 + 10000 (from --data-dir, $AUTOGRAD_MLP_DATA or the cache
directory, or fetched with --download); parity is the 10-bit parity problem, 700
numbers for training and 324 for testing; spiral is CS231n's 3-arm spiral (300
points, tested on a second draw); xor is 200 noisy points (tested on another 200).

examples:
  autograd-mlp train
  autograd-mlp train --dataset mnist --data-dir ~/data/mnist --val-split 10000 --save run.npz
  autograd-mlp train --resume run.npz --epochs 20
  autograd-mlp train --dataset spiral --optimizer adam --plot spiral.png
"""

# (group, flags, keyword arguments) for every option; --hidden/--sizes are exclusive.
_OPTIONS: list[tuple[str, tuple[str, ...], dict[str, Any]]] = [
    (
        "data",
        ("--dataset",),
        dict(
            choices=DATASETS,
            help="what to train on (default: mnist-sample, or the checkpoint's with --resume)",
        ),
    ),
    (
        "data",
        ("--data-dir",),
        dict(
            metavar="DIR",
            help="directory holding the 4 MNIST IDX "
            "files, gzipped or not, for --dataset mnist (default: "
            "$AUTOGRAD_MLP_DATA, else ~/.cache/autograd_mlp/mnist)",
        ),
    ),
    (
        "data",
        ("--download",),
        dict(
            action="store_true",
            help="download missing MNIST files into the data directory (--dataset mnist)",
        ),
    ),
    (
        "data",
        ("--val-split",),
        dict(
            type=nonneg_int,
            metavar="N",
            help="hold out the last N "
            "training samples as validation data, shown per epoch "
            "instead of the test set (default: 0)",
        ),
    ),
    (
        "model",
        ("--activation",),
        dict(
            choices=ACTIVATIONS, help="hidden-layer nonlinearity (default: relu; tanh for parity)"
        ),
    ),
    (
        "model",
        ("--loss",),
        dict(
            choices=LOSSES,
            help="cross_entropy on the logits, or mse "
            "between the outputs and one-hot targets (default: "
            "cross_entropy)",
        ),
    ),
    (
        "model",
        ("--dropout",),
        dict(
            type=probability,
            metavar="P",
            help="dropout probability after each hidden activation (default: 0)",
        ),
    ),
    (
        "model",
        ("--norm",),
        dict(
            choices=NORMS,
            help="normalisation after each hidden Linear "
            "layer: LayerNorm or BatchNorm1d (default: none)",
        ),
    ),
    (
        "optimisation",
        ("--optimizer",),
        dict(choices=OPTIMIZERS, help="optimiser (default: sgd; adam for parity)"),
    ),
    (
        "optimisation",
        ("--clip-grad-norm",),
        dict(
            type=positive_float,
            metavar="X",
            help="clip the gradients' total norm to X before every step (default: no clipping)",
        ),
    ),
    (
        "optimisation",
        ("--warmup-epochs",),
        dict(
            type=nonneg_int,
            metavar="N",
            help="raise the "
            "learning rate linearly over the first N "
            "epochs, then follow --schedule (default: 0)",
        ),
    ),
    (
        "optimisation",
        ("--lr",),
        dict(
            type=positive_float,
            help="learning rate (default: per dataset; 0.05 with sgd and 0.001 with adam on MNIST)",
        ),
    ),
    (
        "optimisation",
        ("--momentum",),
        dict(type=nonneg_float, metavar="M", help="SGD momentum (default: 0.9; 0 for plain SGD)"),
    ),
    (
        "optimisation",
        ("--nesterov",),
        dict(action="store_true", default=None, help="use Nesterov momentum (SGD)"),
    ),
    (
        "optimisation",
        ("--weight-decay",),
        dict(
            type=nonneg_float,
            metavar="L2",
            help="weight decay: an L2 penalty added to the gradients, decoupled for adamw "
            "(default: 0; 0.01, PyTorch's, for adamw)",
        ),
    ),
    (
        "optimisation",
        ("--schedule",),
        dict(
            choices=SCHEDULES,
            help="learning-rate schedule per "
            "epoch: none, step (x0.1 after each third of the "
            "epochs) or cosine (towards 0, reached just after "
            "the last epoch) (default: cosine)",
        ),
    ),
    (
        "optimisation",
        ("--batch-size",),
        dict(
            type=positive_int,
            metavar="N",
            help="samples per step (default: per dataset, 32 for MNIST)",
        ),
    ),
    (
        "optimisation",
        ("--epochs",),
        dict(
            type=positive_int,
            metavar="N",
            help="epochs to "
            "train, in total (default: per dataset, 5 on "
            "mnist-sample; with --resume, the checkpoint's)",
        ),
    ),
    (
        "optimisation",
        ("--seed",),
        dict(type=nonneg_int, help="seed of the initial weights and of the shuffling (default: 0)"),
    ),
    (
        "optimisation",
        ("--no-jit",),
        dict(
            action="store_true",
            help="run every training step eagerly instead of replaying it with ag.jit "
            "(the same numbers, slower; default: jit where it applies, i.e. without "
            "dropout or batch norm)",
        ),
    ),
    (
        "output",
        ("--save",),
        dict(
            metavar="CKPT.npz",
            help="write a checkpoint after every "
            "epoch, .npz or .safetensors (default: none, or the "
            "--resume file)",
        ),
    ),
    (
        "output",
        ("--resume",),
        dict(
            metavar="CKPT.npz",
            help="continue the run saved in this checkpoint, with its settings, up to --epochs",
        ),
    ),
    (
        "output",
        ("--plot",),
        dict(
            metavar="FILE.png",
            help="draw the per-step loss (smoothed) "
            "and per-epoch accuracy to this file (needs matplotlib)",
        ),
    ),
    (
        "output",
        ("--plot-weights",),
        dict(
            metavar="FILE.png",
            help="draw the first layer's weights (as images for 784 inputs) after training",
        ),
    ),
    (
        "output",
        ("--no-progress",),
        dict(
            action="store_true",
            help="no progress bar within an epoch (it is shown only on a terminal)",
        ),
    ),
    (
        "output",
        ("--quiet", "-q"),
        dict(action="store_true", help="print only the final test accuracy"),
    ),
]


def add_parser(subparsers: argparse._SubParsersAction, run: Callable[..., int]) -> None:
    """Declare the ``train`` subcommand, run by ``run(args)``."""
    parser = subparsers.add_parser(
        "train",
        help="train an MLP (default: on the bundled MNIST sample) and report test accuracy",
        description=(
            "Train an MLP with mini-batch SGD or Adam; print a table of loss and accuracy\n"
            "per epoch, then the test accuracy. With no options: a 784-100-200-10 ReLU\n"
            "network, 5 epochs of SGD on the MNIST sample bundled in the package, offline,\n"
            "reaching about 94% test accuracy in a few seconds."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    one_line_errors(parser)
    groups = {
        name: parser.add_argument_group(name)
        for name in ("data", "model", "optimisation", "output")
    }
    sizes = groups["model"].add_mutually_exclusive_group()
    sizes.add_argument(
        "--hidden",
        type=int_list,
        metavar="H1,H2,...",
        help="hidden-layer widths; input and output widths come from the dataset "
        "(default: per dataset, e.g. 100,200 for MNIST)",
    )
    sizes.add_argument(
        "--sizes",
        type=int_list,
        metavar="N0,...,NK",
        help="all layer widths, input to output, e.g. 784,100,200,10 (instead of --hidden)",
    )
    for group, flags, kwargs in _OPTIONS:
        groups[group].add_argument(*flags, **kwargs)
    add_overwrite(groups["output"])
    parser.set_defaults(run=run)


# --------------------------------------------------------------------------- settings
def _resolve_sizes(
    data: Data, hidden: Sequence[int] | None, sizes: Sequence[int] | None
) -> list[int]:
    if sizes is not None:
        sizes = list(sizes)
        if len(sizes) < 2:
            error(f"--sizes needs at least an input and an output width, got {sizes}")
        if sizes[0] != data.n_features or sizes[-1] != data.n_classes:
            error(
                f"--sizes {','.join(map(str, sizes))} does not fit {data.name}: it needs "
                f"{data.n_features} inputs and {data.n_classes} outputs "
                "(or give only the hidden widths with --hidden)"
            )
        return sizes
    hidden = list(PRESETS[data.name].hidden if hidden is None else hidden)
    return [data.n_features, *hidden, data.n_classes]


def fresh_settings(args: argparse.Namespace, data: Data) -> dict[str, Any]:
    """The settings of a new run: the options given, else the dataset's defaults."""
    preset = PRESETS[data.name]
    optimizer = args.optimizer or preset.optimizer
    if optimizer not in available_optimizers():
        error(f"--optimizer {optimizer} is not available in this version of autograd_mlp")
    if optimizer != "sgd":
        for flag, value in (("--momentum", args.momentum), ("--nesterov", args.nesterov)):
            if value is not None:
                error(f"{flag} applies to --optimizer sgd only")
    momentum = 0.9 if args.momentum is None else args.momentum
    if optimizer != "sgd":
        momentum = 0.0
    if args.nesterov and momentum == 0:
        error("--nesterov needs a momentum > 0")
    default_lr = preset.sgd_lr if optimizer == "sgd" else preset.adam_lr
    epochs = args.epochs or preset.epochs
    if args.warmup_epochs and args.warmup_epochs >= epochs:
        error(f"--warmup-epochs {args.warmup_epochs} must be fewer than the {epochs} epochs")
    decay = 0.01 if optimizer == "adamw" else 0.0  # AdamW's own default
    return {
        "kind": CHECKPOINT_KIND,
        "dataset": data.name,
        "sizes": _resolve_sizes(data, args.hidden, args.sizes),
        "activation": args.activation or preset.activation,
        "loss": args.loss or "cross_entropy",
        "optimizer": optimizer,
        "lr": default_lr if args.lr is None else args.lr,
        "momentum": momentum,
        "nesterov": bool(args.nesterov),
        "weight_decay": decay if args.weight_decay is None else args.weight_decay,
        "schedule": args.schedule or "cosine",
        "batch_size": args.batch_size or preset.batch_size,
        "epochs": epochs,
        "seed": 0 if args.seed is None else args.seed,
        "val_split": args.val_split or 0,
        "dropout": args.dropout or 0.0,
        "norm": args.norm,
        "clip_grad_norm": args.clip_grad_norm,
        "warmup_epochs": args.warmup_epochs or 0,
    }


def read_checkpoint(path: str) -> Any:
    """Load a checkpoint; CLIError if it is not one."""
    from ..checkpoint import CheckpointError, load_checkpoint

    try:
        return load_checkpoint(path)
    except CheckpointError as exc:
        error(str(exc))


def validate_settings(config: dict[str, Any], path: str) -> None:
    """Refuse stored settings of the wrong type or range (a tampered checkpoint)."""
    for key, value in config.items():
        if key in _CHECKS and not _CHECKS[key][0](value):
            error(
                f"{path}: its setting {key}={value!r:.40} is not valid ({_CHECKS[key][1]}); "
                "the checkpoint is damaged or was edited"
            )
    epochs = config.get("epochs")
    if epochs is not None and not _is_int(epochs, 0):
        error(f"{path}: its setting epochs={epochs!r:.40} is not valid (an integer >= 0)")


def _show(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def resumed_settings(args: argparse.Namespace, ckpt: Any, path: str) -> dict[str, Any]:
    """The checkpoint's settings (validated); options given must agree with them."""
    config = dict(ckpt.config or {})
    missing = [k for k in RUN_KEYS if k not in config]
    if config.get("kind") != CHECKPOINT_KIND or missing:
        error(
            f"{path} was not written by autograd-mlp train --save (its settings lack "
            f"{', '.join(missing) or 'the kind'}), so the run cannot be resumed"
        )
    config = {**OPTIONAL_KEYS, **config}
    validate_settings(config, path)
    keys = (*RUN_KEYS, *OPTIONAL_KEYS)
    given = {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}
    if args.hidden is not None:
        given["sizes"] = [config["sizes"][0], *args.hidden, config["sizes"][-1]]
    for key, value in given.items():
        stored = config[key]
        same = math.isclose(value, stored) if isinstance(value, float) else value == stored
        if not same:
            flag, what = "--" + key.replace("_", "-"), key
            if key == "sizes" and args.hidden is not None:
                flag, what, value, stored = "--hidden", "hidden sizes", value[1:-1], stored[1:-1]
            error(
                f"{flag} {_show(value)} differs from the checkpoint's {what} {_show(stored)}; "
                "a resumed run keeps the settings it was started with (leave the option out)"
            )
    config["epochs"] = args.epochs or config.get("epochs") or 0
    planned = (ckpt.config or {}).get("epochs")
    if config["warmup_epochs"] and config["epochs"] != planned:
        error(
            f"{path} has a warm-up schedule planned for {planned} epochs; it cannot be "
            "stretched (leave --epochs out)"
        )
    return config


def build_model(settings: dict[str, Any]) -> Any:
    """The MLP that ``settings`` describe, with weights drawn from ``settings['seed']``."""
    from .. import nn

    nn.init.manual_seed(int(settings["seed"]))
    extra = {k: settings[k] for k in ("dropout", "norm") if settings.get(k)}
    try:
        return nn.MLP(list(settings["sizes"]), activation=settings["activation"], **extra)
    except TypeError:  # an MLP without dropout/norm (before nn v2)
        error("--dropout and --norm need an nn.MLP with dropout= and norm= (autograd_mlp nn v2)")


def model_of(ckpt: Any, path: str) -> Any:
    """The checkpoint's model, rebuilt from its recorded architecture."""
    from ..checkpoint import CheckpointError

    try:
        return ckpt.build_model()
    except CheckpointError as exc:
        error(f"{path}: {exc}")


def build_optimizer(model: Any, s: dict[str, Any]) -> tuple[Any, Any]:
    """The optimiser and schedule ``s`` describe."""
    from .. import optim

    params = list(model.parameters())
    opt: Any
    if s["optimizer"] == "sgd":
        opt = optim.SGD(
            params,
            lr=s["lr"],
            momentum=s["momentum"],
            weight_decay=s["weight_decay"],
            nesterov=s["nesterov"],
        )
    else:
        cls = getattr(optim, _OPTIMIZER_CLASSES[s["optimizer"]])
        opt = cls(params, lr=s["lr"], weight_decay=s["weight_decay"])
    warmup = int(s.get("warmup_epochs") or 0)
    epochs = int(s["epochs"]) - warmup
    main: Any = None
    if s["schedule"] == "cosine":
        main = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    elif s["schedule"] == "step":
        main = optim.lr_scheduler.StepLR(opt, step_size=-(-epochs // 3), gamma=0.1)
    if not warmup:
        return opt, main
    sched = optim.lr_scheduler
    warm = sched.LinearLR(opt, start_factor=1.0 / (warmup + 1), end_factor=1.0, total_iters=warmup)
    if main is None:
        return opt, warm
    return opt, sched.SequentialLR(opt, [warm, main], milestones=[warmup])


def restore(ckpt: Any, path: str, model: Any, optimizer: Any, scheduler: Any) -> None:
    """Load the checkpoint's states; a schedule is stretched to the new ``--epochs``."""
    from ..checkpoint import CheckpointError, restore_checkpoint

    state = ckpt.scheduler_state
    if (
        scheduler is not None
        and isinstance(state, dict)
        and ("T_max" in state or "step_size" in state)
    ):
        # Running longer than first planned: stretch the schedule to the new
        # length, as if the run had been started with that --epochs.
        state = {**state, **scheduler.state_dict(), "last_epoch": state.get("last_epoch", 0)}
    try:
        restore_checkpoint(replace(ckpt, scheduler_state=state), model, optimizer, scheduler)
    except (CheckpointError, ValueError, TypeError, KeyError) as exc:
        error(f"{path} does not fit its own settings: {exc}")


def describe(s: dict[str, Any]) -> str:
    """E.g. ``MLP 784-100-200-10 relu`` (and ``dropout 0.2``, ``batch norm``)."""
    extra = [f"dropout {s['dropout']:g}"] if s.get("dropout") else []
    extra += [f"{s['norm']} norm"] if s.get("norm") else []
    return " ".join([f"MLP {'-'.join(map(str, s['sizes']))} {s['activation']}", *extra])


def describe_optimizer(s: dict[str, Any]) -> str:
    """E.g. ``sgd lr 0.05, momentum 0.9, cosine schedule``."""
    parts = [f"{s['optimizer']} lr {s['lr']:g}"]
    if s["optimizer"] == "sgd" and s["momentum"]:
        parts.append(f"momentum {s['momentum']:g}" + (" nesterov" if s["nesterov"] else ""))
    if s["weight_decay"]:
        parts.append(f"weight decay {s['weight_decay']:g}")
    if s.get("warmup_epochs"):
        parts.append(plural(int(s["warmup_epochs"]), "warm-up epoch"))
    if s["schedule"] != "none":
        parts.append(f"{s['schedule']} schedule")
    if s.get("clip_grad_norm"):
        parts.append(f"gradient norm clipped to {s['clip_grad_norm']:g}")
    return ", ".join(parts)


class _ClipGradNorm(Callback):
    """A fit callback: clip the gradients' total norm before every step."""

    def __init__(self, max_norm: float) -> None:
        from ..nn import utils

        self.clip, self.max_norm = utils.clip_grad_norm_, max_norm

    def on_backward(self, state: Any) -> None:
        self.clip(state.model.parameters(), self.max_norm)


def extra_callbacks(s: dict[str, Any]) -> list[Any]:
    """The callbacks these settings add to ``fit`` (gradient clipping)."""
    if not s.get("clip_grad_norm"):
        return []
    try:
        return [_ClipGradNorm(float(s["clip_grad_norm"]))]
    except ImportError:
        error("--clip-grad-norm needs nn.utils.clip_grad_norm_ (autograd_mlp nn v2)")


def first_layer_weights(model: Any) -> Any:
    """The first weight matrix of ``model`` (its first Linear layer's)."""
    for _, p in model.named_parameters():
        if p.ndim == 2:
            return p.data
    return None


def plot_weights(args: argparse.Namespace, model: Any) -> None:
    """Draw the first layer's weights for ``--plot-weights``."""
    if getattr(args, "plot_weights", None) is None:
        return
    from ..plotting import save_figure
    from ..viz import plot_weights as draw

    weights = first_layer_weights(model)
    shape = (28, 28) if weights is not None and weights.shape[1] == 784 else None
    save_figure(draw(weights, image_shape=shape), args.plot_weights)
    if not args.quiet:
        print(f"wrote {args.plot_weights}")
