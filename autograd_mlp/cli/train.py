"""``autograd-mlp train``: train an MLP and report its test accuracy.

With no options it trains a 784-100-200-10 ReLU network on the MNIST sample that
ships inside the package (6000 training, 1000 test images), so it runs offline in
seconds. It runs :func:`autograd_mlp.train.fit`, the loop Python users call: the
table, the checkpoints and the plot are its callbacks. ``--save`` writes a
checkpoint after every epoch (weights, architecture, optimiser and schedule
state, history, settings), so ``--resume`` continues the run exactly and
``autograd-mlp evaluate`` rebuilds the model. Every output path is checked
before training starts.

Examples
--------
::

    autograd-mlp train
    autograd-mlp train --dataset mnist --data-dir ~/data/mnist --epochs 10 --save run.npz
    autograd-mlp train --resume run.npz --epochs 15
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

from . import _train_options as opts
from ._common import CLIError, check_outputs, error, pct, plural, result_line
from ._datasets import Data, load_dataset
from ._models import input_width, output_width
from ._train_options import PRESETS  # noqa: F401 - re-exported: docs tests read it

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``train`` subcommand."""
    opts.add_parser(subparsers, run)


# --------------------------------------------------------------------------- output
def _table_header(held_out: str) -> str:
    return (
        f"{'epoch':>5}  {'train loss':>10}  {'train acc':>9}  {held_out + ' loss':>10}  "
        f"{held_out + ' acc':>9}  {'lr':>9}  {'time':>7}"
    )


def _num(value: float | None) -> str:
    """Ten characters at most, so huge losses keep the column's width."""
    if value is None:
        return "-"
    return f"{value:.4f}" if abs(value) < 1e5 else f"{value:.4g}"


def _table_row(record: dict[str, Any]) -> str:
    return (
        f"{record['epoch']:>5}  {_num(record['train_loss']):>10}  {pct(record['train_acc']):>9}  "
        f"{_num(record['val_loss']):>10}  {pct(record['val_acc']):>9}  {record['lr']:>9.3g}  "
        f"{record['time']:>6.1f}s"
    )


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, flush=True)


# --------------------------------------------------------------------------- setup
def _outputs(args: argparse.Namespace, save: str | None) -> None:
    from ..nn.serialization import is_package_file
    from ..plotting import is_package_figure

    check_outputs(
        [
            ("--save", save, is_package_file),
            ("--plot", args.plot, is_package_figure),
            ("--plot-weights", getattr(args, "plot_weights", None), is_package_figure),
        ],
        args.overwrite,
    )
    for flag in ("plot", "plot_weights"):
        if getattr(args, flag, None) is None:
            continue
        from ..plotting import MatplotlibMissingError, check_available

        try:
            check_available()
        except MatplotlibMissingError as exc:
            error(f"--{flag.replace('_', '-')}: {exc}")


def _setup(args: argparse.Namespace, ckpt: Any) -> tuple[dict[str, Any], Data, Any]:
    """(settings, data, model)."""
    if ckpt is None:
        data = load_dataset(args.dataset or "mnist-sample", args.data_dir, args.download)
        settings = opts.fresh_settings(args, data)
        return settings, data, opts.build_model(settings)
    settings = opts.resumed_settings(args, ckpt, args.resume)
    data = load_dataset(settings["dataset"], args.data_dir, args.download)
    done = int(ckpt.epoch or 0)
    if settings["epochs"] <= done:
        error(
            f"{args.resume} already has {plural(done, 'epoch')}; pass --epochs N with N > "
            f"{done} to train further"
        )
    model = opts.model_of(ckpt, args.resume)
    widths = (input_width(model), output_width(model))
    if widths != (data.n_features, data.n_classes):
        error(
            f"{args.resume} holds a model with {widths[0]} inputs and {widths[1]} outputs, "
            f"which does not fit {data.name}; the checkpoint is damaged or was edited"
        )
    return settings, data, model


def _split(settings: dict[str, Any], data: Data) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    X, y = data.X_train, data.y_train
    n_val = int(settings["val_split"])
    if n_val >= len(X):
        error(f"--val-split {n_val} leaves no training data: {data.name} has {len(X)} samples")
    if n_val:
        return (X[:-n_val], y[:-n_val]), (X[-n_val:], y[-n_val:])
    return (X, y), (data.X_test, data.y_test)


def _introduce(
    args: argparse.Namespace, s: dict[str, Any], data: Data, ckpt: Any, n_train: int, previous: Any
) -> None:
    n_val = int(s["val_split"])
    epochs = int(s["epochs"])
    if ckpt is None:
        _say(
            args,
            f"{data.name}: {n_train} training {data.what}"
            + (f", {n_val} validation" if n_val else "")
            + f", {len(data.X_test)} test",
        )
    else:
        _say(args, f"resuming {args.resume} after epoch {ckpt.epoch} of {epochs} ({data.name})")
        planned = int(ckpt.config.get("epochs", epochs))
        if s["schedule"] != "none" and epochs != planned:
            _say(
                args,
                f"note: the {s['schedule']} schedule was planned for {planned} epochs; "
                f"it is stretched to {epochs}, as if the run had started with --epochs {epochs}",
            )
    _say(
        args,
        f"model: {opts.describe(s)}, loss {s['loss']}; {opts.describe_optimizer(s)}; "
        f"batch {s['batch_size']}, {plural(epochs, 'epoch')}, seed {s['seed']}",
    )
    if s.get("norm") == "batch" and n_train % int(s["batch_size"]) == 1 and epochs:
        # fit's rule (drop_last=None): batch norm cannot train on one sample.
        _say(
            args,
            f"note: {n_train} samples leave a last batch of 1, which batch norm "
            "cannot train on; each epoch skips it (a different sample every epoch)",
        )
    _say(args, _table_header("val" if n_val else "test"))
    for i in range(len(previous)):
        _say(args, _table_row({k: previous[k][i] for k in previous.keys()}))


