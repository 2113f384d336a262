"""The learner's small networks: one SGD step, hand-written numpy vs autograd_mlp vs PyTorch.

Three problems from the seed tutorials, each a full step (zero_grad + forward +
loss + backward + update) from the same weights:

=========  ==========================================  =====
problem    network                                     batch
=========  ==========================================  =====
spiral     2-100-3 ReLU, softmax cross-entropy         300
micrograd  2-16-16-2 ReLU, softmax cross-entropy       32
parity     10-3-2 sigmoid, sigmoid output, MSE         8
=========  ==========================================  =====

The hand-written step is written the way the seeds write it: forward keeping the
activations, backward by hand, plain SGD, fresh arrays every step, no buffer
tricks. Every engine is timed in ONE process, interleaved in a rotating order, on
one BLAS thread; the table shows medians over repeats and the ratio to numpy.
A per-call table below shows where autograd_mlp's time goes.

    python benchmarks/bench_small.py            # about a minute
    python benchmarks/bench_small.py --quick    # a few seconds, for a smoke test
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import autograd_mlp as ag  # noqa: E402
from autograd_mlp import functional as F  # noqa: E402
from autograd_mlp import nn, optim  # noqa: E402

LR = 0.1
TARGETS = {"spiral": 1.3, "micrograd": 1.6, "parity": 2.0}
JIT_TARGETS = {"micrograd": 1.0, "parity": 1.0}


# ============================================================================ problems
class Problem:
    """Sizes, activation, loss and one fixed batch; weights in PyTorch's layout."""

    def __init__(self, name: str, sizes: list[int], act: str, loss: str, batch: int) -> None:
        self.name, self.sizes, self.act, self.loss, self.batch = name, sizes, act, loss, batch
        rng = np.random.default_rng(0)
        self.x = rng.normal(size=(batch, sizes[0])).astype(np.float32)
        self.labels = rng.integers(0, sizes[-1], size=batch)
        self.onehot = np.eye(sizes[-1], dtype=np.float32)[self.labels]
        # (out, in) weights and (out,) biases, as nn.Linear holds them
        self.params: list[np.ndarray] = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            bound = 1 / np.sqrt(n_in)
            self.params.append(rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32))
            self.params.append(rng.uniform(-bound, bound, n_out).astype(np.float32))


PROBLEMS = [
    Problem("spiral", [2, 100, 3], "relu", "ce", 300),
    Problem("micrograd", [2, 16, 16, 2], "relu", "ce", 32),
    Problem("parity", [10, 3, 2], "sigmoid", "mse", 8),
]


# ============================================================================ engines
class Numpy:
    """The seeds' style: W (in, out), forward keeping activations, backward by hand."""

    short = "numpy"

    def __init__(self, p: Problem) -> None:
        self.p = p
        self.W = [w.T.copy() for w in p.params[0::2]]
        self.b = [b.copy() for b in p.params[1::2]]

    def step(self) -> float:
        p, W, b = self.p, self.W, self.b
        hs = [p.x]
        for i in range(len(W)):
            z = hs[-1] @ W[i] + b[i]
            last = i == len(W) - 1
            if p.act == "relu" and not last:
                hs.append(np.maximum(0, z))
            elif p.act == "sigmoid":
                hs.append(1 / (1 + np.exp(-z)))
            else:
                hs.append(z)
        out, n = hs[-1], len(p.x)
        if p.loss == "ce":
            e = np.exp(out - out.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
            loss = -np.log(probs[np.arange(n), p.labels]).mean()
            d = probs
            d[np.arange(n), p.labels] -= 1
            d /= n
        else:
            diff = out - p.onehot
            loss = (diff**2).mean()
            d = 2 * diff / diff.size * out * (1 - out)
        for i in reversed(range(len(W))):
            dW, db = hs[i].T @ d, d.sum(axis=0)
            if i:
                d = d @ W[i].T
                d = d * (hs[i] > 0) if p.act == "relu" else d * hs[i] * (1 - hs[i])
            W[i] -= LR * dW
            b[i] -= LR * db
        return float(loss)

    def weights(self) -> list[np.ndarray]:
        return [a for w, b in zip(self.W, self.b) for a in (w.T, b)]


class Autograd:
    """autograd_mlp as a user writes it: nn layers, F losses, optim.SGD."""

    short = "autograd_mlp"

    def __init__(self, p: Problem) -> None:
        self.p = p
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(p.sizes[:-1], p.sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if p.act == "sigmoid" or i < len(p.sizes) - 2:
                layers.append(nn.ReLU() if p.act == "relu" else nn.Sigmoid())
        self.model = nn.Sequential(*layers)
        for param, value in zip(self.model.parameters(), p.params):
            param.data[...] = value
        self.opt = optim.SGD(self.model.parameters(), lr=LR)
        self.x = ag.tensor(p.x)
        self.target = p.labels if p.loss == "ce" else ag.tensor(p.onehot)
        self.loss_fn = F.cross_entropy if p.loss == "ce" else F.mse_loss

    def train_step(self) -> ag.Tensor:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.target)
        loss.backward()
        self.opt.step()
        return loss

    def step(self) -> float:
        return self.train_step()

    def weights(self) -> list[np.ndarray]:
        return [q.data for q in self.model.parameters()]


class Jit(Autograd):
    """The same step traced once by ``ag.jit`` and replayed."""

    short = "ag.jit"

    def __init__(self, p: Problem) -> None:
        super().__init__(p)
        self.step = ag.jit(self.train_step)  # type: ignore[method-assign]


class Torch:
    """PyTorch CPU, written the same way."""

    short = "pytorch"

    def __init__(self, p: Problem) -> None:
        import torch

        self.torch = torch
        layers: list[Any] = []
        for i, (n_in, n_out) in enumerate(zip(p.sizes[:-1], p.sizes[1:])):
            layers.append(torch.nn.Linear(n_in, n_out))
            if p.act == "sigmoid" or i < len(p.sizes) - 2:
                layers.append(torch.nn.ReLU() if p.act == "relu" else torch.nn.Sigmoid())
        self.model = torch.nn.Sequential(*layers)
        with torch.no_grad():
            for param, value in zip(self.model.parameters(), p.params):
                param.copy_(torch.from_numpy(value))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR)
        self.x = torch.from_numpy(p.x)
        ce = p.loss == "ce"
        self.target = torch.from_numpy(p.labels if ce else p.onehot)
        self.loss_fn = torch.nn.functional.cross_entropy if ce else torch.nn.functional.mse_loss

    def step(self) -> float:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(self.x), self.target)
        loss.backward()
        self.opt.step()
        return loss

    def weights(self) -> list[np.ndarray]:
        return [q.detach().numpy() for q in self.model.parameters()]


