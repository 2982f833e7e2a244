"""The client runtime: lifecycle and the per-call pipeline.

Per call: validate the request model, dump it to JSON bytes, then per attempt
sign, send, and either parse the body into the response model or raise the
typed error; retries follow the configured strategy. Everything else (region,
credentials chain, endpoint rules, transport) is set up once, on first use.

Knows no service: each generated client subclass (``ECRClient`` is one) supplies
a :class:`ServiceInfo` and one :class:`Operation` per API operation. Clock-skew
correction is :mod:`ecrkit._skew`, presigned URLs :mod:`ecrkit._presign`.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import logging
import os
import time
import warnings
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    NamedTuple,
    Protocol,
    Self,
    TypeVar,
    cast,
)

from . import _setup
from ._aiohttp import AiohttpTransport, ClientSession
from ._config import ClientConfig, RetryMode
from ._credentials import (
    CredentialProvider,
    CredentialResolver,
    Credentials,
    RefreshingCredentials,
    StaticProvider,
    check_credentials_arg,
)
from ._exceptions import (
    ClientClosedError,
    ConnectionError,
    EcrkitError,
    EventLoopError,
    ResponseParseError,
    ResponseTooLargeError,
    ServiceError,
    TimeoutError,
)
from ._http import HttpRequest, Transport
from ._network import check_proxies, check_verify
from ._options import NOT_GIVEN, CallOptions, NotGiven, derive_runtime_parts
from ._presign import presigned_url
from ._protocol import CONTENT_TYPE, ErrorInfo, ResponseMetadata, parse_error
from ._region import check_endpoint_url, check_region, endpoint_from_env
from ._retries import (
    SUCCESSFUL_ATTEMPT,
    AttemptResult,
    StandardRetryStrategy,
    make_retry_strategy,
    throttling_codes,
)
from ._signing import PreparedSigner, sign_request
from ._skew import SKEW_CODES, ClockSkew, utcnow

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._client_http import ClientHttp
    from ._model import ServiceModel, ServiceResponse
    from ._pagination import Paginator
    from ._waiters import Waiter

__all__ = ["BaseClient", "Operation", "ServiceInfo"]

_log = logging.getLogger("ecrkit")
Req = TypeVar("Req", bound="ServiceModel")
Resp = TypeVar("Resp", bound="ServiceResponse")

_TIMEOUT_ATTEMPT = AttemptResult(is_timeout=True)
_CONNECTION_ATTEMPT = AttemptResult(is_connection_error=True)

#: Bumped in a child process after ``fork``: a runtime made under another value
#: belongs to the parent (its pooled sockets are the parent's).
_fork_generation: int = 0


def _after_fork_in_child() -> None:
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _ModelLayer(Protocol):
    """The model layer's three functions the pipeline calls (``_model``, ``_codec``)."""

    def build_request(self, cls: type[Req], params: Mapping[str, Any], /) -> Req: ...

    def serialize(self, request: BaseModel, /) -> bytes: ...

    def parse_response(
        self,
        cls: type[Resp],
        body: bytes,
        /,
        *,
        operation_name: str | None,
        status_code: int | None,
        request_id: str | None,
    ) -> Resp: ...


_models: _ModelLayer | None = None


def _model_layer() -> _ModelLayer:
    """The model layer (pydantic), imported on a client's first call, not with ecrkit.
    Kept in a global after that: a relative import in the call path costs ~1.5 µs a
    call on 3.11 even when the module is loaded."""
    global _models
    if _models is None:
        from ._codec import parse_response, serialize
        from ._model import build_request

        layer = SimpleNamespace(
            build_request=build_request, serialize=serialize, parse_response=parse_response
        )
        _models = cast("_ModelLayer", layer)
    return _models


class _InjectedSleep:
    """Wraps an injected sleep; :meth:`monotonic` is real time plus all it was asked to wait."""

    __slots__ = ("_sleep", "_slept")

    def __init__(self, sleep: Callable[[float], Awaitable[object]]) -> None:
        self._sleep = sleep
        self._slept = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self._slept

    async def sleep(self, delay: float) -> None:
        self._slept += delay
        await self._sleep(delay)


