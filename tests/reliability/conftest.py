"""Fixtures of the reliability tests (helpers are in ``_support.py``).

- ``faults``: a :class:`~tests.faults.FaultServer` on 127.0.0.1, one per test.
- ``seeded_random``: the global generator (the retry jitter's source) seeded, and
  restored afterwards; the fixture's value is an identically seeded twin.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.faults import FaultServer, fault_server

SEED = 20260601


@pytest.fixture
async def faults() -> AsyncIterator[FaultServer]:
    async with fault_server() as server:
        yield server


@pytest.fixture
def seeded_random() -> Iterator[random.Random]:
    saved = random.getstate()
    random.seed(SEED)
    try:
        yield random.Random(SEED)
    finally:
        random.setstate(saved)
