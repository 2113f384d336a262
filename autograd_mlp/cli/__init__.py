"""The ``autograd-mlp`` command (also ``python -m autograd_mlp``).

Each subcommand lives in its own module with two functions: ``add_parser``
declares its flags, ``run`` does the work and returns an exit code. Errors a user
can cause (bad flags, missing files, unknown datasets) are reported as one clear
line on stderr with a non-zero exit, never a traceback.

The command owns its process, so it sets the number of BLAS threads, which a
library must not (it is process-wide): 1 by default, because for these small
layers one thread is as fast or faster, and far faster when other programs
share the cores (``docs/performance.md`` has the measurements). threadpoolctl,
a dependency, does this; if it is missing anyway, ``--blas-threads N`` is an
error and the default of 1 is reported on stderr, never silently skipped. See
:func:`blas_threads` for how to choose another number or opt out.

Shared pieces live in their own modules (``_common``: errors, value types,
output checks; ``_datasets``; ``_models``: rebuilding a saved model); no
subcommand imports another.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from .. import __version__
from . import evaluate, graph, predict, train
from ._common import CLIError

__all__ = ["BLAS_LIBRARY_VARIABLES", "BLAS_THREADS_VARIABLE", "CLIError", "blas_threads", "main"]

# Each module: add_parser(subparsers) -> None, and run(args) -> int.
SUBCOMMANDS = (train, evaluate, predict, graph)


#: Environment variable with the BLAS threads for a command: a number, or ``default``.
BLAS_THREADS_VARIABLE = "AUTOGRAD_MLP_BLAS_THREADS"

#: Set by a user who has chosen the BLAS threads already: the command keeps that choice.
BLAS_LIBRARY_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
)


def _threads_value(text: str, source: str = "--blas-threads") -> int | None:
    """A positive number of threads, or ``None`` for ``default``."""
    value = text.strip().lower()
    if value == "default":
        return None
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise CLIError(f"{source} must be a positive number of threads or 'default', got {text!r}")


def blas_threads(flag: str | None, environ: Mapping[str, str] = os.environ) -> int | None:
    """How many BLAS threads a command runs with; ``None`` leaves BLAS alone.

    In order: ``--blas-threads N`` (or ``default``); then
    ``$AUTOGRAD_MLP_BLAS_THREADS`` (the same values); then, if any of
    ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` or
    ``BLIS_NUM_THREADS`` is set, the BLAS library has read it already and is
    left alone; otherwise 1.

    Examples
    --------
    >>> blas_threads(None, {}), blas_threads("2", {}), blas_threads(None, {"OMP_NUM_THREADS": "4"})
    (1, 2, None)
    >>> blas_threads(None, {"AUTOGRAD_MLP_BLAS_THREADS": "default"}) is None
    True
    """
    if flag is not None:
        return _threads_value(flag)
    value = environ.get(BLAS_THREADS_VARIABLE, "").strip()
    if value:
        return _threads_value(value, f"${BLAS_THREADS_VARIABLE}")
    if any(environ.get(name, "").strip() for name in BLAS_LIBRARY_VARIABLES):
        return None
    return 1


@contextmanager
def _blas_threads_limited(threads: int | None, explicit: bool) -> Iterator[None]:
    """Run the block with ``threads`` BLAS threads, then restore the previous
    setting (so in-process callers, such as tests, keep theirs)."""
    if threads is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        message = (
            "threadpoolctl is not installed, so the BLAS threads cannot be set "
            "(pip install threadpoolctl)"
        )
        if explicit:
            raise CLIError(f"--blas-threads {threads}: {message}") from None
        print(f"autograd-mlp: warning: {message}; BLAS keeps its default", file=sys.stderr)
        yield
        return
    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``autograd-mlp`` with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="autograd-mlp",
        description="Train, evaluate and draw MLPs with the autograd_mlp engine.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-mlp {__version__}")
    parser.add_argument(
        "--blas-threads",
        metavar="N",
        help="BLAS threads for the command: a number, or 'default' to leave BLAS alone "
        f"(default: ${BLAS_THREADS_VARIABLE}, else 1 unless OPENBLAS_NUM_THREADS or "
        "OMP_NUM_THREADS is set)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the chosen subcommand.

    Examples
    --------
    >>> from autograd_mlp.cli import main
    >>> main(["--version"])  # doctest: +SKIP
    autograd-mlp 0.1.0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from ..runtime import tune_malloc

    tune_malloc()
    explicit = args.blas_threads is not None or bool(os.environ.get(BLAS_THREADS_VARIABLE))
    try:
        with _blas_threads_limited(blas_threads(args.blas_threads), explicit):
            return int(args.run(args) or 0)
    except (CLIError, OSError, ValueError) as exc:
        message = " ".join(str(exc).split())
        print(f"autograd-mlp {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"autograd-mlp {args.command}: interrupted", file=sys.stderr)
        return 130
