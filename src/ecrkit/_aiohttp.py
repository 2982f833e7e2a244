"""The aiohttp transport: the only ecrkit module that imports aiohttp.

:class:`AiohttpTransport` (public as ``ecrkit.http.AiohttpTransport``) sends each
:class:`~ecrkit.http.HttpRequest` through one pooled keep-alive session, with the
request's own :class:`~ecrkit.http.RequestSettings` (or the transport's defaults)
passed explicitly on every call, so a borrowed session's defaults cannot change an
outcome. :meth:`AiohttpTransport.send` reads the body whole (capped);
:meth:`AiohttpTransport.stream` hands it over in chunks.

Failures to get a complete answer become :class:`~ecrkit._exceptions.ConnectionError`
or :class:`~ecrkit._exceptions.TimeoutError` (the aiohttp error is the ``__cause__``;
messages name the method and host only, never headers, which carry signatures, nor
the query, which a presigned URL makes a credential). A body read whole that is larger
than ``max_response_bytes`` raises :class:`~ecrkit._exceptions.ResponseTooLargeError`.
``asyncio.CancelledError`` is never wrapped, and the connection is released or dropped
on every path.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import copy
import warnings
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any, Final, NoReturn, TypeAlias

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ecrkit._exceptions import (
    ClientClosedError,
    ConnectionError,
    ResponseTooLargeError,
    TimeoutError,
    without_tracebacks,
)
from ecrkit._http import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_RESPONSE_BYTES,
    HttpRequest,
    HttpResponse,
    RequestSettings,
    StreamedBody,
    StreamingResponse,
)
from ecrkit._network import NetworkSettings
from ecrkit._redact import redact_headers

__all__ = ["AIOHTTP_VERSION", "AiohttpTransport", "ClientSession"]

#: For the User-Agent's ``md/aiohttp#<version>`` (only this module imports aiohttp).
AIOHTTP_VERSION: Final = aiohttp.__version__
#: The session type a client borrows (``session=``), for annotations outside this module.
ClientSession: TypeAlias = aiohttp.ClientSession
_SKIP_AUTO_HEADERS: Final = ("Content-Type",)
#: Per-settings request options kept per transport (a client uses a handful at most).
_OPTIONS_CACHE_SIZE: Final = 32


class AiohttpTransport:
    """A streaming transport over one pooled, keep-alive ``aiohttp.ClientSession``.

    The session is created on the first :meth:`send`, inside the running loop, and
    is bound to that loop. A ``session`` passed in is not closed by :meth:`close`;
    it behaves like an owned one for everything that decides an outcome: every
    request passes its settings' timeouts and redirect choice (the request's
    :class:`~ecrkit.http.RequestSettings`, else this transport's :attr:`settings`) and
    ``raise_for_status=False`` explicitly, whatever the session's defaults. Its
    pool (``pool_size`` is ignored), default headers, cookies and trace configs do
    apply; so do its proxy settings unless the client's :meth:`configure` gives a
    proxy. ``max_response_bytes`` (``None``: no limit) bounds the decoded body of
    every response read whole; a streamed one is not capped.

    :meth:`configure` (the client calls it once, before the first request) applies
    the client's proxy, TLS trust and ``User-Agent``: to the session and connector
    it creates, or, for a borrowed session, as per-request options built once.
    """

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        connect_timeout: float | None = 10.0,
        read_timeout: float | None = 60.0,
        total_timeout: float | None = None,
        pool_size: int = 100,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, got {pool_size}")
        if max_response_bytes is not None and max_response_bytes < 0:
            raise ValueError(f"max_response_bytes must be >= 0, got {max_response_bytes}")
        if session is not None and session.auth is not None:
            # aiohttp would refuse every request (ValueError): it cannot combine its
            # auth= with the SigV4 Authorization header.
            raise ValueError("session= must not have auth=: requests carry SigV4 Authorization")
        self._session = session
        self._owns_session = session is None
        self._closed = False
        self._pool_size = pool_size
        self._max_bytes = max_response_bytes
        self._settings = RequestSettings(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            total_timeout=total_timeout,
            max_response_bytes=max_response_bytes,
        )
        self._timeout = _timeout(self._settings)
        self._options_cache: dict[RequestSettings, dict[str, Any]] = {}
        # Built once: what each request passes explicitly, so that a borrowed session's
        # defaults (raise_for_status=True, its own timeouts, ...) cannot change how a
        # response is read or classified. An owned session skips Content-Type itself;
        # a borrowed one needs it per call.
        self._request_options: dict[str, Any] = {
            "allow_redirects": False,
            "raise_for_status": False,
            "timeout": self._timeout,
        }
        if session is not None:
            self._request_options["skip_auto_headers"] = _SKIP_AUTO_HEADERS
        self._network: NetworkSettings | None = None

    def configure(self, network: NetworkSettings) -> dict[str, str]:
        """Apply the client's proxy, TLS trust and User-Agent (once, before any send).

        Returns the headers the client must add to each request itself: the
        ``User-Agent`` for a borrowed session (whose default headers are the
        owner's), nothing for an owned one (its session sends it by default).
        """
        self._network = network
        self._options_cache.clear()
        options = self._request_options
        if network.proxy is not None:
            options["proxy"] = URL(network.proxy.url)
            options["proxy_headers"] = dict(network.proxy.headers)
        if self._owns_session:
            return {}
        if network.ssl is not None:
            options["ssl"] = network.ssl
        return {"User-Agent": network.user_agent}

    def derive(
        self,
        *,
        connect_timeout: float | None,
        read_timeout: float | None,
        total_timeout: float | None,
    ) -> AiohttpTransport:
        """A transport sending through this one's session with other timeouts.

        The session is opened now if it is not yet; the derived transport never
        closes it (closing it is a no-op), and it fails with
        :class:`~ecrkit.errors.ClientClosedError` once this one is closed.
        """
        session = self._session or self._open()
        view = copy.copy(self)
        view._session = session
        view._owns_session = False
        view._settings = RequestSettings(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            total_timeout=total_timeout,
            max_response_bytes=self._max_bytes,
        )
        view._timeout = _timeout(view._settings)
        view._request_options = {**self._request_options, "timeout": view._timeout}
        view._options_cache = {}
        return view

    @property
    def settings(self) -> RequestSettings:
        """What a request without its own ``settings`` is sent with."""
        return self._settings

    def _options_for(self, settings: RequestSettings) -> dict[str, Any]:
        """The aiohttp request options for ``settings`` (built once per value)."""
        options = self._options_cache.get(settings)
        if options is None:
            options = {
                **self._request_options,
                "timeout": _timeout(settings),
                "allow_redirects": settings.follow_redirects,
            }
            if len(self._options_cache) < _OPTIONS_CACHE_SIZE:
                self._options_cache[settings] = options
        return options

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """The session's connection pool (``None`` before the first send or after close)."""
        return None if self._session is None else self._session.connector

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("AiohttpTransport is closed")
        network = self._network
        connector_options: dict[str, Any] = {"limit": self._pool_size}
        headers: dict[str, str] = {}
        if network is not None:
            headers["User-Agent"] = network.user_agent
            if network.ssl is not None:
                connector_options["ssl"] = network.ssl
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(**connector_options),
            timeout=self._timeout,
            headers=headers,
            skip_auto_headers=_SKIP_AUTO_HEADERS,
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self._session

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the body whole; see the module docstring for errors.

        An error raised here never carries the signed headers in a frame local: this
        frame drops ``request`` on the way out, and the chained aiohttp error keeps
        its type and message but not its traceback (aiohttp's frames, and asyncio's
        for an error raised in a protocol callback, hold the signed request).
        """
        session = self._session or self._open()
        method = request.method
        url = URL(request.url, encoded=True)
        settings = request.settings
        if settings is None:
            options = self._request_options
            limit = self._max_bytes
        else:
            options = self._options_for(settings)
            limit = settings.max_response_bytes
        body: Any = request.body
        headers = request.headers
        if request.body_stream is not None:
            headers, body = _streamed(headers, body, request.body_stream)
        try:
            async with session.request(
                method, url, headers=headers, data=body or None, **options
            ) as resp:
                try:
                    data = await _read_body(resp, method, url, limit)
                except BaseException:
                    resp.close()  # drop the connection: the body was not fully read
                    raise
                return HttpResponse(resp.status, resp.headers, data)
        except (builtins.TimeoutError, aiohttp.ClientError, OSError, RuntimeError) as exc:
            _raise_mapped(exc, method, url, session)
        finally:
            del request, headers

    @contextlib.asynccontextmanager
    async def stream(self, request: HttpRequest) -> AsyncGenerator[StreamingResponse]:
        """``async with transport.stream(request) as response:`` the body unread.

        ``response.iter_chunks()`` reads it as it arrives (aiohttp's flow control
        keeps at most a few chunks buffered); exhausting it returns the connection to
        the pool; leaving the block early, by an exception or a cancellation drops it.
        The errors are :meth:`send`'s; the body is never capped.
        """
        session = self._session or self._open()
        method = request.method
        url = URL(request.url, encoded=True)
        settings = request.settings
        options = self._request_options if settings is None else self._options_for(settings)
        body: Any = request.body
        headers = request.headers
        if request.body_stream is not None:
            headers, body = _streamed(headers, body, request.body_stream)
        try:
            resp = await session.request(method, url, headers=headers, data=body or None, **options)
        except (builtins.TimeoutError, aiohttp.ClientError, OSError, RuntimeError) as exc:
            _raise_mapped(exc, method, url, session)
        finally:
            del request, headers
        streamed = _AiohttpStream(resp, method, url)
        try:
            yield streamed
        finally:
            streamed.finish()

    async def close(self) -> None:
        """Close the session if this transport created it; idempotent."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()

    def __del__(self, _warn: Callable[..., None] = warnings.warn) -> None:
        # No loop calls here: the loop may be closed or in another thread.
        session = getattr(self, "_session", None)
        if session is not None and getattr(self, "_owns_session", False) and not session.closed:
            _warn(
                f"Unclosed {type(self).__name__}; call 'await transport.close()'",
                ResourceWarning,
                source=self,
            )


async def _read_body(
    resp: aiohttp.ClientResponse, method: str, url: URL, limit: int | None
) -> bytes:
    if limit is None:
        return await resp.read()
    # An error's status decides what happens next (a 503 is retried whatever its
    # body); its code and message are at the start. So an error body over the
    # limit is cut at the limit and its connection dropped, not an error itself.
    error = resp.status >= 300
    declared = resp.content_length
    if (
        not error
        and declared is not None
        and declared > limit
        and "Content-Encoding" not in resp.headers
    ):
        raise _too_large(resp, method, url, limit)
    chunks: list[bytes] = []
    size = 0
    content = resp.content
    while chunk := await content.readany():
        size += len(chunk)
        if size > limit:
            if not error:
                raise _too_large(resp, method, url, limit)
            chunks.append(chunk[: len(chunk) - (size - limit)])
            resp.close()  # the rest stays unread: the connection cannot be reused
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _timeout(settings: RequestSettings) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=settings.total_timeout,
        sock_connect=settings.connect_timeout,
        sock_read=settings.read_timeout,
    )


