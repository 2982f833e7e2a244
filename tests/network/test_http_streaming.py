"""ecrkit.http against real loopback servers: streamed bodies both ways (peak RSS in a
fresh process), unsigned GETs through a client to a second host, per-request settings
over a borrowed session, and connections released however a stream ends.

The layer host listens on 127.0.0.2 (another loopback address, so another Host than
the ECR stand-in on 127.0.0.1) and fails the test on any ``Authorization`` or
``X-Amz-*`` header it receives.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from ecrkit import ClientConfig, Credentials, ECRClient
from ecrkit.errors import ConnectionError, ResponseTooLargeError, TimeoutError
from ecrkit.http import (
    AiohttpTransport,
    HttpRequest,
    HttpResponse,
    RequestSettings,
    StreamedBody,
    StreamingTransport,
    Transport,
)
from ecrkit.testing import MockTransport
from tests.network._servers import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    ecr_stub,
    make_pki,
    proxy_server,
)

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
TOKEN = "network-tests-session-token"
LAYER = b"layer-bytes:" + bytes(range(256)) * 64


@dataclass
class LayerHost:
    """A stand-in for S3 serving presigned GETs; records every request's headers."""

    url: str = ""
    seen: list[dict[str, str]] = field(default_factory=list)
    #: Set when a stalled request arrived; the stall lasts until the server stops.
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def signed_headers(self) -> list[str]:
        return [
            name
            for headers in self.seen
            for name in headers
            if name.lower() == "authorization" or name.lower().startswith("x-amz-")
        ]


@asynccontextmanager
async def layer_host(
    host: str = "127.0.0.2", tls: ssl.SSLContext | None = None
) -> AsyncIterator[LayerHost]:
    state = LayerHost()

    async def layer(request: web.Request) -> web.StreamResponse:
        state.seen.append(dict(request.headers))
        if request.query.get("X-Amz-Signature") != "presigned":
            return web.Response(status=403, text="the presigned query is missing")
        resp = web.StreamResponse(headers={"Content-Length": str(len(LAYER) * 4)})
        await resp.prepare(request)
        for _ in range(4):
            await resp.write(LAYER)
        return resp

    async def big(request: web.Request) -> web.StreamResponse:
        state.seen.append(dict(request.headers))
        resp = web.StreamResponse(headers={"Content-Length": str(64 * MIB)})
        await resp.prepare(request)
        block = b"z" * MIB
        for _ in range(64):
            await resp.write(block)
        return resp

    async def stall(request: web.Request) -> web.Response:
        state.seen.append(dict(request.headers))
        state.entered.set()
        await state.stop.wait()
        return web.Response(text="late")

    async def slow(request: web.Request) -> web.Response:
        state.seen.append(dict(request.headers))
        await asyncio.sleep(float(request.query["delay"]))
        return web.Response(text="slow")

    async def moved(request: web.Request) -> web.Response:
        state.seen.append(dict(request.headers))
        raise web.HTTPFound("/layer?X-Amz-Signature=presigned")

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        state.seen.append(dict(request.headers))
        return web.Response(body=body)

    app = web.Application()
    app.router.add_get("/layer", layer)
    app.router.add_get("/big", big)
    app.router.add_get("/stall", stall)
    app.router.add_get("/slow", slow)
    app.router.add_get("/moved", moved)
    app.router.add_put("/echo", echo)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, 0, ssl_context=tls)
    await site.start()
    state.url = f"{'https' if tls else 'http'}://{host}:{runner.addresses[0][1]}"
    try:
        yield state
    finally:
        state.stop.set()
        await runner.cleanup()


def _client(url: str, **kwargs: object) -> ECRClient:
    creds = Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    return ECRClient(region=REGION, endpoint_url=url, credentials=creds, **kwargs)  # type: ignore[arg-type]


def _pool(client: ECRClient) -> aiohttp.BaseConnector:
    runtime = client._runtime
    assert runtime is not None and isinstance(runtime.transport, AiohttpTransport)
    pool = runtime.transport.connector
    assert pool is not None
    return pool


def _acquired(pool: aiohttp.BaseConnector) -> int:
    return len(pool._acquired)


def _idle(pool: aiohttp.BaseConnector) -> int:
    return sum(len(conns) for conns in pool._conns.values())


# -- streaming: memory -----------------------------------------------------------------


