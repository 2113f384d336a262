"""The ``autograd-mlp`` command (also ``python -m autograd_mlp``).

Each subcommand lives in its own module with two functions: ``add_parser``
declares its flags, ``run`` does the work and returns an exit code. Errors a user
can cause (bad flags, missing files, unknown datasets) are reported as one clear
line on stderr with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from . import evaluate, graph, train

# Each module: add_parser(subparsers) -> None, and run(args) -> int.
SUBCOMMANDS = (train, evaluate, graph)


class CLIError(Exception):
    """A user error: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``autograd-mlp`` with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="autograd-mlp",
        description="Train, evaluate and draw MLPs with the autograd_mlp engine.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-mlp {__version__}")
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
    try:
        return int(args.run(args) or 0)
    except (CLIError, FileNotFoundError, ValueError) as exc:
        print(f"autograd-mlp {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
