"""The credential helper's cache-miss path: a token from ECR (or ECR Public) through ecrkit."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from ._login import RegistryAuth, RegistryLogin
from ._settings import Target

__all__ = ["fetch_login"]


def _public_client(profile: str | None) -> Any:
    """ECR Public's client in us-east-1 (``ecrkit.public``), or a clear error without it."""
    try:
        public = importlib.import_module("ecrkit.public")
    except ImportError:
        raise RuntimeError("this ecrkit has no ECR Public client (ecrkit.public)") from None
    return public.ECRPublicClient(region="us-east-1", profile=profile)


async def _login(target: Target) -> RegistryLogin:
    if target.account is None:
        async with _public_client(target.profile) as public:
            return await RegistryAuth(public_client=public).login_public()
    from ecrkit import ECRClient

    async with ECRClient(region=target.region, profile=target.profile) as ecr:
        return await RegistryAuth(ecr).login(target.account)


def fetch_login(target: Target) -> RegistryLogin:
    """A fresh login for ``target`` (blocking: the helper is a one-shot program)."""
    return asyncio.run(_login(target))
