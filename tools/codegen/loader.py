"""Read a service's model files from the exactly pinned botocore release."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .spec import ServiceSpec, by_key

#: The botocore release whose service models are the source of truth. Keep in step with
#: the `codegen` and `test` dependency groups in pyproject.toml.
BOTOCORE_PIN = "1.44.8"


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
    #: A hash of ``partitions`` alone, for the header of the shared generated module.
    partitions_sha256: str = ""


def _read_json(path: Path) -> dict[str, Any]:
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_bytes())
        return data
    gz = path.with_name(path.name + ".gz")
    data = json.loads(gzip.decompress(gz.read_bytes()))
    return data


def _exists(path: Path) -> bool:
    return path.exists() or path.with_name(path.name + ".gz").exists()


def data_dir(require_pin: bool = True) -> Path:
    """botocore's ``data`` directory, after checking botocore's version."""
    version = metadata.version("botocore")
    if require_pin and version != BOTOCORE_PIN:
        raise SystemExit(
            f"codegen needs botocore=={BOTOCORE_PIN} (found {version}); "
            "install the `codegen` dependency group"
        )
    import botocore

    return Path(botocore.__file__).parent / "data"


def load_partitions(require_pin: bool = True) -> dict[str, Any]:
    """botocore's ``partitions.json``: one document shared by every service."""
    return _read_json(data_dir(require_pin) / "partitions.json")


def load(spec: ServiceSpec | None = None, require_pin: bool = True) -> ModelFiles:
    """Load one service's model files (ECR by default) from the installed botocore.

    A service without waiters or paginators (ECR Public has no waiters-2.json) gets
    empty documents for them.
    """
    spec = spec or by_key()
    data = data_dir(require_pin)
    version = metadata.version("botocore")
    base = data / spec.model_name / spec.api_version
    if not _exists(base / "service-2.json"):
        raise SystemExit(f"botocore {version} has no model {spec.model_name}/{spec.api_version}")
    paginators, waiters = base / "paginators-1.json", base / "waiters-2.json"
    files = {
        "service": _read_json(base / "service-2.json"),
        "paginators": _read_json(paginators) if _exists(paginators) else {"pagination": {}},
        "waiters": _read_json(waiters) if _exists(waiters) else {"version": 2, "waiters": {}},
        "endpoint_rules": _read_json(base / "endpoint-rule-set-1.json"),
        "partitions": _read_json(data / "partitions.json"),
    }

    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(json.dumps(files[name], sort_keys=True, separators=(",", ":")).encode())
    examples = base / "examples-1.json"
    return ModelFiles(
        **files,
        examples=_read_json(examples) if _exists(examples) else {},
        botocore_version=version,
        sha256=digest.hexdigest(),
        partitions_sha256=hashlib.sha256(
            json.dumps(files["partitions"], sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest(),
    )
