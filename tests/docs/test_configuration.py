"""docs/configuration.md's settings table: each row's environment variable, profile key
and default are what the code does. A row without a check here fails the test, so
a new setting needs both its row and its check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import ecrkit
from ecrkit import ClientConfig, ECRClient
from ecrkit._credentials import EnvProvider
from ecrkit._setup import Prepared, prepare
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


def prepared(
    region: str | None = None,
    profile: str | None = None,
    config: ClientConfig | None = None,
    endpoint_url: str | None = None,
) -> Prepared:
    """What a client's one-time set-up resolves (the code path of the first call)."""
    config = config or ClientConfig()
    svc = ECRClient._service
    return prepare(
        service_id=svc.service_id,
        ruleset=svc.ruleset,
        partitions=svc.partitions,
        region_arg=region,
        endpoint_arg=endpoint_url,
        profile=profile,
        given=config,
        resolved=config.resolved(),
        sdk=("ecrkit", ecrkit.__version__),
    )


def region_of(profile: str | None = None) -> str | None:
    try:
        return prepared(profile=profile).region
    except EndpointResolutionError:
        return None


async def check_region(tmp_path: Path, env: Env) -> None:
    env.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    assert region_of() == "eu-central-1"
    env.setenv("AWS_REGION", "eu-west-3")
    assert region_of() == "eu-west-3"  # AWS_REGION first
    assert prepared(region="us-west-2").region == "us-west-2"
    env.delenv("AWS_REGION")
    env.delenv("AWS_DEFAULT_REGION")
    profile(tmp_path, env, "[profile p]\nregion = ap-south-1\n")
    assert region_of("p") == "ap-south-1"
    assert region_of() is None
    with pytest.raises(EndpointResolutionError):  # no region anywhere: the first call fails
        async with ECRClient() as ecr:
            await ecr.describe_repositories()


async def check_profile(tmp_path: Path, env: Env) -> None:
    profile(tmp_path, env, "[default]\nregion = us-east-2\n[profile p]\nregion = sa-east-1\n")
    assert region_of() == "us-east-2"  # the default profile
    env.setenv("AWS_PROFILE", "p")
    assert region_of() == "sa-east-1"


async def check_credentials(tmp_path: Path, env: Env) -> None:
    assert await EnvProvider().load() is None
    env.setenv("AWS_ACCESS_KEY_ID", "AKID")
    env.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    env.setenv("AWS_SESSION_TOKEN", "token")
    env.setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z")
    creds = await EnvProvider().load()
    assert creds is not None and creds.session_token == "token" and creds.expiration


async def check_endpoint_url(tmp_path: Path, env: Env) -> None:
    rules = "https://api.ecr.eu-west-1.amazonaws.com/"
    profile(tmp_path, env, "[default]\nendpoint_url = http://127.0.0.1:1\n")
    assert prepared("eu-west-1").url == "http://127.0.0.1:1/"  # the profile's
    profile(
        tmp_path,
        env,
        "[default]\nendpoint_url = http://127.0.0.1:1\nservices = s\n"
        "[services s]\necr =\n  endpoint_url = http://127.0.0.1:4\n",
    )
    assert prepared("eu-west-1").url == "http://127.0.0.1:4/"  # its services section first
    env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")
    assert prepared("eu-west-1").url == "http://127.0.0.1:2/"
    env.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:3")
    assert prepared("eu-west-1").url == "http://127.0.0.1:3/"
    assert prepared("eu-west-1", endpoint_url="http://127.0.0.1:5").url == "http://127.0.0.1:5/"
    env.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert prepared("eu-west-1").url == rules


def _config_check(
    field: str,
    variable: str | None,
    value: str,
    expected: object,
    default: object,
    from_profile: object = None,
) -> Callable[[Path, Env], object]:
    """The default; the profile's value where ``from_profile`` says what it gives (else
    the key is not read); the environment's over the profile's."""

    async def check(tmp_path: Path, env: Env) -> None:
        assert getattr(prepared("eu-west-1").config, field) == default
        profile(tmp_path, env, f"[default]\n{field} = {value}\n")
        seen = getattr(prepared("eu-west-1").config, field)
        assert seen == (default if from_profile is None else from_profile)
        if variable:
            env.setenv(variable, value)
            assert getattr(prepared("eu-west-1").config, field) == expected

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


async def check_proxies(tmp_path: Path, env: Env) -> None:
    assert prepared("eu-west-1").network.proxy is None
    env.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    proxy = prepared("eu-west-1").network.proxy
    assert proxy is not None and proxy.url == "http://127.0.0.1:3128"
    env.setenv("NO_PROXY", "amazonaws.com")
    assert prepared("eu-west-1").network.proxy is None
    env.delenv("NO_PROXY")
    explicit = ClientConfig(proxies={"https": "http://127.0.0.1:8080"})
    chosen = prepared("eu-west-1", config=explicit).network.proxy
    assert chosen is not None and chosen.url == "http://127.0.0.1:8080"  # over the environment
    assert prepared("eu-west-1", config=ClientConfig(proxies={})).network.proxy is None


