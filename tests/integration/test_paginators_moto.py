"""Paginators and a waiter end to end against LocalECR (moto behind ECR-like paging).

moto 5.2.x ignores ``maxResults`` and ``nextToken`` on ListImages, DescribeImages
and DescribeRepositories (it always returns everything in one response); LocalECR's
front layer pages them as ECR does (ecrkit/testing/_paging_proxy.py). The client here
records what it sends, so the tests count requests where they leave.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ecrkit import ECRClient
from ecrkit.errors import RepositoryNotFoundException
from ecrkit.http import AiohttpTransport, HttpRequest, HttpResponse
from ecrkit.models import DescribeImageScanFindingsResponse
from ecrkit.testing import LocalECR

pytestmark = pytest.mark.integration


class Recording:
    """A real transport that records (operation, maxResults, nextToken) of each request."""

    def __init__(self) -> None:
        self._inner = AiohttpTransport()
        self.seen: list[tuple[str, int | None, str | None]] = []

    def requests_for(self, operation: str) -> list[tuple[int | None, str | None]]:
        return [(size, token) for op, size, token in self.seen if op == operation]

    async def send(self, request: HttpRequest) -> HttpResponse:
        params: dict[str, Any] = json.loads(request.body or b"{}")
        operation = request.headers["X-Amz-Target"].rpartition(".")[2]
        self.seen.append((operation, params.get("maxResults"), params.get("nextToken")))
        return await self._inner.send(request)

    async def close(self) -> None:
        await self._inner.close()


@pytest.fixture
async def recorded(ecr_local: LocalECR) -> AsyncIterator[tuple[ECRClient, Recording]]:
    recording = Recording()
    try:
        async with ecr_local.client(transport=recording) as client:
            yield client, recording
    finally:
        await recording.close()  # a transport passed in is not the client's to close


@pytest.fixture
def ecr(recorded: tuple[ECRClient, Recording]) -> ECRClient:
    return recorded[0]


@pytest.fixture
def proxy(recorded: tuple[ECRClient, Recording]) -> tuple[Recording, None]:
    return recorded[1], None


def manifest(n: int) -> str:
    """A distinct schema-2 manifest per ``n`` (so a distinct digest)."""
    layer = hashlib.sha256(f"layer-{n}".encode()).hexdigest()
    config = hashlib.sha256(f"config-{n}".encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 100 + n,
                "digest": f"sha256:{config}",
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 1000 + n,
                    "digest": f"sha256:{layer}",
                }
            ],
        }
    )


async def put_images(ecr: ECRClient, repository: str, count: int) -> set[str]:
    """Push ``count`` distinct images concurrently (bounded); their digests."""
    gate = asyncio.Semaphore(16)

    async def put(n: int) -> str:
        async with gate:
            resp = await ecr.put_image(
                repository_name=repository, image_manifest=manifest(n), image_tag=f"v{n:04d}"
            )
        assert resp.image is not None and resp.image.image_id is not None
        digest = resp.image.image_id.image_digest
        assert digest is not None
        return digest

    digests = await asyncio.gather(*(put(n) for n in range(count)))
    assert len(set(digests)) == count
    return set(digests)


#: repository -> digests of the 250 images pushed there (the server lives all session).
_SEEDED: dict[str, set[str]] = {}


async def repository_with_250_images(ecr: ECRClient) -> tuple[str, set[str]]:
    """One repository of 250 images, pushed by whichever test needs it first (again if a
    test with the plugin's ``ecr_client`` reset the server since)."""
    for name in list(_SEEDED):
        try:
            await ecr.describe_repositories(repository_names=[name])
        except RepositoryNotFoundException:
            del _SEEDED[name]
    if not _SEEDED:
        repository = f"ecrkit-pages-{uuid.uuid4().hex[:12]}"
        await ecr.create_repository(repository_name=repository)
        _SEEDED[repository] = await put_images(ecr, repository, 250)
    [(repository, digests)] = _SEEDED.items()
    return repository, digests


async def test_list_and_describe_250_images_in_pages_of_100(
    ecr: ECRClient, proxy: tuple[Recording, None]
) -> None:
    paging = proxy[0]
    repository, digests = await repository_with_250_images(ecr)
    paging.seen.clear()

    listed = [
        image
        async for image in ecr.get_paginator("list_images")
        .paginate(repository_name=repository, pagination_config={"page_size": 100})
        .items()
    ]
    assert len(listed) == 250
    assert {i.image_digest for i in listed} == digests
    assert len({i.image_tag for i in listed}) == 250
    requests = paging.requests_for("ListImages")
    assert len(requests) == 3
    assert [size for size, _ in requests] == [100, 100, 100]
    assert requests[0][1] is None and None not in [token for _, token in requests[1:]]

    pages = [
        page
        async for page in ecr.get_paginator("describe_images").paginate(
            repository_name=repository, pagination_config={"page_size": 100}
        )
    ]
    assert [len(p.image_details) for p in pages] == [100, 100, 50]
    assert [p.next_token is None for p in pages] == [False, False, True]
    described = [d for p in pages for d in p.image_details]
    assert {d.image_digest for d in described} == digests
    assert all(d.repository_name == repository and len(d.image_tags) == 1 for d in described)
    assert len(paging.requests_for("DescribeImages")) == 3


async def test_max_items_then_resume_returns_the_rest_without_duplicates(
    ecr: ECRClient, proxy: tuple[Recording, None]
) -> None:
    paging = proxy[0]
    repository, digests = await repository_with_250_images(ecr)
    paginator = ecr.get_paginator("describe_images")
    paging.seen.clear()

    first = paginator.paginate(
        repository_name=repository, pagination_config={"max_items": 150, "page_size": 100}
    )
    head = await first.build_full_result()
    assert len(head.image_details) == 150
    token = head.next_token
    assert token is not None and token == first.resume_token
    assert len(paging.requests_for("DescribeImages")) == 2

    rest = paginator.paginate(
        repository_name=repository,
        pagination_config={"starting_token": token, "page_size": 100},
    )
    tail = [d async for d in rest.items()]
    assert len(tail) == 100
    assert rest.resume_token is None
    seen = [d.image_digest for d in head.image_details] + [d.image_digest for d in tail]
    assert len(seen) == len(set(seen)) == 250
    assert set(seen) == digests
    # The resumed run asked again for the page it had stopped inside (100..199).
    assert len(paging.requests_for("DescribeImages")) == 4


async def test_describe_repositories_in_pages(
    ecr: ECRClient, proxy: tuple[Recording, None]
) -> None:
    """The server is shared, so only this test's repositories are known exactly."""
    paging = proxy[0]
    prefix = f"ecrkit-repos-{uuid.uuid4().hex[:8]}"
    names = {f"{prefix}-{n}" for n in range(5)}
    await asyncio.gather(*(ecr.create_repository(repository_name=name) for name in names))
    paging.seen.clear()

    pages = [
        page
        async for page in ecr.get_paginator("describe_repositories").paginate(
            pagination_config={"page_size": 2}
        )
    ]
    repositories = [r.repository_name for p in pages for r in p.repositories]
    assert len(repositories) == len(set(repositories))
    assert names <= set(repositories)
    assert all(len(p.repositories) == 2 for p in pages[:-1])
    assert len(paging.requests_for("DescribeRepositories")) == len(pages)
    assert len(pages) == (len(repositories) + 1) // 2


async def test_image_scan_complete_waiter(ecr: ECRClient) -> None:
    repository = f"ecrkit-scan-{uuid.uuid4().hex[:12]}"
    await ecr.create_repository(repository_name=repository)
    await put_images(ecr, repository, 1)
    await ecr.start_image_scan(repository_name=repository, image_id={"image_tag": "v0000"})

    result = await ecr.get_waiter("image_scan_complete").wait(
        repository_name=repository, image_id={"image_tag": "v0000"}
    )
    assert isinstance(result, DescribeImageScanFindingsResponse)
    assert result.image_scan_status is not None
    assert result.image_scan_status.status == "COMPLETE"
    assert result.repository_name == repository
    assert result.image_scan_findings is not None
