"""Every Python code block in README.md and docs/ runs, so the docs cannot drift.

Blocks of one page run in order in one namespace (a page may build on its earlier
blocks), in a temporary working directory. A block whose first line is
``# doctest: skip`` is shown to readers but not run (for commands that need the
network, say); keep those rare.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return [b for b in BLOCK.findall(page.read_text()) if not b.startswith("# doctest: skip")]


PAGES_WITH_CODE = [p for p in PAGES if python_blocks(p)]


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for i, block in enumerate(python_blocks(page)):
        try:
            exec(compile(block, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{page.relative_to(ROOT)}, code block {i} failed: {exc!r}\n{block}")


def test_docs_have_code() -> None:
    # Guards the harness itself: if the regex stopped matching, nothing would run.
    assert any(python_blocks(p) for p in PAGES), "no python code blocks found in the docs"
    assert os.path.exists(ROOT / "README.md")
