"""ecrkit's pytest plugin (entry point ``pytest11``: ``ecrkit``): the LocalECR fixtures.

- ``ecr_local``: one :class:`~ecrkit.testing.LocalECR` per test session (started on
  first use, in its own threads: any event loop, or none, can use it).
- ``ecr_client``: an :class:`~ecrkit.ECRClient` bound to it, opened for one test and
  closed after it; the server's state is reset before each test that uses it.

Loading the plugin imports only pytest (and pytest-asyncio's fixture decorator when
it is installed, which pytest has loaded already): ecrkit, moto and aiohttp load when
a fixture is first used. ``ecr_client`` is an async fixture marked for pytest-asyncio,
so it works in its ``auto`` and ``strict`` modes alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ecrkit import ECRClient
    from ecrkit.testing import LocalECR

_async_fixture: Callable[..., Any]
try:
    from pytest_asyncio import fixture as _async_fixture
except ImportError:  # another async plugin (anyio, ...) runs async fixtures itself
    _async_fixture = pytest.fixture


@pytest.fixture(scope="session")
def ecr_local() -> Iterator[LocalECR]:
    """A LocalECR for the whole session (moto behind ECR-like paging, on 127.0.0.1)."""
    from ecrkit.testing import LocalECR

    with LocalECR() as local:
        yield local


@_async_fixture
async def ecr_client(ecr_local: LocalECR) -> AsyncIterator[ECRClient]:
    """An ECRClient bound to ``ecr_local``, whose state is reset before the test."""
    ecr_local.reset()
    async with ecr_local.client() as client:
        yield client
