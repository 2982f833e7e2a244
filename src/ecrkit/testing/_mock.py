"""MockTransport: a transport that answers from a function, for tests."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable

from multidict import CIMultiDict, CIMultiDictProxy

from ecrkit._http import BufferedStream, HttpRequest, HttpResponse, StreamingResponse

__all__ = ["MockTransport"]

Handler = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]


class MockTransport:
    """An :class:`ecrkit.http.StreamingTransport` that answers from ``handler``.

    ``handler`` (sync or async) gets each :class:`~ecrkit.http.HttpRequest` and
    returns an :class:`~ecrkit.http.HttpResponse`, or raises to simulate a transport
    failure (raise :class:`ecrkit.errors.ConnectionError` or
    :class:`ecrkit.errors.TimeoutError` for the ones a client retries). Every request
    is appended to :attr:`requests`; response headers are made case-insensitive.
    ``ECRClient(transport=MockTransport(handler))`` runs the client's whole pipeline
    (signing included) with nothing sent; :meth:`stream` hands the body over in
    chunks (of the ``chunk_size`` the caller asks for) from memory.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        #: Every request sent or streamed, in order.
        self.requests: list[HttpRequest] = []
        #: Whether :meth:`close` was called.
        self.closed: bool = False

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Record ``request`` and return the handler's response."""
        self.requests.append(request)
        result = self._handler(request)
        response = await result if inspect.isawaitable(result) else result
        if not isinstance(response.headers, CIMultiDictProxy | CIMultiDict):
            headers = CIMultiDictProxy(CIMultiDict(response.headers))
            response = HttpResponse(response.status, headers, response.body)
        return response

    @contextlib.asynccontextmanager
    async def stream(self, request: HttpRequest) -> AsyncGenerator[StreamingResponse]:
        """Record ``request``; the handler's response with its body as a stream."""
        yield BufferedStream.of(await self.send(request))

    async def close(self) -> None:
        """Mark the transport closed (requests are still accepted)."""
        self.closed = True