def engine_classes(with_torch: bool) -> list[type]:
    classes: list[type] = [Numpy, Autograd]
    if hasattr(ag, "jit"):
        classes.append(Jit)
    if with_torch:
        classes.append(Torch)
    return classes


# ============================================================================ timing
def per_call(fn: Callable[[], Any], k: int) -> float:
    start = time.perf_counter()
    for _ in range(k):
        fn()
    return (time.perf_counter() - start) / k


def rotate(items: list[Any], r: int) -> list[Any]:
    r %= len(items)
    return items[r:] + items[:r]


def check_same_result(p: Problem, classes: list[type], steps: int = 5) -> float:
    """Largest relative weight difference to numpy after ``steps`` steps."""
    engines = [cls(p) for cls in classes]
    for _ in range(steps):
        for e in engines:
            e.step()
    ref = engines[0].weights()
    worst = 0.0
    for e in engines[1:]:
        for a, b in zip(e.weights(), ref):
            worst = max(worst, float(np.abs(a - b).max() / (np.abs(b).max() + 1e-12)))
    return worst


def bench_steps(classes: list[type], repeats: int, k: int) -> dict[str, dict[str, list[float]]]:
    """[problem][engine] -> seconds per step, one sample per repeat."""
    samples: dict[str, dict[str, list[float]]] = {}
    for p in PROBLEMS:
        engines = [cls(p) for cls in classes]
        for e in engines:  # warm up (and trace, for jit)
            for _ in range(5):
                e.step()
        samples[p.name] = {e.short: [] for e in engines}
        for r in range(repeats):
            for e in rotate(engines, r):
                samples[p.name][e.short].append(per_call(e.step, k))
    return samples


def bench_pieces(repeats: int, k: int) -> list[tuple[str, float, float]]:
    """(piece, autograd_mlp seconds, numpy seconds) per call, on parity-sized tensors."""
    rng = np.random.default_rng(1)
    xn = rng.normal(size=(8, 10)).astype(np.float32)
    wn = rng.normal(size=(3, 10)).astype(np.float32)
    bn = rng.normal(size=3).astype(np.float32)
    yn = rng.normal(size=(8, 3)).astype(np.float32)
    labels = rng.integers(0, 3, 8)
    x, y = ag.tensor(xn), ag.tensor(yn)
    layer = nn.Linear(10, 3)
    layer.weight.data[...], layer.bias.data[...] = wn, bn
    h = ag.tensor(yn, requires_grad=True)
    model = nn.Sequential(nn.Linear(10, 3), nn.Sigmoid(), nn.Linear(3, 2))
    opt = optim.SGD(model.parameters(), lr=LR)
    model(x).sum().backward()

    def walk() -> None:
        layer(x).sigmoid().sum().backward()

    def np_walk() -> None:  # the same forward and backward by hand
        s = 1 / (1 + np.exp(-(xn @ wn.T + bn)))
        d = s * (1 - s)
        _ = xn.T @ d, d.sum(axis=0)

    def np_step() -> None:
        for q in (wn, bn):
            q - LR * q

    def np_ce() -> None:
        e = np.exp(yn - yn.max(axis=1, keepdims=True))
        -np.log((e / e.sum(axis=1, keepdims=True))[np.arange(8), labels]).mean()

    pieces: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("Linear (8, 10) -> 3", lambda: layer(x), lambda: xn @ wn.T + bn),
        ("sigmoid (8, 3)", lambda: h.sigmoid(), lambda: 1 / (1 + np.exp(-yn))),
        ("relu (8, 3)", lambda: h.relu(), lambda: np.maximum(0, yn)),
        ("mse_loss (8, 3)", lambda: F.mse_loss(h, y), lambda: ((yn - xn[:, :3]) ** 2).mean()),
        ("cross_entropy (8, 3)", lambda: F.cross_entropy(h, labels), np_ce),
        ("zero_grad (4 params)", opt.zero_grad, lambda: None),
        ("SGD step (4 params)", opt.step, np_step),
        ("forward+backward, Linear+sigmoid", walk, np_walk),
    ]
    rows = []
    for name, ag_fn, np_fn in pieces:
        if name.startswith("SGD"):
            model(x).sum().backward()
        ag_s = statistics.median(per_call(ag_fn, k) for _ in range(repeats))
        np_s = statistics.median(per_call(np_fn, k) for _ in range(repeats))
        rows.append((name, ag_s, np_s))
    return rows


