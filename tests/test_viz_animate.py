"""Tests of ``viz.animate_backward``: frames follow the engine's real walk.

Image outputs need Graphviz ``dot`` and pillow: skipped locally without them,
failing under ``CI`` (which installs both).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import optional

import autograd_mlp as ag
from autograd_mlp import functional as F
from autograd_mlp import nn
from autograd_mlp.errors import AutogradError
from autograd_mlp.viz import animate_backward
from autograd_mlp.viz.player import MAX_IMAGE_WIDTH


@pytest.fixture
def dot_program() -> str:
    path = shutil.which("dot")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("the Graphviz 'dot' program is missing on CI (apt-get install graphviz)")
        pytest.skip("Graphviz 'dot' is not installed")
    return path


def reused() -> tuple[ag.Tensor, ag.Tensor, ag.Tensor]:
    """loss = c*c + a**3 + 1.0001*c with c = a*b: c is used three times, a twice."""
    a = ag.tensor(2.0, requires_grad=True)
    b = ag.tensor(-3.0, requires_grad=True)
    a.name, b.name = "a", "b"
    c = a * b
    c.name = "c"
    loss = c * c + a**3 + 1.0001 * c
    loss.name = "loss"
    return a, b, loss


def small_mlp(seed: int = 0) -> tuple[nn.MLP, ag.Tensor]:
    net = nn.MLP([5, 4, 3], rng=np.random.default_rng(seed))
    x = ag.tensor(np.random.default_rng(1).standard_normal((6, 5)).astype(np.float32))
    x.name = "x"
    return net, F.cross_entropy(net(x), np.array([0, 1, 2, 0, 1, 2]))


def active_ids(source: str) -> set[str]:
    return set(re.findall(r"^\s*(n\d+) \[.*class=active", source, re.M))


# --------------------------------------------------------------------------- the walk
def test_leaves_get_exactly_backwards_grad() -> None:
    net, loss = small_mlp()
    animate_backward(loss, params=net)
    twin, twin_loss = small_mlp()
    twin_loss.backward()
    for (name, p), (_, q) in zip(net.named_parameters(), twin.named_parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy(), err_msg=name)


def test_matches_torch_on_a_reused_node() -> None:
    torch = optional("torch", "torch")
    a, b, loss = reused()
    anim = animate_backward(loss)
    ta = torch.tensor(2.0, requires_grad=True)
    tb = torch.tensor(-3.0, requires_grad=True)
    tc = ta * tb
    (tc * tc + ta**3 + 1.0001 * tc).backward()
    assert a.grad.item() == pytest.approx(ta.grad.item(), rel=1e-6)
    assert b.grad.item() == pytest.approx(tb.grad.item(), rel=1e-6)
    # the contributions sent to a along the way add up to its .grad
    sent = [g for s in anim.steps for x, g in zip(s.inputs, s.sent) if x is a and g is not None]
    assert len(sent) == 2 and float(sum(sent)) == pytest.approx(a.grad.item(), rel=1e-6)


def test_one_frame_per_step_in_reverse_creation_order() -> None:
    a, b, loss = reused()
    anim = animate_backward(loss)
    assert len(anim.frames) == len(anim.steps) == 8
    nodes = [s.node for s in anim.steps if s.node is not None]
    assert [n.seq for n in nodes] == sorted((n.seq for n in nodes), reverse=True)
    assert [s.op for s in anim.steps[-2:]] == ["leaf", "leaf"]
    assert anim.steps[0].tensor is loss and anim.steps[0].received.item() == 1.0


def test_frames_highlight_the_running_node_and_build_the_sum() -> None:
    a, b, loss = reused()
    anim = animate_backward(loss)
    for frame, step in zip(anim.frames, anim.steps):
        on = active_ids(frame.source)
        assert 1 <= len(on) <= 2, frame.source
        assert f"step {step.index + 1} of 8" in frame.source
    texts = [s.text for s in anim.steps]
    assert any("sends 12 to a (1 of 2 contributions)" in t for t in texts)
    assert any("to a (2 of 2 contributions)" in t for t in texts)
    assert "grad so far (1 of 3)" in anim.frames[1].source  # c after its first consumer
    assert "1.0001" in anim.frames[1].source  # the constant keeps its digits
    last = anim.frames[-1].source
    assert re.search(r"\.grad</TD><TD[^>]*>45<", last)  # a's .grad filled in


def test_retain_graph_allows_a_second_walk() -> None:
    a, b, loss = reused()
    animate_backward(loss, retain_graph=True)
    animate_backward(loss)
    assert a.grad.item() == pytest.approx(2 * 45.0, rel=1e-5)


def test_non_scalar_root_with_grad() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    anim = animate_backward(x * 3.0, grad=np.array([1.0, -1.0]))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, -3.0])
    assert anim.steps[0].received.tolist() == [1.0, -1.0]


# --------------------------------------------------------------------------- bad input
def test_errors() -> None:
    leaf = ag.tensor(1.0, requires_grad=True)
    with pytest.raises(AutogradError, match="no graph"):
        animate_backward(leaf)
    with pytest.raises(AutogradError, match="no graph"):
        animate_backward(ag.tensor(1.0) * 2.0)
    with pytest.raises(TypeError, match="must be a Tensor"):
        animate_backward(np.ones(3))
    a, b, loss = reused()
    loss.backward()
    with pytest.raises(AutogradError, match="retain_graph=True"):
        animate_backward(loss)
    a, b, loss = reused()
    with pytest.raises(TypeError, match="unknown draw option"):
        animate_backward(loss, colour="red")


def test_save_errors(tmp_path: Path) -> None:
    a, b, loss = reused()
    anim = animate_backward(loss)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        anim.save(tmp_path / "missing" / "a.html")
    with pytest.raises(ValueError, match=r"\.html"):
        anim.save(tmp_path / "a.mp4")
    assert not list(tmp_path.iterdir())


def test_large_walks_are_summarised_by_module() -> None:
    layers: list[nn.Module] = []
    for _ in range(60):
        layers += [nn.Linear(2, 2, rng=np.random.default_rng(0)), nn.Tanh()]
    net = nn.Sequential(*layers)
    loss = net(ag.tensor(np.ones((1, 2)))).sum()
    anim = animate_backward(loss, params=net, max_frames=100)
    assert len(anim.all_steps) == 241  # sum, 60 linear, 60 tanh, 120 parameters
    assert len(anim.frames) == len(anim.steps) <= 100
    assert "one frame per module" in anim.message
    assert "consecutive modules or steps per frame" in anim.message
    assert any(s.parts for s in anim.steps)
    assert "n1 " in anim.frames[0].source and "n300" not in anim.frames[0].source  # collapsed
    w = net[0].weight
    assert w.grad is not None and np.isfinite(w.grad.numpy()).all()


def test_long_chain_without_modules_is_capped() -> None:
    h = x = ag.tensor(1.0, requires_grad=True)
    for _ in range(120):
        h = h * 1.0
    anim = animate_backward(h, max_frames=10)
    assert len(anim.frames) <= 10 and len(anim.all_steps) == 121
    assert "13 consecutive modules or steps per frame" in anim.message
    assert sum(len(s.parts) or 1 for s in anim.steps) == 121  # every step in some frame
    assert x.grad.item() == 1.0


# --------------------------------------------------------------------------- outputs
def test_html_player_is_self_contained(tmp_path: Path, dot_program: str) -> None:
    a, b, loss = reused()
    anim = animate_backward(loss)
    path = anim.save(tmp_path / "walk.html")
    page = path.read_text(encoding="utf-8")
    assert page.count('<template class="agm-frame"') == len(anim.frames)
    without_ns = re.sub(r'xmlns(:xlink)?="http://www\.w3\.org/[^"]*"', "", page)
    assert "http" not in without_ns and "<link" not in page and " src=" not in page
    for word in ("agm-play", "agm-prev", "agm-next", "agm-slider", "frame=(last"):
        assert word in page
    assert "a&#10;value: 2&#10;grad: 45" in page  # tooltip on the leaf in the last frame
    assert 'data-text="leaf a receives its gradient: .grad = 45' in page
    assert "agm-frame" in anim._repr_html_()


def test_gif_and_apng_frames(tmp_path: Path, dot_program: str) -> None:
    PIL = optional("PIL.Image", "plot")
    a = ag.tensor(2.0, requires_grad=True)
    anim = animate_backward(a * a + a)
    assert len(anim.frames) == 3
    for suffix in ("gif", "png"):
        path = anim.save(tmp_path / f"walk.{suffix}")
        with PIL.open(path) as im:
            assert im.n_frames == len(anim.frames)
            assert im.width <= MAX_IMAGE_WIDTH and im.height > 200
            sizes = set()
            for i in range(im.n_frames):
                im.seek(i)
                sizes.add(im.size)
            assert len(sizes) == 1


def test_cli_animate(tmp_path: Path, capsys: pytest.CaptureFixture[str], dot_program: str) -> None:
    from autograd_mlp.cli import main

    out = tmp_path / "walk.html"
    argv = ["graph", "--sizes", "4,3,2", "--data", "random", "--animate", str(out)]
    assert main(argv) == 0
    assert "frames" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").count('class="agm-frame"') > 5
    assert main(["graph", "--sizes", "4,3,2", "--animate", str(tmp_path / "a.txt")]) != 0
    assert ".html, .gif or .png" in capsys.readouterr().err


def test_recorder_reads_freed_nodes_through_their_parents() -> None:
    from autograd_mlp.engine import WalkStep
    from autograd_mlp.viz.animate import _Recorder
    from autograd_mlp.viz.graph import walk

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    y = h.sum()
    recorder = _Recorder(walk([y], {}))
    y.backward()  # frees both nodes before the recorder sees them
    recorder(WalkStep(y, y._node, np.float32(1.0), (np.ones(2, np.float32),)))
    recorder(WalkStep(h, h._node, np.ones(2, np.float32), (np.full(2, 2.0), None)))
    assert recorder.steps[0].inputs == (h,)  # the sum's parent node stands for h
    assert recorder.steps[1].inputs == (x, None)  # x * 2.0: the constant has no tensor
