"""Benchmark autograd_mlp against the same MLP written by hand in numpy (and PyTorch).

Everything runs in ONE process and is INTERLEAVED: each repeat times every engine
(and every BLAS thread setting) in turn, in a rotating order, and the table
reports medians over repeats. On a shared 2-core machine this is the only way to
get ratios that mean something: whatever else runs slows every engine alike.

    python benchmarks/bench_mlp.py            # full run (a few minutes)
    python benchmarks/bench_mlp.py --quick    # under a minute
    python benchmarks/bench_mlp.py --threads 1 --repeats 9 --mnist-dir DIR

Sections: SGD step time at batch 32/128/512; a full MNIST epoch (50k, batch 32);
inference throughput on the 10k test set; peak memory of a training step
(tracemalloc); per-op overhead of a tiny op; backward through a 100,000-op chain.
The hand-written reference is ``benchmarks/reference_numpy.py``. PyTorch is
included when ``import torch`` works. BLAS threads are set with threadpoolctl
(``pip install autograd_mlp[bench]``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

import _mnist  # noqa: E402
from reference_numpy import SIZES, NumpyMLP, init_params  # noqa: E402

import autograd_mlp as ag  # noqa: E402
from autograd_mlp import functional as F  # noqa: E402
from autograd_mlp import nn, optim  # noqa: E402

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover - optional
    threadpool_info = threadpool_limits = None  # type: ignore[assignment]

LR = 0.01
EPOCH_ROWS = 50_000
INFER_BATCH = 1000
INFER_ROWS = 10_000


# ============================================================================ engines
class RefEngine:
    """The hand-written numpy MLP."""

    name = "numpy (hand-written)"
    short = "numpy"

    def __init__(self, params: list[np.ndarray]) -> None:
        self.net = NumpyMLP(params)

    def prepare(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return x, y

    def step(self, x: Any, y: Any) -> float:
        return self.net.step(x, y, LR)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.net.predict(x)

    def weights(self) -> list[np.ndarray]:
        return self.net.params


class AgEngine:
    """autograd_mlp as a user writes it: nn.MLP, F.cross_entropy, optim.SGD."""

    name = "autograd_mlp"
    short = "autograd_mlp"

    def __init__(self, params: list[np.ndarray]) -> None:
        self.model = nn.MLP(list(SIZES))
        for p, value in zip(self.model.parameters(), params):
            p.data[...] = value
        self.opt = optim.SGD(self.model.parameters(), lr=LR)

    def prepare(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return ag.Tensor(x), y

    def step(self, x: Any, y: Any) -> float:
        self.opt.zero_grad()
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss

    def predict(self, x: np.ndarray) -> np.ndarray:
        with ag.no_grad():
            return self.model(ag.Tensor(x)).data.argmax(axis=1)

    def weights(self) -> list[np.ndarray]:
        return [p.data for p in self.model.parameters()]


class JitEngine(AgEngine):
    """The same step traced once by ``ag.jit`` and replayed."""

    name = "autograd_mlp, ag.jit"
    short = "ag.jit"

    def __init__(self, params: list[np.ndarray]) -> None:
        super().__init__(params)
        self.step = ag.jit(super().step)  # type: ignore[method-assign]


class AgOpsEngine:
    """The engine alone: autograd_mlp's ops called directly (``ops.linear``,
    ``ops.relu``, ``ops.softmax_cross_entropy``) and the same SGD update in a plain
    loop, without the nn/functional/optim layers on top. The difference to
    :class:`AgEngine` is what those layers cost."""

    name = "autograd_mlp, ops only"
    short = "ops only"

    def __init__(self, params: list[np.ndarray]) -> None:
        self.params = [ag.Tensor(np.array(p), requires_grad=True) for p in params]

    def prepare(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return ag.Tensor(x), y

    def forward(self, x: Any) -> Any:
        h = x
        last = len(self.params) // 2 - 1
        for i in range(0, len(self.params), 2):
            h = ag.ops.linear(h, self.params[i], self.params[i + 1])
            if i // 2 < last:
                h = ag.ops.relu(h)
        return h

    def step(self, x: Any, y: Any) -> float:
        for p in self.params:
            p.grad = None
        loss = ag.ops.softmax_cross_entropy(self.forward(x), y)
        loss.backward()
        for p in self.params:
            p.data -= LR * p.grad.data
        return loss

    def predict(self, x: np.ndarray) -> np.ndarray:
        with ag.no_grad():
            return self.forward(ag.Tensor(x)).data.argmax(axis=1)

    def weights(self) -> list[np.ndarray]:
        return [p.data for p in self.params]


class TorchEngine:
    """PyTorch CPU: nn.Sequential of Linear/ReLU, F.cross_entropy, optim.SGD."""

    short = "pytorch"

    def __init__(self, params: list[np.ndarray]) -> None:
        import torch

        self.torch = torch
        self.name = f"PyTorch {torch.__version__}"
        layers: list[Any] = []
        for i in range(len(SIZES) - 1):
            layers.append(torch.nn.Linear(SIZES[i], SIZES[i + 1]))
            if i < len(SIZES) - 2:
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        with torch.no_grad():
            for p, value in zip(self.model.parameters(), params):
                p.copy_(torch.from_numpy(value))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR)
        self.F = torch.nn.functional

    def prepare(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return self.torch.from_numpy(x), self.torch.from_numpy(y)

    def step(self, x: Any, y: Any) -> float:
        self.opt.zero_grad()
        loss = self.F.cross_entropy(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss

    def predict(self, x: np.ndarray) -> np.ndarray:
        with self.torch.inference_mode():
            return self.model(self.torch.from_numpy(x)).argmax(dim=1).numpy()

    def weights(self) -> list[np.ndarray]:
        return [p.detach().numpy() for p in self.model.parameters()]


def torch_available(disabled: bool) -> bool:
    if disabled:
        return False
    try:
        import torch  # noqa: F401
    except Exception:
        return False
    return True


def make_engines(params: list[np.ndarray], with_torch: bool, ops_only: bool = True) -> list[Any]:
    engines: list[Any] = [RefEngine(params), AgEngine(params)]
    if ops_only:
        engines.append(AgOpsEngine(params))
    if hasattr(ag, "jit"):
        engines.append(JitEngine(params))
    if with_torch:
        engines.append(TorchEngine(params))
    return engines


# ============================================================================ threads
class Threads:
    """BLAS (and torch) thread settings: "1" or "default" (the machine's)."""

    def __init__(self, with_torch: bool, settle_s: float = 0.15) -> None:
        self.torch = None
        self.last: str | None = None
        # After a multi-threaded BLAS call, OpenBLAS workers spin for ~0.1 s before
        # sleeping; let them, so they do not steal time from the next measurement.
        self.settle_s = settle_s
        if with_torch:
            import torch

            self.torch = torch
            self.torch_default = torch.get_num_threads()

    @contextmanager
    def __call__(self, setting: str):  # type: ignore[no-untyped-def]
        if setting == "default":
            ctx: Any = nullcontext()
            torch_n = self.torch_default if self.torch else None
        else:
            if threadpool_limits is None:
                raise SystemExit("--threads 1 needs threadpoolctl: pip install threadpoolctl")
            ctx = threadpool_limits(limits=int(setting))
            torch_n = int(setting)
        with ctx:
            if self.torch is not None:
                self.torch.set_num_threads(torch_n)
            if setting != self.last:
                time.sleep(self.settle_s)
                self.last = setting
            try:
                yield
            finally:
                if self.torch is not None:
                    self.torch.set_num_threads(self.torch_default)


def blas_default_threads() -> str:
    if threadpool_info is None:
        return "?"
    return ",".join(str(i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas")


# ============================================================================ timing
# Every sample is taken on two clocks at once: wall time (what a user waits) and
# this thread's CPU time (which leaves out the time other processes held the
# core: on a shared machine it is the steadier of the two). With 1 BLAS thread all
# the work runs in this thread; with more, only the wall clock means anything.
CLOCKS = ("wall", "cpu")


def per_call(fn: Callable[[], Any], k: int) -> tuple[float, float]:
    """(wall, cpu) seconds per call of ``fn``, over ``k`` calls."""
    wall, cpu = time.perf_counter(), time.thread_time()
    for _ in range(k):
        fn()
    return (time.perf_counter() - wall) / k, (time.thread_time() - cpu) / k


def rotate(items: list[Any], r: int) -> list[Any]:
    r %= len(items)
    return items[r:] + items[:r]


def medians(samples: list[tuple[float, float]]) -> dict[str, float]:
    """Median of each clock over the repeats."""
    return {c: statistics.median(s[i] for s in samples) for i, c in enumerate(CLOCKS)}


Results = dict[str, dict[Any, dict[str, dict[str, float]]]]  # [setting][key][engine][clock]


# ============================================================================ sections
def interleaved(engines, threads, settings, repeats, timed, settings_for=None):  # type: ignore[no-untyped-def]
    """Call ``timed(engine, repeat)`` for every engine under every thread setting,
    in an order that rotates each repeat, so slow drifts of the machine hit every
    engine alike; returns the samples as ``[setting][engine] -> list``."""
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {
        s: {e.short: [] for e in engines} for s in settings
    }
    for r in range(repeats):
        for s in rotate(list(settings if settings_for is None else settings_for(r)), r):
            with threads(s):
                for e in rotate(list(engines), r):
                    samples[s][e.short].append(timed(e, r))
    return samples


def bench_steps(engines, threads, settings, data, batches, repeats, sample_s) -> Results:  # type: ignore[no-untyped-def]
    """Seconds per SGD step: [setting][batch][engine][clock], medians over repeats."""
    results: Results = {s: {} for s in settings}
    for n in batches:
        x, y = data["train_x"][:n], data["train_y"][:n]
        calls = {e.short: (e, e.prepare(x, y)) for e in engines}
        for s in settings:
            with threads(s):
                for e, (xe, ye) in calls.values():
                    for _ in range(5):
                        e.step(xe, ye)
        ref, (xr, yr) = calls["numpy"]
        with threads(settings[0]):
            k = max(3, int(sample_s / per_call(lambda: ref.step(xr, yr), 10)[0]))  # noqa: B023

        def timed(e: Any, r: int) -> tuple[float, float]:
            xe, ye = calls[e.short][1]  # noqa: B023
            return per_call(lambda: e.step(xe, ye), k)  # noqa: B023

        samples = interleaved(engines, threads, settings, repeats, timed)
        for s in settings:
            results[s][n] = {name: medians(v) for name, v in samples[s].items()}
    return results


def bench_epoch(engines, threads, settings, data, batch, repeats) -> Results:  # type: ignore[no-untyped-def]
    """Seconds per epoch over the first 50k training images, shuffled, batch 32;
    every engine trains on the same batches. Settings after the first: one epoch."""
    X, Y = data["train_x"][:EPOCH_ROWS], data["train_y"][:EPOCH_ROWS]
    rng = np.random.default_rng(1)
    perms = [rng.permutation(len(X)) for _ in range(repeats)]

    def timed(e: Any, r: int) -> tuple[float, float]:
        def epoch() -> None:
            for i in range(0, len(X), batch):
                idx = perms[r][i : i + batch]
                e.step(*e.prepare(X[idx], Y[idx]))

        gc.collect()
        return per_call(epoch, 1)

    def first_repeat_all(r: int) -> Any:
        return settings if r == 0 else settings[:1]

    samples = interleaved(engines, threads, settings, repeats, timed, first_repeat_all)
    return {s: {"epoch": {k: medians(v) for k, v in d.items()}} for s, d in samples.items()}


def bench_inference(engines, threads, settings, data, repeats):  # type: ignore[no-untyped-def]
    """Seconds to predict the 10k test set in batches of 1000, and each engine's
    accuracy."""
    X, Y = data["test_x"], data["test_y"]
    accuracy = {}
    for e in engines:
        pred = [e.predict(X[i : i + INFER_BATCH]) for i in range(0, len(X), INFER_BATCH)]
        accuracy[e.short] = float(np.mean(np.concatenate(pred) == Y))

    def timed(e: Any, r: int) -> tuple[float, float]:
        def predict_all() -> None:
            for i in range(0, len(X), INFER_BATCH):
                e.predict(X[i : i + INFER_BATCH])

        return per_call(predict_all, 1)

    samples = interleaved(engines, threads, settings, repeats, timed)
    results = {s: {"test set": {k: medians(v) for k, v in d.items()}} for s, d in samples.items()}
    return results, accuracy


def bench_memory(params, data, batches):  # type: ignore[no-untyped-def]
    """Peak traced bytes (tracemalloc) of a training step: the engine's whole state
    (parameters, gradients, buffers) plus what the step allocates. Each engine is
    built and warmed up with one step first, so one-off costs (initialisation
    temporaries, lazily built buffers) are not counted; torch's allocator is not
    visible to tracemalloc, so it is left out."""
    out: dict[int, dict[str, int]] = {}
    for n in batches:
        x, y = data["train_x"][:n], data["train_y"][:n]
        out[n] = {}
        for cls in (RefEngine, AgEngine):
            gc.collect()
            tracemalloc.start()
            engine = cls(params)
            xe, ye = engine.prepare(x, y)
            engine.step(xe, ye)
            gc.collect()
            tracemalloc.reset_peak()
            for _ in range(3):
                engine.step(xe, ye)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out[n][cls.short] = peak
            del engine, xe, ye
    return out


def bench_overhead(repeats: int, with_torch: bool) -> dict[str, float]:
    """Seconds per ``a + b`` on 1-element float32 operands (best of 3 per repeat,
    median over repeats)."""
    an, bn = np.ones(1, np.float32), np.ones(1, np.float32)
    a, b = ag.Tensor(an), ag.Tensor(bn)
    w = ag.Tensor(an.copy(), requires_grad=True)
    cases: dict[str, Callable[[], Any]] = {
        "numpy a + b": lambda: an + bn,
        "autograd_mlp, no grad needed": lambda: a + b,
        "autograd_mlp, recording the graph": lambda: w + b,
    }

    def in_no_grad() -> Any:
        with ag.no_grad():
            for _ in range(100):
                w + b

    if with_torch:
        import torch

        ta, tb = torch.ones(1), torch.ones(1)
        tw = torch.ones(1, requires_grad=True)
        cases["pytorch, no grad needed"] = lambda: ta + tb
        cases["pytorch, recording the graph"] = lambda: tw + tb
    samples: dict[str, list[float]] = {k: [] for k in cases}
    samples["autograd_mlp, inside no_grad()"] = []
    for r in range(repeats):
        for name in rotate(list(cases), r):
            samples[name].append(min(timeit.repeat(cases[name], number=20000, repeat=3)) / 20000)
        samples["autograd_mlp, inside no_grad()"].append(
            min(timeit.repeat(in_no_grad, number=200, repeat=3)) / 20000
        )
    return {k: statistics.median(v) for k, v in samples.items()}


def bench_chain(repeats: int, length: int, with_torch: bool) -> dict[str, dict[str, float]]:
    """Build ``y = y * 0.99999`` ``length`` times from a 1-element leaf; time the
    forward (recording) and ``y.sum().backward()`` (wall clock, medians)."""
    out: dict[str, dict[str, list[float]]] = {"autograd_mlp": {"forward": [], "backward": []}}
    if with_torch:
        out["pytorch"] = {"forward": [], "backward": []}
    for _ in range(repeats):
        for engine in out:
            if engine == "pytorch":
                import torch

                x = torch.ones(1, requires_grad=True)
            else:
                x = ag.Tensor(np.ones(1, np.float32), requires_grad=True)
            gc.collect()
            start = time.perf_counter()
            y = x
            for _ in range(length):
                y = y * 0.99999
            mid = time.perf_counter()
            y.sum().backward()
            end = time.perf_counter()
            out[engine]["forward"].append(mid - start)
            out[engine]["backward"].append(end - mid)
            del y, x
    return {e: {k: statistics.median(v) for k, v in d.items()} for e, d in out.items()}


def check_same_start(params, data, with_torch):  # type: ignore[no-untyped-def]
    """First-step loss of every engine from the same weights on the same batch."""
    x, y = data["train_x"][:32], data["train_y"][:32]
    losses = {}
    for e in make_engines(params, with_torch):
        loss = e.step(*e.prepare(x, y))
        losses[e.short] = float(loss.item() if hasattr(loss, "item") else loss)
    return losses


# ============================================================================ report
def machine_info(with_torch: bool) -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        f"CPU: {cpu}; {os.cpu_count()} logical cores; {platform.system()} {platform.release()}",
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"autograd_mlp {ag.__version__}",
    ]
    if threadpool_info is not None:
        for info in threadpool_info():
            lines.append(
                f"threadpool: {info['internal_api']} {info.get('version')} "
                f"({info['user_api']}, {info['num_threads']} threads by default"
                f"{', ' + info['architecture'] if info.get('architecture') else ''}) "
                f"{Path(info['filepath']).name}"
            )
    if with_torch:
        import torch

        lines.append(f"torch {torch.__version__}, {torch.get_num_threads()} threads by default")
    return lines


def fmt_time(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.0f} µs" if s >= 1e-4 else f"{s * 1e6:.2f} µs"
    return f"{s * 1e9:.0f} ns"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join([line, sep, *body])


def setting_name(s: str) -> str:
    return "1 thread" if s == "1" else f"default threads ({blas_default_threads()})"


def ratio_table(res, setting, keys, names, titles, clock, what="time"):  # type: ignore[no-untyped-def]
    """Rows ``key: engine value (ratio to numpy)``; ``what="rate"`` shows img/s."""
    rows = []
    for key, label in keys:
        vals = {n: res[setting][key][n][clock] for n in names}
        cells = []
        for n in names:
            if what == "rate":
                cell = f"{INFER_ROWS / vals[n]:,.0f} img/s"
                ratio = vals["numpy"] / vals[n]
            else:
                cell = fmt_time(vals[n])
                ratio = vals[n] / vals["numpy"]
            cells.append(cell if n == "numpy" else f"{cell} ({ratio:.2f}×)")
        rows.append([label, *cells])
    return table(["", *titles], rows)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats: under a minute")
    parser.add_argument(
        "--threads",
        choices=["1", "default", "both"],
        default="both",
        help="BLAS/torch threads: 1, the machine default, or both (interleaved); the "
        "headline numbers and targets use the first (1 thread for 'both')",
    )
    parser.add_argument("--repeats", type=int, help="interleaved repeats per measurement")
    parser.add_argument(
        "--clock",
        choices=CLOCKS,
        default="wall",
        help="clock for the 1-thread tables and targets: wall time, or this thread's CPU "
        "time (steadier on a busy machine); both are always recorded",
    )
    parser.add_argument("--mnist-dir", type=Path, help="directory of the MNIST IDX files")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--chain", type=int, default=100_000, help="length of the op chain")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--no-malloc-tuning", action="store_true", help="leave glibc malloc as it is"
    )
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in logs
    # fit() and the CLI tune malloc: measure what they run (all engines alike).
    tuned = not args.no_malloc_tuning and ag.runtime.tune_malloc()
    print(f"glibc malloc tuned (ag.runtime.tune_malloc): {tuned}")

    repeats = args.repeats or (5 if args.quick else 21)
    epoch_repeats = 1 if args.quick else 7
    sample_s = 0.02 if args.quick else 0.08
    settings = ["1", "default"] if args.threads == "both" else [args.threads]
    main_setting = settings[0]
    with_torch = torch_available(args.no_torch)
    threads = Threads(with_torch)
    t_start = time.perf_counter()
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    def clock_for(s: str) -> str:
        return args.clock if s == "1" else "wall"  # CPU time misses BLAS worker threads

    print("# autograd_mlp benchmark: 784-100-200-10 ReLU MLP, float32, SGD lr=0.01")
    print()
    for line in machine_info(with_torch):
        print("    " + line)
    command = f"python benchmarks/{Path(__file__).name} {' '.join(sys.argv[1:])}".rstrip()
    print(f"    command: {command}")
    print(
        f"    {repeats} interleaved repeats per number, medians; clock: {args.clock} for 1 "
        f"thread, wall for default threads; threads: {', '.join(settings)}"
    )
    tuning = getattr(getattr(ag, "runtime", None), "MALLOC_TUNING", None)
    print(f"    autograd_mlp.runtime.MALLOC_TUNING = {tuning}")
    data, source = _mnist.load(args.mnist_dir)
    print(f"    data: {source}")
    print()

    params = init_params(SIZES, seed=0)
    losses = check_same_start(params, data, with_torch)
    spread = max(losses.values()) - min(losses.values())
    print(
        "Same start: first-step loss "
        + ", ".join(f"{k} {v:.6f}" for k, v in losses.items())
        + f" (spread {spread:.1e})"
    )
    print()
    results: dict[str, Any] = {"machine": machine_info(with_torch), "data": source}

    # ---------------------------------------------------------------- steps
    engines = make_engines(params, with_torch)
    names = [e.short for e in engines]
    titles = [e.name for e in engines]
    steps = bench_steps(engines, threads, settings, data, (32, 128, 512), repeats, sample_s)
    results["step_s"] = steps
    batch_keys = [(n, f"batch {n}") for n in (32, 128, 512)]
    for s in settings:
        print(f"## SGD step time, {setting_name(s)}, {clock_for(s)} clock (× hand-written numpy)")
        print()
        print(ratio_table(steps, s, batch_keys, names, titles, clock_for(s)))
        print()
    if "1" in settings and args.clock == "wall":
        other = "cpu"
        cells = [
            f"batch {n}: "
            + ", ".join(
                f"{k} {steps['1'][n][k][other] / steps['1'][n]['numpy'][other]:.2f}×"
                for k in names[1:]
            )
            for n in (32, 128, 512)
        ]
        print(f"(the same, 1 thread, on the CPU-time clock: {'; '.join(cells)})")
        print()

    if len(settings) == 2:
        print("## BLAS threads: 1 vs machine default (wall-clock step time)")
        print()
        rows = []
        for n in (32, 128, 512):
            cells = []
            for k in names:
                one, dflt = steps["1"][n][k]["wall"], steps["default"][n][k]["wall"]
                cells.append(f"{fmt_time(one)} vs {fmt_time(dflt)}: {dflt / one:.2f}×")
            rows.append([f"batch {n}", *cells])
        print(table(["1 thread vs default", *titles], rows))
        print()

    # ---------------------------------------------------------------- epoch and inference
    engines = make_engines(params, with_torch)  # fresh: every engine trains the same run
    epoch_settings = settings[:1] if args.quick else settings
    epoch = bench_epoch(engines, threads, epoch_settings, data, 32, epoch_repeats)
    results["epoch_s"] = epoch
    infer, accuracy = bench_inference(engines, threads, epoch_settings, data, repeats)
    results["inference_s"] = infer
    results["accuracy"] = accuracy
    ref_w = engines[0].weights()
    drift = {
        e.short: max(float(np.max(np.abs(a - b))) for a, b in zip(ref_w, e.weights()))
        for e in engines[1:]
    }
    print("## Full MNIST epoch (50k images, batch 32, shuffled; × hand-written numpy)")
    print()
    rows = []
    for s in epoch_settings:
        vals = {k: epoch[s]["epoch"][k][clock_for(s)] for k in names}
        rows.append(
            [f"{setting_name(s)}, {clock_for(s)} clock"]
            + [
                fmt_time(vals[k]) + ("" if k == "numpy" else f" ({vals[k] / vals['numpy']:.2f}×)")
                for k in names
            ]
        )
    print(table(["", *titles], rows))
    print()
    print(f"## Inference on the 10k test set (batches of {INFER_BATCH}; × hand-written numpy)")
    print()
    for s in epoch_settings:
        rows_txt = ratio_table(
            infer, s, [("test set", f"{setting_name(s)}")], names, titles, clock_for(s), "rate"
        )
        print(rows_txt)
        print()
    print(
        "After training (every engine saw the same batches): test accuracy "
        + ", ".join(f"{k} {v:.4f}" for k, v in accuracy.items())
        + "; max |weight - numpy's| "
        + ", ".join(f"{k} {v:.1e}" for k, v in drift.items())
    )
    print()
    del engines
    gc.collect()

    # ---------------------------------------------------------------- memory
    with threads(main_setting):
        memory = bench_memory(params, data, (32, 512))
    results["peak_bytes"] = memory
    print("## Peak memory of a training step (tracemalloc)")
    print()
    rows = []
    for n, m in memory.items():
        ratio = m["autograd_mlp"] / m["numpy"]
        kib = m["autograd_mlp"] / 1024
        rows.append(
            [f"batch {n}", f"{m['numpy'] / 1024:,.0f} KiB", f"{kib:,.0f} KiB ({ratio:.2f}×)"]
        )
    print(table(["", "numpy (hand-written)", "autograd_mlp"], rows))
    print()

    # ---------------------------------------------------------------- overhead
    overhead = bench_overhead(max(3, repeats // 3), with_torch)
    results["op_overhead_s"] = overhead
    print("## Per-op overhead: `a + b` on 1-element float32 tensors")
    print()
    base = overhead["numpy a + b"]
    rows = [[k, fmt_time(v), f"{v / base:.1f}×"] for k, v in overhead.items()]
    print(table(["case", "time per op", "× numpy"], rows))
    print()

    # ---------------------------------------------------------------- chain
    chain = bench_chain(1 if args.quick else 3, args.chain, with_torch)
    results["chain_s"] = chain
    print(f"## A chain of {args.chain:,} ops: `y = y * 0.99999`, then `y.sum().backward()`")
    print()
    rows = [[k, fmt_time(v["forward"]), fmt_time(v["backward"])] for k, v in chain.items()]
    print(table(["engine", "forward (recording)", "backward"], rows))
    print()

    # ---------------------------------------------------------------- summary
    s, c = main_setting, clock_for(main_setting)

    def ratio(res: Results, key: Any, other: str = "numpy", who: str = "autograd_mlp") -> float:
        return res[s][key][who][c] / res[s][key][other][c]

    rows = []
    for n, limit in ((32, 1.10), (128, 1.05), (512, 1.05)):
        value = ratio(steps, n)
        verdict = "met" if value <= limit else "NOT met"
        if with_torch:
            verdict += f"; {ratio(steps, n, 'pytorch'):.2f}× PyTorch's time"
        verdict += f"; ops only {ratio(steps, n, who='ops only'):.2f}×"
        rows.append([f"step, batch {n} ≤ {limit}×", f"{value:.2f}×", verdict])
        if hasattr(ag, "jit") and n == 32:
            jr = ratio(steps, n, who="ag.jit")
            verdict = "met" if jr <= 1.0 else "NOT met"
            rows.append([f"ag.jit step, batch {n} ≤ 1.0×", f"{jr:.2f}×", verdict])
    mem = max(m["autograd_mlp"] / m["numpy"] for m in memory.values())
    rows.append(["peak memory ≤ 1.3×", f"{mem:.2f}×", "met" if mem <= 1.3 else "NOT met"])
    ep = ratio(epoch, "epoch")
    verdict = "met" if ep <= 1.4 else "NOT met"
    verdict += f"; ops only {ratio(epoch, 'epoch', who='ops only'):.2f}×"
    rows.append(["MNIST epoch ≤ 1.4×", f"{ep:.2f}×", verdict])
    bw = chain["autograd_mlp"]["backward"]
    label = f"{args.chain:,}-op chain backward < 1 s"
    rows.append([label, fmt_time(bw), "met" if bw < 1 else "NOT met"])
    inf = 1 / ratio(infer, "test set")
    verdict = "met" if inf >= 1.0 else "NOT met"
    rows.append(["inference throughput ≥ 1.0× hand-written", f"{inf:.2f}×", verdict])
    print(f"## Targets ({setting_name(s)}, {c} clock)")
    print()
    print(table(["target", "measured", "verdict"], rows))
    print()
    load_end = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"(total {time.perf_counter() - t_start:.0f} s; 1-minute load average "
        f"{load_start:.2f} at the start, {load_end:.2f} at the end)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return results


if __name__ == "__main__":
    main()
