"""Python names for model names: botocore's snake_case, with clashes resolved."""

from __future__ import annotations

import keyword

from botocore import xform_name
from pydantic import BaseModel

# Soft keywords as of Python 3.11, fixed here so the output does not depend on the
# interpreter that runs the generator (3.12 added ``type``, which stays a valid
# field name: ``ImageActionType.type``).
_SOFT_KEYWORDS = frozenset({"_", "case", "match"})
# Names a field may not take: Python keywords, BaseModel's own attributes, and the
# builtins the generated annotations use (class bodies evaluate annotations in
# order, so a field called ``float`` would shadow the type for later fields).
_RESERVED = (
    set(keyword.kwlist)
    | _SOFT_KEYWORDS
    | {n for n in dir(BaseModel) if not n.startswith("__")}
    | {"str", "int", "float", "bool", "bytes", "list", "dict"}
)
# Names the generated modules import; a class of the same name would shadow them.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "ClassVar",
        "Field",
        "Literal",
        "StrEnum",
        "ServiceError",
        "ServiceModel",
        "ServiceResponse",
        "annotations",
    }
)


def field_name(wire_name: str) -> str:
    """snake_case exactly as ``botocore.xform_name``; a trailing ``_`` on clashes."""
    name: str = xform_name(wire_name)
    if name in _RESERVED or name.startswith("model_"):
        name += "_"
    return name


def operation_name(op_name: str) -> str:
    """The boto3 method name of an operation (``DescribeImages`` -> ``describe_images``)."""
    name: str = xform_name(op_name)
    return name


def typed_dict_name(structure: str) -> str:
    """The TypedDict of a structure's dict form: ``ImageIdentifier`` -> ``ImageIdentifierDict``."""
    return f"{structure}Dict"


def module_name(shape_name: str) -> str:
    """The module of a shared shape (``ImageScanStatus`` -> ``image_scan_status``)."""
    name: str = xform_name(shape_name)
    return name + "_" if keyword.iskeyword(name) else name


def enum_member(value: str) -> str:
    """A Python identifier for an enum value (``sha256:abc`` -> ``SHA256_ABC``)."""
    out = "".join(ch if ch.isalnum() else "_" for ch in value).upper().strip("_") or "EMPTY"
    if out[0].isdigit():
        out = "V_" + out
    while "__" in out:
        out = out.replace("__", "_")
    return out
