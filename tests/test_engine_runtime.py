"""Importing the package changes no process state (issue 9, readability budget)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import autograd_mlp

ROOT = Path(autograd_mlp.__file__).resolve().parents[1]  # the tree under test


def _run(code: str, **env: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    ).stdout.strip()


def test_import_does_not_tune_malloc() -> None:
    assert _run("import autograd_mlp as ag; print(ag.runtime.MALLOC_TUNING)") == "False"


def test_tune_malloc_is_an_explicit_call_with_an_opt_out() -> None:
    code = "import autograd_mlp.runtime as r; print(r.tune_malloc(), r.MALLOC_TUNING)"
    assert _run(code, AUTOGRAD_MLP_MALLOC_TUNING="0") == "False False"
    if sys.platform.startswith("linux") and not any(k.startswith("MALLOC_") for k in os.environ):
        expected = "True True" if platform.libc_ver()[0] == "glibc" else "False False"
        assert _run(code) == expected
