"""Hostile configuration and a hostile server's clock: a clear error, nothing sent.

- Regions and endpoint URLs (``region=``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, a
  profile, ``endpoint_url=``, ``AWS_ENDPOINT_URL[_ECR]``) are checked before endpoint
  resolution: a region that would move the signed request to another host (the
  server here stands for that host, on 127.0.0.1) never reaches it.
- A skew-type error whose ``Date`` is years away is not adopted as a clock offset.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

import ecrkit._credentials
import ecrkit._shared_config
from ecrkit import ClientConfig, ECRClient
from ecrkit._skew import MAX_CLOCK_SKEW
from ecrkit.errors import (
    ClientClosedError,
    EcrkitError,
    EndpointResolutionError,
    EventLoopError,
    ServiceError,
    TimeoutError,
)
from tests.faults import Fault, FaultServer, fault_server, open_fds
from tests.functional._support import Clock, Sleeps, http_date

from ._support import CONFIG, CREDENTIALS, REGION, connector, open_client, settle_fds


@pytest.fixture(autouse=True)
async def fds_back_to_baseline() -> AsyncIterator[None]:
    """Every case ends with the process's open file descriptors where they started
    (taken before, checked after the servers and clients of the case are gone)."""
    baseline = open_fds()
    yield
    gc.collect()
    await settle_fds(lambda: baseline, "after the case")


#: Each would put something other than a host label into ``api.ecr.{Region}...``.
BAD_REGIONS = [
    "evil.example/",
    "x@127.0.0.1:8443#",
    "us-east-1?x=",
    "us-east-1#",
    "us-east-1.evil.example",
    "-us-east-1",
    "us-east-1-",
    "a" * 64,
    "us-east-1\n",
    "us east 1",
    "us-éast-1",
]


def _hijacking_region(server: FaultServer) -> str:
    """A region that, pasted into the host, sends the request to ``server``."""
    return f"x@{server.url.removeprefix('http://')}#"


@pytest.mark.parametrize("region", BAD_REGIONS)
def test_bad_region_argument_fails_at_construction(region: str) -> None:
    with pytest.raises(EndpointResolutionError, match=r"Invalid region .* from region=") as info:
        ECRClient(region=region, credentials=CREDENTIALS)
    assert isinstance(info.value, ValueError)
    assert "host label" in str(info.value)


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
async def test_bad_region_from_the_environment_sends_nothing(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, _hijacking_region(faults))
    async with ECRClient(credentials=CREDENTIALS) as ecr:
        with pytest.raises(EndpointResolutionError, match=f"from {variable}:"):
            await ecr.describe_repositories()
        with pytest.raises(EndpointResolutionError):
            await ecr.generate_presigned_url("describe_repositories")
    assert faults.requests == []


async def test_bad_region_from_a_profile_sends_nothing(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile hostile]\nregion = {_hijacking_region(faults)}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    async with ECRClient(credentials=CREDENTIALS, profile="hostile") as ecr:
        with pytest.raises(EndpointResolutionError, match="profile 'hostile'"):
            await ecr.describe_repositories()
    assert faults.requests == []


BAD_ENDPOINTS = [
    ("ftp://127.0.0.1:21", "scheme"),
    ("127.0.0.1:4566", "scheme"),
    ("http://user:hunter2@127.0.0.1:4566", "user info"),
    ("http://token@127.0.0.1:4566", "user info"),
    ("http://127.0.0.1:99999", "does not parse"),
    ("http://127.0.0.1:http", "does not parse"),
    ("http://127.0.0.1:0", "port"),
    ("http://[::1", "does not parse"),
    ("http:///only-a-path", "no host"),
    ("http://127.0.0.1:4566/a b", "whitespace"),
    ("http://127.0.0.1:4566/a\r\nX-Injected: 1", "whitespace"),
    ("http://127.0.0.1:4566/a\x00", "control"),
    ("http://127.0.0.1:4566/\u00e9", "non-ASCII"),
    ("http://127.0.0.1:4566/?x=1", "query"),
    ("http://127.0.0.1:4566/#frag", "fragment"),
]


@pytest.mark.parametrize(("url", "why"), BAD_ENDPOINTS)
def test_bad_endpoint_url_fails_at_construction(url: str, why: str) -> None:
    with pytest.raises(EndpointResolutionError, match="from endpoint_url=") as info:
        ECRClient(region="us-east-1", endpoint_url=url, credentials=CREDENTIALS)
    assert isinstance(info.value, ValueError) and isinstance(info.value, EcrkitError)
    assert why in str(info.value)
    assert "hunter2" not in str(info.value) and "token@" not in str(info.value)


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL"])
def test_bad_endpoint_url_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "http://user:hunter2@127.0.0.1:4566")
    with pytest.raises(EndpointResolutionError, match=f"from {variable}:") as info:
        ECRClient(region="us-east-1", credentials=CREDENTIALS)
    assert "***@127.0.0.1:4566" in str(info.value) and "hunter2" not in str(info.value)


async def test_a_good_endpoint_url_still_works(faults: FaultServer) -> None:
    async with open_client(faults) as ecr:
        await ecr.describe_repositories()
    assert len(faults.requests) == 1


# -- a hostile Date header ------------------------------------------------------------


class DateServer:
    """Answers ``InvalidSignatureException`` with :attr:`dates` (one per request, in
    order) as its ``Date`` header, then ``{}``; records each request's ``X-Amz-Date``."""

    def __init__(self) -> None:
        self.url = ""
        self.dates: list[str] = []
        self.amz_dates: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.amz_dates.append(request.headers.get("X-Amz-Date", ""))
        if not self.dates:
            return web.Response(body=b"{}", content_type="application/x-amz-json-1.1")
        body = {"__type": "InvalidSignatureException", "message": "Signature expired"}
        return web.Response(
            status=400,
            body=json.dumps(body).encode(),
            content_type="application/x-amz-json-1.1",
            headers={"Date": self.dates.pop(0)},
        )


