"""Wire types shared by every generated model: timestamps, blobs, documents.

AWS JSON 1.1 sends timestamps as epoch seconds (possibly fractional) unless the
model says otherwise, and blobs as base64 text. These annotated types give the
Python side a timezone-aware UTC ``datetime`` and ``bytes``, and dump back to the
wire form in ``mode="json"``.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, ValidationInfo

__all__ = ["Blob", "Document", "Timestamp", "TimestampHTTP", "TimestampISO", "empty_list"]


def _utc(value: datetime) -> datetime:
    # Naive datetimes are taken as UTC, as botocore does.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _from_http_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return value  # let pydantic report it
    return value


def _epoch(value: datetime) -> int | float:
    # Whole seconds go out as integers; sub-second values keep millisecond
    # precision (the Smithy epoch-seconds format).
    seconds = _utc(value).timestamp()
    if value.microsecond == 0:
        return int(seconds)
    return round(seconds, 3)


def _iso8601(value: datetime) -> str:
    text = (
        _utc(value)
        .astimezone(UTC)
        .isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    )
    return text.replace("+00:00", "Z")


def _http_date(value: datetime) -> str:
    return format_datetime(_utc(value).astimezone(UTC), usegmt=True)


def _blob_in(value: Any, info: ValidationInfo) -> Any:
    # On the wire a blob is standard base64 text; from Python code a str is
    # taken as UTF-8 text, as botocore does.
    if isinstance(value, str):
        if info.mode == "json":
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError("blob is not valid base64") from None
        return value.encode("utf-8")
    return value


def _blob_out(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


# No Python validator on the parse path: pydantic-core already turns epoch
# numbers into aware datetimes at UTC offset zero, and a per-value Python call
# cost ~40% of parsing a DescribeImages page. Naive datetimes a caller passes in
# are kept as given and sent as UTC.

#: A timestamp sent as epoch seconds; parsed values are timezone-aware, in UTC.
Timestamp = Annotated[datetime, PlainSerializer(_epoch, when_used="json")]
#: A timestamp the model marks ``timestampFormat: iso8601``.
TimestampISO = Annotated[datetime, PlainSerializer(_iso8601, when_used="json")]
#: A timestamp the model marks ``timestampFormat: rfc822``.
TimestampHTTP = Annotated[
    datetime, BeforeValidator(_from_http_date), PlainSerializer(_http_date, when_used="json")
]
#: Binary data: ``bytes`` in Python, standard base64 on the wire.
Blob = Annotated[bytes, BeforeValidator(_blob_in), PlainSerializer(_blob_out, when_used="json")]
#: A free-form JSON document.
Document = Any


def empty_list() -> list[Any]:
    """The default of response list fields. A typed ``list``: with a bare ``list`` as
    ``default_factory``, pyright infers ``list[Unknown]`` for the field."""
    return []