def _rss_run(mode: str, mib: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.network._stream_rss", mode, str(mib)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("mode", ["download", "upload"])
def test_a_256_mib_body_streams_with_peak_rss_growth_under_32_mib(mode: str) -> None:
    result = _rss_run(mode, 256)
    assert result["moved"] == 256 * MIB
    if mode == "upload":  # the server saw Content-Length, no chunked encoding (else 400)
        assert result["received"] == 256 * MIB
    growth = result["growth_kib"]
    assert isinstance(growth, int)
    assert growth < 32 * 1024, f"peak RSS grew by {growth} KiB ({result['method']})"


def test_the_rss_measure_sees_a_body_read_whole() -> None:
    """The control: the same measure over ``send`` (whole body) must show the body."""
    result = _rss_run("whole", 64)
    assert result["moved"] == 64 * MIB
    growth = result["growth_kib"]
    assert isinstance(growth, int) and growth > 48 * 1024, result


# -- unsigned GETs through a client ----------------------------------------------------


async def test_an_unsigned_get_to_another_host_carries_no_aws_header() -> None:
    async with ecr_stub() as stub, layer_host() as layers, _client(stub.url) as ecr:
        await ecr.describe_repositories()  # a signed call first: the client is set up
        api = stub.seen[0].headers
        assert "Authorization" in api and api["X-Amz-Security-Token"] == TOKEN

        url = f"{layers.url}/layer?X-Amz-Signature=presigned&X-Amz-Credential=c"
        response = await ecr.http.send(HttpRequest("GET", url))
        assert response.status == 200 and response.body == LAYER * 4

        chunks: list[bytes] = []
        async with ecr.http.stream(HttpRequest("GET", url)) as streamed:
            assert streamed.status == 200
            async for chunk in streamed.iter_chunks(1000):
                assert len(chunk) <= 1000
                chunks.append(chunk)
        assert b"".join(chunks) == LAYER * 4

        assert len(layers.seen) == 2
        assert layers.signed_headers() == []
        # The client's own User-Agent went along, as on its API calls.
        assert {h["User-Agent"] for h in layers.seen} == {api["User-Agent"]}
        assert len(stub.seen) == 1  # nothing else reached the service


async def test_the_unsigned_get_check_fails_on_a_signed_request() -> None:
    """The layer host's check can fail: the same GET with ``sign=True`` is caught."""
    async with ecr_stub() as stub, layer_host() as layers, _client(stub.url) as ecr:
        url = f"{layers.url}/layer?X-Amz-Signature=presigned"
        response = await ecr.http.send(HttpRequest("GET", url, settings=RequestSettings(sign=True)))
        assert response.status == 200
        assert {"Authorization", "X-Amz-Date", "X-Amz-Security-Token"} <= set(
            layers.signed_headers()
        )


async def test_an_unsigned_get_through_a_borrowed_session() -> None:
    async with (
        ecr_stub() as stub,
        layer_host() as layers,
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session,
        _client(stub.url, session=session) as ecr,
    ):
        url = f"{layers.url}/layer?X-Amz-Signature=presigned"
        response = await ecr.http.send(HttpRequest("GET", url))
        assert response.status == 200 and response.body == LAYER * 4
        assert layers.signed_headers() == []
        assert layers.seen[0]["User-Agent"].startswith("ecrkit/")


async def test_an_unsigned_get_goes_through_the_clients_proxy() -> None:
    async with layer_host() as layers, proxy_server() as proxy:
        config = ClientConfig(proxies={"http": proxy.url})
        async with _client("http://127.0.0.1:9", config=config) as ecr:
            url = f"{layers.url}/layer?X-Amz-Signature=presigned"
            response = await ecr.http.send(HttpRequest("GET", url))
            assert response.status == 200 and response.body == LAYER * 4
        assert proxy.forwarded == [f"GET {url}"]
        assert layers.signed_headers() == []


async def test_an_unsigned_https_get_uses_the_clients_tls_trust(tmp_path: Path) -> None:
    # A CA the default trust store does not know: the client trusts it for its https
    # endpoint (verify=), and the same trust applies to client.http.
    pki = make_pki(tmp_path)
    async with (
        ecr_stub(tls=pki.server) as stub,
        layer_host("127.0.0.1", tls=pki.server) as layers,
    ):
        url = f"{layers.url}/layer?X-Amz-Signature=presigned"
        config = ClientConfig(verify=str(pki.ca_file))
        async with _client(stub.url, config=config) as ecr:
            response = await ecr.http.send(HttpRequest("GET", url))
            assert response.status == 200 and response.body == LAYER * 4
        async with _client(stub.url) as ecr:  # the default trust store: refused
            with pytest.raises(ConnectionError, match=r"127\.0\.0\.1") as info:
                await ecr.http.send(HttpRequest("GET", url))
            assert "presigned" not in str(info.value)  # the query is a credential
        assert len(layers.seen) == 1 and layers.signed_headers() == []


async def test_redirects_follow_the_request_settings() -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        url = f"{layers.url}/moved"
        not_followed = await ecr.http.send(HttpRequest("GET", url))
        assert not_followed.status == 302
        followed = await ecr.http.send(
            HttpRequest("GET", url, settings=RequestSettings(follow_redirects=True))
        )
        assert followed.status == 200 and followed.body == LAYER * 4
        assert layers.signed_headers() == []


async def test_the_in_memory_cap_is_per_request_and_streams_are_not_capped() -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        url = f"{layers.url}/big"
        with pytest.raises(ResponseTooLargeError):
            await ecr.http.send(
                HttpRequest("GET", url, settings=RequestSettings(max_response_bytes=MIB))
            )
        async with ecr.http.stream(
            HttpRequest("GET", url, settings=RequestSettings(max_response_bytes=MIB))
        ) as streamed:
            total = 0
            async for chunk in streamed.iter_chunks():
                total += len(chunk)
        assert total == 64 * MIB
        assert _acquired(_pool(ecr)) == 0


# -- per-request settings over a borrowed session --------------------------------------


async def test_per_request_timeouts_win_over_a_borrowed_sessions_defaults() -> None:
    async with layer_host() as layers:
        # The session would wait 300 s; the request's 0.05 s read timeout decides.
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
            transport = AiohttpTransport(session=session)
            settings = RequestSettings(read_timeout=0.05)
            with pytest.raises(TimeoutError, match="read timeout"):
                await transport.send(HttpRequest("GET", f"{layers.url}/stall", settings=settings))
            with pytest.raises(TimeoutError, match="total timeout"):
                async with transport.stream(
                    HttpRequest(
                        "GET", f"{layers.url}/stall", settings=RequestSettings(total_timeout=0.05)
                    )
                ):
                    pass
            await transport.close()
        # The other way: a session with a 0.01 s total timeout; the request allows 5 s.
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.01)) as session:
            transport = AiohttpTransport(session=session)
            settings = RequestSettings(read_timeout=5, total_timeout=5)
            slow = HttpRequest("GET", f"{layers.url}/slow?delay=0.05", settings=settings)
            response = await transport.send(slow)
            assert response.status == 200 and response.body == b"slow"
            await transport.close()


