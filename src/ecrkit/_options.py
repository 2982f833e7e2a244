"""Per-call options: what a ``client.with_options(...)`` view changes, and how.

A view shares its client's runtime (connection pool or borrowed session,
credentials, endpoint, clock-skew correction at the time it was made, retry quota
and adaptive rate limiter) and differs only in these settings. They are applied
once, on the view's first call: a timeout makes a transport that sends through the
same session with other timeouts (so they hold with a borrowed ``session=`` too), a
retry setting a strategy over the same quota, extra headers a merged mapping that
the client adds before signing. The plain client's per-request path is unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from enum import Enum
from typing import Any, Final, Literal, NamedTuple

from ecrkit._config import ClientConfig
from ecrkit._retries import AdaptiveRetryStrategy, StandardRetryStrategy, make_retry_strategy

__all__ = ["NOT_GIVEN", "CallOptions", "NotGiven", "derive_runtime_parts"]


class NotGiven(Enum):
    """The type of :data:`NOT_GIVEN`: "keep the client's value" (``None`` means "no limit")."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN

#: Headers the client computes per request (signature, target, body type) or the
#: connection owns: not settable through ``extra_headers``.
_RESERVED: Final = frozenset(
    {
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "x-amz-target",
        "content-type",
        "content-length",
        "host",
        "transfer-encoding",
        "connection",
    }
)
_TIMEOUTS: Final = ("connect_timeout", "read_timeout", "total_timeout")


class CallOptions(NamedTuple):
    """The settings of one view (``NOT_GIVEN`` / ``None``: the client's)."""

    connect_timeout: float | NotGiven | None = NOT_GIVEN
    read_timeout: float | NotGiven | None = NOT_GIVEN
    total_timeout: float | NotGiven | None = NOT_GIVEN
    max_attempts: int | None = None
    retry_mode: Literal["standard", "adaptive"] | None = None
    extra_headers: Mapping[str, str] = {}

    @classmethod
    def checked(cls, base: CallOptions | None, **given: Any) -> CallOptions:
        """``base`` (a view's options, or none) updated with ``given``; ``ValueError``
        naming the option for a bad value."""
        for name in _TIMEOUTS:
            value = given[name]
            if value is NOT_GIVEN or value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(
                    f"with_options({name}=...) must be > 0 seconds or None, got {value!r}"
                )
        attempts = given["max_attempts"]
        if attempts is not None and (
            isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1
        ):
            raise ValueError(
                f"with_options(max_attempts=...) must be an int >= 1, got {attempts!r}"
            )
        if given["retry_mode"] not in (None, "standard", "adaptive"):
            raise ValueError(
                f"with_options(retry_mode=...) must be 'standard' or 'adaptive', "
                f"got {given['retry_mode']!r}"
            )
        headers = dict(base.extra_headers) if base else {}
        extra: Mapping[object, object] = given["extra_headers"] or {}
        for key, value in extra.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError("with_options(extra_headers=...) names and values must be strings")
            if not key or any(c in key for c in " \t\r\n:\0") or any(c in value for c in "\r\n\0"):
                raise ValueError(f"with_options(extra_headers=...): not a valid header: {key!r}")
            if key.lower() in _RESERVED:
                raise ValueError(
                    f"with_options(extra_headers=...) cannot set {key!r}: the client sets it"
                )
            headers[key] = value
        current = base or cls()
        kept = {k: v for k, v in given.items() if v is not NOT_GIVEN and v is not None}
        kept["extra_headers"] = headers
        # A timeout explicitly None ("no limit") replaces the client's value too.
        kept.update({k: None for k in _TIMEOUTS if given[k] is None})
        return current._replace(**kept)

    def apply(self, config: ClientConfig) -> ClientConfig:
        """``config`` with these options' values (what the view's ``config`` shows)."""
        changes: dict[str, Any] = {
            name: value
            for name in (*_TIMEOUTS, "max_attempts", "retry_mode")
            if (value := getattr(self, name)) is not NOT_GIVEN and value is not None
        }
        changes.update({k: None for k in _TIMEOUTS if getattr(self, k) is None})
        return replace(config, **changes) if changes else config


def derive_runtime_parts(
    options: CallOptions,
    transport: Any,
    retry: StandardRetryStrategy,
    headers: Mapping[str, str],
    config: ClientConfig,
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
) -> tuple[Any, StandardRetryStrategy, Mapping[str, str]]:
    """The view's transport, retry strategy and extra headers, from its parent's.

    ``config`` is the view's (its options applied). A transport without
    ``derive`` (a custom or mock one) is shared as is: timeouts are the aiohttp
    transport's business.
    """
    if any(getattr(options, k) is not NOT_GIVEN for k in _TIMEOUTS) and hasattr(
        transport, "derive"
    ):
        transport = transport.derive(
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            total_timeout=config.total_timeout,
        )
    if options.max_attempts is not None or options.retry_mode is not None:
        mode = config.retry_mode or "standard"
        attempts = config.max_attempts or retry.max_attempts
        if mode == "adaptive" and isinstance(retry, AdaptiveRetryStrategy):
            retry = AdaptiveRetryStrategy(
                attempts,
                limiter=retry.limiter,
                quota=retry.quota,
                random=retry.random,
                throttling_error_codes=retry.throttling_error_codes,
            )
        else:
            retry = make_retry_strategy(
                mode,
                attempts,
                clock=clock,
                sleep=sleep,
                quota=retry.quota,
                random=retry.random,
                throttling_error_codes=retry.throttling_error_codes,
            )
    if options.extra_headers:
        headers = {**headers, **options.extra_headers}
    return transport, retry, headers
