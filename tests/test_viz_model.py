"""The drawing's parts on their own: options, the display model (no Graphviz
needed), number formatting, legends and tooltips."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import nn
from autograd_mlp.viz import draw_graph, render
from autograd_mlp.viz import style as S
from autograd_mlp.viz.graph import structure, walk
from autograd_mlp.viz.model import (
    DisplayModel,
    DNode,
    build_model,
    choose_rankdir,
    param_scopes,
)
from autograd_mlp.viz.options import DrawOptions


def test_options_dataclass_and_keywords_agree() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    by_keywords = draw_graph(y, show_values=False, rankdir="LR", title="t").source
    by_options = draw_graph(y, options=DrawOptions(show_values=False, rankdir="LR", title="t"))
    assert by_options.source == by_keywords
    mixed = draw_graph(y, options=DrawOptions(show_values=False), title="t", rankdir="LR")
    assert mixed.source == by_keywords
    with pytest.raises(ValueError, match="rankdir"):
        DrawOptions(rankdir="XY")
    with pytest.raises(TypeError, match="unknown option"):
        draw_graph(y, colour="red")


def test_numbers_keep_short_constants() -> None:
    assert S.num(1.0001) == "1.0001" and S.num(np.float32(1.0001)) == "1.0001"
    assert S.num(0.1 + 0.2) == "0.3" and S.num(2 / 3) == "0.6667" and S.num(-3.0) == "-3"
    assert S.num(1.5e-7) == "1.5e-07" and S.num(123456.0) == "1.235e+05"
    h = ag.tensor(1.0, requires_grad=True) * 1.0001
    assert ">1.0001<" in draw_graph(h).source  # the constant, not "1"


def chain_model(n: int) -> DisplayModel:
    nodes = [DNode((i, 0, 0), []) for i in range(n)]
    model = DisplayModel(nodes, {}, False)
    for i in range(1, n):
        model.edges[(i, 0, i - 1)] = ("", False)
    return model


def test_layout_is_top_down_unless_much_wider_than_deep() -> None:
    assert choose_rankdir(chain_model(10)) == "TB"
    broad = DisplayModel([DNode((i, 0, 0), []) for i in range(21)], {}, False)
    for i in range(20):
        broad.edges[(20, i, i)] = ("", False)  # 20 leaves into one op: 2 ranks, 20 wide
    assert choose_rankdir(broad) == "LR"
    x = ag.tensor(1.0, requires_grad=True)
    assert "rankdir=TB" in draw_graph(((x * 2).exp() + 1).log()).source


def test_display_model_collapses_and_summarises_without_graphviz() -> None:
    net = nn.MLP([3, 4, 4, 2], rng=np.random.default_rng(0))
    loss = net(ag.tensor(np.ones((2, 3)))).sum()
    names = {id(p): n for n, p in net.named_parameters()}
    graph = walk([loss], names, frozenset(names))
    param_scopes(graph, names)  # "layers.0.weight" goes in module "layers.0"
    full = build_model(graph, [loss], False, True, 500)
    assert not full.collapsed and len(full.dnodes) == len(graph.items)
    small = build_model(graph, [loss], False, True, 8)
    assert small.collapsed and "each module drawn as one node" in small.notes[0]
    assert [d.scope for d in small.dnodes if d.group] == [f"layers.{i}" for i in range(5)]
    cut = build_model(graph, [loss], False, False, 6)
    assert len(cut.dnodes) == 7 and cut.dnodes[3].note and "nodes not drawn" in cut.dnodes[3].note
    assert [d.id for d in cut.dnodes] == [f"n{i}" for i in range(7)]


def test_structure_of_live_and_freed_nodes() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    y = (h * h).sum()
    mul = y._node.inputs[0]._node
    parents, shapes = structure(mul)  # live: derived from the inputs
    assert parents == (h._node, h._node) and shapes == ((2,), (2,))
    y.backward()
    assert structure(mul) == (parents, shapes)  # freed: recorded by the engine
    assert structure(h._node)[0] == (x,)


def test_legend_explains_every_colour_present() -> None:
    net = nn.MLP([3, 2], rng=np.random.default_rng(0))
    loss = net(ag.tensor(np.ones((1, 3)))).sum()
    loss.backward(retain_graph=True)
    src = draw_graph(loss, params=net).source
    legend = src[src.index("legend [label") :]
    assert "box: the ops an nn.Module ran" in legend and "output (root)" in legend
    assert "parameter" in legend and "NaN" not in legend and "collapsed module" not in legend
    x = ag.tensor([1.0, -1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        bad = x.log().sum()
    legend = draw_graph(bad).source.split("legend [label")[1]
    assert "op whose output has NaN/inf from finite inputs" in legend
    assert "box: the ops" not in legend


def test_tooltips_hold_full_values() -> None:
    x = ag.tensor(np.arange(10.0) / 4, requires_grad=True)
    x.name = "x"
    y = (x * x).sum()
    y.backward(retain_graph=True)
    src = draw_graph(y).source
    assert "min 0 · mean 1.125 · max 2.25" in src  # the label summarises 10 values
    tip = re.search(r'tooltip="(x \(10,\) float32[^"]*)"', src).group(1)
    assert "value: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25]" in tip
    assert "grad: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]" in tip
    assert "tooltip" not in draw_graph(y, tooltips=False).source


def test_svg_has_hover_text(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("the Graphviz 'dot' program is missing on CI")
        pytest.skip("Graphviz 'dot' is not installed")
    a = ag.tensor([1.0001, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], requires_grad=True)
    a.name = "a"
    y = (a * 3.0).sum()
    y.backward(retain_graph=True)
    svg = render(draw_graph(y), tmp_path / "g.svg").read_text()
    assert 'xlink:title="a (7,) float32&#10;value: [1.0001, 2, 3, 4, 5, 6, 7]&#10;grad:' in svg


def test_no_viz_function_above_complexity_15() -> None:
    import subprocess

    if shutil.which("ruff") is None:
        if os.environ.get("CI"):
            pytest.fail("ruff is missing on CI")
        pytest.skip("ruff is not installed")
    viz = Path(__file__).resolve().parents[1] / "autograd_mlp" / "viz"
    cmd = ["ruff", "check", "--no-cache", "--select", "C901", "--config"]
    cmd += ["lint.mccabe.max-complexity=15", str(viz)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
