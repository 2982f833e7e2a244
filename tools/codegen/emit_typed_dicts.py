"""Emit ``_generated/typed_dicts.py``: a ``TypedDict`` for each structure a request can hold.

Nested request arguments accept the model or a dict; these TypedDicts type the dict
form, so a misspelled key or a wrong value is a static error in pyright and mypy (as
types-aiobotocore-ecr does for boto3). Keys are the snake_case field names, required
members are ``Required``, the others ``NotRequired``; enum members take their known
literals (or the ``StrEnum`` members); optional members also take ``None`` (not set,
as for keyword arguments); nested structures take their own TypedDicts;
lists and maps are ``list`` / ``dict``, what strict request validation accepts.

The client, paginators and waiters import this module only under ``TYPE_CHECKING``,
so it costs nothing at import or per call; ``ecrkit.models`` loads it on first access
of a ``...Dict`` name. No ``from __future__ import annotations``: with string
annotations Python 3.11 cannot see ``Required``/``NotRequired`` and would report the
wrong ``__required_keys__``. A reference to a TypedDict defined further down is quoted.
"""

from __future__ import annotations

from .docs import docstring
from .emit_client import used_imports
from .emit_models import dependency_order
from .ir import Member, Service, Shape
from .naming import typed_dict_name
from .typemap import enum_alias, plain_type


def value_type(svc: Service, name: str, defined: set[str], enums: set[str]) -> str:
    """The annotation of a nested value of shape ``name`` inside a TypedDict."""
    shape = svc.shapes[name]
    kind = shape.type
    if kind == "structure":
        td = typed_dict_name(name)
        return td if name in defined else repr(td)
    if kind == "list":
        assert shape.member is not None
        return f"list[{value_type(svc, shape.member, defined, enums)}]"
    if kind == "map":
        assert shape.key is not None and shape.value is not None
        key = value_type(svc, shape.key, defined, enums)
        return f"dict[{key}, {value_type(svc, shape.value, defined, enums)}]"
    if kind == "string" and shape.enum:
        enums.add(name)
        return f"{enum_alias(shape)} | {shape.name}"
    return plain_type(kind)


def _member(svc: Service, owner: Shape, member: Member, defined: set[str], enums: set[str]) -> str:
    annotation = value_type(svc, member.shape, defined, enums)
    if member.required and not owner.union:
        return f"    {member.py_name}: Required[{annotation}]\n"
    # None is taken as "not set", as for the keyword arguments: a value read from a
    # response (every response member is optional) can be passed back as it is.
    return f"    {member.py_name}: NotRequired[{annotation} | None]\n"


def render_typed_dicts(svc: Service) -> tuple[str, list[str]]:
    """Source of the TypedDict module and the names it defines."""
    inputs = sorted(svc.in_input)
    for name in inputs:
        if typed_dict_name(name) in svc.shapes:
            raise ValueError(f"{typed_dict_name(name)} would clash with a shape of that name")
    defined: set[str] = set()
    enums: set[str] = set()
    blocks = []
    for name in dependency_order(svc, inputs):
        shape = svc.shapes[name]
        td = typed_dict_name(name)
        doc = f"{name} as a dict (snake_case keys)."
        members = [_member(svc, shape, m, defined, enums) for m in shape.members]
        blocks.append(
            f"class {td}(TypedDict):\n"
            + docstring(doc, "    ")
            + ("\n" if members else "")
            + "".join(members)
        )
        defined.add(name)
    names = [typed_dict_name(n) for n in inputs]
    body = "\n\n".join(blocks)
    imports = [
        used_imports(body, "datetime", ["datetime"]),
        used_imports(body, "typing", ["Any"], always=("NotRequired", "Required", "TypedDict")),
        "\n",
    ]
    if enums:
        imports.append(f"from .enums import {', '.join(sorted(enums))}\n")
        aliases = sorted(enum_alias(svc.shapes[n]) for n in enums)
        imports.append(f"from .literals import {', '.join(aliases)}\n")
    all_block = "__all__ = [\n" + "".join(f"    {n!r},\n" for n in sorted(names)) + "]\n"
    return "".join(imports) + "\n" + all_block + "\n\n" + body, names
