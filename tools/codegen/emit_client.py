"""Emit ``client.py`` of a generated package: the client class with one async method per operation."""

from __future__ import annotations

import re

from .docs import docstring, sectioned_docstring
from .emit_models import placement
from .ir import Operation, Service
from .naming import operation_name, typed_dict_name
from .typemap import Refs, enum_alias, plain_type


def param_type(svc: Service, name: str, refs: Refs) -> str:
    """The annotation of a method parameter: the model or its TypedDict for structures.

    Top-level lists and maps are ``Sequence`` / ``Mapping``: the client turns any
    sequence or mapping into a list or dict before validation.
    """
    shape = svc.shapes[name]
    kind = shape.type
    if kind == "structure":
        refs.structures.add(name)
        refs.typed_dicts.add(name)
        return f"{name} | {typed_dict_name(name)}"
    if kind == "list":
        assert shape.member is not None
        return f"Sequence[{param_type(svc, shape.member, refs)}]"
    if kind == "map":
        assert shape.key is not None and shape.value is not None
        return f"Mapping[{param_type(svc, shape.key, refs)}, {param_type(svc, shape.value, refs)}]"
    if kind == "string" and shape.enum:
        refs.enums.add(name)
        return f"{enum_alias(shape)} | str"
    return plain_type(kind)


def keyword_params(
    svc: Service, shape_name: str, refs: Refs, skip: str | None = None
) -> tuple[list[str], list[str]]:
    """Keyword-only parameters for a request shape (required first) and the
    ``'name': name`` entries that pass them on as a dict."""
    params, values = ["self", "*"], []
    for m in sorted(svc.shapes[shape_name].members, key=lambda m: not m.required):
        if m.wire_name == skip:
            continue
        annotation = param_type(svc, m.shape, refs)
        params.append(
            f"{m.py_name}: {annotation}"
            if m.required
            else f"{m.py_name}: {annotation} | None = None"
        )
        values.append(f"{m.py_name!r}: {m.py_name}")
    return params, values


def used_imports(body: str, module: str, names: list[str], always: tuple[str, ...] = ()) -> str:
    """``from module import ...`` of ``always`` and those ``names`` that ``body`` uses
    (pyright strict rejects unused imports; ruff's F401 fix is off for generated files)."""
    wanted = [*always, *(n for n in names if re.search(rf"\b{n}\b", body))]
    return f"from {module} import {', '.join(wanted)}\n" if wanted else ""


def type_only_imports(svc: Service, refs: Refs, where: dict[str, str]) -> str:
    """The body of an ``if TYPE_CHECKING:`` block importing what ``refs`` used."""
    by_module: dict[str, set[str]] = {}
    for name in refs.structures:
        by_module.setdefault(where[name], set()).add(name)
    if refs.enums:
        by_module["literals"] = {enum_alias(svc.shapes[n]) for n in refs.enums}
    if refs.typed_dicts:
        by_module["typed_dicts"] = {typed_dict_name(n) for n in refs.typed_dicts}
    return "".join(
        f"    from .{mod} import {', '.join(sorted(names))}\n"
        for mod, names in sorted(by_module.items())
    )


def _method(svc: Service, op: Operation, refs: Refs) -> str:
    assert op.input and op.output
    refs.structures.add(op.output)
    params, values = keyword_params(svc, op.input, refs)
    signature = ", ".join(params) if len(params) > 2 else "self"
    doc = op.doc or f"Call {op.name}."
    if op.deprecated:
        doc = "Deprecated. " + doc
    members = sorted(svc.shapes[op.input].members, key=lambda m: not m.required)
    args = [(m.py_name, ("Required. " if m.required else "") + m.doc) for m in members]
    raises = [(err, svc.shapes[err].doc) for err in op.errors]
    sections = [("Args", args), ("Returns", [(op.output, "")]), ("Raises", raises)]
    out = [
        f"    async def {op.py_name}({signature}) -> {op.output}:\n",
        sectioned_docstring(doc, sections, "        "),
    ]
    out.append(f"        return await self._call(_OPS[{op.py_name!r}], {{{', '.join(values)}}})\n")
    return "".join(out)