async def test_a_clients_default_settings_are_its_configs() -> None:
    from ecrkit import ClientConfig

    config = ClientConfig(connect_timeout=1.5, read_timeout=2.5, max_response_bytes=1000)
    async with layer_host() as layers, _client("http://127.0.0.1:9", config=config) as ecr:
        assert ecr.http.settings == RequestSettings(
            connect_timeout=1.5, read_timeout=2.5, max_response_bytes=1000
        )
        with pytest.raises(ResponseTooLargeError):
            await ecr.http.send(HttpRequest("GET", f"{layers.url}/layer?X-Amz-Signature=presigned"))
        view = ecr.with_options(read_timeout=0.05)
        with pytest.raises(TimeoutError, match="read timeout"):
            await view.http.send(HttpRequest("GET", f"{layers.url}/stall"))


# -- connections released ----------------------------------------------------------------


async def test_an_exhausted_stream_returns_its_connection_to_the_pool() -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        url = f"{layers.url}/layer?X-Amz-Signature=presigned"
        async with ecr.http.stream(HttpRequest("GET", url)) as streamed:
            async for _ in streamed.iter_chunks():
                pass
            pool = _pool(ecr)
            # Released on exhaustion, before the block ends.
            assert _acquired(pool) == 0 and _idle(pool) == 1
        await ecr.http.send(HttpRequest("GET", url))
        assert _acquired(pool) == 0 and _idle(pool) == 1  # the same connection, reused


class Boom(Exception):
    pass


async def test_an_abandoned_stream_releases_its_connection() -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        url = f"{layers.url}/big"
        # Left after one chunk.
        async with ecr.http.stream(HttpRequest("GET", url)) as streamed:
            async for _ in streamed.iter_chunks():
                break
            pool = _pool(ecr)
            assert _acquired(pool) == 1
        assert _acquired(pool) == 0 and _idle(pool) == 0  # dropped: the body was unread
        # An exception out of the block.
        with pytest.raises(Boom):
            async with ecr.http.stream(HttpRequest("GET", url)) as streamed:
                await streamed.iter_chunks().__anext__()
                raise Boom
        assert _acquired(pool) == 0
        # aclose() inside the block.
        async with ecr.http.stream(HttpRequest("GET", url)) as streamed:
            await streamed.aclose()
            assert _acquired(pool) == 0
        # Cancellation while reading.
        reading = asyncio.Event()

        async def read_forever() -> None:
            async with ecr.http.stream(HttpRequest("GET", f"{layers.url}/big")) as streamed:
                async for _ in streamed.iter_chunks(1024):
                    reading.set()
                    await asyncio.sleep(0)
                    await asyncio.Event().wait()

        task = asyncio.create_task(read_forever())
        await reading.wait()
        assert _acquired(pool) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert _acquired(pool) == 0
        # Cancellation while waiting for the headers.
        task = asyncio.create_task(read_forever_stall(ecr, layers))
        await layers.entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert _acquired(pool) == 0
        # The pool still serves.
        response = await ecr.http.send(HttpRequest("GET", f"{url}"))
        assert len(response.body) == 64 * MIB


