"""RegistryAuth: decoding, the per-registry cache, single flight, refresh at the margin,
the stale-on-failure rule, ECR Public's seam, and the auth-file writer; then against LocalECR."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ecrkit import ECRClient
from ecrkit.models import GetAuthorizationTokenResponse
from ecrkit.registry import (
    DEFAULT_REFRESH_MARGIN,
    RegistryAuth,
    RegistryLogin,
    RegistryLoginError,
    decode_authorization_token,
    write_auth_entry,
)
from ecrkit.testing import LocalECR

PASSWORD = "eyJwYXlsb2FkIjoiU0VDUkVULVJFR0lTVFJZLVBBU1NXT1JEIn0="
T0 = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
ENDPOINT = "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def token(user: str = "AWS", password: str = PASSWORD) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class FakeECR:
    """GetAuthorizationToken that counts its calls; ``gate`` holds them until set."""

    def __init__(self, clock: Clock, lifetime: timedelta = timedelta(hours=12)) -> None:
        self.calls: list[Sequence[str] | None] = []
        self.clock = clock
        self.lifetime = lifetime
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail: Exception | None = None
        self.password = PASSWORD

    async def get_authorization_token(
        self, *, registry_ids: Sequence[str] | None = None
    ) -> GetAuthorizationTokenResponse:
        self.calls.append(registry_ids)
        await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        account = registry_ids[0] if registry_ids else "123456789012"
        body = {
            "authorizationData": [
                {
                    "authorizationToken": token(password=self.password),
                    "expiresAt": (self.clock.now + self.lifetime).timestamp(),
                    "proxyEndpoint": f"https://{account}.dkr.ecr.eu-west-1.amazonaws.com",
                }
            ]
        }
        return GetAuthorizationTokenResponse.model_validate_json(json.dumps(body))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ecr(clock: Clock) -> FakeECR:
    return FakeECR(clock)


def test_decoding_and_what_a_bad_token_says() -> None:
    assert decode_authorization_token(token()) == ("AWS", PASSWORD)
    for bad in (
        "not base64!",
        base64.b64encode(b"no-colon").decode(),
        base64.b64encode(b"\xff:x").decode(),
    ):
        with pytest.raises(RegistryLoginError, match="not base64 of 'user:password'") as info:
            decode_authorization_token(bad)
        assert bad not in str(info.value)


async def test_login_decodes_and_caches_per_registry(ecr: FakeECR, clock: Clock) -> None:
    auth = RegistryAuth(ecr, now=clock)
    login = await auth.login()
    assert (login.username, login.password, login.endpoint) == ("AWS", PASSWORD, ENDPOINT)
    assert login.expires_at == T0 + timedelta(hours=12)
    assert login.host == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert await auth.login() is login and await auth.get_login_password() == PASSWORD
    other = await auth.login("210987654321")
    assert other.endpoint == "https://210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    assert ecr.calls == [None, ["210987654321"]]


async def test_fifty_concurrent_logins_make_one_call(ecr: FakeECR, clock: Clock) -> None:
    auth = RegistryAuth(ecr, now=clock)
    ecr.gate.clear()
    calls = [asyncio.ensure_future(auth.login()) for _ in range(50)]
    await asyncio.sleep(0)
    ecr.gate.set()
    logins = await asyncio.gather(*calls)
    assert len(ecr.calls) == 1
    assert all(login is logins[0] for login in logins)


async def test_one_cancelled_caller_does_not_cancel_the_others(ecr: FakeECR, clock: Clock) -> None:
    auth = RegistryAuth(ecr, now=clock)
    ecr.gate.clear()
    first, second = asyncio.ensure_future(auth.login()), asyncio.ensure_future(auth.login())
    await asyncio.sleep(0)
    first.cancel()
    ecr.gate.set()
    assert (await second).password == PASSWORD
    assert len(ecr.calls) == 1


async def test_refresh_happens_at_the_margin(ecr: FakeECR, clock: Clock) -> None:
    assert timedelta(minutes=30) == DEFAULT_REFRESH_MARGIN
    auth = RegistryAuth(ecr, now=clock)
    first = await auth.login()
    clock.now = first.expires_at - DEFAULT_REFRESH_MARGIN - timedelta(seconds=1)
    assert await auth.login() is first and len(ecr.calls) == 1  # one second before the margin
    clock.now += timedelta(seconds=1)
    ecr.password = "NEW-" + PASSWORD
    second = await auth.login()  # at the margin: fetched again
    assert len(ecr.calls) == 2 and second.password == "NEW-" + PASSWORD
    assert second.expires_at == clock.now + timedelta(hours=12)


async def test_a_failed_refresh_serves_a_valid_login_but_never_an_expired_one(
    ecr: FakeECR, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    auth = RegistryAuth(ecr, now=clock)
    first = await auth.login()
    ecr.fail = ConnectionError("control plane down")
    clock.now = first.expires_at - timedelta(minutes=5)  # past the margin, not expired
    with caplog.at_level(logging.WARNING, logger="ecrkit.registry"):
        assert await auth.login() is first
    assert "refresh for the default registry failed (ConnectionError)" in caplog.text
    assert PASSWORD not in caplog.text
    clock.now = first.expires_at  # expired: the error, not the login
    with pytest.raises(ConnectionError):
        await auth.login()


async def test_an_already_expired_answer_is_refused(clock: Clock) -> None:
    ecr = FakeECR(clock, lifetime=timedelta(seconds=-1))
    with pytest.raises(RegistryLoginError, match="token that expired at") as info:
        await RegistryAuth(ecr, now=clock).login()
    assert PASSWORD not in repr(info.value)


def test_repr_and_str_hide_the_password() -> None:
    login = RegistryLogin("AWS", PASSWORD, ENDPOINT, T0)
    assert PASSWORD not in repr(login) and PASSWORD not in str(login)
    assert "password" not in repr(login) and ENDPOINT in repr(login)


async def test_login_host_fips_and_dual_stack_and_region_checks(ecr: FakeECR, clock: Clock) -> None:
    auth = RegistryAuth(ecr, now=clock)
    fips = await auth.login_host("https://123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com/v2/")
    assert fips.endpoint == "https://123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com"
    dual = await auth.login_host("123456789012.dkr-ecr.eu-west-1.on.aws")
    assert dual.password == PASSWORD and len(ecr.calls) == 1  # one token per registry
    with pytest.raises(
        RegistryLoginError, match="is in us-east-1, but the client answers for eu-west-1"
    ):
        await auth.login_host("123456789012.dkr.ecr.us-east-1.amazonaws.com")


@dataclass
class PublicData:
    authorization_token: str | None
    expires_at: datetime | None


@dataclass
class PublicAnswer:
    authorization_data: PublicData | None


class FakePublic:
    """The seam ecrkit.public.ECRPublicClient fills: GetAuthorizationToken, no arguments."""

    def __init__(self, clock: Clock) -> None:
        self.calls = 0
        self.clock = clock

    async def get_authorization_token(self) -> PublicAnswer:
        self.calls += 1
        return PublicAnswer(PublicData(token(), self.clock.now + timedelta(hours=12)))


async def test_ecr_public_logs_in_through_its_own_client(clock: Clock) -> None:
    public = FakePublic(clock)
    auth = RegistryAuth(public_client=public, now=clock)
    login = await auth.login_host("public.ecr.aws")
    assert (login.endpoint, login.password) == ("https://public.ecr.aws", PASSWORD)
    assert await auth.login_public() is login and public.calls == 1
    with pytest.raises(RegistryLoginError, match="needs ECR Public's client"):
        await RegistryAuth(FakeECR(clock)).login_public()
    with pytest.raises(RegistryLoginError, match="needs an ECR client"):
        await auth.login()


async def test_ecr_public_through_ecrkit_public() -> None:
    """The real ECRPublicClient against a scripted ECR Public on 127.0.0.1."""
    from ecrkit import Credentials
    from ecrkit.public import ECRPublicClient

    from ._support import PUBLIC_PASSWORD, json_server, public_token

    with json_server(public_token) as server:
        async with ECRPublicClient(
            region="us-east-1",
            endpoint_url=server.url,
            credentials=Credentials("AKIDPUB", "pub-secret"),
        ) as public:
            auth = RegistryAuth(public_client=public)
            logins = await asyncio.gather(*(auth.login_host("public.ecr.aws") for _ in range(10)))
    assert {(x.username, x.password, x.endpoint) for x in logins} == {
        ("AWS", PUBLIC_PASSWORD, "https://public.ecr.aws")
    }
    assert server.targets == ["SpencerFrontendService.GetAuthorizationToken"]  # one call
    assert PUBLIC_PASSWORD not in repr(auth) + repr(logins[0])


def test_write_auth_entry_is_atomic_private_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "docker" / "config.json"
    path.parent.mkdir()
    path.write_text(
        json.dumps({"auths": {"other.example": {"auth": "eA=="}}, "credsStore": "pass"})
    )
    os.chmod(path, 0o644)
    login = RegistryLogin("AWS", PASSWORD, ENDPOINT, T0)
    assert write_auth_entry(login, path) == path
    config = json.loads(path.read_text())
    assert config["credsStore"] == "pass" and config["auths"]["other.example"] == {"auth": "eA=="}
    entry = config["auths"]["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]
    assert base64.b64decode(entry["auth"]).decode() == f"AWS:{PASSWORD}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.json", "config.json.lock"]


def test_write_auth_entry_defaults_to_docker_config_and_refuses_a_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "d"))
    login = RegistryLogin("AWS", PASSWORD, ENDPOINT, T0)
    written = write_auth_entry(login)
    assert written == tmp_path / "d" / "config.json"
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o700
    written.write_text('{"auths": ' + PASSWORD)
    with pytest.raises(ValueError, match="is not valid JSON") as info:
        write_auth_entry(login)
    assert PASSWORD not in str(info.value)


async def test_against_local_ecr(ecr_local: LocalECR) -> None:
    """moto's token (base64 of AWS:<account>-auth-token) with LocalECR's 12 h expiry."""
    async with ecr_local.client() as client:
        auth = RegistryAuth(client)
        login = await auth.login()
        assert (login.username, login.password) == ("AWS", "123456789012-auth-token")
        assert login.endpoint == "https://123456789012.dkr.ecr.us-east-1.amazonaws.com"
        assert login.expires_at - datetime.now(UTC) > timedelta(hours=11)
        assert isinstance(client, ECRClient)


def _typed(_: Any) -> None:
    """ECRClient satisfies RegistryAuth's TokenClient (checked by mypy and pyright)."""
    client = ECRClient(region="eu-west-1")
    RegistryAuth(client)
