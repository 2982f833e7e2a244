"""Request and response bodies: models to JSON bytes and back (pydantic-core).

Requests are dumped by alias with ``None`` members omitted; responses are
validated straight from the body bytes by the response class's response validator
(:func:`ecrkit._model.response_validator`: the model's schema without the request
rules, so only a wrong JSON type fails). Failures become ecrkit errors, never bare
pydantic ones.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from ._exceptions import ParamValidationError, ResponseParseError
from ._model import response_validator

__all__ = ["parse_response", "serialize"]

_EMPTY = b"{}"
_PAUSE_GC_BYTES = 100_000  # see parse_response
M = TypeVar("M", bound=BaseModel)


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
        for index, item in enumerate(cast("Sequence[object]", value)):
            yield from _unencodable(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in cast("dict[object, object]", value).items():
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
    """Validate a successful response body; an empty body is an empty object.

    Request rules (required members, ``min`` lengths and ranges) of structures that
    requests share are not applied: the service is the authority on what it sends.

    For a large body the cyclic garbage collector is paused during the
    validation (one C call that builds an acyclic tree of models, holding the
    GIL) and resumed right after, unless the caller had it disabled already.
    A page of 1,000 items allocates a few thousand GC-tracked objects (each
    model and its fields-set): unpaused, the collections this triggers
    mid-parse promote the half-built page towards the oldest generation and,
    every few pages, cause a full collection of the whole heap. Paused, a
    1,000-id ListImages page or 1,000 findings cost 15-30% less CPU per call
    in the benchmark. Below ``_PAUSE_GC_BYTES`` the parse allocates about as
    many tracked objects as the collector's first threshold (700), and the
    collection the pause defers then runs while the whole response is alive:
    a 100-image DescribeImages page (72 KB) was 5-12% slower paused, so small
    bodies leave the collector alone (docs/performance.md).
    """
    paused = len(body) >= _PAUSE_GC_BYTES and gc.isenabled()
    if paused:
        gc.disable()
    try:
        parsed: M = response_validator(cls).validate_json(body if body.strip() else _EMPTY)
        return parsed
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
    finally:
        if paused:
            gc.enable()
