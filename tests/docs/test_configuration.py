"""docs/configuration.md's settings table: each row's environment variable, profile key
and default are what the code does. A row without a check here fails the test, so
a new setting needs both its row and its check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ecrkit import ClientConfig, ECRClient
from ecrkit._credentials import EnvProvider, configured_endpoint_url, resolve_region
from ecrkit.errors import EndpointResolutionError
from tests.docs._blocks import ROOT

PAGE = ROOT / "docs" / "configuration.md"
Env = pytest.MonkeyPatch


def table() -> dict[str, list[str]]:
    """Setting -> its cells, from the page's first table whose header starts with Setting."""
    rows: dict[str, list[str]] = {}
    lines = PAGE.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Setting |"))
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows[cells[0]] = cells
    return rows


def profile(tmp_path: Path, env: Env, body: str) -> None:
    config = tmp_path / "config"
    config.write_text(body)
    env.setenv("AWS_CONFIG_FILE", str(config))


async def check_region(tmp_path: Path, env: Env) -> None:
    env.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    assert await resolve_region(None, None) == "eu-central-1"
    env.setenv("AWS_REGION", "eu-west-3")
    assert await resolve_region(None, None) == "eu-west-3"  # AWS_REGION first
    assert await resolve_region("us-west-2", None) == "us-west-2"
    env.delenv("AWS_REGION")
    env.delenv("AWS_DEFAULT_REGION")
    profile(tmp_path, env, "[profile p]\nregion = ap-south-1\n")
    assert await resolve_region(None, "p") == "ap-south-1"
    assert await resolve_region(None, None) is None
    with pytest.raises(EndpointResolutionError):  # no region anywhere: the first call fails
        async with ECRClient() as ecr:
            await ecr.describe_repositories()


async def check_profile(tmp_path: Path, env: Env) -> None:
    profile(tmp_path, env, "[default]\nregion = us-east-2\n[profile p]\nregion = sa-east-1\n")
    assert await resolve_region(None, None) == "us-east-2"  # the default profile
    env.setenv("AWS_PROFILE", "p")
    assert await resolve_region(None, None) == "sa-east-1"


async def check_credentials(tmp_path: Path, env: Env) -> None:
    assert await EnvProvider().load() is None
    env.setenv("AWS_ACCESS_KEY_ID", "AKID")
    env.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    env.setenv("AWS_SESSION_TOKEN", "token")
    env.setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z")
    creds = await EnvProvider().load()
    assert creds is not None and creds.session_token == "token" and creds.expiration


async def check_endpoint_url(tmp_path: Path, env: Env) -> None:
    profile(tmp_path, env, "[default]\nendpoint_url = http://127.0.0.1:1\n")
    assert configured_endpoint_url() is None  # the profile key is not read
    env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")
    assert configured_endpoint_url() == ("http://127.0.0.1:2", "AWS_ENDPOINT_URL")
    env.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:3")
    assert configured_endpoint_url() == ("http://127.0.0.1:3", "AWS_ENDPOINT_URL_ECR")
    env.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert configured_endpoint_url() is None


def _config_check(
    field: str, variable: str | None, value: str, expected: object, default: object
) -> Callable[[Path, Env], object]:
    async def check(tmp_path: Path, env: Env) -> None:
        profile(tmp_path, env, f"[default]\n{field} = {value}\n")
        assert getattr(ClientConfig().resolved(), field) == default  # profile key not read
        if variable:
            env.setenv(variable, value)
            assert getattr(ClientConfig().resolved(), field) == expected

    return check


async def check_legacy_retry_mode(tmp_path: Path, env: Env) -> None:
    env.setenv("AWS_RETRY_MODE", "legacy")
    assert ClientConfig().resolved().retry_mode == "standard"


async def check_session(tmp_path: Path, env: Env) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with ECRClient(region="eu-west-1", session=http):
            pass
        assert not http.closed


CHECKS: dict[str, Callable[[Path, Env], object]] = {
    "region": check_region,
    "profile": check_profile,
    "credentials": check_credentials,
    "endpoint_url": check_endpoint_url,
    "use_fips_endpoint": _config_check(
        "use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT", "true", True, False
    ),
    "use_dualstack_endpoint": _config_check(
        "use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT", "true", True, False
    ),
    "retry_mode": _config_check("retry_mode", "AWS_RETRY_MODE", "adaptive", "adaptive", "standard"),
    "max_attempts": _config_check("max_attempts", "AWS_MAX_ATTEMPTS", "7", 7, 3),
    "connect_timeout": _config_check("connect_timeout", None, "1", None, 10.0),
    "read_timeout": _config_check("read_timeout", None, "1", None, 60.0),
    "total_timeout": _config_check("total_timeout", None, "1", None, None),
    "max_pool_connections": _config_check("max_pool_connections", None, "1", None, 100),
    "max_response_bytes": _config_check("max_response_bytes", None, "1", None, 64 * 1024 * 1024),
    "credentials_timeout": _config_check("credentials_timeout", None, "1", None, 60.0),
    "session": check_session,
}


def test_every_row_has_a_check() -> None:
    assert sorted(table()) == sorted(CHECKS)


#: The variables each row names (its check sets exactly these); other rows say "none".
VARIABLES = {
    "region": ("AWS_REGION", "AWS_DEFAULT_REGION"),
    "profile": ("AWS_PROFILE",),
    "credentials": (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ),
    "endpoint_url": (
        "AWS_ENDPOINT_URL_ECR",
        "AWS_ENDPOINT_URL",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    ),
    "use_fips_endpoint": ("AWS_USE_FIPS_ENDPOINT",),
    "use_dualstack_endpoint": ("AWS_USE_DUALSTACK_ENDPOINT",),
    "retry_mode": ("AWS_RETRY_MODE",),
    "max_attempts": ("AWS_MAX_ATTEMPTS",),
}
#: Rows whose profile key the code reads (the others say "not read").
FROM_PROFILE = frozenset({"region", "profile", "credentials"})


@pytest.mark.parametrize("setting", sorted(CHECKS))
async def test_row(setting: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = table()[setting]
    if setting in VARIABLES:
        for variable in VARIABLES[setting]:
            assert f"`{variable}" in row[2], f"{setting}: the page should name {variable}"
    else:
        assert row[2] == "none", setting
    assert (row[3] == "not read") == (setting not in FROM_PROFILE), setting
    await CHECKS[setting](tmp_path, monkeypatch)  # type: ignore[misc]
    if setting == "retry_mode":
        assert "`legacy` means `standard`" in row[2]
        await check_legacy_retry_mode(tmp_path, monkeypatch)
