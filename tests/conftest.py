"""Shared pytest configuration: hypothesis profiles.

``ci`` (loaded when the ``CI`` environment variable is set, as CI runs do) is
derandomized, so a red build reproduces locally with ``CI=true pytest``. ``dev``
explores new random examples each run; ``HYPOTHESIS_PROFILE=<name>`` picks one
explicitly. Neither has a deadline: timings on a shared 2-core machine are too
noisy to fail a test over.
"""

from __future__ import annotations

import os

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
