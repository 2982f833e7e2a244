"""Every fault of the fault server, through an operation, a paginator and a waiter.

Each case scripts one fault (see ``Mode``) into a fresh client's path over the real
``AiohttpTransport`` and checks:

- the outcome: retried and succeeded, or the right ``EcrkitError`` subclass with its
  HTTP status, error code and request id (where the server sent one);
- the attempts: the server saw exactly that many requests, each signed, and the
  error (or ``response_metadata.retry_attempts``) says so;
- the backoff: the injected sleep got exactly the standard mode's full-jitter delays
  ``random() * min(2 ** (n - 1), 20)`` (the global generator is seeded, as in
  tests/functional/test_client_retries.py), after the waiter's own delay if any;
- no leak: nothing acquired in the connector, every fd accounted for, and back to
  the baseline after close;
- the client still serves the next call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from ecrkit._exceptions import (
    ConnectionError,
    EcrkitError,
    ResponseParseError,
    ResponseTooLargeError,
    ServiceError,
    TimeoutError,
    WaiterUnexpectedError,
)
from ecrkit.errors import ServerException
from tests.faults import FAULTS, Fault, FaultServer, open_fds
from tests.functional._support import Sleeps

from ._support import (
    STEPS,
    WAITER_DELAY,
    Mode,
    Path,
    Run,
    assert_no_leaks,
    close_and_check_fds,
    config_for,
    modes_for,
    open_client,
    run_path,
    script_for,
)


@dataclass(frozen=True)
class Expected:
    """What a fault turns into when it is not (or no longer) retried."""

    error: type[EcrkitError]
    status: int | None = None
    code: str | None = None
    request_id: bool = False  # the server's x-amzn-RequestId reaches the error


EXPECTED: dict[Fault, Expected | None] = {
    Fault.THROTTLE: Expected(ServiceError, 400, "ThrottlingException", True),
    Fault.HTTP_500: Expected(ServerException, 500, "ServerException", True),
    Fault.HTTP_502: Expected(ServiceError, 502, "502", True),
    Fault.HTTP_503: Expected(ServiceError, 503, "ServiceUnavailableException", True),
    Fault.HTTP_504: Expected(ServiceError, 504, "504", True),
    Fault.HTML_PAGE: Expected(ServiceError, 502, "502", False),
    Fault.RESET_BEFORE_HEADERS: Expected(ConnectionError),
    Fault.RESET_MID_BODY: Expected(ConnectionError),
    Fault.TRUNCATED_JSON: Expected(ResponseParseError, 200, None, True),
    Fault.NOT_JSON: Expected(ResponseParseError, 200, None, True),
    Fault.LENGTH_OVER: Expected(ConnectionError),
    Fault.LENGTH_UNDER: Expected(ConnectionError),
    Fault.STALL: Expected(TimeoutError),
    Fault.STALL_BODY: Expected(TimeoutError),
    Fault.TRICKLE: None,  # slow, not broken: it succeeds
    Fault.HUGE_BODY: Expected(ResponseTooLargeError, 200, None, True),
    Fault.HUGE_CHUNKED: Expected(ResponseTooLargeError, 200, None, True),
    # An error page over the size limit is cut there: its status decides, like any 503.
    Fault.HUGE_ERROR: Expected(ServiceError, 503, "503", False),
}


CASES = [
    pytest.param(fault, mode, path, id=f"{fault}-{mode}-{path}")
    for fault in FAULTS
    for mode in modes_for(fault)
    for path in Path
]


def test_every_fault_is_in_the_matrix() -> None:
    assert set(EXPECTED) == set(FAULTS)
    assert len(CASES) == 3 * sum(len(modes_for(f)) for f in FAULTS) == 105


def _backoff(rng: random.Random, retries: int) -> list[float]:
    """The standard mode's delays before retries 1..retries (3 attempts at most here)."""
    return [rng.random() * min(2 ** (n - 1), 20) for n in range(1, retries + 1)]


