"""The package's one source of randomness (minimal version; see API.md).

Examples
--------
>>> from autograd_mlp import random
>>> random.manual_seed(0)
>>> a = random.default_generator().random()
>>> random.manual_seed(0)
>>> a == random.default_generator().random()
True
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Reseed the generator that everything random in the package draws from."""
    global _generator
    _generator = np.random.default_rng(seed)


def default_generator() -> np.random.Generator:
    """The generator that everything random in the package draws from."""
    return _generator
