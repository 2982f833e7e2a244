"""Cancelling a call, a pagination or a wait at each of its await points.

In every scenario task A is stopped at a known point (the server stalls its request,
the injected sleep blocks, or the consumer waits between two pages), while task B,
a call on the same client, is in flight (held by the server's gate). Stopping A,
by ``task.cancel()`` or by an enclosing ``asyncio.timeout()`` that expires, must:

- raise ``CancelledError`` (or the builtin ``TimeoutError`` of ``asyncio.timeout``,
  never an ecrkit error) in A only, without any further request from A;
- leave B to succeed once the gate opens;
- leak nothing (no acquired connection, every fd accounted for, baseline after close);
- leave the client usable.

The client's read timeout is 5 s here so that no ecrkit timeout fires first. The
``asyncio.timeout`` is armed with no deadline and rescheduled to "now" once A is at
its point, so nothing depends on how fast this machine is.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from ecrkit import ECRClient
from ecrkit._exceptions import EcrkitError
from tests.faults import Fault, FaultServer, open_fds

from ._support import assert_no_leaks, close_and_check_fds, open_client


class BlockingSleep:
    """An injected sleep that records each delay and, once armed, blocks until released."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.armed = False
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.armed:
            self.entered.set()
            await self.release.wait()


@dataclass
class Task:
    """Task A's work and the event that says it has reached its stopping point."""

    work: Callable[[], Awaitable[object]]
    reached: asyncio.Event
    requests: int  # what the server has seen from A by then
    pages: list[object]


def scenario_task(name: str, client: ECRClient, faults: FaultServer, sleep: BlockingSleep) -> Task:
    pages: list[object] = []
    page_seen = asyncio.Event()

    async def call() -> object:
        return await client.describe_repositories()

    async def paginate(hold: bool) -> object:
        paginator = client.get_paginator("describe_images")
        async for page in paginator.paginate(repository_name="api"):
            pages.append(page)
            page_seen.set()
            if hold:
                await asyncio.Event().wait()  # the consumer's own await, between pages
        return pages

    async def wait() -> object:
        return await client.get_waiter("image_scan_complete").wait(
            repository_name="api",
            image_id={"image_tag": "v1"},
            waiter_config={"delay": 1.0, "max_attempts": 10},
        )

    faults.scan_statuses = ["IN_PROGRESS"]  # the waiter never finishes by itself
    if name == "mid-request":
        faults.script(Fault.STALL)
        return Task(call, faults.stalled, 1, pages)
    if name == "mid-retry-sleep":
        faults.script(Fault.HTTP_503)
        sleep.armed = True
        return Task(call, sleep.entered, 1, pages)
    if name == "between-pages":
        return Task(lambda: paginate(hold=True), page_seen, 1, pages)
    if name == "page-request":
        faults.script(None, Fault.STALL)
        return Task(lambda: paginate(hold=False), faults.stalled, 2, pages)
    if name == "waiter-sleeping":
        sleep.armed = True
        return Task(wait, sleep.entered, 1, pages)
    assert name == "waiter-calling"  # its second poll stalls
    faults.script(None, Fault.STALL)
    return Task(wait, faults.stalled, 2, pages)


SCENARIOS = [
    "mid-request",
    "mid-retry-sleep",
    "between-pages",
    "page-request",
    "waiter-sleeping",
    "waiter-calling",
]


@pytest.mark.parametrize("how", ["cancel", "asyncio-timeout"])
@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_stopping_a_task_affects_that_task_only(
    faults: FaultServer, scenario: str, how: str
) -> None:
    baseline = open_fds()
    sleep = BlockingSleep()
    client = open_client(faults, sleep=sleep)  # read timeout 5 s
    a_work = scenario_task(scenario, client, faults, sleep)
    deadline: list[asyncio.Timeout] = []

    async def task_a() -> object:
        if how == "cancel":
            return await a_work.work()
        async with asyncio.timeout(None) as cm:
            deadline.append(cm)
            return await a_work.work()

    try:
        a = asyncio.create_task(task_a())
        async with asyncio.timeout(5):
            await a_work.reached.wait()
        assert len(faults.requests) == a_work.requests

        # B: a call on the same client, in flight while A is stopped.
        faults.gate = asyncio.Event()
        b = asyncio.create_task(client.describe_repositories())
        await faults.wait_for_requests(a_work.requests + 1)

        if how == "cancel":
            a.cancel()
            with pytest.raises(asyncio.CancelledError):
                await a
            assert a.cancelled()
        else:
            deadline[0].reschedule(asyncio.get_running_loop().time())
            with pytest.raises(builtins.TimeoutError) as caught:
                await a
            assert type(caught.value) is builtins.TimeoutError
            assert not isinstance(caught.value, EcrkitError)
            assert not a.cancelled()

        assert not b.done()
        faults.gate.set()
        resp = await asyncio.wait_for(b, 5)
        assert [r.repository_name for r in resp.repositories] == ["api"]
        assert resp.response_metadata.retry_attempts == 0

        # Nothing more from A: no retry, no next page, no next poll.
        assert len(faults.requests) == a_work.requests + 1
        if scenario in ("between-pages", "page-request"):
            assert len(a_work.pages) == 1
        if scenario == "mid-retry-sleep":
            assert len(sleep.delays) == 1
        await assert_no_leaks(client, baseline)

        sleep.armed = False
        again = await client.describe_repositories()
        assert again.response_metadata.retry_attempts == 0
        assert len(faults.requests) == a_work.requests + 2
        await assert_no_leaks(client, baseline)
    finally:
        sleep.release.set()
        await close_and_check_fds(client, baseline)