def _streamed(
    headers: Mapping[str, str], body: bytes, stream: StreamedBody
) -> tuple[Mapping[str, str], StreamedBody | None]:
    """Headers with ``Content-Length`` and the data aiohttp sends for a streamed body."""
    if body:
        raise ValueError("HttpRequest takes body or body_stream, not both")
    # An explicit Content-Length keeps aiohttp from chunked transfer encoding.
    fixed = CIMultiDict(headers)
    fixed["Content-Length"] = str(stream.length)
    return fixed, stream if stream.length else None


class _AiohttpStream:
    """A :class:`~ecrkit.http.StreamingResponse` over an aiohttp response."""

    __slots__ = ("_method", "_resp", "_url", "headers", "status")

    def __init__(self, resp: aiohttp.ClientResponse, method: str, url: URL) -> None:
        self._resp = resp
        self._method = method
        self._url = url
        self.status = resp.status
        self.headers: Mapping[str, str] = resp.headers

    async def iter_chunks(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The rest of the body, in chunks of at most ``chunk_size`` bytes."""
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
        content = self._resp.content
        while True:
            try:
                chunk = await content.read(chunk_size)
            except (builtins.TimeoutError, aiohttp.ClientError, OSError) as exc:
                self._resp.close()
                _raise_mapped(exc, self._method, self._url, None)
            if not chunk:
                break
            yield chunk
        self.finish()

    async def read(self) -> bytes:
        """The rest of the body, whole."""
        try:
            data = await self._resp.read()
        except (builtins.TimeoutError, aiohttp.ClientError, OSError) as exc:
            self._resp.close()
            _raise_mapped(exc, self._method, self._url, None)
        self.finish()
        return data

    async def aclose(self) -> None:
        """Stop reading; the connection is dropped unless the body was read to its end."""
        self.finish()

    def finish(self) -> None:
        """Release the connection to the pool if the body is read, else drop it."""
        resp = self._resp
        if resp.content.at_eof():
            resp.release()
        else:
            resp.close()


def _raise_mapped(
    exc: BaseException, method: str, url: URL, session: aiohttp.ClientSession | None
) -> NoReturn:
    """Raise the ecrkit error for ``exc`` (being handled), or ``exc`` itself."""
    if isinstance(exc, builtins.TimeoutError):
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise  # a cancellation is in progress: not ours to convert
        kind = _timeout_kind(exc)
        raise TimeoutError(f"{_where(method, url)}: {kind}") from without_tracebacks(exc)
    if isinstance(exc, aiohttp.ClientError | OSError):
        _redact_request_info(exc)
        detail = _describe(exc)
        raise ConnectionError(f"{_where(method, url)}: {detail}") from without_tracebacks(exc)
    if session is not None and session.closed:
        # A borrowed session its owner closed (aiohttp: RuntimeError "Session is closed").
        raise ClientClosedError("the aiohttp session passed as session= is closed") from None
    raise


def _where(method: str, url: URL) -> str:
    return f"{method} {url.host}:{url.port}"


def _redact_request_info(exc: BaseException) -> None:
    """Mask the signed headers aiohttp keeps on a response error (they show in its repr).

    A ``ClientResponseError`` (e.g. a malformed status line) holds the request's
    headers in ``request_info``; it is chained as the ``__cause__`` of the error we
    raise, so the signature and session token would reach any ``repr()`` of it.
    """
    if isinstance(exc, aiohttp.ClientResponseError) and exc.request_info is not None:  # pyright: ignore[reportUnnecessaryComparison]
        info = exc.request_info
        headers = CIMultiDict(redact_headers(info.headers))
        redacted = aiohttp.RequestInfo(
            info.url, info.method, CIMultiDictProxy(headers), info.real_url
        )
        exc.request_info = redacted
        # aiohttp also passes it to BaseException.__init__: args[0] is the same object.
        exc.args = tuple(redacted if arg is info else arg for arg in exc.args)


def _timeout_kind(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return "connect timeout"
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return "read timeout"
    return "total timeout"


def _describe(exc: BaseException) -> str:
    # Keep it short and free of URLs (a presigned query string is a credential).
    if isinstance(exc, aiohttp.InvalidURL):
        detail = "invalid URL"
    elif isinstance(exc, aiohttp.ClientResponseError):
        detail = exc.message
    else:
        detail = str(exc)
    detail = detail.partition("\n")[0]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _too_large(
    resp: aiohttp.ClientResponse, method: str, url: URL, limit: int
) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"{_where(method, url)}: response body exceeds max_response_bytes={limit}",
        status_code=resp.status,
        request_id=resp.headers.get("x-amzn-RequestId"),
    )
