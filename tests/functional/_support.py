"""Shared fakes for the client functional tests: clock, sleep, scripted transport.

No test here sleeps for real: the client gets ``sleep=`` (a recorder) and
``now=`` (a settable clock), and its HTTP goes to a ``MockTransport``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from ecrkit import ClientConfig, Credentials, ECRClient
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.testing import MockTransport

REGION = "us-east-1"
ACCESS_KEY = "AKIDFUNCTIONAL0001"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFUNCTIONALSECRET"
SESSION_TOKEN = "FwoGZXIvYXdzEFUNCTIONALSESSIONTOKEN/+=="
CREDENTIALS = Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, SignedHeaders=(?P<signed>[^,]+), "
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


class Clock:
    """A wall clock that only moves when told to (aware UTC datetimes)."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Sleeps:
    """An injected ``sleep`` that records each delay and returns at once."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.delays: list[float] = []
        self._clock = clock

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self._clock is not None:
            self._clock.advance(delay)


def json_response(
    status: int = 200,
    body: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    request_id: str | None = "req-0001",
) -> HttpResponse:
    """A JSON 1.1 response (``x-amzn-RequestId`` set unless ``request_id`` is None)."""
    all_headers = {"Content-Type": "application/x-amz-json-1.1"}
    if request_id is not None:
        all_headers["x-amzn-RequestId"] = request_id
    all_headers.update(headers or {})
    return HttpResponse(status, all_headers, json.dumps(body or {}).encode())


def error_response(
    status: int,
    code: str,
    message: str = "error message",
    headers: Mapping[str, str] | None = None,
    *,
    request_id: str | None = "req-0001",
) -> HttpResponse:
    """An AWS JSON error response with ``__type`` and ``message``."""
    return json_response(
        status, {"__type": code, "message": message}, headers, request_id=request_id
    )


def http_date(when: datetime) -> str:
    """An RFC 7231 ``Date`` header value."""
    return format_datetime(when.astimezone(UTC), usegmt=True)


Step = HttpResponse | BaseException


def scripted(*steps: Step) -> Callable[[HttpRequest], HttpResponse]:
    """A handler answering the n-th request with ``steps[n]`` (the last step repeats).

    A step that is an exception is raised instead of answering.
    """
    if not steps:
        raise ValueError("need at least one step")
    calls = 0

    def handler(request: HttpRequest) -> HttpResponse:
        nonlocal calls
        step = steps[min(calls, len(steps) - 1)]
        calls += 1
        if isinstance(step, BaseException):
            raise step
        return step

    return handler


def make_client(
    handler: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
    | MockTransport
    | None = None,
    *,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    now: Callable[[], datetime] | None = None,
    config: ClientConfig | None = None,
    credentials: Credentials | None = CREDENTIALS,
    region: str | None = REGION,
) -> tuple[ECRClient, MockTransport]:
    """A client over a MockTransport, with a recording sleep and a frozen clock by default."""
    if isinstance(handler, MockTransport):
        transport = handler
    else:
        transport = MockTransport(handler or scripted(json_response()))
    client = ECRClient(
        region=region,
        credentials=credentials,
        config=config,
        transport=transport,
        sleep=sleep or Sleeps(),
        now=now or Clock(),
    )
    return client, transport


def parse_authorization(value: str) -> dict[str, str]:
    """The parts of a SigV4 ``Authorization`` header (akid, date, region, ..., signature)."""
    match = _AUTH.match(value)
    assert match is not None, f"not a SigV4 Authorization header: {value[:40]}..."
    return match.groupdict()


def amz_date(request: HttpRequest) -> datetime:
    """The request's ``X-Amz-Date`` as an aware datetime."""
    return datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
