"""The AWS JSON 1.1 protocol: request headers and body, response and error parsing.

Knows nothing about ECR: the target prefix and the model classes are passed in.
Requests are ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>`` and the
model dumped by alias (``None`` members omitted). Responses are validated
straight from the body bytes with ``model_validate_json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from ._exceptions import ParamValidationError, ResponseParseError

__all__ = [
    "CONTENT_TYPE",
    "ErrorInfo",
    "operation_headers",
    "parse_error",
    "parse_response",
    "serialize",
]

CONTENT_TYPE = "application/x-amz-json-1.1"
_EMPTY = b"{}"
_EXCERPT = 200

M = TypeVar("M", bound=BaseModel)


def operation_headers(target_prefix: str, operation: str) -> dict[str, str]:
    """The fixed headers of one operation (computed once per operation, not per call)."""
    return {"Content-Type": CONTENT_TYPE, "X-Amz-Target": f"{target_prefix}.{operation}"}


def serialize(request: BaseModel) -> bytes:
    """The JSON body of a request model: wire names, no ``None`` members.

    A string that cannot be encoded as UTF-8 (a lone surrogate, as
    ``os.fsdecode`` makes of undecodable bytes) passes validation but not JSON
    encoding: that is a :class:`ParamValidationError` naming the field.
    """
    try:
        return request.__pydantic_serializer__.to_json(request, by_alias=True, exclude_none=True)
    except PydanticSerializationError:
        problems = list(_unencodable(request, ""))
        if not problems:
            raise
        raise ParamValidationError(type(request).__name__, problems) from None


def _unencodable(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """``(field path, message)`` for every string in ``value`` that is not valid UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            yield path or "<root>", f"string is not valid UTF-8 (lone surrogate at {exc.start})"
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _unencodable(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _unencodable(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unencodable(key, f"{path}[{key!r}] (key)")
            yield from _unencodable(item, f"{path}[{key!r}]")


def parse_response(
    cls: type[M],
    body: bytes,
    *,
    operation_name: str | None = None,
    status_code: int | None = None,
    request_id: str | None = None,
) -> M:
    """Validate a successful response body; an empty body is an empty object."""
    try:
        return cls.model_validate_json(body if body.strip() else _EMPTY)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "<body>"
        raise ResponseParseError(
            f"{operation_name or cls.__name__} response did not match the model "
            f"({exc.error_count()} error(s); first at {where}: {first['msg']})",
            operation_name=operation_name,
            status_code=status_code,
            request_id=request_id,
        ) from None


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
    from a proxy, say) yields the status as code and an excerpt as message.
    """
    doc: Any = None
    if body.strip():
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
    data: dict[str, Any] = doc if isinstance(doc, dict) else {}
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
