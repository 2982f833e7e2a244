"""The ecrkit exception tree (hand-written roots; modeled service errors are generated).

::

    EcrkitError
    ├── ParamValidationError (also ValueError)   bad request input; nothing was sent
    ├── CredentialsError                         no credentials, or a refresh failed
    ├── EndpointResolutionError (also ValueError) no endpoint for this region/flags
    ├── TransportError                           the request did not get an HTTP answer
    │   ├── EndpointConnectionError              connect/reset/DNS failures
    │   ├── ResponseTooLargeError                a 2xx body over max_response_bytes
    │   └── TransportTimeoutError (also builtins.TimeoutError)
    ├── ResponseParseError                       a 2xx body that does not fit the model
    ├── ServiceError                             the service answered with an error
    │   └── <one generated class per modeled exception, e.g. RepositoryNotFoundException>
    ├── PaginationError                          the service broke the paging contract
    ├── ClientClosedError (also RuntimeError)    the client was closed (before or during a call)
    ├── EventLoopError (also RuntimeError)       a client used from a second event loop or process
    └── WaiterError                              a waiter stopped without success
        ├── WaiterFailureError                   a failure acceptor matched
        ├── WaiterTimeoutError (also builtins.TimeoutError)  attempts or time ran out
        └── WaiterUnexpectedError                a service error no acceptor expected

``asyncio.CancelledError`` is never wrapped.

``ConnectionError`` and ``TimeoutError`` are the earlier names of
``EndpointConnectionError`` and ``TransportTimeoutError``, kept as aliases but left out
of ``__all__``: a star import must not rebind the builtins to classes that no longer
catch them (``except TimeoutError`` around ``asyncio.timeout`` would stop working).
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ._model import ServiceResponse

__all__ = [
    "ClientClosedError",
    "CredentialsError",
    "EcrkitError",
    "EndpointConnectionError",
    "EndpointResolutionError",
    "EventLoopError",
    "PaginationError",
    "ParamValidationError",
    "ResponseParseError",
    "ResponseTooLargeError",
    "ServiceError",
    "TransportError",
    "TransportTimeoutError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "WaiterUnexpectedError",
]


def without_tracebacks(exc: BaseException) -> BaseException:
    """``exc`` with the tracebacks of it and its whole chain dropped; returns ``exc``.

    For a third-party error chained as a ``__cause__``: its type and message stay,
    but not the frames of the library that raised it, whose locals may hold signed
    headers or credentials (tools that capture locals would show them).
    """
    seen: set[int] = set()
    item: BaseException | None = exc
    while item is not None and id(item) not in seen:
        seen.add(id(item))
        item.__traceback__ = None
        item = item.__cause__ or item.__context__
    return exc


class EcrkitError(Exception):
    """Root of every error ecrkit raises on purpose.

    Every error pickles and copies with all its attributes (a ProcessPoolExecutor
    worker can raise it): the copy is rebuilt from ``args`` and the instance
    ``__dict__`` without calling ``__init__``, whose signature differs per class.
    """

    #: HTTP attempts: how many requests the call sent before giving up, the first
    #: included (set by the client; a free clock-skew retry is not counted). A waiter
    #: counts its calls of the operation in ``WaiterError.polls`` instead.
    attempts: int = 1

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args), self.__dict__)


class ParamValidationError(EcrkitError, ValueError):
    """Request parameters failed client-side validation; nothing was sent.

    ``errors`` holds one ``(field_path, message)`` pair per problem, where the
    path uses the Python (snake_case) field names, e.g. ``filter.tag_status``.
    """

    #: The operation or shape whose parameters failed.
    shape: str
    errors: list[tuple[str, str]]

    def __init__(self, operation_or_shape: str, errors: list[tuple[str, str]]) -> None:
        self.shape = operation_or_shape
        self.errors = errors
        lines = "; ".join(f"{path}: {msg}" for path, msg in errors)
        super().__init__(f"Invalid parameters for {operation_or_shape}: {lines}")

    @property
    def fields(self) -> list[str]:
        """The field paths that failed validation."""
        return [path for path, _ in self.errors]


class CredentialsError(EcrkitError):
    """No credentials could be found, or refreshing them failed."""


class EndpointResolutionError(EcrkitError, ValueError):
    """The endpoint rules give no endpoint for this region and these flags."""


class TransportError(EcrkitError):
    """The request got no complete HTTP response."""


class EndpointConnectionError(TransportError):
    """Could not connect, or the connection broke before a full response arrived."""


class TransportTimeoutError(TransportError, builtins.TimeoutError):
    """A connect, read or total timeout expired."""


class ResponseTooLargeError(TransportError):
    """A successful response's body is larger than ``max_response_bytes``.

    Not retried (the same body would come back); the connection is dropped unread.
    An error response over the limit is cut at it instead (its status decides).
    """

    operation_name: str | None
    status_code: int | None
    request_id: str | None

    def __init__(
        self,
        message: str,
        *,
        operation_name: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.operation_name = operation_name
        self.status_code = status_code
        self.request_id = request_id
        super().__init__(message)


#: The earlier names (see the module docstring); not in ``__all__``.
ConnectionError = EndpointConnectionError
TimeoutError = TransportTimeoutError


class ResponseParseError(EcrkitError):
    """A successful response body did not match the model (or was not JSON)."""

    operation_name: str | None
    status_code: int | None
    request_id: str | None

    def __init__(
        self,
        message: str,
        *,
        operation_name: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> None:
        self.operation_name = operation_name
        self.status_code = status_code
        self.request_id = request_id
        super().__init__(message)


class ServiceError(EcrkitError):
    """An error response from the service.

    Modeled error codes are raised as their generated subclass (for example
    ``RepositoryNotFoundException``); unknown codes as plain ``ServiceError``.
    """

    #: The wire error code a generated subclass stands for.
    error_code: ClassVar[str | None] = None
    #: snake_case name -> wire name of the modeled members beyond code/message.
    modeled_fields: ClassVar[dict[str, str]] = {}

    code: str
    message: str
    status_code: int | None
    request_id: str | None
    operation_name: str | None
    #: The error response's JSON body.
    body: dict[str, Any]

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        operation_name: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.code = code or self.error_code or type(self).__name__
        self.message = message or ""
        self.status_code = status_code
        self.request_id = request_id
        self.operation_name = operation_name
        self.body: dict[str, Any] = body or {}
        for attr, wire in self.modeled_fields.items():
            setattr(self, attr, self.body.get(wire))
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f" when calling {self.operation_name}" if self.operation_name else ""
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        text = f": {self.message}" if self.message else ""
        return f"{self.code}{where}{status}{text}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r})"
        )


def _rebuild(cls: type[EcrkitError], args: tuple[Any, ...]) -> EcrkitError:
    # pickle then restores __dict__ (attempts included). args is set here because
    # OSError.__new__ (TimeoutError's base) leaves it to an __init__ we do not call.
    error = cls.__new__(cls, *args)
    error.args = args
    return error


def _rebuild_service_error(  # pyright: ignore[reportUnusedFunction]
    cls: type[ServiceError],
    message: str,
    code: str,
    status_code: int | None,
    request_id: str | None,
    operation_name: str | None,
    body: dict[str, Any],
) -> ServiceError:
    # What pickles made by ecrkit 0.1.0 call; new pickles use _rebuild.
    return cls(
        message,
        code=code,
        status_code=status_code,
        request_id=request_id,
        operation_name=operation_name,
        body=body,
    )


class ClientClosedError(EcrkitError, RuntimeError):
    """The client was closed: before the call, or while the call was in flight."""


class EventLoopError(EcrkitError, RuntimeError):
    """A client was used from an event loop or process other than its first call's.

    A client's connection pool belongs to the event loop (and the process) that made
    its first call; use one client per event loop, and a new client after ``fork``.
    """


class PaginationError(EcrkitError):
    """The service broke the paging contract (for example, it repeated a token)."""


class WaiterError(EcrkitError):
    """A waiter stopped without reaching its success state.

    ``last_response`` is the last successful response of the polled operation (or
    ``None``), typed as the response base class: this runtime is service-agnostic, so
    narrow it with ``isinstance`` (e.g. ``DescribeImageScanFindingsResponse``);
    ``last_error`` the last service error (or ``None``), ``polls`` the number of
    calls of the operation the waiter made (each of which may have sent several
    HTTP attempts: ``last_error.attempts``). ``attempts`` is the same number as
    ``polls``, kept for compatibility; read ``polls``.
    """

    waiter_name: str
    reason: str
    last_response: ServiceResponse | None
    last_error: ServiceError | None
    #: Calls of the operation (polls) the waiter made.
    polls: int
    #: The same as ``polls`` (a waiter's old name for it); not HTTP attempts.
    attempts: int

    def __init__(
        self,
        waiter_name: str,
        reason: str,
        *,
        last_response: ServiceResponse | None = None,
        last_error: ServiceError | None = None,
        polls: int = 0,
        attempts: int | None = None,
    ) -> None:
        self.waiter_name = waiter_name
        self.reason = reason
        self.last_response = last_response
        self.last_error = last_error
        self.polls = polls if attempts is None else attempts
        self.attempts = self.polls
        super().__init__(f"Waiter {waiter_name} failed: {reason}")


class WaiterFailureError(WaiterError):
    """A failure acceptor matched: the resource cannot reach the wanted state."""


class WaiterTimeoutError(WaiterError, builtins.TimeoutError):
    """The waiter ran out of attempts or time; the message names the last state seen."""


class WaiterUnexpectedError(WaiterError):
    """The operation failed with a service error that no acceptor expected."""
