"""The paginators through a real client over a ``MockTransport``: contract and edges.

What botocore agrees on (pages, items, tokens) is proven against botocore in
``test_paginators_vs_botocore.py``; this file covers the rest: the repeated-token
guard, early exit, the typed item streams, the non-aggregate keys, and argument
errors.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
from collections.abc import Callable
from typing import Any, Unpack

import pytest

from ecrkit._pagination import encode_token
from ecrkit.errors import PaginationError
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.models import (
    DescribeImageScanFindingsResponse,
    EnhancedImageScanFinding,
    ImageDetail,
    ImageIdentifier,
    ImageScanFinding,
    ListImagesResponse,
)
from ecrkit.paginators import (
    DescribeImageScanFindingsPages,
    DescribeImageScanFindingsPaginator,
    ListImagesPaginator,
    PageIterator,
    PaginationConfig,
)

from ._support import json_response, make_client

# A paginator that never ends (a regression in the repeated-token check) must fail
# fast: in 120 s, the default timeout, it grows to ~1.3 GB (~350 MB in 20 s). The file
# runs in ~1 s.
pytestmark = pytest.mark.timeout(20)

Doc = dict[str, Any]


def paged(pages: list[Doc]) -> Callable[[HttpRequest], HttpResponse]:
    """Serve page i for token ``tok-i`` (page 0 without a token)."""

    def handler(request: HttpRequest) -> HttpResponse:
        token = json.loads(request.body).get("nextToken")
        return json_response(body=pages[0 if token is None else int(token[4:])])

    return handler


def image_pages(*sizes: int) -> list[Doc]:
    pages: list[Doc] = []
    for index, size in enumerate(sizes):
        page: Doc = {"imageIds": [{"imageTag": f"p{index}-{n}"} for n in range(size)]}
        if index < len(sizes) - 1:
            page["nextToken"] = f"tok-{index + 1}"
        pages.append(page)
    return pages


def bodies(requests: list[HttpRequest]) -> list[Doc]:
    return [json.loads(r.body) for r in requests]


# -- the service breaking the contract -----------------------------------------


async def test_repeated_token_raises_pagination_error_after_two_requests() -> None:
    client, transport = make_client(
        lambda _: json_response(body={"imageIds": [{"imageTag": "x"}], "nextToken": "same"})
    )
    async with client as ecr:
        pages = ecr.get_paginator("list_images").paginate(repository_name="repo")
        seen: list[ListImagesResponse] = []
        with pytest.raises(PaginationError, match="same"):
            async for page in pages:
                seen.append(page)
    assert len(transport.requests) == 2
    assert len(seen) == 2
    assert [b.get("nextToken") for b in bodies(transport.requests)] == [None, "same"]


async def test_repeated_token_also_stops_build_full_result() -> None:
    client, transport = make_client(lambda _: json_response(body={"nextToken": "again"}))
    async with client as ecr:
        with pytest.raises(PaginationError):
            await ecr.get_paginator("describe_repositories").paginate().build_full_result()
    assert len(transport.requests) == 2


async def test_empty_token_ends_the_listing() -> None:
    client, transport = make_client(
        lambda _: json_response(body={"imageIds": [{"imageTag": "a"}], "nextToken": ""})
    )
    async with client as ecr:
        pages = ecr.get_paginator("list_images").paginate(repository_name="repo")
        items = [i async for i in pages.items()]
    assert [i.image_tag for i in items] == ["a"]
    assert len(transport.requests) == 1
    assert pages.resume_token is None


# -- early exit ----------------------------------------------------------------


async def _settle() -> None:
    """Let any finalizer the loop scheduled run, then check nothing is left pending."""
    gc.collect()
    for _ in range(5):
        await asyncio.sleep(0)
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_breaking_out_of_pages_sends_nothing_more() -> None:
    client, transport = make_client(paged(image_pages(2, 2, 2)))
    async with client as ecr:
        async for page in ecr.get_paginator("list_images").paginate(repository_name="repo"):
            assert page.next_token == "tok-1"
            break
        await _settle()
        assert len(transport.requests) == 1


async def test_breaking_out_of_items_mid_page_sends_nothing_more() -> None:
    client, transport = make_client(paged(image_pages(3, 3)))
    async with client as ecr:
        pages = ecr.get_paginator("list_images").paginate(repository_name="repo")
        async for item in pages.items():
            assert item.image_tag == "p0-0"
            break
        await _settle()
        assert len(transport.requests) == 1
        assert pages.resume_token is None  # only max_items produces a resume token


async def test_nothing_is_sent_before_iteration_and_a_run_iterates_once() -> None:
    client, transport = make_client(paged(image_pages(1, 1)))
    async with client as ecr:
        pages = ecr.get_paginator("list_images").paginate(repository_name="repo")
        await asyncio.sleep(0)
        assert transport.requests == []
        assert len([p async for p in pages]) == 2
        with pytest.raises(RuntimeError, match="once"):
            async for _ in pages:
                pass
    assert len(transport.requests) == 2


# -- typed streams -------------------------------------------------------------


async def test_items_are_the_typed_result_models_across_pages() -> None:
    client, transport = make_client(paged(image_pages(2, 0, 3)))
    async with client as ecr:
        paginator = ecr.get_paginator("list_images")
        assert isinstance(paginator, ListImagesPaginator)
        pages = paginator.paginate(repository_name="repo", pagination_config={"page_size": 3})
        assert isinstance(pages, PageIterator)
        items = [item async for item in pages.items()]
    assert all(type(item) is ImageIdentifier for item in items)
    assert [i.image_tag for i in items] == ["p0-0", "p0-1", "p2-0", "p2-1", "p2-2"]
    assert [b.get("maxResults") for b in bodies(transport.requests)] == [3, 3, 3]
    assert [b.get("nextToken") for b in bodies(transport.requests)] == [None, "tok-1", "tok-2"]


async def test_describe_images_items_and_full_result() -> None:
    details = [
        {"imageDigest": f"sha256:{n}", "imageTags": [f"v{n}"], "imagePushedAt": 1_700_000_000 + n}
        for n in range(5)
    ]
    pages: list[Doc] = [
        {"imageDetails": details[:2], "nextToken": "tok-1"},
        {"imageDetails": details[2:]},
    ]
    client, _ = make_client(paged(pages))
    async with client as ecr:
        paginator = ecr.get_paginator("describe_images")
        items = [i async for i in paginator.paginate(repository_name="repo").items()]
        full = await paginator.paginate(
            repository_name="repo", pagination_config={"max_items": 3}
        ).build_full_result()
    assert all(type(i) is ImageDetail for i in items)
    assert [i.image_digest for i in items] == [f"sha256:{n}" for n in range(5)]
    assert [i.image_digest for i in full.image_details] == ["sha256:0", "sha256:1", "sha256:2"]
    assert full.next_token == encode_token({"nextToken": "tok-1", "boto_truncate_amount": 1})


SCAN_PAGES: list[Doc] = [
    {
        "registryId": "111122223333",
        "repositoryName": "repo",
        "imageId": {"imageDigest": "sha256:aa", "imageTag": "v1"},
        "imageScanStatus": {"status": "COMPLETE", "description": "first page"},
        "imageScanFindings": {
            "findingSeverityCounts": {"HIGH": 3, "LOW": 1},
            "findings": [{"name": "CVE-1", "severity": "HIGH"}, {"name": "CVE-2"}],
            "enhancedFindings": [{"findingArn": "arn:e1", "score": 7.5}],
        },
        "nextToken": "tok-1",
    },
    {
        "registryId": "111122223333",
        "repositoryName": "repo",
        "imageId": {"imageDigest": "sha256:aa", "imageTag": "v1"},
        "imageScanStatus": {"status": "COMPLETE", "description": "second page"},
        "imageScanFindings": {
            "findingSeverityCounts": {"HIGH": 99},
            "findings": [{"name": "CVE-3", "severity": "LOW"}],
            "enhancedFindings": [{"findingArn": "arn:e2"}, {"findingArn": "arn:e3"}],
        },
    },
]


def scan_pages(ecr: Any, **config: Unpack[PaginationConfig]) -> DescribeImageScanFindingsPages:
    paginator = ecr.get_paginator("describe_image_scan_findings")
    assert isinstance(paginator, DescribeImageScanFindingsPaginator)
    pages = paginator.paginate(
        repository_name="repo", image_id={"image_tag": "v1"}, pagination_config=config
    )
    assert isinstance(pages, DescribeImageScanFindingsPages)
    return pages


async def test_scan_findings_streams_both_result_keys() -> None:
    client, transport = make_client(paged(SCAN_PAGES))
    async with client as ecr:
        findings = [f async for f in scan_pages(ecr).findings()]
        enhanced = [f async for f in scan_pages(ecr).enhanced_findings()]
        items = [f async for f in scan_pages(ecr).items()]
    assert all(type(f) is ImageScanFinding for f in findings)
    assert all(type(f) is EnhancedImageScanFinding for f in enhanced)
    assert [f.name for f in findings] == ["CVE-1", "CVE-2", "CVE-3"]
    assert [f.name for f in items] == ["CVE-1", "CVE-2", "CVE-3"]
    assert [f.finding_arn for f in enhanced] == ["arn:e1", "arn:e2", "arn:e3"]
    assert enhanced[0].score == 7.5
    assert len(transport.requests) == 6
    assert bodies(transport.requests)[1] == {
        "repositoryName": "repo",
        "imageId": {"imageTag": "v1"},
        "nextToken": "tok-1",
    }


async def test_scan_findings_non_aggregate_keys_on_pages_and_full_result() -> None:
    client, _ = make_client(paged(SCAN_PAGES))
    async with client as ecr:
        pages = [p async for p in scan_pages(ecr)]
        full = await scan_pages(ecr).build_full_result()
    assert [p.image_scan_status.status for p in pages if p.image_scan_status] == [
        "COMPLETE",
        "COMPLETE",
    ]
    assert isinstance(full, DescribeImageScanFindingsResponse)
    # Non-aggregate keys come from the first page; result lists span every page.
    assert full.image_scan_status is not None
    assert full.image_scan_status.description == "first page"
    assert full.registry_id == "111122223333"
    assert full.image_id is not None and full.image_id.image_digest == "sha256:aa"
    assert full.image_scan_findings is not None
    assert full.image_scan_findings.finding_severity_counts == {"HIGH": 3, "LOW": 1}
    assert [f.name for f in full.image_scan_findings.findings] == ["CVE-1", "CVE-2", "CVE-3"]
    assert [f.finding_arn for f in full.image_scan_findings.enhanced_findings] == [
        "arn:e1",
        "arn:e2",
        "arn:e3",
    ]
    assert full.next_token is None
    assert "next_token" not in full.model_fields_set


async def test_scan_findings_resume_mid_page_clears_the_secondary_key() -> None:
    client, _ = make_client(paged(SCAN_PAGES))
    async with client as ecr:
        first = scan_pages(ecr, max_items=1)
        assert [f.name async for f in first.findings()] == ["CVE-1"]
        token = first.resume_token
        assert token == encode_token({"nextToken": None, "boto_truncate_amount": 1})
        full = await scan_pages(ecr, starting_token=token).build_full_result()
    assert full.image_scan_findings is not None
    assert [f.name for f in full.image_scan_findings.findings] == ["CVE-2", "CVE-3"]
    # The first page's enhanced findings went out with the first run.
    assert [f.finding_arn for f in full.image_scan_findings.enhanced_findings] == [
        "arn:e2",
        "arn:e3",
    ]


# -- argument errors -----------------------------------------------------------


def _b64(value: object) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "token",
    [
        "tok-1",  # a raw service token, not a resume token
        "not base64!",
        base64.b64encode(b"\xff\xfe").decode(),  # not UTF-8
        base64.b64encode(b"{not json").decode(),
        _b64(["nextToken", "tok-1"]),  # JSON, but not an object
        _b64({"Marker": "m-1"}),  # another paginator's token
        _b64({"nextToken": "tok-1", "extra": 1}),
        _b64({"nextToken": 5}),
        _b64({"nextToken": "tok-1", "boto_truncate_amount": "2"}),
        _b64({"nextToken": "tok-1", "boto_truncate_amount": -1}),
        _b64({"nextToken": "tok-1", "boto_truncate_amount": True}),
    ],
)
async def test_invalid_starting_token_is_value_error_before_any_request(token: str) -> None:
    client, transport = make_client(paged(image_pages(1)))
    async with client as ecr:
        with pytest.raises(ValueError, match="starting_token"):
            ecr.get_paginator("list_images").paginate(
                repository_name="repo", pagination_config={"starting_token": token}
            )
    assert transport.requests == []


async def test_valid_starting_tokens_resume() -> None:
    client, transport = make_client(paged(image_pages(3, 3)))
    async with client as ecr:
        paginator = ecr.get_paginator("list_images")
        resumed = [
            [
                i.image_tag
                async for i in paginator.paginate(
                    repository_name="repo", pagination_config={"starting_token": token}
                ).items()
            ]
            for token in (
                _b64({"nextToken": "tok-1"}),
                _b64({"nextToken": None, "boto_truncate_amount": 2}),
            )
        ]
    assert resumed == [["p1-0", "p1-1", "p1-2"], ["p0-2", "p1-0", "p1-1", "p1-2"]]
    assert [b.get("nextToken") for b in bodies(transport.requests)] == ["tok-1", None, "tok-1"]


async def test_unknown_pagination_config_key_is_type_error() -> None:
    client, transport = make_client(paged(image_pages(1)))
    async with client as ecr:
        with pytest.raises(TypeError, match="MaxItems"):
            ecr.get_paginator("list_images").paginate(
                repository_name="repo",
                pagination_config={"MaxItems": 5},  # type: ignore[arg-type]
            )
    assert transport.requests == []


async def test_get_paginator_unknown_operation_is_value_error() -> None:
    client, _ = make_client()
    async with client as ecr:
        with pytest.raises(ValueError, match="put_image"):
            ecr.get_paginator("put_image")  # type: ignore[call-overload]
        with pytest.raises(ValueError, match="ListImages"):
            ecr.get_paginator("ListImages")  # type: ignore[call-overload]


async def test_can_paginate() -> None:
    client, transport = make_client()
    paginated = {
        "describe_image_scan_findings",
        "describe_images",
        "describe_pull_through_cache_rules",
        "describe_repositories",
        "describe_repository_creation_templates",
        "get_lifecycle_policy_preview",
        "list_images",
    }
    async with client as ecr:
        for name in paginated:
            assert ecr.can_paginate(name)
            ecr.get_paginator(name)  # type: ignore[call-overload]
        for name in ("put_image", "list_tags_for_resource", "ListImages", "nope", ""):
            assert not ecr.can_paginate(name)
    assert transport.requests == []
