"""Emit ``_meta.py`` (the operation table), the endpoint rules and the shared partitions."""

from __future__ import annotations

import json
from typing import Any

from .ir import Service


def _compact(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def render_meta(svc: Service) -> str:
    """The operation table (tests iterate over it to cover every operation)."""
    rows = "".join(
        f"    {op.name!r}: ({op.py_name!r}, {op.input!r}, {op.output!r}),\n"
        for op in sorted(svc.operations.values(), key=lambda o: o.name)
    )
    return (
        '"""The operations of the service model the code was generated from."""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Final\n\n"
        "#: Operation name -> (method name, request class, response class).\n"
        f"OPERATIONS: Final[dict[str, tuple[str, str | None, str | None]]] = {{\n{rows}}}\n"
    )


def render_endpoint_data(ruleset: dict[str, Any], shared_package: str) -> str:
    """The endpoint rule set as compact JSON, parsed on first use; the partitions come
    from the shared generated package (one copy for every service)."""
    return (
        '"""The service endpoint rule set, parsed on first use, and the AWS partitions."""\n\n'
        "from __future__ import annotations\n\n"
        "import json\n"
        "from functools import cache\n"
        "from typing import Any\n\n"
        f"from {shared_package}.partitions import partitions as partitions\n\n"
        f"_RULESET = {_compact(ruleset)!r}\n\n\n"
        "@cache\n"
        "def ruleset() -> dict[str, Any]:\n"
        '    """The endpoint rule set (Smithy endpoint rules)."""\n'
        "    data: dict[str, Any] = json.loads(_RULESET)\n"
        "    return data\n"
    )


def render_partitions(partitions: dict[str, Any]) -> str:
    """botocore's partitions.json as compact JSON, parsed on first use."""
    return (
        '"""The AWS partitions document used by ``aws.partition`` in every rule set."""\n\n'
        "from __future__ import annotations\n\n"
        "import json\n"
        "from functools import cache\n"
        "from typing import Any\n\n"
        f"_PARTITIONS = {_compact(partitions)!r}\n\n\n"
        "@cache\n"
        "def partitions() -> dict[str, Any]:\n"
        '    """The partitions document used by ``aws.partition``."""\n'
        "    data: dict[str, Any] = json.loads(_PARTITIONS)\n"
        "    return data\n"
    )


def render_index(index: dict[str, str], package: str = "ecrkit._generated") -> str:
    """Name -> module table, plus static re-exports for type checkers."""
    by_module: dict[str, list[str]] = {}
    for name, module in sorted(index.items()):
        by_module.setdefault(module, []).append(name)
    imports = "".join(
        f"    from .{module} import {', '.join(f'{n} as {n}' for n in names)}\n"
        for module, names in sorted(by_module.items())
    )
    rows = "".join(f"    {name!r}: {module!r},\n" for name, module in sorted(index.items()))
    return (
        "from typing import TYPE_CHECKING, Final\n\n"
        f"if TYPE_CHECKING:\n{imports}\n"
        f"#: Public name -> module under {package} that defines it.\n"
        f"MODULES: Final[dict[str, str]] = {{\n{rows}}}\n"
    )
