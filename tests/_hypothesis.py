"""Hypothesis profiles, chosen with ``ECRKIT_HYPOTHESIS_PROFILE`` (default ``ci``).

- ``ci``: derandomized (the same examples every run, so CI is reproducible), no
  deadline (a shared 2-core VM makes timings meaningless), 100 examples a test.
- ``thorough``: random, 1,000 examples a test; for local runs before a release.
- ``quick``: derandomized, 20 examples a test; for extra interpreter versions.

Tests never hard-code an example count: :func:`examples` scales the count a test
wants under ``ci`` by the active profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_BASE = 100
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=_BASE, derandomize=True, deadline=None, suppress_health_check=_SLOW
)
settings.register_profile(
    "thorough", max_examples=10 * _BASE, deadline=None, suppress_health_check=_SLOW
)
settings.register_profile(
    "quick", max_examples=_BASE // 5, derandomize=True, deadline=None, suppress_health_check=_SLOW
)
PROFILE = os.environ.get("ECRKIT_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(under_ci: int) -> int:
    """``under_ci`` examples scaled by the active profile (at least 1)."""
    active = settings.default
    assert active is not None
    return max(1, round(under_ci * active.max_examples / _BASE))
