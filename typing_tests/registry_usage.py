"""Checked by mypy --strict and pyright strict, no plugins (never run): ecrkit.registry as
a user writes it, and the lines that must stay type errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import assert_type

from ecrkit import ECRClient
from ecrkit.public import ECRPublicClient
from ecrkit.registry import (
    DEFAULT_REFRESH_MARGIN,
    RegistryAuth,
    RegistryHost,
    RegistryLogin,
    parse_registry_host,
    registry_host,
    write_auth_entry,
)


class PublicAuthorizationData:
    authorization_token: str | None = None
    expires_at: datetime | None = None


class PublicAnswer:
    authorization_data: PublicAuthorizationData | None = None


class PublicClient:
    """Stands for ecrkit.public.ECRPublicClient: anything with this method fits."""

    async def get_authorization_token(self) -> PublicAnswer:
        return PublicAnswer()


async def logins(ecr: ECRClient) -> None:
    auth = RegistryAuth(ecr, refresh_margin=DEFAULT_REFRESH_MARGIN + timedelta(minutes=5))
    login = await auth.login("123456789012")
    assert_type(login, RegistryLogin)
    assert_type(login.password, str)
    assert_type(login.expires_at, datetime)
    assert_type(await auth.get_login_password(), str)
    assert_type(await auth.login_host("public.ecr.aws"), RegistryLogin)
    public = RegistryAuth(public_client=PublicClient(), now=lambda: datetime.now(UTC))
    assert_type(await public.login_public(), RegistryLogin)
    async with ECRPublicClient(region="us-east-1") as ecr_public:
        both = RegistryAuth(ecr, public_client=ecr_public)
        assert_type(await both.login_host("public.ecr.aws"), RegistryLogin)
    assert_type(write_auth_entry(login, "auth.json"), Path)
    host = parse_registry_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
    assert_type(host, RegistryHost)
    assert_type(host.account, str | None)
    assert_type(registry_host(host.account, host.region, fips=True), str)
    RegistryAuth(ecr, refresh_margin=30)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    RegistryAuth(ECRPublicClient())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
