"""Tests of autograd_mlp.viz (graph drawing) and the ``autograd-mlp graph`` command.

Golden DOT files live in tests/golden/; regenerate them after an intended change
of the drawing with::

    AUTOGRAD_MLP_UPDATE_GOLDEN=1 python -m pytest tests/test_viz.py

Rendering tests need the Graphviz ``dot`` program. Without it they are skipped
locally, but fail when the ``CI`` environment variable is set: CI installs
Graphviz, so a skip there would hide a real break.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import autograd_mlp as ag
from autograd_mlp import functional as F
from autograd_mlp import nn
from autograd_mlp.cli import main
from autograd_mlp.op import Op, apply
from autograd_mlp.viz import GraphvizNotFoundError, draw_graph, render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AUTOGRAD_MLP_UPDATE_GOLDEN") == "1"


@pytest.fixture
def dot_program() -> str:
    """Path of Graphviz ``dot``; skips without it, except on CI where that fails."""
    path = shutil.which("dot")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("the Graphviz 'dot' program is missing on CI (apt-get install graphviz)")
        pytest.skip("Graphviz 'dot' is not installed")
    return path


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing; create it with AUTOGRAD_MLP_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"the drawing differs from {path.name}; if the change is intended, regenerate it "
        "with AUTOGRAD_MLP_UPDATE_GOLDEN=1"
    )


# --------------------------------------------------------------------------- programs
def expression() -> ag.Tensor:
    """A micrograd-sized expression with a reused leaf, a constant and a relu."""
    a = ag.tensor(2.0, requires_grad=True)
    b = ag.tensor(-3.0, requires_grad=True)
    a.name, b.name = "a", "b"
    c = a * b + a**3
    c.name = "c"
    loss = (c.relu() * ag.tensor([0.5, 1.0, 2.0])).sum()
    loss.name = "loss"
    return loss


def small_mlp() -> tuple[nn.MLP, ag.Tensor]:
    """MLP 3-4-2 with exactly representable weights, its cross-entropy loss."""
    net = nn.MLP([3, 4, 2])
    net.load_state_dict(
        {
            "layers.0.weight": (np.arange(12).reshape(4, 3) - 5.0) / 8,
            "layers.0.bias": np.array([0.25, -0.5, 0.0, 0.125]),
            "layers.2.weight": (np.arange(8).reshape(2, 4) - 3.0) / 4,
            "layers.2.bias": np.array([0.5, -0.25]),
        }
    )
    x = ag.tensor([[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]])
    x.name = "x"
    loss = F.cross_entropy(net(x), np.array([1, 0]))
    loss.name = "loss"
    return net, loss


def chain(n: int) -> tuple[ag.Tensor, ag.Tensor]:
    x = ag.tensor(1.0, requires_grad=True)
    h = x
    for _ in range(n):
        h = h * 1.0
    return x, h


class BadCube(Op):
    """x**3 with a wrong backward (2x² instead of 3x²)."""

    name = "bad_cube"

    def forward(self, x):
        return x**3

    def backward(self, g, out, x):
        return (g * 2 * x * x,)


def with_bad_cube(w: ag.Tensor) -> ag.Tensor:
    return apply(BadCube, ((w * 2.0).tanh(),), {}).sum()


# --------------------------------------------------------------------------- goldens
def test_golden_expression() -> None:
    loss = expression()
    loss.backward(retain_graph=True)
    check_golden("expression.dot", draw_graph(loss, title="expression").source)


def test_golden_mlp() -> None:
    net, loss = small_mlp()
    loss.backward(retain_graph=True)
    check_golden("mlp.dot", draw_graph(loss, params=net).source)


def test_golden_mlp_collapsed_gradient_flow() -> None:
    net, loss = small_mlp()
    loss.backward(retain_graph=True)
    dot = draw_graph(loss, params=net, collapse_modules=True, grad_colors=True)
    check_golden("mlp_collapsed.dot", dot.source)


def test_same_program_same_text_whatever_came_before() -> None:
    first = draw_graph(expression()).source
    _ = [ag.tensor(float(i), requires_grad=True) * 2 for i in range(50)]  # shift every _seq
    second = draw_graph(expression()).source
    assert first == second
    assert re.findall(r"^\s*(n\d+) ", first, re.M)[:3] == ["n0", "n1", "n2"]


# --------------------------------------------------------------------------- content
def test_values_before_backward_and_grads_after() -> None:
    loss = expression()
    before = draw_graph(loss).source
    assert "data" in before and ">grad<" not in before
    assert "recomputed" not in before
    loss.backward(retain_graph=True)
    after = draw_graph(loss).source
    # loss = 3.5 relu(c): c.grad = 3.5 (recomputed), a.grad = 3.5 (b + 3a²) = 31.5.
    assert '<TD ALIGN="LEFT">grad</TD><TD ALIGN="LEFT">3.5</TD>' in after
    assert '<TD ALIGN="LEFT">grad</TD><TD ALIGN="LEFT">31.5</TD>' in after
    assert "recomputed for this drawing" in after
    assert draw_graph(loss, show_grads=False, show_values=False).source.count(">data<") == 0


def test_values_tiny_and_summarised() -> None:
    x = ag.tensor(np.arange(12, dtype=np.float32).reshape(3, 4), requires_grad=True)
    y = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    src = draw_graph(x.sum() + y.sum()).source
    assert "min 0 · mean 5.5 · max 11" in src
    assert "[[1, 2], [3, 4]]" in src
    assert "(3, 4) float32" in src


def test_op_attributes_shown_compactly() -> None:
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    src = draw_graph(x.sum(axis=1, keepdims=True).reshape(1, 2).max()).source
    assert "axis=1 · keepdims" in src
    assert "shape=(1, 2)" in src


def test_param_names_from_dict_and_module() -> None:
    w = ag.tensor(np.ones((2, 3)), requires_grad=True)
    b = ag.tensor(np.zeros(2), requires_grad=True)
    x = ag.tensor(np.ones((4, 3)))
    out = ag.ops.linear(x, w, b).sum()
    src = draw_graph(out, params={"fc.weight": w, "fc.bias": b}).source
    assert "<B>fc.weight</B>" in src and "<B>fc.bias</B>" in src
    assert "#a6cee3" in src  # parameter colour
    net, loss = small_mlp()
    src = draw_graph(loss, params=net).source
    assert "<B>layers.0.weight</B>" in src and "<B>layers.2.bias</B>" in src
    with pytest.raises(TypeError, match="named_parameters"):
        draw_graph(out, params=[w, b])


def test_module_clusters_and_collapse() -> None:
    net, loss = small_mlp()
    src = draw_graph(loss, params=net).source
    for label in ("Linear</B> layers.0", "ReLU</B> layers.1", "Linear</B> layers.2"):
        assert f"label=<<B>{label.replace('</B>', '')}</B>>" in src
    assert src.count("subgraph cluster_") == 4  # three modules and the legend
    grouped_off = draw_graph(loss, params=net, group_modules=False).source
    assert grouped_off.count("subgraph cluster_") == 1
    collapsed = draw_graph(loss, params=net, collapse_modules=True).source
    assert "<B>Linear</B> layers.0" in collapsed
    assert collapsed.count("<B>linear</B>") == 0  # no separate op nodes inside modules
    assert 'label="(2, 4)"' in collapsed  # edges carry the shapes between layers
    # Without a module the clusters are named by scope only.
    assert "label=<<B>layers.0</B>>" in draw_graph(loss).source


def test_dead_relu_fraction() -> None:
    net, loss = small_mlp()
    hidden = net.layers[0](ag.tensor([[1.0, -0.5, 2.0], [0.25, 1.5, -1.0]]))
    zeros = (np.maximum(hidden.data, 0) == 0).mean()
    src = draw_graph(loss, params=net).source
    assert f"zeros {zeros:.0%}" in src
    assert "dead units" in src


def test_nan_gradients_flagged() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.name = "x"
    y = (x * np.array([np.nan, 1.0])).sum()
    y.backward(retain_graph=True)
    for grad_colors in (False, True):
        src = draw_graph(y, grad_colors=grad_colors).source
        assert "⚠ grad: 1 NaN" in src
        assert "#fb9a99" in src  # error fill
    # A NaN value: the op that produced it from finite inputs is marked.
    z = ag.tensor([1.0, -1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        w = z.log().sum()
    src = draw_graph(w).source
    assert "NaN/inf appear here" in src and "⚠ data: 1 NaN" in src


def test_gradient_flow_colours() -> None:
    net, loss = small_mlp()
    loss.backward(retain_graph=True)
    src = draw_graph(loss, params=net, grad_colors=True).source
    assert "gradient L2 norm (log scale)" in src
    assert "border = kind" in src
    # Before backward, the gradient view computes the gradients it colours by.
    net2, loss2 = small_mlp()
    src2 = draw_graph(loss2, params=net2, grad_colors=True).source
    assert "‖grad‖" in src2
    assert all(p.grad is None for p in net2.parameters())


def test_freed_graph_drawing() -> None:
    net, loss = small_mlp()
    loss.backward()
    src = draw_graph(loss, params=net).source
    assert "freed by backward()" in src
    assert "backward() freed the intermediate values" in src
    assert 'STYLE="dashed"' in src
    assert "<B>layers.0.weight</B>" in src and "‖grad‖" in src  # leaves keep .grad
    assert "Linear layers.0" in src
    # The structure is the same as the live graph's.
    _, live = small_mlp()
    assert src.count("->") == draw_graph(live, params=net).source.count("->")


def test_second_order_graph() -> None:
    x = ag.tensor(2.0, requires_grad=True)
    y = ag.tensor(3.0, requires_grad=True)
    (dfdx,) = ag.grad(x**3 * y, x, create_graph=True)
    dfdx.backward(retain_graph=True)
    src = draw_graph(dfdx).source
    assert ">36<" in src  # value 3x²y and x.grad = 6xy
    assert ">12<" in src  # y.grad = 3x²


def test_gradcheck_failure_highlighted() -> None:
    from autograd_mlp.testing import GradcheckError, gradcheck, locate_bad_op

    w = ag.tensor([0.5, -1.0, 1.5], requires_grad=True, dtype=np.float64)
    report = locate_bad_op(with_bad_cube, [w])
    assert not report.ok
    out = with_bad_cube(w)
    src = draw_graph(out, gradcheck=report).source
    assert "✗ gradient check failed" in src
    assert "backward" in src and "vs numeric" in src
    bad_line = next(line for line in src.splitlines() if "bad_cube" in line)
    assert 'fillcolor="#fb9a99"' in bad_line
    # The same from the GradcheckError, from the node itself, and in a collapsed view.
    with pytest.raises(GradcheckError) as info:
        gradcheck(with_bad_cube, [w])
    assert "✗ gradient check failed" in draw_graph(out, gradcheck=info.value).source
    assert 'fillcolor="#fb9a99"' in draw_graph(out, gradcheck=out._node.inputs[0]._node).source
    # A report about another graph is said to be missing, not drawn wrongly.
    other = (w * 3.0).sum()
    assert "not found in this graph" in draw_graph(other, gradcheck=report).source
    with pytest.raises(TypeError, match="gradcheck"):
        draw_graph(out, gradcheck="nonsense")


def test_big_chain_is_summarised_quickly() -> None:
    limit = sys.getrecursionlimit()
    x, h = chain(100_000)
    assert sys.getrecursionlimit() == limit
    start = time.perf_counter()
    dot = draw_graph(h)
    elapsed = time.perf_counter() - start
    src = dot.source
    assert elapsed < 15, f"drawing a 100k-op chain took {elapsed:.1f}s"
    assert "nodes not drawn" in src and "mul ×" in src
    assert "showing 500 of 300,001 nodes" in src  # 100k ops, their outputs and constants
    assert len(re.findall(r"^\s*n\d+ \[", src, re.M)) == 501  # 500 nodes and the note
    h.backward()
    start = time.perf_counter()
    src = draw_graph(h, max_nodes=40).source
    assert time.perf_counter() - start < 15
    assert "freed by backward()" in src and "nodes not drawn" in src


def test_large_module_graph_collapses_automatically() -> None:
    net = nn.MLP([3] * 30)
    loss = net(ag.tensor(np.ones((2, 3)))).sum()
    src = draw_graph(loss, params=net, max_nodes=80).source
    assert "each module drawn as one node" in src
    assert "<B>Linear</B> layers.0" in src


def test_reused_tensor_keeps_both_edges_and_its_summed_grad() -> None:
    x = ag.tensor(3.0, requires_grad=True)
    x.name = "x"
    y = x * x + x  # micrograd's classic: dy/dx = 2x + 1 = 7
    y.backward(retain_graph=True)
    src = draw_graph(y).source
    edges = [line.strip() for line in src.splitlines() if "->" in line]
    assert edges.count("n0 -> n1") == 2  # x feeds mul twice
    assert "n0 -> n3" in edges  # and add once
    assert '<TD ALIGN="LEFT">grad</TD><TD ALIGN="LEFT">7</TD>' in src


def test_several_roots_and_leaf_roots() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    a, b = (x * 2.0).sum(), x.exp().sum()
    src = draw_graph([a, b]).source
    assert src.count("#b2df8a") >= 3  # two outputs and the legend entry
    assert "<B>mul</B>" in src and "<B>exp</B>" in src


def test_bad_arguments() -> None:
    loss = expression()
    with pytest.raises(TypeError, match="root must be a Tensor"):
        draw_graph(np.ones(3))
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(loss, rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(loss, max_nodes=1)
    leaf = ag.tensor([1.0, 2.0])
    assert "output (root)" in draw_graph(leaf).source  # a lone tensor still draws


def test_jupyter_display_hook() -> None:
    dot = draw_graph(expression())
    assert callable(getattr(dot, "_repr_mimebundle_", None))


# --------------------------------------------------------------------------- rendering
def test_render_dot_needs_no_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dot = draw_graph(expression())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    path = render(dot, tmp_path / "g.dot")
    assert path.read_text(encoding="utf-8") == dot.source
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        render(dot, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    with pytest.raises(ValueError, match="unknown format"):
        render(dot, tmp_path / "g.txt")
    with pytest.raises(ValueError, match="suffix"):
        render(dot, tmp_path / "g")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        render(dot, tmp_path / "missing" / "g.dot")


def test_render_svg_has_labels_clusters_colours(tmp_path: Path, dot_program: str) -> None:
    net, loss = small_mlp()
    loss.backward(retain_graph=True)
    svg = render(draw_graph(loss, params=net), tmp_path / "mlp.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    assert 'class="cluster"' in svg
    for text in ("layers.0.weight", "Linear layers.0", "ReLU layers.1", "linear", "loss"):
        assert text in svg, text
    assert 'fill="#a6cee3"' in svg  # parameters
    assert 'fill="#b2df8a"' in svg  # output
    assert 'fill="#ffefa6"' in svg  # ops
    png = render(draw_graph(loss, params=net, collapse_modules=True), tmp_path / "mlp.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The 100k chain's summary renders too.
    _, h = chain(100_000)
    assert "nodes not drawn" in render(draw_graph(h), tmp_path / "chain.svg").read_text()


# --------------------------------------------------------------------------- CLI
def test_cli_writes_dot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.dot"
    args = ["graph", "--sizes", "4,5,3", "--data", "random", "--batch-size", "2"]
    assert main([*args, "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph") and "Linear layers.0" in text and "‖grad‖" in text
    assert f"wrote {out}" in capsys.readouterr().out
    assert main([*args, "--no-grads", "--no-values", "--collapse", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert ">grad<" not in text and ">data<" not in text and "<B>Linear</B> layers.0" in text


def test_cli_writes_svg_of_default_mlp(tmp_path: Path, dot_program: str) -> None:
    out = tmp_path / "mlp.svg"
    assert main(["graph", "--output", str(out), "--grad-colors"]) == 0
    svg = out.read_text().replace("&#45;", "-")
    assert "784-100-200-10" in svg and "layers.4.weight" in svg


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--sizes", "4,x"], "--sizes must be"),
        (["--sizes", "4"], "--sizes must be"),
        (["--sizes", "3,4", "--data", "mnist"], "input width of 784"),
        (["--batch-size", "0"], "--batch-size must be positive"),
        (["--checkpoint", "/nonexistent/run.npz"], "no checkpoint file"),
    ],
)
def test_cli_bad_input_is_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["graph", *argv, "-o", str(tmp_path / "g.dot")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert main(["graph", "--sizes", "3,4", "-o", str(tmp_path / "g.txt")]) == 2
    assert "--output must end in" in capsys.readouterr().err


def test_cli_checkpoint(tmp_path: Path) -> None:
    from autograd_mlp.checkpoint import save_checkpoint

    net = nn.MLP([5, 6, 3], activation="tanh")
    path = tmp_path / "run.npz"
    save_checkpoint(path, net, config={"activation": "tanh"})
    out = tmp_path / "ckpt.dot"
    assert main(["graph", "--checkpoint", str(path), "--data", "random", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "MLP 5-6-3 (tanh)" in text and "<B>tanh</B>" in text
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    assert main(["graph", "--checkpoint", str(broken), "-o", str(out)]) == 2
