"""Unit tests for ecrkit._credentials: no network, no real sleeping (fake clocks)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import shlex
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ecrkit._credentials import (
    BotocoreChainProvider,
    CredentialResolver,
    Credentials,
    EnvProvider,
    RefreshingCredentials,
    StaticProvider,
)
from ecrkit._exceptions import CredentialsError

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
T0 = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No AWS_* leaks in, no IMDS, no ~/.aws, and no outbound connections at all."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("HOME", str(tmp_path))

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    yield


class FakeClock:
    """A settable clock; ``step`` advances it on every read."""

    def __init__(self, start: datetime = T0, step: timedelta = timedelta(0)) -> None:
        self.t = start
        self.step = step

    def __call__(self) -> datetime:
        t = self.t
        self.t += self.step
        return t

    def set(self, t: datetime) -> None:
        self.t = t


class FakeProvider:
    """Returns (or raises) queued results, yielding to the loop ``delay`` times first."""

    def __init__(self, *results: Credentials | Exception | None, delay: int = 0) -> None:
        self.results = list(results)
        self.delay = delay
        self.calls = 0

    def push(self, *results: Credentials | Exception | None) -> None:
        self.results.extend(results)

    async def load(self) -> Credentials | None:
        self.calls += 1
        for _ in range(self.delay):
            await asyncio.sleep(0)
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def creds(name: str, expires_in: timedelta | None = None) -> Credentials:
    exp = None if expires_in is None else T0 + expires_in
    return Credentials(f"AKIA{name.upper()}", SECRET, TOKEN, exp)


# --- Credentials ---------------------------------------------------------------------------


def test_repr_and_str_hide_secret_and_token() -> None:
    c = Credentials("AKIAEXAMPLE", SECRET, TOKEN, T0)
    for text in (repr(c), str(c), f"{c}", repr([c])):
        assert SECRET not in text and TOKEN not in text
        assert "AKIAEXAMPLE" in text and "2030" in text
        assert "secret_access_key='***'" in text and "session_token='***'" in text
    assert "session_token=None" in repr(Credentials("AKIAEXAMPLE", SECRET))


async def test_wrappers_repr_hide_secrets() -> None:
    c = Credentials("AKIAEXAMPLE", SECRET, TOKEN)
    cache = RefreshingCredentials(StaticProvider(c))
    assert await cache.get() == c
    for obj in (cache, StaticProvider(c), CredentialResolver(c)):
        text = repr(obj) + str(obj)
        assert SECRET not in text and TOKEN not in text
        assert "AKIAEXAMPLE" in text


def test_credentials_are_immutable() -> None:
    c = Credentials("AKIAEXAMPLE", SECRET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.secret_access_key = "x"  # type: ignore[misc]


def test_expiration_is_normalised_to_utc() -> None:
    naive = Credentials("AKIA", SECRET, expiration=datetime(2030, 1, 1, 12))
    assert naive.expiration == datetime(2030, 1, 1, 12, tzinfo=UTC)
    assert naive.expiration is not None and naive.expiration.tzinfo is UTC
    plus2 = timezone(timedelta(hours=2))
    aware = Credentials("AKIA", SECRET, expiration=datetime(2030, 1, 1, 14, tzinfo=plus2))
    assert aware.expiration == datetime(2030, 1, 1, 12, tzinfo=UTC)
    assert aware.expiration is not None and aware.expiration.tzinfo is UTC


@pytest.mark.parametrize(("key", "secret"), [("", SECRET), ("AKIA", "")])
def test_empty_keys_are_rejected(key: str, secret: str) -> None:
    with pytest.raises(ValueError):
        Credentials(key, secret)


def test_importing_ecrkit_does_not_import_botocore() -> None:
    code = "import sys, ecrkit, ecrkit._credentials; sys.exit('botocore' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- EnvProvider / CredentialResolver ------------------------------------------------------


async def test_env_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    assert await EnvProvider().load() is None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    assert await EnvProvider().load() == Credentials("AKIAENV", SECRET)
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "legacy")
    assert (await EnvProvider().load()) == Credentials("AKIAENV", SECRET, "legacy")
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:30:00Z")
    loaded = await EnvProvider().load()
    assert loaded == Credentials("AKIAENV", SECRET, TOKEN, T0 + timedelta(minutes=30))


async def test_env_provider_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    with pytest.raises(CredentialsError, match="AWS_SECRET_ACCESS_KEY"):
        await EnvProvider().load()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "tomorrow")
    with pytest.raises(CredentialsError, match="AWS_CREDENTIAL_EXPIRATION"):
        await EnvProvider().load()


def set_env_creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)


async def test_explicit_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    set_env_creds(monkeypatch)
    explicit = Credentials("AKIAEXPLICIT", SECRET)
    assert await CredentialResolver(explicit).load() == explicit
    assert (await CredentialResolver().load()).access_key_id == "AKIAENV"


def write_profiles(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = {SECRET}\n"
        f"[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\n"
    )
    (tmp_path / "config").write_text(
        "[default]\nregion = eu-west-1\n"
        "[profile dev]\nregion = ap-south-1\n"
        f"[profile cfgkeys]\naws_access_key_id = AKIACFG\naws_secret_access_key = {SECRET}\n"
    )


async def test_profiles_from_shared_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_profiles(tmp_path)
    assert await CredentialResolver(profile="dev").load() == Credentials("AKIADEV", SECRET, TOKEN)
    assert (await CredentialResolver(profile="cfgkeys").load()).access_key_id == "AKIACFG"
    assert (await CredentialResolver().load()).access_key_id == "AKIADEFAULT"
    set_env_creds(monkeypatch)
    # Without a profile the environment wins; an explicit profile skips it (like botocore).
    assert (await CredentialResolver().load()).access_key_id == "AKIAENV"
    assert (await CredentialResolver(profile="dev").load()).access_key_id == "AKIADEV"


async def test_credential_process_carries_expiration(tmp_path: Path) -> None:
    script = tmp_path / "creds.py"
    payload = {
        "Version": 1,
        "AccessKeyId": "AKIAPROCESS",
        "SecretAccessKey": SECRET,
        "SessionToken": TOKEN,
        "Expiration": "2099-01-01T00:00:00Z",
    }
    script.write_text(f"import json\nprint(json.dumps({payload!r}))\n")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    (tmp_path / "config").write_text(f"[profile proc]\ncredential_process = {command}\n")
    loaded = await CredentialResolver(profile="proc").load()
    assert loaded == Credentials("AKIAPROCESS", SECRET, TOKEN, datetime(2099, 1, 1, tzinfo=UTC))


async def test_botocore_runs_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.session

    write_profiles(tmp_path)
    threads: list[int] = []
    chain_runs: list[int] = []
    original_get = botocore.session.Session.get_credentials
    original_scoped = botocore.session.Session.get_scoped_config

    def get_credentials(self: Any) -> Any:
        chain_runs.append(threading.get_ident())
        return original_get(self)

    def get_scoped_config(self: Any) -> Any:
        threads.append(threading.get_ident())
        return original_scoped(self)

    monkeypatch.setattr(botocore.session.Session, "get_credentials", get_credentials)
    monkeypatch.setattr(botocore.session.Session, "get_scoped_config", get_scoped_config)
    provider = BotocoreChainProvider("dev")
    assert (
        (await provider.load()) == (await provider.load()) == Credentials("AKIADEV", SECRET, TOKEN)
    )
    # One chain resolution: the botocore credentials object is reused by the second load.
    assert len(chain_runs) == 1
    assert threads  # botocore reads the scoped config for the credentials
    assert threading.get_ident() not in chain_runs + threads


async def test_no_credentials_anywhere() -> None:
    with pytest.raises(CredentialsError, match="No AWS credentials found") as info:
        await CredentialResolver().load()
    assert "AWS_ACCESS_KEY_ID" in str(info.value)
    with pytest.raises(CredentialsError, match="No AWS credentials found"):
        await RefreshingCredentials(CredentialResolver()).get()


async def test_missing_profile_is_a_credentials_error(tmp_path: Path) -> None:
    write_profiles(tmp_path)
    with pytest.raises(CredentialsError, match="nope"):
        await CredentialResolver(profile="nope").load()


# --- RefreshingCredentials -----------------------------------------------------------------


async def test_fast_path_loads_once() -> None:
    provider = FakeProvider(creds("a"))
    cache = RefreshingCredentials(provider, now=FakeClock())
    for _ in range(100):
        assert (await cache.get()).access_key_id == "AKIAA"
    assert provider.calls == 1


async def test_thousand_concurrent_gets_across_expiry_single_flight() -> None:
    # Every clock read moves time by 3 s, so 1,000 callers sweep past the advisory and
    # mandatory windows and past the old credentials' expiry while the refresh is running.
    old, new = creds("old", timedelta(minutes=20)), creds("new", timedelta(hours=6))
    provider = FakeProvider(old, new, delay=50)
    clock = FakeClock()
    cache = RefreshingCredentials(provider, now=clock)
    assert await cache.get() == old
    clock.step = timedelta(seconds=3)
    rng = random.Random(1234)
    results: list[tuple[datetime, Credentials]] = []

    async def caller() -> None:
        for _ in range(rng.randrange(120)):
            await asyncio.sleep(0)
        got = await cache.get()
        results.append((clock.t, got))

    await asyncio.gather(*(caller() for _ in range(1000)))
    assert provider.calls == 2  # the initial load and exactly one refresh
    assert len(results) == 1000
    assert {c.access_key_id for _, c in results} == {"AKIAOLD", "AKIANEW"}
    assert clock.t > T0 + timedelta(minutes=20)  # the boundary really was crossed
    for at, c in results:
        assert c.expiration is not None and c.expiration > at


async def test_thousand_concurrent_gets_after_expiry() -> None:
    old, new = creds("old", timedelta(minutes=20)), creds("new", timedelta(hours=1))
    provider = FakeProvider(old, new, delay=5)
    clock = FakeClock()
    cache = RefreshingCredentials(provider, now=clock)
    await cache.get()
    clock.set(T0 + timedelta(minutes=21))
    got = await asyncio.gather(*(cache.get() for _ in range(1000)))
    assert provider.calls == 2
    assert all(c == new for c in got)


async def test_advisory_failure_keeps_current_credentials() -> None:
    old, new = creds("old", timedelta(minutes=20)), creds("new", timedelta(hours=1))
    provider = FakeProvider(old, RuntimeError("sts down"), RuntimeError("still down"), new)
    clock = FakeClock()
    cache = RefreshingCredentials(provider, now=clock)
    await cache.get()
    clock.set(T0 + timedelta(minutes=7))  # 13 min left: advisory window
    assert await cache.get() == old
    assert provider.calls == 2
    assert await cache.get() == old  # no immediate retry on every request
    assert provider.calls == 2
    clock.set(clock.t + timedelta(seconds=31))
    assert await cache.get() == old
    assert provider.calls == 3
    clock.set(clock.t + timedelta(seconds=31))
    assert await cache.get() == new
    assert provider.calls == 4


async def test_mandatory_failure_raises_then_next_call_retries() -> None:
    old, new = creds("old", timedelta(minutes=20)), creds("new", timedelta(hours=1))
    provider = FakeProvider(old, RuntimeError("sts down"), new, delay=3)
    clock = FakeClock()
    cache = RefreshingCredentials(provider, now=clock)
    await cache.get()
    clock.set(T0 + timedelta(minutes=15))  # 5 min left: mandatory window
    outcomes = await asyncio.gather(*(cache.get() for _ in range(50)), return_exceptions=True)
    assert provider.calls == 2  # the 50 callers shared one failed attempt
    assert all(isinstance(o, CredentialsError) for o in outcomes)
    first = outcomes[0]
    assert isinstance(first, CredentialsError) and isinstance(first.__cause__, RuntimeError)
    assert "sts down" in str(first)
    assert await cache.get() == new  # the very next call tries again
    assert provider.calls == 3


async def test_initial_failure_is_retried() -> None:
    provider = FakeProvider(CredentialsError("nothing yet"), creds("a"))
    cache = RefreshingCredentials(provider, now=FakeClock())
    with pytest.raises(CredentialsError, match="nothing yet"):
        await cache.get()
    assert (await cache.get()).access_key_id == "AKIAA"


async def test_provider_returning_none_or_expired_credentials() -> None:
    expired = creds("x", timedelta(minutes=-1))
    provider = FakeProvider(None, expired, creds("ok", timedelta(minutes=1)))
    clock = FakeClock()
    cache = RefreshingCredentials(provider, now=clock)
    with pytest.raises(CredentialsError, match="No AWS credentials found"):
        await cache.get()
    with pytest.raises(CredentialsError, match="expired"):
        await cache.get()
    # Short-lived credentials are used, but refreshed again soon and never past expiry.
    assert (await cache.get()).access_key_id == "AKIAOK"
    clock.set(T0 + timedelta(minutes=1))
    provider.push(RuntimeError("down"))
    with pytest.raises(CredentialsError):
        await cache.get()


async def test_cancelled_waiter_does_not_cancel_shared_load() -> None:
    provider = FakeProvider(creds("a"), delay=5)
    cache = RefreshingCredentials(provider, now=FakeClock())
    first = asyncio.ensure_future(cache.get())
    second = asyncio.ensure_future(cache.get())
    await asyncio.sleep(0)
    first.cancel()
    assert (await second).access_key_id == "AKIAA"
    assert first.cancelled()
    assert provider.calls == 1


async def test_refresh_rereads_rotated_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    set_env_creds(monkeypatch)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:20:00Z")
    clock = FakeClock()
    cache = RefreshingCredentials(CredentialResolver(), now=clock)
    assert (await cache.get()).access_key_id == "AKIAENV"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAROTATED")
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T02:00:00Z")
    assert (await cache.get()).access_key_id == "AKIAENV"
    clock.set(T0 + timedelta(minutes=11))
    assert (await cache.get()).access_key_id == "AKIAROTATED"
