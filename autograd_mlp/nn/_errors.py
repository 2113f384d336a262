"""Errors that are both the package's :class:`OpError` and numpy's class for the fault.

So ``except IndexError`` and ``except OpError`` both catch a bad embedding index.
(Stand-ins until ``autograd_mlp.errors`` provides such combined classes.)
"""

from __future__ import annotations

from ..errors import OpError


class ModuleIndexError(OpError, IndexError):
    """An index given to a module is out of range."""


class ModuleTypeError(OpError, TypeError):
    """An input given to a module has the wrong type or dtype."""
