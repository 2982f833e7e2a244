"""The HTTP transport layer: the only ecrkit module that imports aiohttp.

A :class:`Transport` sends one already-signed :class:`HttpRequest` and returns an
:class:`HttpResponse` with the whole body read. :class:`AiohttpTransport` is the real
one (one pooled keep-alive session per transport); :class:`MockTransport` answers
from a handler, for tests.

Failures to get a complete answer become :class:`~ecrkit._exceptions.ConnectionError`
or :class:`~ecrkit._exceptions.TimeoutError` (the aiohttp error is the ``__cause__``;
messages name the method and host only, never headers, which carry signatures). A
body larger than ``max_response_bytes`` raises
:class:`~ecrkit._exceptions.ResponseTooLargeError`. ``asyncio.CancelledError`` is never
wrapped, and the connection is released or dropped on every path.
"""

from __future__ import annotations

import asyncio
import builtins
import copy
import inspect
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, NamedTuple, Protocol, runtime_checkable

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
from ecrkit._network import NetworkSettings

__all__ = [
    "AIOHTTP_VERSION",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AiohttpTransport",
    "HttpRequest",
    "HttpResponse",
    "MockTransport",
    "Transport",
]

DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
#: For the User-Agent's ``md/aiohttp#<version>`` (only this module imports aiohttp).
AIOHTTP_VERSION: Final = aiohttp.__version__
_SKIP_AUTO_HEADERS: Final = ("Content-Type",)


class HttpRequest(NamedTuple):
    """A request ready to go on the wire (already signed: sent exactly as given)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes


class HttpResponse(NamedTuple):
    """A complete response; ``headers`` looks names up case-insensitively."""

    status: int
    headers: Mapping[str, str]
    body: bytes


@runtime_checkable
class Transport(Protocol):
    """Sends signed requests; owned by one client and closed with it."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the full response (any status)."""
        ...

    async def close(self) -> None:
        """Release pooled connections; idempotent."""
        ...


class AiohttpTransport:
    """A :class:`Transport` over one pooled, keep-alive ``aiohttp.ClientSession``.

    The session is created on the first :meth:`send`, inside the running loop, and
    is bound to that loop. A ``session`` passed in is not closed by :meth:`close`;
    it behaves like an owned one for everything that decides an outcome: every
    request passes this transport's timeouts, ``raise_for_status=False`` and
    ``allow_redirects=False`` explicitly, whatever the session's defaults. Its
    pool (``pool_size`` is ignored), default headers, cookies and trace configs do
    apply; so do its proxy settings unless the client's :meth:`configure` gives a
    proxy. ``max_response_bytes`` (``None``: no limit) bounds the decoded body of
    every response.

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
        self._timeout = aiohttp.ClientTimeout(
            total=total_timeout, sock_connect=connect_timeout, sock_read=read_timeout
        )
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
        view._timeout = aiohttp.ClientTimeout(
            total=total_timeout, sock_connect=connect_timeout, sock_read=read_timeout
        )
        view._request_options = {**self._request_options, "timeout": view._timeout}
        return view

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
        """Send ``request``; see the module docstring for the error mapping.

        An error raised here never carries the signed headers in a frame local: this
        frame drops ``request`` on the way out, and the chained aiohttp error keeps
        its type and message but not its traceback (aiohttp's frames, and asyncio's
        for an error raised in a protocol callback, hold the signed request).
        """
        session = self._session or self._open()
        method = request.method
        url = URL(request.url, encoded=True)
        try:
            async with session.request(
                method,
                url,
                headers=request.headers,
                data=request.body or None,
                **self._request_options,
            ) as resp:
                try:
                    body = await self._read_body(resp, method, url)
                except BaseException:
                    resp.close()  # drop the connection: the body was not fully read
                    raise
                return HttpResponse(resp.status, resp.headers, body)
        except builtins.TimeoutError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # a cancellation is in progress: not ours to convert
            kind = _timeout_kind(exc)
            raise TimeoutError(f"{_where(method, url)}: {kind}") from without_tracebacks(exc)
        except (aiohttp.ClientError, OSError) as exc:
            _redact_request_info(exc)
            detail = _describe(exc)
            raise ConnectionError(f"{_where(method, url)}: {detail}") from without_tracebacks(exc)
        except RuntimeError:
            if session.closed:  # a borrowed session its owner closed ("Session is closed")
                raise ClientClosedError(
                    "the aiohttp session passed as session= is closed"
                ) from None
            raise
        finally:
            del request

    async def _read_body(self, resp: aiohttp.ClientResponse, method: str, url: URL) -> bytes:
        limit = self._max_bytes
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


class MockTransport:
    """A :class:`Transport` that answers from ``handler`` (sync or async), for tests.

    Every request is appended to :attr:`requests`; the handler may raise to
    simulate transport errors. Response headers are made case-insensitive.
    """

    def __init__(
        self, handler: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
    ) -> None:
        self._handler = handler
        self.requests: list[HttpRequest] = []
        self.closed = False

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Record ``request`` and return the handler's response."""
        self.requests.append(request)
        result = self._handler(request)
        response = await result if inspect.isawaitable(result) else result
        if not isinstance(response.headers, CIMultiDictProxy | CIMultiDict):
            headers = CIMultiDictProxy(CIMultiDict(response.headers))
            response = HttpResponse(response.status, headers, response.body)
        return response

    async def close(self) -> None:
        """Mark the transport closed (requests are still accepted)."""
        self.closed = True


def _where(method: str, url: URL) -> str:
    return f"{method} {url.host}:{url.port}"


#: Request headers that carry credentials: a signature, a session token.
_SECRET_HEADERS: Final = frozenset({"authorization", "x-amz-security-token", "proxy-authorization"})


def _redact_request_info(exc: BaseException) -> None:
    """Mask the signed headers aiohttp keeps on a response error (they show in its repr).

    A ``ClientResponseError`` (e.g. a malformed status line) holds the request's
    headers in ``request_info``; it is chained as the ``__cause__`` of the error we
    raise, so the signature and session token would reach any ``repr()`` of it.
    """
    if isinstance(exc, aiohttp.ClientResponseError) and exc.request_info is not None:  # pyright: ignore[reportUnnecessaryComparison]
        info = exc.request_info
        headers = CIMultiDict(
            (name, "***" if name.lower() in _SECRET_HEADERS else value)
            for name, value in info.headers.items()
        )
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
