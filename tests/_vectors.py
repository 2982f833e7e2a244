"""Locate the shared AWS test vectors (``../shared/vectors``); skip when absent.

CI always has them; a user's fresh clone does not, so tests that need them skip
with a reason instead of failing. ``ECRKIT_VECTORS`` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VECTORS = Path(os.environ.get("ECRKIT_VECTORS", PROJECT_ROOT.parent / "shared" / "vectors"))


def vectors_dir(*parts: str) -> Path:
    """Return ``VECTORS/<parts>``, or skip the calling test if it is absent."""
    path = VECTORS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test vectors not found at {path} (set ECRKIT_VECTORS)")
    return path


def vectors_available(*parts: str) -> bool:
    """True when ``VECTORS/<parts>`` exists (for parametrizing at collection time)."""
    return VECTORS.joinpath(*parts).exists()
