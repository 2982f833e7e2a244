"""The credential helper's cache-miss path: a token from ECR (or ECR Public) through ecrkit."""

from __future__ import annotations

import asyncio

from ._login import RegistryAuth, RegistryLogin
from ._settings import Target

__all__ = ["fetch_login"]


async def _login(target: Target) -> RegistryLogin:
    if target.account is None:  # public.ecr.aws: ECR Public's own token, from us-east-1
        from ecrkit.public import ECRPublicClient

        async with ECRPublicClient(region="us-east-1", profile=target.profile) as public:
            return await RegistryAuth(public_client=public).login_public()
    from ecrkit import ECRClient

    async with ECRClient(region=target.region, profile=target.profile) as ecr:
        return await RegistryAuth(ecr).login(target.account)


def fetch_login(target: Target) -> RegistryLogin:
    """A fresh login for ``target`` (blocking: the helper is a one-shot program)."""
    return asyncio.run(_login(target))
