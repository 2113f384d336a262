"""Per-thread switch for graph recording: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

Recording is on by default. Inside ``no_grad`` ops still compute their values but
build no graph, which is what evaluation and optimiser updates want.

The switch belongs to the running thread, as in PyTorch: one thread's
``no_grad()`` (or its ``backward()``, which records nothing while it walks) never
changes what another thread records. Each context manager saves the mode it
replaces on a per-thread stack, not on itself, so one object may be entered
again while it is active (a decorated recursive function) and in several threads
at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


class _State:
    """What the engine keeps per thread (grad mode, module scope, observers)."""

    __slots__ = ("grad_enabled", "saved_modes", "scope", "observers", "tracer")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.saved_modes: list[bool] = []  # modes replaced by the managers entered
        self.scope: list[str] = []  # names of the nn.Modules running (Module.__call__)
        self.observers: list[Callable[[Any], None]] = []  # engine.observe callbacks
        self.tracer: Any = None  # the ag.jit trace recording this thread's ops, if any


class _PerThread(threading.local):
    # __init__ runs once in every thread that touches ``_local``. The state is
    # one plain object, so the hot path pays for a single thread-local lookup
    # (``_local.state``) and then reads ordinary slots.
    def __init__(self) -> None:
        self.state = _State()


#: ``_local.state`` is the running thread's :class:`_State`.
_local = _PerThread()


def is_grad_enabled() -> bool:
    """Return whether ops record a graph in this thread.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> with ag.no_grad():
    ...     ag.is_grad_enabled()
    False
    """
    return _local.state.grad_enabled


class _GradMode(contextlib.ContextDecorator):
    """Set grad mode on entry, restore the replaced mode on exit."""

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)

    def __enter__(self) -> None:
        state = _local.state
        state.saved_modes.append(state.grad_enabled)
        state.grad_enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        state = _local.state
        state.grad_enabled = state.saved_modes.pop()


class no_grad(_GradMode):  # noqa: N801 - lower case, like torch.no_grad
    """Context manager and decorator that turns graph recording off in this thread.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> with ag.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    def __init__(self) -> None:
        super().__init__(False)


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

    def __init__(self) -> None:
        super().__init__(True)


class set_grad_enabled(_GradMode):  # noqa: N801
    """Set grad mode to ``flag`` in this thread: at once when called, and back to
    the previous mode when used as a context manager or decorator, as in PyTorch.

    Examples
    --------
    >>> import autograd_mlp as ag
    >>> with ag.set_grad_enabled(False):
    ...     ag.is_grad_enabled()
    False
    >>> ag.is_grad_enabled()
    True
    """

    def __init__(self, flag: bool) -> None:
        super().__init__(flag)
        self._previous = _local.state.grad_enabled
        _local.state.grad_enabled = self._mode

    def __enter__(self) -> None:
        # The mode was set by the call; what to restore is the mode before it.
        _local.state.saved_modes.append(self._previous)

    def __call__(self, func: _F) -> _F:
        # As a decorator, the call above must not change the mode of the code
        # defining the function; each call of ``func`` sets it afresh.
        _local.state.grad_enabled = self._previous
        return super().__call__(func)

    def _recreate_cm(self) -> _GradMode:  # type: ignore[override]
        return _GradMode(self._mode)
