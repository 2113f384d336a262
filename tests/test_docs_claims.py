"""Statements in the docs that the code can check, checked against the code.

Each test here names a claim the docs once got wrong: the length of the front
page's examples, the cosine schedule's last learning rate, and when a tensor
keeps the caller's array without copying it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import nn, optim

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
NUMBERS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
WORDS = {word: n for n, word in enumerate(NUMBERS.split(), start=1)}


def _counted_examples(page: Path) -> list[tuple[str, int, int]]:
    """Headings like ``## Ten lines`` with the number they say and the number of
    non-blank lines of the code block under them."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^#+ (\w+) lines\s*\n+```python\n(.*?)^```", text, re.S | re.M):
        word = match.group(1).lower()
        if word in WORDS:
            lines = [line for line in match.group(2).splitlines() if line.strip()]
            found.append((match.group(1), WORDS[word], len(lines)))
    return found


def test_line_counts_in_headings_are_true() -> None:
    counted = {p.relative_to(ROOT).as_posix(): _counted_examples(p) for p in DOCS}
    assert counted["README.md"], "README.md's first example should say how long it is"
    wrong = [
        f"{page}: '{word} lines' over {actual} lines"
        for page, items in counted.items()
        for word, said, actual in items
        if said != actual
    ]
    assert not wrong, "a heading miscounts its example: " + "; ".join(wrong)


def test_the_cosine_schedule_ends_above_zero_and_the_docs_say_so() -> None:
    # The last epoch runs at lr * (1 + cos(pi * (E - 1) / E)) / 2, not at 0.
    param = nn.Parameter(np.zeros(1))
    opt = optim.SGD([param], lr=0.05)
    schedule = optim.CosineAnnealingLR(opt, T_max=5)
    for _ in range(4):
        opt.step()
        schedule.step()
    last = opt.param_groups[0]["lr"]
    assert last == pytest.approx(0.05 * (1 + np.cos(np.pi * 4 / 5)) / 2) and last > 0
    import argparse

    from autograd_mlp.cli import build_parser

    texts = {p.name: p.read_text(encoding="utf-8") for p in DOCS}
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            help_text = action.choices["train"].format_help()
            texts["autograd-mlp train --help"] = " ".join(help_text.split())
    wrong = [name for name, text in texts.items() if re.search(r"0 at the last epoch", text)]
    assert not wrong, f"these say the cosine schedule reaches 0 at the last epoch: {wrong}"


def test_data_is_kept_without_a_copy_only_when_the_dtype_matches() -> None:
    same = np.ones(3, dtype=np.float32)
    other = np.ones(3)  # float64, converted to the default float32
    assert ag.tensor(same).data is same
    assert ag.tensor(other).data is not other
    # So prose promising "no copy" must say when, in the same sentence.
    claims = []
    for page in DOCS:
        prose = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(prose.split())):
            if ".data" in sentence and re.search(r"without copying|no copy", sentence):
                if "dtype" not in sentence:
                    claims.append(f"{page.name}: {sentence}")
    assert not claims, (
        "'.data' is promised to be the caller's array without the dtype condition:\n"
        + ("\n".join(claims))
    )
