"""A large response reaches its caller still in the collector's youngest generation.

The codec pauses the cyclic collector while a large body is validated; the young
collection that the parse's allocations make due then starts at the next GC-tracked
allocation (3.11) or the next check of the eval loop after it (3.12, 3.13). If the
runtime allocates anything between the parse and the moment the caller lets go of
the previous page (the response metadata, the paginator's bookkeeping), that
collection runs while the previous page is still alive, finds the new page young
and promotes it, and a listing pays young, middle and, every few dozen pages, full
collections that the same code with plain ``model_validate_json`` does not
(docs/performance.md). Released first, the previous page's objects take the count
back under the threshold and the collection does not happen. These tests fail if
anything between the parse and the caller starts a collection.
"""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest

from ecrkit.http import HttpRequest, HttpResponse

from ._support import json_response, make_client

#: ~6,000 tracked objects and ~330 KB per page: over the pause threshold (100 KB) and
#: over every supported Python's young threshold (700 on 3.11 and 3.12, 2,000 on 3.13).
ITEMS = 3_000
PAGES = 4


def _pages() -> list[bytes]:
    out = []
    for index in range(PAGES):
        doc: dict[str, Any] = {
            "imageIds": [
                {"imageDigest": f"sha256:{index:02d}{n:062d}", "imageTag": f"p{index}-{n}"}
                for n in range(ITEMS)
            ]
        }
        if index < PAGES - 1:
            doc["nextToken"] = f"tok-{index + 1}"
        out.append(json.dumps(doc).encode())
    return out


def _handler(bodies: list[bytes]) -> Any:
    template = json_response()

    def handler(request: HttpRequest) -> HttpResponse:
        token = json.loads(request.body).get("nextToken")
        return template._replace(body=bodies[0 if token is None else int(token[4:])])

    return handler


def _young(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects(generation=0))


@pytest.fixture
def collector_on() -> Any:
    was_enabled = gc.isenabled()
    gc.enable()
    gc.collect()
    yield
    if not was_enabled:
        gc.disable()


async def test_pages_of_the_paginator_arrive_young(collector_on: None) -> None:
    client, _ = make_client(_handler(_pages()))
    young = []
    async with client:
        pages = client.get_paginator("list_images").paginate(repository_name="repo")
        async for page in pages:
            young.append(_young(page))
            assert len(page.image_ids) == ITEMS
    # The first page has no previous page to release: any allocation collects it.
    assert young[1:] == [True] * (PAGES - 1)


async def test_responses_of_a_hand_loop_arrive_young(collector_on: None) -> None:
    client, _ = make_client(_handler(_pages()))
    young = []
    async with client:
        token: str | None = None
        page = None
        for _ in range(PAGES):
            page = await client.list_images(repository_name="repo", next_token=token)
            young.append(_young(page))
            assert page.response_metadata.http_status_code == 200
            token = page.next_token
    assert young[1:] == [True] * (PAGES - 1)
