"""TLS trust against a TLS ECR stand-in whose certificate a CA made in the test signed:
verification fails without that CA, and succeeds with it from each source
(ClientConfig.verify as a path or an SSLContext, AWS_CA_BUNDLE, the profile's
ca_bundle), with botocore's precedence between them."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from typing import Any

import pytest

from ecrkit import ClientConfig, ECRClient, InsecureTLSWarning
from ecrkit.errors import ConnectionError
from tests.network._servers import REGION, Pki, credentials, ecr_stub, make_pki


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return make_pki(tmp_path)


def _client(url: str, profile: str | None = None, **config: Any) -> ECRClient:
    return ECRClient(
        region=REGION,
        endpoint_url=url,
        credentials=credentials(),
        profile=profile,
        config=ClientConfig(max_attempts=1, **config),
    )


def _profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    config = tmp_path / "aws-config"
    config.write_text(text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


async def test_an_unknown_ca_fails_verification(pki: Pki) -> None:
    async with ecr_stub(tls=pki.server) as stub:
        async with _client(stub.url) as ecr:
            with pytest.raises(
                ConnectionError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify"
            ):
                await ecr.describe_repositories()
        assert stub.seen == []


@pytest.mark.parametrize("source", ["verify-path", "verify-context", "AWS_CA_BUNDLE", "profile"])
async def test_the_ca_from_each_source_is_trusted(
    pki: Pki, source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config: dict[str, Any] = {}
    if source == "verify-path":
        config["verify"] = pki.ca_file
    elif source == "verify-context":
        config["verify"] = pki.client_context()
    elif source == "AWS_CA_BUNDLE":
        monkeypatch.setenv("AWS_CA_BUNDLE", str(pki.ca_file))
    else:
        _profile(monkeypatch, tmp_path, f"[default]\nca_bundle = {pki.ca_file}\n")
    async with ecr_stub(tls=pki.server) as stub:
        async with _client(stub.url, **config) as ecr:
            await ecr.describe_repositories()
            await ecr.describe_repositories()
        assert len(stub.seen) == 2 and all(s.signature_ok for s in stub.seen)


@pytest.mark.parametrize(
    ("verify", "env", "profile", "trusted"),
    [
        # argument > AWS_CA_BUNDLE > profile ca_bundle > default (botocore's order)
        ("ca", "missing", "missing", True),
        (None, "ca", "missing", True),
        (None, "other", "ca", False),
        (None, None, "ca", True),
        (True, "ca", "ca", False),  # True: the default trust store, not the bundles
    ],
)
async def test_precedence_between_the_sources(
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    verify: str | bool | None,
    env: str | None,
    profile: str | None,
    trusted: bool,
) -> None:
    (tmp_path / "other").mkdir()
    other = make_pki(tmp_path / "other")
    paths = {"ca": str(pki.ca_file), "other": str(other.ca_file), "missing": "/nonexistent/ca.pem"}
    if env:
        monkeypatch.setenv("AWS_CA_BUNDLE", paths[env])
    if profile:
        _profile(monkeypatch, tmp_path, f"[default]\nca_bundle = {paths[profile]}\n")
    config: dict[str, Any] = {"verify": paths[verify] if isinstance(verify, str) else verify}
    async with ecr_stub(tls=pki.server) as stub:
        async with _client(stub.url, **config) as ecr:
            if trusted:
                await ecr.describe_repositories()
            else:
                with pytest.raises(ConnectionError):
                    await ecr.describe_repositories()
        assert len(stub.seen) == int(trusted)


async def test_verify_false_warns_at_construction_and_connects(pki: Pki) -> None:
    async with ecr_stub(tls=pki.server) as stub:
        with pytest.warns(InsecureTLSWarning, match="verification is disabled"):
            ecr = _client(stub.url, verify=False)
        async with ecr:
            await ecr.describe_repositories()
        assert len(stub.seen) == 1


@pytest.mark.parametrize("source", ["verify", "AWS_CA_BUNDLE", "profile"])
async def test_a_missing_bundle_is_a_value_error_naming_its_source(
    pki: Pki, source: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config: dict[str, Any] = {}
    if source == "verify":
        config["verify"] = "/nonexistent/ca.pem"
    elif source == "AWS_CA_BUNDLE":
        monkeypatch.setenv("AWS_CA_BUNDLE", "/nonexistent/ca.pem")
    else:
        _profile(monkeypatch, tmp_path, "[default]\nca_bundle = /nonexistent/ca.pem\n")
    names = {
        "verify": "ClientConfig.verify",
        "AWS_CA_BUNDLE": "AWS_CA_BUNDLE",
        "profile": "profile 'default'",
    }
    async with ecr_stub(tls=pki.server) as stub:
        async with _client(stub.url, **config) as ecr:
            with pytest.raises(ValueError, match=names[source]):
                await ecr.describe_repositories()
        assert stub.seen == []


@pytest.mark.parametrize("verify", [0, 1.5, b"/ca.pem", ""])
def test_a_bad_verify_is_a_value_error_at_construction(verify: object) -> None:
    with pytest.raises(ValueError, match=r"ClientConfig\.verify must be"):
        _client("https://127.0.0.1:9", verify=verify)


async def test_the_context_is_built_once_per_client_off_the_event_loop(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real = ssl.create_default_context

    def recording(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", recording)
    async with ecr_stub(tls=pki.server) as stub, _client(stub.url, verify=str(pki.ca_file)) as ecr:
        for _ in range(5):
            await ecr.describe_repositories()
    assert len(built) == 1 and built[0] != threading.main_thread().name


async def test_a_plain_http_endpoint_loads_no_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS_CA_BUNDLE is for TLS: an http:// endpoint neither loads nor checks it."""
    monkeypatch.setenv("AWS_CA_BUNDLE", "/nonexistent/ca.pem")
    async with ecr_stub() as stub, _client(stub.url) as ecr:
        await ecr.describe_repositories()
    assert len(stub.seen) == 1
