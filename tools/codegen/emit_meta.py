"""Emit ``_generated/_meta.py`` (service facts, operation table) and endpoint data."""

from __future__ import annotations

import json
from typing import Any

from .ir import Service


def render_meta(svc: Service, model_sha: str, botocore_version: str) -> str:
    md = svc.metadata
    rows = "".join(
        f"    {op.name!r}: ({op.py_name!r}, {op.input!r}, {op.output!r}),\n"
        for op in sorted(svc.operations.values(), key=lambda o: o.name)
    )
    return (
        '"""Facts about the service model the code was generated from."""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Final\n\n"
        f"MODEL_SHA256: Final = {model_sha!r}\n"
        f"BOTOCORE_VERSION: Final = {botocore_version!r}\n"
        f"SERVICE_ID: Final = {md['serviceId']!r}\n"
        f"API_VERSION: Final = {md['apiVersion']!r}\n"
        f"ENDPOINT_PREFIX: Final = {md['endpointPrefix']!r}\n"
        f"SIGNING_NAME: Final = {md.get('signingName', md['endpointPrefix'])!r}\n"
        f"TARGET_PREFIX: Final = {md['targetPrefix']!r}\n"
        f"JSON_VERSION: Final = {md['jsonVersion']!r}\n\n"
        "#: Operation name -> (method name, request class, response class).\n"
        f"OPERATIONS: Final[dict[str, tuple[str, str | None, str | None]]] = {{\n{rows}}}\n"
    )


def render_endpoint_data(ruleset: dict[str, Any], partitions: dict[str, Any]) -> str:
    """The endpoint rule set and partitions as compact JSON, parsed on first use."""

    def compact(doc: dict[str, Any]) -> str:
        return json.dumps(doc, sort_keys=True, separators=(",", ":"))

    return (
        '"""The service endpoint rule set and the AWS partitions, parsed on first use."""\n\n'
        "from __future__ import annotations\n\n"
        "import json\n"
        "from functools import cache\n"
        "from typing import Any\n\n"
        f"_RULESET = {compact(ruleset)!r}\n\n"
        f"_PARTITIONS = {compact(partitions)!r}\n\n\n"
        "@cache\n"
        "def ruleset() -> dict[str, Any]:\n"
        '    """The endpoint rule set (Smithy endpoint rules)."""\n'
        "    data: dict[str, Any] = json.loads(_RULESET)\n"
        "    return data\n\n\n"
        "@cache\n"
        "def partitions() -> dict[str, Any]:\n"
        '    """The partitions document used by ``aws.partition``."""\n'
        "    data: dict[str, Any] = json.loads(_PARTITIONS)\n"
        "    return data\n"
    )


def render_index(index: dict[str, str]) -> str:
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
        "#: Public name -> module under ecrkit._generated that defines it.\n"
        f"MODULES: Final[dict[str, str]] = {{\n{rows}}}\n"
    )