async def read_forever_stall(ecr: ECRClient, layers: LayerHost) -> None:
    async with ecr.http.stream(HttpRequest("GET", f"{layers.url}/stall")):
        raise AssertionError("the stall never answers")


# -- streamed request bodies -------------------------------------------------------------


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_streamed_body_goes_with_content_length_never_chunked() -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        body = StreamedBody(_chunks(b"abc", b"", b"defg"), 7)
        response = await ecr.http.send(HttpRequest("PUT", f"{layers.url}/echo", body_stream=body))
        assert response.status == 200 and response.body == b"abcdefg"
        seen = layers.seen[-1]
        assert seen["Content-Length"] == "7" and "Transfer-Encoding" not in seen
        empty = StreamedBody(_chunks(), 0)
        response = await ecr.http.send(HttpRequest("PUT", f"{layers.url}/echo", body_stream=empty))
        assert response.status == 200 and response.body == b""
        assert layers.signed_headers() == []


@pytest.mark.parametrize(("parts", "length"), [((b"abc", b"de"), 4), ((b"ab",), 4)])
async def test_a_streamed_body_of_the_wrong_length_fails_the_request(
    parts: tuple[bytes, ...], length: int
) -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        body = StreamedBody(_chunks(*parts), length)
        with pytest.raises(ConnectionError) as info:
            await ecr.http.send(HttpRequest("PUT", f"{layers.url}/echo", body_stream=body))
        cause: BaseException | None = info.value
        while cause is not None and not isinstance(cause, ValueError):
            cause = cause.__cause__
        assert cause is not None and "length=4" in str(cause)
        assert _acquired(_pool(ecr)) == 0


async def test_a_signed_streamed_body_needs_its_payload_hash() -> None:
    async with layer_host() as layers, _client("http://127.0.0.1:9") as ecr:
        signed = RequestSettings(sign=True)
        body = StreamedBody(_chunks(b"abc"), 3)
        with pytest.raises(ValueError, match="X-Amz-Content-SHA256"):
            await ecr.http.send(
                HttpRequest("PUT", f"{layers.url}/echo", body_stream=body, settings=signed)
            )
        headers = {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}
        request = HttpRequest(
            "PUT", f"{layers.url}/echo", headers, body_stream=StreamedBody(_chunks(b"abc"), 3)
        )
        response = await ecr.http.send(request._replace(settings=signed))
        assert response.body == b"abc"
        seen = layers.seen[-1]
        assert "Authorization" in seen and seen["Content-Length"] == "3"


# -- the mock, and transports without stream ---------------------------------------------


async def test_client_http_over_the_mock_transport_streams_from_memory() -> None:
    mock = MockTransport(lambda request: HttpResponse(200, {"ETag": "x"}, b"0123456789"))
    assert isinstance(mock, StreamingTransport)
    async with _client("http://127.0.0.1:9", transport=mock) as ecr:
        async with ecr.http.stream(HttpRequest("GET", "https://layers.example/l")) as streamed:
            assert streamed.headers["etag"] == "x"
            chunks = [chunk async for chunk in streamed.iter_chunks(4)]
        assert chunks == [b"0123", b"4567", b"89"]
    (request,) = mock.requests
    assert request.url == "https://layers.example/l"
    assert [name for name in request.headers] == ["User-Agent"]
    assert request.settings == RequestSettings()


class _SendOnly:
    """A custom transport with no ``stream``: client.http reads the body whole."""

    def __init__(self) -> None:
        self.sent: list[HttpRequest] = []

    async def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        return HttpResponse(200, {}, b"whole")

    async def close(self) -> None:
        pass


async def test_client_http_streams_over_a_transport_without_stream() -> None:
    transport = _SendOnly()
    assert isinstance(transport, Transport) and not isinstance(transport, StreamingTransport)
    async with (
        _client("http://127.0.0.1:9", transport=transport) as ecr,
        ecr.http.stream(HttpRequest("GET", "https://layers.example/l")) as streamed,
    ):
        assert await streamed.read() == b"whole"
    assert len(transport.sent) == 1
