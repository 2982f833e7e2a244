"""Paginators and a waiter end to end against moto's ECR server.

moto 5.2.x ignores ``maxResults`` and ``nextToken`` on ListImages, DescribeImages
and DescribeRepositories (it always returns everything in one response), so the
client talks to a small paging proxy (aiohttp on 127.0.0.1, port 0) in front of
moto. For those three operations the proxy asks moto for everything, then serves
one page of ``maxResults`` items (ECR's default of 100 when absent) with an
opaque ``nextToken``, as ECR does; every other request is forwarded unchanged.
The proxy records what it saw, so the tests count requests where they arrive.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from ecrkit import Credentials, ECRClient
from ecrkit.models import DescribeImageScanFindingsResponse

pytestmark = pytest.mark.integration

CREDENTIALS = Credentials("AKIDMOTOTESTING", "moto-testing-secret-key")
REGION = "us-east-1"
PAGED = {
    "ListImages": "imageIds",
    "DescribeImages": "imageDetails",
    "DescribeRepositories": "repositories",
}
DEFAULT_PAGE = 100
HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


@dataclass
class PagingProxy:
    """ECR paging for the operations moto does not page; everything else passes through."""

    upstream: str
    seen: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    _tokens: dict[str, int] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None

    def requests_for(self, operation: str) -> list[tuple[int | None, str | None]]:
        return [(size, token) for op, size, token in self.seen if op == operation]

    async def handle(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        operation = request.headers.get("X-Amz-Target", "").rpartition(".")[2]
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        key = PAGED.get(operation)
        if key is None:
            self.seen.append((operation, None, None))
            return await self._forward(request.method, request.path_qs, headers, body)
        params = json.loads(body or b"{}")
        size = params.pop("maxResults", None)
        token = params.pop("nextToken", None)
        self.seen.append((operation, size, token))
        if token is not None and token not in self._tokens:
            return web.json_response(
                {"__type": "InvalidParameterException", "message": "bad nextToken"}, status=400
            )
        upstream = await self._forward(
            request.method, request.path_qs, headers, json.dumps(params).encode()
        )
        if upstream.status != 200:
            return upstream
        assert upstream.body is not None and isinstance(upstream.body, bytes)
        everything = json.loads(upstream.body)
        start = 0 if token is None else self._tokens[token]  # reusable, as in ECR
        end = start + (size or DEFAULT_PAGE)
        page: dict[str, Any] = {key: everything.get(key, [])[start:end]}
        if end < len(everything.get(key, [])):
            opaque = secrets.token_urlsafe(24)
            self._tokens[opaque] = end
            page["nextToken"] = opaque
        return web.json_response(page, content_type="application/x-amz-json-1.1", dumps=json.dumps)

    async def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> web.Response:
        assert self._session is not None
        async with self._session.request(
            method, self.upstream + path, headers=headers, data=body
        ) as resp:
            data = await resp.read()
            keep = {
                k: v
                for k, v in resp.headers.items()
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"
            }
            return web.Response(status=resp.status, body=data, headers=keep)

    async def start(self) -> str:
        self._session = aiohttp.ClientSession(auto_decompress=True)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()


@pytest.fixture
async def proxy(moto_endpoint: str) -> AsyncIterator[tuple[PagingProxy, str]]:
    paging = PagingProxy(moto_endpoint)
    url = await paging.start()
    try:
        yield paging, url
    finally:
        await paging.stop()


async def _no_sleep(delay: float) -> None:
    """Waiter and retry delays pass without waiting."""


@pytest.fixture
async def ecr(proxy: tuple[PagingProxy, str]) -> AsyncIterator[ECRClient]:
    async with ECRClient(
        region=REGION, endpoint_url=proxy[1], credentials=CREDENTIALS, sleep=_no_sleep
    ) as client:
        yield client


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


#: repository -> digests of the 250 images pushed there (moto's server lives all session).
_SEEDED: dict[str, set[str]] = {}


async def repository_with_250_images(ecr: ECRClient) -> tuple[str, set[str]]:
    """One repository of 250 images, pushed by whichever test needs it first."""
    if not _SEEDED:
        repository = f"ecrkit-pages-{uuid.uuid4().hex[:12]}"
        await ecr.create_repository(repository_name=repository)
        _SEEDED[repository] = await put_images(ecr, repository, 250)
    [(repository, digests)] = _SEEDED.items()
    return repository, digests


async def test_list_and_describe_250_images_in_pages_of_100(
    ecr: ECRClient, proxy: tuple[PagingProxy, str]
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
    ecr: ECRClient, proxy: tuple[PagingProxy, str]
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
    ecr: ECRClient, proxy: tuple[PagingProxy, str]
) -> None:
    """moto's server is shared, so only this test's repositories are known exactly."""
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