class Operation(Generic[Req, Resp]):
    """One API operation: its wire name, headers, and lazily imported model classes."""

    __slots__ = (
        "_request",
        "_response",
        "headers",
        "module",
        "name",
        "request_name",
        "response_name",
    )

    def __init__(
        self, name: str, target: str, module: str, request_name: str, response_name: str
    ) -> None:
        self.name = name
        self.module = module
        self.request_name = request_name
        self.response_name = response_name
        self.headers: dict[str, str] = {
            "Content-Type": CONTENT_TYPE,
            "X-Amz-Target": target,
        }
        self._request: type[Req] | None = None
        self._response: type[Resp] | None = None

    def _load(self) -> None:
        module = importlib.import_module(self.module)
        self._request = getattr(module, self.request_name)
        self._response = getattr(module, self.response_name)

    @property
    def request_cls(self) -> type[Req]:
        if self._request is None:
            self._load()
        assert self._request is not None
        return self._request

    @property
    def response_cls(self) -> type[Resp]:
        if self._response is None:
            self._load()
        assert self._response is not None
        return self._response


class ServiceInfo(NamedTuple):
    """What the generated client tells the runtime about its service."""

    signing_name: str
    ruleset: Callable[[], Mapping[str, Any]]
    partitions: Callable[[], Mapping[str, Any]]
    error_classes: Mapping[str, type[ServiceError]]
    paginators: frozenset[str]
    #: The model's ``serviceId`` (ECR's is "ECR"): it names the ``AWS_ENDPOINT_URL_<ID>``
    #: variable and the shared config's ``services`` subsection.
    service_id: str
    #: Error codes this service uses for something other than throttling: removed from the
    #: generic throttling list for its clients (ECR: LimitExceededException is a quota error).
    not_throttling: frozenset[str] = frozenset()


class _Runtime(NamedTuple):
    """Everything resolved once per client on first use."""

    region: str
    url: str
    signing_region: str
    credentials: RefreshingCredentials
    transport: Transport
    retry: StandardRetryStrategy
    #: The event loop and fork generation of the first call: the pool is bound to them.
    loop: asyncio.AbstractEventLoop
    fork_generation: int
    #: Headers added to every request before signing (``with_options(extra_headers=)``,
    #: the User-Agent for a transport that does not send it itself); usually empty.
    extra_headers: Mapping[str, str]
    #: Per operation name: its request headers (the operation's, then
    #: ``extra_headers``) and their signer, made on the operation's first call. Every
    #: runtime has its own: they depend on ``url``, ``signing_region`` and ``extra_headers``.
    signers: dict[str, tuple[dict[str, str], PreparedSigner]]


