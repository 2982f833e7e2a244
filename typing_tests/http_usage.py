"""Checked by mypy --strict and pyright strict, no plugins (never run): ecrkit.http as a
user writes it (a layer pull, a streamed upload, a transport of one's own)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import assert_type

from ecrkit import ECRClient
from ecrkit.http import (
    AiohttpTransport,
    ClientHttp,
    HttpRequest,
    HttpResponse,
    RequestSettings,
    StreamedBody,
    StreamingResponse,
    StreamingTransport,
    Transport,
)
from ecrkit.testing import MockTransport


async def pull(ecr: ECRClient, url: str) -> int:
    assert_type(ecr.http, ClientHttp)
    assert_type(ecr.http.settings, RequestSettings)
    settings = RequestSettings(read_timeout=30)
    size = 0
    async with ecr.http.stream(HttpRequest("GET", url, settings=settings)) as resp:
        assert_type(resp, StreamingResponse)
        assert_type(resp.status, int)
        async for chunk in resp.iter_chunks(1 << 20):
            assert_type(chunk, bytes)
            size += len(chunk)
    whole = await ecr.http.send(HttpRequest("GET", url))
    assert_type(whole, HttpResponse)
    assert_type(whole.body, bytes)
    return size


async def blocks() -> AsyncIterator[bytes]:
    yield b"x"


async def push(ecr: ECRClient, url: str) -> int:
    request = HttpRequest("PUT", url, {"A": "b"}, body_stream=StreamedBody(blocks(), 1))
    return (await ecr.http.send(request)).status


class Recording:
    """A transport of one's own: send and close make a Transport."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {}, request.body)

    async def close(self) -> None:
        pass


def transports() -> list[Transport]:
    streaming: StreamingTransport = AiohttpTransport(read_timeout=5)
    mock: StreamingTransport = MockTransport(lambda request: HttpResponse(200, {}, b""))
    ECRClient(transport=Recording())
    return [streaming, mock, Recording()]
