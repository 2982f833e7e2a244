"""A small typed intermediate form of the service model, built once per run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .docs import first_paragraph, to_markdown
from .naming import field_name, operation_name
from .spec import ServiceSpec, by_key

Role = Literal["request", "response", "error", "shape"]


@dataclass(frozen=True)
class Member:
    wire_name: str
    py_name: str
    shape: str
    required: bool
    doc: str
    sensitive: bool
    timestamp_format: str | None = None
    doc_md: str = ""  # the full documentation, as Markdown (for the reference)


@dataclass(frozen=True)
class Shape:
    name: str
    type: str
    doc: str
    members: tuple[Member, ...] = ()
    member: str | None = None  # list element shape
    key: str | None = None  # map key shape
    value: str | None = None  # map value shape
    enum: tuple[str, ...] = ()
    min: int | float | None = None
    timestamp_format: str | None = None
    exception: bool = False
    error_code: str | None = None
    union: bool = False
    sensitive: bool = False
    max: int | float | None = None
    pattern: str | None = None
    doc_md: str = ""


@dataclass(frozen=True)
class Operation:
    name: str
    py_name: str
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    doc: str
    deprecated: bool
    doc_md: str = ""


@dataclass
class Service:
    metadata: dict[str, Any]
    shapes: dict[str, Shape]
    operations: dict[str, Operation]
    roles: dict[str, Role] = field(default_factory=dict)
    # Structures reachable from some operation input / output or error.
    in_input: set[str] = field(default_factory=set)
    in_output: set[str] = field(default_factory=set)
    # examples-1.json: operation name -> its examples (input, output, title, ...).
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: The per-service generator input (services/<name>.toml); ECR's for toy models.
    spec: ServiceSpec = field(default_factory=lambda: by_key())

    def structures(self, role: Role) -> list[Shape]:
        """Structures of one role, sorted by name (stable output)."""
        return [self.shapes[n] for n in sorted(self.roles) if self.roles[n] == role]

    def input_side(self, name: str) -> bool:
        """True if the structure can appear in a request (so input rules apply)."""
        return name in self.in_input


def _shape(name: str, raw: dict[str, Any], sensitive_members: frozenset[str]) -> Shape:
    required = set(raw.get("required", ()))
    members = tuple(
        Member(
            wire_name=wire,
            py_name=field_name(wire),
            shape=m["shape"],
            required=wire in required,
            doc=first_paragraph(m.get("documentation")),
            sensitive=wire in sensitive_members,
            timestamp_format=m.get("timestampFormat"),
            doc_md=to_markdown(m.get("documentation")),
        )
        for wire, m in raw.get("members", {}).items()
    )
    error = raw.get("error") or {}
    kind = "document" if raw.get("document") else raw["type"]
    return Shape(
        name=name,
        type=kind,
        doc=first_paragraph(raw.get("documentation")),
        members=members,
        member=(raw.get("member") or {}).get("shape"),
        key=(raw.get("key") or {}).get("shape"),
        value=(raw.get("value") or {}).get("shape"),
        enum=tuple(raw.get("enum", ())),
        min=raw.get("min"),
        timestamp_format=raw.get("timestampFormat"),
        exception=bool(raw.get("exception")),
        error_code=error.get("code") if raw.get("exception") else None,
        union=bool(raw.get("union")),
        sensitive=bool(raw.get("sensitive")),
        max=raw.get("max"),
        pattern=raw.get("pattern"),
        doc_md=to_markdown(raw.get("documentation")),
    )


def build(
    model: dict[str, Any], examples: dict[str, Any] | None = None, spec: ServiceSpec | None = None
) -> Service:
    """Build the IR from a service-2.json document (and its examples-1.json, if any)
    and classify its structures; ``spec`` is the service's generator input (ECR's when
    omitted)."""
    spec = spec or by_key()
    shapes = {
        name: _shape(name, raw, spec.sensitive_members) for name, raw in model["shapes"].items()
    }
    ops = {}
    for name, raw in model["operations"].items():
        ops[name] = Operation(
            name=name,
            py_name=operation_name(name),
            input=(raw.get("input") or {}).get("shape"),
            output=(raw.get("output") or {}).get("shape"),
            errors=tuple(e["shape"] for e in raw.get("errors", ())),
            doc=first_paragraph(raw.get("documentation")),
            deprecated=bool(raw.get("deprecated")),
            doc_md=to_markdown(raw.get("documentation")),
        )
    svc = Service(
        metadata=dict(model["metadata"]),
        shapes=shapes,
        operations=ops,
        examples=dict((examples or {}).get("examples", {})),
        spec=spec,
    )
    _classify(svc)
    return svc


def _reach(svc: Service, name: str, seen: set[str]) -> None:
    if name in seen:
        return
    shape = svc.shapes[name]
    if shape.type == "structure":
        seen.add(name)
    elif shape.type == "document":
        return
    for child in (shape.member, shape.key, shape.value, *(m.shape for m in shape.members)):
        if child is not None:
            _reach(svc, child, seen)


def _classify(svc: Service) -> None:
    tops: dict[str, Role] = {}
    for op in svc.operations.values():
        if op.input:
            tops[op.input] = "request"
            _reach(svc, op.input, svc.in_input)
        if op.output:
            tops[op.output] = "response"
            _reach(svc, op.output, svc.in_output)
        for err in op.errors:
            _reach(svc, err, svc.in_output)
    for name, shape in sorted(svc.shapes.items()):
        if shape.type != "structure":
            continue
        svc.roles[name] = "error" if shape.exception else tops.get(name, "shape")
    # A request/response shape nested inside another shape would need a second home.
    for name, shape in svc.shapes.items():
        for child in (shape.member, shape.value, *(m.shape for m in shape.members)):
            if child in tops and svc.roles.get(name) == "shape":
                raise ValueError(f"{name} nests top-level shape {child}; not supported")
