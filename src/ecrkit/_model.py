"""The base class of every generated model, and request validation.

Models are plain Pydantic v2 models whose field names are the snake_case of the
wire names and whose aliases are the wire names. Validation schemas are built
lazily (``defer_build``) so importing ecrkit stays cheap; each model pays its
schema build once, on first use.

Input checks follow botocore's client-side validator where it matters to a
caller: required members, types and the model's ``min`` constraints. ``max``,
``pattern`` and enum membership are *not* checked here: the service is the
authority on those and tightens or relaxes them over time, so a client-side copy
would only go stale and reject valid requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from ._exceptions import ParamValidationError
from ._protocol import ResponseMetadata

__all__ = [
    "EcrModel",
    "EcrResponse",
    "ResponseMetadata",
    "build_request",
    "validation_error_fields",
]

M = TypeVar("M", bound="EcrModel")


class EcrModel(BaseModel):
    """Base of every ECR shape: snake_case fields, camelCase wire aliases."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        # Unknown response fields are ignored (forward compatible); requests are
        # validated with extra="forbid" by build_request.
        extra="ignore",
        defer_build=True,
        loc_by_alias=False,
        ser_json_inf_nan="strings",
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The wire JSON of this model as a dict: camelCase keys, only the members
        that were set (so response lists that defaulted to ``[]`` are left out)."""
        return self.model_dump(by_alias=True, exclude_none=True, exclude_unset=True, mode="json")


_NO_METADATA = ResponseMetadata()


class EcrResponse(EcrModel):
    """Base of operation responses: the data fields plus ``response_metadata``."""

    _response_metadata: ResponseMetadata = PrivateAttr(default_factory=lambda: _NO_METADATA)

    @property
    def response_metadata(self) -> ResponseMetadata:
        """Request id, HTTP status and retry count (empty when parsed by hand)."""
        return self._response_metadata


def validation_error_fields(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn a pydantic error into ``(field.path[0], message)`` pairs, one per field."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        loc = err["loc"]
        # Drop pydantic's union/type tags (e.g. "literal['A']", "str") from paths.
        parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in loc if not _is_tag(p)]
        path = ".".join(parts).replace(".[", "[") or "<root>"
        kind = err["type"]
        if kind == "literal_error":
            # An enum field is `Literal[known] | str`: the known values are not a
            # requirement, so the message of the str branch is the one that applies.
            out.setdefault(path, "")
        elif not out.get(path):
            out[path] = "unknown field" if kind == "extra_forbidden" else err["msg"]
    return [(path, msg or "invalid value") for path, msg in out.items()]


def _is_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part in ("str", "int", "float", "bool", "bytes")
        or part.startswith(("literal[", "function-"))
    )


def build_request(cls: type[M], params: Mapping[str, Any] | M) -> M:
    """Validate request parameters into ``cls``, raising ``ParamValidationError``.

    Stricter than constructing the model directly: no type coercion (``"5"`` is
    not an integer) and unknown keys are rejected at every level.
    """
    if isinstance(params, cls):
        params = params.model_dump(exclude_unset=True)
    try:
        return cls.model_validate(params, strict=True, extra="forbid")
    except ValidationError as exc:
        raise ParamValidationError(cls.__name__, validation_error_fields(exc)) from None
