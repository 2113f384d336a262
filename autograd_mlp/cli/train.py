"""``autograd-mlp train``: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Declare the ``train`` subcommand."""
    parser = subparsers.add_parser("train", help="(train: not implemented yet)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``train``."""
    print("autograd-mlp train: not implemented yet")
    return 1
