"""The HTTP layer's types (public as :mod:`ecrkit.http`, which documents them).

Requests, responses, per-request settings, streamed bodies and the transport
protocols; nothing here imports aiohttp.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple, Protocol, cast, runtime_checkable

from ecrkit._redact import redact_headers, redact_url

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BufferedStream",
    "HttpRequest",
    "HttpResponse",
    "RequestSettings",
    "StreamedBody",
    "StreamingResponse",
    "StreamingTransport",
    "Transport",
]

#: The default cap on a body read whole into memory (``ClientConfig.max_response_bytes``).
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
#: The largest chunk :meth:`StreamingResponse.iter_chunks` yields by default.
DEFAULT_CHUNK_SIZE: Final = 64 * 1024

_NO_HEADERS: Final[Mapping[str, str]] = MappingProxyType({})


def _check_timeout(value: float | None, name: str) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if value is not None and not (number and 0 < value < math.inf):
        raise ValueError(f"RequestSettings.{name} must be a positive number or None, got {value!r}")


@dataclass(frozen=True, slots=True)
class RequestSettings:
    """How one request is sent, whatever the session's own defaults.

    Timeouts are in seconds, ``None`` for no limit: ``connect_timeout`` to get a
    connection, ``read_timeout`` between two reads from the socket, ``total_timeout``
    for the whole exchange (for a streamed response: until the body is read).
    ``follow_redirects``: follow 3xx answers (off: the 3xx is the response).
    ``max_response_bytes``: the cap on a body read whole into memory (``None``: no
    cap); a streamed body is not capped, as it is never held whole. ``sign``: whether
    ``client.http`` signs the request with SigV4 (the client's credentials, region
    and signing name); a transport ignores it.
    """

    connect_timeout: float | None = 10.0
    read_timeout: float | None = 60.0
    total_timeout: float | None = None
    follow_redirects: bool = False
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
    sign: bool = False

    def __post_init__(self) -> None:
        _check_timeout(self.connect_timeout, "connect_timeout")
        _check_timeout(self.read_timeout, "read_timeout")
        _check_timeout(self.total_timeout, "total_timeout")
        limit = self.max_response_bytes
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(cast(object, limit), int) or limit < 0
        ):
            raise ValueError(
                f"RequestSettings.max_response_bytes must be an int >= 0 or None, got {limit!r}"
            )


class StreamedBody:
    """A request body read from an async iterable of bytes whose total ``length`` is known.

    Sent with ``Content-Length: <length>`` (never chunked transfer encoding); the
    chunks are read once, as the body goes out, so the body is never whole in memory.
    A body that yields more or fewer bytes than ``length`` fails the request with
    :class:`~ecrkit.errors.EndpointConnectionError` (its ``__cause__`` says which). One-shot:
    a second send of the same body fails.
    """

    __slots__ = ("_chunks", "_used", "length")

    def __init__(self, chunks: AsyncIterable[bytes], length: int) -> None:
        if isinstance(length, bool) or not isinstance(cast(object, length), int) or length < 0:
            raise ValueError(f"StreamedBody length must be an int >= 0, got {length!r}")
        self._chunks = chunks
        self._used = False
        #: The number of bytes the body has, sent as ``Content-Length``.
        self.length: int = length

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._used:
            raise RuntimeError("a StreamedBody is read once; build a new one to send again")
        self._used = True
        return self._checked()

    async def _checked(self) -> AsyncIterator[bytes]:
        sent = 0
        async for chunk in self._chunks:
            sent += len(chunk)
            if sent > self.length:
                raise ValueError(f"StreamedBody yielded more than its length={self.length} bytes")
            yield chunk
        if sent != self.length:
            raise ValueError(f"StreamedBody yielded {sent} bytes, not its length={self.length}")

    def __repr__(self) -> str:
        return f"StreamedBody(length={self.length})"


class HttpRequest(NamedTuple):
    """A request as it goes on the wire (a client's API calls are signed already).

    The body is ``body`` (bytes) or, for a body too large to hold, ``body_stream``
    (a :class:`StreamedBody`; ``body`` must then be empty). ``settings``: this
    request's :class:`RequestSettings`; ``None`` for the transport's defaults. The
    repr masks secret headers and the URL's query string.
    """

    method: str
    url: str
    headers: Mapping[str, str] = _NO_HEADERS
    body: bytes = b""
    settings: RequestSettings | None = None
    body_stream: StreamedBody | None = None

    def __repr__(self) -> str:
        stream = "" if self.body_stream is None else f", body_stream={self.body_stream!r}"
        return (
            f"HttpRequest(method={self.method!r}, url={redact_url(self.url)!r}, "
            f"headers={dict(redact_headers(self.headers))!r}, body=<{len(self.body)} bytes>, "
            f"settings={self.settings!r}{stream})"
        )


class HttpResponse(NamedTuple):
    """A complete response; ``headers`` looks names up case-insensitively."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class StreamingResponse(Protocol):
    """A response whose body is read as it arrives (see :meth:`StreamingTransport.stream`)."""

    @property
    def status(self) -> int:
        """The HTTP status code."""
        ...

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers (names looked up case-insensitively)."""
        ...

    def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The rest of the body, in chunks of at most ``chunk_size`` bytes.

        When the body is exhausted, the connection goes back to the pool.
        """
        ...

    async def read(self) -> bytes:
        """The rest of the body, whole (not capped: the caller chose to hold it)."""
        ...

    async def aclose(self) -> None:
        """Stop reading: the connection is dropped unless the body was read to its end."""
        ...


@runtime_checkable
class Transport(Protocol):
    """Sends requests exactly as given; owned by one client and closed with it."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the full response (any status)."""
        ...

    async def close(self) -> None:
        """Release pooled connections; idempotent."""
        ...


@runtime_checkable
class StreamingTransport(Transport, Protocol):
    """A :class:`Transport` that can also hand a response body over in chunks."""

    def stream(self, request: HttpRequest) -> AbstractAsyncContextManager[StreamingResponse]:
        """``async with transport.stream(request) as response:`` the response with its
        body unread; leaving the block releases the connection (dropped if unread)."""
        ...


class BufferedStream:
    """A :class:`StreamingResponse` over a body already in memory.

    What ``ecrkit.testing.MockTransport`` streams, and what ``client.http.stream``
    gives over a transport that has no ``stream`` of its own.
    """

    __slots__ = ("_body", "_offset", "headers", "status")

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        #: The HTTP status code.
        self.status: int = status
        #: The response headers.
        self.headers: Mapping[str, str] = headers
        self._body = body
        self._offset = 0

    @classmethod
    def of(cls, response: HttpResponse) -> BufferedStream:
        """A stream over ``response``'s body."""
        return cls(response.status, response.headers, response.body)

    async def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The rest of the body in chunks of at most ``chunk_size`` bytes."""
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
        while self._offset < len(self._body):
            start = self._offset
            self._offset = start + chunk_size
            yield self._body[start : self._offset]

    async def read(self) -> bytes:
        """The rest of the body."""
        rest = self._body[self._offset :]
        self._offset = len(self._body)
        return rest

    async def aclose(self) -> None:
        """Nothing to release."""
        self._offset = len(self._body)
