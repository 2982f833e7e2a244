"""Retries through the whole client: MockTransport answers, the sleep is injected.

The client exposes no jitter source, but the standard strategy draws from the
module-level ``random.random``, so seeding the global generator (state restored
afterwards) makes the backoff delays exact.
"""

from __future__ import annotations

import builtins
import random
from collections.abc import Iterator
from datetime import timedelta

import pytest

from ecrkit import ClientConfig
from ecrkit._exceptions import ConnectionError, ServiceError, TimeoutError
from ecrkit.errors import LimitExceededException
from ecrkit.http import HttpResponse

from ._support import (
    T0,
    Clock,
    Sleeps,
    amz_date,
    error_response,
    http_date,
    json_response,
    make_client,
    scripted,
)

SEED = 20300102


@pytest.fixture
def seeded_random() -> Iterator[random.Random]:
    """Seed the global generator; yield an identically seeded copy to predict it."""
    saved = random.getstate()
    random.seed(SEED)
    try:
        yield random.Random(SEED)
    finally:
        random.setstate(saved)


async def test_throttling_then_success_retries_once() -> None:
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(
            error_response(400, "ThrottlingException", "Rate exceeded"),
            json_response(body={"repositories": []}),
        ),
        sleep=sleeps,
    )
    async with client as ecr:
        resp = await ecr.describe_repositories()

    assert resp.repositories == []
    assert len(transport.requests) == 2
    assert len(sleeps.delays) == 1
    assert 0 <= sleeps.delays[0] <= 1
    assert resp.response_metadata.retry_attempts == 1


async def test_persistent_503_fails_after_three_attempts_with_full_jitter_backoff(
    seeded_random: random.Random,
) -> None:
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(json_response(503, body=None, request_id="req-503")), sleep=sleeps
    )
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_repositories()

    exc = caught.value
    assert type(exc) is ServiceError  # not a modeled subclass
    assert exc.code == "503"  # an empty body: the status is the code
    assert exc.status_code == 503
    assert exc.request_id == "req-503"
    assert exc.attempts == 3
    assert len(transport.requests) == 3
    # Retry n waits random() * min(2 ** (n - 1), 20): caps of 1 s then 2 s.
    assert sleeps.delays == pytest.approx([seeded_random.random() * 1, seeded_random.random() * 2])
    assert 0 <= sleeps.delays[0] <= 1
    assert 0 <= sleeps.delays[1] <= 2


async def test_503_body_code_is_reported() -> None:
    client, transport = make_client(
        scripted(error_response(503, "ServiceUnavailableException", "try later"))
    )
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_registry()
    assert caught.value.code == "ServiceUnavailableException"
    assert caught.value.message == "try later"
    assert len(transport.requests) == 3


@pytest.mark.parametrize(
    ("failure", "cost"),
    [
        pytest.param(json_response(500, body=None), 5, id="http-500"),
        pytest.param(TimeoutError("read timeout"), 10, id="timeout"),
    ],
)
async def test_retry_quota_is_drained_and_then_nothing_is_retried(
    failure: HttpResponse | BaseException, cost: int
) -> None:
    """500 tokens per client: a retry costs 5 (10 after a timeout)."""
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(failure),
        sleep=sleeps,
        config=ClientConfig(max_attempts=1000),
    )
    retries_affordable = 500 // cost
    async with client as ecr:
        with pytest.raises((ServiceError, TimeoutError)) as first:
            await ecr.describe_registry()
        assert len(transport.requests) == 1 + retries_affordable
        assert first.value.attempts == 1 + retries_affordable
        assert len(sleeps.delays) == retries_affordable
        assert all(0 <= d <= 20 for d in sleeps.delays)

        # The quota is empty, and it is shared by every call of the client.
        with pytest.raises((ServiceError, TimeoutError)) as second:
            await ecr.describe_registry()
        assert len(transport.requests) == 2 + retries_affordable
        assert second.value.attempts == 1
        assert len(sleeps.delays) == retries_affordable


async def test_quota_refill_from_successes_is_small() -> None:
    """After the quota is drained, a success adds 1 token: not enough for a retry (5)."""
    answers = [json_response(500, body=None)] * 101 + [json_response(), json_response(500)]
    client, transport = make_client(scripted(*answers), config=ClientConfig(max_attempts=1000))
    async with client as ecr:
        with pytest.raises(ServiceError):
            await ecr.describe_registry()
        assert len(transport.requests) == 101
        await ecr.describe_registry()  # succeeds first time
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_registry()
    assert caught.value.attempts == 1
    assert len(transport.requests) == 103


async def test_limit_exceeded_is_not_retried() -> None:
    client, transport = make_client(
        scripted(
            error_response(400, "LimitExceededException", "too many repositories"),
            json_response(),
        )
    )
    async with client as ecr:
        with pytest.raises(LimitExceededException) as caught:
            await ecr.create_repository(repository_name="api")
    assert len(transport.requests) == 1
    assert caught.value.attempts == 1
    assert caught.value.code == "LimitExceededException"
    assert caught.value.message == "too many repositories"


