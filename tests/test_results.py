"""docs/results.md shows what the code prints, not what it printed once.

``scripts/make_results.py`` runs every command the page quotes, stores their
output in ``scripts/results.json`` and renders the page from it. Here: the page
must be that rendering (so no number on it is typed by hand), and the quick
commands, rerun now, must still print the stored output (so a change to the
code that changes a number fails until the page is regenerated). Times are the
one thing allowed to differ.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
REGENERATE = (
    "regenerate the page: python scripts/make_results.py --quick (the runs on the "
    "bundled sample and toy data), or --data-dir DIR for all of them"
)


@pytest.fixture(scope="module")
def make_results() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_results", ROOT / "scripts" / "make_results.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_results"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_page_is_the_rendering_of_the_stored_outputs(make_results: ModuleType) -> None:
    page = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    rendered = make_results.render(make_results.load_store())
    assert page == rendered, (
        "docs/results.md is not what scripts/make_results.py makes of scripts/results.json "
        "(edit scripts/results_template.md, not the page; then "
        "python scripts/make_results.py --render)"
    )


def test_every_run_is_stored(make_results: ModuleType) -> None:
    stored = make_results.load_store()["runs"]
    assert set(stored) == set(make_results.RUNS), f"missing runs; {REGENERATE}"
    for key, entry in stored.items():
        assert entry["command"] == make_results.command(key), f"{key}: stale command; {REGENERATE}"


def _without_times(text: str) -> list[list[str]]:
    # "0.1s" per epoch and "in 0.4s" in total vary from run to run; nothing else may.
    return [re.sub(r"\b\d+(?:\.\d+)?s\b", "<t>", line).split() for line in text.splitlines()]


@pytest.mark.parametrize("key", ["cli_default", "cli_xor"])
def test_the_command_still_prints_the_stored_output(
    key: str, make_results: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    from autograd_mlp.cli import main

    argv = make_results.RUNS[key].argv
    assert argv[1:3] == ("-m", "autograd_mlp")
    assert main(list(argv[3:])) == 0
    now = capsys.readouterr().out
    stored = make_results.load_store()["runs"][key]["output"]
    assert _without_times(now) == _without_times(stored), (
        f"`{make_results.command(key)}` now prints\n{now}\nbut docs/results.md shows\n{stored}\n"
        f"{REGENERATE}"
    )


def test_the_time_mask_keeps_the_numbers() -> None:
    # Guards the comparison: only times are masked, an accuracy change still shows.
    a = "    4      0.0923     97.22%      0.2460     94.10%     0.0173     0.1s"
    b = "    4      0.0923     97.20%      0.2460     94.10%     0.0173     0.3s"
    assert _without_times(a) != _without_times(b)
    assert _without_times(a) == _without_times(a.replace("0.1s", "12.5s"))
