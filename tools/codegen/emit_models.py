"""Emit the model modules: enums, shared shapes, requests, responses, error shapes."""

from __future__ import annotations

from collections.abc import Iterable

from .docs import docstring
from .ir import Member, Service, Shape
from .naming import enum_member, module_name
from .typemap import Refs, enum_alias, type_expr


def placement(svc: Service) -> dict[str, str]:
    """Structure name -> generated module (dotted, relative to ``_generated``).

    Each operation gets a module with its request, its response and the shapes
    only it uses, so the first call of an operation builds a handful of classes
    instead of the whole API. A shape used by several operations gets a module of
    its own under ``shapes`` (shapes that contain each other share one), so an
    operation also defines only the shared shapes it reaches. The data shapes of
    modeled errors go to ``error_shapes``.
    """
    users: dict[str, set[str]] = {}
    for op in svc.operations.values():
        reached: set[str] = set()
        for top in (op.input, op.output):
            if top:
                _reach_structures(svc, top, reached)
        for name in reached:
            users.setdefault(name, set()).add(op.py_name)
    out: dict[str, str] = {}
    shared: list[str] = []
    for name, role in svc.roles.items():
        owners = users.get(name, set())
        if role == "error":
            out[name] = "error_shapes"
        elif len(owners) == 1:
            out[name] = f"ops.{next(iter(owners))}"
        else:
            shared.append(name)
    out.update(_shared_modules(svc, shared))
    return out


def _shared_modules(svc: Service, names: list[str]) -> dict[str, str]:
    """``shapes.<snake_name>`` per shared shape; a cycle of shapes shares the module
    of its first name (separate modules would import each other)."""
    reach: dict[str, set[str]] = {}
    for name in names:
        seen: set[str] = set()
        for child in _children(svc, name):
            _reach_structures(svc, child, seen)
        reach[name] = seen
    out: dict[str, str] = {}
    for name in sorted(names):
        if name not in out:
            cycle = [
                n for n in sorted(names) if n == name or (n in reach[name] and name in reach[n])
            ]
            for member in cycle:
                out[member] = f"shapes.{module_name(name)}"
    return out


def _reach_structures(svc: Service, name: str, seen: set[str]) -> None:
    if name in seen:
        return
    if svc.shapes[name].type == "structure":
        seen.add(name)
    for child in _children(svc, name):
        _reach_structures(svc, child, seen)


def render_enum(shape: Shape) -> str:
    """A StrEnum of an enum shape's known values."""
    out = [f"class {shape.name}(StrEnum):\n"]
    out.append(docstring(shape.doc or f"Known values of {shape.name}.", "    "))
    seen: set[str] = set()
    for value in shape.enum:
        member = enum_member(value)
        while member in seen:
            member += "_"
        seen.add(member)
        out.append(f"    {member} = {value!r}\n")
    return "".join(out)


def _field(svc: Service, owner: Shape, member: Member, refs: Refs) -> str:
    input_side = svc.input_side(owner.name)
    target = svc.shapes[member.shape]
    annotation = type_expr(
        svc,
        member.shape,
        constrained=input_side,
        refs=refs,
        timestamp_format=member.timestamp_format,
    )
    # validation_alias + serialization_alias, not alias=: type checkers take `alias`
    # as the __init__ keyword (dataclass_transform), and users construct by snake_case
    # name. The core schema is the same as with alias= (wire keys validate, by_alias
    # dumps give wire names).
    args = [
        f"validation_alias={member.wire_name!r}",
        f"serialization_alias={member.wire_name!r}",
    ]
    if member.sensitive or target.sensitive:
        args.append("repr=False")
    if input_side and member.required and not owner.union:
        default = ""
    elif not input_side and target.type in ("list", "map"):
        # Output-only containers default to empty, so callers can iterate directly.
        # _types.empty_list, not list: pyright infers `list[Unknown]` from a bare `list`.
        default = (
            "default_factory=_types.empty_list" if target.type == "list" else "default_factory=dict"
        )
        refs.types_module |= target.type == "list"
    else:
        annotation = f"{annotation} | None"
        default = "default=None"
    call = ", ".join(([default] if default else []) + args)
    refs.pydantic_field = True
    if refs.forward:
        # A class defined further down (or this one): quote the whole annotation.
        annotation = repr(annotation)
        refs.forward = False
    line = f"    {member.py_name}: {annotation} = Field({call})\n"
    return line + docstring(member.doc, "    ")


def render_structure(svc: Service, shape: Shape, refs: Refs) -> str:
    """One pydantic model class for a structure shape."""
    doc = shape.doc or _default_doc(svc, shape)
    base = "ServiceResponse" if svc.roles.get(shape.name) == "response" else "ServiceModel"
    if base == "ServiceResponse":
        refs.response_base = True
    out = [f"class {shape.name}({base}):\n", docstring(doc, "    ")]
    for member in shape.members:
        out.append("\n")
        out.append(_field(svc, shape, member, refs))
    if refs.defined is not None:
        refs.defined.add(shape.name)
    return "".join(out)


