"""ClientConfig: retries, timeouts, connection pool, endpoint flags, proxies, TLS, User-Agent.

Resolved once per client: an explicit field wins, then the standard AWS
environment variables (``AWS_RETRY_MODE``, ``AWS_MAX_ATTEMPTS``,
``AWS_USE_FIPS_ENDPOINT``, ``AWS_USE_DUALSTACK_ENDPOINT``), then the profile in the
shared config file (on the first call, see ``ecrkit._setup``), then the default.
"""

from __future__ import annotations

import math
import os
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

__all__ = ["ClientConfig", "RetryMode"]

RetryMode = Literal["standard", "adaptive"]
_TRUE = ("1", "true", "yes", "on")
_MODES = ("standard", "adaptive", "legacy")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²" and "٣"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientConfig:
    """How a client retries, times out and connects.

    Attributes:
        retry_mode: ``"standard"`` (default) or ``"adaptive"`` (adds client-side
            rate limiting after throttling).
        max_attempts: total attempts per call, the first included (default 3).
        connect_timeout: seconds to establish a connection (default 10).
        read_timeout: seconds to wait between bytes of a response (default 60).
        total_timeout: seconds for one attempt, end to end (default: none).
        max_pool_connections: connections kept per client (default 100).
        use_fips_endpoint / use_dualstack_endpoint: endpoint variants.
        max_response_bytes: a successful response larger than this raises
            ``ResponseTooLargeError``; an error response is cut to it (default 64 MiB).
        credentials_timeout: seconds one credential load (or refresh) may take,
            a ``credential_process`` included, before it fails with
            ``CredentialsError`` and the next call starts a fresh one (default 60;
            ``None``: no bound). A ``credential_process`` still running then is killed.
        proxies: botocore's ``proxies``: ``{"https": "http://user:pw@proxy:3128",
            "http": ...}``, keyed by the endpoint's scheme; wins over
            ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (honoured when this is
            ``None``); ``{}``: never a proxy. User info becomes ``Proxy-Authorization``.
        proxy_headers: more headers for the proxy (shown masked in ``repr``).
        verify: botocore's ``verify``: ``None`` (``AWS_CA_BUNDLE``, then the
            profile's ``ca_bundle``, then the default trust store), ``True`` (the
            default trust store), a CA bundle path, an ``ssl.SSLContext``, or
            ``False`` (no verification: local testing only, warns).
        user_agent_extra: appended to the ``User-Agent`` (sanitized).
        user_agent_appid: an application id, sent as ``app/<id>`` in the
            ``User-Agent``; else ``AWS_SDK_UA_APP_ID``, else the profile's ``sdk_ua_app_id``.
    """

    retry_mode: RetryMode | None = None
    max_attempts: int | None = None
    connect_timeout: float | None = 10.0
    read_timeout: float | None = 60.0
    total_timeout: float | None = None
    max_pool_connections: int = 100
    use_fips_endpoint: bool | None = None
    use_dualstack_endpoint: bool | None = None
    max_response_bytes: int | None = 64 * 1024 * 1024
    credentials_timeout: float | None = 60.0
    proxies: Mapping[str, str] | None = None
    proxy_headers: Mapping[str, str] | None = None
    verify: bool | str | os.PathLike[str] | ssl.SSLContext | None = None
    user_agent_extra: str | None = None
    user_agent_appid: str | None = None

    def __repr__(self) -> str:
        # Proxy URLs and headers may carry credentials: shown masked.
        shown: list[str] = []
        for f in fields(self):
            value: Any = getattr(self, f.name)
            if f.name == "proxies" and value:
                value = {k: _mask(v) for k, v in value.items()}
            elif f.name == "proxy_headers" and value:
                value = {k: "***" for k in value}
            shown.append(f"{f.name}={value!r}")
        return f"ClientConfig({', '.join(shown)})"

    def __post_init__(self) -> None:
        # Every value is checked here, so a bad one fails where it was written, not
        # at the first call (or, worse, as every call timing out).
        if self.retry_mode is not None and self.retry_mode not in _MODES:
            raise ValueError(
                f"retry_mode must be 'standard' or 'adaptive', got {self.retry_mode!r}"
            )
        if self.max_attempts is not None:
            _check_int("max_attempts", self.max_attempts, 1)
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            value = getattr(self, name)
            if value is not None and not (_is_real(value) and 0 < value < math.inf):
                raise ValueError(
                    f"{name} must be a positive number of seconds or None, got {value!r}"
                )
        _check_int("max_pool_connections", self.max_pool_connections, 1)
        if self.max_response_bytes is not None:
            _check_int("max_response_bytes", self.max_response_bytes, 0)
        for name in ("use_fips_endpoint", "use_dualstack_endpoint"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"{name} must be True, False or None, got {value!r}")
        timeout = self.credentials_timeout
        if timeout is not None and not (_is_real(timeout) and 0 < timeout < math.inf):
            raise ValueError(
                f"credentials_timeout must be a positive number of seconds or None, got {timeout!r}"
            )

    def resolved(self) -> ClientConfig:
        """A copy with every ``None`` filled from the environment or the default."""
        mode: str | None = self.retry_mode
        if mode is None:
            mode = os.environ.get("AWS_RETRY_MODE", "").strip().lower() or "standard"
            if mode not in _MODES:
                raise ValueError(f"AWS_RETRY_MODE must be 'standard' or 'adaptive', got {mode!r}")
        if mode == "legacy":  # botocore's legacy mode maps onto standard here
            mode = "standard"
        attempts = self.max_attempts
        if attempts is None:
            env = os.environ.get("AWS_MAX_ATTEMPTS", "").strip()
            if not env:
                attempts = 3
            elif _DIGITS.fullmatch(env) and int(env) >= 1:
                attempts = int(env)
            else:
                raise ValueError(f"AWS_MAX_ATTEMPTS must be a whole number >= 1, got {env!r}")
        return replace(
            self,
            retry_mode=mode,  # type: ignore[arg-type]
            max_attempts=attempts,
            use_fips_endpoint=_flag(self.use_fips_endpoint, "AWS_USE_FIPS_ENDPOINT"),
            use_dualstack_endpoint=_flag(self.use_dualstack_endpoint, "AWS_USE_DUALSTACK_ENDPOINT"),
        )


def _mask(url: object) -> object:
    if not isinstance(url, str) or "@" not in url:
        return url
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    return f"{scheme}{sep}***@{rest.rpartition('@')[2]}"


def _flag(value: bool | None, env: str) -> bool:
    if value is not None:
        return value
    return os.environ.get(env, "").strip().lower() in _TRUE


def _is_real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_int(name: str, value: object, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
