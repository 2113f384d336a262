"""Shared pytest configuration: hypothesis profiles.

``ci`` (loaded when the ``CI`` environment variable is set, as CI runs do) is
derandomized, so a red build reproduces locally with ``CI=true pytest``. ``dev``
explores new random examples each run; ``HYPOTHESIS_PROFILE=<name>`` picks one
explicitly. Neither has a deadline: timings on a shared 2-core machine are too
noisy to fail a test over.
"""

from __future__ import annotations

import importlib
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
