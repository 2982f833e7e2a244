"""The User-Agent on the wire (and SigV4 still verifying), per-call options through
``with_options`` views (an owned pool and a borrowed session), and a custom
credential provider, against a real ECR stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import platform
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

import ecrkit
from ecrkit import ClientConfig, CredentialProvider, Credentials, ECRClient
from ecrkit._user_agent import build_user_agent
from ecrkit.errors import ClientClosedError, CredentialsError, TimeoutError
from tests.network._servers import ACCESS_KEY, REGION, SECRET_KEY, credentials, ecr_stub

UA = re.compile(
    r"^ecrkit/(?P<version>[0-9][^ ]*) ua/2\.1 os/(?P<os>[a-z]+)#[^ ]+ md/arch#[^ ]+ "
    r"lang/python#(?P<python>[0-9.]+[^ ]*) md/pyimpl#[A-Za-z]+ md/aiohttp#[0-9.]+[^ ]* "
    r"md/pydantic#[0-9.]+[^ ]* cfg/retry-mode#(?P<mode>standard|adaptive)(?P<rest>.*)$"
)


def _client(url: str, **kwargs: object) -> ECRClient:
    kwargs.setdefault("credentials", credentials())
    return ECRClient(region=REGION, endpoint_url=url, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("borrowed", [False, True])
async def test_the_user_agent_is_sent_and_sigv4_still_verifies(borrowed: bool) -> None:
    async with ecr_stub() as stub:
        session = aiohttp.ClientSession() if borrowed else None
        try:
            async with _client(stub.url, session=session) as ecr:
                await ecr.describe_repositories()
                await ecr.describe_repositories()
        finally:
            if session is not None:
                await session.close()
    assert [s.signature_ok for s in stub.seen] == [True, True]
    sent = stub.seen[0].headers["User-Agent"]
    match = UA.match(sent)
    assert match, sent
    assert match["version"] == ecrkit.__version__
    assert match["python"] == platform.python_version()
    assert match["mode"] == "standard" and match["rest"] == ""
    assert "user-agent" not in stub.seen[0].headers["Authorization"].lower()


@pytest.mark.parametrize("source", ["config", "AWS_SDK_UA_APP_ID", "profile"])
async def test_app_id_and_extra(
    source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config: dict[str, object] = {"user_agent_extra": "my-tool/1.2 evil\r\nX-Injected: 1"}
    if source == "config":
        config["user_agent_appid"] = "billing app"
    elif source == "AWS_SDK_UA_APP_ID":
        monkeypatch.setenv("AWS_SDK_UA_APP_ID", "billing app")
    else:
        path = tmp_path / "config"
        path.write_text("[default]\nsdk_ua_app_id = billing app\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    options = ClientConfig(**config)  # type: ignore[arg-type]
    async with ecr_stub() as stub, _client(stub.url, config=options) as ecr:
        await ecr.describe_repositories()
    sent = stub.seen[0].headers["User-Agent"]
    match = UA.match(sent)
    assert match, sent
    # The app id's space becomes "-"; the extra's line break separates tokens and its
    # ":" becomes "-": one header line, nothing injected.
    assert match["rest"] == " app/billing-app my-tool/1.2 evil X-Injected- 1"
    assert "X-Injected" not in {k for k in stub.seen[0].headers}
    assert stub.seen[0].signature_ok


def test_the_string_is_sanitized_like_botocore() -> None:
    from botocore.useragent import sanitize_user_agent_string_component

    raw = "app id/with:odd\tchars#1é"
    ua = build_user_agent("ecrkit", "1", retry_mode="standard", app_id=raw)
    assert ua.endswith(" app/" + sanitize_user_agent_string_component(raw, allow_hash=True))


# -- with_options ---------------------------------------------------------------------


@pytest.mark.parametrize("borrowed", [False, True])
async def test_a_view_times_out_where_its_client_would_wait(borrowed: bool) -> None:
    async with ecr_stub() as stub:
        stub.gate = asyncio.Event()
        session = (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) if borrowed else None
        )
        try:
            async with _client(stub.url, session=session) as ecr:
                quick = ecr.with_options(read_timeout=0.2, max_attempts=1)
                assert quick.config.read_timeout == 0.2 and ecr.config.read_timeout == 60.0
                with pytest.raises(TimeoutError, match="read timeout") as caught:
                    await quick.describe_repositories()
                assert caught.value.attempts == 1 and len(stub.seen) == 1
                # The client itself keeps its settings and its pool.
                stub.gate.set()
                await ecr.describe_repositories()
                await quick.describe_repositories()
                assert quick._runtime is not None and ecr._runtime is not None
                assert quick._runtime.credentials is ecr._runtime.credentials
                assert quick._runtime.retry.quota is ecr._runtime.retry.quota
                pool = quick._runtime.transport.connector  # type: ignore[attr-defined]
                assert pool is ecr._runtime.transport.connector  # type: ignore[attr-defined]
        finally:
            if session is not None:
                assert not session.closed  # borrowed: never closed by the client or its views
                await session.close()


async def test_closing_a_view_leaves_its_client_open_and_closing_the_client_closes_views() -> None:
    async with ecr_stub() as stub:
        ecr = _client(stub.url)
        async with ecr:
            view = ecr.with_options(max_attempts=1)
            async with view:
                await view.describe_repositories()
            await ecr.describe_repositories()  # the view's close did not close the client
            other = ecr.with_options(read_timeout=5)
            await other.describe_repositories()
        with pytest.raises(ClientClosedError):
            await other.describe_repositories()
        with pytest.raises(ClientClosedError):
            await ecr.with_options(read_timeout=1).describe_repositories()
    assert len(stub.seen) == 3


async def test_extra_headers_are_sent_and_signed() -> None:
    async with ecr_stub() as stub, _client(stub.url) as ecr:
        tagged = ecr.with_options(extra_headers={"X-Request-Source": "nightly-gc"})
        await tagged.describe_repositories()
        await tagged.with_options(
            max_attempts=2
        ).describe_repositories()  # views of views keep them
        await ecr.describe_repositories()
    first, second, plain = stub.seen
    for seen in (first, second):
        assert seen.headers["X-Request-Source"] == "nightly-gc" and seen.signature_ok
        assert "x-request-source" in seen.headers["Authorization"]
    assert "X-Request-Source" not in plain.headers


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"read_timeout": 0}, "read_timeout"),
        ({"connect_timeout": -1}, "connect_timeout"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"retry_mode": "legacy"}, "retry_mode"),
        ({"extra_headers": {"Authorization": "x"}}, "cannot set 'Authorization'"),
        ({"extra_headers": {"X-A": "1\r\nX-B: 2"}}, "not a valid header"),
    ],
)
def test_bad_options_are_a_value_error_naming_them(
    options: dict[str, object], message: str
) -> None:
    ecr = _client("http://127.0.0.1:9")
    with pytest.raises(ValueError, match=message):
        ecr.with_options(**options)  # type: ignore[arg-type]


# -- a custom credential provider -----------------------------------------------------


class Vault:
    """A provider handing out short-lived credentials, counting its loads."""

    def __init__(self, clock: list[datetime]) -> None:
        self.clock = clock
        self.loads = 0

    async def load(self) -> Credentials:
        self.loads += 1
        await asyncio.sleep(0)  # a real provider awaits something; others pile up meanwhile
        return Credentials(
            ACCESS_KEY, SECRET_KEY, f"token-{self.loads}", self.clock[0] + timedelta(hours=1)
        )


async def test_a_custom_provider_is_loaded_once_and_refreshed_before_expiry() -> None:
    clock = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    vault = Vault(clock)
    provider: CredentialProvider = vault  # the public protocol type-checks
    async with (
        ecr_stub() as stub,
        _client(stub.url, credentials=provider, now=lambda: clock[0]) as ecr,
    ):
        await asyncio.gather(*(ecr.describe_repositories() for _ in range(10)))
        assert vault.loads == 1  # single flight
        clock[0] += timedelta(minutes=46)  # inside the advisory window (15 min)
        await asyncio.gather(*(ecr.describe_repositories() for _ in range(5)))
        assert vault.loads == 2
    tokens = [s.headers.get("X-Amz-Security-Token") for s in stub.seen]
    assert tokens == ["token-1"] * 10 + ["token-2"] * 5


def test_a_non_provider_is_a_value_error_at_construction() -> None:
    with pytest.raises(
        ValueError, match="credentials= must be a Credentials or a credential provider"
    ):
        _client("http://127.0.0.1:9", credentials=("AKID", "secret"))


async def test_a_provider_returning_the_wrong_type_is_a_credentials_error() -> None:
    class Wrong:
        async def load(self) -> object:
            return {"access_key_id": "AKID"}

    async with ecr_stub() as stub, _client(stub.url, credentials=Wrong()) as ecr:
        with pytest.raises(CredentialsError, match=r"Wrong\.load\(\) returned a dict"):
            await ecr.describe_repositories()
    assert stub.seen == []
