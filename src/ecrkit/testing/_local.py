"""LocalECR: moto's ECR server on 127.0.0.1, behind a layer that pages like ECR."""

from __future__ import annotations

import asyncio
import importlib.util
import urllib.request
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

from ecrkit._credentials import Credentials

from ._paging_proxy import PagingProxy

if TYPE_CHECKING:
    from ecrkit import ECRClient

__all__ = ["LocalECR"]

_NEEDS_MOTO = "LocalECR needs moto's server: pip install 'ecrkit[local]'"


async def _no_sleep(delay: float) -> None:
    """Retry back-off and waiter delays of local clients do not wait."""


class LocalECR:
    """A real local ECR API for integration tests (moto's server, in this process).

    ``async with LocalECR() as local`` (or ``with``, or ``start()`` / ``stop()``)
    starts moto on a free port of 127.0.0.1 and, in front of it, a layer that pages
    ListImages, DescribeImages and DescribeRepositories as ECR does (moto answers with
    everything at once) and gives GetAuthorizationToken's token a real 12-hour expiry
    (moto's expired in 2015). Starting and stopping run in a worker thread under
    ``async with``: the event loop never blocks. ``client()`` opens an
    :class:`~ecrkit.ECRClient` bound to it; ``reset()`` empties every repository,
    image and setting. moto keeps that state per process: LocalECRs in one process
    share it (one per test session is the usual shape).
    """

    #: What local clients sign with (moto accepts any credentials).
    credentials: ClassVar[Credentials] = Credentials("AKIDLOCALECR", "ecrkit-local-ecr-secret")

    def __init__(self, region: str = "us-east-1") -> None:
        # Only looked up here: importing moto takes a while, and start() does it in a thread.
        if importlib.util.find_spec("moto") is None:
            raise ImportError(_NEEDS_MOTO, name="moto")
        self.region = region
        self._server: Any = None
        self._moto_url = ""
        self._proxy: PagingProxy | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Start moto and the paging layer (blocking; ``async with`` runs it in a thread)."""
        if self._proxy is not None:
            return
        try:
            from moto.server import ThreadedMotoServer  # the local extra
        except ImportError as exc:
            raise ImportError(_NEEDS_MOTO, name="moto") from exc
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self._moto_url = f"http://{host}:{port}"
        proxy = PagingProxy(self._moto_url)
        proxy.start()
        self._proxy = proxy

    def stop(self) -> None:
        """Stop both servers (their sockets are closed); idempotent."""
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            proxy.stop()
            self._server.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    # -- use -------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        """Where clients send requests: the paging layer in front of moto."""
        if self._proxy is None:
            raise RuntimeError("LocalECR is not started: use 'async with LocalECR() as local'")
        return self._proxy.url

    @property
    def moto_endpoint_url(self) -> str:
        """moto's own server, without the paging layer (to show what it changes)."""
        self.endpoint_url  # noqa: B018  # raises when not started
        return self._moto_url

    def client(self, **kwargs: Any) -> ECRClient:
        """An :class:`~ecrkit.ECRClient` bound to this server (``async with`` it).

        ``region``, ``endpoint_url`` and ``credentials`` default to this server's;
        retry back-off does not wait unless ``sleep=`` says otherwise; other keyword
        arguments go to ``ECRClient`` as they are.
        """
        from ecrkit import ECRClient

        kwargs.setdefault("region", self.region)
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        kwargs.setdefault("credentials", self.credentials)
        sleep: Callable[[float], Awaitable[object]] = kwargs.pop("sleep", _no_sleep)
        return ECRClient(sleep=sleep, **kwargs)

    def reset(self) -> None:
        """Forget every repository, image and setting (moto's reset), and every token."""
        self.endpoint_url  # noqa: B018  # raises when not started
        request = urllib.request.Request(f"{self._moto_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as resp:
            resp.read()
        if self._proxy is not None:
            self._proxy.forget_tokens()

    def __repr__(self) -> str:
        where = self._proxy.url if self._proxy else "not started"
        return f"LocalECR(region={self.region!r}, endpoint_url={where!r})"