def _overloads(
    kind: str, arg: str, base: str, module: str, table: str, entries: list[tuple[str, str]]
) -> str:
    out = []
    for key, cls in entries:
        out.append(
            f"    @overload\n    def get_{kind}(self, {arg}: Literal[{key!r}]) -> {cls}: ...\n"
        )
    out.append(
        f"    def get_{kind}(self, {arg}: str) -> {base}:\n"
        + docstring(f"A typed {kind} by snake_case name; ValueError for unknown names.", "        ")
        + f"        from .{module} import {table}  # loaded on first use, not at import\n\n"
        + f"        return self._new_{kind}({table}, {arg})\n"
    )
    return "\n".join(out)


def render_client(
    svc: Service, paginators: dict[str, object], waiters: dict[str, dict[str, object]]
) -> str:
    """Source of the client module (imports of models only for type checking)."""
    where = placement(svc)
    refs = Refs()
    ops = sorted(svc.operations.values(), key=lambda o: o.py_name)
    methods = [_method(svc, op, refs) for op in ops]
    md = svc.metadata
    table = "".join(
        f"    {op.py_name!r}: Operation({op.name!r}, {md['targetPrefix'] + '.' + op.name!r}, "
        f"{svc.spec.package + '.' + where[op.input]!r}, {op.input!r}, {op.output!r}),\n"
        for op in ops
        if op.input and op.output
    )
    type_imports = type_only_imports(svc, refs, where)
    pager_names = sorted(svc.operations[name].py_name for name in paginators)
    pager_entries = [(svc.operations[n].py_name, f"{n}Paginator") for n in sorted(paginators)]
    waiter_entries = [(operation_name(n), f"{n}Waiter") for n in sorted(waiters)]
    extra_imports = "".join(
        f"    from .paginators import {c}\n" for _, c in pager_entries
    ) + "".join(f"    from .waiters import {c}\n" for _, c in waiter_entries)
    class_name = svc.spec.client_class
    body = "".join(methods)
    return (
        "from __future__ import annotations\n\n"
        + used_imports(body, "collections.abc", ["Mapping", "Sequence"])
        + used_imports(body, "datetime", ["datetime"])
        + "from typing import TYPE_CHECKING, Any, Literal, overload\n\n"
        "from ecrkit._client_base import BaseClient, Operation, ServiceInfo\n\n"
        "from . import endpoint_rules\n"
        "from .errors import ERROR_CLASSES\n\n"
        "if TYPE_CHECKING:\n"
        "    from ecrkit._pagination import Paginator\n"
        "    from ecrkit._waiters import Waiter\n\n"
        f"{type_imports}{extra_imports}\n"
        f"__all__ = [{class_name!r}]\n\n"
        "#: Method name -> operation (wire name, target, model classes loaded on first use).\n"
        "_OPS: dict[str, Operation[Any, Any]] = {\n" + table + "}\n\n\n"
        f"class {class_name}(BaseClient):\n"
        + docstring(
            f"Asynchronous client for {md.get('serviceFullName', md['serviceId'])} "
            f"(API {md['apiVersion']}). Use `async with {class_name}(region=...) as client:`.",
            "    ",
        )
        + "\n"
        f"    _service = ServiceInfo(\n"
        f"        signing_name={md.get('signingName', md['endpointPrefix'])!r},\n"
        "        ruleset=endpoint_rules.ruleset,\n"
        "        partitions=endpoint_rules.partitions,\n"
        "        error_classes=ERROR_CLASSES,\n"
        f"        paginators=frozenset({pager_names!r}),\n"
        f"        service_id={md['serviceId']!r},\n"
        "    )\n"
        "    _operations = _OPS\n\n"
        + "\n".join(methods)
        + "\n"
        + _overloads(
            "paginator", "operation_name", "Paginator", "paginators", "PAGINATORS", pager_entries
        )
        + "\n"
        + _overloads("waiter", "waiter_name", "Waiter[Any]", "waiters", "WAITERS", waiter_entries)
    )
