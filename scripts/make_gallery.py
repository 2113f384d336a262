"""Draw the graph gallery of docs/visualisation.md into docs/gallery/.

Run from anywhere (needs the Graphviz ``dot`` program)::

    python scripts/make_gallery.py            # all pictures, SVG and PNG
    python scripts/make_gallery.py --out DIR  # somewhere else

Every picture is deterministic (fixed seeds), so re-running it changes the files
only when the drawing code or the engine changed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import autograd_mlp as ag  # noqa: E402
from autograd_mlp import functional as F  # noqa: E402
from autograd_mlp import nn  # noqa: E402
from autograd_mlp.op import Op, apply  # noqa: E402
from autograd_mlp.testing import locate_bad_op  # noqa: E402
from autograd_mlp.viz import draw_graph, render  # noqa: E402


def mnist_batch(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` test images of the bundled MNIST sample (random pixels if it is missing)."""
    try:
        from autograd_mlp.data import load_mnist_sample

        X, y = load_mnist_sample().as_arrays("test")
        return X[:n], y[:n].astype(np.int64)
    except Exception:  # pragma: no cover - a checkout without the sample
        rng = np.random.default_rng(0)
        return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


def mlp(collapse: bool) -> object:
    """The 784-100-200-10 MLP's loss after backward: modules and gradient flow."""
    net = nn.MLP([784, 100, 200, 10], rng=np.random.default_rng(0))
    X, y = mnist_batch(32)
    x = ag.tensor(X)
    x.name = "x (MNIST batch)"
    loss = F.cross_entropy(net(x), y)
    loss.name = "loss"
    loss.backward(retain_graph=True)
    what = "one node per layer" if collapse else "one box per layer"
    return draw_graph(
        loss,
        params=net,
        collapse_modules=collapse,
        grad_colors=True,
        rankdir="TB" if collapse else "LR",  # a chain of 7 records reads best top-down
        title=f"MLP 784-100-200-10, 32 MNIST digits: {what}, coloured by gradient norm",
    )


def cross_entropy() -> object:
    """Cross-entropy composed by hand: log_softmax, pick the target's entry, mean."""
    logits = ag.tensor([[2.0, -1.0, 0.5], [0.0, 1.0, 3.0]], requires_grad=True)
    logits.name = "logits"
    target = np.array([0, 2])
    log_probs = logits.log_softmax(axis=1)
    log_probs.name = "log_probs"
    picked = log_probs[np.arange(2), target]
    picked.name = "log p(target)"
    loss = -picked.mean()
    loss.name = "loss"
    loss.backward(retain_graph=True)
    return draw_graph(
        loss,
        title="cross-entropy = -mean(log_softmax(logits)[i, target[i]]); "
        "logits.grad = (softmax - onehot) / N",
    )


def second_order() -> object:
    """The graph of a gradient: d/dx (x**3 * y) recorded with create_graph=True."""
    x = ag.tensor(2.0, requires_grad=True)
    y = ag.tensor(3.0, requires_grad=True)
    x.name, y.name = "x", "y"
    f = x**3 * y
    seed = ag.tensor(1.0)  # df/df, the gradient backward starts from
    seed.name = "seed df/df"
    (dfdx,) = ag.grad(f, x, grad_outputs=seed, create_graph=True)
    dfdx.name = "df/dx = 3x²y"
    dfdx.backward(retain_graph=True)  # second derivatives: x.grad = 6xy, y.grad = 3x²
    return draw_graph(
        dfdx,
        title="second order: the graph of df/dx for f = x³·y (x=2, y=3); after "
        "df/dx.backward(): x.grad = 6xy = 36, y.grad = 3x² = 12",
    )


class BadCube(Op):
    """``x**3`` with a deliberately wrong derivative (2x² instead of 3x²)."""

    name = "bad_cube"

    def forward(self, x):
        return x**3

    def backward(self, g, out, x):
        return (g * 2 * x * x,)


def gradcheck_failure() -> object:
    """A buggy op found by locate_bad_op and drawn on the graph it belongs to."""
    w = ag.tensor([0.5, -1.0, 1.5], requires_grad=True, dtype=np.float64)
    w.name = "w"

    def fn(w: ag.Tensor) -> ag.Tensor:
        h = (w * 2.0).tanh()
        return apply(BadCube, (h,), {}).sum()

    report = locate_bad_op(fn, [w])
    out = fn(w)
    out.name = "out"
    return draw_graph(
        out,
        gradcheck=report,
        title="locate_bad_op(fn, [w]) found the op whose backward is wrong",
    )


def nan_flags() -> object:
    """NaN appears at log of a negative number; the drawing says where."""
    x = ag.tensor([1.0, -2.0, 4.0], requires_grad=True)
    x.name = "x"
    y = x.log().sum()
    y.backward(retain_graph=True)
    return draw_graph(y, title="NaN flags: log(-2) is NaN; the op that produced it is marked")


GALLERY: dict[str, Callable[[], object]] = {
    "mlp_collapsed": lambda: mlp(collapse=True),
    "mlp_modules": lambda: mlp(collapse=False),
    "cross_entropy": cross_entropy,
    "second_order": second_order,
    "gradcheck_failure": gradcheck_failure,
    "nan_flags": nan_flags,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    parser.add_argument("--formats", default="svg,png", help="comma-separated (svg,png,pdf,dot)")
    parser.add_argument("only", nargs="*", help=f"pictures to draw (default all: {list(GALLERY)})")
    args = parser.parse_args(argv)
    unknown = [name for name in args.only if name not in GALLERY]
    if unknown:
        parser.error(f"unknown pictures {unknown}; choose from {list(GALLERY)}")
    args.out.mkdir(parents=True, exist_ok=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in args.only or GALLERY:
            dot = GALLERY[name]()
            for fmt in args.formats.split(","):
                path = render(dot, args.out / f"{name}.{fmt}")
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
