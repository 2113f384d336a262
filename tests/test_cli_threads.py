"""``autograd-mlp`` sets BLAS threads for the command it runs (1 by default),
honours the user's choice, and restores the previous setting afterwards."""

from __future__ import annotations

import pytest
from conftest import optional

from autograd_mlp import cli
from autograd_mlp.cli import CLIError, blas_threads, main


def test_default_is_one_thread() -> None:
    assert blas_threads(None, {}) == 1


@pytest.mark.parametrize("name", cli.BLAS_LIBRARY_VARIABLES)
def test_a_blas_variable_set_by_the_user_is_left_alone(name: str) -> None:
    assert blas_threads(None, {name: "4"}) is None
    assert blas_threads(None, {name: " "}) == 1  # empty: not a choice


def test_flag_then_own_variable_win() -> None:
    env = {"OPENBLAS_NUM_THREADS": "4", cli.BLAS_THREADS_VARIABLE: "3"}
    assert blas_threads("2", env) == 2
    assert blas_threads(None, env) == 3
    assert blas_threads("default", {}) is None
    assert blas_threads(None, {cli.BLAS_THREADS_VARIABLE: "Default"}) is None


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_bad_values_are_user_errors(value: str) -> None:
    with pytest.raises(CLIError, match=r"--blas-threads must be a positive number"):
        blas_threads(value, {})
    with pytest.raises(CLIError, match=r"\$AUTOGRAD_MLP_BLAS_THREADS must be"):
        blas_threads(None, {cli.BLAS_THREADS_VARIABLE: value})


def test_command_runs_with_the_limit_and_restores_it(monkeypatch, capsys) -> None:
    threadpoolctl = optional("threadpoolctl", "bench")

    def blas() -> list[int]:
        info = threadpoolctl.threadpool_info()
        return [i["num_threads"] for i in info if i["user_api"] == "blas"]

    seen: list[list[int]] = []
    monkeypatch.setattr(cli.graph, "run", lambda args: seen.append(blas()) or 0)
    for name in (cli.BLAS_THREADS_VARIABLE, *cli.BLAS_LIBRARY_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    before = blas()
    assert main(["graph", "-o", "unused.svg"]) == 0
    assert main(["--blas-threads", "default", "graph", "-o", "unused.svg"]) == 0
    assert seen == [[1] * len(before), before]
    assert blas() == before


def test_bad_value_exits_2_with_one_line(capsys) -> None:
    assert main(["--blas-threads", "0", "graph", "-o", "unused.svg"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--blas-threads must be a positive number" in err
