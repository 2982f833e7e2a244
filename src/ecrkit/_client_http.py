"""``client.http``: plain HTTP requests through a client's transport.

Pulling an image layer means a GET of the presigned S3 URL that
``get_download_url_for_layer`` returns: it must go out with no ``Authorization`` and
no ``X-Amz-*`` header (the query string is the credential), through the same pooled
session, proxy, TLS trust and ``User-Agent`` as the client's API calls. This module
sends such requests, unsigned unless their settings ask for SigV4. No retries: the
caller decides (a presigned URL may have expired).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from . import _client_base
from ._http import (
    BufferedStream,
    HttpRequest,
    HttpResponse,
    RequestSettings,
    StreamingResponse,
    Transport,
)

if TYPE_CHECKING:
    from ._client_base import BaseClient

__all__ = ["ClientHttp"]


class ClientHttp:
    """Sends :class:`~ecrkit.http.HttpRequest` objects through a client's transport.

    Got from ``client.http``. Each request goes out as given plus the client's
    ``User-Agent`` (unless it has one), with its own ``settings`` or, without them,
    :attr:`settings` (the client's timeouts and body cap). With
    ``RequestSettings(sign=True)`` the client signs it with SigV4 (its credentials,
    signing region and name); otherwise nothing else is added. The first use sets the
    client up as its first API call would (region, endpoint, proxy, TLS). Errors are
    the transport's (:class:`~ecrkit.errors.EndpointConnectionError`,
    :class:`~ecrkit.errors.TransportTimeoutError`, ...); no request is retried.
    """

    __slots__ = ("_client",)

    def __init__(self, client: BaseClient) -> None:
        self._client = client

    @property
    def settings(self) -> RequestSettings:
        """The settings a request without its own gets: the client's timeouts and cap."""
        config = self._client.config
        return RequestSettings(
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            total_timeout=config.total_timeout,
            max_response_bytes=config.max_response_bytes,
        )

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the response whole (capped by ``max_response_bytes``)."""
        transport, prepared = await self._prepare(request)
        del request
        return await transport.send(prepared)

    @contextlib.asynccontextmanager
    async def stream(self, request: HttpRequest) -> AsyncGenerator[StreamingResponse]:
        """``async with client.http.stream(request) as response:`` the body unread.

        ``async for chunk in response.iter_chunks():`` reads it as it arrives; the
        connection goes back to the pool when the body is exhausted and is dropped
        when the block is left early (exception, cancellation). Over a transport
        without ``stream`` the body is read whole first.
        """
        transport, prepared = await self._prepare(request)
        del request
        stream = getattr(transport, "stream", None)
        if stream is None:
            yield BufferedStream.of(await transport.send(prepared))
            return
        opened: contextlib.AbstractAsyncContextManager[StreamingResponse] = stream(prepared)
        del prepared
        async with opened as response:
            yield response

    async def _prepare(self, request: HttpRequest) -> tuple[Transport, HttpRequest]:
        # The client's protected members, from outside the class: this is its seam.
        client: Any = self._client
        rt = client._runtime
        if rt is None or client._closed:
            rt = await client._start()  # raises once the client is closed
        generation = _client_base._fork_generation  # pyright: ignore[reportPrivateUsage]
        if rt.fork_generation != generation or rt.loop is not asyncio.get_running_loop():
            raise client._foreign_error(rt)
        settings = request.settings or self.settings
        headers = dict(request.headers)
        agent = rt.extra_headers.get("User-Agent")
        if agent is not None and not any(name.lower() == "user-agent" for name in headers):
            headers["User-Agent"] = agent
        if settings.sign:
            if request.body_stream is not None and not any(
                name.lower() == "x-amz-content-sha256" for name in headers
            ):
                raise ValueError(
                    "a signed request with a StreamedBody needs an X-Amz-Content-SHA256 "
                    "header (its hash, or UNSIGNED-PAYLOAD where the service allows it): "
                    "SigV4 covers the payload, which is not in memory"
                )
            creds = await rt.credentials.get()
            client._sign(rt, creds, request.method, request.url, headers, request.body)
        transport: Transport = rt.transport
        return transport, request._replace(headers=headers, settings=settings)
