"""Retry strategies: botocore's ``retry_mode="standard"`` and ``"adaptive"``.

Standard mode follows the v2.0 retry SEP: at most ``max_attempts`` attempts,
truncated binary exponential backoff with full jitter
(``random() * min(2 ** (n - 1), 20)`` seconds before retry ``n``), and a retry
quota shared by every call of one client (500 tokens; a retry costs 5, or 10
after a timeout; a successful call refunds its last retry's cost, or adds 1 if
it needed no retry). Adaptive mode adds botocore's client-side rate limiter: a
CUBIC send-rate calculator driving a token bucket that delays sends once the
service has throttled us.

The module knows no service and no HTTP client; the invoke loop reports
each attempt as an :class:`AttemptResult` and obeys the :class:`RetryDecision`::

    state = strategy.begin()
    while True:
        await strategy.before_attempt(state)
        result = ...  # send, then describe the attempt
        decision = strategy.after_attempt(state, result)
        if not decision.retry:
            break
        await asyncio.sleep(decision.delay)

Everything here runs on one event loop and never awaits while mutating shared
state, so no locks are used; do not share a strategy between threads.
"""

from __future__ import annotations

import asyncio
import math
import random as _random
import time
from collections.abc import Awaitable, Callable, Iterable
from enum import StrEnum
from typing import Final, Literal, NamedTuple, TypedDict, Unpack

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "SUCCESSFUL_ATTEMPT",
    "THROTTLING_ERROR_CODES",
    "TRANSIENT_ERROR_CODES",
    "TRANSIENT_STATUS_CODES",
    "AdaptiveRetryStrategy",
    "AttemptResult",
    "ClientRateLimiter",
    "CubicCalculator",
    "RetryDecision",
    "RetryOutcome",
    "RetryQuota",
    "RetryState",
    "StandardRetryStrategy",
    "make_retry_strategy",
    "throttling_codes",
]

DEFAULT_MAX_ATTEMPTS: Final = 3
MAX_BACKOFF: Final = 20.0

TRANSIENT_STATUS_CODES: Final = frozenset({500, 502, 503, 504})
TRANSIENT_ERROR_CODES: Final = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
#: botocore's throttling codes (``ThrottledRetryableChecker``), for every service. A
#: service that uses one of them for something else says so in its description
#: (``ServiceInfo.not_throttling``), and its clients leave it out: see
#: :func:`throttling_codes`.
THROTTLING_ERROR_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)


def throttling_codes(not_throttling: Iterable[str] = ()) -> frozenset[str]:
    """The throttling codes of a service that uses ``not_throttling`` for other things.

    ECR, for one, raises ``LimitExceededException`` for service quotas (too many
    repositories, a lifecycle policy preview already running): no amount of retrying
    fixes a quota, so its clients fail such a call at once.
    """
    return THROTTLING_ERROR_CODES.difference(not_throttling)


class RetryOutcome(StrEnum):
    """Why the strategy decided what it did (values match the SEP test vectors)."""

    RETRY_REQUEST = "retry_request"
    SUCCESS = "success"
    FAIL_REQUEST = "fail_request"
    MAX_ATTEMPTS_EXCEEDED = "max_attempts_exceeded"
    RETRY_QUOTA_EXCEEDED = "retry_quota_exceeded"


class AttemptResult(NamedTuple):
    """What one attempt produced, as far as retrying is concerned.

    ``status_code`` is None when no HTTP response arrived; ``error_code`` is the
    parsed AWS error code (e.g. ``ThrottlingException``) of an error response.
    ``is_success`` is explicit (not derived from the status): the caller decides,
    e.g. a 2xx whose body cannot be parsed is a non-retryable failure.
    """

    status_code: int | None = None
    error_code: str | None = None
    is_timeout: bool = False
    is_connection_error: bool = False
    is_success: bool = False


SUCCESSFUL_ATTEMPT: Final = AttemptResult(status_code=200, is_success=True)
"""A preallocated result for the common case (any successful attempt)."""


class RetryDecision(NamedTuple):
    """Whether to retry, after how many seconds, and why."""

    retry: bool
    delay: float
    outcome: RetryOutcome


_SUCCESS: Final = RetryDecision(False, 0.0, RetryOutcome.SUCCESS)
_FAIL: Final = RetryDecision(False, 0.0, RetryOutcome.FAIL_REQUEST)
_MAX_ATTEMPTS: Final = RetryDecision(False, 0.0, RetryOutcome.MAX_ATTEMPTS_EXCEEDED)
_QUOTA_EXCEEDED: Final = RetryDecision(False, 0.0, RetryOutcome.RETRY_QUOTA_EXCEEDED)


class RetryState:
    """Per-call bookkeeping; ``attempts`` counts the attempts reported so far."""

    __slots__ = ("attempts", "last_retry_cost")

    def __init__(self) -> None:
        self.attempts = 0
        self.last_retry_cost = 0  # quota tokens taken by the latest retry (0: none)


