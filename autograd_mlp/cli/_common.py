"""What every subcommand shares: the user-error type, argparse value types,
one-line parser errors, and the checks on output paths (done before any work).

Examples
--------
>>> positive_int("3")
3
>>> plural(1, "epoch"), plural(2, "epoch")
('1 epoch', '2 epochs')
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

__all__ = [
    "CLIError",
    "check_outputs",
    "error",
    "int_list",
    "nonneg_float",
    "nonneg_int",
    "one_line_errors",
    "plural",
    "positive_float",
    "positive_int",
]


class CLIError(Exception):
    """A user error: printed as one line, exit status 2."""


def error(message: str) -> NoReturn:
    """Raise :class:`CLIError` with ``message`` squeezed onto one line."""
    raise CLIError(" ".join(str(message).split()))


def plural(n: int, word: str) -> str:
    """``"1 epoch"``, ``"2 epochs"``."""
    return f"{n} {word}{'s' * (n != 1)}"


# --------------------------------------------------------------------------- values
def _parsed(text: str, parse: Callable[[str], Any], ok: Callable[[Any], bool], what: str) -> Any:
    """``parse(text)`` if it succeeds and the value is ``ok``; else argparse's error."""
    try:
        value = parse(text)
        valid = ok(value)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _parsed(text, int, lambda v: v >= 1, "a positive integer")


def nonneg_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    return _parsed(text, int, lambda v: v >= 0, "an integer >= 0")


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    return _parsed(text, float, lambda v: math.isfinite(v) and v > 0, "a number > 0")


def nonneg_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    return _parsed(text, float, lambda v: math.isfinite(v) and v >= 0, "a number >= 0")


def probability(text: str) -> float:
    """argparse type: a number in [0, 1)."""
    return _parsed(text, float, lambda v: 0 <= v < 1, "a number in [0, 1)")


def int_list(text: str) -> list[int]:
    """argparse type: comma-separated positive integers, e.g. ``100,200``."""
    return _parsed(
        text,
        lambda t: [int(part) for part in t.split(",")],
        lambda values: all(v >= 1 for v in values),
        "positive integers separated by commas (e.g. 100,200)",
    )


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make ``parser`` report bad options in one line (no usage block), exit status 2."""

    def fail(message: str) -> NoReturn:
        parser.exit(2, f"{parser.prog}: error: {message} (see {parser.prog} --help)\n")

    parse_known_args = parser.parse_known_args

    def strict_parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        # A subcommand's unknown options would otherwise reach the top-level parser,
        # which prints its usage block and does not name the subcommand.
        namespace, extras = parse_known_args(args, namespace)
        if extras:
            fail(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    parser.error = fail  # type: ignore[method-assign]
    parser.parse_known_args = strict_parse_known_args  # type: ignore[method-assign]
    return parser


def add_overwrite(parser: argparse.ArgumentParser) -> None:
    """The ``--overwrite`` flag of commands that write files."""
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing output files that this package did not write "
        "(default: refuse; a checkpoint of this package is always replaced)",
    )


# --------------------------------------------------------------------------- outputs
def check_outputs(
    outputs: Iterable[tuple[str, str | os.PathLike[str] | None, Callable[[Path], bool] | None]],
    overwrite: bool,
) -> dict[str, Path]:
    """Check every output before any work: ``(flag, path, ours)`` triples, where
    ``ours(path)`` says whether an existing file is one of the package's.

    Refuses one file given for two outputs (symlinks and ``..`` resolved), a
    missing or read-only directory, a directory, FIFO, device or read-only
    file at the path, and an existing file that is not ours unless
    ``overwrite``. Returns flag → real target.
    """
    from ..data._atomic import check_target, resolve_target

    given = [(flag, path, ours) for flag, path, ours in outputs if path is not None]
    seen: dict[Path, str] = {}
    for flag, path, _ in given:
        target = resolve_target(path)
        if target in seen:
            error(f"{flag} {path} is the same file as {seen[target]}; give two different files")
        seen[target] = f"{flag} {path}"
    out: dict[str, Path] = {}
    for flag, path, ours in given:
        try:
            out[flag], _ = check_target(path, overwrite=overwrite, ours=ours, what=flag)
        except OSError as exc:
            error(str(exc))
    return out


def pct(value: float | None) -> str:
    """``12.34%``, or ``-`` when undefined."""
    return "-" if value is None else f"{100 * value:.2f}%"


def result_line(loss: float, acc: float | None, n: int, what: str, name: str) -> str:
    """The final line of ``train`` and ``evaluate``: test accuracy and loss."""
    return f"test accuracy {pct(acc)}  (loss {loss:.4f}, {n} test {what} of {name})"
