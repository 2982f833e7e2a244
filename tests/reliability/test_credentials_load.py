"""Credentials expiring under 1,000 concurrent calls, through the real aiohttp transport.

tests/functional/test_client_credentials.py covers the refresh logic over a
``MockTransport``; here the same ``CountingProvider`` (installed in place of the
client's ``CredentialResolver``) feeds a client that really sends, with a pool big
enough for every call to be on the wire at once, and the server judges what it
received: the access key id of each ``Authorization`` header and its ``X-Amz-Date``
must fall inside that key's validity window.

The clock is injected (``now=``), so "20 minutes later" is one assignment; the
server's gate keeps the first wave of calls in flight while the credentials expire.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

import ecrkit._client_base
from ecrkit import ClientConfig, Credentials, ECRClient
from ecrkit.errors import CredentialsError
from tests.faults import FaultServer, SeenRequest, open_fds
from tests.functional._support import T0, Clock, parse_authorization
from tests.functional.test_client_credentials import CountingProvider

from ._support import assert_no_leaks, close_and_check_fds, open_client

CALLS = 1_000
FIRST = Credentials(
    "AKIDLOADFIRST0000001", "load/first/secret", "load-first-token", T0 + timedelta(minutes=20)
)
SECOND = Credentials(
    "AKIDLOADSECOND000002", "load/second/secret", "load-second-token", T0 + timedelta(hours=2)
)
EXPIRED_AT = T0 + timedelta(minutes=21)  # where the clock jumps mid-run
#: When each key may sign: from when the client got it to when it expires.
VALIDITY = {
    FIRST.access_key_id: (FIRST, T0, FIRST.expiration),
    SECOND.access_key_id: (SECOND, EXPIRED_AT, SECOND.expiration),
}
# Every call on the wire at once: the pool must not be what limits concurrency.
CONFIG = ClientConfig(read_timeout=10.0, connect_timeout=5.0, max_pool_connections=CALLS)


def install(monkeypatch: pytest.MonkeyPatch, provider: CountingProvider) -> None:
    def resolver(
        credentials: Credentials | None, profile: str | None, **options: object
    ) -> CountingProvider:
        return provider

    monkeypatch.setattr(ecrkit._client_base, "CredentialResolver", resolver)


def signer(request: SeenRequest) -> str:
    assert request.authorization is not None
    return parse_authorization(request.authorization)["akid"]


def check_signed_in_window(requests: list[SeenRequest]) -> Counter[str]:
    """Every request was signed by a key inside its validity window; count per key."""
    for request in requests:
        assert request.authorization is not None and request.amz_date is not None
        auth = parse_authorization(request.authorization)
        creds, issued, expires = VALIDITY[auth["akid"]]
        assert expires is not None
        signed_at = datetime.strptime(request.amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assert issued <= signed_at < expires, f"{auth['akid']} signed at {signed_at}"
        assert auth["date"] == signed_at.strftime("%Y%m%d")
        assert request.security_token == creds.session_token
    return Counter(signer(r) for r in requests)


async def send_wave(client: ECRClient, count: int) -> list[asyncio.Task[object]]:
    return [asyncio.create_task(client.describe_registry()) for _ in range(count)]


async def test_expiry_mid_run_refreshes_once_and_never_signs_with_expired_keys(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = CountingProvider(FIRST, SECOND)
    install(monkeypatch, provider)
    clock = Clock()
    faults.gate = asyncio.Event()
    baseline = open_fds()
    client = open_client(faults, now=clock, config=CONFIG)
    try:
        first = await send_wave(client, CALLS // 2)
        await faults.wait_for_requests(CALLS // 2, within=30)
        clock.now = EXPIRED_AT  # FIRST expires with half the calls in flight
        second = await send_wave(client, CALLS // 2)
        await faults.wait_for_requests(CALLS, within=30)
        assert not any(task.done() for task in first + second)  # all 1,000 in flight
        faults.gate.set()
        results = await asyncio.gather(*first, *second)

        assert len(results) == CALLS
        assert provider.loads == 2  # the first load and exactly one refresh
        assert len(faults.requests) == CALLS  # nothing retried
        assert check_signed_in_window(faults.requests) == {
            FIRST.access_key_id: CALLS // 2,
            SECOND.access_key_id: CALLS // 2,
        }
        await assert_no_leaks(client, baseline)
    finally:
        await close_and_check_fds(client, baseline)


async def test_failed_refresh_fails_the_calls_needing_it_and_the_next_call_refreshes(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = CountingProvider(FIRST, RuntimeError("STS is unavailable"), SECOND)
    install(monkeypatch, provider)
    clock = Clock()
    faults.gate = asyncio.Event()
    in_flight, needing_refresh = 300, CALLS - 300
    baseline = open_fds()
    client = open_client(faults, now=clock, config=CONFIG)
    try:
        first = await send_wave(client, in_flight)
        await faults.wait_for_requests(in_flight, within=30)
        clock.now = EXPIRED_AT
        second = await send_wave(client, needing_refresh)
        failures = await asyncio.gather(*second, return_exceptions=True)

        assert provider.loads == 2  # the 700 calls shared one failed refresh
        assert all(isinstance(f, CredentialsError) for f in failures), failures[:3]
        assert all("STS is unavailable" in str(f) for f in failures)
        assert len(faults.requests) == in_flight  # none of them reached the server
        assert not any(task.done() for task in first)  # signed earlier, still fine
        faults.gate.set()
        await asyncio.gather(*first)

        resp = await client.describe_registry()  # tries the refresh again: it works
        assert resp.registry_id == "123456789012"
        assert provider.loads == 3
        assert len(faults.requests) == in_flight + 1
        assert check_signed_in_window(faults.requests) == {
            FIRST.access_key_id: in_flight,
            SECOND.access_key_id: 1,
        }
        await assert_no_leaks(client, baseline)
    finally:
        await close_and_check_fds(client, baseline)
