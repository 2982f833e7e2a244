"""Checked by mypy --strict and pyright strict, no plugins (never run): ECRPublicClient as
a user writes it. The ``ignore`` lines must stay errors (unused ignores are errors)."""

from __future__ import annotations

from datetime import datetime
from typing import assert_type

from ecrkit.public import ECRPublicClient
from ecrkit.public.errors import RepositoryNotFoundException, ServiceError
from ecrkit.public.models import (
    AuthorizationData,
    DescribeImageTagsResponse,
    DescribeRepositoriesResponse,
    GetAuthorizationTokenResponse,
    ImageTagDetail,
    Repository,
    RepositoryCatalogDataInput,
    RepositoryCatalogDataInputDict,
)
from ecrkit.public.paginators import (
    DescribeImageTagsPaginator,
    DescribeRepositoriesPaginator,
    PageIterator,
)


async def login(ecr_public: ECRPublicClient) -> str | None:
    resp = await ecr_public.get_authorization_token()
    assert_type(resp, GetAuthorizationTokenResponse)
    data = resp.authorization_data
    assert_type(data, AuthorizationData | None)
    if data is None:
        return None
    assert_type(data.expires_at, datetime | None)
    return data.authorization_token


async def calls(ecr_public: ECRPublicClient) -> None:
    async with ECRPublicClient(region="us-east-1") as client:
        repos = await client.describe_repositories(repository_names=["web"], max_results=10)
        assert_type(repos, DescribeRepositoriesResponse)
        assert_type(repos.repositories, list[Repository])
    catalog: RepositoryCatalogDataInputDict = {"description": "web", "architectures": ["ARM"]}
    await ecr_public.create_repository(repository_name="web", catalog_data=catalog)
    await ecr_public.create_repository(
        repository_name="web", catalog_data=RepositoryCatalogDataInput(description="web")
    )
    try:
        await ecr_public.delete_repository(repository_name="web", force=True)
    except RepositoryNotFoundException as exc:
        assert_type(exc.code, str)
    except ServiceError:
        pass


async def paginators(ecr_public: ECRPublicClient) -> None:
    paginator = ecr_public.get_paginator("describe_image_tags")
    assert_type(paginator, DescribeImageTagsPaginator)
    pages = paginator.paginate(repository_name="web")
    assert_type(pages, PageIterator[DescribeImageTagsResponse, ImageTagDetail])
    async for tag in pages.items():
        assert_type(tag, ImageTagDetail)
    assert_type(ecr_public.get_paginator("describe_repositories"), DescribeRepositoriesPaginator)


async def must_stay_errors(ecr_public: ECRPublicClient) -> None:
    await ecr_public.describe_image_tags()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr_public.describe_image_tags(repository_name=42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ecr_public.get_authorization_token(registry_id="1")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr_public.describe_images(repository_name="web", bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr_public.list_images(repository_name="web")  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ecr_public.get_paginator("list_images")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
