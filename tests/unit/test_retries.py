"""Tests for ecrkit._retries: the retry SEP vectors plus targeted unit tests.

No test sleeps for real: jitter, clocks and sleeps are all injected.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from ecrkit._retries import (
    SUCCESSFUL_ATTEMPT,
    THROTTLING_ERROR_CODES,
    AdaptiveRetryStrategy,
    AttemptResult,
    ClientRateLimiter,
    CubicCalculator,
    RetryOutcome,
    RetryQuota,
    StandardRetryStrategy,
    make_retry_strategy,
    throttling_codes,
)
from tests._vectors import vectors_available, vectors_dir

TOLERANCE = 5e-7

# The v2.1 files describe the 2026 "new retries" behaviour (retry cost 14, throttling
# cost 5, 50 ms / 1 s base delays, x-amz-retry-after, long-polling backoff). botocore
# only enables it behind AWS_NEW_RETRIES_2026=true; its retry_mode="standard" is still
# v2.0, which is what ecrkit implements, so the v2.1 files are not run. ECR also has no
# long-polling operations.


def _vector_cases(filename: str) -> list[Any]:
    """Parametrize over a vector file's cases; one skipping param if vectors are absent."""
    if not vectors_available("retries", filename):
        return [pytest.param(None, id="vectors-missing")]
    data = json.loads(vectors_dir("retries", filename).read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["name"]) for case in data["cases"]]


def _result(response: dict[str, Any]) -> AttemptResult:
    status = response["status_code"]
    return AttemptResult(
        status_code=status,
        error_code=response.get("error_code"),
        is_success=200 <= status < 300,
    )


