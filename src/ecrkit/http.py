"""The HTTP layer: requests, responses, per-request settings and the transport interface.

A :class:`Transport` sends one :class:`HttpRequest` exactly as given (a client signs
its API calls before they get here) and returns an :class:`HttpResponse` with the
whole body read. A :class:`StreamingTransport` can also hand the body over in chunks
(:meth:`StreamingTransport.stream`), with the connection released when the chunks
run out, when the ``async with`` block ends, on an exception and on cancellation.
:class:`AiohttpTransport` is the default one (one pooled keep-alive
``aiohttp.ClientSession``); ``ecrkit.testing.MockTransport`` answers from a function.

Each request may carry its own :class:`RequestSettings` (timeouts, redirects, the
in-memory body cap, whether the client signs it); without them the transport's
defaults apply. A request body is ``bytes``, or a :class:`StreamedBody` (an async
iterable of bytes with a known length, sent with ``Content-Length``, never chunked)
as ``HttpRequest(body_stream=...)``.

From a client, :attr:`ecrkit.ECRClient.http` sends such requests through the client's
pool with its proxy, TLS and ``User-Agent`` settings, unsigned unless
``RequestSettings(sign=True)``: a presigned S3 URL (a layer from
``get_download_url_for_layer``) is fetched with no ``Authorization`` or ``X-Amz-*``
header added. See docs/http.md.

Failures to get an answer are :class:`~ecrkit.errors.EndpointConnectionError` or
:class:`~ecrkit.errors.TransportTimeoutError`; their messages name the method and host only.
"""

from ecrkit._aiohttp import AiohttpTransport
from ecrkit._client_http import ClientHttp
from ecrkit._http import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_RESPONSE_BYTES,
    BufferedStream,
    HttpRequest,
    HttpResponse,
    RequestSettings,
    StreamedBody,
    StreamingResponse,
    StreamingTransport,
    Transport,
)

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AiohttpTransport",
    "BufferedStream",
    "ClientHttp",
    "HttpRequest",
    "HttpResponse",
    "RequestSettings",
    "StreamedBody",
    "StreamingResponse",
    "StreamingTransport",
    "Transport",
]
