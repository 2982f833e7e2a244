"""The waiters through a real client over a ``MockTransport`` with an injected sleep.

Nothing sleeps for real: the injected sleep records each delay (and advances the
client's monotonic clock by it, which the Smithy ``max_wait`` budget reads).
The Smithy schedule is checked against a reference written from the Smithy
waiter specification ("Waiter retries").
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrkit._waiters import smithy_delay
from ecrkit.errors import (
    ImageNotFoundException,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)
from ecrkit.http import HttpResponse
from ecrkit.models import DescribeImageScanFindingsResponse, GetLifecyclePolicyPreviewResponse
from ecrkit.waiters import (
    ImageScanCompleteWaiter,
    LifecyclePolicyPreviewCompleteWaiter,
    WaiterConfig,
)
from tests._hypothesis import examples

from ._support import Sleeps, error_response, json_response, make_client, scripted

EXAMPLES = settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def preview(status: str) -> HttpResponse:
    return json_response(body={"repositoryName": "repo", "status": status, "previewResults": []})


def scan(status: str) -> HttpResponse:
    return json_response(body={"repositoryName": "repo", "imageScanStatus": {"status": status}})


# -- LifecyclePolicyPreviewComplete (moto has no lifecycle preview) -------------


async def test_preview_complete_after_two_in_progress() -> None:
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(preview("IN_PROGRESS"), preview("IN_PROGRESS"), preview("COMPLETE")),
        sleep=sleeps,
    )
    async with client as ecr:
        waiter = ecr.get_waiter("lifecycle_policy_preview_complete")
        assert isinstance(waiter, LifecyclePolicyPreviewCompleteWaiter)
        assert waiter.name == "LifecyclePolicyPreviewComplete"
        result = await waiter.wait(repository_name="repo")
    assert isinstance(result, GetLifecyclePolicyPreviewResponse)
    assert result.status == "COMPLETE"
    assert result.response_metadata.http_status_code == 200
    assert len(transport.requests) == 3
    assert sleeps.delays == [5, 5]
    for request in transport.requests:
        assert request.headers["X-Amz-Target"].endswith(".GetLifecyclePolicyPreview")
        assert request.body == b'{"repositoryName":"repo"}'


async def test_preview_failed_is_waiter_failure_error() -> None:
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(preview("IN_PROGRESS"), preview("FAILED")), sleep=sleeps
    )
    async with client as ecr:
        with pytest.raises(WaiterFailureError) as caught:
            await ecr.get_waiter("lifecycle_policy_preview_complete").wait(repository_name="repo")
    error = caught.value
    assert error.waiter_name == "LifecyclePolicyPreviewComplete"
    assert error.attempts == 2
    assert isinstance(error.last_response, GetLifecyclePolicyPreviewResponse)
    assert error.last_response.status == "FAILED"
    assert error.last_error is None
    assert "'FAILED'" in str(error)
    assert len(transport.requests) == 2
    assert sleeps.delays == [5]


@pytest.mark.parametrize(
    ("config", "calls", "delay"),
    [({"delay": 1, "max_attempts": 4}, 4, 1), (None, 20, 5), ({"max_attempts": 2}, 2, 5)],
)
async def test_preview_never_complete_times_out_after_max_attempts(
    config: WaiterConfig | None, calls: int, delay: float
) -> None:
    sleeps = Sleeps()
    client, transport = make_client(scripted(preview("IN_PROGRESS")), sleep=sleeps)
    async with client as ecr:
        with pytest.raises(WaiterTimeoutError) as caught:
            await ecr.get_waiter("lifecycle_policy_preview_complete").wait(
                repository_name="repo", waiter_config=config
            )
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert len(transport.requests) == calls
    assert error.attempts == calls
    assert sleeps.delays == [delay] * (calls - 1)
    assert "IN_PROGRESS" in str(error)
    assert f"{calls} attempts" in str(error)
    assert isinstance(error.last_response, GetLifecyclePolicyPreviewResponse)
    assert error.last_response.status == "IN_PROGRESS"


# -- ImageScanComplete ---------------------------------------------------------


async def test_scan_complete_returns_the_complete_response() -> None:
    sleeps = Sleeps()
    client, transport = make_client(scripted(scan("IN_PROGRESS"), scan("COMPLETE")), sleep=sleeps)
    async with client as ecr:
        waiter = ecr.get_waiter("image_scan_complete")
        assert isinstance(waiter, ImageScanCompleteWaiter)
        result = await waiter.wait(repository_name="repo", image_id={"image_tag": "v1"})
    assert isinstance(result, DescribeImageScanFindingsResponse)
    assert result.image_scan_status is not None
    assert result.image_scan_status.status == "COMPLETE"
    assert sleeps.delays == [5]
    assert len(transport.requests) == 2


async def test_scan_status_staying_active_times_out_naming_active() -> None:
    """Continuous scanning reports ACTIVE, which no acceptor matches."""
    sleeps = Sleeps()
    client, transport = make_client(scripted(scan("ACTIVE")), sleep=sleeps)
    async with client as ecr:
        with pytest.raises(WaiterTimeoutError, match="ACTIVE") as caught:
            await ecr.get_waiter("image_scan_complete").wait(
                repository_name="repo", image_id={"image_tag": "v1"}
            )
    assert "imageScanStatus.status was 'ACTIVE'" in str(caught.value)
    assert caught.value.attempts == len(transport.requests) == 60
    assert sleeps.delays == [5] * 59


async def test_missing_status_keeps_waiting() -> None:
    client, transport = make_client(
        scripted(json_response(body={}), scan("COMPLETE")), sleep=Sleeps()
    )
    async with client as ecr:
        result = await ecr.get_waiter("image_scan_complete").wait(
            repository_name="repo", image_id={"image_tag": "v1"}
        )
    assert result.image_scan_status is not None
    assert len(transport.requests) == 2


async def test_unexpected_service_error_is_waiter_unexpected_error() -> None:
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(scan("IN_PROGRESS"), error_response(400, "ImageNotFoundException", "gone")),
        sleep=sleeps,
    )
    async with client as ecr:
        with pytest.raises(WaiterUnexpectedError) as caught:
            await ecr.get_waiter("image_scan_complete").wait(
                repository_name="repo", image_id={"image_tag": "v1"}
            )
    error = caught.value
    assert isinstance(error.last_error, ImageNotFoundException)
    assert error.last_error.code == "ImageNotFoundException"
    assert error.last_response is None
    assert error.attempts == 2
    assert "ImageNotFoundException" in str(error)
    assert len(transport.requests) == 2
    assert sleeps.delays == [5]


# -- cancellation --------------------------------------------------------------


async def test_cancelling_a_sleeping_waiter_stops_it_at_once() -> None:
    sleeping = asyncio.Event()
    never = asyncio.Event()

    async def sleep(delay: float) -> None:
        sleeping.set()
        await never.wait()

    client, transport = make_client(scripted(scan("IN_PROGRESS")), sleep=sleep)
    async with client as ecr:
        task = asyncio.create_task(
            ecr.get_waiter("image_scan_complete").wait(
                repository_name="repo", image_id={"image_tag": "v1"}
            )
        )
        await sleeping.wait()
        assert len(transport.requests) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
        for _ in range(5):
            await asyncio.sleep(0)
        assert len(transport.requests) == 1


# -- configuration errors ------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"delay": 1, "max_wait": 30}, ValueError),  # fixed and Smithy keys mixed
        ({"max_attempts": 3, "min_delay": 1}, ValueError),
        ({"max_attempts": 0}, ValueError),
        ({"delay": -1}, ValueError),
        ({"min_delay": 0}, ValueError),
        ({"min_delay": 10, "max_delay": 5}, ValueError),
        ({"max_delay": 1}, ValueError),  # below the default min_delay of 2
        ({"MaxAttempts": 3}, TypeError),
        ({"timeout": 30}, TypeError),
    ],
)
async def test_invalid_waiter_config(config: dict[str, Any], error: type[Exception]) -> None:
    client, transport = make_client(scripted(preview("COMPLETE")))
    async with client as ecr:
        with pytest.raises(error, match="waiter_config"):
            await ecr.get_waiter("lifecycle_policy_preview_complete").wait(
                repository_name="repo",
                waiter_config=config,  # type: ignore[arg-type]
            )
    assert transport.requests == []


async def test_get_waiter_unknown_name_is_value_error() -> None:
    client, _ = make_client()
    async with client as ecr:
        for name in ("nope", "ImageScanComplete", "describe_image_scan_findings"):
            with pytest.raises(ValueError, match="image_scan_complete"):
                ecr.get_waiter(name)  # type: ignore[call-overload]


# -- the Smithy schedule -------------------------------------------------------


def reference_delays(
    min_delay: float,
    max_delay: float,
    max_wait: float,
    random_between: Callable[[float, float], float],
) -> list[float]:
    """The delays of a waiter that never succeeds, straight from the Smithy spec.

    Requests take no time here; ``attempt`` counts retries (1 before the first).
    """
    delays: list[float] = []
    elapsed = 0.0
    attempt = 0
    while True:
        attempt += 1
        remaining = max_wait - elapsed
        attempt_ceiling = (math.log(max_delay / min_delay) / math.log(2)) + 1
        if attempt > attempt_ceiling:  # noqa: SIM108 - as the spec writes it
            delay = max_delay
        else:
            delay = min_delay * 2 ** (attempt - 1)
        delay = random_between(min_delay, delay)
        last_attempt = False
        if remaining - delay <= min_delay:
            delay = remaining
            last_attempt = True
        delays.append(delay)
        elapsed += delay
        if last_attempt:
            return delays


def smithy_delay_schedule(
    min_delay: float, max_delay: float, max_wait: float, uniform: Callable[[float, float], float]
) -> list[float]:
    """The same schedule, from ecrkit's ``smithy_delay``."""
    delays: list[float] = []
    elapsed = 0.0
    attempt = 0
    while True:
        attempt += 1
        remaining = max_wait - elapsed
        delay = smithy_delay(attempt, remaining, min_delay, max_delay, uniform)
        delays.append(delay)
        if delay >= remaining:
            return delays
        elapsed += delay


