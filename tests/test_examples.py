"""Every script in examples/ runs in its tiny ``--smoke`` mode and prints its metric.

The scripts are loaded from their files and their ``main(argv)`` called
in-process (a subprocess would pay numpy's import again for each). ``--smoke``
trains for a second or so on the bundled MNIST sample; the real runs and their
numbers are in docs/results.md.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import optional

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("[0-9][0-9]_*.py"))
# What each script's last lines must say.
METRICS = {
    "01_mnist_3layer_sgd.py": [r"test accuracy: \d+\.\d+%"],
    "02_mnist_784_100_200_10.py": [
        r"validation accuracy: \d+\.\d+% .*tutorial: 98\.09%",
        r"test accuracy: \d+\.\d+%",
    ],
    "03_sigmoid_mse.py": [
        r"parity of the bits, 10-3-2: test accuracy \d+\.\d+%",
        r"parity of the number \(even/odd\), 10-3-2: test accuracy 100\.00%",
        r"mnist 784-32-10 .*test accuracy \d+\.\d+% .*tutorial: 92\.59%",
    ],
    "04_graph_style_objects.py": [
        r"gradient check: hand-written backward\(\) == autograd_mlp to \d\.\de-\d+",
        r"test accuracy: \d+\.\d+%",
    ],
    "05_cs231n_spiral.py": [r"training accuracy: \d+\.\d+% .*CS231n: 98%"],
    "06_best_mnist_mlp.py": [r"test accuracy: \d+\.\d+%"],
}


def load_example(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(EXAMPLES))  # for `import _common`
    spec = importlib.util.spec_from_file_location(f"example_{name[:2]}", EXAMPLES / name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_has_its_expected_metrics() -> None:
    assert SCRIPTS == sorted(METRICS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_in_smoke_mode(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = load_example(name, monkeypatch)
    assert module.__doc__ and "Run::" in module.__doc__
    value = module.main(["--smoke"])
    out = capsys.readouterr().out
    for pattern in METRICS[name]:
        assert re.search(pattern, out), f"{name} did not print /{pattern}/:\n{out}"
    values = value.values() if isinstance(value, dict) else [value]
    assert all(0.0 <= v <= 1.0 for v in values)


def test_examples_fall_back_to_the_bundled_sample(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    module = load_example("01_mnist_3layer_sgd.py", monkeypatch)
    monkeypatch.delenv("AUTOGRAD_MLP_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # an empty download cache
    module.main(["--epochs", "1", "--limit", "500"])
    out = capsys.readouterr().out
    assert "using the bundled 6000 + 1000 image sample" in out
    assert "load_mnist(download=True)" in out, "the note must say how to get MNIST"
    assert str(tmp_path / "autograd_mlp" / "mnist") in out, "the note names the cache"
    assert "500 training, 1000 test images" in out


def test_examples_read_mnist_from_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A directory the user chose must hold the files: no silent fall-back then.
    module = load_example("01_mnist_3layer_sgd.py", monkeypatch)
    monkeypatch.setenv("AUTOGRAD_MLP_DATA", str(tmp_path / "absent"))
    with pytest.raises(SystemExit) as exc:
        module.main(["--epochs", "1"])
    message = str(exc.value.code)
    assert message.startswith("error: MNIST files not found") and "$AUTOGRAD_MLP_DATA" in message


def test_examples_hold_blas_to_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threadpoolctl = optional("threadpoolctl", "bench")
    for name in ("AUTOGRAD_MLP_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    load_example("01_mnist_3layer_sgd.py", monkeypatch)
    common = sys.modules["_common"]
    seen = []

    @common.one_blas_thread
    def main() -> None:
        seen.extend(
            p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"
        )

    main()
    assert seen and set(seen) == {1}, f"BLAS ran with {seen} threads"


def test_examples_report_a_missing_data_dir_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    module = load_example("01_mnist_3layer_sgd.py", monkeypatch)
    with pytest.raises(SystemExit) as exc:
        module.main(["--data-dir", str(tmp_path / "absent"), "--epochs", "1"])
    message = str(exc.value.code)
    assert message.startswith("error: MNIST files not found") and "\n" not in message
