"""Regenerate docs/results.md: every number on that page is printed by a run here.

Each *run* is one command (an example script, or ``autograd-mlp train``) run in a
fresh process; its output and wall time are stored in ``scripts/results.json``
and the page is rendered from ``scripts/results_template.md`` with the numbers
parsed out of those outputs. tests/test_results.py checks that the page is the
rendering of the stored outputs, and reruns the quick runs to check that the
stored outputs are still what the code prints.

Usage::

    python scripts/make_results.py --quick          # the runs that need no MNIST (~30 s)
    python scripts/make_results.py --data-dir DIR   # everything (~20 min on 2 cores)
    python scripts/make_results.py --ablations --data-dir DIR  # the options on MNIST (~5 min)
    python scripts/make_results.py --only ex1 ex2   # some runs; the rest stay as stored
    python scripts/make_results.py --render         # only re-render the page (template edits)
    python scripts/make_results.py --check          # exit 1 if the page is not the rendering

The full runs need the real MNIST files: ``--data-dir DIR``, ``$AUTOGRAD_MLP_DATA``
or the download cache. Runs hold BLAS to one thread (the examples and the command
do so themselves). Wall times depend on the machine and its load; the accuracies
are deterministic for a given seed and thread count.

Examples
--------
>>> sorted(RUNS)[:3]
['cli_default', 'cli_mnist', 'cli_parity']
>>> parse("cli_xor", "test accuracy 100.00%  (loss 0.0053, 200 test points of xor)")["acc"]
'100.00'
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "results.md"
TEMPLATE = Path(__file__).with_name("results_template.md")
STORE = Path(__file__).with_name("results.json")
DATA = "{data}"  # stands for the MNIST directory in commands and stored outputs


@dataclass(frozen=True)
class Run:
    """A command whose output the page quotes, and the numbers to read from it."""

    argv: tuple[str, ...]
    patterns: dict[str, str]  # name -> regex with one group
    needs_mnist: bool = False


def _example(name: str, *args: str, mnist: bool = True) -> tuple[str, ...]:
    data = ("--data-dir", DATA) if mnist else ()
    return ("{python}", f"examples/{name}", *data, *args)


def _cli(*args: str) -> tuple[str, ...]:
    return ("{python}", "-m", "autograd_mlp", "train", *args)


ACC = r"test accuracy (\d+\.\d+)%"
RUNS: dict[str, Run] = {
    "cli_default": Run(_cli(), {"acc": ACC}),
    "cli_mnist": Run(_cli("--dataset", "mnist", "--data-dir", DATA), {"acc": ACC}, True),
    "cli_spiral": Run(_cli("--dataset", "spiral"), {"acc": ACC}),
    "cli_xor": Run(_cli("--dataset", "xor"), {"acc": ACC}),
    "cli_parity": Run(_cli("--dataset", "parity"), {"acc": ACC}),
    "cli_parity_seed2": Run(_cli("--dataset", "parity", "--seed", "2"), {"acc": ACC}),
    "ex1": Run(_example("01_mnist_3layer_sgd.py"), {"acc": r"test accuracy: (\S+)%"}, True),
    "ex2": Run(
        _example("02_mnist_784_100_200_10.py"),
        {
            "val": r"validation accuracy: (\S+)%",
            "best": r"\(best (\S+)% at epoch",
            "best_epoch": r"at epoch (\d+);",
            "test": r"test accuracy: (\S+)%",
        },
        True,
    ),
    "ex3_parity": Run(
        _example("03_sigmoid_mse.py", "--part", "parity", mnist=False),
        {
            "bits": r"parity of the bits, 10-3-2: test accuracy (\S+)%",
            "number": r"parity of the number \(even/odd\), 10-3-2: test accuracy (\S+)%",
        },
    ),
    "ex3_mnist": Run(
        _example("03_sigmoid_mse.py", "--part", "mnist"),
        {"acc": r"quadratic cost: test accuracy (\S+)%"},
        True,
    ),
    "ex4": Run(
        _example("04_graph_style_objects.py"),
        {"gradcheck": r"== autograd_mlp to (\S+) ", "acc": r"test accuracy: (\S+)%"},
        True,
    ),
    "ex5": Run(
        _example("05_cs231n_spiral.py", mnist=False),
        {
            "acc": r"training accuracy: (\S+)%",
            "second": r"second spiral \(seed 1\): (\S+)%",
            "loss_first": r"iteration 0: loss (\S+)",
            "loss_last": r"iteration 9000: loss (\S+)",
        },
    ),
    "ex6": Run(
        _example("06_best_mnist_mlp.py"),
        {"acc": r"test accuracy: (\S+)%", "training": r"(\d+)s of training"},
        True,
    ),
    "ex6_seed1": Run(
        _example("06_best_mnist_mlp.py", "--seed", "1"), {"acc": r"test accuracy: (\S+)%"}, True
    ),
    "ex6_plain": Run(
        _example("06_best_mnist_mlp.py", "--no-augment", "--label-smoothing", "0", "--epochs", "8"),
        {"acc": r"test accuracy: (\S+)%"},
        True,
    ),
}

# What dropout, normalisation, AdamW and warm-up do on the full MNIST: the
# command's default network and recipe for a few epochs, one option changed per
# row, every row with the same seeds. name -> (what changes, the options).
ABLATION_EPOCHS = 5
ABLATION_SEEDS = (0, 1)
ABLATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "base": ("nothing (SGD lr 0.05, momentum 0.9, cosine)", ()),
    "dropout": ("dropout 0.2 after each hidden activation", ("--dropout", "0.2")),
    "layer": ("layer norm after each hidden Linear", ("--norm", "layer")),
    "batch": ("batch norm after each hidden Linear", ("--norm", "batch")),
    "adam": ("Adam, lr 0.001", ("--optimizer", "adam")),
    "adamw": ("AdamW, lr 0.001, weight decay 0.01", ("--optimizer", "adamw")),
    "warmup": ("1 warm-up epoch", ("--warmup-epochs", "1")),
    "lr02": ("lr 0.2", ("--lr", "0.2")),
    "lr02_warmup": ("lr 0.2 and 1 warm-up epoch", ("--lr", "0.2", "--warmup-epochs", "1")),
}
TRAIN_ACC = rf"(?m)^ +{ABLATION_EPOCHS} +\S+ +(\d+\.\d+)%"  # the last epoch's row
FIRST_ACC = r"(?m)^ +1 +\S+ +\S+% +\S+ +(\d+\.\d+)%"  # test accuracy after epoch 1


def ablation_key(name: str, seed: int) -> str:
    """The run of ablation ``name`` with ``seed``."""
    return f"mnist_{name}_s{seed}"


for _name, (_, _flags) in ABLATIONS.items():
    for _seed in ABLATION_SEEDS:
        RUNS[ablation_key(_name, _seed)] = Run(
            _cli(
                "--dataset",
                "mnist",
                "--data-dir",
                DATA,
                "--epochs",
                str(ABLATION_EPOCHS),
                "--seed",
                str(_seed),
                *_flags,
            ),
            {
                "acc": ACC,
                "loss": r"\(loss (\d+\.\d+),",
                "train_acc": TRAIN_ACC,
                "first_acc": FIRST_ACC,
            },
            True,
        )
QUICK = [key for key, run in RUNS.items() if not run.needs_mnist]


def command(key: str) -> str:
    """The command line of a run as the page shows it."""
    words = ["python" if w == "{python}" else w for w in RUNS[key].argv]
    if words[1:3] == ["-m", "autograd_mlp"]:
        words = ["autograd-mlp", *words[3:]]
    return " ".join("DIR" if w == DATA else w for w in words)


def parse(key: str, output: str) -> dict[str, str]:
    """The numbers of run ``key`` in its ``output``; a missing one is an error."""
    values = {}
    for name, pattern in RUNS[key].patterns.items():
        found = re.findall(pattern, output)
        if not found:
            raise ValueError(f"{key}: /{pattern}/ not found in its output:\n{output}")
        values[name] = found[-1]
    return values


def execute(key: str, data_dir: str | None) -> dict[str, object]:
    """Run ``key`` in a fresh process; its output (MNIST's directory as ``{data}``)."""
    run = RUNS[key]
    if run.needs_mnist and not data_dir:
        raise SystemExit(f"{key} needs the MNIST files: pass --data-dir DIR")
    argv = [
        sys.executable if w == "{python}" else (str(data_dir) if w == DATA else w) for w in run.argv
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("AUTOGRAD_MLP_BLAS_THREADS", None)
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{key} failed ({' '.join(argv)}):\n{proc.stdout}\n{proc.stderr}")
    output = proc.stdout if not data_dir else proc.stdout.replace(str(data_dir), DATA)
    parse(key, output)  # fail now, not at render time
    return {
        "command": command(key),
        "output": output,
        "seconds": round(seconds, 1),
        "load": round(os.getloadavg()[0], 1),  # other jobs' share of the machine
    }


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 2**20:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        ram = "unknown RAM"
    import numpy as np

    blas = "unknown BLAS"
    try:
        from threadpoolctl import threadpool_info

        libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if libs:
            blas = f"{libs[0]['internal_api']} {libs[0]['version']}"
    except ImportError:
        pass
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores, {ram}",
        "software": f"Python {platform.python_version()}, numpy {np.__version__} with {blas}",
        "load": f"{os.getloadavg()[0]:.1f}",
    }


def values(store: dict[str, dict]) -> dict[str, object]:
    """The template's fields: per run its parsed numbers, ``wall`` and ``command``."""
    loads = [entry["load"] for entry in store["runs"].values() if "load" in entry]
    if loads:  # runs stored by older versions of this script have none
        load = f"load average {min(loads)} to {max(loads)} at the ends of the runs"
    else:
        load = f"load average {store['machine']['load']} when the runs started"
    fields: dict[str, object] = {"machine": {**store["machine"], "load": load}}
    for key in RUNS:
        entry = store["runs"][key]
        fields[key] = {
            **parse(key, entry["output"]),
            "wall": f"{entry['seconds']:.1f} s",
            "command": f"`{entry['command']}`",
            "output": entry["output"].rstrip("\n"),
        }
    runs = {key: fields[key] for key in RUNS}
    fields["ablation_table"] = ablation_table(runs)  # type: ignore[arg-type]
    fields["ablation"] = ablation_summary(runs)  # type: ignore[arg-type]
    fields["ablation_command"] = f"`{command(ablation_key('base', ABLATION_SEEDS[0]))}`"
    return fields


def ablation_summary(fields: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Per ablation: its seeds' mean test accuracy, the change from ``base``, the spread."""
    out: dict[str, dict[str, str]] = {}
    base = 0.0
    for name in ABLATIONS:
        accs = [float(fields[ablation_key(name, seed)]["acc"]) for seed in ABLATION_SEEDS]
        # Sums of two 2-decimal numbers: round the mean half up, as a reader would.
        mean = round(sum(accs) / len(accs) + 1e-9, 2)
        base = mean if name == "base" else base
        out[name] = {
            "mean": f"{mean:.2f}",
            "delta": f"{mean - base:+.2f}",
            "spread": f"{max(accs) - min(accs):.2f}",
        }
    return out


def ablation_table(fields: dict[str, dict[str, str]]) -> str:
    """The ablation rows: test accuracy per seed, their mean and its change."""
    seeds = ", ".join(map(str, ABLATION_SEEDS))
    summary = ablation_summary(fields)
    lines = [
        f"| change from the default | test accuracy, seeds {seeds} | mean | vs. default | "
        "train accuracy (last epoch) | wall time (each) | options |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, (label, flags) in ABLATIONS.items():
        runs = [fields[ablation_key(name, seed)] for seed in ABLATION_SEEDS]
        delta = "" if name == "base" else summary[name]["delta"]
        options = "`" + " ".join(flags) + "`" if flags else "(none)"
        lines.append(
            f"| {label} | {' / '.join(r['acc'] + ' %' for r in runs)} | "
            f"**{summary[name]['mean']} %** | {delta} | "
            f"{' / '.join(r['train_acc'] + ' %' for r in runs)} | "
            f"{' / '.join(r['wall'] for r in runs)} | {options} |"
        )
    return "\n".join(lines)


def render(store: dict[str, dict]) -> str:
    """docs/results.md as the stored outputs make it."""
    return TEMPLATE.read_text(encoding="utf-8").format(**values(store))


def load_store() -> dict[str, dict]:
    return json.loads(STORE.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quick", action="store_true", help="only the runs that need no MNIST")
    which.add_argument("--only", nargs="+", choices=sorted(RUNS), metavar="RUN", help="these runs")
    which.add_argument(
        "--ablations",
        action="store_true",
        help="the MNIST runs of dropout, normalisation, AdamW and warm-up",
    )
    which.add_argument("--render", action="store_true", help="re-render from the stored outputs")
    which.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--data-dir", default=os.environ.get("AUTOGRAD_MLP_DATA"))
    args = parser.parse_args(argv)

    store = load_store() if STORE.exists() else {"machine": {}, "runs": {}}
    if args.check:
        if PAGE.read_text(encoding="utf-8") != render(store):
            print("docs/results.md is not the rendering of scripts/results.json; run "
                  "python scripts/make_results.py --render")  # fmt: skip
            return 1
        return 0
    if not args.render:
        keys = QUICK if args.quick else (args.only or list(RUNS))
        if args.ablations:
            keys = [ablation_key(name, seed) for name in ABLATIONS for seed in ABLATION_SEEDS]
        if any(RUNS[k].needs_mnist for k in keys):
            store["machine"] = machine()
        for key in keys:
            print(f"running {key}: {command(key)}", flush=True)
            store["runs"][key] = execute(key, args.data_dir)
            print(
                f"  {parse(key, store['runs'][key]['output'])}, {store['runs'][key]['seconds']} s"
            )
        STORE.write_text(json.dumps(store, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    PAGE.write_text(render(store), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
