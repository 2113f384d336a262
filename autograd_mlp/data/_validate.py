"""Argument checks shared by the data modules, so errors read the same everywhere.

Examples
--------
>>> check_int("batch_size", 32, minimum=1)
32
"""

from __future__ import annotations

import math
import numbers

__all__ = ["check_int", "check_nonneg_float"]


def check_int(
    name: str, value: object, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an ``int`` if it is an integer within bounds, else raise.

    Bools are rejected: ``batch_size=True`` is a bug, not a batch of one.

    Examples
    --------
    >>> check_int("n_bits", 3, minimum=1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_nonneg_float(name: str, value: object) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number >= 0, else raise.

    Examples
    --------
    >>> check_nonneg_float("noise", 0.2)
    0.2
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value
