"""Read the ECR model files from the exactly pinned botocore release."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

#: The botocore release whose ECR model is the source of truth. Keep in step with
#: the `codegen` and `test` dependency groups in pyproject.toml.
BOTOCORE_PIN = "1.44.8"
SERVICE = "ecr"
API_VERSION = "2015-09-21"


@dataclass(frozen=True)
class ModelFiles:
    """The raw model documents and a hash over their canonical JSON."""

    service: dict[str, Any]
    paginators: dict[str, Any]
    waiters: dict[str, Any]
    endpoint_rules: dict[str, Any]
    partitions: dict[str, Any]
    botocore_version: str
    #: examples-1.json (optional in botocore; ``{}`` when a release has none). Not part
    #: of ``sha256``: only the docs reference renders it, and ``--check`` compares it.
    examples: dict[str, Any]
    sha256: str


def _read_json(path: Path) -> dict[str, Any]:
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_bytes())
        return data
    gz = path.with_name(path.name + ".gz")
    data = json.loads(gzip.decompress(gz.read_bytes()))
    return data


def load(require_pin: bool = True) -> ModelFiles:
    """Load the model files from the installed botocore and check its version."""
    version = metadata.version("botocore")
    if require_pin and version != BOTOCORE_PIN:
        raise SystemExit(
            f"codegen needs botocore=={BOTOCORE_PIN} (found {version}); "
            "install the `codegen` dependency group"
        )
    import botocore

    data = Path(botocore.__file__).parent / "data"
    base = data / SERVICE / API_VERSION
    files = {
        "service": _read_json(base / "service-2.json"),
        "paginators": _read_json(base / "paginators-1.json"),
        "waiters": _read_json(base / "waiters-2.json"),
        "endpoint_rules": _read_json(base / "endpoint-rule-set-1.json"),
        "partitions": _read_json(data / "partitions.json"),
    }

    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(json.dumps(files[name], sort_keys=True, separators=(",", ":")).encode())
    examples = base / "examples-1.json"
    has_examples = examples.exists() or examples.with_name(examples.name + ".gz").exists()
    return ModelFiles(
        **files,
        examples=_read_json(examples) if has_examples else {},
        botocore_version=version,
        sha256=digest.hexdigest(),
    )