@asynccontextmanager
async def date_server() -> AsyncIterator[DateServer]:
    server = DateServer()
    app = web.Application()
    app.router.add_post("/", server.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    server.url = f"http://{host}:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()


T0 = datetime(2026, 12, 1, 8, 0, 0, tzinfo=UTC)


def _amz(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.parametrize(
    "date",
    [
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Tue, 01 Jan 2036 00:00:00 GMT",
        http_date(T0 + MAX_CLOCK_SKEW + timedelta(minutes=1)),
        http_date(T0 - MAX_CLOCK_SKEW - timedelta(minutes=1)),
    ],
)
async def test_a_date_beyond_the_bound_is_not_adopted(date: str) -> None:
    clock = Clock(T0)
    async with date_server() as server:
        server.dates = [date]
        async with ECRClient(
            region=REGION,
            endpoint_url=server.url,
            credentials=CREDENTIALS,
            config=CONFIG,
            sleep=Sleeps(),
            now=clock,
        ) as ecr:
            with pytest.raises(ServiceError) as info:
                await ecr.describe_repositories()
            assert info.value.code == "InvalidSignatureException"
            assert info.value.attempts == 1
            assert any("not adopted" in note for note in info.value.__notes__)
            # Time passes; the client still signs with its own clock and still works.
            clock.advance(3600)
            await ecr.describe_repositories()
            url = await ecr.generate_presigned_url("describe_repositories")
    assert server.amz_dates == [_amz(T0), _amz(T0 + timedelta(hours=1))]
    assert f"X-Amz-Date={_amz(T0 + timedelta(hours=1))}" in url


async def test_a_date_within_the_bound_is_adopted_and_time_moves_on() -> None:
    clock = Clock(T0)
    skew = MAX_CLOCK_SKEW - timedelta(minutes=1)
    async with date_server() as server:
        server.dates = [http_date(T0 + skew)]
        async with ECRClient(
            region=REGION,
            endpoint_url=server.url,
            credentials=CREDENTIALS,
            config=CONFIG,
            now=clock,
        ) as ecr:
            await ecr.describe_repositories()
            clock.advance(10)
            await ecr.describe_repositories()
    assert server.amz_dates == [_amz(T0), _amz(T0 + skew), _amz(T0 + skew + timedelta(seconds=10))]


@pytest.mark.parametrize("date", ["", "not a date", "Fri, 99 Foo 20260 99:99:99 GMT"])
async def test_an_unreadable_date_leaves_the_error_as_it_is(date: str) -> None:
    async with date_server() as server:
        server.dates = [date]
        async with ECRClient(
            region=REGION, endpoint_url=server.url, credentials=CREDENTIALS, now=Clock(T0)
        ) as ecr:
            with pytest.raises(ServiceError, match="InvalidSignatureException"):
                await ecr.describe_repositories()
            await ecr.describe_repositories()
    assert server.amz_dates == [_amz(T0)] * 2


# -- a borrowed session's defaults ----------------------------------------------------


async def test_a_borrowed_sessions_raise_for_status_does_not_turn_errors_into_retries(
    faults: FaultServer,
) -> None:
    faults.script(Fault.THROTTLE, None, Fault.HTTP_503, Fault.HTTP_503, Fault.HTTP_503)
    session = aiohttp.ClientSession(raise_for_status=True)
    async with session, open_client(faults, session=session) as ecr:
        assert (await ecr.describe_repositories()).repositories  # throttled, retried
        with pytest.raises(ServiceError) as info:
            await ecr.describe_repositories()
        assert len(connector(ecr)._acquired) == 0
    assert info.value.code == "ServiceUnavailableException"
    assert (info.value.status_code, info.value.attempts) == (503, 3)
    assert len(faults.requests) == 5


async def test_a_borrowed_session_gets_the_clients_timeouts(faults: FaultServer) -> None:
    faults.script(Fault.STALL, Fault.STALL_BODY)
    config = ClientConfig(read_timeout=0.2, max_attempts=1)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300))
    async with session, open_client(faults, session=session, config=config) as ecr:
        for _ in range(2):
            async with asyncio.timeout(5):  # the session's 300 s would hang here
                with pytest.raises(TimeoutError, match="read timeout") as info:
                    await ecr.describe_repositories()
            assert info.value.attempts == 1
        assert (await ecr.describe_repositories()).repositories
        assert len(connector(ecr)._acquired) == 0


