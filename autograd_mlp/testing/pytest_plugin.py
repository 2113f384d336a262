"""pytest plugin: gradient-check fixtures and ``--gradcheck-examples N``.

Installed with the package (entry point ``pytest11``), so any project that has
autograd_mlp installed gets, in its tests:

* the fixture ``gradcheck``: :func:`autograd_mlp.testing.gradcheck` itself;
* the fixture ``assert_grads_close``: :func:`autograd_mlp.testing.assert_grads_close`,
  whose failure names the tensor, the element and both values;
* the option ``--gradcheck-examples N``: how many examples
  :func:`autograd_mlp.testing.check_op` draws when a test does not say
  (50 by default), e.g. fewer on CI, more for a soak run.

Turn it off with ``-p no:autograd_mlp.testing.pytest_plugin``.

Examples
--------
A test file using the fixtures (no imports needed)::

    def test_my_model(gradcheck, assert_grads_close):
        ...
        assert gradcheck(net, [x])
        assert_grads_close(net, {"layers.0.weight": torch_w.grad, ...})
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .check import set_default_examples
from .compare import assert_grads_close as _assert_grads_close
from .gradcheck import gradcheck as _gradcheck

OPTION = "--gradcheck-examples"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"{OPTION} must be >= 1, got {value}")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograd_mlp", "autograd_mlp gradient checks")
    group.addoption(
        OPTION,
        action="store",
        type=_positive,
        default=None,
        metavar="N",
        dest="gradcheck_examples",
        help="examples autograd_mlp.testing.check_op draws when a test does not say (default 50)",
    )


_PREVIOUS = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    n = config.getoption("gradcheck_examples", None)
    if n is not None:
        config.stash[_PREVIOUS] = set_default_examples(n)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PREVIOUS in config.stash:
        set_default_examples(config.stash[_PREVIOUS])


def pytest_report_header(config: pytest.Config) -> str | None:
    n = config.getoption("gradcheck_examples", None)
    return None if n is None else f"autograd_mlp: check_op draws {n} examples per op"


@pytest.fixture
def gradcheck() -> Callable[..., bool]:
    """:func:`autograd_mlp.testing.gradcheck`, as a fixture."""
    return _gradcheck


@pytest.fixture
def assert_grads_close() -> Iterator[Callable[..., None]]:
    """:func:`autograd_mlp.testing.assert_grads_close`, as a fixture."""
    yield _assert_grads_close
