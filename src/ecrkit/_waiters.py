"""The generic waiter engine behind the generated waiters.

A waiter calls one operation until an acceptor decides. Acceptors follow the
botocore ``waiters-2.json`` format (matchers ``path``, ``pathAll``, ``pathAny``,
``status``, ``error``); paths are compiled by the generator into typed accessors.

Two schedules:

- fixed (botocore): ``delay`` seconds between calls, at most ``max_attempts`` calls
  (the model's defaults);
- Smithy: ``min_delay`` / ``max_delay`` / ``max_wait`` with jittered exponential
  backoff exactly as the Smithy waiter specification computes it.

Sleeping and the clock come from the client, so tests inject both.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypedDict, TypeVar, cast

from ._exceptions import (
    ServiceError,
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)

if TYPE_CHECKING:
    from ._model import ServiceResponse

__all__ = ["Acceptor", "Waiter", "WaiterConfig", "WaiterSpec", "smithy_delay"]

Resp = TypeVar("Resp", bound="ServiceResponse")
State = Literal["success", "failure", "retry"]
Matcher = Literal["path", "pathAll", "pathAny", "status", "error"]


class WaiterConfig(TypedDict, total=False):
    """How long to wait. Use ``delay``/``max_attempts`` or the Smithy trio."""

    delay: float
    """Fixed seconds between calls (default: the model's)."""
    max_attempts: int
    """Calls before giving up (default: the model's)."""
    min_delay: float
    """Smithy schedule: the smallest delay (default 2 s)."""
    max_delay: float
    """Smithy schedule: the largest delay (default 120 s)."""
    max_wait: float
    """Smithy schedule: the total time budget (default: model delay x attempts)."""


_FIXED = frozenset({"delay", "max_attempts"})
_SMITHY = frozenset({"min_delay", "max_delay", "max_wait"})


class Acceptor(NamedTuple):
    """One acceptor: when ``matcher`` matches ``expected``, go to ``state``."""

    state: State
    matcher: Matcher
    expected: Any
    argument: str | None = None  # the model's path text, for messages
    path: Callable[[Any], Any] | None = None  # compiled accessor over the response

    def matches(self, response: Any, error: ServiceError | None) -> bool:
        """Whether this acceptor matches the outcome of one call."""
        if self.matcher == "error":
            if isinstance(self.expected, bool):
                return (error is not None) is self.expected
            return error is not None and error.code == self.expected
        if self.matcher == "status":
            status = (
                error.status_code
                if error is not None
                else response.response_metadata.http_status_code
            )
            return bool(status == self.expected)
        if error is not None or response is None or self.path is None:
            return False
        value = self.path(response)
        if self.matcher == "path":
            return _equal(value, self.expected)
        if not isinstance(value, list):
            return False
        values = cast("list[object]", value)
        if self.matcher == "pathAll":
            return bool(values) and all(_equal(v, self.expected) for v in values)
        return any(_equal(v, self.expected) for v in values)


def _seconds(config: WaiterConfig, key: str, default: float, *, whole: bool = False) -> float:
    """A finite number from ``config`` (a NaN delay would stall, an infinite count overflow)."""
    value: Any = cast("Mapping[str, Any]", config).get(key, default)
    try:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number) or (whole and not number.is_integer()):
        kind = "a whole number" if whole else "a finite number of seconds"
        raise ValueError(f"waiter_config[{key!r}] must be {kind}, got {value!r}")
    return number


