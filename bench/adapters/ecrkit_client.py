"""ecrkit: the typed client, fixed credentials, the generated ListImages paginator."""

from __future__ import annotations

from typing import Any

from ecrkit import Credentials, ECRClient

from .common import ACCESS_KEY, REGION, REPOSITORY, SCANNED_DIGEST, SECRET_KEY

__all__ = ["Adapter"]


class Adapter:
    """ECRClient with ``endpoint_url`` and fixed credentials; default config otherwise."""

    def __init__(self) -> None:
        self._client: ECRClient | None = None

    async def setup(self, endpoint: str, **overrides: Any) -> None:
        """``overrides``: more ECRClient arguments (the fairness check's transport and clock)."""
        self._client = ECRClient(
            region=REGION,
            endpoint_url=endpoint,
            credentials=Credentials(ACCESS_KEY, SECRET_KEY),
            **overrides,
        )

    @property
    def client(self) -> ECRClient:
        assert self._client is not None, "setup() first"
        return self._client

    async def describe_images(self) -> int:
        resp = await self.client.describe_images(repository_name=REPOSITORY)
        return sum([d.image_size_in_bytes or 0 for d in resp.image_details])

    async def list_all_image_ids(self) -> int:
        count = 0
        pages = self.client.get_paginator("list_images").paginate(repository_name=REPOSITORY)
        async for page in pages:
            count += len([i for i in page.image_ids if i.image_digest])
        return count

    async def scan_findings(self) -> int:
        resp = await self.client.describe_image_scan_findings(
            repository_name=REPOSITORY, image_id={"image_digest": SCANNED_DIGEST}
        )
        assert resp.image_scan_findings is not None
        return len([f for f in resp.image_scan_findings.findings if f.severity])

    async def get_token(self) -> str:
        resp = await self.client.get_authorization_token()
        token = resp.authorization_data[0].authorization_token
        assert token is not None
        return token

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()
