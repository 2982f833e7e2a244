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
from typing import Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError
from pydantic_core import SchemaValidator

from ._exceptions import ParamValidationError
from ._protocol import ResponseMetadata

__all__ = [
    "ResponseMetadata",
    "ServiceModel",
    "ServiceResponse",
    "build_request",
    "response_validator",
    "validation_error_fields",
]

M = TypeVar("M", bound="ServiceModel")


class ServiceModel(BaseModel):
    """Base of every generated shape of any service: snake_case fields, wire-name aliases."""

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


class ServiceResponse(ServiceModel):
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


# -- response leniency ---------------------------------------------------------
#
# A structure shared by requests and responses carries the request rules (required
# members, ``min`` lengths and ranges) in its annotations, so that build_request
# checks them. botocore never applies them to a response, and the service is the
# authority on what it sends: a response must parse whatever constraint it breaks.
# So responses are parsed by a second validator per response class, built once from
# the class's own core schema with those rules taken out; the parse stays one
# ``validate_json`` call from bytes (docs/design/models.md, "Response leniency").

#: Constraint keys of pydantic-core's scalar and container schemas.
_CONSTRAINTS = frozenset({"min_length", "max_length", "pattern", "ge", "gt", "le", "lt"})
_CONSTRAINED = frozenset(
    {"str", "bytes", "list", "dict", "set", "frozenset", "tuple", "int", "float", "decimal"}
)
# Parts of a core schema that are not validation schemas (classes, config, functions).
_OPAQUE = frozenset({"cls", "config", "metadata", "serialization", "function", "ref"})
_lenient: dict[type[BaseModel], SchemaValidator] = {}


def response_validator(cls: type[BaseModel]) -> SchemaValidator:
    """The validator that parses ``cls`` from a response: the model's own, minus the
    request rules (every member optional and nullable, no length or range checks).

    Built on first use per class; instances are of the model classes as usual.
    """
    validator = _lenient.get(cls)
    if validator is None:
        if not cls.__pydantic_complete__:
            cls.model_rebuild()
        models: set[type[BaseModel]] = set()
        schema = _relaxed(cls.__pydantic_core_schema__, models)
        # pydantic-core reuses the validator of a nested model class that is complete
        # (``__pydantic_complete__`` in its own ``__dict__``) instead of building the
        # schema it is given: that validator has the request rules. Marking the classes
        # incomplete for the duration of the (synchronous) build makes it use ours.
        complete = [m for m in models if m.__dict__.get("__pydantic_complete__") is True]
        try:
            for model in complete:
                model.__pydantic_complete__ = False
            validator = SchemaValidator(schema)
        finally:
            for model in complete:
                model.__pydantic_complete__ = True
        _lenient[cls] = validator
    return validator


def _relaxed(node: Any, models: set[type[BaseModel]]) -> Any:
    """A copy of a core schema (or part of one) without request-only rules; adds the
    model classes it holds to ``models``."""
    if isinstance(node, list):
        items: list[Any] = node  # pyright: ignore[reportUnknownVariableType]
        return [_relaxed(item, models) for item in items]
    if not isinstance(node, dict):
        return node
    mapping = cast("dict[str, Any]", node)
    kind = mapping.get("type")
    if not isinstance(kind, str):  # a fields mapping with a member named "type"
        kind = None
    out: dict[str, Any] = {
        key: value if key in _OPAQUE else _relaxed(value, models)
        for key, value in mapping.items()
        if not (kind in _CONSTRAINED and key in _CONSTRAINTS)
    }
    if kind == "model":
        models.add(mapping["cls"])
    elif kind == "model-fields":
        out["fields"] = {name: _optional(field) for name, field in out["fields"].items()}
    return out


def _optional(field: dict[str, Any]) -> dict[str, Any]:
    # A required member the service leaves out (or sends as null) reads as None and
    # stays out of model_fields_set, like every member of a response-only structure.
    schema = field["schema"]
    if schema.get("type") == "default":
        return field
    nullable = {"type": "nullable", "schema": schema}
    return {**field, "schema": {"type": "default", "schema": nullable, "default": None}}