def test_smithy_spec_example_shape() -> None:
    """The spec's worked example (2, 120, 300) ends with a last attempt at 300 s."""
    delays = reference_delays(2, 120, 300, random.Random(7).uniform)
    assert math.isclose(sum(delays), 300)
    assert all(2 <= d <= 120 for d in delays[:-1])
    assert 300 - sum(delays[:-1]) - delays[-1] == pytest.approx(0)


@pytest.mark.parametrize("seed", [0, 1, 7, 42, 2024, 99999])
def test_smithy_delay_matches_the_spec(seed: int) -> None:
    ours = smithy_delay_schedule(2, 120, 300, random.Random(seed).uniform)
    theirs = reference_delays(2, 120, 300, random.Random(seed).uniform)
    assert ours == theirs


@EXAMPLES
@given(
    seed=st.integers(0, 2**32 - 1),
    bounds=st.tuples(st.integers(1, 30), st.integers(1, 200)).map(sorted),
    max_wait=st.integers(1, 3600),
)
def test_smithy_delay_total_never_exceeds_max_wait(
    seed: int, bounds: list[int], max_wait: int
) -> None:
    min_delay, max_delay = bounds
    ours = smithy_delay_schedule(min_delay, max_delay, max_wait, random.Random(seed).uniform)
    theirs = reference_delays(min_delay, max_delay, max_wait, random.Random(seed).uniform)
    assert ours == theirs
    assert sum(ours) <= max_wait + 1e-9
    assert all(d <= max_delay for d in ours[:-1])


