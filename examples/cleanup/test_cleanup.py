"""Tests of cleanup.py, written with both of ecrkit's testing helpers.

- with the ``Stubber``: exactly which calls are made, for a listing we choose (ages,
  tags, more than one batch of deletions);
- with ``LocalECR`` (the ``ecr_client`` fixture of ecrkit's pytest plugin): against a
  real local ECR API that pages like ECR, so a cleanup that read only the first page
  of images would fail here.

The tests carry ``@pytest.mark.asyncio``: they run in pytest-asyncio's strict mode and
in auto mode alike.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cleanup import delete_untagged_older_than

from ecrkit import ECRClient
from ecrkit.testing import ANY, Stubber

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def digest(n: int) -> str:
    return "sha256:" + hashlib.sha256(str(n).encode()).hexdigest()


def detail(n: int, age_days: int, tags: list[str] | None = None) -> dict[str, Any]:
    pushed = NOW - timedelta(days=age_days)
    return {"image_digest": digest(n), "image_tags": tags or [], "image_pushed_at": pushed}


@pytest.mark.asyncio
async def test_deletes_only_old_untagged_images_in_batches_of_100() -> None:
    old = [detail(n, age_days=40) for n in range(150)]
    recent = [detail(1000, age_days=3)]
    tagged = [detail(2000, age_days=400, tags=["keep"])]
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response(
                "describe_images",
                {"image_details": old[:100], "next_token": "page-2"},
                expected_params={"repository_name": "api", "filter": {"tag_status": "UNTAGGED"}},
            )
            stub.add_response(
                "describe_images",
                {"image_details": old[100:] + recent + tagged},
                expected_params={"repository_name": "api", "filter": ANY, "next_token": "page-2"},
            )
            for batch in (range(100), range(100, 150)):
                stub.add_response(
                    "batch_delete_image",
                    {"image_ids": [{"image_digest": digest(n)} for n in batch]},
                    expected_params={
                        "repository_name": "api",
                        "image_ids": [{"image_digest": digest(n)} for n in batch],
                    },
                )
            deleted = await delete_untagged_older_than(ecr, "api", 30, now=lambda: NOW)
            stub.assert_no_pending_responses()
    assert deleted == [digest(n) for n in range(150)]


@pytest.mark.asyncio
async def test_dry_run_deletes_nothing() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response("describe_images", {"image_details": [detail(1, age_days=90)]})
            deleted = await delete_untagged_older_than(
                ecr, "api", 30, dry_run=True, now=lambda: NOW
            )
            stub.assert_no_pending_responses()  # and no batch_delete_image was called
    assert deleted == [digest(1)]


def manifest(n: int) -> str:
    layer = hashlib.sha256(f"layer-{n}".encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1,
                "digest": "sha256:" + hashlib.sha256(f"config-{n}".encode()).hexdigest(),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 1,
                    "digest": f"sha256:{layer}",
                }
            ],
        }
    )


@pytest.mark.asyncio
async def test_against_local_ecr_across_pages(ecr_client: ECRClient) -> None:
    await ecr_client.create_repository(repository_name="api")
    for n in range(120):  # more than one page of DescribeImages (100)
        await ecr_client.put_image(repository_name="api", image_manifest=manifest(n))
    await ecr_client.put_image(repository_name="api", image_manifest=manifest(999), image_tag="v1")

    in_a_month = datetime.now(UTC) + timedelta(days=31)  # every image is 31 days old then
    deleted = await delete_untagged_older_than(ecr_client, "api", 30, now=lambda: in_a_month)

    assert len(deleted) == 120
    left = (await ecr_client.describe_images(repository_name="api")).image_details
    assert [image.image_tags for image in left] == [["v1"]]
    assert await delete_untagged_older_than(ecr_client, "api", 0) == []  # nothing old today
