"""What the response representation costs: BaseModel items, slotted pydantic dataclasses,
TypedDicts, against the raw floor, paired in one process.

Run: ``python -m bench.representations [--rounds N]``.

Every variant is the floor's transport and signing (:mod:`bench.adapters.floor`) with
a different parse of the same bodies, the collector paused for bodies of 100 KB or
more as ecrkit's codec does: ``floor`` (``json.loads``), ``BaseModel`` (ecrkit's
generated models, every shape a ``BaseModel``: what ecrkit ships), ``dataclass``
(the top-level response a ``BaseModel``, every nested structure a
``pydantic.dataclasses.dataclass(slots=True)`` with the same fields and aliases) and
``TypedDict`` (the response a ``BaseModel``, nested structures ``TypedDict``s with
the wire keys, validated by pydantic-core). Each reads a field of every item. The
variants take turns round by round in rotating order; the figures are the medians
of the per-round ratios to the floor's CPU, and the GC-tracked objects each parsed
body keeps alive.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/representations.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass
from typing_extensions import TypedDict

from bench.adapters import floor
from bench.adapters.floor import payload
from bench.adapters.models_floor import _parser
from bench.fake_server import build_canned
from bench.parse_cost import tracked
from bench.procs import Server
from bench.scenarios import _timed
from ecrkit._model import ServiceModel
from ecrkit.models import DescribeImageScanFindingsResponse, ListImagesResponse

_DC = ConfigDict(validate_by_name=True, validate_by_alias=True, extra="ignore")


@dataclass(slots=True, config=_DC)
class ImageIdentifierDC:
    image_digest: str | None = Field(default=None, alias="imageDigest")
    image_tag: str | None = Field(default=None, alias="imageTag", min_length=1)


@dataclass(slots=True, config=_DC)
class AttributeDC:
    key: str | None = Field(default=None, alias="key")
    value: str | None = Field(default=None, alias="value")


@dataclass(slots=True, config=_DC)
class FindingDC:
    name: str | None = Field(default=None, alias="name")
    description: str | None = Field(default=None, alias="description")
    uri: str | None = Field(default=None, alias="uri")
    severity: str | None = Field(default=None, alias="severity")
    attributes: list[AttributeDC] = Field(default_factory=list, alias="attributes")


@dataclass(slots=True, config=_DC)
class ScanStatusDC:
    status: str | None = Field(default=None, alias="status")
    description: str | None = Field(default=None, alias="description")


@dataclass(slots=True, config=_DC)
class FindingsDC:
    image_scan_completed_at: datetime | None = Field(default=None, alias="imageScanCompletedAt")
    vulnerability_source_updated_at: datetime | None = Field(
        default=None, alias="vulnerabilitySourceUpdatedAt"
    )
    finding_severity_counts: dict[str, int] = Field(
        default_factory=dict, alias="findingSeverityCounts"
    )
    findings: list[FindingDC] = Field(default_factory=list, alias="findings")


class ListImagesDC(ServiceModel):
    image_ids: list[ImageIdentifierDC] = Field(default_factory=list, alias="imageIds")
    next_token: str | None = Field(default=None, alias="nextToken")


class ScanFindingsDC(ServiceModel):
    registry_id: str | None = Field(default=None, alias="registryId")
    repository_name: str | None = Field(default=None, alias="repositoryName")
    image_id: ImageIdentifierDC | None = Field(default=None, alias="imageId")
    image_scan_status: ScanStatusDC | None = Field(default=None, alias="imageScanStatus")
    image_scan_findings: FindingsDC | None = Field(default=None, alias="imageScanFindings")


class ImageIdentifierTD(TypedDict, total=False):
    imageDigest: str
    imageTag: str


class AttributeTD(TypedDict, total=False):
    key: str
    value: str


class FindingTD(TypedDict, total=False):
    name: str
    description: str
    uri: str
    severity: str
    attributes: list[AttributeTD]


class ScanStatusTD(TypedDict, total=False):
    status: str
    description: str


class FindingsTD(TypedDict, total=False):
    imageScanCompletedAt: datetime
    vulnerabilitySourceUpdatedAt: datetime
    findingSeverityCounts: dict[str, int]
    findings: list[FindingTD]


class ListImagesTD(ServiceModel):
    image_ids: list[ImageIdentifierTD] = Field(default_factory=list, alias="imageIds")
    next_token: str | None = Field(default=None, alias="nextToken")


class ScanFindingsTD(ServiceModel):
    registry_id: str | None = Field(default=None, alias="registryId")
    repository_name: str | None = Field(default=None, alias="repositoryName")
    image_id: ImageIdentifierTD | None = Field(default=None, alias="imageId")
    image_scan_status: ScanStatusTD | None = Field(default=None, alias="imageScanStatus")
    image_scan_findings: FindingsTD | None = Field(default=None, alias="imageScanFindings")


def _attr(item: Any, name: str, key: str) -> Any:
    return getattr(item, name)


def _key(item: Any, name: str, key: str) -> Any:
    return item.get(key)


#: variant -> (ListImages response model, findings response model)
VARIANTS: dict[str, tuple[type[BaseModel], type[BaseModel]]] = {
    "BaseModel": (ListImagesResponse, DescribeImageScanFindingsResponse),
    "dataclass": (ListImagesDC, ScanFindingsDC),
    "TypedDict": (ListImagesTD, ScanFindingsTD),
}


class Variant(floor.Adapter):
    """The floor's transport, one representation's parse."""

    def __init__(self, name: str) -> None:
        super().__init__()
        pages, findings = VARIANTS[name]
        self._pages, self._findings = _parser(pages), _parser(findings)
        self._item: Callable[[Any, str, str], Any] = _key if name == "TypedDict" else _attr

    async def list_all_image_ids(self) -> int:
        count = 0
        token: str | None = None
        while True:
            page: Any = await self._call("ListImages", payload("ListImages", token), self._pages)
            count += len(
                [i for i in page.image_ids if self._item(i, "image_digest", "imageDigest")]
            )
            token = page.next_token
            if token is None:
                return count

    async def scan_findings(self) -> int:
        resp: Any = await self._call(
            "DescribeImageScanFindings", payload("DescribeImageScanFindings"), self._findings
        )
        found = resp.image_scan_findings
        items = found["findings"] if isinstance(found, dict) else found.findings
        return len([f for f in items if self._item(f, "severity", "severity")])


async def _paired(endpoint: str, rounds: int) -> dict[tuple[str, str], list[float]]:
    adapters: dict[str, Any] = {"floor": floor.Adapter()}
    adapters.update({name: Variant(name) for name in VARIANTS})
    for adapter in adapters.values():
        await adapter.setup(endpoint)
    names = list(adapters)
    cpu: dict[tuple[str, str], list[float]] = {}
    jobs = {"pages": ("list_all_image_ids", 5), "findings": ("scan_findings", 20)}
    try:
        for r in range(rounds + 1):  # round 0 is the warm-up
            order = names[r % len(names) :] + names[: r % len(names)]
            for scenario, (method, reps) in jobs.items():
                checks = set()
                for name in order:
                    result = await _timed(reps, getattr(adapters[name], method), True)
                    checks.add(result["check"])
                    if r:
                        cpu.setdefault((scenario, name), []).append(result["cpu_ms"])
                assert len(checks) == 1, f"{scenario}: the variants read {checks}"
    finally:
        for adapter in adapters.values():
            await adapter.close()
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.representations", description=__doc__)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    canned = build_canned()
    bodies = {"pages": canned.list_images(None, None), "findings": canned.scan_findings}
    with Server() as server:
        cpu = asyncio.run(_paired(server.endpoint, args.rounds))
    print(f"python {sys.version.split()[0]}; CPU / the floor's, median of {args.rounds} rounds")
    print(f"{'scenario':9} {'variant':10} {'CPU':>9} {'/floor':>7} {'tracked per body':>17}")
    for index, scenario in enumerate(("pages", "findings")):
        base = cpu[(scenario, "floor")]
        for name in ["floor", *VARIANTS]:
            ms = cpu[(scenario, name)]
            ratio = statistics.median(a / b for a, b in zip(ms, base, strict=True))
            body = bodies[scenario]
            if name == "floor":
                kept = tracked(lambda body=body: __import__("json").loads(body))
            else:
                model = VARIANTS[name][index]
                kept = tracked(lambda body=body, model=model: model.model_validate_json(body))
            print(f"{scenario:9} {name:10} {statistics.median(ms):7.2f}ms {ratio:6.2f}x {kept:17,}")
    gc.collect()


if __name__ == "__main__":
    main()
