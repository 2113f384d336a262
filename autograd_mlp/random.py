"""The package's random generator, shared by initialisation, dropout and shuffling.

Minimal stand-in (the api branch owns the full module): exactly
``manual_seed(seed)`` and ``default_generator()``.

Examples
--------
>>> from autograd_mlp import random
>>> random.manual_seed(0); a = random.default_generator().random()
>>> random.manual_seed(0); a == random.default_generator().random()
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["default_generator", "manual_seed"]

# Unseeded until manual_seed(): like PyTorch, runs differ unless asked otherwise.
_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Reseed the generator everything random in the package draws from."""
    global _generator
    _generator = np.random.default_rng(seed)


def default_generator() -> np.random.Generator:
    """The generator :func:`manual_seed` last set."""
    return _generator
