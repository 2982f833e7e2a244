"""Checked by mypy --strict and pyright strict, no plugins (never run): paginators and
waiters as a user writes them."""

from __future__ import annotations

from typing import assert_type

from ecrkit import ECRClient
from ecrkit.errors import (
    ServiceError,
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)
from ecrkit.models import (
    DescribeImageScanFindingsResponse,
    DescribeImagesResponse,
    EnhancedImageScanFinding,
    GetLifecyclePolicyPreviewResponse,
    ImageDetail,
    ImageIdentifier,
    ImageScanFinding,
    ImageScanStatus,
    ListImagesResponse,
    ScanStatusValue,
)
from ecrkit.paginators import (
    DescribeImageScanFindingsPages,
    DescribeImageScanFindingsPaginator,
    DescribeImagesPaginator,
    ListImagesPaginator,
    PageIterator,
    PaginationConfig,
)
from ecrkit.waiters import (
    ImageScanCompleteWaiter,
    LifecyclePolicyPreviewCompleteWaiter,
    WaiterConfig,
)


async def paginators(ecr: ECRClient) -> None:
    paginator = ecr.get_paginator("describe_images")
    assert_type(paginator, DescribeImagesPaginator)
    config: PaginationConfig = {"page_size": 100, "max_items": 250}
    pages = paginator.paginate(repository_name="api", pagination_config=config)
    assert_type(pages, PageIterator[DescribeImagesResponse, ImageDetail])
    async for page in pages:
        assert_type(page, DescribeImagesResponse)
        assert_type(page.next_token, str | None)
    assert_type(pages.resume_token, str | None)

    async for image in paginator.paginate(repository_name="api").items():
        assert_type(image, ImageDetail)

    full = await paginator.paginate(
        repository_name="api", pagination_config={"starting_token": "..."}
    ).build_full_result()
    assert_type(full, DescribeImagesResponse)
    assert_type(full.next_token, str | None)
    assert_type(full.image_details, list[ImageDetail])

    listing = ecr.get_paginator("list_images")
    assert_type(listing, ListImagesPaginator)
    async for image_id in listing.paginate(repository_name="api").items():
        assert_type(image_id, ImageIdentifier)
    async for list_page in listing.paginate(repository_name="api"):
        assert_type(list_page, ListImagesResponse)


async def scan_findings(ecr: ECRClient) -> None:
    paginator = ecr.get_paginator("describe_image_scan_findings")
    assert_type(paginator, DescribeImageScanFindingsPaginator)
    pages = paginator.paginate(repository_name="api", image_id=ImageIdentifier(image_tag="v1"))
    assert_type(pages, DescribeImageScanFindingsPages)
    async for finding in pages.findings():
        assert_type(finding, ImageScanFinding)
    async for enhanced in paginator.paginate(
        repository_name="api", image_id={"image_tag": "v1"}
    ).enhanced_findings():
        assert_type(enhanced, EnhancedImageScanFinding)
    async for page in paginator.paginate(repository_name="api", image_id={"image_tag": "v1"}):
        assert_type(page, DescribeImageScanFindingsResponse)
        if page.image_scan_status is not None:
            assert_type(page.image_scan_status.status, ScanStatusValue | str | None)
    full = await paginator.paginate(
        repository_name="api", image_id={"image_tag": "v1"}
    ).build_full_result()
    assert_type(full, DescribeImageScanFindingsResponse)


async def waiters(ecr: ECRClient) -> None:
    waiter = ecr.get_waiter("image_scan_complete")
    assert_type(waiter, ImageScanCompleteWaiter)
    result = await waiter.wait(repository_name="api", image_id={"image_tag": "v1"})
    assert_type(result, DescribeImageScanFindingsResponse)

    config: WaiterConfig = {"min_delay": 2, "max_delay": 120, "max_wait": 300}
    preview = ecr.get_waiter("lifecycle_policy_preview_complete")
    assert_type(preview, LifecyclePolicyPreviewCompleteWaiter)
    assert_type(
        await preview.wait(repository_name="api", waiter_config=config),
        GetLifecyclePolicyPreviewResponse,
    )


async def waiter_errors(ecr: ECRClient) -> None:
    waiter = ecr.get_waiter("image_scan_complete")
    try:
        await waiter.wait(repository_name="api", image_id={"image_tag": "v1"})
    except WaiterTimeoutError as exc:
        assert_type(exc.attempts, int)
        assert_type(exc.reason, str)
        last = exc.last_response  # the polled operation's response, or None
        if isinstance(last, DescribeImageScanFindingsResponse):
            assert_type(last.image_scan_status, ImageScanStatus | None)
    except (WaiterFailureError, WaiterUnexpectedError) as exc:
        assert_type(exc.last_error, ServiceError | None)
    except WaiterError as exc:
        assert_type(exc.waiter_name, str)


async def mistakes(ecr: ECRClient) -> None:
    """Each line must be a type error in both checkers (see client_usage.py)."""
    ecr.get_paginator("put_image")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    ecr.get_waiter("nope")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    ecr.get_paginator("list_images").paginate(
        repository_name="api",
        pagination_config={"MaxItems": 5},  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    )
    ecr.get_paginator("describe_images").paginate(repository_name="api", next_token="t")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr.get_waiter("image_scan_complete").wait(repository_name="api")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr.get_waiter("image_scan_complete").wait(
        repository_name="api",
        image_id={"image_tag": "v1"},
        waiter_config={"delay": 5, "tries": 3},  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    )
