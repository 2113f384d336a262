"""Re-export of the combined error classes, which live in :mod:`autograd_mlp.errors`.

Kept so ``from autograd_mlp.ops._errors import OpTypeError`` (e.g. in ``creation``)
keeps working; new code should import from :mod:`autograd_mlp.errors`.
"""

from __future__ import annotations

from ..errors import OpAxisError, OpIndexError, OpTypeError

__all__ = ["OpAxisError", "OpIndexError", "OpTypeError"]