async def check_proxy_headers(tmp_path: Path, env: Env) -> None:
    config = ClientConfig(
        proxies={"https": "http://user:pw@127.0.0.1:3128"}, proxy_headers={"X-Proxy": "1"}
    )
    proxy = prepared("eu-west-1", config=config).network.proxy
    assert proxy is not None and proxy.url == "http://127.0.0.1:3128"
    assert proxy.headers["X-Proxy"] == "1" and "Proxy-Authorization" in proxy.headers


async def check_verify(tmp_path: Path, env: Env) -> None:
    import ssl

    from tests.network._servers import make_pki

    ca = str(make_pki(tmp_path).ca_file)
    assert prepared("eu-west-1").network.ssl is None  # the system trust store
    profile(tmp_path, env, "[default]\nca_bundle = /nonexistent/profile.pem\n")
    with pytest.raises(ValueError, match=r"profile .default.*profile\.pem"):
        prepared("eu-west-1")
    env.setenv("AWS_CA_BUNDLE", "/nonexistent/env.pem")
    with pytest.raises(ValueError, match="AWS_CA_BUNDLE"):
        prepared("eu-west-1")
    context = prepared("eu-west-1", config=ClientConfig(verify=ca)).network.ssl
    assert isinstance(context, ssl.SSLContext)  # the argument wins over both
    env.setenv("AWS_CA_BUNDLE", ca)
    assert isinstance(prepared("eu-west-1").network.ssl, ssl.SSLContext)


async def check_user_agent_appid(tmp_path: Path, env: Env) -> None:
    assert " app/" not in prepared("eu-west-1").network.user_agent
    profile(tmp_path, env, "[default]\nsdk_ua_app_id = from-profile\n")
    assert "app/from-profile" in prepared("eu-west-1").network.user_agent
    env.setenv("AWS_SDK_UA_APP_ID", "from-env")
    assert "app/from-env" in prepared("eu-west-1").network.user_agent
    argument = ClientConfig(user_agent_appid="from-arg")
    assert "app/from-arg" in prepared("eu-west-1", config=argument).network.user_agent


async def check_user_agent_extra(tmp_path: Path, env: Env) -> None:
    agent = prepared("eu-west-1", config=ClientConfig(user_agent_extra="team/x")).network
    assert agent.user_agent.startswith(f"ecrkit/{ecrkit.__version__} ")
    assert agent.user_agent.endswith(" team/x")


CHECKS: dict[str, Callable[[Path, Env], object]] = {
    "region": check_region,
    "profile": check_profile,
    "credentials": check_credentials,
    "endpoint_url": check_endpoint_url,
    "use_fips_endpoint": _config_check(
        "use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT", "true", True, False, True
    ),
    "use_dualstack_endpoint": _config_check(
        "use_dualstack_endpoint", "AWS_USE_DUALSTACK_ENDPOINT", "true", True, False, True
    ),
    "retry_mode": _config_check(
        "retry_mode", "AWS_RETRY_MODE", "adaptive", "adaptive", "standard", "adaptive"
    ),
    "max_attempts": _config_check("max_attempts", "AWS_MAX_ATTEMPTS", "7", 7, 3, 7),
    "connect_timeout": _config_check("connect_timeout", None, "1", None, 10.0),
    "read_timeout": _config_check("read_timeout", None, "1", None, 60.0),
    "total_timeout": _config_check("total_timeout", None, "1", None, None),
    "max_pool_connections": _config_check("max_pool_connections", None, "1", None, 100),
    "max_response_bytes": _config_check("max_response_bytes", None, "1", None, 64 * 1024 * 1024),
    "credentials_timeout": _config_check("credentials_timeout", None, "1", None, 60.0),
    "session": check_session,
    "proxies": check_proxies,
    "proxy_headers": check_proxy_headers,
    "verify": check_verify,
    "user_agent_appid": check_user_agent_appid,
    "user_agent_extra": check_user_agent_extra,
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
    "proxies": ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"),
    "verify": ("AWS_CA_BUNDLE",),
    "user_agent_appid": ("AWS_SDK_UA_APP_ID",),
}
#: Rows whose profile key the code reads (the others say "not read").
FROM_PROFILE = frozenset(
    {
        "region",
        "profile",
        "credentials",
        "endpoint_url",
        "use_fips_endpoint",
        "use_dualstack_endpoint",
        "retry_mode",
        "max_attempts",
        "verify",
        "user_agent_appid",
    }
)


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