def check_success(run: Run, path: Path, attempts: int) -> None:
    assert run.error is None, f"unexpected {run.error!r}"
    if path is Path.OPERATION:
        assert [r.repository_name for r in run.result.repositories] == ["api"]
        assert run.result.response_metadata.retry_attempts == attempts - 1
    elif path is Path.PAGINATOR:
        tags = [d.image_tags[0] for page in run.result for d in page.image_details]
        assert tags == [f"v{n}" for n in range(1, 7)]
        assert [p.response_metadata.retry_attempts for p in run.result] == [0, attempts - 1, 0]
    else:
        assert run.result.image_scan_status.status == "COMPLETE"
        assert run.result.response_metadata.retry_attempts == attempts - 1


def check_error(
    run: Run, path: Path, expected: Expected, attempts: int, last_request_index: int
) -> None:
    error = run.error
    assert error is not None, "the call succeeded"
    if path is Path.WAITER and issubclass(expected.error, ServiceError):
        # A service error no acceptor expects ends the wait; the error rides along.
        assert type(error) is WaiterUnexpectedError
        assert error.attempts == 2  # the waiter's polls
        assert error.last_response is None
        error = error.last_error
        assert error is not None
    assert type(error) is expected.error, f"{type(error).__name__}: {error}"
    assert isinstance(error, EcrkitError)
    assert error.attempts == attempts
    if path is Path.PAGINATOR:
        assert run.pages == 1  # the first page arrived before the fault
    status = getattr(error, "status_code", None)
    request_id = getattr(error, "request_id", None)
    assert status == expected.status
    if expected.code is not None:
        assert isinstance(error, ServiceError)
        assert error.code == expected.code
    want_id = f"fault-{last_request_index:04d}" if expected.request_id else None
    assert request_id == want_id
    if isinstance(error, ServiceError | ResponseParseError | ResponseTooLargeError):
        assert error.operation_name == (
            "DescribeRepositories"
            if path is Path.OPERATION
            else "DescribeImages"
            if path is Path.PAGINATOR
            else "DescribeImageScanFindings"
        )
    if isinstance(error, TimeoutError):
        assert "read timeout" in str(error)


@pytest.mark.parametrize(("fault", "mode", "path"), CASES)
async def test_fault(
    faults: FaultServer, seeded_random: random.Random, fault: Fault, mode: Mode, path: Path
) -> None:
    attempts, succeeds = STEPS[mode]
    # The paginator meets the fault on its second page, the waiter on its second poll.
    lead = 0 if path is Path.OPERATION else 1
    faults.script(*([None] * lead), *script_for(fault, mode))
    baseline = open_fds()
    sleeps = Sleeps()
    client = open_client(faults, sleep=sleeps, config=config_for(fault))
    try:
        run = await run_path(client, path)

        faulted = faults.requests[lead : lead + attempts]
        assert len(faulted) == attempts
        assert all(r.signed and r.amz_date for r in faults.requests)
        assert len({r.operation for r in faulted}) == 1
        assert faults.pending == 0
        if succeeds:
            check_success(run, path, attempts)
            tail = 1 if path is Path.PAGINATOR else 0  # the third page
        else:
            expected = EXPECTED[fault]
            assert expected is not None
            check_error(run, path, expected, attempts, faulted[-1].index)
            tail = 0
        assert len(faults.requests) == lead + attempts + tail

        waiter_sleeps = [WAITER_DELAY] if path is Path.WAITER else []
        assert sleeps.delays == pytest.approx(waiter_sleeps + _backoff(seeded_random, attempts - 1))
        await assert_no_leaks(client, baseline)

        # Still usable: the next call goes through on its first attempt.
        seen = len(faults.requests)
        resp = await client.describe_repositories()
        assert resp.response_metadata.retry_attempts == 0
        assert len(faults.requests) == seen + 1
        await assert_no_leaks(client, baseline)
    finally:
        await close_and_check_fds(client, baseline)
