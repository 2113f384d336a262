"""The errors modules raise that are both :class:`~autograd_mlp.errors.OpError` and
numpy's class for the fault, so ``except IndexError`` and ``except OpError`` both
catch a bad embedding index.

They are the combined classes of :mod:`autograd_mlp.errors`, under the names
``nn`` code uses.
"""

from __future__ import annotations

from ..errors import OpIndexError as ModuleIndexError
from ..errors import OpTypeError as ModuleTypeError

__all__ = ["ModuleIndexError", "ModuleTypeError"]