def _callbacks(args: argparse.Namespace, s: dict[str, Any], save: str | None) -> list[Any]:
    from ..train import ModelCheckpoint, ProgressBar, StepLog

    stored = {k: s[k] for k in ("kind", *opts.RUN_KEYS, *opts.OPTIONAL_KEYS, "epochs")}
    cbs: list[Any] = [StepLog(), *opts.extra_callbacks(s)]
    if save is not None:
        # A resumed checkpoint is ours; a fresh --save refuses a file not ours.
        cbs.append(ModelCheckpoint(save, config=stored, overwrite=args.overwrite))
    cbs.append(
        ProgressBar(
            summary=not args.quiet,
            printer=lambda record: _table_row(record),
            file=sys.stdout,
            enabled=False if (args.no_progress or args.quiet) else None,
        )
    )
    return cbs


def _held(save: str, saved: int | None, resumed_from: int) -> str:
    if saved is not None:
        return f"{save} holds {plural(saved, 'epoch')}"
    if resumed_from:
        return f"{save} still holds the {plural(resumed_from, 'epoch')} it had"
    return f"nothing was saved to {save} (no epoch finished)"


def _stopped_line(save: str | None, saver: Any, done: int) -> str:
    """What an interrupted or failed run leaves behind, in one line."""
    if save is None:
        return "nothing saved (no --save)"
    saved = None if saver is None else saver.saved_epoch
    line = _held(save, saved, done)
    if saved or done:
        line += f"; continue with: autograd-mlp train --resume {save}"
    return line


# --------------------------------------------------------------------------- run
def _train(
    args: argparse.Namespace, s: dict[str, Any], model: Any, ckpt: Any, data: Data, cbs: list[Any]
) -> tuple[Any, float]:
    from .. import train as T

    train_data, shown = _split(s, data)
    optimizer, scheduler = opts.build_optimizer(model, s)
    previous = T.History(seed=int(s["seed"]))
    if ckpt is not None:
        opts.restore(ckpt, args.resume, model, optimizer, scheduler)
        if ckpt.history:
            previous = T.History.from_dict(ckpt.history)
            previous.seed = int(s["seed"])
    _introduce(args, s, data, ckpt, len(train_data[0]), previous)
    started = time.perf_counter()
    # fit reports a diverging run in one line; numpy's overflow warnings on the
    # way there would only add noise.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        T.fit(
            model,
            optimizer,
            train_data,
            epochs=int(s["epochs"]),
            loss=s["loss"],
            batch_size=int(s["batch_size"]),
            val_data=shown,
            scheduler=scheduler,
            seed=int(s["seed"]),
            progress=False,
            callbacks=cbs,
            history=previous,
            jit=not getattr(args, "no_jit", False),
        )
    return previous, time.perf_counter() - started


def _finish(
    args: argparse.Namespace,
    s: dict[str, Any],
    model: Any,
    data: Data,
    history: Any,
    cbs: list[Any],
    elapsed: float,
    save: str | None,
    done: int,
) -> None:
    from .. import train as T

    loss, acc = T.evaluate(model, data.X_test, data.y_test, loss=s["loss"])
    if save is not None:
        _say(
            args,
            f"saved {save} ({plural(len(history), 'epoch')}); evaluate it with: "
            f"autograd-mlp evaluate {save}",
        )
    if args.plot is not None:
        from ..plotting import plot_history

        plot_history(
            history,
            args.plot,
            title=f"{opts.describe(s)} on {data.name}",
            val_label="val" if s["val_split"] else "test",
            step_losses=cbs[0].losses,
            step_positions=cbs[0].positions,
            overwrite=True,
        )
        _say(args, f"wrote {args.plot}")
    opts.plot_weights(args, model)
    print(
        result_line(loss, acc, len(data.X_test), data.what, data.name)
        + f"; {plural(len(history) - done, 'epoch')} in {elapsed:.1f}s",
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``train``: returns 0, 1 if training diverged, 130 if interrupted."""
    from ..train import ModelCheckpoint, TrainingDivergedError

    save = args.save if args.save is not None else args.resume
    ckpt = opts.read_checkpoint(args.resume) if args.resume is not None else None
    _outputs(args, save)
    s, data, model = _setup(args, ckpt)
    done = int(ckpt.epoch or 0) if ckpt is not None else 0
    cbs = _callbacks(args, s, save)
    try:
        history, elapsed = _train(args, s, model, ckpt, data, cbs)
    except (TrainingDivergedError, KeyboardInterrupt, OSError) as exc:
        saver = next((c for c in cbs if isinstance(c, ModelCheckpoint)), None)
        return _failed(exc, save, saver, done, cbs[0].epoch or done + 1)
    _finish(args, s, model, data, history, cbs, elapsed, save, done)
    return 0


def _failed(exc: BaseException, save: str | None, saver: Any, done: int, epoch: int) -> int:
    left = _stopped_line(save, saver, done)
    if isinstance(exc, KeyboardInterrupt):
        print(f"autograd-mlp train: interrupted during epoch {epoch}; {left}", file=sys.stderr)
        return 130
    if isinstance(exc, OSError):
        raise CLIError(f"{' '.join(str(exc).split())}; {left}") from None
    message = " ".join(str(exc).split())
    print(f"autograd-mlp train: error: {message}; {left}", file=sys.stderr)
    return 1