def dependency_order(svc: Service, names: list[str]) -> list[str]:
    """``names`` sorted so that a class comes after the classes it uses (where possible)."""
    wanted = set(names)
    done: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for child in _children(svc, name):
            if child in wanted:
                visit(child)
        done.append(name)

    for name in sorted(names):
        visit(name)
    return done


def _children(svc: Service, name: str) -> list[str]:
    """Structures a shape's values contain, through lists and maps."""
    shape = svc.shapes[name]
    out: list[str] = []
    for child in (shape.member, shape.key, shape.value, *(m.shape for m in shape.members)):
        if child is None:
            continue
        if svc.shapes[child].type == "structure":
            out.append(child)
        else:
            out.extend(_children(svc, child))
    return out


def _default_doc(svc: Service, shape: Shape) -> str:
    for op in svc.operations.values():
        if op.input == shape.name:
            return f"Parameters of the {op.name} operation."
        if op.output == shape.name:
            return f"Result of the {op.name} operation."
    return f"The {shape.name} structure."


def import_block(
    svc: Service, refs: Refs, here: str | None, where: dict[str, str], extra: Iterable[str] = ()
) -> str:
    """Imports for a module body that used ``refs``; ``here=None`` means one module."""
    lines = []
    typing_names = sorted(refs.typing)
    if typing_names:
        lines.append(f"from typing import {', '.join(typing_names)}\n\n")
    if refs.pydantic_field:
        lines.append("from pydantic import Field\n\n")
    if refs.types_module:
        lines.append("from ecrkit import _types\n")
    bases = ["ServiceModel", "ServiceResponse"] if refs.response_base else ["ServiceModel"]
    lines.append(f"from ecrkit._model import {', '.join(bases)}\n")
    lines.extend(extra)
    if here is None:
        return "".join(lines)
    dots = "." * (here.count(".") + 1)
    by_module: dict[str, set[str]] = {}
    for name in refs.enums:
        by_module.setdefault("literals", set()).add(enum_alias(svc.shapes[name]))
    for name in refs.structures:
        if where[name] != here:
            by_module.setdefault(where[name], set()).add(name)
    for mod in sorted(by_module):
        names = ", ".join(sorted(by_module[mod]))
        lines.append(f"from {dots}{mod} import {names}\n")
    return "".join(lines)


def render_model_modules(svc: Service) -> dict[str, tuple[str, list[str]]]:
    """Module (dotted) -> (source, exported names) for every structures module."""
    where = placement(svc)
    modules: dict[str, list[str]] = {}
    for name in sorted(where):
        modules.setdefault(where[name], []).append(name)
    out = {}
    for module, names in sorted(modules.items()):
        refs = Refs(defined=set(), local=set(names))
        blocks = [render_structure(svc, svc.shapes[n], refs) for n in dependency_order(svc, names)]
        head = import_block(svc, refs, module, where)
        out[module] = (head + "\n\n" + _all(names) + "\n\n" + "\n\n".join(blocks), names)
    return out


def render_literals_module(svc: Service) -> tuple[str, list[str]]:
    """The ``Literal`` aliases of the enum shapes (cheap; used in annotations)."""
    enums = [s for _, s in sorted(svc.shapes.items()) if s.type == "string" and s.enum]
    lines = [f"{enum_alias(s)} = Literal[{', '.join(repr(v) for v in s.enum)}]\n" for s in enums]
    names = [enum_alias(s) for s in enums]
    return "from typing import Literal\n\n" + _all(names) + "\n\n" + "".join(lines), names


def render_enums_module(svc: Service) -> tuple[str, list[str]]:
    enums = [s for _, s in sorted(svc.shapes.items()) if s.type == "string" and s.enum]
    names = [s.name for s in enums]
    head = "from enum import StrEnum\n\n"
    body = "\n\n".join(render_enum(s) for s in enums)
    return head + _all(names) + "\n\n" + body, names


def render_single_module(svc: Service) -> str:
    """Every enum and structure in one module (used to test the generator on small models)."""
    refs = Refs(defined=set(), local=set(svc.roles))
    blocks = [
        render_structure(svc, svc.shapes[n], refs) for n in dependency_order(svc, list(svc.roles))
    ]
    enums = [s for _, s in sorted(svc.shapes.items()) if s.type == "string" and s.enum]
    head = import_block(svc, refs, None, {}, extra=["from typing import Literal\n"])
    literals = "".join(
        f"{enum_alias(s)} = Literal[{', '.join(repr(v) for v in s.enum)}]\n" for s in enums
    )
    parts = [head, literals, *blocks]
    return "\n\n".join(parts)


def _all(names: list[str]) -> str:
    inner = "".join(f"    {n!r},\n" for n in sorted(names))
    return f"__all__ = [\n{inner}]"
