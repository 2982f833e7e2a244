"""Emit ``errors.py`` of a generated package: one ServiceError subclass per exception shape."""

from __future__ import annotations

from .docs import docstring
from .ir import Service, Shape
from .typemap import Refs, type_expr


def _error_class(svc: Service, shape: Shape, refs: Refs) -> str:
    code = shape.error_code or shape.name
    out = [
        f"class {shape.name}(ServiceError):\n",
        docstring(shape.doc or f"The {code} error.", "    "),
    ]
    out.append(f"\n    error_code: ClassVar[str | None] = {code!r}\n")
    extra = [m for m in shape.members if m.wire_name.lower() != "message"]
    if extra:
        pairs = ", ".join(f"{m.py_name!r}: {m.wire_name!r}" for m in extra)
        out.append(f"    modeled_fields: ClassVar[dict[str, str]] = {{{pairs}}}\n")
        for m in extra:
            annotation = type_expr(svc, m.shape, constrained=False, refs=refs)
            out.append(f"    {m.py_name}: {annotation} | None\n")
            out.append(docstring(m.doc, "    "))
    return "".join(out)


def render_errors_module(svc: Service) -> tuple[str, list[str]]:
    """Source of the errors module and the names it exports."""
    refs = Refs()
    shapes = svc.structures("error")
    blocks = [_error_class(svc, s, refs) for s in shapes]
    names = [s.name for s in shapes]
    registry = "".join(f"    {(s.error_code or s.name)!r}: {s.name},\n" for s in shapes)
    head = ["from __future__ import annotations\n\nfrom typing import ClassVar\n\n"]
    if refs.types_module:
        head.append("from ecrkit import _types\n")
    head.append("from ecrkit._exceptions import ServiceError\n")
    if refs.enums:
        aliases = ", ".join(sorted(f"{n}Value" for n in refs.enums))
        head.append(f"from .literals import {aliases}\n")  # the aliases live there, not in .enums
    all_names = sorted([*names, "ERROR_CLASSES"])
    all_block = "__all__ = [\n" + "".join(f"    {n!r},\n" for n in all_names) + "]"
    tail = (
        "#: Wire error code -> exception class, for the protocol layer.\n"
        f"ERROR_CLASSES: dict[str, type[ServiceError]] = {{\n{registry}}}\n"
    )
    return "".join(head) + "\n\n" + all_block + "\n\n" + "\n\n".join(blocks) + "\n\n" + tail, names
