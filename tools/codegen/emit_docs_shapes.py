"""Emit the model, enum and error pages of the docs reference from the IR."""

from __future__ import annotations

from .emit_docs import field_table, link_targets, summary
from .emit_models import placement
from .ir import Role, Service, Shape
from .naming import enum_member
from .typemap import enum_alias

#: The hand-written roots of the exception tree (``ecrkit/_exceptions.py``), in order.
RUNTIME_TREE = """\
EcrkitError
├── ParamValidationError (also ValueError)    bad request input; nothing was sent
├── CredentialsError                          no credentials, or a refresh failed
├── EndpointResolutionError (also ValueError) no endpoint for this region/flags
├── TransportError                            the request did not get an HTTP answer
│   ├── EndpointConnectionError               connect/reset/DNS failures
│   ├── ResponseTooLargeError                 a 2xx body over max_response_bytes
│   └── TransportTimeoutError (also builtins.TimeoutError)
├── ResponseParseError                        a 2xx body that does not fit the model
├── ServiceError                              the service answered with an error
{modeled}
├── PaginationError                           the service broke the paging contract
├── ClientClosedError (also RuntimeError)     the client was closed
├── EventLoopError (also RuntimeError)        a client used from a second loop or process
└── WaiterError                               a waiter stopped without success
    ├── WaiterFailureError                    a failure acceptor matched
    ├── WaiterTimeoutError (also builtins.TimeoutError)
    └── WaiterUnexpectedError                 a service error no acceptor expected"""


def _used_by(svc: Service) -> dict[str, set[str]]:
    """Structure or enum -> operations whose request or response reaches it."""
    out: dict[str, set[str]] = {}
    for op in svc.operations.values():
        seen: set[str] = set()
        for top in (op.input, op.output):
            if top:
                _walk(svc, top, seen)
        for name in seen:
            out.setdefault(name, set()).add(op.py_name)
    return out


def _walk(svc: Service, name: str, seen: set[str]) -> None:
    if name in seen:
        return
    shape = svc.shapes[name]
    if shape.type == "structure" or shape.enum:
        seen.add(name)
    for child in (shape.member, shape.key, shape.value, *(m.shape for m in shape.members)):
        if child is not None:
            _walk(svc, child, seen)


def _ops_line(ops: set[str]) -> str:
    return ", ".join(f"[`{o}`](../operations/{o}.md)" for o in sorted(ops)) or "none"


def render_structure_page(svc: Service, shape: Shape, used: set[str]) -> str:
    role = svc.roles.get(shape.name)
    side = (
        "request (input rules: required members, `min` checked before sending)"
        if svc.input_side(shape.name)
        else "response only (every field optional, lists and maps default to empty)"
    )
    out = [
        f"# {shape.name}",
        "",
        f"`from {svc.spec.facade}.models import {shape.name}` · a pydantic model · {side}.",
        "",
    ]
    if shape.doc_md:
        out += [shape.doc_md, ""]
    if role == "request":
        out += [
            "The client's method takes these fields as keyword arguments; you rarely "
            "build this model yourself.",
            "",
        ]
    out += ["## Fields", ""]
    if shape.members:
        out += field_table(svc, shape, link_targets(svc), "../")
    else:
        out += ["None.", ""]
    if shape.union:
        out += ["Exactly one field may be set (a union in the model).", ""]
    out += ["## Used by", "", _ops_line(used), ""]
    return "\n".join(out)


def render_enum_page(svc: Service, shape: Shape, used: set[str]) -> str:
    out = [
        f"# {shape.name}",
        "",
        f"`from {svc.spec.facade}.enums import {shape.name}` (a `StrEnum`); annotations use the "
        f"`Literal` alias `{enum_alias(shape)}` from `{svc.spec.facade}.models`. Fields typed with it "
        "accept these values and any other string the service adds later.",
        "",
    ]
    if shape.doc_md:
        out += [shape.doc_md, ""]
    out += ["| Member | Value |", "| --- | --- |"]
    seen: set[str] = set()
    for value in shape.enum:
        member = enum_member(value)
        while member in seen:
            member += "_"
        seen.add(member)
        out.append(f"| `{shape.name}.{member}` | `{value!r}` |")
    out += ["", "## Used by", "", _ops_line(used), ""]
    return "\n".join(out)


def render_models_index(svc: Service) -> str:
    where = placement(svc)
    out = [
        "# Models",
        "",
        f"Every structure and enum of the {svc.spec.title} model, one page each.",
        "",
    ]
    sections: tuple[tuple[str, Role], ...] = (
        ("Shared structures", "shape"),
        ("Responses", "response"),
        ("Requests", "request"),
    )
    for title, role in sections:
        out += [f"## {title}", "", "| Model | Summary |", "| --- | --- |"]
        out += [
            f"| [`{s.name}`]({s.name}.md) | {summary(s)} |"
            for s in svc.structures(role)
            if s.name in where
        ]
        out.append("")
    out += ["## Enums", "", "| Enum | Values |", "| --- | --- |"]
    for _, s in sorted(svc.shapes.items()):
        if s.type == "string" and s.enum:
            out.append(f"| [`{s.name}`]({s.name}.md) | {', '.join(f'`{v}`' for v in s.enum)} |")
    out.append("")
    return "\n".join(out)


def render_errors_page(svc: Service) -> str:
    errors = svc.structures("error")
    raised_by: dict[str, set[str]] = {}
    for op in svc.operations.values():
        for err in op.errors:
            raised_by.setdefault(err, set()).add(op.py_name)
    modeled = "\n".join(
        f"│   {'└' if i == len(errors) - 1 else '├'}── {s.name}" for i, s in enumerate(errors)
    )
    out = [
        "# Errors",
        "",
        f"Every error is importable from `{svc.spec.facade}.errors`. The runtime's roots are "
        "hand-written (see [the API page](../api/errors.md)); below `ServiceError`, one "
        f"class per modeled {svc.spec.title} error ({len(errors)}), generated. A service error whose "
        "code the model does not list arrives as a plain `ServiceError`.",
        "",
        "```text",
        RUNTIME_TREE.format(modeled=modeled),
        "```",
        "",
        "Every `ServiceError` has `code`, `message`, `status_code`, `request_id` and "
        "`attempts`. `asyncio.CancelledError` is never wrapped.",
        "",
    ]
    for shape in errors:
        code = shape.error_code or shape.name
        out += [
            f"## {shape.name}",
            "",
            f"`from {svc.spec.facade}.errors import {shape.name}` · code `{code}`",
            "",
        ]
        if shape.doc_md:
            out += [shape.doc_md, ""]
        extra = [m for m in shape.members if m.wire_name.lower() != "message"]
        if extra:
            out += ["Extra attributes: " + ", ".join(f"`{m.py_name}`" for m in extra), ""]
        ops = raised_by.get(shape.name, set())
        links = ", ".join(f"[`{o}`](operations/{o}.md)" for o in sorted(ops)) or "none"
        out += [f"Raised by: {links}", ""]
    return "\n".join(out)


def render_shape_pages(svc: Service) -> dict[str, str]:
    """``models/<Name>.md`` per structure and enum, ``models/index.md``, ``errors.md``."""
    used = _used_by(svc)
    out = {"models/index.md": render_models_index(svc), "errors.md": render_errors_page(svc)}
    for name, shape in sorted(svc.shapes.items()):
        if shape.type == "structure" and not shape.exception:
            out[f"models/{name}.md"] = render_structure_page(svc, shape, used.get(name, set()))
        elif shape.type == "string" and shape.enum:
            out[f"models/{name}.md"] = render_enum_page(svc, shape, used.get(name, set()))
    return out
