"""Every exception ecrkit raises: the hand-written roots and one class per modeled error.

See :mod:`ecrkit._exceptions` for the tree. ``ERROR_CLASSES`` maps a wire error
code to its class.
"""

from ._exceptions import (
    ClientClosedError,
    ConnectionError,
    CredentialsError,
    EcrkitError,
    EndpointResolutionError,
    EventLoopError,
    PaginationError,
    ParamValidationError,
    ResponseParseError,
    ServiceError,
    TimeoutError,
    TransportError,
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)
from ._generated.errors import *  # noqa: F403
from ._generated.errors import ERROR_CLASSES

__all__ = [
    "ClientClosedError",
    "ConnectionError",
    "CredentialsError",
    "ERROR_CLASSES",
    "EcrkitError",
    "EndpointResolutionError",
    "EventLoopError",
    "PaginationError",
    "ParamValidationError",
    "ResponseParseError",
    "ServiceError",
    "TimeoutError",
    "TransportError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "WaiterUnexpectedError",
]
