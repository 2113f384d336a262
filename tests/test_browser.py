"""The HTML player in a real browser (headless Chromium).

Skipped on a developer's machine without Chromium; fails under ``CI`` (which
installs Debian's ``chromium``), so the player is always checked there.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp.viz import animate_backward
from autograd_mlp.viz import style as S
from autograd_mlp.viz.browser import dump_dom, find_chromium, screenshot


def needed(found: str | None, what: str, hint: str) -> str:
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing on CI ({hint})")
        pytest.skip(f"{what} is not installed")
    return found


@pytest.fixture(scope="module")
def browser() -> str:
    return needed(find_chromium(), "Chromium", "apt-get install chromium")


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, dict[str, ag.Tensor]]:
    needed(shutil.which("dot"), "Graphviz 'dot'", "apt-get install graphviz")
    a = ag.tensor(2.0, requires_grad=True)
    b = ag.tensor(-3.0, requires_grad=True)
    a.name, b.name = "a", "b"
    c = a * b
    c.name = "c"
    loss = c * c + a**3 + 1.0001 * c
    loss.name = "loss"
    anim = animate_backward(loss)
    page = anim.save(tmp_path_factory.mktemp("player") / "walk.html")
    return page, anim, {"a": a, "b": b}


def nodes(dom: str) -> list[tuple[str, list[str]]]:
    """``(class, texts)`` of each node drawn in the player's stage."""
    stage = dom[dom.index('class="agm-stage"') :]
    stage = stage[: stage.index("</svg>")]
    chunks = re.split(r'(?=<g id="[^"]+" class="(?:node|edge)[^"]*">)', stage)[1:]
    out = []
    for chunk in chunks:
        cls = re.match(r'<g id="[^"]+" class="([^"]*)"', chunk).group(1)
        if cls.startswith("node"):
            out.append((cls, re.findall(r"<text[^>]*>([^<]*)</text>", chunk)))
    return out


def shown_grad(texts: list[str]) -> str:
    return texts[texts.index(".grad") + 1]


def test_last_frame_shows_the_engines_grads(browser: str, walk) -> None:
    page, anim, leaves = walk
    dom = dump_dom(browser, page.as_uri() + "#frame=last")
    assert f'data-frame="{len(anim.frames) - 1}"' in dom
    drawn = nodes(dom)
    active = [texts for cls, texts in drawn if "active" in cls.split()]
    assert len(active) == 1 and active[0][0] == "a"  # the walk ends with leaf a
    assert shown_grad(active[0]) == S.num(leaves["a"].grad.item()) == "45"
    by_name = {texts[0]: texts for cls, texts in drawn}
    for name, leaf in leaves.items():
        assert shown_grad(by_name[name]) == S.num(leaf.grad.item())
    explain = re.search(r'class="agm-explain"[^>]*>([^<]*)<', dom).group(1)
    assert explain == anim.steps[-1].text


def test_hash_steps_to_a_frame(browser: str, walk) -> None:
    page, anim, _ = walk
    dom = dump_dom(browser, page.as_uri() + "#frame=3")
    assert 'data-frame="3"' in dom
    explain = re.search(r'class="agm-explain"[^>]*>([^<]*)<', dom).group(1)
    assert explain == anim.steps[3].text.replace("&", "&amp;")
    active = [texts for cls, texts in nodes(dom) if "active" in cls.split()]
    assert "pow" in [t[0] for t in active] and len(active) == 2  # the op and its output


def test_screenshot(browser: str, walk, tmp_path: Path) -> None:
    PIL = optional("PIL.Image", "plot")
    page, _, _ = walk
    shot = screenshot(browser, page.as_uri() + "#frame=last", tmp_path / "player.png", (800, 900))
    with PIL.open(shot) as im:
        assert im.size == (800, 900)
        lo, hi = im.convert("L").getextrema()
        assert hi - lo > 100  # not a blank page
