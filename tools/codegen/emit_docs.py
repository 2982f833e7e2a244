"""Emit the operation pages of the docs reference (``docs/reference/``) from the IR.

One page per operation: the call signature, a parameter table (snake_case name, type
linked to its model, required or not, the model's constraints, documentation), the
response fields, the errors, pagination, waiters and the model's examples. The
model, enum and error pages are in :mod:`.emit_docs_shapes`; the helpers here render
types and tables for both.
"""

from __future__ import annotations

import pprint
import re
from typing import Any

from .emit_client import param_type
from .emit_paginators import attr_path
from .ir import Member, Operation, Service, Shape
from .naming import operation_name
from .typemap import Refs, enum_alias, type_expr

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*|[^A-Za-z_]+")
_RUNTIME_TYPES = {
    "_types.Timestamp": "datetime",
    "_types.TimestampISO": "datetime",
    "_types.TimestampHTTP": "datetime",
    "_types.Blob": "bytes",
    "_types.Document": "Any",
}


def link_targets(svc: Service) -> dict[str, str]:
    """Type name -> the model page it links to: structures, their ``<Name>Dict``
    TypedDicts (same page) and enum ``Literal`` aliases (the enum's page)."""
    out: dict[str, str] = {}
    for name, shape in svc.shapes.items():
        if shape.type == "structure" and not shape.exception:
            out[name] = f"models/{name}.md"
            out[f"{name}Dict"] = f"models/{name}.md"
        elif shape.type == "string" and shape.enum:
            out[enum_alias(shape)] = f"models/{name}.md"
            out[name] = f"models/{name}.md"
    return out


def plain_type(expr: str) -> str:
    """A generated annotation with the runtime's aliases spelled as users see them."""
    for alias, shown in _RUNTIME_TYPES.items():
        expr = re.sub(rf"\b{re.escape(alias)}\b", shown, expr)
    return expr


def linked(expr: str, targets: dict[str, str], up: str) -> str:
    """``expr`` as Markdown for a table cell: code spans, known type names linked
    (``up``: the path from the page to ``docs/reference/``), ``|`` escaped."""
    parts: list[str] = []
    code: list[str] = []

    def flush() -> None:
        text = "".join(code)
        code.clear()
        for i, piece in enumerate(text.split("|")):
            if i:
                parts.append(" \\| ")
            if piece.strip():
                parts.append(f"`{piece.strip()}`")

    for token in _TOKEN.findall(plain_type(expr)):
        if token in targets:
            flush()
            parts.append(f"[`{token}`]({up}{targets[token]})")
        else:
            code.append(token)
    flush()
    return "".join(parts)


def constraints(svc: Service, shape_name: str) -> str:
    """The model's constraints of a value shape, as a table cell."""
    shape = svc.shapes[shape_name]
    out = []
    sized = shape.type in ("string", "blob", "list", "map")
    what = "length" if sized else "value"
    if shape.min is not None and shape.max is not None:
        out.append(f"{what} {_num(shape.min)}..{_num(shape.max)}")
    elif shape.min is not None:
        out.append(f"{what} ≥ {_num(shape.min)}")
    elif shape.max is not None:
        out.append(f"{what} ≤ {_num(shape.max)}")
    if shape.pattern:
        out.append(f"pattern `` {shape.pattern} ``")
    if shape.enum:
        out.append("one of " + ", ".join(f"`{v}`" for v in shape.enum))
    if shape.type == "list" and shape.member:
        inner = constraints(svc, shape.member)
        if inner:
            out.append(f"each item: {inner}")
    return "; ".join(out)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def summary(member_or_shape: Member | Shape | Operation) -> str:
    """The first block of a doc, on one line, safe in a table cell."""
    # Text pipes are escaped already (docs.to_markdown); code spans keep theirs.
    return member_or_shape.doc_md.split("\n\n")[0].replace("\n", " ")


def has_more(member_or_shape: Member | Shape | Operation) -> bool:
    return "\n\n" in member_or_shape.doc_md


def response_type(svc: Service, member: Member) -> str:
    """The annotation a response (or any output-only) field has, as users read it."""
    expr = type_expr(
        svc, member.shape, constrained=False, refs=Refs(), timestamp_format=member.timestamp_format
    )
    if svc.shapes[member.shape].type not in ("list", "map"):
        expr += " | None"
    return plain_type(expr)


def field_table(svc: Service, shape: Shape, targets: dict[str, str], up: str) -> list[str]:
    """A table of a structure's fields and the full text of each field whose
    documentation has more than one paragraph. Input-side structures get the
    required and constraints columns; output-only ones have neither."""
    input_side = svc.input_side(shape.name)
    if input_side:
        rows = ["| Field | Type | Required | Constraints | Description |"]
        rows.append("| --- | --- | --- | --- | --- |")
    else:
        rows = ["| Field | Type | Description |", "| --- | --- | --- |"]
    details: list[str] = []
    for m in shape.members:
        if input_side:
            expr = plain_type(type_expr(svc, m.shape, constrained=False, refs=Refs()))
            rows.append(
                f"| `{m.py_name}` | {linked(expr, targets, up)} | "
                f"{'yes' if m.required else 'no'} | {constraints(svc, m.shape)} | {summary(m)} |"
            )
        else:
            rows.append(
                f"| `{m.py_name}` | {linked(response_type(svc, m), targets, up)} | {summary(m)} |"
            )
        if has_more(m):
            details += [f"### `{m.py_name}`", "", m.doc_md, ""]
    return [*rows, "", *details]


