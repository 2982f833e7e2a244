"""Proxies against real loopback servers: a forwarding HTTP proxy and a CONNECT proxy in
front of a TLS ECR stand-in. The environment's proxy variables are cleared by the root
conftest; each test sets only what it needs, always pointing at 127.0.0.1."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

import botocore.utils
import pytest

from ecrkit import ClientConfig, ECRClient
from ecrkit._network import select_proxy
from ecrkit.errors import ConnectionError, ServiceError
from tests.network._servers import REGION, credentials, ecr_stub, make_pki, proxy_server

pytestmark = pytest.mark.filterwarnings("error")


def _client(url: str, **config: object) -> ECRClient:
    return ECRClient(
        region=REGION,
        endpoint_url=url,
        credentials=credentials(),
        config=ClientConfig(max_attempts=1, **config),  # type: ignore[arg-type]
    )


async def test_http_proxy_from_the_environment_forwards_every_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with ecr_stub() as stub, proxy_server() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        async with _client(stub.url) as ecr:
            for _ in range(3):
                await ecr.describe_repositories()
        assert proxy.forwarded == [f"POST {stub.url}/"] * 3
        assert len(stub.seen) == 3 and all(s.signature_ok for s in stub.seen)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "*", "localhost,127.0.0.1"])
async def test_no_proxy_bypasses(
    monkeypatch: pytest.MonkeyPatch, variable: str, no_proxy: str
) -> None:
    async with ecr_stub() as stub, proxy_server() as proxy:
        monkeypatch.setenv(variable, proxy.url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        async with _client(stub.url) as ecr:
            await ecr.describe_repositories()
        assert proxy.forwarded == [] and proxy.tunnels == []
        assert len(stub.seen) == 1


async def test_explicit_proxies_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ecr_stub() as stub, proxy_server() as env_proxy, proxy_server() as chosen:
        monkeypatch.setenv("HTTP_PROXY", env_proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # not applied to an explicit proxy (botocore)
        async with _client(stub.url, proxies={"http": chosen.url}) as ecr:
            await ecr.describe_repositories()
        async with _client(stub.url, proxies={}) as ecr:  # {}: never a proxy
            await ecr.describe_repositories()
        assert len(chosen.forwarded) == 1 and env_proxy.forwarded == []
        assert len(stub.seen) == 2


async def test_https_through_a_connect_proxy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path)
    async with ecr_stub(tls=pki.server) as stub, proxy_server() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # the https scheme's is used
        async with _client(stub.url, verify=str(pki.ca_file)) as ecr:
            for _ in range(3):
                await ecr.describe_repositories()
        port = stub.url.rsplit(":", 1)[1]
        assert proxy.tunnels == [f"127.0.0.1:{port}"]  # one tunnel, kept alive for 3 calls
        assert proxy.forwarded == []
        assert len(stub.seen) == 3 and all(s.signature_ok for s in stub.seen)


async def test_proxy_credentials_are_sent_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    pki = make_pki(tmp_path)
    password = "pr0xy-s3cret"
    async with ecr_stub(tls=pki.server) as stub, proxy_server(require=f"alice:{password}") as proxy:
        good = proxy.url.replace("http://", f"http://alice:{password}@")
        config = {"proxies": {"https": good}, "verify": str(pki.ca_file)}
        async with _client(stub.url, **config) as ecr:
            await ecr.describe_repositories()
            shown = [repr(ecr), repr(ecr.config), str(ecr.config), repr(ecr._runtime)]
        assert len(proxy.tunnels) == 1 and len(stub.seen) == 1
        assert "proxy-authorization" not in {k.lower() for k in stub.seen[0].headers}
        # Wrong credentials: a 407 on CONNECT is a ConnectionError that shows neither.
        bad = proxy.url.replace("http://", "http://alice:wr0ng-s3cret@")
        async with _client(stub.url, proxies={"https": bad}, verify=str(pki.ca_file)) as ecr:
            with pytest.raises(ConnectionError) as caught:
                await ecr.describe_repositories()
        # A forwarded request (plain http) gets the 407 as a response.
        monkeypatch.setenv("HTTP_PROXY", bad)
        async with _client(stub.url.replace("https", "http")) as ecr:
            with pytest.raises(ServiceError) as forwarded:
                await ecr.describe_repositories()
        assert forwarded.value.status_code == 407
    for error in (caught.value, forwarded.value):
        rendered = "".join(traceback.format_exception(error))
        chain = [error, *_causes(error)]
        shown += [
            rendered,
            *map(repr, chain),
            *(repr(vars(e)) for e in chain if hasattr(e, "__dict__")),
        ]
    shown.append(caplog.text)
    for secret in (password, "wr0ng-s3cret", "YWxpY2U6"):  # base64 of "alice:"
        assert not [s for s in shown if secret in s]


def _causes(error: BaseException) -> list[BaseException]:
    out = []
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
        out.append(error)
    return out


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"HTTPS_PROXY": "http://p:1"},
        {"https_proxy": "p:2"},
        {"HTTP_PROXY": "http://p:3"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "api.ecr.us-east-1.amazonaws.com"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".amazonaws.com"},
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "example.com"},
        {"HTTPS_PROXY": "http://u:pw@p:1"},
    ],
)
def test_environment_proxy_choice_matches_botocore(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    url = "https://api.ecr.us-east-1.amazonaws.com/"
    expected = botocore.utils.get_environ_proxies(url).get("https")
    chosen = select_proxy(url, None, None)
    if expected is None:
        assert chosen is None
    else:
        assert chosen is not None
        fixed = expected if "://" in expected else "http://" + expected
        assert chosen.url == fixed.replace("u:pw@", "")
        assert ("Proxy-Authorization" in chosen.headers) == ("@" in expected)


@pytest.mark.parametrize(
    ("proxies", "message"),
    [
        ({"ftp": "http://p:1"}, "keys are 'http' and 'https'"),
        ({"https": "socks5://p:1"}, r"proxies\['https'\] must be an http:// or https://"),
        ({"https": "http://u:pw@p:notaport"}, r"not a valid proxy URL: 'http://\*\*\*@p:notaport'"),
        ({"https": ""}, "must be a proxy URL string"),
    ],
)
def test_bad_proxies_fail_at_construction(proxies: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        _client("http://127.0.0.1:9", proxies=proxies)
    assert "pw" not in str(caught.value)


async def test_the_proxy_is_chosen_once_per_client_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading
    import urllib.request

    import ecrkit._user_agent

    looked_up: list[str] = []
    real = urllib.request.getproxies

    def recording() -> dict[str, str]:
        looked_up.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(urllib.request, "getproxies", recording)
    built: list[int] = []
    real_ua = ecrkit._user_agent.build_user_agent

    def building(*args: Any, **kwargs: Any) -> str:
        built.append(1)
        return real_ua(*args, **kwargs)

    monkeypatch.setattr("ecrkit._setup.build_user_agent", building)
    async with ecr_stub() as stub, proxy_server() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        async with _client(stub.url) as ecr:
            for _ in range(5):
                await ecr.describe_repositories()
        assert len(proxy.forwarded) == 5
    assert len(looked_up) == 1 and looked_up[0] != threading.main_thread().name
    assert built == [1]
