"""The gallery of docs/visualisation.md is made by the page's own code blocks.

Each picture that follows a code block is regenerated from that block (through
scripts/make_gallery.py, which made the committed files) and its DOT text must
equal the committed ``docs/gallery/NAME.dot``. After an intended change of the
drawings run ``python scripts/make_gallery.py`` and commit the pictures.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    path = ROOT / "scripts" / "make_gallery.py"
    spec = importlib.util.spec_from_file_location("make_gallery", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gallery():
    if shutil.which("dot") is None:  # the animation's block saves images
        import os

        if os.environ.get("CI"):
            pytest.fail("the Graphviz 'dot' program is missing on CI")
        pytest.skip("Graphviz 'dot' is not installed")
    script = load_script()
    return script, script.drawings()


def test_every_picture_is_made_by_the_block_above_it(gallery) -> None:
    script, drawings = gallery
    page = script.PAGE.read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\(gallery/([\w-]+)\.(?:png|gif|svg)\)", page))
    made = set(drawings)
    # the player's screenshot is made from the animation's block
    assert shown - made == {"backward_player"}
    assert {"backward", "expression", "mlp_collapsed", "nan_flags"} <= made
    for name in shown:
        assert any((script.GALLERY / f"{name}.{ext}").exists() for ext in ("png", "gif")), name


@pytest.mark.parametrize(
    "name",
    [
        "backward",
        "expression",
        "before_after",
        "mlp_modules",
        "mlp_collapsed",
        "nan_flags",
        "gradcheck_failure",
        "second_order",
        "cross_entropy",
    ],
)
def test_committed_dot_matches_the_block(gallery, name: str) -> None:
    script, drawings = gallery
    committed = (script.GALLERY / f"{name}.dot").read_text(encoding="utf-8")
    assert script.dot_text(drawings[name]) == committed, (
        f"docs/gallery/{name}.dot is not what its code block draws today; "
        "run python scripts/make_gallery.py and commit the pictures"
    )


def test_examples_teach_something(gallery) -> None:
    _, drawings = gallery
    assert "grad so far (1 of 3)" in drawings["backward"].frames[1].source  # a sum building
    assert "1.0001" in drawings["backward"].frames[0].source  # constants keep their digits
    expr = drawings["expression"].source
    assert re.search(r"<B>a</B>.*?grad</TD><TD[^>]*>9<", expr)  # b + 3a² from two uses
    before_after = drawings["before_after"].source
    assert 'grad</TD><TD ALIGN="LEFT">[[0, 0, 0]]' not in before_after
    assert re.search(r"<B>w</B>.*?grad</TD><TD[^>]*>\[\[1\], \[-2\], \[3\]\]<", before_after)
    nan = drawings["nan_flags"].source
    assert "NaN/inf appear here" in nan and ">grad<" in nan
    assert "gradient check failed" in drawings["gradcheck_failure"].source
