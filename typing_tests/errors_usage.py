"""Checked by mypy --strict and pyright strict, no plugins (never run): a star import of
ecrkit.errors brings every error class and leaves the builtins alone."""

from __future__ import annotations

import builtins
from typing import assert_type

from ecrkit.errors import *  # noqa: F403
from ecrkit.errors import ConnectionError as OldConnectionError
from ecrkit.errors import TimeoutError as OldTimeoutError


def star_import() -> None:
    assert_type(RepositoryNotFoundException("gone"), RepositoryNotFoundException)  # noqa: F405
    assert_type(ERROR_CLASSES, dict[str, type[ServiceError]])  # noqa: F405
    assert_type(TimeoutError(), builtins.TimeoutError)  # still the builtin
    assert_type(ConnectionError(), builtins.ConnectionError)
    assert_type(OldTimeoutError("t"), TransportTimeoutError)  # noqa: F405  # the earlier names
    assert_type(OldConnectionError("c"), EndpointConnectionError)  # noqa: F405