def _signature(svc: Service, op: Operation, request: Shape) -> str:
    """The call as a user writes it: keyword arguments (required first), each with
    its annotation (the method's own) as a comment."""
    members = sorted(request.members, key=lambda m: not m.required)
    head = f"resp: {op.output} = await {svc.spec.client_variable}.{op.py_name}("
    if not members:
        return head + ")"
    args = [
        (
            f"{m.py_name}=...," if m.required else f"{m.py_name}=None,",
            param_type(svc, m.shape, Refs()),
        )
        for m in members
    ]
    width = max(len(a) for a, _ in args) + 2
    lines = [head]
    for (arg, annotation), m in zip(args, members, strict=True):
        note = f"{annotation}, required" if m.required else f"{annotation} | None"
        lines.append(f"    {arg.ljust(width)}# {note}")
    return "\n".join([*lines, ")"])


def to_python(svc: Service, shape_name: str, value: Any) -> Any:
    """A wire-shaped example value with snake_case member names (as ecrkit takes and
    dumps it): structures by the IR's member names, lists and maps item by item."""
    shape = svc.shapes[shape_name]
    if shape.type == "structure" and isinstance(value, dict):
        by_wire = {m.wire_name: m for m in shape.members}
        return {
            by_wire[k].py_name: to_python(svc, by_wire[k].shape, v)
            for k, v in value.items()
            if k in by_wire
        }
    if shape.type == "list" and shape.member and isinstance(value, list):
        return [to_python(svc, shape.member, v) for v in value]
    if shape.type == "map" and shape.value and isinstance(value, dict):
        return {k: to_python(svc, shape.value, v) for k, v in value.items()}
    return value


def example_call(svc: Service, op: Operation, example: dict[str, Any]) -> tuple[str, str]:
    """An example as ecrkit code, and its output as ``resp.model_dump(exclude_unset=True)``."""
    assert op.input and op.output
    params = to_python(svc, op.input, example.get("input") or {})
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    call = f"resp = await {svc.spec.client_variable}.{op.py_name}({args})"
    if len(call) > 88:
        inner = "".join(f"    {k}={v!r},\n" for k, v in params.items())
        call = f"resp = await {svc.spec.client_variable}.{op.py_name}(\n{inner})"
    output = to_python(svc, op.output, example.get("output") or {})
    return call, pprint.pformat(output, width=84, sort_dicts=False)


def render_operation(
    svc: Service, op: Operation, pager: dict[str, Any] | None, waiter_names: list[str]
) -> str:
    """The Markdown page of one operation."""
    assert op.input and op.output
    targets = link_targets(svc)
    request, response = svc.shapes[op.input], svc.shapes[op.output]
    out = [f"# {op.py_name}", ""]
    if op.deprecated:
        out += ['!!! warning "Deprecated"', "    The model marks this operation deprecated.", ""]
    out += [
        f"`{op.name}` in the {svc.spec.title} API ([AWS API reference]({svc.spec.api_reference.format(op.name)})). "
        f"Returns [`{op.output}`](../models/{op.output}.md).",
        "",
        op.doc_md,
        "",
        "## Call",
        "",
        # Tagged: `...` placeholders are not values a type checker accepts.
        "```python signature",
        _signature(svc, op, request),
        "```",
        "",
        "## Parameters",
        "",
    ]
    if request.members:
        out += [
            "Constraints are the model's: `min` is checked before anything is sent "
            "(`ParamValidationError`); `max`, `pattern` and enum values are left to the service.",
            "",
        ]
        rows = ["| Parameter | Type | Required | Constraints | Description |"]
        rows.append("| --- | --- | --- | --- | --- |")
        details = []
        for m in sorted(request.members, key=lambda m: not m.required):
            rows.append(
                f"| `{m.py_name}` | {linked(param_type(svc, m.shape, Refs()), targets, '../')} | "
                f"{'yes' if m.required else 'no'} | {constraints(svc, m.shape)} | {summary(m)} |"
            )
            if has_more(m):
                details += [f"### `{m.py_name}`", "", m.doc_md, ""]
        out += [*rows, "", *details]
    else:
        out += ["None.", ""]
    out += [f"## Response: `{op.output}`", ""]
    if response.members:
        out += field_table(svc, response, targets, "../")
    else:
        out += ["No data fields.", ""]
    out += [
        "Every response also has `response_metadata` ([`ResponseMetadata`](../../api/client.md): "
        "`request_id`, `http_status_code`, `retry_attempts`, `http_headers`).",
        "",
    ]
    out += ["## Errors", ""]
    if op.errors:
        out += ["Modeled errors this operation can raise (each is a `ServiceError`):", ""]
        out += [
            f"- [`{e}`](../errors.md#{e.lower()}): {summary(svc.shapes[e])}"
            for e in sorted(op.errors)
        ]
    else:
        out.append("The model lists no errors for this operation.")
    out += [
        "",
        "Any call can also raise the runtime's errors: `ParamValidationError`, "
        "`CredentialsError`, `TransportError`, ... (see [Errors](../errors.md)).",
        "",
        "## Pagination",
        "",
    ]
    out += _pagination(svc, op, pager)
    out += ["## Waiters", ""]
    if waiter_names:
        out += [
            f'- `{svc.spec.client_variable}.get_waiter("{operation_name(w)}")` ({w}Waiter) calls this operation.'
            for w in waiter_names
        ]
    else:
        out.append("No waiter uses this operation.")
    out.append("")
    out += _examples(svc, op)
    return "\n".join(out)