class BaseClient:
    """Lifecycle (``async with`` / ``close``) and the invoke pipeline of a service client."""

    _service: ClassVar[ServiceInfo]
    _operations: ClassVar[Mapping[str, Operation[Any, Any]]]

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: Credentials | CredentialProvider | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
        session: ClientSession | None = None,
        transport: Transport | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """Create a client; nothing is resolved or connected until the first call.

        ``credentials``: static :class:`Credentials`, or a
        :class:`~ecrkit.CredentialProvider` (any object with ``async def load()``
        returning ``Credentials``), refreshed ahead of its ``expiration``.
        ``session``: an ``aiohttp.ClientSession`` to use (not closed by the client).
        ``transport``, ``sleep`` and ``now`` replace the HTTP transport, the retry
        sleep and the wall clock (tests inject them; no real waiting needed).
        """
        if session is not None and transport is not None:
            raise ValueError("pass either session= or transport=, not both")
        self._config_arg = config or ClientConfig()
        self._config = self._config_arg.resolved()
        check_proxies(self._config.proxies, self._config.proxy_headers)
        check_verify(self._config.verify)
        # Checked here so that a bad value fails at once, before anything is resolved
        # or sent; a region from the environment or a profile is checked on first use.
        self._region_arg = check_region(region, "region=") if region else region
        self._endpoint_given = (
            check_endpoint_url(endpoint_url, "endpoint_url=") if endpoint_url else None
        )
        self._endpoint_arg = self._endpoint_given or endpoint_from_env(self._service.service_id)
        self._credentials_arg = check_credentials_arg(credentials)
        self._profile = profile
        self._transport_arg = transport
        # Built now (it opens nothing until the first send) so that a bad pool size or
        # borrowed session fails here; the client owns it from its first call on.
        self._http: Transport = (
            transport
            if transport is not None
            else AiohttpTransport(
                session=session,
                connect_timeout=self._config.connect_timeout,
                read_timeout=self._config.read_timeout,
                total_timeout=self._config.total_timeout,
                pool_size=self._config.max_pool_connections,
                max_response_bytes=self._config.max_response_bytes,
            )
        )
        self._sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
        self._clock: Callable[[], float] = time.monotonic
        if sleep is not None:
            # An injected sleep lets no real time pass, so the adaptive rate
            # limiter's clock must advance by what it waited instead: on the
            # real monotonic clock its token bucket would never refill and
            # acquire() would spin on the fake sleep.
            injected = _InjectedSleep(sleep)
            self._sleep, self._clock = injected.sleep, injected.monotonic
        self._now = now or utcnow
        self._clock_skew = ClockSkew(self._now)
        self._runtime: _Runtime | None = None
        self._start_lock: asyncio.Lock | None = None
        self._owned_transport: Transport | None = None
        self._closed = False
        #: Set on a view made by with_options(): the client whose runtime it shares.
        self._parent: BaseClient | None = None
        self._call_options: CallOptions | None = None
        self._views: weakref.WeakSet[BaseClient] | None = None

    # -- lifecycle -----------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._closed:
            raise self._closed_error()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool the client created (idempotent).

        Calls in flight raise :class:`~ecrkit.errors.ClientClosedError`. In a child
        process after ``fork`` the pool is the parent's: it is dropped, not closed,
        so that nothing is written on the parent's connections. Closing a
        :meth:`with_options` view closes that view only; closing its client closes
        its views too.
        """
        self._closed = True
        for view in list(self._views or ()):
            view._closed = True
        transport, self._owned_transport = self._owned_transport, None
        rt = self._runtime
        if transport is None or (rt is not None and rt.fork_generation != _fork_generation):
            return
        await transport.close()

    def _closed_error(self) -> ClientClosedError:
        return ClientClosedError(f"{type(self).__name__} is closed")

    def _foreign_error(self, rt: _Runtime) -> EventLoopError:
        where = "process (after fork)" if rt.fork_generation != _fork_generation else "event loop"
        return EventLoopError(
            f"{type(self).__name__} was used from another {where} than the one that made its "
            "first call: a client's connection pool belongs to that event loop and process. "
            "Create one client per event loop (and a new one after fork); nothing was sent"
        )

    def __del__(self, _warn: Callable[..., None] = warnings.warn) -> None:
        if getattr(self, "_owned_transport", None) is not None:
            _warn(
                f"Unclosed {type(self).__name__}; use 'async with' or 'await client.close()'",
                ResourceWarning,
                source=self,
            )

    def __repr__(self) -> str:
        where = self._runtime.url if self._runtime else (self._endpoint_arg or "<unresolved>")
        region = self._runtime.region if self._runtime else self._region_arg
        return f"{type(self).__name__}(region={region!r}, endpoint={where!r})"

    @property
    def config(self) -> ClientConfig:
        """The resolved configuration."""
        return self._config

    @property
    def http(self) -> ClientHttp:
        """Plain HTTP through this client's pool, proxy, TLS and User-Agent (docs/http.md).

        ``await client.http.send(HttpRequest("GET", url))`` or ``async with
        client.http.stream(...)``: unsigned (no ``Authorization``, no ``X-Amz-*``
        header added) unless the request's settings say ``sign=True``; for a
        presigned S3 URL such as a layer's from ``get_download_url_for_layer``.
        """
        from ._client_http import ClientHttp

        return ClientHttp(self)

    def can_paginate(self, operation_name: str) -> bool:
        """Whether ``get_paginator(operation_name)`` exists (snake_case name)."""
        return operation_name in self._service.paginators

    def _bound(self, method_name: str) -> Callable[[dict[str, Any]], Awaitable[Any]]:
        """An operation method of this client taking its keyword arguments as a dict."""
        method = getattr(self, method_name)

        async def call(params: dict[str, Any]) -> Any:
            return await method(**params)

        return call

    def _new_paginator(self, table: Mapping[str, type[Paginator]], name: str) -> Paginator:
        cls = table.get(name)
        if cls is None:
            raise ValueError(f"{name!r} cannot be paginated; paginated operations: {sorted(table)}")
        return cls(self._bound(name))

    def _new_waiter(self, table: Mapping[str, type[Waiter[Any]]], name: str) -> Waiter[Any]:
        cls = table.get(name)
        if cls is None:
            raise ValueError(f"no waiter named {name!r}; waiters: {sorted(table)}")
        return cls(self._bound(cls.operation), sleep=self._sleep, monotonic=self._clock)

    async def _start(self) -> _Runtime:
        if self._closed:
            raise self._closed_error()
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._runtime is None:
                runtime = await self._resolve()
                # close() may have run while the region or the rules were resolved (in
                # a thread): then nothing is kept, and the transport is never opened.
                if self._closed:
                    raise self._closed_error()
                if runtime.transport is not self._transport_arg and self._parent is None:
                    self._owned_transport = runtime.transport
                self._runtime = runtime
        if self._closed:
            raise self._closed_error()
        return self._runtime

    async def _resolve(self) -> _Runtime:
        if self._parent is not None:
            return await self._derive(self._parent)
        service = self._service
        from . import __version__

        ready = await asyncio.to_thread(
            _setup.prepare,
            service_id=service.service_id,
            ruleset=service.ruleset,
            partitions=service.partitions,
            region_arg=self._region_arg,
            endpoint_arg=self._endpoint_given,
            profile=self._profile,
            given=self._config_arg,
            resolved=self._config,
            sdk=("ecrkit", __version__),
        )
        cfg = self._config = ready.config
        configure = getattr(self._http, "configure", None)
        if configure is not None:
            extra_headers = configure(ready.network)
        else:  # another Transport: the User-Agent goes with each request
            extra_headers = {"User-Agent": ready.network.user_agent}
        assert cfg.retry_mode is not None and cfg.max_attempts is not None
        return _Runtime(
            region=ready.region,
            url=ready.url,
            signing_region=ready.signing_region,
            credentials=RefreshingCredentials(
                CredentialResolver(
                    self._credentials_arg,
                    self._profile,
                    process_timeout=cfg.credentials_timeout,
                ),
                now=self._now,
                load_timeout=cfg.credentials_timeout,
            ),
            transport=self._http,
            retry=make_retry_strategy(
                cfg.retry_mode,
                cfg.max_attempts,
                clock=self._clock,
                sleep=self._sleep,
                throttling_error_codes=throttling_codes(service.not_throttling),
            ),
            loop=asyncio.get_running_loop(),
            fork_generation=_fork_generation,
            extra_headers=extra_headers,
            signers={},
        )

    async def _derive(self, parent: BaseClient) -> _Runtime:
        """A view's runtime: its parent's, with this view's call options applied."""
        base = await parent._start()
        options = self._call_options
        assert options is not None
        transport, retry, headers = derive_runtime_parts(
            options,
            base.transport,
            base.retry,
            base.extra_headers,
            self._config,
            clock=self._clock,
            sleep=self._sleep,
        )
        return base._replace(transport=transport, retry=retry, extra_headers=headers, signers={})

    def with_options(
        self,
        *,
        connect_timeout: float | NotGiven | None = NOT_GIVEN,
        read_timeout: float | NotGiven | None = NOT_GIVEN,
        total_timeout: float | NotGiven | None = NOT_GIVEN,
        max_attempts: int | None = None,
        retry_mode: RetryMode | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A view of this client that runs its calls with other per-call settings.

        ``client.with_options(read_timeout=5, max_attempts=1).describe_images(...)``:
        the view shares this client's connection pool (or borrowed session),
        credentials, endpoint and retry quota, and differs only in the settings given
        here. ``extra_headers`` are added to every request of the view (and signed).
        A timeout of ``None`` means no limit. Making a view is cheap (no I/O); its
        first call sets up its settings once. Closing the view does not close this
        client; closing this client closes its views.
        """
        options = CallOptions.checked(
            self._call_options,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            total_timeout=total_timeout,
            max_attempts=max_attempts,
            retry_mode=retry_mode,
            extra_headers=extra_headers,
        )
        root = self._parent or self
        view = copy.copy(self)
        view._parent = root
        view._call_options = options
        view._config = options.apply(self._config)
        view._clock_skew = self._clock_skew.copy()
        view._runtime = None
        view._start_lock = None
        view._owned_transport = None
        view._views = None
        view._closed = root._closed
        if root._views is None:
            root._views = weakref.WeakSet()
        root._views.add(view)
        return view

    # -- the pipeline --------------------------------------------------------

    async def _call(self, op: Operation[Req, Resp], params: dict[str, Any]) -> Resp:
        """Validate keyword arguments into the request model and invoke."""
        given = {k: _plain(v) for k, v in params.items() if v is not None}
        models = _models or _model_layer()
        return await self._invoke(op, models.build_request(op.request_cls, given))

    async def _invoke(self, op: Operation[Req, Resp], request: Req) -> Resp:
        """Serialize once, then per attempt: sign, send, parse a 2xx body (return) or
        make the error, and let the retry strategy decide. Only failures call out to
        the helpers below: a successful call adds no call of its own to the pipeline."""
        models = _models or _model_layer()
        rt = self._runtime
        if rt is None or self._closed:
            rt = await self._start()  # raises once the client is closed
        # Fork first: in a forked child asyncio has no running loop at all.
        if rt.fork_generation != _fork_generation or rt.loop is not asyncio.get_running_loop():
            raise self._foreign_error(rt)
        body = models.serialize(request)
        retry = rt.retry
        state = retry.begin()
        skew_corrected = False
        attempt = 0
        while True:
            attempt += 1
            await retry.before_attempt(state)
            creds = await rt.credentials.get()  # its repr masks the secrets
            started = time.monotonic()
            failure: EcrkitError
            try:
                # The signed request is never a local here: this frame is in the
                # traceback of every error a call raises (see _signed).
                response = await rt.transport.send(self._signed(op, rt, body, creds))
            except (TimeoutError, ConnectionError) as exc:
                result = self._transport_failure(op, exc, attempt, started)
                failure = exc
            except (ClientClosedError, ResponseTooLargeError) as exc:
                # Not retried: closed is final, and the same too-large body would come back.
                self._give_up(op, exc, attempt, started)
                raise
            else:
                status = response.status
                request_id = response.headers.get("x-amzn-RequestId")
                if 200 <= status < 300:
                    # Built before the parse: after a large (collector-paused) parse, any
                    # tracked allocation before the caller drops its previous response
                    # starts a young collection that promotes the new one (_codec).
                    metadata = ResponseMetadata(request_id, status, attempt - 1, response.headers)
                    try:
                        parsed = models.parse_response(
                            op.response_cls,
                            response.body,
                            operation_name=op.name,
                            status_code=status,
                            request_id=request_id,
                        )
                    except ResponseParseError as exc:
                        # A failure, not retried: no quota refund, as for any failure.
                        retry.after_attempt(state, AttemptResult(status_code=status))
                        self._give_up(op, exc, attempt, started)
                        raise
                    # No tracked allocation from here to the return (see above): the
                    # success refund and the log check allocate nothing the collector tracks.
                    retry.after_attempt(state, SUCCESSFUL_ATTEMPT)
                    self._log_attempt(op, attempt, status, request_id, started)
                    parsed._response_metadata = metadata  # pyright: ignore[reportPrivateUsage]
                    return parsed
                info = parse_error(status, response.headers, response.body)
                unusable_date = None
                if not skew_corrected and info.code in SKEW_CODES:
                    unusable_date = self._clock_skew.correct(response.headers)
                    if unusable_date is None:  # adopted: one free retry, not an attempt
                        skew_corrected = True
                        self._log_attempt(
                            op, attempt, status, request_id, started, note="clock skew corrected"
                        )
                        attempt -= 1
                        continue
                failure = self._service_error(op, info, status, request_id, unusable_date)
                self._log_attempt(
                    op, attempt, status, request_id, started, note=type(failure).__name__
                )
                result = AttemptResult(status_code=status, error_code=info.code)
            decision = retry.after_attempt(state, result)
            if not decision.retry:
                failure.attempts = attempt
                raise failure
            await self._sleep(decision.delay)
            if self._closed:
                raise self._closed_error_after(attempt) from failure

    def _transport_failure(
        self,
        op: Operation[Any, Any],
        exc: TimeoutError | ConnectionError,
        attempt: int,
        started: float,
    ) -> AttemptResult:
        """What a timeout or connection error means for retrying; raises
        :class:`ClientClosedError` when ``close()`` dropped the connection under the call
        (that is not retried)."""
        if self._closed:
            raise self._closed_error_after(attempt) from exc
        self._log_attempt(op, attempt, None, None, started, note=type(exc).__name__)
        return _TIMEOUT_ATTEMPT if isinstance(exc, TimeoutError) else _CONNECTION_ATTEMPT

    def _give_up(
        self, op: Operation[Any, Any], exc: EcrkitError, attempt: int, started: float
    ) -> None:
        """Fill in ``exc``, an error no retry follows, before it is raised: its attempts,
        and for an answer that arrived, the operation and the attempt's log line."""
        exc.attempts = attempt
        if isinstance(exc, ResponseTooLargeError | ResponseParseError):
            self._log_attempt(
                op, attempt, exc.status_code, exc.request_id, started, note=type(exc).__name__
            )
            exc.operation_name = exc.operation_name or op.name

    def _closed_error_after(self, attempt: int) -> ClientClosedError:
        closed = self._closed_error()
        closed.attempts = attempt
        return closed

    def _service_error(
        self,
        op: Operation[Any, Any],
        info: ErrorInfo,
        status: int,
        request_id: str | None,
        unusable_date: str | None,
    ) -> ServiceError:
        """The error answer as its generated class (a plain ``ServiceError`` when the
        code is not modeled); a note says why a skewed Date was not adopted."""
        message = info.message
        if 300 <= status < 400:  # the transport never follows redirects
            redirect = f"HTTP {status} redirect from the service, not followed"
            message = f"{redirect}: {message}" if message else redirect
        cls = self._service.error_classes.get(info.code, ServiceError)
        error = cls(
            message,
            code=info.code,
            status_code=status,
            request_id=request_id,
            operation_name=op.name,
            body=info.body,
        )
        if unusable_date:
            error.add_note(unusable_date)
        return error

    def _signed(
        self, op: Operation[Any, Any], rt: _Runtime, body: bytes, creds: Credentials
    ) -> HttpRequest:
        """The signed request; its headers carry the signature and the session token,
        so only frames that hold it while sending see them (docs/reliability.md)."""
        prepared = rt.signers.get(op.name)
        if prepared is None:
            prepared = rt.signers[op.name] = self._prepare_signer(op, rt)
        base, signer = prepared
        headers = base.copy()
        headers.update(
            signer.sign(
                body=body,
                access_key=creds.access_key_id,
                secret_key=creds.secret_access_key,
                session_token=creds.session_token,
                now=self._clock_skew.signing_time(),
            )
        )
        return HttpRequest("POST", rt.url, headers, body)

    def _prepare_signer(
        self, op: Operation[Any, Any], rt: _Runtime
    ) -> tuple[dict[str, str], PreparedSigner]:
        """``op``'s request headers on ``rt``, and the signer prepared for them."""
        headers = dict(op.headers)
        if rt.extra_headers:
            headers.update(rt.extra_headers)
        signer = PreparedSigner(
            method="POST",
            url=rt.url,
            headers=headers,
            region=rt.signing_region,
            service=self._service.signing_name,
        )
        return headers, signer

    def _sign(
        self,
        rt: _Runtime,
        creds: Credentials,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        """Add the SigV4 headers for this client's service, signing region and skew-corrected
        clock to ``headers`` (API calls, and ``client.http`` requests with ``sign=True``)."""
        headers.update(
            sign_request(
                method=method,
                url=url,
                headers=headers,
                body=body,
                access_key=creds.access_key_id,
                secret_key=creds.secret_access_key,
                session_token=creds.session_token,
                region=rt.signing_region,
                service=self._service.signing_name,
                now=self._clock_skew.signing_time(),
            )
        )

    @staticmethod
    def _log_attempt(
        op: Operation[Any, Any],
        attempt: int,
        status: int | None,
        request_id: str | None,
        started: float,
        note: str = "",
    ) -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "%s attempt=%d status=%s request_id=%s elapsed=%.3fs%s",
                op.name,
                attempt,
                status,
                request_id,
                time.monotonic() - started,
                f" ({note})" if note else "",
            )

    # -- presigning ----------------------------------------------------------

    async def generate_presigned_url(
        self,
        client_method: str,
        params: Mapping[str, Any] | None = None,
        expires_in: int = 3600,
        http_method: str | None = None,
    ) -> str:
        """A SigV4 query-signed URL for ``client_method``, as botocore builds it.

        Like botocore, the JSON body's top-level members move into the query
        string, and the signature covers the operation's ``Content-Type`` and
        ``X-Amz-Target`` headers, so whoever uses the URL must send those too.
        """
        from ._codec import serialize
        from ._model import build_request

        op = self._operations.get(client_method)
        if op is None:
            raise ValueError(f"unknown client method {client_method!r}")
        request = build_request(op.request_cls, dict(params or {}))
        rt = self._runtime
        if rt is None or self._closed:
            rt = await self._start()  # raises once the client is closed
        creds = await rt.credentials.get()
        return presigned_url(
            method=http_method or "POST",
            url=rt.url,
            headers=op.headers,
            body=serialize(request),
            credentials=creds,
            region=rt.signing_region,
            service=self._service.signing_name,
            now=self._clock_skew.signing_time(),
            expires_in=expires_in,
        )


def _plain(value: object) -> object:
    """A top-level argument as strict validation takes it. The generated ``Sequence`` /
    ``Mapping`` parameters accept any sequence or mapping (tuple, deque, UserList,
    MappingProxyType ...): turned into a list or dict here, once per call."""
    if isinstance(value, (str, list, dict, int, float, bytes, bytearray)):
        return cast(object, value)
    if isinstance(value, Sequence):
        return list(cast("Sequence[object]", value))
    if isinstance(value, Mapping):
        return dict(cast("Mapping[object, object]", value))
    return value


#: What a stubbed client signs with (``stub_runtime``): never a real key.
STUB_CREDENTIALS = Credentials("AKIDSTUBBEDECRKIT", "ecrkit-stubbed-secret-key")


def stub_runtime(
    client: BaseClient, transport: Transport, sleep: Callable[[float], Awaitable[object]]
) -> Callable[[], None]:
    """Route ``client``'s calls to ``transport`` until the returned function restores it.

    The seam of ``ecrkit.testing.Stubber``, for any client. While routed, the real
    pipeline runs (validation, serialization, signing, parsing, typed errors) but
    nothing is resolved: the region is ``region=`` (else us-east-1), the credentials
    are :data:`STUB_CREDENTIALS`, every call makes one attempt (no retries), and
    waiters made from the client sleep through ``sleep`` on a clock that advances by
    what they asked to wait. A client's real runtime, if it had one, comes back.
    """
    # The client's protected members, from outside the class: this function is the seam.
    target: Any = client
    state = vars(client)
    if "_start" in state:
        raise RuntimeError(f"{type(client).__name__} is already stubbed")
    saved = (target._runtime, target._sleep, target._clock)
    injected = _InjectedSleep(sleep)
    made: list[_Runtime] = []

    async def start() -> _Runtime:
        if target._closed:
            raise target._closed_error()
        loop = asyncio.get_running_loop()
        if not made or made[0].loop is not loop or made[0].fork_generation != _fork_generation:
            region: str = target._region_arg or "us-east-1"
            made[:] = [
                _Runtime(
                    region=region,
                    url=f"https://{target._service.signing_name}.{region}.stubbed.invalid/",
                    signing_region=region,
                    credentials=RefreshingCredentials(StaticProvider(STUB_CREDENTIALS)),
                    transport=transport,
                    retry=make_retry_strategy(
                        "standard",
                        1,
                        throttling_error_codes=throttling_codes(target._service.not_throttling),
                    ),
                    loop=loop,
                    fork_generation=_fork_generation,
                    extra_headers={},
                    signers={},
                )
            ]
        return made[0]

    target._runtime = None
    state["_start"] = start  # an instance attribute: _invoke finds it instead of the method
    target._sleep, target._clock = injected.sleep, injected.monotonic

    def restore() -> None:
        state.pop("_start", None)
        target._runtime, target._sleep, target._clock = saved

    return restore
