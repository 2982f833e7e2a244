"""Delete the untagged images of a repository that are older than N days.

    python cleanup.py REPOSITORY DAYS [--region REGION] [--dry-run]

The function :func:`delete_untagged_older_than` is what the tests next to this file
check, with both of ecrkit's testing helpers (``test_cleanup.py``).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ecrkit import ECRClient
from ecrkit.models import ImageIdentifierDict

#: BatchDeleteImage takes at most 100 image ids per call.
BATCH = 100


async def delete_untagged_older_than(
    ecr: ECRClient,
    repository: str,
    days: int,
    *,
    dry_run: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[str]:
    """Delete every untagged image pushed more than ``days`` days ago; their digests."""
    cutoff = now() - timedelta(days=days)
    pages = ecr.get_paginator("describe_images").paginate(
        repository_name=repository, filter={"tag_status": "UNTAGGED"}
    )
    old = [
        image.image_digest
        async for image in pages.items()
        if not image.image_tags  # the filter is ECR's; checked here too
        and image.image_digest
        and image.image_pushed_at is not None
        and image.image_pushed_at < cutoff
    ]
    if not dry_run:
        for start in range(0, len(old), BATCH):
            ids: list[ImageIdentifierDict] = [
                {"image_digest": digest} for digest in old[start : start + BATCH]
            ]
            await ecr.batch_delete_image(repository_name=repository, image_ids=ids)
    return old


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Delete old untagged images of a repository.")
    parser.add_argument("repository")
    parser.add_argument("days", type=int)
    parser.add_argument("--region")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    async with ECRClient(region=args.region) as ecr:
        deleted = await delete_untagged_older_than(
            ecr, args.repository, args.days, dry_run=args.dry_run
        )
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {len(deleted)} untagged image(s) from {args.repository}")


if __name__ == "__main__":
    asyncio.run(main())
