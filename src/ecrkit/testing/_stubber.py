"""The service-agnostic Stubber: queued responses answered at the transport.

A stubbed client runs its real pipeline up to the transport (request validation,
serialization, signing with fixed test credentials, response parsing, typed errors);
the transport is a queue. Everything the Stubber knows about the service comes from
the client's operation table and error registry, so it works for any ecrkit client.
The generated subclass (``ecrkit._generated.testing``) only adds typed overloads.
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, NamedTuple, Self, cast

from multidict import CIMultiDict, CIMultiDictProxy
from pydantic import BaseModel, ValidationError

from ecrkit._client_base import BaseClient, Operation, stub_runtime
from ecrkit._exceptions import ServiceError
from ecrkit._http import HttpRequest, HttpResponse
from ecrkit._model import ServiceResponse, validation_error_fields
from ecrkit._protocol import CONTENT_TYPE

from ._any import ANY

__all__ = ["BaseStubber", "StubAssertionError"]


class StubAssertionError(AssertionError):
    """A stubbed client was called in a way the queued responses did not expect."""


class _Queued(NamedTuple):
    operation: str  # the client method name
    expected: dict[str, Any] | None
    status: int
    body: bytes


async def _no_sleep(delay: float) -> None:
    """Waiters over stubs do not wait."""


class _QueueTransport:
    """The transport of a stubbed client: answers from the Stubber's queue."""

    def __init__(self, stubber: BaseStubber) -> None:
        self._stubber = stubber

    async def send(self, request: HttpRequest) -> HttpResponse:
        return self._stubber._answer(request)  # pyright: ignore[reportPrivateUsage]

    async def close(self) -> None:
        """Nothing to release."""


class BaseStubber:
    """Queue responses and errors for a client's calls; see :class:`ecrkit.testing.Stubber`."""

    def __init__(
        self, client: BaseClient, *, sleep: Callable[[float], Awaitable[object]] | None = None
    ) -> None:
        self._client = client
        self._sleep = sleep or _no_sleep
        ops: Mapping[str, Operation[Any, Any]] = type(client)._operations  # pyright: ignore[reportPrivateUsage]
        self._operations = ops
        self._by_target = {op.headers["X-Amz-Target"]: name for name, op in ops.items()}
        self._errors: Mapping[str, type[ServiceError]] = type(client)._service.error_classes  # pyright: ignore[reportPrivateUsage]
        self._queue: deque[_Queued] = deque()
        self._restore: Callable[[], None] | None = None

    # -- activation ------------------------------------------------------------

    def activate(self) -> None:
        """Route the client's calls to this Stubber (nothing leaves the process)."""
        if self._restore is None:
            self._restore = stub_runtime(self._client, _QueueTransport(self), self._sleep)

    def deactivate(self) -> None:
        """Give the client back its real runtime (queued responses stay queued)."""
        restore, self._restore = self._restore, None
        if restore is not None:
            restore()

    def __enter__(self) -> Self:
        self.activate()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.deactivate()

    # -- queueing --------------------------------------------------------------

    def _operation(self, operation: str) -> Operation[Any, Any]:
        op = self._operations.get(operation)
        if op is None:
            raise ValueError(
                f"{type(self._client).__name__} has no operation {operation!r} "
                "(use the snake_case method name, e.g. 'describe_images')"
            )
        return op

    def _expected(
        self, operation: str, op: Operation[Any, Any], expected: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        if expected is None:
            return None
        plain: dict[str, Any] = _plain(expected)
        fields = op.request_cls.model_fields
        unknown = sorted(k for k in plain if k not in fields)
        if unknown:
            raise ValueError(
                f"expected_params of {operation!r} name no parameter of it: {unknown} "
                f"(parameters: {sorted(fields)})"
            )
        return plain

    def _add_response(
        self, operation: str, response: Any, expected_params: Mapping[str, Any] | None
    ) -> None:
        op = self._operation(operation)
        cls: type[ServiceResponse] = op.response_cls
        if isinstance(response, ServiceResponse):
            if not isinstance(response, cls):
                raise TypeError(
                    f"add_response({operation!r}): a {type(response).__name__} is not "
                    f"a {cls.__name__}"
                )
            model = response
        else:
            try:
                model = cls.model_validate(response, strict=True, extra="forbid")
            except ValidationError as exc:
                problems = "; ".join(f"{p}: {m}" for p, m in validation_error_fields(exc))
                raise ValueError(
                    f"add_response({operation!r}): not a valid {cls.__name__} ({problems})"
                ) from None
        body = model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_none=True)
        self._queue.append(
            _Queued(operation, self._expected(operation, op, expected_params), 200, body)
        )

    def _add_client_error(
        self,
        operation: str,
        code: str,
        message: str,
        http_status_code: int,
        expected_params: Mapping[str, Any] | None,
        modeled_fields: Mapping[str, Any] | None,
    ) -> None:
        op = self._operation(operation)
        if not 300 <= http_status_code <= 599:
            raise ValueError(
                f"http_status_code of an error must be 300-599, not {http_status_code}"
            )
        body: dict[str, Any] = {"__type": code, "message": message}
        if modeled_fields:
            cls = self._errors.get(code)
            known = cls.modeled_fields if cls is not None else {}
            unknown = sorted(set(modeled_fields) - set(known))
            if unknown:
                raise ValueError(
                    f"{code} has no modeled fields {unknown} (it has: {sorted(known)})"
                )
            body.update({known[name]: value for name, value in modeled_fields.items()})
        self._queue.append(
            _Queued(
                operation,
                self._expected(operation, op, expected_params),
                http_status_code,
                json.dumps(body).encode(),
            )
        )

    def assert_no_pending_responses(self) -> None:
        """Raise :class:`StubAssertionError` if a queued response was not used."""
        if self._queue:
            names = [q.operation for q in self._queue]
            raise StubAssertionError(f"{len(names)} stubbed response(s) not used: {names}")

    # -- answering -------------------------------------------------------------

    def _answer(self, request: HttpRequest) -> HttpResponse:
        name = self._by_target.get(request.headers.get("X-Amz-Target", ""), "<unknown>")
        if not self._queue:
            raise StubAssertionError(f"{name}: called, but no stubbed response is queued")
        entry = self._queue[0]
        if entry.operation != name:
            raise StubAssertionError(
                f"{name}: called, but the next stubbed response is for {entry.operation}"
            )
        if entry.expected is not None:
            request_model = self._operations[name].request_cls.model_validate_json(request.body)
            actual = request_model.model_dump(exclude_unset=True, exclude_none=True)
            difference = _difference(entry.expected, actual, "")
            if difference is not None:
                raise StubAssertionError(
                    f"{name}: parameters differ from expected_params at {difference}"
                )
        self._queue.popleft()
        headers = CIMultiDict({"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": str(uuid.uuid4())})
        return HttpResponse(entry.status, CIMultiDictProxy(headers), entry.body)