def _equal(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return value is expected
    return bool(value == expected)


class WaiterSpec(NamedTuple):
    """A waiter from the model: its operation, schedule and acceptors."""

    name: str
    delay: float
    max_attempts: int
    acceptors: tuple[Acceptor, ...]


def smithy_delay(
    attempt: int,
    remaining: float,
    min_delay: float,
    max_delay: float,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """The Smithy waiter delay before retry ``attempt`` (1-based).

    ``attemptCeiling = log(max/min)/log(2) + 1``; past it the delay is ``max``,
    else ``min * 2**(attempt-1)``; then a random value in ``[min, delay]``; and if
    that would leave no more than ``min`` of the remaining time, wait out the
    remaining time instead and make one last attempt.
    """
    ceiling = math.log(max_delay / min_delay) / math.log(2) + 1
    delay = max_delay if attempt > ceiling else min_delay * 2 ** (attempt - 1)
    delay = uniform(min_delay, min(delay, max_delay))
    if remaining - delay <= min_delay:
        delay = remaining
    return delay


class Waiter(Generic[Resp]):
    """Polls one operation until an acceptor decides; generated subclasses type it."""

    spec: WaiterSpec
    #: The client method the waiter polls.
    operation: str

    def __init__(
        self,
        call: Callable[[dict[str, Any]], Awaitable[Resp]],
        *,
        sleep: Callable[[float], Awaitable[object]],
        monotonic: Callable[[], float],
        uniform: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self._call = call
        self._sleep = sleep
        self._monotonic = monotonic
        self._uniform = uniform

    @property
    def name(self) -> str:
        """The waiter's model name, e.g. ``ImageScanComplete``."""
        return self.spec.name

    async def _wait(self, params: dict[str, Any], config: WaiterConfig | None) -> Resp:
        config = config or {}
        unknown = set(config) - _FIXED - _SMITHY
        if unknown:
            raise TypeError(f"unknown waiter_config keys: {sorted(unknown)}")
        if set(config) & _SMITHY and set(config) & _FIXED:
            raise ValueError(
                "waiter_config: use delay/max_attempts or min_delay/max_delay/max_wait, not both"
            )
        spec = self.spec
        smithy = bool(set(config) & _SMITHY)
        delay = _seconds(config, "delay", spec.delay)
        max_attempts = int(_seconds(config, "max_attempts", spec.max_attempts, whole=True))
        min_delay = _seconds(config, "min_delay", 2.0)
        max_delay = _seconds(config, "max_delay", 120.0)
        max_wait = _seconds(config, "max_wait", spec.delay * spec.max_attempts)
        if (smithy and not (0 < min_delay <= max_delay and max_wait > 0)) or (
            not smithy and (delay < 0 or max_attempts < 1)
        ):
            raise ValueError(f"invalid waiter_config: {dict(config)}")
        started = self._monotonic()
        attempts = 0
        last_attempt = False
        response: Resp | None = None
        while True:
            attempts += 1
            error: ServiceError | None = None
            try:
                response = await self._call(params)
            except ServiceError as exc:
                error, response = exc, None
            state = next((a.state for a in spec.acceptors if a.matches(response, error)), None)
            if state == "success":
                return response  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # None only for error-matched success
            if state == "failure":
                raise WaiterFailureError(
                    spec.name,
                    self._describe("a failure state was reached", response, error),
                    last_response=response,
                    last_error=error,
                    polls=attempts,
                )
            if state is None and error is not None:
                raise WaiterUnexpectedError(
                    spec.name,
                    f"unexpected error {error.code}: {error.message}",
                    last_response=None,
                    last_error=error,
                    polls=attempts,
                )
            if smithy:
                remaining = max_wait - (self._monotonic() - started)
                if last_attempt or remaining <= 0:
                    raise self._timeout(
                        f"max_wait of {max_wait:g} s exceeded", response, error, attempts
                    )
                pause = smithy_delay(attempts, remaining, min_delay, max_delay, self._uniform)
                last_attempt = pause >= remaining
            else:
                if attempts >= max_attempts:
                    raise self._timeout(
                        f"{max_attempts} attempts exhausted", response, error, attempts
                    )
                pause = delay
            await self._sleep(pause)

    def _timeout(
        self, why: str, response: Resp | None, error: ServiceError | None, attempts: int
    ) -> WaiterError:
        return WaiterTimeoutError(
            self.spec.name,
            self._describe(why, response, error),
            last_response=response,
            last_error=error,
            polls=attempts,
        )

    def _describe(self, why: str, response: Any, error: ServiceError | None) -> str:
        """``why`` plus what the acceptor paths saw last (e.g. the last status)."""
        if error is not None:
            return f"{why}; last error {error.code}"
        seen: dict[str, Any] = {}
        for acceptor in self.spec.acceptors:
            if acceptor.path is not None and acceptor.argument and response is not None:
                seen.setdefault(acceptor.argument, acceptor.path(response))
        details = ", ".join(f"{arg} was {value!r}" for arg, value in seen.items())
        return f"{why}; last response: {details}" if details else why
