"""Shared pytest configuration: hypothesis profiles and the package's plugin.

``ci`` (loaded when the ``CI`` environment variable is set, as CI runs do) is
derandomized, so a red build reproduces locally with ``CI=true pytest``. ``dev``
explores new random examples each run; ``HYPOTHESIS_PROFILE=<name>`` picks one
explicitly. Neither has a deadline: timings on a shared 2-core machine are too
noisy to fail a test over.

The package's pytest plugin (fixtures ``gradcheck``, ``assert_grads_close``,
option ``--gradcheck-examples``) is loaded here when the installed entry point
has not loaded it already (a checkout run before ``pip install``). Unless that
option says otherwise, ``check_op`` draws as many examples per op as the
hypothesis profile's ``max_examples``, like every other property test here.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

PLUGIN = "autograd_mlp.testing.pytest_plugin"


def _plugin_autoloaded() -> bool:
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        return False
    return any(ep.value == PLUGIN for ep in importlib.metadata.entry_points(group="pytest11"))


# The entry point is named after the module, so even listing it twice would not
# register it twice; skipping it when installed keeps that true under any name.
pytest_plugins = [] if _plugin_autoloaded() else [PLUGIN]


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("gradcheck_examples", None) is None:
        from autograd_mlp.testing import set_default_examples

        set_default_examples(settings.default.max_examples)


def optional(module: str, extra: str) -> Any:
    """Import an optional dependency for a test: skip when it is missing on a
    developer's machine, but fail on CI, which installs every extra, so a test
    can never be silently skipped where coverage is counted."""
    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{module} is not installed (python -m pip install -e '.[{extra}]')"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it")
        pytest.skip(message)
