"""aiobotocore: ``get_session().create_client("ecr", ...)`` and its ListImages paginator.

The pool is raised to 100 connections (botocore's default is 10) so the
64-task scenario compares like with like: ecrkit and the floor pool 100.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from aiobotocore.session import get_session
from botocore.config import Config

from .common import ACCESS_KEY, REGION, REPOSITORY, SCANNED_DIGEST, SECRET_KEY

__all__ = ["Adapter"]


class Adapter:
    """An aiobotocore ECR client with fixed credentials."""

    def __init__(self) -> None:
        self._stack = AsyncExitStack()
        self._client: Any = None

    async def setup(self, endpoint: str) -> None:
        self._client = await self._stack.enter_async_context(
            get_session().create_client(
                "ecr",
                endpoint_url=endpoint,
                region_name=REGION,
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
                config=Config(max_pool_connections=100),
            )
        )

    async def describe_images(self) -> int:
        resp = await self._client.describe_images(repositoryName=REPOSITORY)
        return sum([d["imageSizeInBytes"] for d in resp["imageDetails"]])

    async def list_all_image_ids(self) -> int:
        count = 0
        paginator = self._client.get_paginator("list_images")
        async for page in paginator.paginate(repositoryName=REPOSITORY):
            count += len([i for i in page["imageIds"] if i["imageDigest"]])
        return count

    async def scan_findings(self) -> int:
        resp = await self._client.describe_image_scan_findings(
            repositoryName=REPOSITORY, imageId={"imageDigest": SCANNED_DIGEST}
        )
        return len([f for f in resp["imageScanFindings"]["findings"] if f["severity"]])

    async def get_token(self) -> str:
        resp = await self._client.get_authorization_token()
        token: str = resp["authorizationData"][0]["authorizationToken"]
        return token

    async def close(self) -> None:
        self._client = None
        await self._stack.aclose()
