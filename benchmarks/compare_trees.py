"""Before/after: time an older autograd_mlp against this checkout, in ONE process.

The old tree is imported under another name (``autograd_mlp_old``), so both run
interleaved in the same process, with the hand-written numpy MLP as a yardstick:

    python benchmarks/compare_trees.py --rev HEAD            # vs the last commit
    python benchmarks/compare_trees.py --tree /path/to/old   # a directory holding autograd_mlp/
    python benchmarks/compare_trees.py --rev HEAD --no-malloc-tuning

``--rev`` reads the tree with ``git archive`` (read-only). Importing this checkout
applies ``autograd_mlp.runtime``'s malloc tuning to the whole process, old tree
included; ``--no-malloc-tuning`` switches it off for both, to isolate the rest.
Times are medians over interleaved repeats, on this thread's CPU-time clock
(steady on a busy machine) and the wall clock; 1 BLAS thread.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def import_old(tree: Path | None, rev: str | None) -> Any:
    """Copy the old package to a temporary directory as ``autograd_mlp_old``; import it."""
    tmp = Path(tempfile.mkdtemp(prefix="autograd_mlp_old_"))
    if rev is not None:
        blob = subprocess.run(
            ["git", "archive", rev, "autograd_mlp"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(tmp / "src", filter="data")
        source = tmp / "src" / "autograd_mlp"
    else:
        assert tree is not None
        source = tree / "autograd_mlp"
    shutil.copytree(source, tmp / "autograd_mlp_old", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(tmp))
    import autograd_mlp_old

    return autograd_mlp_old


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--rev", help="a git revision of this repository (e.g. HEAD)")
    group.add_argument("--tree", type=Path, help="a directory holding an autograd_mlp/ package")
    parser.add_argument("--no-malloc-tuning", action="store_true")
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    if args.no_malloc_tuning:
        os.environ["AUTOGRAD_MLP_MALLOC_TUNING"] = "0"

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from reference_numpy import SIZES, NumpyMLP, init_params
    from threadpoolctl import threadpool_limits

    import autograd_mlp as new

    old = import_old(args.tree, args.rev)
    threadpool_limits(1)
    print(f"old: {args.rev or args.tree}; new: {ROOT}; malloc tuning: {new.runtime.MALLOC_TUNING}")

    params = init_params(SIZES)

    def trainer(ag: Any) -> Any:
        model = ag.nn.MLP(list(SIZES))
        for p, v in zip(model.parameters(), params):
            p.data[...] = v
        opt = ag.optim.SGD(model.parameters(), lr=0.01)

        def step(x: Any, y: Any) -> Any:
            opt.zero_grad()
            loss = ag.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return step

    ref = NumpyMLP(params)
    engines = {
        "numpy": lambda x, y: ref.step(x, y, 0.01),
        "old": trainer(old),
        "new": trainer(new),
    }
    wrap = {"numpy": lambda x: x, "old": old.Tensor, "new": new.Tensor}
    rng = np.random.default_rng(0)
    print()
    print(
        "| SGD step | numpy | old | new | old/numpy | new/numpy | new/old | faults/step old, new |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in (32, 128, 512):
        x = rng.random((n, SIZES[0]), dtype=np.float32)
        y = rng.integers(0, SIZES[-1], n)
        inputs = {k: (wrap[k](x), y) for k in engines}
        k_steps = max(10, 6000 // n)
        cpu: dict[str, list[float]] = {k: [] for k in engines}
        faults: dict[str, list[float]] = {k: [] for k in engines}
        for name, f in engines.items():
            for _ in range(5):
                f(*inputs[name])
        for r in range(args.repeats):
            names = list(engines)[r % 3 :] + list(engines)[: r % 3]
            for name in names:
                f, a = engines[name], inputs[name]
                f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                t0 = time.thread_time()
                for _ in range(k_steps):
                    f(*a)
                cpu[name].append((time.thread_time() - t0) / k_steps)
                faults[name].append(
                    (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / k_steps
                )
        m = {k: statistics.median(v) for k, v in cpu.items()}
        fl = {k: statistics.median(v) for k, v in faults.items()}
        print(
            f"| batch {n} | {m['numpy'] * 1e6:.0f} µs | {m['old'] * 1e6:.0f} µs | "
            f"{m['new'] * 1e6:.0f} µs | {m['old'] / m['numpy']:.2f}× | "
            f"{m['new'] / m['numpy']:.2f}× | {m['new'] / m['old']:.2f}× | "
            f"{fl['old']:.0f}, {fl['new']:.0f} |"
        )

    print()
    print("| micro | old | new | new/old |")
    print("|---|---|---|---|")
    for label, make in (
        ("`a + b`, recording (1-element)", lambda ag: _add(ag, True)),
        ("`a + b`, no grad needed", lambda ag: _add(ag, False)),
    ):
        fo, fn = make(old), make(new)
        to, tn = [], []
        for _ in range(args.repeats):
            to.append(min(timeit.repeat(fo, number=20000, repeat=3)) / 20000)
            tn.append(min(timeit.repeat(fn, number=20000, repeat=3)) / 20000)
        a, b = statistics.median(to), statistics.median(tn)
        print(f"| {label} | {a * 1e6:.2f} µs | {b * 1e6:.2f} µs | {b / a:.2f}× |")
    to, tn = [], []
    for _ in range(3):
        to.append(_chain(old))
        tn.append(_chain(new))
    a, b = statistics.median(to), statistics.median(tn)
    print(f"| 100,000-op chain, backward | {a:.3f} s | {b:.3f} s | {b / a:.2f}× |")


def _add(ag: Any, grad: bool) -> Any:
    a = ag.Tensor(np.ones(1, np.float32), requires_grad=grad)
    b = ag.Tensor(np.ones(1, np.float32))
    return lambda: a + b


def _chain(ag: Any, length: int = 100_000) -> float:
    x = ag.Tensor(np.ones(1, np.float32), requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 0.99999
    start = time.perf_counter()
    y.sum().backward()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
