"""Tests for autograd_mlp.train (fit/evaluate) and autograd_mlp.checkpoint."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import optional

import autograd_mlp.functional as F
from autograd_mlp import nn, optim
from autograd_mlp.checkpoint import (
    CheckpointError,
    CheckpointNotFoundError,
    load_checkpoint,
    restore_checkpoint,
    save_checkpoint,
)
from autograd_mlp.data import spiral, xor
from autograd_mlp.plotting import plot_history
from autograd_mlp.train import History, TrainingDivergedError, evaluate, fit

SPIRAL = spiral(n_per_class=60, n_classes=3, seed=0)


def make(seed=0, sizes=(2, 32, 3), lr=0.01):
    nn.init.manual_seed(seed)
    model = nn.MLP(list(sizes))
    return model, optim.Adam(model.parameters(), lr=lr)


def params(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def assert_same_params(a, b):
    assert list(a) == list(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


# --------------------------------------------------------------------------- learning
def test_mlp_learns_the_spiral():
    X, y = spiral(n_per_class=100, n_classes=3, seed=0)
    model, opt = make(sizes=(2, 64, 64, 3))
    history = fit(model, opt, (X, y), epochs=60, batch_size=32, seed=0, progress=False)
    assert history.train_acc[-1] >= 0.95
    loss, acc = evaluate(model, X, y)
    assert acc >= 0.95 and loss < 0.2
    assert history.train_loss[-1] < history.train_loss[0] / 5


def test_sigmoid_mse_tutorial_setup_learns_xor():
    # The classic: sigmoid units, squared error against one-hot targets.
    X, y = xor(n=64, noise=0.05, seed=1)
    nn.init.manual_seed(1)
    model = nn.Sequential(nn.MLP([2, 8, 2], activation="sigmoid"), nn.Sigmoid())
    opt = optim.SGD(model.parameters(), lr=2.0, momentum=0.9)
    onehot = np.eye(2, dtype=np.float32)[y]
    history = fit(
        model, opt, (X, onehot), epochs=60, batch_size=8, loss="mse", seed=0, progress=False
    )
    assert history.train_acc[-1] == 1.0
    # Integer labels with loss="mse" are one-hot encoded for the model's outputs.
    assert evaluate(model, X, y, loss="mse") == pytest.approx(
        evaluate(model, X, onehot, loss="mse")
    )


def test_single_logit_with_bce():
    X, y = xor(n=64, noise=0.05, seed=2)
    nn.init.manual_seed(2)
    model = nn.MLP([2, 16, 1], activation="tanh")
    history = fit(
        model,
        optim.Adam(model.parameters(), lr=0.05),
        (X, y),
        epochs=40,
        batch_size=16,
        loss="bce",
        seed=0,
        progress=False,
    )
    assert history.train_acc[-1] == 1.0


# --------------------------------------------------------------------------- history
def test_history_records_every_epoch_with_scheduler_lrs_and_validation():
    model, opt = make(lr=0.1)
    sched = optim.StepLR(opt, step_size=1, gamma=0.5)
    X, y = SPIRAL
    history = fit(
        model,
        opt,
        (X, y),
        epochs=3,
        batch_size=50,
        val_data=(X[:30], y[:30]),
        scheduler=sched,
        seed=3,
        progress=False,
    )
    assert isinstance(history, History) and len(history) == 3
    assert history.epoch == [1, 2, 3]
    assert history.lr == [0.1, 0.05, 0.025]  # the lr each epoch trained with
    assert history.seed == 3
    assert all(v is not None for v in history.val_loss + history.val_acc)
    assert all(t > 0 for t in history.time)
    assert history["train_loss"] is history.train_loss
    # Validation numbers are those of evaluate() on the final model.
    assert (history.val_loss[-1], history.val_acc[-1]) == pytest.approx(
        evaluate(model, X[:30], y[:30])
    )
    assert History.from_dict(history.to_dict()) == history


def test_history_without_validation_has_none():
    model, opt = make()
    history = fit(model, opt, SPIRAL, epochs=1, batch_size=64, seed=0, progress=False)
    assert history.val_loss == [None] and history.val_acc == [None]


def test_train_loss_is_the_sample_weighted_mean_over_the_epoch():
    # lr = 0: weights never change, so the epoch's loss is the loss on all data.
    model, _ = make()
    X, y = SPIRAL
    expected = F.cross_entropy(model(X), y).item()
    history = fit(
        model,
        optim.SGD(model.parameters(), lr=0.0),
        (X, y),
        epochs=1,
        batch_size=7,
        seed=0,
        progress=False,
    )
    assert history.train_loss[0] == pytest.approx(expected, rel=1e-5)


# --------------------------------------------------------------------------- reproducibility
def test_same_seed_same_run_different_seed_different_run():
    runs = []
    for seed in (5, 5, 6):
        model, opt = make()
        fit(model, opt, SPIRAL, epochs=2, batch_size=16, seed=seed, progress=False)
        runs.append(params(model))
    assert_same_params(runs[0], runs[1])
    assert not np.array_equal(runs[0]["layers.0.weight"], runs[2]["layers.0.weight"])


def _cosine_run(epochs, init_seed=0, **kwargs):
    """Adam with a 4-epoch cosine schedule on SPIRAL, batch 16: ``(history, model)``."""
    model, opt = make(seed=init_seed, lr=0.02)
    sched = optim.CosineAnnealingLR(opt, T_max=4)
    history = fit(
        model, opt, SPIRAL, epochs=epochs, batch_size=16, scheduler=sched, progress=False, **kwargs
    )
    return history, model


@pytest.mark.parametrize("seed", [11, None])
def test_resuming_gives_exactly_the_uninterrupted_run(tmp_path, seed):
    path = tmp_path / "run.npz"
    first, _ = _cosine_run(2, seed=seed, checkpoint=path)
    # A new process: new objects, freshly (differently) initialised, then resumed.
    history, resumed = _cosine_run(4, init_seed=99, checkpoint=path, resume=True)
    full, model = _cosine_run(4, seed=first.seed)
    assert_same_params(params(resumed), params(model))
    assert history.epoch == [1, 2, 3, 4]
    assert history.train_loss == full.train_loss and history.lr == full.lr
    assert history.seed == first.seed


def test_checkpoint_written_every_epoch(tmp_path):
    path = tmp_path / "ckpt"  # no suffix: stored exactly where asked
    model, opt = make()
    fit(model, opt, SPIRAL, epochs=2, batch_size=64, seed=4, checkpoint=path, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt"]  # no temp files left
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == 2 and ckpt.config["seed"] == 4 and ckpt.config["batch_size"] == 64
    assert ckpt.history["epoch"] == [1, 2]
    assert_same_params(ckpt.model_state, params(model))


def test_resume_errors(tmp_path):
    model, opt = make()
    with pytest.raises(ValueError, match=r"fit: resume=True needs checkpoint=PATH"):
        fit(model, opt, SPIRAL, epochs=1, resume=True, progress=False)
    with pytest.raises(FileNotFoundError, match=r"fit: no checkpoint to resume from"):
        fit(model, opt, SPIRAL, epochs=1, resume=tmp_path / "nope.npz", progress=False)
    # resume=True with a checkpoint path that does not exist yet starts fresh.
    history = fit(
        model,
        opt,
        SPIRAL,
        epochs=1,
        checkpoint=tmp_path / "new.npz",
        resume=True,
        seed=0,
        progress=False,
    )
    assert history.epoch == [1]


# --------------------------------------------------------------------------- stopping
def test_nan_in_the_input_data_is_reported_as_such_not_as_divergence():
    X, y = SPIRAL
    X = X.copy()
    X[7, 1] = np.nan
    model, opt = make()
    with pytest.raises(
        ValueError, match=r"input data train_data X holds NaN \(first at sample 7\)"
    ):
        fit(model, opt, (X, y), epochs=2, batch_size=32, seed=0, progress=False)
    with pytest.raises(ValueError, match=r"val_data X holds NaN"):
        fit(model, opt, SPIRAL, val_data=(X, y), epochs=1, progress=False)


def test_nan_loss_raises_training_diverged_error():
    model, opt = make()

    def nan_loss(out, target):
        return F.cross_entropy(out, target) * float("nan")

    with pytest.raises(TrainingDivergedError, match=r"epoch 1, batch 1 of .*lower learning rate"):
        fit(model, opt, SPIRAL, loss=nan_loss, epochs=2, batch_size=32, seed=0, progress=False)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_exploding_lr_is_caught():
    X, y = SPIRAL
    model, _ = make()
    opt = optim.SGD(model.parameters(), lr=1e12)
    with pytest.raises(TrainingDivergedError) as info:
        fit(model, opt, (X * 1e3, y), epochs=5, batch_size=8, loss="mse", seed=0, progress=False)
    assert info.value.epoch >= 1 and not np.isfinite(info.value.loss)
    assert "lr=1e+12" in str(info.value)


def test_callback_returning_true_stops_training():
    model, opt = make()
    seen = []

    def callback(history):
        seen.append(history.last()["epoch"])
        return len(history) == 2

    history = fit(
        model, opt, SPIRAL, epochs=10, batch_size=64, seed=0, callbacks=[callback], progress=False
    )
    assert seen == [1, 2] and len(history) == 2


# --------------------------------------------------------------------------- evaluate
def test_evaluate_by_hand():
    layer = nn.Linear(2, 2)
    layer.weight.data[...] = [[1.0, 0.0], [0.0, 1.0]]
    layer.bias.data[...] = 0.0
    X = np.array([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0], [0.0, 5.0]], np.float32)
    y = np.array([0, 1, 1, 0])  # predictions are 0, 1, 0, 1: half right
    loss, acc = evaluate(layer, X, y, batch_size=3)
    assert acc == 0.5
    lse = np.log(np.exp(X).sum(axis=1))
    assert loss == pytest.approx(np.mean(lse - X[np.arange(4), y]), rel=1e-6)


def test_evaluate_records_no_graph_and_restores_mode():
    model, _ = make()
    model.train()
    evaluate(model, *SPIRAL)
    assert model.training and all(p.grad is None for p in model.parameters())
    model.eval()
    evaluate(model, *SPIRAL)
    assert not model.training


def test_evaluate_accuracy_by_argmax_for_float_rows_and_none_when_undefined():
    model = nn.Linear(2, 3)
    model.weight.data[...] = [[1, 0], [0, 1], [0, 0]]
    model.bias.data[...] = 0
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [1.0, 0.0]])
    soft = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.0, 0.9, 0.1]])
    assert evaluate(model, X, soft, loss="mse")[1] == 0.75  # argmax vs argmax
    # Outputs per position (N, 5, 3): no single class per sample.
    loss, acc = evaluate(model, np.ones((4, 5, 2)), np.full((4, 5, 3), 0.5), loss="mse")
    assert acc is None and loss > 0


def test_fit_argument_errors():
    model, opt = make()
    X, y = SPIRAL
    with pytest.raises(ValueError, match=r"fit: unknown loss 'hinge'"):
        fit(model, opt, (X, y), epochs=1, loss="hinge")
    with pytest.raises(ValueError, match=r"fit: train_data needs X and y with the same"):
        fit(model, opt, (X, y[:-1]), epochs=1)
    with pytest.raises(TypeError, match=r"fit: train_data must be a pair"):
        fit(model, opt, X, epochs=1)
    with pytest.raises(ValueError, match=r"fit: batch_size must be an integer >= 1"):
        fit(model, opt, (X, y), epochs=1, batch_size=0)
    with pytest.raises(ValueError, match=r"fit: the loss must return a single-element"):
        fit(
            model,
            opt,
            (X, y),
            epochs=1,
            loss=lambda o, t: F.cross_entropy(o, t, "none"),
            progress=False,
        )


def test_progress_prints_one_line_per_epoch_without_a_terminal(capsys):
    model, opt = make()
    fit(model, opt, SPIRAL, epochs=2, batch_size=64, seed=0, val_data=SPIRAL)
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch 1/2  loss ") and "val_acc" in lines[0]
    assert "batch" not in err  # no progress bar off a terminal
    fit(model, opt, SPIRAL, epochs=1, batch_size=64, seed=0, progress=False)
    assert capsys.readouterr() == ("", "")


def test_plot_history_writes_exactly_the_path_given_and_nothing_on_failure(tmp_path):
    optional("matplotlib", "plot")
    model, opt = make()
    history = fit(model, opt, SPIRAL, epochs=2, batch_size=64, seed=0, progress=False)
    plot_history(history, tmp_path / "curves")  # no suffix: PNG, and no ".png" added
    plot_history(history.to_dict(), tmp_path / "curves.svg", val_label="test")
    with pytest.raises(ValueError, match="xyz"):
        plot_history(history, tmp_path / "curves.xyz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curves", "curves.svg"]
    assert (tmp_path / "curves").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "curves.svg").read_bytes()


# --------------------------------------------------------------------------- checkpoint
def test_checkpoint_round_trip_with_optimizer_scheduler_and_config(tmp_path):
    model, opt = make()
    sched = optim.StepLR(opt, step_size=2, gamma=0.5)
    fit(model, opt, SPIRAL, epochs=3, batch_size=64, seed=0, scheduler=sched, progress=False)
    config = {"sizes": [2, 32, 3], "betas": (0.9, 0.999), "note": "x", "n": np.int64(3)}
    path = tmp_path / "m.npz"
    save_checkpoint(path, model, opt, epoch=3, config=config, scheduler=sched)
    ckpt = load_checkpoint(path)
    assert ckpt.config == {"sizes": [2, 32, 3], "betas": (0.9, 0.999), "note": "x", "n": 3}
    model2, opt2 = make(seed=5)
    sched2 = optim.StepLR(opt2, step_size=2, gamma=0.5)
    restore_checkpoint(path, model2, opt2, sched2)
    assert_same_params(params(model2), params(model))
    assert opt2.lr == opt.lr == 0.5 * 0.01 and sched2.last_epoch == 3
    a, b = opt.state_dict(), opt2.state_dict()
    for i in a["state"]:
        assert a["state"][i]["step"] == b["state"][i]["step"]
        np.testing.assert_array_equal(a["state"][i]["exp_avg_sq"], b["state"][i]["exp_avg_sq"])


def test_checkpoint_errors(tmp_path):
    model, opt = make()
    with pytest.raises(CheckpointNotFoundError, match=r"load_checkpoint: no checkpoint file"):
        load_checkpoint(tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file at all")
    with pytest.raises(CheckpointError, match=r"load_checkpoint: .*bad.npz. is corrupt"):
        load_checkpoint(bad)
    good = tmp_path / "good.npz"
    save_checkpoint(good, model)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=r"truncated.npz' is corrupt"):
        load_checkpoint(truncated)
    plain = tmp_path / "plain.npz"
    np.savez(plain, a=np.zeros(2))
    with pytest.raises(CheckpointError, match=r"plain.npz' is not an autograd_mlp file"):
        load_checkpoint(plain)
    with pytest.raises(CheckpointError, match=r"the checkpoint has no optimizer state"):
        restore_checkpoint(good, model, opt)
    with pytest.raises(nn.StateDictError, match=r"layers.0.weight: checkpoint \(32, 2\)"):
        restore_checkpoint(good, nn.MLP([2, 16, 3]))
    with pytest.raises(FileNotFoundError, match=r"directory .* does not exist"):
        save_checkpoint(tmp_path / "no" / "dir.npz", model)
    with pytest.raises(CheckpointError, match=r"save_checkpoint: config\['s'\] is a set"):
        save_checkpoint(tmp_path / "c.npz", model, config={"s": {1}})
    assert not (tmp_path / "c.npz").exists()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_non_finite_validation_loss_is_never_saved_over_the_good_checkpoint(tmp_path):
    path = tmp_path / "run.npz"
    model, opt = make()
    fit(model, opt, SPIRAL, epochs=1, batch_size=64, seed=0, checkpoint=path, progress=False)
    X, y = SPIRAL
    huge = (X * 1e38, y)  # finite inputs whose logits overflow
    with pytest.raises(TrainingDivergedError, match="the validation loss became"):
        fit(
            model,
            opt,
            SPIRAL,
            val_data=huge,
            epochs=2,
            batch_size=64,
            checkpoint=path,
            resume=True,
            progress=False,
        )
    assert load_checkpoint(path).epoch == 1


def test_evaluate_takes_data_as_fit_does():
    model, _ = make()
    X, y = SPIRAL
    assert evaluate(model, (X, y)) == evaluate(model, X, y)


def test_early_stopping_stops_when_the_monitored_value_stalls():
    from autograd_mlp.train import EarlyStopping

    model, opt = make(lr=0.0)  # nothing changes: val_loss never improves
    history = fit(
        model,
        opt,
        SPIRAL,
        val_data=SPIRAL,
        epochs=20,
        batch_size=64,
        seed=0,
        progress=False,
        callbacks=[EarlyStopping("val_loss", patience=2)],
    )
    assert len(history) == 3


def test_an_unwritable_checkpoint_path_fails_before_training(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    model, opt = make()
    before = params(model)
    with pytest.raises(FileExistsError, match="not a file this package wrote"):
        fit(model, opt, SPIRAL, epochs=1, checkpoint=notes, progress=False)
    assert_same_params(params(model), before) and notes.read_text() == "mine"


def test_ctrl_c_during_a_checkpoint_write_is_held_until_it_is_done(tmp_path, monkeypatch) -> None:
    """The file and ``saved_epoch`` agree: the interrupt lands after the save, not inside."""
    import os
    import signal

    import autograd_mlp.train as T

    real_save = T.save_checkpoint

    def save_then_get_interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C in the middle of the write
        return real_save(*args, **kwargs)

    monkeypatch.setattr(T, "save_checkpoint", save_then_get_interrupted)
    X, y = xor(n=32, noise=0.1)
    model = nn.MLP([2, 4, 2])
    saver = T.ModelCheckpoint(tmp_path / "run.npz")
    with pytest.raises(KeyboardInterrupt):
        fit(
            model,
            optim.SGD(model.parameters(), lr=0.1),
            (X, y),
            epochs=3,
            batch_size=16,
            seed=0,
            progress=False,
            callbacks=[saver],
        )
    assert saver.saved_epoch == 1
    assert load_checkpoint(tmp_path / "run.npz").epoch == 1
    assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