def _plain(value: Any) -> Any:
    """Models to snake_case dicts and tuples to lists, at any depth; ``None`` members go
    (a member set to ``None`` is not sent)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_unset=True, exclude_none=True)
    if isinstance(value, Mapping):
        items = cast("Mapping[str, Any]", value)
        return {k: _plain(v) for k, v in items.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in cast("Sequence[Any]", value)]
    return value


def _difference(expected: Any, actual: Any, path: str) -> str | None:
    """The first key path where ``actual`` differs from ``expected``, with what differs."""
    where = path or "<parameters>"
    if expected is ANY:
        return None
    if isinstance(expected, dict):
        wanted = cast("dict[str, Any]", expected)
        if not isinstance(actual, dict):
            return f"{where}: expected a structure, got {actual!r}"
        got = cast("dict[str, Any]", actual)
        for key, value in wanted.items():
            sub = f"{path}.{key}" if path else key
            if key not in got:
                if value is ANY:
                    continue  # ANY also matches a parameter that was not passed
                return f"{sub}: expected {value!r}, but it was not passed"
            found = _difference(value, got[key], sub)
            if found is not None:
                return found
        for key, value in got.items():
            if key not in wanted:
                sub = f"{path}.{key}" if path else key
                return f"{sub}: not expected, but {value!r} was passed"
        return None
    if isinstance(expected, list):
        wanted_items = cast("list[object]", expected)
        if not isinstance(actual, list):
            return f"{where}: expected a list, got {actual!r}"
        got_items = cast("list[object]", actual)
        for index, (want, have) in enumerate(zip(wanted_items, got_items, strict=False)):
            found = _difference(want, have, f"{path}[{index}]")
            if found is not None:
                return found
        if len(wanted_items) != len(got_items):
            return f"{where}: expected {len(wanted_items)} item(s), got {len(got_items)}"
        return None
    if expected != actual:
        return f"{where}: expected {expected!r}, got {actual!r}"
    return None
