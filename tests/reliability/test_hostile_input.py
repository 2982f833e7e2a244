"""Hostile configuration and a hostile server's clock: a clear error, nothing sent.

- Regions and endpoint URLs (``region=``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, a
  profile, ``endpoint_url=``, ``AWS_ENDPOINT_URL[_ECR]``) are checked before endpoint
  resolution: a region that would move the signed request to another host (the
  server here stands for that host, on 127.0.0.1) never reaches it.
- A skew-type error whose ``Date`` is years away is not adopted as a clock offset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrkit import ECRClient
from ecrkit.errors import EcrkitError, EndpointResolutionError
from tests.faults import FaultServer

from ._support import CREDENTIALS, open_client

#: Each would put something other than a host label into ``api.ecr.{Region}...``.
BAD_REGIONS = [
    "evil.example/",
    "x@127.0.0.1:8443#",
    "us-east-1?x=",
    "us-east-1#",
    "us-east-1.evil.example",
    "-us-east-1",
    "us-east-1-",
    "a" * 64,
    "us-east-1\n",
    "us east 1",
    "us-éast-1",
]


def _hijacking_region(server: FaultServer) -> str:
    """A region that, pasted into the host, sends the request to ``server``."""
    return f"x@{server.url.removeprefix('http://')}#"


@pytest.mark.parametrize("region", BAD_REGIONS)
def test_bad_region_argument_fails_at_construction(region: str) -> None:
    with pytest.raises(EndpointResolutionError, match=r"Invalid region .* from region=") as info:
        ECRClient(region=region, credentials=CREDENTIALS)
    assert isinstance(info.value, ValueError)
    assert "host label" in str(info.value)


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
async def test_bad_region_from_the_environment_sends_nothing(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, _hijacking_region(faults))
    async with ECRClient(credentials=CREDENTIALS) as ecr:
        with pytest.raises(EndpointResolutionError, match=f"from {variable}:"):
            await ecr.describe_repositories()
        with pytest.raises(EndpointResolutionError):
            await ecr.generate_presigned_url("describe_repositories")
    assert faults.requests == []


async def test_bad_region_from_a_profile_sends_nothing(
    faults: FaultServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile hostile]\nregion = {_hijacking_region(faults)}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    async with ECRClient(credentials=CREDENTIALS, profile="hostile") as ecr:
        with pytest.raises(EndpointResolutionError, match="profile 'hostile'"):
            await ecr.describe_repositories()
    assert faults.requests == []


BAD_ENDPOINTS = [
    ("ftp://127.0.0.1:21", "scheme"),
    ("127.0.0.1:4566", "scheme"),
    ("http://user:hunter2@127.0.0.1:4566", "user info"),
    ("http://token@127.0.0.1:4566", "user info"),
    ("http://127.0.0.1:99999", "does not parse"),
    ("http://127.0.0.1:http", "does not parse"),
    ("http://127.0.0.1:0", "port"),
    ("http://[::1", "does not parse"),
    ("http:///only-a-path", "no host"),
    ("http://127.0.0.1:4566/a b", "whitespace"),
    ("http://127.0.0.1:4566/a\r\nX-Injected: 1", "whitespace"),
    ("http://127.0.0.1:4566/a\x00", "control"),
    ("http://127.0.0.1:4566/\u00e9", "non-ASCII"),
    ("http://127.0.0.1:4566/?x=1", "query"),
    ("http://127.0.0.1:4566/#frag", "fragment"),
]


@pytest.mark.parametrize(("url", "why"), BAD_ENDPOINTS)
def test_bad_endpoint_url_fails_at_construction(url: str, why: str) -> None:
    with pytest.raises(EndpointResolutionError, match="from endpoint_url=") as info:
        ECRClient(region="us-east-1", endpoint_url=url, credentials=CREDENTIALS)
    assert isinstance(info.value, ValueError) and isinstance(info.value, EcrkitError)
    assert why in str(info.value)
    assert "hunter2" not in str(info.value) and "token@" not in str(info.value)


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL"])
def test_bad_endpoint_url_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "http://user:hunter2@127.0.0.1:4566")
    with pytest.raises(EndpointResolutionError, match=f"from {variable}:") as info:
        ECRClient(region="us-east-1", credentials=CREDENTIALS)
    assert "***@127.0.0.1:4566" in str(info.value) and "hunter2" not in str(info.value)


async def test_a_good_endpoint_url_still_works(faults: FaultServer) -> None:
    async with open_client(faults) as ecr:
        await ecr.describe_repositories()
    assert len(faults.requests) == 1
