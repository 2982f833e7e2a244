"""What changed between two releases of a service model, in the names users see.

``diff_models(old, new)`` compares two sets of model documents (service-2.json,
paginators-1.json, waiters-2.json) and returns a :class:`ModelDiff`; ``render``
turns it into the Markdown that ``nox -s update-model`` writes into CHANGELOG.md.
Names are ecrkit's: snake_case methods (``describe_images``), model classes and
snake_case fields (``ReplicationRule.delete_replication``).

A change is *breaking* when code written against the old model can stop working:
an operation, structure, member, enum value, paginator or waiter removed, a member
that became required, or a member whose type changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .naming import field_name, operation_name

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class Models:
    """The three documents of one model release."""

    service: Doc
    paginators: Doc
    waiters: Doc


@dataclass
class Section:
    """Added / removed / changed entries of one kind (each a rendered line)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class ModelDiff:
    """Every difference between two model releases, by kind, plus the breaking ones."""

    old_version: str
    new_version: str
    sections: dict[str, Section] = field(default_factory=dict)
    breaking: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())


KINDS = (
    "Operations",
    "Structures",
    "Members",
    "Enum values",
    "Exceptions",
    "Paginators",
    "Waiters",
)


def _shape_kind(shape: Doc) -> str:
    return "exception" if shape.get("exception") else str(shape["type"])


def _type_of(shapes: Doc, name: str) -> str:
    """A short, comparable description of a member's type (``list[Tag]``, ``str``)."""
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure":
        return name
    if kind == "list":
        return f"list[{_type_of(shapes, shape['member']['shape'])}]"
    if kind == "map":
        key = _type_of(shapes, shape["key"]["shape"])
        return f"dict[{key}, {_type_of(shapes, shape['value']['shape'])}]"
    if kind == "string" and shape.get("enum"):
        return f"{name} (enum)"
    return str(kind)


def _structures(svc: Doc) -> dict[str, Doc]:
    return {
        n: s
        for n, s in svc["shapes"].items()
        if s["type"] == "structure" and not s.get("exception")
    }


def _exceptions(svc: Doc) -> dict[str, Doc]:
    return {n: s for n, s in svc["shapes"].items() if s.get("exception")}


def _enums(svc: Doc) -> dict[str, list[str]]:
    return {n: list(s["enum"]) for n, s in svc["shapes"].items() if s.get("enum")}


