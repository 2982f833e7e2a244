"""Tests for the aiohttp transport (ecrkit.http.AiohttpTransport) against real servers on 127.0.0.1.

An aiohttp.web app serves the well-behaved and stalling endpoints; a raw
``asyncio.start_server`` produces the low-level faults (close before headers,
reset, garbage, lying Content-Length). Every test that uses the shared transport
fixture also checks, at teardown, that the connector holds no acquired connection
and that the transport still serves a normal request.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import gc
import socket
import struct
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from ecrkit._exceptions import ConnectionError, ResponseTooLargeError, TimeoutError, TransportError
from ecrkit.http import AiohttpTransport, HttpRequest, HttpResponse, Transport
from ecrkit.testing import MockTransport

BIG = b"x" * 1000


@dataclass
class Seen:
    method: str
    raw_path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    base: str
    seen: list[Seen] = field(default_factory=list)
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server(base="")

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        srv.seen.append(Seen(request.method, request.raw_path, dict(request.headers), body))
        return web.Response(body=b"reply:" + body, headers={"X-Amzn-RequestId": "rid-1"})

    async def stall(request: web.Request) -> web.Response:
        srv.entered.set()
        await srv.release.wait()
        return web.Response(body=b"late")

    async def stall_body(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": "100"})
        await resp.prepare(request)
        await resp.write(b"partial")
        srv.entered.set()
        await srv.release.wait()
        return resp

    async def big(request: web.Request) -> web.StreamResponse:
        if request.query.get("chunked"):
            resp = web.StreamResponse()
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            for _ in range(10):
                await resp.write(BIG[:100])
            await resp.write_eof()
            return resp
        status = int(request.query.get("status", 200))
        return web.Response(body=BIG[: int(request.query.get("n", len(BIG)))], status=status)

    app = web.Application()
    app.router.add_route("*", "/echo/{tail:.*}", echo)
    app.router.add_get("/stall", stall)
    app.router.add_get("/stall-body", stall_body)
    app.router.add_get("/big", big)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    srv.base = f"http://{host}:{port}"
    yield srv
    srv.release.set()
    await runner.cleanup()


def _acquired(transport: AiohttpTransport) -> int:
    connector = transport.connector
    return 0 if connector is None else len(connector._acquired)


async def _assert_healthy(transport: AiohttpTransport, server: Server) -> None:
    """No leaked connection, and the same transport still serves a normal request."""
    assert _acquired(transport) == 0
    resp = await transport.send(HttpRequest("POST", server.url("/echo/ok"), {}, b"ping"))
    assert (resp.status, resp.body) == (200, b"reply:ping")
    assert _acquired(transport) == 0


@pytest.fixture
async def transport(server: Server) -> AsyncIterator[AiohttpTransport]:
    t = AiohttpTransport(connect_timeout=2.0, read_timeout=5.0)
    yield t
    await _assert_healthy(t, server)
    await t.close()


RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def raw_server(handler: RawHandler) -> AsyncIterator[str]:
    """A bare TCP server on 127.0.0.1 that runs ``handler`` after reading request headers."""

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            await handler(reader, writer)
        finally:
            writer.close()

    srv = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        srv.close()
        await srv.wait_closed()


async def _close_now(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    pass


async def _reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"NOT HTTP AT ALL\r\n\r\n")
    await writer.drain()


async def _lying_length(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
    await writer.drain()


# --- happy path -----------------------------------------------------------------------


@pytest.mark.parametrize("limit", [64 * 1024 * 1024, None])
async def test_round_trip_sends_exactly_what_was_signed(server: Server, limit: int | None) -> None:
    t = AiohttpTransport(max_response_bytes=limit)
    path = "/echo/a%2Fb%20c/%7Euser/%C3%A9?x=a%2Bb&y=%3D&z=%20"
    headers = {
        "Host": "ecr.example.internal:4443",
        "X-Amz-Date": "20240101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc",
        "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.ListImages",
    }
    body = b'{"repositoryName": "r\\u00e9"}\x00\xff'
    try:
        resp = await t.send(HttpRequest("POST", server.url(path), headers, body))
        assert resp.status == 200
        assert resp.body == b"reply:" + body
        assert resp.headers["x-amzn-requestid"] == "rid-1"  # case-insensitive
        [seen] = server.seen
        assert (seen.method, seen.raw_path, seen.body) == ("POST", path, body)
        for name, value in headers.items():
            assert seen.headers[name] == value
        assert "Content-Type" not in seen.headers  # never invented
        resp = await t.send(HttpRequest("GET", server.url("/echo/g"), {"Content-Type": "a/b"}, b""))
        assert server.seen[1].headers["Content-Type"] == "a/b"
        assert server.seen[1].body == b""
        assert _acquired(t) == 0
    finally:
        await t.close()


async def test_concurrent_sends_share_the_pool(server: Server) -> None:
    t = AiohttpTransport(pool_size=2)
    try:
        reqs = [HttpRequest("POST", server.url(f"/echo/{i}"), {}, b"%d" % i) for i in range(6)]
        resps = await asyncio.gather(*(t.send(r) for r in reqs))
        assert [r.body for r in resps] == [b"reply:%d" % i for i in range(6)]
        assert _acquired(t) == 0
    finally:
        await t.close()


# --- connection failures ----------------------------------------------------------------


async def test_connection_refused(transport: AiohttpTransport) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectionError, match=rf"^POST 127\.0\.0\.1:{port}: ") as info:
        await transport.send(HttpRequest("POST", f"http://127.0.0.1:{port}/", {}, b""))
    assert isinstance(info.value.__cause__, aiohttp.ClientConnectorError)


@pytest.mark.parametrize(
    "fault", [_close_now, _reset, _garbage, _lying_length], ids=lambda f: f.__name__[1:]
)
async def test_broken_responses_are_connection_errors(
    transport: AiohttpTransport, fault: RawHandler
) -> None:
    secret = {"Authorization": "AWS4-HMAC-SHA256 Signature=topsecret"}
    async with raw_server(fault) as url:
        with pytest.raises(ConnectionError) as info:
            await transport.send(HttpRequest("POST", url, secret, b"{}"))
    assert "topsecret" not in str(info.value)
    assert "\n" not in str(info.value)
    assert isinstance(info.value.__cause__, aiohttp.ClientError | OSError)
    assert _acquired(transport) == 0


# --- timeouts and cancellation ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/stall", "/stall-body"])
async def test_read_timeout(server: Server, path: str) -> None:
    t = AiohttpTransport(read_timeout=0.05)
    try:
        with pytest.raises(TimeoutError, match="read timeout") as info:
            await t.send(HttpRequest("GET", server.url(path), {}, b""))
        assert isinstance(info.value, builtins.TimeoutError)
        assert isinstance(info.value, TransportError)
        assert isinstance(info.value.__cause__, aiohttp.ServerTimeoutError)
        await _assert_healthy(t, server)
    finally:
        await t.close()


async def test_total_timeout(server: Server) -> None:
    t = AiohttpTransport(total_timeout=0.05)
    try:
        with pytest.raises(TimeoutError):
            await t.send(HttpRequest("GET", server.url("/stall"), {}, b""))
        await _assert_healthy(t, server)
    finally:
        await t.close()


@pytest.mark.parametrize("path", ["/stall", "/stall-body"])
async def test_cancellation_propagates_and_leaks_nothing(
    transport: AiohttpTransport, server: Server, path: str
) -> None:
    task = asyncio.create_task(transport.send(HttpRequest("GET", server.url(path), {}, b"")))
    await server.entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert _acquired(transport) == 0


@pytest.mark.parametrize("path", ["/stall", "/stall-body"])
async def test_callers_asyncio_timeout_is_not_converted(
    transport: AiohttpTransport, server: Server, path: str
) -> None:
    with pytest.raises(builtins.TimeoutError) as info:
        async with asyncio.timeout(0.05):
            await transport.send(HttpRequest("GET", server.url(path), {}, b""))
    assert not isinstance(info.value, TransportError)
    assert isinstance(info.value.__cause__, asyncio.CancelledError)
    assert _acquired(transport) == 0


async def test_timeout_while_task_is_cancelling_is_not_converted(server: Server) -> None:
    t = AiohttpTransport(read_timeout=0.05)

    async def swallow_cancel_then_send() -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):  # swallowed, never uncancel()ed
            await asyncio.sleep(1)
        assert task.cancelling() == 1
        await t.send(HttpRequest("GET", server.url("/stall"), {}, b""))

    try:
        with pytest.raises(aiohttp.ServerTimeoutError) as info:
            await asyncio.create_task(swallow_cancel_then_send())
        assert not isinstance(info.value, TransportError)
        await _assert_healthy(t, server)
    finally:
        await t.close()


# --- response size limit ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?chunked=1"])
async def test_max_response_bytes_exceeded(server: Server, query: str) -> None:
    t = AiohttpTransport(max_response_bytes=999)
    try:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes=999") as info:
            await t.send(HttpRequest("GET", server.url("/big" + query), {}, b""))
        assert info.value.status_code == 200
        resp = await t.send(HttpRequest("GET", server.url("/big?n=999"), {}, b""))
        assert resp.body == BIG[:999]
        await _assert_healthy(t, server)
    finally:
        await t.close()


@pytest.mark.parametrize("status", [404, 503])
async def test_an_error_body_over_the_limit_is_cut_not_an_error(
    server: Server, status: int
) -> None:
    t = AiohttpTransport(max_response_bytes=999)
    try:
        resp = await t.send(HttpRequest("GET", server.url(f"/big?status={status}"), {}, b""))
        assert (resp.status, resp.body) == (status, BIG[:999])
        await _assert_healthy(t, server)
    finally:
        await t.close()


# --- session ownership and lifecycle ----------------------------------------------------


async def test_borrowed_session_is_not_closed(server: Server) -> None:
    async with aiohttp.ClientSession() as session:
        t = AiohttpTransport(session=session)
        resp = await t.send(HttpRequest("POST", server.url("/echo/b"), {}, b"x"))
        assert resp.body == b"reply:x"
        assert "Content-Type" not in server.seen[0].headers
        assert t.connector is session.connector
        await t.close()
        assert not session.closed
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            del t
            gc.collect()
        async with session.get(server.url("/echo/after")) as r:
            assert r.status == 200


async def test_owned_session_is_closed_idempotently(server: Server) -> None:
    t = AiohttpTransport()
    assert t.connector is None
    await t.send(HttpRequest("GET", server.url("/echo/o"), {}, b""))
    connector = t.connector
    assert connector is not None
    await t.close()
    await t.close()
    assert connector.closed
    assert t.connector is None
    with pytest.raises(RuntimeError, match="closed"):
        await t.send(HttpRequest("GET", server.url("/echo/o"), {}, b""))
    await AiohttpTransport().close()  # never used: nothing to close


async def test_unclosed_owning_transport_warns_on_gc(server: Server) -> None:
    t = AiohttpTransport()
    await t.send(HttpRequest("GET", server.url("/echo/gc"), {}, b""))
    session = t._session  # keep it alive so only the transport's own warning fires
    assert session is not None
    with pytest.warns(ResourceWarning, match="Unclosed AiohttpTransport"):
        del t
        gc.collect()
    await session.close()


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError, match="pool_size"):
        AiohttpTransport(pool_size=0)
    with pytest.raises(ValueError, match="max_response_bytes"):
        AiohttpTransport(max_response_bytes=-1)


# --- MockTransport ----------------------------------------------------------------------


async def test_mock_transport_sync_and_async_handlers() -> None:
    def sync_handler(request: HttpRequest) -> HttpResponse:
        return HttpResponse(201, {"X-Amzn-RequestId": "r1"}, request.body)

    async def async_handler(request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0)
        return HttpResponse(202, {}, b"async:" + request.body)

    Handler = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
    cases: list[tuple[Handler, int, bytes]] = [
        (sync_handler, 201, b"a"),
        (async_handler, 202, b"async:b"),
    ]
    for handler, status, body in cases:
        mock = MockTransport(handler)
        assert isinstance(mock, Transport)
        req = HttpRequest("POST", "https://ecr.test/", {"A": "1"}, body[-1:])
        resp = await mock.send(req)
        assert (resp.status, resp.body) == (status, body)
        assert mock.requests == [req]
        await mock.close()
        assert mock.closed
    assert resp.headers.get("x-amzn-requestid") is None
    resp = await MockTransport(sync_handler).send(req)
    assert resp.headers["x-amzn-requestid"] == "r1"


async def test_mock_transport_records_in_order_and_propagates_errors() -> None:
    def handler(request: HttpRequest) -> HttpResponse:
        if request.url.endswith("/fail"):
            raise ConnectionError("boom")
        return HttpResponse(200, {}, b"")

    mock = MockTransport(handler)
    await mock.send(HttpRequest("GET", "https://h/1", {}, b""))
    with pytest.raises(ConnectionError, match="boom"):
        await mock.send(HttpRequest("GET", "https://h/fail", {}, b""))
    await mock.send(HttpRequest("GET", "https://h/2", {}, b""))
    assert [r.url for r in mock.requests] == ["https://h/1", "https://h/fail", "https://h/2"]
