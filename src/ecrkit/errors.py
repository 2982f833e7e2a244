"""Every exception ecrkit raises: the hand-written roots and one class per modeled error.

See :mod:`ecrkit._exceptions` for the tree. ``ERROR_CLASSES`` maps a wire error
code to its class.
"""

from ._exceptions import (
    ConnectionError,
    CredentialsError,
    EcrkitError,
    EndpointResolutionError,
    PaginationError,
    ParamValidationError,
    ResponseParseError,
    ResponseTooLargeError,
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
    "ConnectionError",
    "CredentialsError",
    "ERROR_CLASSES",
    "EcrkitError",
    "EndpointResolutionError",
    "PaginationError",
    "ParamValidationError",
    "ResponseParseError",
    "ResponseTooLargeError",
    "ServiceError",
    "TimeoutError",
    "TransportError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "WaiterUnexpectedError",
]