async def test_a_borrowed_session_with_a_throttle_answer_is_a_typed_error(
    faults: FaultServer,
) -> None:
    faults.script(Fault.THROTTLE)
    session = aiohttp.ClientSession(raise_for_status=True)
    config = ClientConfig(max_attempts=1)
    async with session, open_client(faults, session=session, config=config) as ecr:
        with pytest.raises(ServiceError) as info:
            await ecr.describe_repositories()
    assert (info.value.code, info.value.status_code) == ("ThrottlingException", 400)


async def test_a_borrowed_session_closed_by_its_owner_is_a_typed_error(
    faults: FaultServer,
) -> None:
    session = aiohttp.ClientSession()
    async with open_client(faults, session=session) as ecr:
        await ecr.describe_repositories()
        await session.close()
        with pytest.raises(ClientClosedError, match="session= is closed") as info:
            await ecr.describe_repositories()
    assert info.value.attempts == 1
    assert len(faults.requests) == 1


def test_a_borrowed_session_with_auth_is_refused_at_construction() -> None:
    async def check() -> None:
        with warnings.catch_warnings():  # aiohttp 3.14 deprecates auth= (3.10 does not)
            warnings.simplefilter("ignore", DeprecationWarning)
            session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("user", "password"))
        async with session:
            with pytest.raises(ValueError, match="auth="):
                ECRClient(region=REGION, credentials=CREDENTIALS, session=session)

    asyncio.run(check())


# -- lifecycle: close() during start-up and in flight, a second loop, fork -------------


