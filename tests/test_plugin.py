"""The pytest plugin, exercised in a separate pytest run (a subprocess), as a user's
project would load it: fixtures, the diff of ``assert_grads_close``, the
``--gradcheck-examples`` option, and loading it twice without an error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import optional

from autograd_mlp.testing import assert_grads_close

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "autograd_mlp.testing.pytest_plugin"

USER_TESTS = '''
import numpy as np
import autograd_mlp as ag
from autograd_mlp.testing import check_op


class Cube(ag.Op):
    """Derivative: 3x²"""

    name = "user_cube"
    signature = "unary"
    calls = []

    @staticmethod
    def reference(x):
        Cube.calls.append(1)  # once per example
        return x**3

    def forward(self, x):
        return x**3

    def backward(self, g, out, x):
        return (3 * g * x * x,)


def test_gradcheck_fixture(gradcheck):
    net = ag.nn.MLP([2, 3, 1], activation="tanh")
    assert gradcheck(net, [ag.tensor([[0.5, -0.25]])])


def test_examples_option():
    check_op(Cube, smooth=False)
    assert 1 <= len(Cube.calls) <= 3, len(Cube.calls)


def test_grads_differ(assert_grads_close):
    w = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (w * w).sum().backward()
    expected = 2 * w.data + [[0, 0], [0, 1]]
    assert_grads_close({"layers.0.weight": w.grad}, {"layers.0.weight": expected})
'''


def run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    # Only what -p loads: an installed entry point must not load a second copy.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", PLUGIN, "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plugin_in_a_users_pytest_run(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    # the user's conftest names the plugin as well: it must not be registered twice
    (tmp_path / "conftest.py").write_text(f"pytest_plugins = [{PLUGIN!r}]\n")
    result = run_pytest(tmp_path, "-q", "--gradcheck-examples", "3", "test_user.py")
    output = result.stdout + result.stderr
    assert "1 failed, 2 passed" in output, output
    assert "test_grads_differ" in output and "already registered" not in output
    # the diff names the tensor, the element and both values
    assert "layers.0.weight[1, 1]: actual 8 vs expected 9" in output, output


def test_plugin_option_is_listed_and_validated(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "--help")
    assert result.returncode == 0 and "--gradcheck-examples=N" in result.stdout
    result = run_pytest(tmp_path, "--gradcheck-examples", "0")
    assert result.returncode != 0 and "--gradcheck-examples" in result.stderr


def test_entry_point_is_named_after_the_module() -> None:
    # Named like the module, pytest sees "already loaded" whichever way it comes
    # first (entry point, -p, or a conftest's pytest_plugins), never registering twice.
    text = (ROOT / "pyproject.toml").read_text()  # (tomllib is 3.11+; we support 3.10)
    section = text.split("[project.entry-points.pytest11]", 1)[1].split("\n[", 1)[0]
    entries = [line for line in section.splitlines() if "=" in line and not line.startswith("#")]
    assert entries == [f'"{PLUGIN}" = "{PLUGIN}"']


def test_fixtures_are_available_in_our_own_suite(gradcheck, assert_grads_close) -> None:
    import autograd_mlp.testing as testing

    assert gradcheck is testing.gradcheck and assert_grads_close is testing.assert_grads_close


# --------------------------------------------------------------------------- the comparison itself
@pytest.mark.parametrize(
    "actual, expected, match",
    [
        ({"w": np.ones(2)}, {"b": np.ones(2)}, "only in actual \\['w'\\], only in expected"),
        ({"w": None}, {"w": np.ones(2)}, "w: no gradient in actual"),
        ({"w": np.ones(2)}, {"w": np.ones(3)}, "w: shape \\(2,\\) \\(actual\\) vs \\(3,\\)"),
        ([np.ones(2), np.zeros(2)], [np.ones(2), np.ones(2)], "\\[1\\]\\[0\\]: actual 0 vs"),
        (np.float64(1.0), 2.0, "gradient: actual 1 vs expected 2"),
        ({"w": [np.nan, 1.0]}, {"w": [1.0, 1.0]}, "w\\[0\\]: actual nan vs expected 1"),
    ],
)
def test_assert_grads_close_says_where(actual, expected, match) -> None:
    with pytest.raises(AssertionError, match=match):
        assert_grads_close(actual, expected)


def test_assert_grads_close_passes_within_tolerance_and_reads_modules() -> None:
    import autograd_mlp as ag

    net = ag.nn.MLP([2, 2])
    net(ag.tensor([[1.0, 2.0]])).sum().backward()
    grads = {name: p.grad.numpy() * (1 + 1e-7) for name, p in net.named_parameters()}
    assert_grads_close(net, grads)
    torch = optional("torch", "torch")
    assert_grads_close({"x": torch.tensor([1.0, 2.0])}, {"x": np.array([1.0, 2.0])})