class FakeClock:
    """A monotonic clock whose sleep advances time instead of waiting."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# --------------------------------------------------------------------------- vectors


@pytest.mark.parametrize("case", _vector_cases("standard-v2.0.json"))
def test_standard_v20_vectors(case: dict[str, Any] | None) -> None:
    if case is None:
        vectors_dir("retries", "standard-v2.0.json")  # skips with the reason
        return
    given = case["given"]
    assert given.get("exponential_power", 2) == 2  # the backoff base is fixed at 2
    jitter = float(given["exponential_base"])
    strategy = StandardRetryStrategy(
        given["max_attempts"],
        quota=RetryQuota(given["initial_retry_tokens"]),
        random=lambda: jitter,
        max_backoff=given["max_backoff_time"],
    )
    state = strategy.begin()
    for step in case["responses"]:
        expected = step["expected"]
        decision = strategy.after_attempt(state, _result(step["response"]))
        assert decision.outcome == RetryOutcome(expected["outcome"])
        assert decision.retry == (decision.outcome is RetryOutcome.RETRY_REQUEST)
        assert strategy.quota.available == expected["retry_quota"]
        assert decision.delay == pytest.approx(expected.get("delay", 0.0))
        if not decision.retry:
            state = strategy.begin()  # the call is over; a further response starts a new one


@pytest.mark.parametrize("case", _vector_cases("adaptive-cubic.json"))
def test_adaptive_cubic_vectors(case: dict[str, Any] | None) -> None:
    if case is None:
        vectors_dir("retries", "adaptive-cubic.json")
        return
    given = case["given"]
    cubic = CubicCalculator(given["last_max_rate"], given["last_throttle_time"])
    rate = float(given["last_max_rate"])
    for step in case["cases"]:
        if step["response"] == "success":
            rate = cubic.success(step["timestamp"])
        else:  # a throttle at the rate we were last allowed to send at
            rate = cubic.throttle(rate, step["timestamp"])
        assert rate == pytest.approx(step["calculated_rate"], abs=TOLERANCE)


@pytest.mark.parametrize("via", ["limiter", "strategy"])
@pytest.mark.parametrize("case", _vector_cases("adaptive-end-to-end.json"))
def test_adaptive_end_to_end_vectors(case: dict[str, Any] | None, via: str) -> None:
    if case is None:
        vectors_dir("retries", "adaptive-end-to-end.json")
        return
    clock = FakeClock(0.0)
    limiter = ClientRateLimiter(clock=clock, sleep=clock.sleep)
    strategy = AdaptiveRetryStrategy(10, limiter=limiter, quota=RetryQuota(10_000))
    for step in case["cases"]:
        clock.now = step["timestamp"]
        throttled = step["response"] == "throttle"
        if via == "limiter":
            limiter.update(throttled)
        else:
            result = AttemptResult(400, "ThrottlingException") if throttled else SUCCESSFUL_ATTEMPT
            strategy.after_attempt(strategy.begin(), result)
        assert limiter.measured_rate == pytest.approx(step["measured_tx_rate"], abs=TOLERANCE)
        assert limiter.fill_rate == pytest.approx(step["new_token_bucket_rate"], abs=TOLERANCE)
    assert clock.sleeps == []


# ------------------------------------------------------------------------ unit tests


def _strategy(max_attempts: int = 3, capacity: int = 500) -> StandardRetryStrategy:
    return StandardRetryStrategy(max_attempts, quota=RetryQuota(capacity), random=lambda: 1.0)


def test_generic_throttling_codes_are_botocores() -> None:
    from botocore.retries.standard import ThrottledRetryableChecker

    expected = ThrottledRetryableChecker._THROTTLED_ERROR_CODES
    assert frozenset(expected) == THROTTLING_ERROR_CODES
    assert throttling_codes() == THROTTLING_ERROR_CODES


def test_limit_exceeded_is_throttling_for_a_service_without_overrides() -> None:
    strategy = _strategy()
    decision = strategy.after_attempt(
        strategy.begin(), AttemptResult(400, "LimitExceededException")
    )
    assert decision.outcome is RetryOutcome.RETRY_REQUEST
    assert strategy.is_throttling(AttemptResult(400, "LimitExceededException"))


def test_a_service_override_is_not_retried() -> None:
    codes = throttling_codes({"LimitExceededException"})  # ECR's not_throttling
    assert codes == THROTTLING_ERROR_CODES - {"LimitExceededException"}
    strategy = StandardRetryStrategy(
        quota=RetryQuota(500), random=lambda: 1.0, throttling_error_codes=codes
    )
    assert strategy.throttling_error_codes == codes
    state = strategy.begin()
    decision = strategy.after_attempt(state, AttemptResult(400, "LimitExceededException"))
    assert decision.outcome is RetryOutcome.FAIL_REQUEST
    assert not decision.retry
    assert strategy.quota.available == 500
    assert state.attempts == 1
    # Every other throttling code still is one.
    assert strategy.after_attempt(strategy.begin(), AttemptResult(400, "Throttling")).retry


@pytest.mark.parametrize(
    ("not_throttling", "enabled"), [((), True), (("LimitExceededException",), False)]
)
def test_adaptive_limiter_follows_the_service_override(
    not_throttling: tuple[str, ...], enabled: bool
) -> None:
    clock = FakeClock()
    strategy = AdaptiveRetryStrategy(
        limiter=ClientRateLimiter(clock=clock, sleep=clock.sleep),
        throttling_error_codes=throttling_codes(not_throttling),
    )
    strategy.after_attempt(strategy.begin(), AttemptResult(400, "LimitExceededException"))
    assert strategy.limiter.enabled is enabled


def test_timeout_costs_ten_and_is_refunded() -> None:
    strategy = _strategy()
    state = strategy.begin()
    decision = strategy.after_attempt(state, AttemptResult(is_timeout=True))
    assert decision == (True, 1.0, RetryOutcome.RETRY_REQUEST)
    assert strategy.quota.available == 490
    assert state.last_retry_cost == 10
    assert strategy.after_attempt(state, SUCCESSFUL_ATTEMPT).outcome is RetryOutcome.SUCCESS
    assert strategy.quota.available == 500


def test_connection_error_is_retried_at_normal_cost() -> None:
    strategy = _strategy()
    state = strategy.begin()
    decision = strategy.after_attempt(state, AttemptResult(is_connection_error=True))
    assert decision.outcome is RetryOutcome.RETRY_REQUEST
    assert strategy.quota.available == 495


@pytest.mark.parametrize(
    "result",
    [
        AttemptResult(400, "ThrottlingException"),
        AttemptResult(429, "TooManyRequestsException"),
        AttemptResult(400, "RequestTimeoutException"),
        AttemptResult(503),
        AttemptResult(504, "SomethingUnmodeled"),
    ],
)
def test_retryable_results(result: AttemptResult) -> None:
    strategy = _strategy()
    assert strategy.after_attempt(strategy.begin(), result).outcome is RetryOutcome.RETRY_REQUEST


@pytest.mark.parametrize(
    "result",
    [
        AttemptResult(400, "ValidationException"),
        AttemptResult(404, "RepositoryNotFoundException"),
        AttemptResult(501),
        AttemptResult(200, "ResponseParseError"),  # a 2xx the client could not use
    ],
)
def test_non_retryable_results(result: AttemptResult) -> None:
    strategy = _strategy()
    assert strategy.after_attempt(strategy.begin(), result).outcome is RetryOutcome.FAIL_REQUEST
    assert strategy.quota.available == 500


def test_quota_exhaustion() -> None:
    strategy = _strategy(max_attempts=10, capacity=12)
    state = strategy.begin()
    assert strategy.after_attempt(state, AttemptResult(is_timeout=True)).retry
    assert strategy.quota.available == 2
    decision = strategy.after_attempt(state, AttemptResult(500))
    assert decision.outcome is RetryOutcome.RETRY_QUOTA_EXCEEDED
    assert strategy.quota.available == 2
    # A new call succeeding first time slowly refills the bucket, one token per call.
    for expected in (3, 4, 5):
        strategy.after_attempt(strategy.begin(), SUCCESSFUL_ATTEMPT)
        assert strategy.quota.available == expected
    assert strategy.after_attempt(strategy.begin(), AttemptResult(500)).retry


def test_first_attempt_success_is_capped_at_capacity() -> None:
    quota = RetryQuota(500)
    strategy = StandardRetryStrategy(quota=quota)
    strategy.after_attempt(strategy.begin(), SUCCESSFUL_ATTEMPT)
    assert quota.available == 500


def test_multi_call_shared_quota() -> None:
    strategy = _strategy()
    call_a, call_b = strategy.begin(), strategy.begin()
    assert strategy.after_attempt(call_a, AttemptResult(is_timeout=True)).retry  # -10
    assert strategy.after_attempt(call_b, AttemptResult(503)).retry  # -5
    assert strategy.quota.available == 485
    strategy.after_attempt(call_b, SUCCESSFUL_ATTEMPT)  # refunds b's 5
    assert strategy.quota.available == 490
    strategy.after_attempt(call_a, SUCCESSFUL_ATTEMPT)  # refunds a's 10
    assert strategy.quota.available == 500
    # Two strategies can also share one quota explicitly.
    other = StandardRetryStrategy(quota=strategy.quota)
    other.after_attempt(other.begin(), AttemptResult(500))
    assert strategy.quota.available == 495


def test_backoff_jitter_and_cap() -> None:
    strategy = StandardRetryStrategy(10, random=lambda: 0.5, max_backoff=20.0)
    state = strategy.begin()
    delays = [strategy.after_attempt(state, AttemptResult(500)).delay for _ in range(9)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0, 10.0]
    huge = StandardRetryStrategy(10_000, random=lambda: 1.0)
    state = huge.begin()
    state.attempts = 5_000  # the exponent must not overflow
    assert huge.after_attempt(state, AttemptResult(500)).delay == 20.0


def test_max_attempts_one_never_retries() -> None:
    strategy = _strategy(max_attempts=1)
    decision = strategy.after_attempt(strategy.begin(), AttemptResult(500))
    assert decision.outcome is RetryOutcome.MAX_ATTEMPTS_EXCEEDED
    assert strategy.quota.available == 500


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        StandardRetryStrategy(0)
    with pytest.raises(ValueError):
        RetryQuota(-1)
    with pytest.raises(ValueError):
        make_retry_strategy("legacy", 3)  # type: ignore[arg-type]


def test_factory() -> None:
    standard = make_retry_strategy("standard", 5)
    assert type(standard) is StandardRetryStrategy
    assert standard.max_attempts == 5
    clock = FakeClock()
    adaptive = make_retry_strategy("adaptive", clock=clock, sleep=clock.sleep)
    assert isinstance(adaptive, AdaptiveRetryStrategy)
    assert adaptive.max_attempts == 3


def test_standard_before_attempt_does_not_wait() -> None:
    strategy = _strategy()
    waiting = strategy.before_attempt(strategy.begin())
    # It finishes on its first step: it never suspends (no sleep, no lock, no I/O).
    with pytest.raises(StopIteration) as done:
        waiting.send(None)
    assert done.value.value is None


async def test_adaptive_before_attempt_waits_with_injected_sleep() -> None:
    clock = FakeClock(100.0)
    strategy = make_retry_strategy("adaptive", clock=clock, sleep=clock.sleep, random=lambda: 1.0)
    assert isinstance(strategy, AdaptiveRetryStrategy)
    state = strategy.begin()
    await strategy.before_attempt(state)  # not throttled yet: the limiter is off
    assert clock.sleeps == []
    decision = strategy.after_attempt(state, AttemptResult(400, "ThrottlingException"))
    assert decision.retry
    assert strategy.limiter.enabled
    assert strategy.limiter.fill_rate == 0.5  # nothing measured yet: the minimum rate
    await strategy.before_attempt(state)
    await strategy.before_attempt(state)
    assert clock.sleeps == pytest.approx([2.0, 2.0])  # one token per 1 / 0.5 s
    assert clock.now == pytest.approx(104.0)


async def test_invoke_loop_example() -> None:
    clock = FakeClock()
    strategy = make_retry_strategy("standard", 3, random=lambda: 1.0)
    responses = iter([AttemptResult(503), AttemptResult(is_timeout=True), SUCCESSFUL_ATTEMPT])
    state = strategy.begin()
    while True:
        await strategy.before_attempt(state)
        decision = strategy.after_attempt(state, next(responses))
        if not decision.retry:
            break
        await clock.sleep(decision.delay)
    assert decision.outcome is RetryOutcome.SUCCESS
    assert state.attempts == 3
    assert clock.sleeps == [1.0, 2.0]
    assert strategy.quota.available == 495  # 500 - 5 - 10, then the last retry (10) refunded


def test_adaptive_rates_match_botocore() -> None:
    """Differential check of the rate updates against botocore's own limiter."""
    adaptive = pytest.importorskip("botocore.retries.adaptive")
    bucket = pytest.importorskip("botocore.retries.bucket")
    throttling = pytest.importorskip("botocore.retries.throttling")
    clock = FakeClock(0.0)
    throttled = False

    class BotoClock:
        def current_time(self) -> float:
            return clock.now

    class Detector:
        def is_throttling_error(self, **kwargs: Any) -> bool:
            return throttled

    boto_clock = BotoClock()
    reference = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=0.0),
        rate_clocker=adaptive.RateClocker(boto_clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=boto_clock),
        throttling_detector=Detector(),
        clock=boto_clock,
    )
    ours = ClientRateLimiter(clock=clock, sleep=clock.sleep)
    rng = random.Random(1234)
    for _ in range(500):
        clock.now += rng.uniform(0.0, 0.4)
        throttled = rng.random() < 0.15
        reference.on_receiving_response()
        ours.update(throttled)
        assert ours.measured_rate == pytest.approx(reference._rate_clocker.measured_rate)
        assert ours.fill_rate == pytest.approx(reference._token_bucket.max_rate)
        assert ours.enabled == reference._enabled