# ============================================================================ report
def fmt(s: float) -> str:
    return f"{s * 1e6:8.1f} µs" if s < 1e-3 else f"{s * 1e3:8.2f} ms"


def report(samples: dict[str, dict[str, list[float]]], classes: list[type]) -> list[str]:
    shorts = [c.short for c in classes]
    lines = ["| problem | " + " | ".join(shorts) + " | target | verdict |"]
    lines.append("|---" * (len(shorts) + 3) + "|")
    for p in PROBLEMS:
        med = {e: statistics.median(v) for e, v in samples[p.name].items()}
        spread = {e: (min(v), max(v)) for e, v in samples[p.name].items()}
        cells = []
        for e in shorts:
            lo, hi = spread[e]
            cells.append(
                f"{fmt(med[e]).strip()} ({med[e] / med['numpy']:.2f}×, "
                f"{lo / med['numpy']:.2f}-{hi / med['numpy']:.2f})"
            )
        verdicts = []
        ratio = med["autograd_mlp"] / med["numpy"]
        verdicts.append(
            f"eager {ratio:.2f}× ≤ {TARGETS[p.name]}: "
            f"{'met' if ratio <= TARGETS[p.name] else 'NOT met'}"
        )
        if "ag.jit" in med and p.name in JIT_TARGETS:
            jr = med["ag.jit"] / med["numpy"]
            verdicts.append(
                f"jit {jr:.2f}× ≤ {JIT_TARGETS[p.name]}: "
                f"{'met' if jr <= JIT_TARGETS[p.name] else 'NOT met'}"
            )
        if "pytorch" in med:
            faster = med["autograd_mlp"] < med["pytorch"]
            verdicts.append(f"{'faster' if faster else 'SLOWER'} than PyTorch")
        target = f"{TARGETS[p.name]}×"
        lines.append(
            f"| {p.name} | " + " | ".join(cells) + f" | {target} | " + "; ".join(verdicts) + " |"
        )
    return lines


def torch_ok(disabled: bool) -> bool:
    if disabled:
        return False
    try:
        import torch

        torch.set_num_threads(1)
    except Exception:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (a smoke test)")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument(
        "--no-malloc-tuning", action="store_true", help="leave glibc malloc as it is"
    )
    args = parser.parse_args(argv)
    # fit() and the CLI tune malloc (ag.runtime.tune_malloc): measure what they
    # run. Without it glibc maps and unmaps every 100 KiB activation afresh,
    # which made the spiral step 2x slower for every engine.
    tuned = not args.no_malloc_tuning and ag.runtime.tune_malloc()
    print(f"glibc malloc tuned (ag.runtime.tune_malloc): {tuned}")
    repeats, k = (3, 20) if args.quick else (args.repeats, 200)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        threadpool_limits = None
    with_torch = torch_ok(args.no_torch)
    classes = engine_classes(with_torch)
    limiter = threadpool_limits(1) if threadpool_limits else None
    try:
        for p in PROBLEMS:
            diff = check_same_result(p, classes)
            print(
                f"{p.name}: after 5 steps, weights differ from numpy by at most {diff:.1e} "
                "(relative)"
            )
        print(
            f"\nOne SGD step, median of {repeats} interleaved repeats of {k} steps; "
            "(ratio to numpy, min-max over repeats); 1 BLAS thread\n"
        )
        print("\n".join(report(bench_steps(classes, repeats, k), classes)))
        print(f"\nPer call (parity-sized tensors), median of {repeats} repeats of {k} calls\n")
        print("| piece | autograd_mlp | numpy by hand | ratio |\n|---|---|---|---|")
        for name, ag_s, np_s in bench_pieces(repeats, k):
            ratio = f"{ag_s / np_s:.1f}×" if np_s > 5e-8 else "-"
            print(f"| {name} | {fmt(ag_s).strip()} | {fmt(np_s).strip()} | {ratio} |")
    finally:
        if limiter is not None:
            limiter.unregister()
    if hasattr(os, "getloadavg"):
        print(f"\n(1-minute load average at the end: {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