class RetryQuota:
    """Token bucket of retry capacity shared by all calls of one client."""

    __slots__ = ("_available", "capacity")

    def __init__(self, capacity: int = 500) -> None:
        if capacity < 0:
            raise ValueError("capacity must be >= 0")
        self.capacity = capacity
        self._available = capacity

    @property
    def available(self) -> int:
        """Tokens left."""
        return self._available

    def acquire(self, amount: int) -> bool:
        """Take ``amount`` tokens if that many are left; return whether it did."""
        if amount > self._available:
            return False
        self._available -= amount
        return True

    def release(self, amount: int) -> None:
        """Give back ``amount`` tokens, never exceeding ``capacity``."""
        # Not min(): its argument tuple is a GC-tracked allocation, and the client
        # refunds on the success path right after a (collector-paused) large parse.
        available = self._available + amount
        self._available = available if available < self.capacity else self.capacity


class _Options(TypedDict, total=False):
    quota: RetryQuota | None
    random: Callable[[], float]
    max_backoff: float
    transient_status_codes: Iterable[int]
    transient_error_codes: Iterable[str]
    throttling_error_codes: Iterable[str]


class StandardRetryStrategy:
    """The v2.0 standard retry policy (botocore ``retry_mode="standard"``).

    One instance per client: its :class:`RetryQuota` is shared by every call.
    ``random`` supplies the jitter in ``[0, 1)``; inject a constant for tests.
    """

    RETRY_COST: int = 5
    TIMEOUT_RETRY_COST: int = 10
    NO_RETRY_INCREMENT: int = 1

    def __init__(
        self,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        *,
        quota: RetryQuota | None = None,
        random: Callable[[], float] = _random.random,
        max_backoff: float = MAX_BACKOFF,
        transient_status_codes: Iterable[int] = TRANSIENT_STATUS_CODES,
        transient_error_codes: Iterable[str] = TRANSIENT_ERROR_CODES,
        throttling_error_codes: Iterable[str] = THROTTLING_ERROR_CODES,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        self.max_attempts = max_attempts
        self.quota = RetryQuota() if quota is None else quota
        self._random = random
        self._max_backoff = max_backoff
        self._transient_status = frozenset(transient_status_codes)
        self._throttling_codes = frozenset(throttling_error_codes)
        self._retryable_codes = self._throttling_codes | frozenset(transient_error_codes)

    @property
    def random(self) -> Callable[[], float]:
        """The jitter source (a strategy derived from this one keeps it)."""
        return self._random

    @property
    def throttling_error_codes(self) -> frozenset[str]:
        """The codes treated as throttling (a strategy derived from this one keeps them)."""
        return self._throttling_codes

    def begin(self) -> RetryState:
        """Start a call."""
        return RetryState()

    async def before_attempt(self, state: RetryState) -> None:
        """Wait until an attempt may be sent (no-op in standard mode)."""

    def is_throttling(self, result: AttemptResult) -> bool:
        """True if the attempt was throttled by the service."""
        return result.error_code in self._throttling_codes

    def is_retryable(self, result: AttemptResult) -> bool:
        """True if the failure is transient or throttling (ignores limits)."""
        return (
            result.is_timeout
            or result.is_connection_error
            or result.status_code in self._transient_status
            or result.error_code in self._retryable_codes
        )

    def after_attempt(self, state: RetryState, result: AttemptResult) -> RetryDecision:
        """Record an attempt's result and decide whether to retry it."""
        state.attempts += 1
        if result.is_success:
            cost = state.last_retry_cost
            self.quota.release(cost if cost else self.NO_RETRY_INCREMENT)
            return _SUCCESS
        if not self.is_retryable(result):
            return _FAIL
        if state.attempts >= self.max_attempts:
            return _MAX_ATTEMPTS
        cost = self.TIMEOUT_RETRY_COST if result.is_timeout else self.RETRY_COST
        if not self.quota.acquire(cost):
            return _QUOTA_EXCEEDED
        state.last_retry_cost = cost
        # Capping the exponent keeps 2.0 ** n finite for absurd max_attempts.
        backoff = min(2.0 ** min(state.attempts - 1, 62), self._max_backoff)
        return RetryDecision(True, self._random() * backoff, RetryOutcome.RETRY_REQUEST)


class CubicCalculator:
    """CUBIC congestion-control send-rate calculation (rates in requests/s)."""

    SCALE_CONSTANT: float = 0.4
    BETA: float = 0.7

    def __init__(self, starting_max_rate: float, start_time: float) -> None:
        self.last_max_rate = starting_max_rate
        self.last_throttle_time = start_time
        self._k = self._zero_point()

    def _zero_point(self) -> float:
        return float((self.last_max_rate * (1 - self.BETA) / self.SCALE_CONSTANT) ** (1 / 3))

    def success(self, timestamp: float) -> float:
        """Rate allowed at ``timestamp`` after a non-throttled response."""
        dt = timestamp - self.last_throttle_time
        return self.SCALE_CONSTANT * (dt - self._k) ** 3 + self.last_max_rate

    def throttle(self, current_rate: float, timestamp: float) -> float:
        """Record a throttle at ``current_rate``; return the reduced rate."""
        self.last_max_rate = current_rate
        self._k = self._zero_point()
        self.last_throttle_time = timestamp
        return current_rate * self.BETA


class ClientRateLimiter:
    """Adaptive-mode send limiter: measured rate + CUBIC + a send token bucket.

    Inactive until the first throttled response; from then on each send takes
    one token, and tokens refill at the CUBIC-computed rate (at least
    ``MIN_RATE``/s). ``clock`` must be monotonic seconds; ``sleep`` is awaited
    while waiting for a token (a fake sleep in tests must advance the clock).
    A rate change does not wake tasks already sleeping; they re-check on waking.
    """

    MIN_RATE: float = 0.5
    MAX_RATE_ADJUST_SCALE: float = 2.0
    SMOOTHING: float = 0.8
    BUCKETS_PER_SECOND: float = 2.0  # measured rate updates every 0.5 s

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        now = clock()
        self.cubic = CubicCalculator(0.0, now)
        self.enabled = False
        # Measured send rate (botocore's RateClocker); botocore floors the start
        # to whole seconds, we floor it to the bucket size for consistency.
        self.measured_rate = 0.0
        self._count = 0
        self._last_bucket = math.floor(now * self.BUCKETS_PER_SECOND) / self.BUCKETS_PER_SECOND
        # Send token bucket (botocore's TokenBucket with max_rate=1).
        self.fill_rate = 1.0
        self._max_capacity = 1.0
        self._capacity = 0.0
        self._last_refill = now

    def _refill(self) -> None:
        now = self._clock()
        filled = self._capacity + (now - self._last_refill) * self.fill_rate
        self._capacity = min(self._max_capacity, filled)
        self._last_refill = now

    def _set_rate(self, rate: float) -> None:
        self._refill()  # tokens accrued so far count at the old rate
        self.fill_rate = max(rate, self.MIN_RATE)
        self._max_capacity = max(rate, 1.0)
        self._capacity = min(self._capacity, self._max_capacity)

    async def acquire(self) -> None:
        """Wait (via the injected sleep) until a send token is available."""
        if not self.enabled:
            return
        self._refill()
        while self._capacity < 1.0:
            await self._sleep((1.0 - self._capacity) / self.fill_rate)
            self._refill()
        self._capacity -= 1.0

    def update(self, throttled: bool) -> None:
        """Record a response (any attempt outcome) and adjust the send rate."""
        now = self._clock()
        bucket = math.floor(now * self.BUCKETS_PER_SECOND) / self.BUCKETS_PER_SECOND
        self._count += 1
        if bucket > self._last_bucket:
            current = self._count / (bucket - self._last_bucket)
            self.measured_rate = current * self.SMOOTHING + self.measured_rate * (
                1 - self.SMOOTHING
            )
            self._count = 0
            self._last_bucket = bucket
        measured = self.measured_rate
        if throttled:
            rate = min(measured, self.fill_rate) if self.enabled else measured
            new_rate = self.cubic.throttle(rate, now)
            self.enabled = True
        else:
            new_rate = self.cubic.success(now)
        self._set_rate(min(new_rate, self.MAX_RATE_ADJUST_SCALE * measured))


class AdaptiveRetryStrategy(StandardRetryStrategy):
    """Standard retries plus client-side rate limiting (``retry_mode="adaptive"``)."""

    def __init__(
        self,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        *,
        limiter: ClientRateLimiter | None = None,
        **options: Unpack[_Options],
    ) -> None:
        super().__init__(max_attempts, **options)
        self.limiter = ClientRateLimiter() if limiter is None else limiter

    async def before_attempt(self, state: RetryState) -> None:
        """Wait for send capacity from the rate limiter."""
        await self.limiter.acquire()

    def after_attempt(self, state: RetryState, result: AttemptResult) -> RetryDecision:
        """Feed the rate limiter, then decide as in standard mode."""
        self.limiter.update(self.is_throttling(result))
        return super().after_attempt(state, result)


def make_retry_strategy(
    mode: Literal["standard", "adaptive"] = "standard",
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    **options: Unpack[_Options],
) -> StandardRetryStrategy:
    """Build the strategy for a client's ``retry_mode``; ``clock``/``sleep`` are adaptive-only."""
    if mode == "standard":
        return StandardRetryStrategy(max_attempts, **options)
    if mode == "adaptive":
        limiter = ClientRateLimiter(clock=clock, sleep=sleep)
        return AdaptiveRetryStrategy(max_attempts, limiter=limiter, **options)
    raise ValueError(f"unknown retry mode {mode!r} (expected 'standard' or 'adaptive')")
