"""Emit ``_generated/waiters.py``: one typed waiter class per model waiter."""

from __future__ import annotations

import re
from typing import Any

from .docs import docstring
from .emit_client import keyword_params, type_only_imports, used_imports
from .emit_models import placement
from .ir import Service
from .naming import operation_name
from .typemap import Refs

_PART = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\[\])?$")


def compile_path(svc: Service, shape_name: str, expression: str, func: str, arg_type: str) -> str:
    """A typed accessor function for a dotted JMESPath with optional ``[]`` projections.

    ``a.b[].c`` becomes a function returning ``None`` when ``a`` or ``b`` is
    missing, else ``[x.c for x in b]``. Anything else is rejected at generation
    time (no ECR waiter needs more; fail loudly rather than guess).
    """
    lines = [f"def {func}(r: {arg_type}) -> object:\n"]
    shape = svc.shapes[shape_name]
    var, in_list = "r", False
    parts = expression.split(".")
    for depth, part in enumerate(parts, start=1):
        match = _PART.match(part)
        if match is None or shape.type != "structure":
            raise ValueError(f"unsupported waiter path {expression!r}")
        member = next(m for m in shape.members if m.wire_name == match.group(1))
        nxt = f"v{depth}"
        if in_list:
            lines.append(f"    {nxt} = [x.{member.py_name} for x in {var} if x is not None]\n")
        else:
            lines.append(f"    {nxt} = {var}.{member.py_name}\n")
            if depth < len(parts):
                lines.append(f"    if {nxt} is None:\n        return None\n")
        var = nxt
        shape = svc.shapes[member.shape]
        if match.group(2):
            if shape.type != "list" or in_list or shape.member is None:
                raise ValueError(f"unsupported waiter path {expression!r}")
            in_list = True
            shape = svc.shapes[shape.member]
    lines.append(f"    return {var}\n")
    return "".join(lines)


def render_waiters(svc: Service, waiters: dict[str, dict[str, Any]]) -> tuple[str, list[str]]:
    """Source of the waiters module and its class names."""
    where = placement(svc)
    refs = Refs()
    blocks: list[str] = []
    table: list[str] = []
    names: list[str] = []
    for name in sorted(waiters):
        conf = waiters[name]
        op = svc.operations[conf["operation"]]
        assert op.input and op.output
        refs.structures.add(op.output)
        py = operation_name(name)
        acceptors = []
        accessors: dict[str, str] = {}
        for acc in conf["acceptors"]:
            path = "None"
            if acc["matcher"] in ("path", "pathAll", "pathAny"):
                expression = acc["argument"]
                if expression not in accessors:
                    accessors[expression] = f"_{py}_{len(accessors)}"
                    blocks.append(
                        compile_path(svc, op.output, expression, accessors[expression], op.output)
                    )
                path = accessors[expression]
            acceptors.append(
                f"        Acceptor({acc['state']!r}, {acc['matcher']!r}, {acc['expected']!r}, "
                f"{acc.get('argument')!r}, {path}),\n"
            )
        spec = f"_{py.upper()}"
        blocks.append(
            f"{spec} = WaiterSpec(\n    name={name!r},\n    delay={conf['delay']!r},\n"
            f"    max_attempts={conf['maxAttempts']!r},\n    acceptors=(\n{''.join(acceptors)}    ),\n)\n"
        )
        params, values = keyword_params(svc, op.input, refs)
        params.append("waiter_config: WaiterConfig | None = None")
        success_by_error = any(
            a["state"] == "success" and a["matcher"] in ("error", "status")
            for a in conf["acceptors"]
        )
        result = f"{op.output} | None" if success_by_error else op.output
        cls = f"{name}Waiter"
        names.append(cls)
        doc = conf.get("description") or f"Wait for {name}."
        blocks.append(
            f'class {cls}(Waiter["{op.output}"]):\n'
            + docstring(
                f"{doc.rstrip('.')}. Calls {op.py_name} every {conf['delay']} s, at most {conf['maxAttempts']} times "
                "(override with waiter_config).",
                "    ",
            )
            + f"\n    spec = {spec}\n    operation = {op.py_name!r}\n\n"
            + f"    async def wait({', '.join(params)}) -> {result}:\n"
            + docstring("Wait; returns the final response on success.", "        ")
            + f"        return await self._wait({{{', '.join(values)}}}, waiter_config)\n"
        )
        table.append(f"    {py!r}: {cls},\n")
    imports = type_only_imports(svc, refs, where)
    body = "\n\n".join(blocks)
    head = (
        "from __future__ import annotations\n\n"
        + used_imports(body, "collections.abc", ["Mapping", "Sequence"])
        + used_imports(body, "datetime", ["datetime"])
        + ("from typing import TYPE_CHECKING, Any\n\n" if blocks else "from typing import Any\n\n")
        + (
            "from ecrkit._waiters import Acceptor, Waiter, WaiterConfig, WaiterSpec\n\n"
            f"if TYPE_CHECKING:\n{imports}\n"
            if blocks
            else "from ecrkit._waiters import Waiter\n\n"  # a model without waiters
        )
        + f"__all__ = [{', '.join(repr(n) for n in sorted(names))}]\n\n"
    )
    tail = f"\n#: Waiter name (snake_case) -> waiter class.\nWAITERS: dict[str, type[Waiter[Any]]] = {{\n{''.join(table)}}}\n"
    return head + "\n\n".join(blocks) + tail, names
