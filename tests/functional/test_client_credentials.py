"""Credential refresh through the client, under concurrency, on an injected clock.

The client builds ``RefreshingCredentials(CredentialResolver(credentials, profile))``
on first use; these tests replace ``CredentialResolver`` in ``ecrkit._client_base``
with a factory returning a scripted, counting provider.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest

import ecrkit._client_base
from ecrkit import Credentials, ECRClient
from ecrkit.errors import CredentialsError
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.testing import MockTransport

from ._support import (
    T0,
    Clock,
    amz_date,
    json_response,
    make_client,
    parse_authorization,
    scripted,
)

FIRST = Credentials(
    "AKIDFIRST0000000001", "first/secret", "first-token", T0 + timedelta(minutes=20)
)
SECOND = Credentials(
    "AKIDSECOND000000002", "second/secret", "second-token", T0 + timedelta(hours=2)
)


class CountingProvider:
    """Hands out the scripted credentials (or raises the scripted error), counting loads.

    Each load yields to the loop a few times, as a real provider's I/O would, so that
    concurrent callers pile up on the one refresh in flight.
    """

    def __init__(self, *script: Credentials | Exception) -> None:
        self._script = script
        self.loads = 0

    async def load(self) -> Credentials | None:
        self.loads += 1
        for _ in range(3):
            await asyncio.sleep(0)
        item = self._script[min(self.loads, len(self._script)) - 1]
        if isinstance(item, Exception):
            raise item
        return item


@pytest.fixture
def install_provider(monkeypatch: pytest.MonkeyPatch) -> Callable[[CountingProvider], None]:
    def install(provider: CountingProvider) -> None:
        def resolver(
            credentials: Credentials | None, profile: str | None, **options: object
        ) -> CountingProvider:
            return provider

        monkeypatch.setattr(ecrkit._client_base, "CredentialResolver", resolver)

    return install


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Yield to the loop until ``condition()`` holds (bounded; no real sleeping)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"never happened: {what}")


def _signer(request: HttpRequest) -> str:
    return parse_authorization(request.headers["Authorization"])["akid"]


async def test_1000_concurrent_calls_across_expiry_load_twice_and_never_sign_expired(
    install_provider: Callable[[CountingProvider], None],
) -> None:
    """20 overlapping waves of 50 calls, 2 minutes apart, through one client.

    FIRST expires 20 minutes in (advisory refresh from minute 5); SECOND lasts the
    whole run. Each wave's requests stay in flight until the next wave is sent.
    """
    waves, per_wave, step = 20, 50, timedelta(minutes=2)
    provider = CountingProvider(FIRST, SECOND)
    install_provider(provider)
    clock = Clock()
    started = [asyncio.Event() for _ in range(waves)]
    released = [asyncio.Event() for _ in range(waves)]
    current_wave = 0
    in_flight = max_in_flight = 0

    async def handler(request: HttpRequest) -> HttpResponse:
        nonlocal in_flight, max_in_flight
        wave = current_wave
        in_flight += 1
        max_in_flight = max(max_in_flight, in_flight)
        await released[wave].wait()
        in_flight -= 1
        return json_response()

    client, transport = make_client(handler, now=clock)

    async def call(wave: int) -> int:
        await started[wave].wait()
        resp = await client.describe_registry()
        return resp.response_metadata.http_status_code

    async with client:
        tasks = [asyncio.create_task(call(i // per_wave)) for i in range(waves * per_wave)]
        for wave in range(waves):
            if wave:
                clock.advance(step.total_seconds())
            current_wave = wave
            started[wave].set()
            sent = per_wave * (wave + 1)
            await _until(lambda n=sent: len(transport.requests) == n, f"wave {wave} sent")  # type: ignore[misc]
            if wave:
                released[wave - 1].set()
        released[-1].set()
        statuses = await asyncio.gather(*tasks)

    assert statuses == [200] * (waves * per_wave)
    assert provider.loads == 2  # the initial load and exactly one refresh
    assert max_in_flight >= 2 * per_wave  # calls really overlapped
    assert len(transport.requests) == waves * per_wave

    issued = {c.access_key_id: c for c in (FIRST, SECOND)}
    for request in transport.requests:
        auth = parse_authorization(request.headers["Authorization"])
        signed_at = amz_date(request)
        creds = issued[auth["akid"]]
        assert creds.expiration is not None
        assert signed_at < creds.expiration, f"{auth['akid']} used at {signed_at} (expired)"
        assert auth["date"] == signed_at.strftime("%Y%m%d")
        assert request.headers["X-Amz-Security-Token"] == creds.session_token
    # Waves at minutes 0, 2 and 4 use FIRST; from minute 6 (past the advisory
    # refresh point at 5) every request uses SECOND.
    assert Counter(_signer(r) for r in transport.requests) == {
        FIRST.access_key_id: 3 * per_wave,
        SECOND.access_key_id: 17 * per_wave,
    }
    last_first = max(amz_date(r) for r in transport.requests if _signer(r) == FIRST.access_key_id)
    assert last_first < T0 + timedelta(minutes=5)


async def test_failed_refresh_in_mandatory_window_raises_then_next_call_refreshes(
    install_provider: Callable[[CountingProvider], None],
) -> None:
    provider = CountingProvider(FIRST, RuntimeError("STS is unavailable"), SECOND)
    install_provider(provider)
    clock = Clock()
    client, transport = make_client(scripted(json_response()), now=clock)
    async with client as ecr:
        await ecr.describe_registry()
        assert provider.loads == 1

        clock.advance(timedelta(minutes=12).total_seconds())  # FIRST expires in 8 min
        outcomes = await asyncio.gather(
            *(ecr.describe_registry() for _ in range(10)), return_exceptions=True
        )
        assert provider.loads == 2  # the ten calls shared one failed refresh
        for outcome in outcomes:
            assert isinstance(outcome, CredentialsError)
            assert "STS is unavailable" in str(outcome)
        assert len(transport.requests) == 1  # nothing was sent without credentials

        resp = await ecr.describe_registry()
        assert resp.response_metadata.http_status_code == 200
        assert provider.loads == 3
        assert len(transport.requests) == 2
        assert _signer(transport.requests[-1]) == SECOND.access_key_id


async def test_failed_refresh_in_advisory_window_keeps_using_current_credentials(
    install_provider: Callable[[CountingProvider], None],
) -> None:
    provider = CountingProvider(FIRST, RuntimeError("STS is unavailable"), SECOND)
    install_provider(provider)
    clock = Clock()
    client, transport = make_client(scripted(json_response()), now=clock)
    async with client as ecr:
        await ecr.describe_registry()
        clock.advance(timedelta(minutes=7).total_seconds())  # advisory, not mandatory
        await asyncio.gather(*(ecr.describe_registry() for _ in range(10)))
        assert provider.loads == 2
        assert [_signer(r) for r in transport.requests] == [FIRST.access_key_id] * 11

        clock.advance(60)  # past the 30 s back-off: the next call refreshes again
        await ecr.describe_registry()
        assert provider.loads == 3
        assert _signer(transport.requests[-1]) == SECOND.access_key_id


async def test_explicit_credentials_are_used_without_any_provider() -> None:
    creds = Credentials("AKIDEXPLICIT0000001", "explicit/secret")
    transport = MockTransport(scripted(json_response()))
    client = ECRClient(region="eu-west-1", credentials=creds, transport=transport, now=Clock())
    async with client as ecr:
        await ecr.describe_registry()
    auth = parse_authorization(transport.requests[0].headers["Authorization"])
    assert auth["akid"] == creds.access_key_id
    assert auth["region"] == "eu-west-1"
    assert auth["service"] == "ecr"
    assert "X-Amz-Security-Token" not in transport.requests[0].headers