@pytest.mark.parametrize(
    "error",
    [ConnectionError("POST host:443: connection reset"), TimeoutError("POST host:443: timeout")],
    ids=["connection", "timeout"],
)
async def test_transport_error_is_retried_then_succeeds(error: Exception) -> None:
    sleeps = Sleeps()
    client, transport = make_client(scripted(error, json_response()), sleep=sleeps)
    async with client as ecr:
        resp = await ecr.describe_registry()
    assert len(transport.requests) == 2
    assert len(sleeps.delays) == 1
    assert resp.response_metadata.retry_attempts == 1


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        (ConnectionError("POST host:443: connection reset"), ConnectionError),
        (TimeoutError("POST host:443: read timeout"), TimeoutError),
    ],
    ids=["connection", "timeout"],
)
async def test_persistent_transport_error_is_raised_as_itself(
    error: Exception, cls: type[Exception]
) -> None:
    sleeps = Sleeps()
    client, transport = make_client(scripted(error), sleep=sleeps)
    async with client as ecr:
        with pytest.raises(cls) as caught:
            await ecr.describe_registry()
    assert type(caught.value) is cls
    assert getattr(caught.value, "attempts", None) == 3
    assert len(transport.requests) == 3
    assert len(sleeps.delays) == 2
    if cls is TimeoutError:
        assert isinstance(caught.value, builtins.TimeoutError)


async def test_non_retryable_4xx_is_not_retried() -> None:
    client, transport = make_client(scripted(error_response(400, "ValidationException")))
    async with client as ecr:
        with pytest.raises(ServiceError):
            await ecr.describe_registry()
    assert len(transport.requests) == 1


# -- clock skew --------------------------------------------------------------


def _skew_error(server_time_offset: timedelta, clock: Clock) -> HttpResponse:
    return error_response(
        400,
        "InvalidSignatureException",
        "Signature expired: 20300102T030405Z is now earlier than 20300102T035905Z",
        {"Date": http_date(clock() + server_time_offset)},
    )


async def test_clock_skew_is_corrected_and_retried_once_for_free() -> None:
    clock = Clock()
    sleeps = Sleeps()
    hour = timedelta(hours=1)
    client, transport = make_client(
        scripted(_skew_error(hour, clock), json_response()),
        sleep=sleeps,
        now=clock,
    )
    async with client as ecr:
        resp = await ecr.describe_registry()
        assert len(transport.requests) == 2
        assert amz_date(transport.requests[0]) == T0
        assert amz_date(transport.requests[1]) == T0 + hour
        # The corrected retry is immediate and is not a retry attempt.
        assert sleeps.delays == []
        assert resp.response_metadata.retry_attempts == 0

        # The offset sticks: the next call is signed with server time right away.
        await ecr.describe_registry()
        assert len(transport.requests) == 3
        assert amz_date(transport.requests[2]) == T0 + hour


async def test_second_skew_error_in_one_call_is_not_retried_again() -> None:
    clock = Clock()
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(
            _skew_error(timedelta(hours=1), clock),
            _skew_error(timedelta(hours=2), clock),
            json_response(),
        ),
        sleep=sleeps,
        now=clock,
    )
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_registry()
    exc = caught.value
    assert exc.code == "InvalidSignatureException"
    assert exc.status_code == 400
    assert len(transport.requests) == 2
    assert sleeps.delays == []
    # The free skew retry is not counted: the runtime reports one attempt.
    assert exc.attempts == 1


async def test_signature_error_without_skewed_date_is_not_retried() -> None:
    clock = Clock()
    client, transport = make_client(
        scripted(_skew_error(timedelta(minutes=1), clock), json_response()),
        now=clock,
    )
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_registry()
    assert caught.value.code == "InvalidSignatureException"
    assert len(transport.requests) == 1


# -- adaptive mode -------------------------------------------------------------


async def test_adaptive_mode_throttling_then_success_uses_the_injected_sleep() -> None:
    clock = Clock()
    sleeps = Sleeps(clock)
    client, transport = make_client(
        scripted(
            error_response(400, "ThrottlingException"),
            error_response(400, "ThrottlingException"),
            json_response(body={"registryId": "123456789012"}),
        ),
        sleep=sleeps,
        now=clock,
        config=ClientConfig(retry_mode="adaptive"),
    )
    async with client as ecr:
        resp = await ecr.describe_registry()
        assert resp.registry_id == "123456789012"
        assert resp.response_metadata.retry_attempts == 2
        assert len(transport.requests) == 3
        # Two backoffs plus the rate limiter's waits, all through the injected
        # sleep (a limiter on the real clock would spin on it millions of times).
        assert 3 <= len(sleeps.delays) <= 8
        assert sum(sleeps.delays) < 30

        # The limiter stays on after throttling; later calls still only fake-wait.
        for _ in range(5):
            await ecr.describe_registry()
        assert len(transport.requests) == 8
        assert len(sleeps.delays) <= 40