async def test_close_during_the_first_calls_start_up_keeps_nothing(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The region comes from the profile, in a worker thread; close() runs meanwhile."""
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    in_thread, release = threading.Event(), threading.Event()
    real = ecrkit._shared_config.load

    def held(profile: str | None, service_id: str) -> ecrkit._shared_config.SharedConfig:
        in_thread.set()
        release.wait(5)
        return real(profile, service_id)

    monkeypatch.setattr(ecrkit._shared_config, "load", held)
    client = ECRClient(endpoint_url=faults.url, credentials=CREDENTIALS)
    call = asyncio.ensure_future(client.describe_repositories())
    await asyncio.to_thread(in_thread.wait, 5)
    await client.close()
    release.set()
    with pytest.raises(ClientClosedError, match="ECRClient is closed"):
        await call
    assert client._runtime is None and client._owned_transport is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client, call
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert faults.requests == []


@pytest.mark.parametrize("fault", [Fault.STALL, Fault.STALL_BODY])
async def test_close_with_a_call_in_flight_raises_at_once_not_retried(
    faults: FaultServer, fault: Fault
) -> None:
    faults.script(fault)
    baseline = open_fds()
    ecr = open_client(faults)
    call = asyncio.ensure_future(ecr.describe_repositories())
    await faults.stalled.wait()
    await ecr.close()
    with pytest.raises(ClientClosedError, match="ECRClient is closed") as info:
        await call
    assert info.value.attempts == 1
    assert len(faults.requests) == 1
    faults.release.set()
    await settle_fds(lambda: baseline, "after close with a call in flight")


async def test_async_with_on_a_closed_client_fails_at_once(faults: FaultServer) -> None:
    ecr = open_client(faults)
    async with ecr:
        await ecr.describe_repositories()
    with pytest.raises(ClientClosedError, match="ECRClient is closed"):
        async with ecr:
            pass  # pragma: no cover - not reached
    assert len(faults.requests) == 1


@contextmanager
def fault_server_in_a_thread() -> Iterator[FaultServer]:
    """A :class:`FaultServer` on its own event loop in a thread (a client can then
    be driven from several loops of the main thread)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def serve() -> None:
        box["stop"] = asyncio.Event()
        async with fault_server() as server:
            box["server"] = server
            ready.set()
            await box["stop"].wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),))
    thread.start()
    try:
        assert ready.wait(5)
        yield box["server"]
    finally:
        loop.call_soon_threadsafe(box["stop"].set)
        thread.join(5)
        loop.close()


def test_a_second_event_loop_is_a_clear_error_and_sends_nothing() -> None:
    with fault_server_in_a_thread() as server, asyncio.Runner() as first:
        baseline = open_fds()
        ecr = open_client(server)
        first.run(ecr.describe_repositories())
        with asyncio.Runner() as second:
            for _ in range(2):
                with pytest.raises(EventLoopError, match="another event loop") as info:
                    second.run(ecr.describe_repositories())
                assert isinstance(info.value, RuntimeError)
        assert len(server.requests) == 1
        first.run(ecr.describe_repositories())  # the first loop still has its client
        assert len(server.requests) == 2
        first.run(ecr.close())
        first.run(settle_fds(lambda: baseline, "after closing in the first loop"))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("child_loop", ["inherited", "new"])
async def test_after_fork_the_child_does_not_write_on_the_parents_connection(
    faults: FaultServer, child_loop: str
) -> None:
    """The child goes on in the parent's coroutine, or runs a new loop (asyncio.run)."""
    async with open_client(faults) as ecr:
        await ecr.describe_repositories()  # one idle pooled connection now
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through the pipe only
            signal.alarm(10)
            try:
                if child_loop == "new":
                    asyncio.run(ecr.describe_repositories())
                else:
                    await ecr.describe_repositories()
                outcome = "sent"
            except EventLoopError as exc:
                outcome = "EventLoopError: " + str(exc)
            except BaseException as exc:
                outcome = type(exc).__name__
            os.write(write_end, outcome.encode())
            await ecr.close()  # drops the parent's pool; writes nothing
            os._exit(0)
        os.close(write_end)
        _, status = await asyncio.to_thread(os.waitpid, pid, 0)
        with os.fdopen(read_end, "rb") as pipe:
            outcome = pipe.read().decode()
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, outcome
        assert outcome.startswith("EventLoopError: ") and "after fork" in outcome
        assert len(faults.requests) == 1
        await ecr.describe_repositories()  # the parent's connection is intact
    assert len(faults.requests) == 2
