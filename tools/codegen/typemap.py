"""Python type expressions for model shapes, with input-side constraints."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ir import Service, Shape

#: The one scalar type map: every Smithy/botocore scalar shape type -> (its annotation in
#: the models, its plain Python type in keyword arguments, TypedDicts and paginator items).
SCALARS: dict[str, tuple[str, str]] = {
    "string": ("str", "str"),
    "character": ("str", "str"),
    "boolean": ("bool", "bool"),
    "byte": ("int", "int"),
    "short": ("int", "int"),
    "integer": ("int", "int"),
    "long": ("int", "int"),
    "bigInteger": ("int", "int"),
    "float": ("float", "float"),
    "double": ("float", "float"),
    "bigDecimal": ("float", "float"),
    "blob": ("_types.Blob", "bytes"),
    "document": ("_types.Document", "Any"),
    "timestamp": ("_types.Timestamp", "datetime"),
}


def plain_type(kind: str) -> str:
    """The plain Python type of a scalar shape type (``blob`` -> ``bytes``)."""
    try:
        return SCALARS[kind][1]
    except KeyError:
        raise ValueError(f"no Python type for shape type {kind!r}") from None


_TIMESTAMPS = {
    None: "_types.Timestamp",
    "unixTimestamp": "_types.Timestamp",
    "iso8601": "_types.TimestampISO",
    "rfc822": "_types.TimestampHTTP",
}


@dataclass
class Refs:
    """Names a rendered block needs: enum literal aliases, structures, typing names."""

    enums: set[str] = field(default_factory=set)
    structures: set[str] = field(default_factory=set)
    # Structures whose TypedDict (typed_dicts.py) an annotation names.
    typed_dicts: set[str] = field(default_factory=set)
    typing: set[str] = field(default_factory=set)
    types_module: bool = False
    pydantic_field: bool = False
    # Structures already defined above the current class (same module); a
    # reference to any other same-module structure is a forward reference.
    defined: set[str] | None = None
    local: set[str] = field(default_factory=set)
    forward: bool = False
    response_base: bool = False

    def update(self, other: Refs) -> None:
        self.enums |= other.enums
        self.structures |= other.structures
        self.typing |= other.typing
        self.types_module |= other.types_module
        self.pydantic_field |= other.pydantic_field


def enum_alias(shape: Shape) -> str:
    """Name of the ``Literal`` alias for an enum shape's known values."""
    return f"{shape.name}Value"


def type_expr(
    svc: Service, name: str, *, constrained: bool, refs: Refs, timestamp_format: str | None = None
) -> str:
    """The annotation for values of shape ``name``.

    ``constrained`` adds the model's ``min`` (length or value) as a Field
    constraint: used for shapes that can appear in requests.
    """
    shape = svc.shapes[name]
    kind = shape.type
    if kind == "structure":
        refs.structures.add(name)
        if refs.defined is not None and name in refs.local and name not in refs.defined:
            refs.forward = True
        return name
    if kind == "list":
        assert shape.member is not None
        base = f"list[{type_expr(svc, shape.member, constrained=constrained, refs=refs)}]"
    elif kind == "map":
        assert shape.key is not None and shape.value is not None
        key = type_expr(svc, shape.key, constrained=constrained, refs=refs)
        value = type_expr(svc, shape.value, constrained=constrained, refs=refs)
        base = f"dict[{key}, {value}]"
    elif kind == "timestamp":
        refs.types_module = True
        return _TIMESTAMPS[timestamp_format or shape.timestamp_format]
    elif kind == "string" and shape.enum:
        refs.enums.add(name)
        # Known values for completion; any other string is kept (forward compatible).
        return f"{enum_alias(shape)} | str"
    else:
        if kind not in SCALARS:
            raise ValueError(f"shape {name!r}: no Python type for shape type {kind!r}")
        base = SCALARS[kind][0]
        refs.types_module |= base.startswith("_types.")
    return _constrain(shape, base, refs) if constrained else base


def _constrain(shape: Shape, base: str, refs: Refs) -> str:
    low = shape.min
    if low is None:
        return base
    if shape.type in ("string", "blob", "list", "map"):
        if low <= 0:
            return base
        constraint = f"min_length={int(low)}"
    elif shape.type in ("byte", "short", "integer", "long", "bigInteger"):
        constraint = f"ge={int(low)}"
    elif shape.type in ("float", "double", "bigDecimal"):
        constraint = f"ge={low!r}"
    else:
        return base
    refs.typing.add("Annotated")
    refs.pydantic_field = True
    return f"Annotated[{base}, Field({constraint})]"
