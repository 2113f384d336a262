"""``autograd-mlp graph``: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``graph`` subcommand."""
    parser = subparsers.add_parser("graph", help="(graph: not implemented yet)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``graph``."""
    print("autograd-mlp graph: not implemented yet")
    return 1