def _pagination(svc: Service, op: Operation, pager: dict[str, Any] | None) -> list[str]:
    if pager is None:
        return ["This operation does not paginate.", ""]
    assert op.output
    keys = pager["result_key"] if isinstance(pager["result_key"], list) else [pager["result_key"]]
    lines = [
        f'`{svc.spec.client_variable}.get_paginator("{op.py_name}")` returns `{op.name}Paginator`:',
        "",
    ]
    for key in keys:
        names, list_shape = attr_path(svc, op.output, key)
        member = svc.shapes[list_shape].member
        assert member is not None
        item = enum_alias(svc.shapes[member]) if svc.shapes[member].enum else member
        method = "items()" if len(keys) == 1 else f"{names[-1]}()"
        item_md = (
            f"[`{item}`](../models/{member}.md)" if member in link_targets(svc) else f"`{item}`"
        )
        lines.append(f"- `.{method}` yields {item_md} (from `{'.'.join(names)}` of each page)")
    lines += [
        "",
        f"Iterating the paginator yields `{op.output}` pages. See "
        "[Paginators and waiters](../../paginators-and-waiters.md).",
        "",
    ]
    return lines


def _examples(svc: Service, op: Operation) -> list[str]:
    examples = svc.examples.get(op.name, [])
    if not examples:
        return []
    out = ["## Examples", ""]
    for example in examples:
        call, output = example_call(svc, op, example)
        out += [f"### {example.get('title') or example.get('id', 'Example')}", ""]
        if example.get("description"):
            out += [example["description"], ""]
        out += ["```python", call, "```", "", "`resp.model_dump(exclude_unset=True)`:", ""]
        out += ["```python output", output, "```", ""]
    return out


def render_index(
    svc: Service, paginators: dict[str, Any], waiters: dict[str, dict[str, Any]]
) -> str:
    """The reference's home: every operation with its summary, paginators, waiters."""
    out = [
        "# API reference",
        "",
        f"Generated from the {svc.spec.title} model ({len(svc.operations)} operations). Each page gives "
        "the call, every parameter with its type and constraints, the response, the errors, "
        "pagination, waiters and the model's examples. Also: [Models](models/index.md), "
        "[Errors](errors.md).",
        "",
        "| Operation | Summary |",
        "| --- | --- |",
    ]
    for op in sorted(svc.operations.values(), key=lambda o: o.py_name):
        out.append(f"| [`{op.py_name}`](operations/{op.py_name}.md) | {summary(op)} |")
    out += ["", "## Paginators", ""]
    out += [
        f'- `get_paginator("{svc.operations[n].py_name}")`: '
        f"[`{n}Paginator`](operations/{svc.operations[n].py_name}.md#pagination)"
        for n in sorted(paginators)
    ]
    out += ["", "## Waiters", ""]
    for name in sorted(waiters):
        op = svc.operations[waiters[name]["operation"]]
        out.append(
            f'- `get_waiter("{operation_name(name)}")`: `{name}Waiter`, calls '
            f"[`{op.py_name}`](operations/{op.py_name}.md) every {waiters[name]['delay']} s, "
            f"at most {waiters[name]['maxAttempts']} times"
        )
    out.append("")
    return "\n".join(out)


def render_operation_pages(
    svc: Service, paginators: dict[str, Any], waiters: dict[str, dict[str, Any]]
) -> dict[str, str]:
    """``operations/<method>.md`` for every operation, and ``index.md``."""
    users: dict[str, list[str]] = {}
    for name, conf in waiters.items():
        users.setdefault(conf["operation"], []).append(name)
    out = {"index.md": render_index(svc, paginators, waiters)}
    for op in svc.operations.values():
        out[f"operations/{op.py_name}.md"] = render_operation(
            svc, op, paginators.get(op.name), sorted(users.get(op.name, []))
        )
    return out
