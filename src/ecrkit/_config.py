"""ClientConfig: retries, timeouts, connection pool and endpoint flags.

Resolved once per client: an explicit field wins, then the standard AWS
environment variables (``AWS_RETRY_MODE``, ``AWS_MAX_ATTEMPTS``,
``AWS_USE_FIPS_ENDPOINT``, ``AWS_USE_DUALSTACK_ENDPOINT``), then the default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["ClientConfig", "RetryMode"]

RetryMode = Literal["standard", "adaptive"]
_TRUE = ("1", "true", "yes", "on")


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
            ``ResponseParseError``; an error response is cut to it (default 64 MiB).
        credentials_timeout: seconds one credential load (or refresh) may take,
            a ``credential_process`` included, before it fails with
            ``CredentialsError`` and the next call starts a fresh one (default 60;
            ``None``: no bound). A ``credential_process`` still running then is killed.
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

    def resolved(self) -> ClientConfig:
        """A copy with every ``None`` filled from the environment or the default."""
        mode = self.retry_mode or os.environ.get("AWS_RETRY_MODE", "").strip().lower() or "standard"
        if mode == "legacy":  # botocore's legacy mode maps onto standard here
            mode = "standard"
        if mode not in ("standard", "adaptive"):
            raise ValueError(f"retry_mode must be 'standard' or 'adaptive', got {mode!r}")
        attempts = self.max_attempts
        if attempts is None:
            env = os.environ.get("AWS_MAX_ATTEMPTS", "").strip()
            attempts = int(env) if env.isdigit() else 3
        if attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {attempts}")
        if self.credentials_timeout is not None and not self.credentials_timeout > 0:
            raise ValueError(
                f"credentials_timeout must be > 0 seconds or None, got {self.credentials_timeout}"
            )
        return replace(
            self,
            retry_mode=mode,  # type: ignore[arg-type]
            max_attempts=attempts,
            use_fips_endpoint=_flag(self.use_fips_endpoint, "AWS_USE_FIPS_ENDPOINT"),
            use_dualstack_endpoint=_flag(self.use_dualstack_endpoint, "AWS_USE_DUALSTACK_ENDPOINT"),
        )


def _flag(value: bool | None, env: str) -> bool:
    if value is not None:
        return value
    return os.environ.get(env, "").strip().lower() in _TRUE
