"""The client runtime: lifecycle and the per-call pipeline.

Per call: validate the request model, dump it to JSON bytes, then per attempt
sign, send, and either parse the body into the response model or raise the
typed error; retries follow the configured strategy. Everything else (region,
credentials chain, endpoint rules, transport) is set up once, on first use.

Knows nothing about ECR: the generated client subclass supplies a
:class:`ServiceInfo` and one :class:`Operation` per API operation.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, Self, TypeVar
from urllib.parse import quote

import aiohttp

from ._config import ClientConfig
from ._credentials import (
    CredentialResolver,
    Credentials,
    RefreshingCredentials,
    endpoint_url_from_env,
    resolve_region,
)
from ._endpoints import EndpointResolver
from ._exceptions import (
    ConnectionError,
    EndpointResolutionError,
    ResponseParseError,
    ServiceError,
    TimeoutError,
)
from ._protocol import CONTENT_TYPE, ResponseMetadata, parse_error
from ._retries import SUCCESSFUL_ATTEMPT, AttemptResult, StandardRetryStrategy, make_retry_strategy
from ._signing import presign_url, sign_request
from ._transport import AiohttpTransport, HttpRequest, Transport

if TYPE_CHECKING:
    from ._model import EcrModel, EcrResponse
    from ._pagination import Paginator
    from ._waiters import Waiter

__all__ = ["BaseClient", "Operation", "ServiceInfo"]

_log = logging.getLogger("ecrkit")
Req = TypeVar("Req", bound="EcrModel")
Resp = TypeVar("Resp", bound="EcrResponse")

_TIMEOUT_ATTEMPT = AttemptResult(is_timeout=True)
_CONNECTION_ATTEMPT = AttemptResult(is_connection_error=True)
# Error codes that can mean "your clock is off"; the Date header decides.
_SKEW_CODES = frozenset(
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "RequestInTheFuture",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
_SKEW_THRESHOLD = timedelta(minutes=4)


def _utcnow() -> datetime:
    return datetime.now(UTC)


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


class _Runtime(NamedTuple):
    """Everything resolved once per client on first use."""

    region: str
    url: str
    signing_region: str
    credentials: RefreshingCredentials
    transport: Transport
    retry: StandardRetryStrategy


class BaseClient:
    """Lifecycle (``async with`` / ``close``) and the invoke pipeline of a service client."""

    _service: ClassVar[ServiceInfo]
    _operations: ClassVar[Mapping[str, Operation[Any, Any]]]

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: Credentials | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
        session: aiohttp.ClientSession | None = None,
        transport: Transport | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """Create a client; nothing is resolved or connected until the first call.

        ``session``: an ``aiohttp.ClientSession`` to use (not closed by the client).
        ``transport``, ``sleep`` and ``now`` replace the HTTP transport, the retry
        sleep and the wall clock (tests inject them; no real waiting needed).
        """
        if session is not None and transport is not None:
            raise ValueError("pass either session= or transport=, not both")
        self._config = (config or ClientConfig()).resolved()
        self._region_arg = region
        self._endpoint_arg = endpoint_url or endpoint_url_from_env()
        self._credentials_arg = credentials
        self._profile = profile
        self._session = session
        self._transport_arg = transport
        self._sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
        self._clock: Callable[[], float] = time.monotonic
        if sleep is not None:
            # An injected sleep lets no real time pass, so the adaptive rate
            # limiter's clock must advance by what it waited instead: on the
            # real monotonic clock its token bucket would never refill and
            # acquire() would spin on the fake sleep.
            injected = _InjectedSleep(sleep)
            self._sleep, self._clock = injected.sleep, injected.monotonic
        self._now = now or _utcnow
        self._skew = timedelta(0)
        self._runtime: _Runtime | None = None
        self._start_lock: asyncio.Lock | None = None
        self._owned_transport: Transport | None = None
        self._closed = False

    # -- lifecycle -----------------------------------------------------------

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool the client created (idempotent)."""
        self._closed = True
        transport, self._owned_transport = self._owned_transport, None
        if transport is not None:
            await transport.close()

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
            raise RuntimeError(f"{type(self).__name__} is closed")
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._runtime is None:
                self._runtime = await self._resolve()
        return self._runtime

    async def _resolve(self) -> _Runtime:
        cfg = self._config
        region = await resolve_region(self._region_arg, self._profile)
        if not region:
            raise EndpointResolutionError(
                "No AWS region: pass region=..., set AWS_REGION, or set region in the profile"
            )
        params: dict[str, Any] = {
            "Region": region,
            "UseFIPS": bool(cfg.use_fips_endpoint),
            "UseDualStack": bool(cfg.use_dualstack_endpoint),
        }
        if self._endpoint_arg:
            params["Endpoint"] = self._endpoint_arg
        endpoint = EndpointResolver(self._service.ruleset(), self._service.partitions()).resolve(
            params
        )
        signing_region = region
        for scheme in endpoint.properties.get("authSchemes", ()):
            signing_region = scheme.get("signingRegion", signing_region)
        url = endpoint.url.rstrip("/") + "/"
        transport = self._transport_arg
        if transport is None:
            transport = AiohttpTransport(
                session=self._session,
                connect_timeout=cfg.connect_timeout,
                read_timeout=cfg.read_timeout,
                total_timeout=cfg.total_timeout,
                pool_size=cfg.max_pool_connections,
                max_response_bytes=cfg.max_response_bytes,
            )
            self._owned_transport = transport
        assert cfg.retry_mode is not None and cfg.max_attempts is not None
        return _Runtime(
            region=region,
            url=url,
            signing_region=signing_region,
            credentials=RefreshingCredentials(
                CredentialResolver(self._credentials_arg, self._profile), now=self._now
            ),
            transport=transport,
            retry=make_retry_strategy(
                cfg.retry_mode, cfg.max_attempts, clock=self._clock, sleep=self._sleep
            ),
        )

    # -- the pipeline --------------------------------------------------------

    async def _call(self, op: Operation[Req, Resp], params: dict[str, Any]) -> Resp:
        """Validate keyword arguments into the request model and invoke."""
        # The model layer (pydantic) is imported on the first call, not with ecrkit:
        # after that these local imports are dictionary lookups.
        from ._model import build_request

        given = {
            k: list(v) if isinstance(v, tuple) else v for k, v in params.items() if v is not None
        }
        return await self._invoke(op, build_request(op.request_cls, given))

    async def _invoke(self, op: Operation[Req, Resp], request: Req) -> Resp:
        from ._codec import parse_response, serialize

        rt = self._runtime
        if rt is None or self._closed:
            rt = await self._start()  # raises once the client is closed
        body = serialize(request)
        retry = rt.retry
        state = retry.begin()
        skew_corrected = False
        attempt = 0
        while True:
            attempt += 1
            await retry.before_attempt(state)
            creds = await rt.credentials.get()
            headers = dict(op.headers)
            headers.update(
                sign_request(
                    method="POST",
                    url=rt.url,
                    headers=headers,
                    body=body,
                    access_key=creds.access_key_id,
                    secret_key=creds.secret_access_key,
                    session_token=creds.session_token,
                    region=rt.signing_region,
                    service=self._service.signing_name,
                    now=self._now() + self._skew,
                )
            )
            started = time.monotonic()
            failure: Exception
            status: int | None = None
            request_id: str | None = None
            try:
                response = await rt.transport.send(HttpRequest("POST", rt.url, headers, body))
            except TimeoutError as exc:
                result, failure = _TIMEOUT_ATTEMPT, exc
            except ConnectionError as exc:
                result, failure = _CONNECTION_ATTEMPT, exc
            except ResponseParseError as exc:  # the body exceeded max_response_bytes
                self._log_attempt(
                    op, attempt, exc.status_code, exc.request_id, started, note=type(exc).__name__
                )
                exc.operation_name = exc.operation_name or op.name
                exc.attempts = attempt
                raise
            else:
                status = response.status
                request_id = response.headers.get("x-amzn-RequestId")
                if status < 300:
                    retry.after_attempt(state, SUCCESSFUL_ATTEMPT)
                    self._log_attempt(op, attempt, status, request_id, started)
                    # Built before the parse: after a large (collector-paused) parse, any
                    # tracked allocation before the caller drops its previous response
                    # starts a young collection that promotes the new one (_codec).
                    metadata = ResponseMetadata(request_id, status, attempt - 1, response.headers)
                    try:
                        parsed = parse_response(
                            op.response_cls,
                            response.body,
                            operation_name=op.name,
                            status_code=status,
                            request_id=request_id,
                        )
                    except ResponseParseError as exc:
                        exc.attempts = attempt
                        raise
                    parsed._response_metadata = metadata
                    return parsed
                info = parse_error(status, response.headers, response.body)
                if (
                    not skew_corrected
                    and info.code in _SKEW_CODES
                    and self._correct_skew(response.headers)
                ):
                    skew_corrected = True
                    self._log_attempt(
                        op, attempt, status, request_id, started, note="clock skew corrected"
                    )
                    attempt -= 1  # the corrected retry is free: it does not count as an attempt
                    continue
                cls = self._service.error_classes.get(info.code, ServiceError)
                failure = cls(
                    info.message,
                    code=info.code,
                    status_code=status,
                    request_id=request_id,
                    operation_name=op.name,
                    body=info.body,
                )
                result = AttemptResult(status_code=status, error_code=info.code)
            self._log_attempt(op, attempt, status, request_id, started, note=type(failure).__name__)
            decision = retry.after_attempt(state, result)
            if not decision.retry:
                failure.attempts = attempt
                raise failure
            await self._sleep(decision.delay)

    def _correct_skew(self, headers: Mapping[str, str]) -> bool:
        """Adopt the server's clock offset if its Date header says we are off."""
        date = headers.get("Date")
        if not date:
            return False
        try:
            server = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return False
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        offset = server - self._now()
        if abs(offset - self._skew) < _SKEW_THRESHOLD:
            return False
        self._skew = offset
        _log.warning(
            "Clock skew of %.0f s detected from the service's Date header; corrected",
            offset.total_seconds(),
        )
        return True

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
        query = "&".join(
            f"{quote(key, safe='-_.~')}={quote(_query_value(item), safe='-_.~')}"
            for key, value in json.loads(serialize(request)).items()
            for item in (value if isinstance(value, list) else [value])
        )
        url = rt.url + (f"?{query}" if query else "")
        return presign_url(
            method=http_method or "POST",
            url=url,
            headers=op.headers,
            body=b"",
            access_key=creds.access_key_id,
            secret_key=creds.secret_access_key,
            session_token=creds.session_token,
            region=rt.signing_region,
            service=self._service.signing_name,
            now=self._now() + self._skew,
            expires_in=expires_in,
        )


def _query_value(value: Any) -> str:
    # botocore formats non-string members with str() (so True -> "True").
    return value if isinstance(value, str) else str(value)
