"""Helpers shared by the reliability tests (the fixtures are in ``conftest.py``).

- :func:`open_client`: an ``ECRClient`` against it over the real ``AiohttpTransport``,
  with a recording, non-waiting ``sleep`` and small timeouts.
- :func:`assert_no_leaks`: no acquired connection, and every open file descriptor
  accounted for (the baseline plus two per idle pooled connection: the client's
  socket and the server's end of it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiohttp

from ecrkit import ClientConfig, Credentials, ECRClient
from ecrkit._exceptions import EcrkitError
from ecrkit.http import AiohttpTransport
from tests.faults import RETRYABLE, Fault, FaultServer, open_fds
from tests.functional._support import Sleeps

REGION = "us-east-1"
ACCESS_KEY = "AKIDRELIABILITY00001"
SECRET_KEY = "reliability/Secret+Access/Key0123456789abcdef"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjReliabilitySessionToken//////////wEaCXVzLWVhc3QtMSJH"
CREDENTIALS = Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
#: The huge bodies (256 KiB) exceed the 64 KiB limit. The read timeout is generous,
#: so that a busy machine cannot turn a normal answer into a spurious timeout ...
CONFIG = ClientConfig(read_timeout=5.0, connect_timeout=2.0, max_response_bytes=64 * 1024)
#: ... except where a timeout is the point: a stall costs 0.2 s an attempt.
STALL_CONFIG = ClientConfig(read_timeout=0.2, connect_timeout=2.0, max_response_bytes=64 * 1024)


def open_client(
    server: FaultServer,
    *,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    config: ClientConfig = CONFIG,
    **options: Any,
) -> ECRClient:
    """A client for ``server`` (real aiohttp transport); ``sleep`` defaults to a recorder."""
    options.setdefault("credentials", CREDENTIALS)
    return ECRClient(
        region=REGION,
        endpoint_url=server.url,
        config=config,
        sleep=sleep or Sleeps(),
        **options,
    )


def connector(client: ECRClient) -> aiohttp.BaseConnector:
    """The client's connection pool (the client must have made a call)."""
    runtime = client._runtime
    assert runtime is not None
    transport = runtime.transport
    assert isinstance(transport, AiohttpTransport)
    pool = transport.connector
    assert pool is not None
    return pool


def idle_connections(pool: aiohttp.BaseConnector) -> int:
    """Keep-alive connections parked in the pool."""
    return sum(len(conns) for conns in pool._conns.values())


async def settle_fds(expected: Callable[[], int], what: str, within: float = 3.0) -> None:
    """Wait (bounded) until the open fd count equals ``expected()``: closes land a loop
    iteration or two after the call that caused them, on either end of a connection."""
    deadline = time.monotonic() + within
    while True:
        now, want = open_fds(), expected()
        if now == want:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: {now} file descriptors open, expected {want}")
        await asyncio.sleep(0.005)


async def assert_no_leaks(client: ECRClient, baseline_fds: int) -> None:
    """Nothing acquired, and no fd beyond the baseline and the idle pool's connections."""
    pool = connector(client)
    assert len(pool._acquired) == 0, f"{len(pool._acquired)} connection(s) still acquired"
    await settle_fds(
        lambda: baseline_fds + 2 * idle_connections(pool), "with the client open (idle pool)"
    )
    assert len(pool._acquired) == 0


async def close_and_check_fds(client: ECRClient, baseline_fds: int) -> None:
    """Close the client; every fd it caused (on both ends) goes away."""
    await client.close()
    await settle_fds(lambda: baseline_fds, "after closing the client")


# -- the fault matrix ---------------------------------------------------------------

WAITER_DELAY = 0.5


class Mode(StrEnum):
    """How a fault is scripted into the attempts of one call."""

    ONCE = "once"  # a retryable fault, then a normal answer: retried, succeeds
    ALWAYS = "always"  # a retryable fault on all 3 attempts: the typed error
    FIRST = "first"  # a non-retryable fault: the typed error at once
    AFTER_RETRY = "after-retry"  # a 503, then a non-retryable fault: the error, 2 attempts
    SLOW = "slow"  # the trickle: succeeds on the first attempt


class Path(StrEnum):
    """How the faulted call is made."""

    OPERATION = "operation"
    PAGINATOR = "paginator"
    WAITER = "waiter"


STEPS: dict[Mode, tuple[int, bool]] = {  # mode -> (attempts, succeeds)
    Mode.ONCE: (2, True),
    Mode.ALWAYS: (3, False),
    Mode.FIRST: (1, False),
    Mode.AFTER_RETRY: (2, False),
    Mode.SLOW: (1, True),
}


def modes_for(fault: Fault) -> tuple[Mode, ...]:
    """The modes that make sense for ``fault`` (see :class:`Mode`)."""
    if fault is Fault.TRICKLE:
        return (Mode.SLOW,)
    if fault in RETRYABLE:
        return (Mode.ONCE, Mode.ALWAYS)
    return (Mode.FIRST, Mode.AFTER_RETRY)


def config_for(fault: Fault) -> ClientConfig:
    """The short read timeout for the stalls and the trickle, the generous one otherwise."""
    return STALL_CONFIG if fault in (Fault.STALL, Fault.STALL_BODY, Fault.TRICKLE) else CONFIG


def script_for(fault: Fault, mode: Mode) -> list[Fault]:
    """What the server answers the attempts of the faulted call with."""
    if mode is Mode.ALWAYS:
        return [fault] * 3
    if mode is Mode.AFTER_RETRY:
        return [Fault.HTTP_503, fault]
    return [fault]


@dataclass
class Run:
    """What one path produced."""

    result: Any = None
    error: BaseException | None = None
    pages: int = 0


async def run_path(client: ECRClient, path: Path) -> Run:
    """Drive ``path`` to its end; errors are returned, not raised."""
    run = Run()
    try:
        if path is Path.OPERATION:
            run.result = await client.describe_repositories()
        elif path is Path.PAGINATOR:
            pages = []
            async for page in client.get_paginator("describe_images").paginate(
                repository_name="api"
            ):
                pages.append(page)
                run.pages = len(pages)
            run.result = pages
        else:
            run.result = await client.get_waiter("image_scan_complete").wait(
                repository_name="api",
                image_id={"image_tag": "v1"},
                waiter_config={"delay": WAITER_DELAY, "max_attempts": 4},
            )
    except EcrkitError as exc:
        run.error = exc
    return run
