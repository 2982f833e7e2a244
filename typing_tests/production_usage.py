"""Checked by mypy --strict (never run): proxies, TLS, a custom provider, with_options."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from typing import assert_type

from ecrkit import ClientConfig, CredentialProvider, Credentials, ECRClient
from ecrkit.models import DescribeImagesResponse


class Vault:
    async def load(self) -> Credentials:
        return Credentials("AKID", "secret", "token", datetime.now(UTC) + timedelta(hours=1))


async def usage() -> None:
    provider: CredentialProvider = Vault()
    config = ClientConfig(
        proxies={"https": "http://proxy.internal:3128"},
        proxy_headers={"X-Proxy-Tenant": "build"},
        verify=ssl.create_default_context(cafile="/etc/corp/ca.pem"),
        user_agent_appid="billing",
        user_agent_extra="my-tool/1.2",
    )
    async with ECRClient(region="eu-west-1", credentials=provider, config=config) as ecr:
        quick = ecr.with_options(read_timeout=5, max_attempts=1, extra_headers={"X-Job": "gc"})
        assert_type(quick, ECRClient)
        assert_type(await quick.describe_images(repository_name="api"), DescribeImagesResponse)
        unbounded = ecr.with_options(total_timeout=None, retry_mode="adaptive")
        assert_type(unbounded, ECRClient)
    ECRClient(config=ClientConfig(verify="/etc/corp/ca.pem"))