def _split(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """(added, removed, kept) names, each sorted."""
    a, b = set(old), set(new)
    return sorted(b - a), sorted(a - b), sorted(a & b)


def _operations(old: Doc, new: Doc, diff: ModelDiff) -> Section:
    sec = Section()
    added, removed, kept = _split(old["operations"], new["operations"])
    sec.added += [f"`{operation_name(n)}` ({n})" for n in added]
    sec.removed += [f"`{operation_name(n)}` ({n})" for n in removed]
    diff.breaking += [f"operation `{operation_name(n)}` removed" for n in removed]
    for name in kept:
        o, n = old["operations"][name], new["operations"][name]
        o_err = {e["shape"] for e in o.get("errors", ())}
        n_err = {e["shape"] for e in n.get("errors", ())}
        method = f"`{operation_name(name)}`"
        for err in sorted(n_err - o_err):
            sec.changed.append(f"{method} can raise `{err}`")
        for err in sorted(o_err - n_err):
            sec.changed.append(f"{method} no longer lists `{err}`")
        if n.get("deprecated") and not o.get("deprecated"):
            sec.changed.append(f"{method} is deprecated")
    return sec


def _members(old: Doc, new: Doc, diff: ModelDiff) -> tuple[Section, Section]:
    structs, members = Section(), Section()
    old_s, new_s = _structures(old), _structures(new)
    added, removed, kept = _split(old_s, new_s)
    structs.added += [f"`{n}`" for n in added]
    structs.removed += [f"`{n}`" for n in removed]
    diff.breaking += [f"structure `{n}` removed" for n in removed]
    for name in kept:
        _member_changes(name, old, new, members, diff)
    return structs, members


def _member_changes(name: str, old: Doc, new: Doc, sec: Section, diff: ModelDiff) -> None:
    o, n = old["shapes"][name], new["shapes"][name]
    o_mem, n_mem = o.get("members", {}), n.get("members", {})
    o_req, n_req = set(o.get("required", ())), set(n.get("required", ()))
    added, removed, kept = _split(o_mem, n_mem)
    for wire in added:
        req = " (required)" if wire in n_req else ""
        sec.added.append(f"`{name}.{field_name(wire)}`{req}")
        if req:
            diff.breaking.append(f"`{name}.{field_name(wire)}` added as required")
    for wire in removed:
        sec.removed.append(f"`{name}.{field_name(wire)}`")
        diff.breaking.append(f"`{name}.{field_name(wire)}` removed")
    for wire in kept:
        label = f"`{name}.{field_name(wire)}`"
        o_type = _type_of(old["shapes"], o_mem[wire]["shape"])
        n_type = _type_of(new["shapes"], n_mem[wire]["shape"])
        if o_type != n_type:
            sec.changed.append(f"{label}: type {o_type} -> {n_type}")
            diff.breaking.append(f"{label} changed type ({o_type} -> {n_type})")
        if wire in n_req and wire not in o_req:
            sec.changed.append(f"{label} became required")
            diff.breaking.append(f"{label} became required")
        elif wire in o_req and wire not in n_req:
            sec.changed.append(f"{label} became optional")


def _enum_values(old: Doc, new: Doc, diff: ModelDiff) -> Section:
    sec = Section()
    o_enums, n_enums = _enums(old), _enums(new)
    added, removed, kept = _split(o_enums, n_enums)
    sec.added += [f"`{n}` (a new enum): {', '.join(n_enums[n])}" for n in added]
    sec.removed += [f"`{n}`" for n in removed]
    for name in kept:
        plus, minus, _ = _split(o_enums[name], n_enums[name])
        if plus:
            sec.added.append(f"`{name}`: {', '.join(plus)}")
        if minus:
            sec.removed.append(f"`{name}`: {', '.join(minus)}")
            diff.breaking += [f"enum value `{name}.{v}` removed" for v in minus]
    return sec


def _exception_section(old: Doc, new: Doc, diff: ModelDiff) -> Section:
    sec = Section()
    added, removed, _ = _split(_exceptions(old), _exceptions(new))
    sec.added += [f"`{n}`" for n in added]
    sec.removed += [f"`{n}`" for n in removed]
    diff.breaking += [f"exception class `{n}` removed" for n in removed]
    return sec


def _configs(old: Doc, new: Doc, label: str, name_of: Any, diff: ModelDiff, kind: str) -> Section:
    sec = Section()
    added, removed, kept = _split(old, new)
    sec.added += [f"`{name_of(n)}`" for n in added]
    sec.removed += [f"`{name_of(n)}`" for n in removed]
    diff.breaking += [f"{kind} `{name_of(n)}` removed" for n in removed]
    sec.changed += [f"`{name_of(n)}`: {label} changed" for n in kept if old[n] != new[n]]
    return sec


def diff_models(old: Models, new: Models, old_version: str, new_version: str) -> ModelDiff:
    """All differences from ``old`` to ``new``."""
    diff = ModelDiff(old_version, new_version)
    structs, members = _members(old.service, new.service, diff)
    diff.sections = {
        "Operations": _operations(old.service, new.service, diff),
        "Structures": structs,
        "Members": members,
        "Enum values": _enum_values(old.service, new.service, diff),
        "Exceptions": _exception_section(old.service, new.service, diff),
        "Paginators": _configs(
            old.paginators.get("pagination", {}),
            new.paginators.get("pagination", {}),
            "paging configuration",
            operation_name,
            diff,
            "paginator",
        ),
        "Waiters": _configs(
            old.waiters.get("waiters", {}),
            new.waiters.get("waiters", {}),
            "acceptors or delays",
            operation_name,
            diff,
            "waiter",
        ),
    }
    return diff


def render(diff: ModelDiff, service: str) -> str:
    """The Markdown summary: a heading, breaking changes first, then each kind."""
    out = [f"### Service model: {service} (botocore {diff.old_version} -> {diff.new_version})\n"]
    if diff.empty:
        return out[0] + "\nNo API changes.\n"
    if diff.breaking:
        out.append("\n**Breaking changes:**\n\n")
        out += [f"- {line}\n" for line in sorted(set(diff.breaking))]
    for kind in KINDS:
        sec = diff.sections[kind]
        if not sec:
            continue
        out.append(f"\n{kind}:\n\n")
        out += [f"- added {line}\n" for line in sec.added]
        out += [f"- removed {line}\n" for line in sec.removed]
        out += [f"- changed {line}\n" for line in sec.changed]
    return "".join(out)
