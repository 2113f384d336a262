"""Global switch for graph recording: ``no_grad`` and ``enable_grad``.

Recording is on by default. Inside ``no_grad`` ops still compute their values but
build no graph, which is what evaluation and optimiser updates want.
"""

from __future__ import annotations

import contextlib

# A one-element list rather than a bare bool so the hot path reads it without a
# ``global`` statement or a function call.
_enabled = [True]


def is_grad_enabled() -> bool:
    """Return whether ops currently record a graph.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> with ag.no_grad():
    ...     ag.is_grad_enabled()
    False
    """
    return _enabled[0]


class _GradMode(contextlib.ContextDecorator):
    _mode: bool

    def __enter__(self) -> None:
        self._previous = _enabled[0]
        _enabled[0] = self._mode

    def __exit__(self, *exc: object) -> None:
        _enabled[0] = self._previous


class no_grad(_GradMode):  # noqa: N801 - lower case, like torch.no_grad
    """Context manager and decorator that turns graph recording off.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> with ag.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Context manager and decorator that turns graph recording back on inside ``no_grad``.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor(1.0, requires_grad=True)
    >>> with ag.no_grad(), ag.enable_grad():
    ...     (w * 2).requires_grad
    True
    """

    _mode = True
