"""ecrkit.http's types: reprs that mask credentials, settings checked with the field
named, streamed bodies that check their length, the in-memory stream, and the rule
that only the transport module imports aiohttp."""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import ecrkit.http
from ecrkit._redact import redact_url
from ecrkit.http import (
    BufferedStream,
    HttpRequest,
    HttpResponse,
    RequestSettings,
    StreamedBody,
    StreamingTransport,
    Transport,
)
from ecrkit.testing import MockTransport

SRC = Path(__file__).resolve().parents[2] / "src" / "ecrkit"
SIGNATURE = "Signature=0123456789abcdef0123456789abcdef"


def test_the_request_repr_masks_secret_headers_and_the_query() -> None:
    request = HttpRequest(
        "GET",
        "https://user:pw@bucket.s3.amazonaws.com/layer?X-Amz-Signature=deadbeef&X-Amz-Credential=AKID",
        {
            "authorization": f"AWS4-HMAC-SHA256 Credential=AKID/x, {SIGNATURE}",
            "X-Amz-Security-Token": "session-token-value",
            "Proxy-Authorization": "Basic dXNlcjpwdw==",
            "Accept": "*/*",
        },
        b"secret body",
    )
    shown = repr(request)
    for secret in ("deadbeef", "AKID", SIGNATURE, "session-token-value", "dXNlcjpwdw", "pw@"):
        assert secret not in shown
    assert "https://***@bucket.s3.amazonaws.com/layer?***" in shown
    assert "'Accept': '*/*'" in shown and "<11 bytes>" in shown and "secret body" not in shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://h/p", "https://h/p"),
        ("https://h/p?a=1", "https://h/p?***"),
        ("https://u@h:1/p/q?x", "https://***@h:1/p/q?***"),
        ("http://a:b@h", "http://***@h"),
        ("relative?x=1", "relative?***"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("connect_timeout", 0),
        ("read_timeout", -1.0),
        ("total_timeout", True),
        ("total_timeout", float("inf")),
        ("connect_timeout", "5"),
        ("max_response_bytes", -1),
        ("max_response_bytes", 1.5),
        ("max_response_bytes", False),
    ],
)
def test_bad_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"RequestSettings.{field} must be"):
        RequestSettings(**{field: value})  # type: ignore[arg-type]


def test_settings_are_hashable_values() -> None:
    assert RequestSettings(read_timeout=5) == RequestSettings(read_timeout=5)
    assert len({RequestSettings(), RequestSettings(), RequestSettings(sign=True)}) == 2
    assert RequestSettings(connect_timeout=None, read_timeout=None).read_timeout is None


async def _parts(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_a_streamed_body_checks_its_length_and_is_read_once() -> None:
    body = StreamedBody(_parts(b"ab", b"c"), 3)
    assert [chunk async for chunk in body] == [b"ab", b"c"]
    with pytest.raises(RuntimeError, match="read once"):
        body.__aiter__()
    with pytest.raises(ValueError, match="more than its length=2"):
        _ = [chunk async for chunk in StreamedBody(_parts(b"ab", b"c"), 2)]
    with pytest.raises(ValueError, match="yielded 3 bytes, not its length=4"):
        _ = [chunk async for chunk in StreamedBody(_parts(b"ab", b"c"), 4)]
    for bad in (-1, 1.0, True):
        with pytest.raises(ValueError, match="length must be an int"):
            StreamedBody(_parts(), bad)  # type: ignore[arg-type]
    assert repr(StreamedBody(_parts(), 7)) == "StreamedBody(length=7)"


async def test_a_buffered_stream_yields_chunks_then_the_rest() -> None:
    stream = BufferedStream.of(HttpResponse(200, {}, b"0123456789"))
    iterator = stream.iter_chunks(3)
    assert await iterator.__anext__() == b"012"
    assert await stream.read() == b"3456789"
    assert [chunk async for chunk in iterator] == []
    with pytest.raises(ValueError, match="chunk_size"):
        await stream.iter_chunks(0).__anext__()


async def test_the_mock_transport_streams_and_records() -> None:
    mock = MockTransport(lambda request: HttpResponse(200, {"A": "1"}, b"abcdef"))
    assert isinstance(mock, Transport) and isinstance(mock, StreamingTransport)
    async with mock.stream(HttpRequest("GET", "https://x/y")) as response:
        assert response.status == 200 and response.headers["a"] == "1"
        assert [c async for c in response.iter_chunks(4)] == [b"abcd", b"ef"]
    assert [r.url for r in mock.requests] == ["https://x/y"]


def test_the_facade_exports_the_aiohttp_transport() -> None:
    from ecrkit._aiohttp import AiohttpTransport

    assert ecrkit.http.AiohttpTransport is AiohttpTransport
    assert isinstance(AiohttpTransport(), StreamingTransport)


def test_only_the_transport_module_imports_aiohttp() -> None:
    importers = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            if any(name == "aiohttp" or name.startswith("aiohttp.") for name in names):
                importers.add(path.relative_to(SRC).as_posix())
    assert importers == {"_aiohttp.py"}
