"""The helper's mapping file and credential sources, in process (no subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrkit.registry._cache import key_id_source
from ecrkit.registry._settings import SettingsError, resolve

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def source(server_url: str) -> str:
    target = resolve(server_url)
    assert target is not None, server_url
    return target.source


@pytest.fixture
def mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "registries.toml"
    monkeypatch.setenv("ECRKIT_REGISTRY_CONFIG", str(path))
    for name in ("ECRKIT_PROFILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_an_ecr_host_needs_no_file(mapping: Path) -> None:
    target = resolve(f"https://{HOST}/v2/")
    assert target is not None
    assert (target.account, target.region, target.profile) == ("123456789012", "eu-west-1", None)
    assert target.cache_key == "chain:default|eu-west-1|123456789012"


def test_profiles_file_default_env_and_precedence(
    mapping: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mapping.write_text(f'profile = "dev"\n[registries."{HOST}"]\nprofile = "prod"\n')
    assert source(HOST) == "profile:prod"
    other = resolve("210987654321.dkr.ecr.eu-west-1.amazonaws.com")
    assert other is not None and other.source == "profile:dev"  # the file's default
    monkeypatch.setenv("ECRKIT_PROFILE", "ops")
    assert source(HOST) == "profile:ops"


def test_sources_without_a_profile(mapping: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "named")
    assert source(HOST) == "profile:named"
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci")
    assert source(HOST) == "role:arn:aws:iam::123456789012:role/ci"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSOURCEKEY")
    hashed = source(HOST)
    assert hashed == key_id_source("AKIDSOURCEKEY") and "AKIDSOURCEKEY" not in hashed


def test_a_mapped_host_keeps_its_port(mapping: Path) -> None:
    mapping.write_text(
        '[registries."Mirror.Example.com:5000"]\naccount = "210987654321"\nregion = "us-west-2"\n'
    )
    target = resolve("https://mirror.example.com:5000/v2/")
    assert target is not None and (target.account, target.region) == ("210987654321", "us-west-2")
    assert resolve("mirror.example.com") is None  # another port, another host
    assert resolve("mirror.example.com:5001") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("regions = 1\n", r"unknown key\(s\) \['regions'\]"),
        ('[registries."m:1"]\naccount = "210987654321"\n', "give both account and region"),
        ('[registries."m:1"]\nacount = "x"\n', r"unknown key\(s\) \['acount'\]"),
        (
            '[registries."m:1"]\naccount = "210987654321"\nregion = "mars"\n',
            "region must be a valid region",
        ),
        ("profile = 3\n", "profile must be a name"),
        ('registries = "x"\n', "registries must be a table of hosts"),
        ('[registries]\n"m:1" = 3\n', "must be a table"),
        (
            f'[registries."{HOST}"]\naccount = "210987654321"\nregion = "eu-west-1"\n',
            "another account or region",
        ),
        ("[registries\n", "Expected"),
    ],
)
def test_mistakes_name_the_file_and_the_key(mapping: Path, text: str, message: str) -> None:
    mapping.write_text(text)
    with pytest.raises(SettingsError, match=message) as info:
        resolve(HOST if "another" in message else "m:1")
    assert str(info.value).startswith(f"{mapping}: ")
