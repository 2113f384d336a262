"""The package's one source of randomness.

Everything random in autograd_mlp (``rand``/``randn``/``randint``, weight
initialisation, dropout, data shuffling defaults) draws from
:func:`default_generator`, so one :func:`manual_seed` call makes a run
reproducible. Unseeded, the generator starts from fresh OS entropy and runs
differ, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

__all__ = ["default_generator", "manual_seed"]

# A one-element list so manual_seed can swap the generator and every caller of
# default_generator() sees the new one, wherever it imported this module from.
_generator = [np.random.default_rng()]


def manual_seed(seed: int) -> None:
    """Seed everything random in the package.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> ag.manual_seed(0); a = ag.rand(3)
    >>> ag.manual_seed(0); b = ag.rand(3)
    >>> bool((a == b).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {seed!r}")
    _generator[0] = np.random.default_rng(int(seed))


def default_generator() -> np.random.Generator:
    """The generator every random function of the package draws from.

    Examples
    --------
    >>> from autograd_mlp.random import default_generator
    >>> 0.0 <= default_generator().random() < 1.0
    True
    """
    return _generator[0]