class FakeClock:
    """A monotonic clock that only the fake sleep moves."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.delays: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.now += delay


@pytest.mark.parametrize("seed", [0, 3, 11, 12345])
async def test_waiter_engine_follows_the_spec_schedule_exactly(seed: int) -> None:
    calls = 0

    async def call(params: dict[str, Any]) -> GetLifecyclePolicyPreviewResponse:
        nonlocal calls
        calls += 1
        return GetLifecyclePolicyPreviewResponse(status="IN_PROGRESS")

    clock = FakeClock()
    waiter = LifecyclePolicyPreviewCompleteWaiter(
        call, sleep=clock.sleep, monotonic=clock.monotonic, uniform=random.Random(seed).uniform
    )
    with pytest.raises(WaiterTimeoutError, match="max_wait of 300 s"):
        await waiter.wait(
            repository_name="repo",
            waiter_config={"min_delay": 2, "max_delay": 120, "max_wait": 300},
        )
    expected = reference_delays(2, 120, 300, random.Random(seed).uniform)
    # The jittered delays are identical; the last one (the remaining time) is read
    # off a clock that does not start at 0, so it may differ in the last bits.
    assert clock.delays[:-1] == expected[:-1]
    assert clock.delays[-1] == pytest.approx(expected[-1], rel=1e-12)
    assert calls == len(clock.delays) + 1


@contextmanager
def seeded_global_random(seed: int) -> Iterator[None]:
    """The client's waiters draw jitter from ``random.uniform``: seed it, then restore it."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


@EXAMPLES
@given(seed=st.integers(0, 2**32 - 1))
async def test_smithy_waiter_times_out_within_max_wait(seed: int) -> None:
    """Through the client, on its (injected-sleep) clock; jitter seeded per example."""
    sleeps = Sleeps()
    client, transport = make_client(scripted(preview("IN_PROGRESS")), sleep=sleeps)
    with seeded_global_random(seed):
        async with client as ecr:
            with pytest.raises(WaiterTimeoutError, match="IN_PROGRESS") as caught:
                await ecr.get_waiter("lifecycle_policy_preview_complete").wait(
                    repository_name="repo",
                    waiter_config={"min_delay": 2, "max_delay": 120, "max_wait": 300},
                )
    assert sum(sleeps.delays) <= 300
    assert sum(sleeps.delays) == pytest.approx(300, abs=0.5)  # the last attempt uses it all
    assert all(2 <= d <= 120 for d in sleeps.delays[:-1])
    assert len(transport.requests) == caught.value.attempts == len(sleeps.delays) + 1


async def test_smithy_waiter_succeeds_as_soon_as_complete() -> None:
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(preview("IN_PROGRESS"), preview("COMPLETE")), sleep=sleeps
    )
    async with client as ecr:
        result = await ecr.get_waiter("lifecycle_policy_preview_complete").wait(
            repository_name="repo", waiter_config={"min_delay": 3, "max_delay": 3, "max_wait": 60}
        )
    assert result.status == "COMPLETE"
    assert sleeps.delays == [3]
    assert len(transport.requests) == 2
