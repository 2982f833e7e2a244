"""The AWS JSON 1.1 protocol: the request content type, error parsing, response metadata.

Knows no service: each operation's ``X-Amz-Target`` (``<targetPrefix>.<Operation>``)
comes from the generated client. Requests are ``POST /``; bodies are the models' JSON (see
:mod:`ecrkit._codec`). No pydantic here, so importing the client stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

__all__ = ["CONTENT_TYPE", "ErrorInfo", "ResponseMetadata", "parse_error"]

CONTENT_TYPE = "application/x-amz-json-1.1"
_EXCERPT = 200


@dataclass(frozen=True, slots=True)
class ResponseMetadata:
    """Facts about the HTTP exchange behind a response (not part of its data).

    ``retry_attempts`` counts *retries* (botocore's ``RetryAttempts``): 0 when the
    first request succeeded. :attr:`attempts` is the HTTP attempts, retries plus the
    first, the number an error's ``attempts`` gives for a call that failed.
    """

    request_id: str | None = None
    http_status_code: int = 0
    retry_attempts: int = 0
    http_headers: Mapping[str, str] = field(default_factory=dict[str, str], repr=False)

    @property
    def attempts(self) -> int:
        """HTTP attempts the call sent: ``retry_attempts + 1``."""
        return self.retry_attempts + 1

    def __reduce__(self) -> tuple[Any, ...]:
        # The transport's headers are a read-only multidict view, which neither
        # pickles nor copies: carry the (name, value) pairs and rebuild the view.
        headers: Mapping[str, str] = self.http_headers
        pairs = list(headers.items())
        carried: dict[str, str] | list[tuple[str, str]] = (
            dict(pairs) if type(headers) is dict else pairs
        )
        return (
            _rebuild_metadata,
            (self.request_id, self.http_status_code, self.retry_attempts, carried),
        )


def _rebuild_metadata(
    request_id: str | None,
    status: int,
    retry_attempts: int,
    headers: dict[str, str] | list[tuple[str, str]],
) -> ResponseMetadata:
    if isinstance(headers, dict):
        return ResponseMetadata(request_id, status, retry_attempts, headers)
    from multidict import CIMultiDict, CIMultiDictProxy

    view = CIMultiDictProxy(CIMultiDict(headers))
    return ResponseMetadata(request_id, status, retry_attempts, view)


class ErrorInfo(NamedTuple):
    """What an error response says: the bare code, the message and the JSON body."""

    code: str
    message: str
    body: dict[str, Any]


def _sanitize_code(code: str) -> str:
    # "aws.protocoltests.restjson#FooError:http://internal.amazon.com/..." -> "FooError"
    code = code.split(":", 1)[0]
    return code.rsplit("#", 1)[-1].strip()


def parse_error(status: int, headers: Mapping[str, str], body: bytes) -> ErrorInfo:
    """Read the error code and message from headers and body; never raises.

    ``headers`` must look up names case-insensitively (aiohttp's do).

    The code comes from ``x-amzn-ErrorType``, else the body's ``__type`` or
    ``code``, else the HTTP status. A body that is not a JSON object (an HTML page
    from a proxy, say, or JSON nested too deep for the parser) yields the status as
    code and an excerpt as message.
    """
    doc: Any = None
    if body.strip():
        try:
            doc = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
            doc = None
    data: dict[str, Any] = cast("dict[str, Any]", doc) if isinstance(doc, dict) else {}
    raw = headers.get("x-amzn-ErrorType") or data.get("__type") or data.get("code") or ""
    code = _sanitize_code(str(raw)) or str(status)
    message = data.get("message", data.get("Message", data.get("errorMessage")))
    if message is None and not data and body.strip():
        message = _excerpt(body)
    return ErrorInfo(code=code, message=str(message) if message is not None else "", body=data)


def _excerpt(body: bytes) -> str:
    text = body[:_EXCERPT].decode("utf-8", "replace")
    text = " ".join(text.split())
    return f"non-JSON error body: {text!r}" + ("..." if len(body) > _EXCERPT else "")
