"""``autograd-mlp train`` and ``evaluate`` end to end, on the bundled MNIST sample.

In-process through ``autograd_mlp.cli.main`` for speed; one test runs the real
command in a subprocess. Short runs use a small hidden layer so the whole file
takes a few seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import optional

from autograd_mlp import nn
from autograd_mlp.checkpoint import load_checkpoint, save_checkpoint
from autograd_mlp.cli import main
from autograd_mlp.cli import train as cli_train

ROOT = Path(__file__).resolve().parents[1]
SHORT = ["--hidden", "32", "--epochs", "2", "--no-progress"]
RESULT = re.compile(r"^test accuracy (\d+\.\d+)%\s+\(loss (\d+\.\d+), (\d+) test", re.M)


def run_cli(argv: list[str]) -> int:
    """``main(argv)``'s exit status, whether returned or raised by argparse."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def result(out: str) -> tuple[float, float, int]:
    """(accuracy %, loss, number of test samples) from the final line."""
    found = RESULT.findall(out)
    assert found, f"no result line in:\n{out}"
    acc, loss, n = found[-1]
    return float(acc), float(loss), int(n)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A 2-epoch run saved to a checkpoint, and what it printed."""
    import contextlib
    import io

    path = tmp_path_factory.mktemp("ckpt") / "run.npz"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["train", *SHORT, "--save", str(path)]) == 0
    return path, out.getvalue()


# --------------------------------------------------------------------------- training
def test_short_run_prints_a_table_and_reaches_85_percent(trained: tuple[Path, str]) -> None:
    _, out = trained
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["epoch"])
    assert lines[header].split() == [
        "epoch", "train", "loss", "train", "acc", "test", "loss", "test", "acc", "lr", "time",
    ]  # fmt: skip
    rows = [line.split() for line in lines[header + 1 : header + 3]]
    assert [row[0] for row in rows] == ["1", "2"]
    acc, loss, n = result(out)
    assert n == 1000
    assert acc >= 85.0, out  # 784-32-10, 2 epochs: about 89%
    assert rows[-1][4] == f"{acc:.2f}%"  # the last row's test accuracy is the final one


def test_save_then_evaluate_gives_the_same_accuracy(
    trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = trained
    assert main(["evaluate", str(path)]) == 0
    evaluated = capsys.readouterr().out
    assert "784-32-10 relu" in evaluated and "trained 2 epochs" in evaluated
    assert result(evaluated) == result(out)


def test_checkpoint_stores_the_run_settings(trained: tuple[Path, str]) -> None:
    config = load_checkpoint(trained[0]).config
    assert config["sizes"] == [784, 32, 10]
    assert config["activation"] == "relu" and config["dataset"] == "mnist-sample"
    assert config["epochs"] == 2 and config["seed"] == 0


def _interrupt_before_epoch(monkeypatch: pytest.MonkeyPatch, epoch: int) -> None:
    """Make the run stop (as with Ctrl-C) during epoch ``epoch``, before it is saved."""
    from autograd_mlp.train import Callback

    class CtrlC(Callback):
        def on_batch(self, state):
            if state.epoch == epoch and state.batch == 3:
                raise KeyboardInterrupt

    callbacks = cli_train._callbacks
    monkeypatch.setattr(cli_train, "_callbacks", lambda *a: [*callbacks(*a), CtrlC()])


def test_resume_continues_exactly_where_the_run_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["train", "--hidden", "16", "--epochs", "3", "--no-progress"]
    whole, part = tmp_path / "whole.npz", tmp_path / "part.npz"
    assert main([*argv, "--save", str(whole)]) == 0
    uninterrupted = capsys.readouterr().out

    with monkeypatch.context() as m:
        _interrupt_before_epoch(m, 3)
        assert run_cli([*argv, "--save", str(part)]) == 130  # interrupted
    assert f"--resume {part}" in capsys.readouterr().err
    assert load_checkpoint(part).epoch == 2

    assert main(["train", "--resume", str(part), "--no-progress"]) == 0
    resumed = capsys.readouterr().out
    assert "after epoch 2 of 3" in resumed
    epochs = [line.split()[0] for line in resumed.splitlines() if re.match(r"^\s+\d+\s", line)]
    assert epochs == ["1", "2", "3"]  # the old rows, then epoch 3
    assert result(resumed)[:2] == result(uninterrupted)[:2]
    a, b = load_checkpoint(whole), load_checkpoint(part)
    assert b.epoch == 3
    for name, value in a.model_state.items():
        np.testing.assert_array_equal(b.model_state[name], value, err_msg=name)
    assert b.history["train_loss"] == a.history["train_loss"]


def test_resume_with_more_epochs_stretches_the_schedule(
    trained: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "more.npz"
    shutil.copy(trained[0], path)
    assert main(["train", "--resume", str(path), "--epochs", "3", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("test accuracy")  # --quiet: one line
    assert load_checkpoint(path).epoch == 3
    assert load_checkpoint(path).scheduler_state["T_max"] == 3


def test_val_split_holds_out_the_last_images(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", *SHORT, "--epochs", "1", "--val-split", "1000"]) == 0
    out = capsys.readouterr().out
    assert "5000 training images, 1000 validation, 1000 test" in out
    assert "val loss" in out and "val acc" in out
    assert result(out)[2] == 1000  # the final line is still the test set


@pytest.mark.parametrize(
    ("argv", "at_least"),
    [
        (["--dataset", "xor"], 95.0),
        (["--dataset", "spiral", "--epochs", "60", "--optimizer", "adam"], 90.0),
    ],
)
def test_toy_datasets(argv: list[str], at_least: float, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", *argv, "--quiet"]) == 0
    assert result(capsys.readouterr().out)[0] >= at_least


def test_plot_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    optional("matplotlib", "plot")
    png = tmp_path / "curves.png"
    assert main(["train", *SHORT, "--epochs", "1", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {png}" in capsys.readouterr().out


def test_plot_without_matplotlib_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert run_cli(["train", *SHORT, "--plot", str(tmp_path / "x.png")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # fails before training
    assert_one_line_error(captured.err, "train")
    assert "pip install" in captured.err


def test_divergence_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["train", *SHORT, "--epochs", "1", "--lr", "1e30"]) == 1
    err = capsys.readouterr().err
    assert_one_line_error(err, "train")
    assert "lower learning rate" in err


# --------------------------------------------------------------------------- user errors
def assert_one_line_error(err: str, command: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"autograd-mlp {command}: error: "), err


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, str]:
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"not a zip file")
    empty = tmp_path / "empty"
    empty.mkdir()
    nn.init.manual_seed(0)
    plain = tmp_path / "plain.npz"  # written from Python: no run settings
    save_checkpoint(plain, nn.MLP([784, 8, 10]))
    return {
        "corrupt": str(corrupt),
        "empty": str(empty),
        "missing": str(tmp_path / "missing"),
        "plain": str(plain),
        "nodir": str(tmp_path / "no" / "such" / "dir" / "x.npz"),
    }


ERRORS = [
    (["train", "--dataset", "imagenet"], "invalid choice"),
    (["train", "--epochs", "0"], "positive integer"),
    (["train", "--epochs", "two"], "positive integer"),
    (["train", "--hidden", "10,x"], "--hidden"),
    (["train", "--lr", "-0.1"], "--lr"),
    (["train", "--momentum", "nan"], "--momentum"),
    (["train", "--activation", "gelu"], "invalid choice"),
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--hidden", "8", "--sizes", "784,8,10"], "not allowed with"),
    (["train", "--sizes", "784,10,3"], "needs 784 inputs and 10 outputs"),
    (["train", "--dataset", "mnist", "--data-dir", "{missing}"], "MNIST files not found"),
    (["train", "--dataset", "mnist", "--data-dir", "{empty}"], "--download"),
    (["train", "--data-dir", "{empty}"], "--dataset mnist only"),
    (["train", "--resume", "{missing}"], "no checkpoint file"),
    (["train", "--resume", "{corrupt}"], "is corrupt"),
    (["train", "--resume", "{plain}"], "not written by autograd-mlp train"),
    (["train", "--save", "{nodir}"], "does not exist"),
    (["train", "--plot", "{nodir}"], "does not exist"),
    (["train", "--val-split", "6000"], "leaves no training data"),
    (["train", "--optimizer", "adam", "--momentum", "0.5"], "sgd only"),
    (["train", "--momentum", "0", "--nesterov"], "momentum > 0"),
    (["evaluate"], "required"),
    (["evaluate", "{missing}"], "no checkpoint file"),
    (["evaluate", "{corrupt}"], "is corrupt"),
    (["evaluate", "{plain}", "--dataset", "spiral"], "does not fit spiral"),
    (["evaluate", "{plain}", "--bogus"], "unrecognized arguments"),
    (["graph", "-o", "{missing}.dot", "--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_user_errors_are_one_line_and_exit_2(
    argv: list[str],
    message: str,
    bad_files: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [arg.format(**bad_files) for arg in argv]
    assert run_cli(argv) == 2
    captured = capsys.readouterr()
    assert_one_line_error(captured.err, argv[0])
    assert message in captured.err


def test_missing_mnist_from_the_environment_variable(
    bad_files: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTOGRAD_MLP_DATA", bad_files["empty"])
    assert run_cli(["train", "--dataset", "mnist"]) == 2
    err = capsys.readouterr().err
    assert_one_line_error(err, "train")
    assert "$AUTOGRAD_MLP_DATA" in err and bad_files["empty"] in err


def test_resume_refuses_changed_settings(
    trained: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for flags in (["--lr", "0.5"], ["--hidden", "64"], ["--dataset", "xor"]):
        assert run_cli(["train", "--resume", str(trained[0]), "--epochs", "3", *flags]) == 2
        err = capsys.readouterr().err
        assert_one_line_error(err, "train")
        assert f"{flags[0]} {flags[1]} differs from the checkpoint's" in err
    assert run_cli(["train", "--resume", str(trained[0])]) == 2  # already 2 of 2 epochs
    assert "pass --epochs N with N > 2" in capsys.readouterr().err


def test_evaluate_infers_the_model_of_a_plain_checkpoint(
    bad_files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", bad_files["plain"]]) == 0
    out = capsys.readouterr().out
    assert "MLP 784-8-10 relu" in out
    assert result(out)[2] == 1000  # the bundled sample's test set


# --------------------------------------------------------------------------- help
def test_train_help_lists_every_option_with_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli(["train", "--help"]) == 0
    out = capsys.readouterr().out
    for flag in (
        "--dataset", "--data-dir", "--download", "--val-split", "--hidden", "--sizes",
        "--activation", "--loss", "--optimizer", "--lr", "--momentum", "--nesterov",
        "--weight-decay", "--schedule", "--batch-size", "--epochs", "--seed", "--save",
        "--resume", "--plot", "--no-progress", "--quiet",
    ):  # fmt: skip
        assert flag in out, flag
    assert out.count("default") >= 15
    assert "mnist-sample  100,200" in out  # the per-dataset defaults table


def test_the_installed_command_runs(tmp_path: Path) -> None:
    """The real console script (or ``python -m autograd_mlp`` without an install)."""
    script = shutil.which("autograd-mlp")
    command = [script] if script else [sys.executable, "-m", "autograd_mlp"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [*command, "evaluate", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "CKPT.npz" in done.stdout
    done = subprocess.run(
        [*command, "train", "--epochs", "0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert_one_line_error(done.stderr, "train")


# --------------------------------------------------------------------------- issue 13
def _python_tanh_checkpoint(path: Path, how: str) -> float:
    """A tanh model trained from Python and saved; returns its test accuracy."""
    from autograd_mlp import optim
    from autograd_mlp.data import load_mnist_sample
    from autograd_mlp.train import evaluate, fit

    mnist = load_mnist_sample()
    X, y = mnist.as_arrays("train")
    X, y = X[:2000], y[:2000]
    nn.init.manual_seed(3)
    if how == "fit-sequential":
        model = nn.Sequential(nn.Linear(784, 24), nn.Tanh(), nn.Linear(24, 10))
    else:
        model = nn.MLP([784, 24, 10], activation="tanh")
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    checkpoint = path if how == "fit" else None
    fit(model, opt, (X, y), epochs=1, batch_size=64, seed=0, progress=False, checkpoint=checkpoint)
    if how != "fit":
        save_checkpoint(path, model, opt, epoch=1)
    return evaluate(model, *mnist.as_arrays("test"))[1]


@pytest.mark.parametrize("how", ["save_checkpoint", "fit-sequential"])
def test_a_tanh_model_saved_from_python_evaluates_to_the_same_accuracy(
    tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tanh.npz"
    acc = _python_tanh_checkpoint(path, how)
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert result(out)[0] == pytest.approx(100 * acc, abs=0.006)
    assert ("tanh" in out) if how == "save_checkpoint" else ("Sequential" in out)
    nn.save(nn.load(path), tmp_path / "tanh.safetensors")
    assert main(["evaluate", str(tmp_path / "tanh.safetensors")]) == 0
    assert result(capsys.readouterr().out)[0] == pytest.approx(100 * acc, abs=0.006)


def test_evaluate_never_guesses_an_architecture(tmp_path: Path, capsys) -> None:
    from safetensors.numpy import save_file

    nn.init.manual_seed(0)
    save_file(dict(nn.MLP([784, 8, 10]).state_dict()), tmp_path / "bare.safetensors")
    assert run_cli(["evaluate", str(tmp_path / "bare.safetensors")]) == 2
    err = capsys.readouterr().err
    assert_one_line_error(err, "evaluate")
    assert "does not record its model's architecture" in err


def test_save_refuses_a_file_that_is_not_a_checkpoint(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    assert run_cli(["train", *SHORT, "--save", str(notes)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--overwrite" in captured.err  # before training
    assert_one_line_error(captured.err, "train")
    assert notes.read_text() == "keep me"


def test_one_path_for_two_outputs_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "x.png"
    link = tmp_path / "link.png"
    link.symlink_to(path)
    for plot in (path, link):
        assert run_cli(["train", *SHORT, "--save", str(path), "--plot", str(plot)]) == 2
        err = capsys.readouterr().err
        assert_one_line_error(err, "train")
        assert "same file" in err
    assert not path.exists()


@pytest.mark.parametrize("kind", ["fifo", "dir-is-file"])
def test_bad_output_paths_are_one_line_errors_before_training(
    tmp_path: Path, kind: str, capsys
) -> None:
    if kind == "fifo":
        target = tmp_path / "fifo"
        os.mkfifo(target)
    else:
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "run.npz"
    for argv in (
        ["train", *SHORT, "--save", str(target)],
        ["train", *SHORT, "--plot", str(target)],
        ["graph", "--sizes", "2,3", "-o", str(target) + ".dot"],
    ):
        if kind == "fifo" and argv[0] == "graph":
            argv[-1] = str(target)
        code = run_cli(argv)
        captured = capsys.readouterr()
        assert code == 2 and captured.out == "", captured
        assert_one_line_error(captured.err, argv[0])


def test_an_os_error_while_saving_is_one_line_saying_what_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from autograd_mlp import train as T

    real = T.save_checkpoint
    calls = []

    def flaky(path, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(T, "save_checkpoint", flaky)
    path = tmp_path / "run.npz"
    assert run_cli(["train", *SHORT, "--save", str(path)]) == 2
    err = capsys.readouterr().err
    assert_one_line_error(err, "train")
    assert "Permission denied" in err and "holds 1 epoch;" in err
    assert load_checkpoint(path).epoch == 1


def test_a_diverged_epoch_is_never_saved_over_the_good_checkpoint(tmp_path: Path) -> None:
    from autograd_mlp import optim
    from autograd_mlp.train import Callback, ModelCheckpoint, TrainingDivergedError, fit

    class Poison(Callback):
        def on_batch(self, state):
            if state.epoch == 2 and state.batch == state.n_batches:
                state.model.layers[0].weight.data[0, 0] = np.nan

    from autograd_mlp.data import spiral

    X, y = spiral(n_per_class=20, seed=0)
    model = nn.MLP([2, 8, 3])
    saver = ModelCheckpoint(tmp_path / "run.npz")
    with pytest.raises(TrainingDivergedError, match="parameter 'layers.0.weight'"):
        fit(
            model,
            optim.SGD(model.parameters(), lr=0.1),
            (X, y),
            epochs=3,
            seed=0,
            progress=False,
            callbacks=[saver, Poison()],
        )
    assert saver.saved_epoch == 1 and load_checkpoint(tmp_path / "run.npz").epoch == 1
    assert np.isfinite(load_checkpoint(tmp_path / "run.npz").model_state["layers.0.weight"]).all()


def test_divergence_says_what_the_checkpoint_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from autograd_mlp.train import Callback

    class Poison(Callback):
        def on_batch(self, state):
            if state.epoch == 2 and state.batch == 2:
                state.loss_sum = float("nan")
                raise_nan = state.model.layers[0].weight
                raise_nan.data[...] = np.inf

    callbacks = cli_train._callbacks
    monkeypatch.setattr(cli_train, "_callbacks", lambda *a: [*callbacks(*a), Poison()])
    path = tmp_path / "run.npz"
    assert run_cli(["train", *SHORT, "--save", str(path)]) == 1
    err = capsys.readouterr().err
    assert_one_line_error(err, "train")
    assert f"{path} holds 1 epoch;" in err and "--resume" in err
    assert load_checkpoint(path).epoch == 1


def test_ctrl_c_says_exactly_what_the_file_holds_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = tmp_path / "run.npz"
    with monkeypatch.context() as m:
        _interrupt_before_epoch(m, 1)
        assert run_cli(["train", *SHORT, "--save", str(path)]) == 130
    err = capsys.readouterr().err
    assert err.count("interrupted") == 1 and err.count("\n") == 1, err
    assert "nothing was saved" in err and "holds" not in err
    assert not path.exists()
    with monkeypatch.context() as m:
        _interrupt_before_epoch(m, 2)
        assert run_cli(["train", *SHORT, "--save", str(path)]) == 130
    err = capsys.readouterr().err
    assert err.count("interrupted") == 1 and f"{path} holds 1 epoch;" in err, err


def test_one_epoch_is_singular(capsys) -> None:
    assert main(["train", "--dataset", "xor", "--epochs", "1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 epochs" not in out and "1 epoch, seed" in out and "; 1 epoch in" in out


def test_the_loss_column_keeps_its_width_for_huge_values() -> None:
    record = {
        "epoch": 1,
        "train_loss": 1.2345e12,
        "train_acc": 0.5,
        "val_loss": 3e20,
        "val_acc": None,
        "lr": 0.1,
        "time": 1.0,
    }
    assert len(cli_train._table_row(record)) == len(cli_train._table_header("test"))


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("val_split", -5, "val_split=-5 is not valid"),
        ("optimizer", "lbfgs", "optimizer='lbfgs' is not valid"),  # one this version lacks
        ("batch_size", 0, "batch_size=0 is not valid"),
        ("lr", "fast", "lr='fast' is not valid"),
    ],
)
def test_a_tampered_checkpoint_config_is_a_clear_error(
    trained: tuple[Path, str], tmp_path: Path, key: str, value, message: str, capsys
) -> None:
    from autograd_mlp.checkpoint import restore_checkpoint

    ckpt = load_checkpoint(trained[0])
    model = ckpt.build_model()
    restore_checkpoint(ckpt, model)
    path = tmp_path / "tampered.npz"
    save_checkpoint(path, model, epoch=1, history=ckpt.history, config={**ckpt.config, key: value})
    assert run_cli(["train", "--resume", str(path), "--epochs", "3"]) == 2
    err = capsys.readouterr().err
    assert_one_line_error(err, "train")
    assert message in err


def test_blas_threads_never_silently_does_nothing(monkeypatch, capsys) -> None:
    deps = re.search(r"^dependencies = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert deps and '"threadpoolctl' in deps.group(1)  # on the README's install
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    assert (
        run_cli(["--blas-threads", "2", "graph", "--sizes", "2,2", "-o", "/nonexistent/x.dot"]) == 2
    )
    err = capsys.readouterr().err
    assert "threadpoolctl is not installed" in err


def test_a_failed_download_reports_every_mirror(tmp_path: Path, monkeypatch, capsys) -> None:
    import urllib.error
    import urllib.request

    def offline(request, timeout=None):
        raise urllib.error.URLError(f"no route to {request.full_url.split('/')[2]}")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert run_cli(["train", "--dataset", "mnist", "--data-dir", str(tmp_path), "--download"]) == 2
    err = capsys.readouterr().err
    assert_one_line_error(err, "train")
    assert "ossci-datasets.s3.amazonaws.com" in err and "storage.googleapis.com" in err


def test_predict_gives_the_models_classes(trained, tmp_path: Path, capsys) -> None:
    from autograd_mlp.data import load_mnist_sample

    images = load_mnist_sample().test_images[:3]
    np.save(tmp_path / "x.npy", images)
    model = nn.load(trained[0])
    expected = model(images.reshape(3, -1).astype(np.float32) / 255).data.argmax(axis=1)
    assert main(["predict", str(trained[0]), str(tmp_path / "x.npy")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "x.npy[" in line]
    assert [int(line.split("class ")[1].split()[0]) for line in lines] == expected.tolist()
    from PIL import Image

    Image.fromarray(images[0]).save(tmp_path / "d.png")
    assert main(["predict", str(trained[0]), str(tmp_path / "d.png")]) == 0
    assert f"class {expected[0]} " in capsys.readouterr().out
    bad = tmp_path / "bad.npy"
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (200000, 200000), }"
    bad.write_bytes(b"\x93NUMPY\x01\x00" + struct_len(header) + header + b"\0" * 64)
    assert run_cli(["predict", str(trained[0]), str(bad)]) == 2
    assert "declares shape (200000, 200000)" in capsys.readouterr().err


def struct_len(header: bytes) -> bytes:
    return len(header).to_bytes(2, "little")


def test_plots_per_step_loss_and_confusion_matrix(trained, tmp_path: Path, capsys) -> None:
    optional("matplotlib", "plot")
    cm = tmp_path / "cm.png"
    assert main(["evaluate", str(trained[0]), "--plot", str(cm)]) == 0
    assert cm.read_bytes()[:4] == b"\x89PNG" and f"wrote {cm}" in capsys.readouterr().out
    assert main(["evaluate", str(trained[0]), "--plot", str(cm)]) == 0  # ours: replaced
    other = tmp_path / "photo.png"
    other.write_bytes(b"\x89PNG\r\n\x1a\nnot ours")
    assert run_cli(["evaluate", str(trained[0]), "--plot", str(other)]) == 2
    assert other.read_bytes().endswith(b"not ours")


def test_ctrl_c_in_a_real_process(tmp_path: Path) -> None:
    import signal
    import time

    path = tmp_path / "run.npz"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autograd_mlp",
            "train",
            "--hidden",
            "16",
            "--epochs",
            "50",
            "--no-progress",
            "--save",
            str(path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.split()[:1] == ["1"]:  # the first epoch's row
            break
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    held = int(re.search(r"holds (\d+) epoch", err).group(1))
    assert load_checkpoint(path).epoch == held >= 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_no_subcommand_imports_another() -> None:
    import ast

    cli = ROOT / "autograd_mlp" / "cli"
    subcommands = {"train", "evaluate", "graph", "predict"}
    for path in cli.glob("*.py"):
        if path.name == "__init__.py":
            continue  # the dispatcher
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = {node.module} if node.module else {a.name for a in node.names}
                assert not (names & subcommands), f"{path.name} imports {names & subcommands}"
    assert len((cli / "train.py").read_text().splitlines()) < 400


# --------------------------------------------------------------------------- nn v2 options
def _needs_nn_v2() -> None:
    from autograd_mlp import optim

    if not (hasattr(nn, "Dropout") and hasattr(optim, "AdamW") and hasattr(nn, "utils")):
        pytest.skip("needs nn v2 (Dropout, LayerNorm, BatchNorm1d, AdamW, clip_grad_norm_)")


def test_v2_options_train_save_and_evaluate_the_same_model(tmp_path: Path, capsys) -> None:
    _needs_nn_v2()
    path = tmp_path / "v2.npz"
    argv = [
        "train",
        "--dataset",
        "spiral",
        "--epochs",
        "8",
        "--optimizer",
        "adamw",
        "--dropout",
        "0.1",
        "--norm",
        "batch",
        "--clip-grad-norm",
        "1.0",
        "--warmup-epochs",
        "3",
        "--lr",
        "0.04",
        "--schedule",
        "none",
        "--no-progress",
    ]
    assert main([*argv, "--save", str(path)]) == 0
    out = capsys.readouterr().out
    assert "dropout 0.1 batch norm" in out and "adamw" in out and "gradient norm clipped" in out
    ckpt = load_checkpoint(path)
    assert ckpt.config["dropout"] == 0.1 and ckpt.config["norm"] == "batch"
    # Linear warm-up over 3 epochs: lr/4, 2lr/4, 3lr/4, then lr.
    np.testing.assert_allclose(ckpt.history["lr"][:5], [0.01, 0.02, 0.03, 0.04, 0.04])
    kinds = [type(m).__name__ for m in ckpt.build_model().layers]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]
    assert main(["evaluate", str(path)]) == 0
    assert result(capsys.readouterr().out)[:2] == result(out)[:2]
    assert run_cli(["train", "--resume", str(path), "--epochs", "9", "--dropout", "0.3"]) == 2
    assert "--dropout 0.3 differs" in capsys.readouterr().err


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_a_dropout_norm_model_saved_from_python_evaluates_the_same(
    tmp_path: Path, norm: str, capsys
) -> None:
    _needs_nn_v2()
    from autograd_mlp import optim
    from autograd_mlp.data import load_mnist_sample
    from autograd_mlp.train import evaluate, fit

    mnist = load_mnist_sample()
    nn.init.manual_seed(0)
    model = nn.MLP([784, 32, 10], activation="tanh", dropout=0.2, norm=norm)
    fit(
        model,
        optim.AdamW(model.parameters(), lr=1e-3),
        mnist.as_arrays("train"),
        epochs=1,
        batch_size=64,
        seed=0,
        progress=False,
    )
    nn.save(model, tmp_path / "m.safetensors")
    acc = evaluate(model, *mnist.as_arrays("test"))[1]
    assert main(["evaluate", str(tmp_path / "m.safetensors")]) == 0
    assert result(capsys.readouterr().out)[0] == pytest.approx(100 * acc, abs=0.006)


def test_clip_grad_norm_clips_before_the_step(capsys) -> None:
    _needs_nn_v2()
    from autograd_mlp import optim
    from autograd_mlp.cli import _train_options
    from autograd_mlp.data import spiral
    from autograd_mlp.train import Callback, fit

    norms = []

    class Measure(Callback):
        def on_backward(self, state):
            grads = [p.grad.data for p in state.model.parameters() if p.grad is not None]
            norms.append(float(np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in grads))))

    model = nn.MLP([2, 16, 3])
    clip = _train_options.extra_callbacks({"clip_grad_norm": 0.01})
    fit(
        model,
        optim.SGD(model.parameters(), lr=0.1),
        spiral(n_per_class=20, seed=0),
        epochs=1,
        seed=0,
        progress=False,
        callbacks=[*clip, Measure()],
    )
    assert norms and max(norms) <= 0.01 * (1 + 1e-5)


def test_plot_weights_and_plot_samples(trained, tmp_path: Path, capsys) -> None:
    optional("matplotlib", "plot")
    from autograd_mlp import viz

    if not hasattr(viz, "plot_weights"):
        pytest.skip("needs viz.plot_weights/plot_samples")
    weights, samples = tmp_path / "w.png", tmp_path / "s.png"
    assert main(["train", *SHORT, "--epochs", "1", "--plot-weights", str(weights)]) == 0
    assert main(["evaluate", str(trained[0]), "--plot-samples", str(samples)]) == 0
    assert weights.read_bytes()[:4] == samples.read_bytes()[:4] == b"\x89PNG"


def test_batch_norm_with_a_last_batch_of_one_sample_trains(capsys) -> None:
    # 200 xor points in batches of 199: the last batch holds one sample, which
    # BatchNorm1d refuses in training; the run skips it and says so.
    argv = [
        "train",
        "--dataset",
        "xor",
        "--norm",
        "batch",
        "--batch-size",
        "199",
        "--epochs",
        "2",
        "--no-progress",
    ]
    assert run_cli(argv) == 0
    out = capsys.readouterr().out
    assert "leave a last batch of 1" in out
    assert result(out)[2] == 200


def test_one_warm_up_epoch_is_singular(capsys) -> None:
    assert (
        run_cli(
            ["train", "--dataset", "xor", "--warmup-epochs", "1", "--epochs", "2", "--no-progress"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "1 warm-up epoch," in out and "1 warm-up epochs" not in out


def test_graph_defaults_to_a_layout_that_fits_a_page(tmp_path) -> None:
    """The default drawing is top-down for the deep MLP graph, not 4,000 px wide."""
    out = tmp_path / "g.dot"
    assert run_cli(["graph", "-o", str(out)]) == 0
    assert "rankdir=TB" in out.read_text()


def test_train_replays_the_step_with_jit_unless_no_jit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from autograd_mlp import train as T

    seen: list[bool] = []
    real_fit = T.fit

    def recording_fit(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["jit"])
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(T, "fit", recording_fit)
    argv = ["train", "--dataset", "xor", "--epochs", "2", "--no-progress"]
    assert main(argv) == 0
    jitted = capsys.readouterr().out
    assert main([*argv, "--no-jit"]) == 0
    eager = capsys.readouterr().out
    assert seen == [True, False]

    def without_times(out: str) -> str:
        return re.sub(r"\d+\.\d+s", "", out)

    assert without_times(jitted) == without_times(eager)  # the same run, line for line
    assert run_cli(["train", "--help"]) == 0
    assert "--no-jit" in capsys.readouterr().out
