"""The secret sweep of tests/reliability/test_secrets.py, extended to ecrkit.registry.

Secrets: the registry password (ECR's and ECR Public's) and the authorization token it
comes in, the secret
access key and the session token the helper signs with, and a password a user types
into ``docker login`` (``store``). Texts searched: the DEBUG log (formatted, messages,
args), ``repr``/``str`` of every RegistryAuth, RegistryLogin, cache entry and error
(with its chain), and everything the credential helper writes to stderr and its log
file for every action, good and bad. Its stdout holds the password on a ``get``, by
the protocol, and nowhere else.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from ecrkit.models import GetAuthorizationTokenResponse
from ecrkit.registry import RegistryAuth, RegistryLoginError
from ecrkit.registry._cache import CacheEntry, TokenCache
from ecrkit.testing import LocalECR
from tests.registry._support import HOST, PASSWORD, SECRET_KEY, Helper, failing_server

from .test_secrets import assert_no_secret, debug_logging, log_texts, texts

SESSION_TOKEN = "FwoGZXIvYXdzEREGISTRYSESSIONTOKEN/+=="
TYPED = "a-password-typed-into-docker-login"
TOKEN = base64.b64encode(f"AWS:{PASSWORD}".encode()).decode()
SECRETS = {"registry password": PASSWORD, "authorization token": TOKEN, "secret key": SECRET_KEY}


class BadToken:
    """A GetAuthorizationToken whose token is a secret but not base64 of user:password."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def get_authorization_token(
        self, *, registry_ids: Sequence[str] | None = None
    ) -> GetAuthorizationTokenResponse:
        body = {
            "authorizationData": [
                {
                    "authorizationToken": self.token,
                    "expiresAt": time.time() + 3600,
                    "proxyEndpoint": f"https://{HOST}",
                }
            ]
        }
        return GetAuthorizationTokenResponse.model_validate_json(json.dumps(body))


@pytest.mark.integration
async def test_registry_auth_leaks_no_secret(
    ecr_local: LocalECR, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    debug_logging(caplog)
    shown: list[str] = []
    async with ecr_local.client() as client:
        auth = RegistryAuth(client)
        login = await auth.login()
        assert login.password == PASSWORD  # the sweep looks for the real thing
        hosted = await auth.login_host(f"https://{HOST}/v2/")
        assert await auth.get_login_password() == PASSWORD
        with pytest.raises(RegistryLoginError) as wrong_region:
            await auth.login_host("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        shown += [*texts(auth), *texts(login), *texts(hosted), *texts(wrong_region.value)]
    no_colon = base64.b64encode(PASSWORD.encode()).decode()
    with pytest.raises(RegistryLoginError) as bad:
        await RegistryAuth(BadToken(no_colon)).login()
    shown += texts(bad.value)
    entry = CacheEntry(HOST, "AWS", PASSWORD, f"https://{HOST}", time.time() + 60)
    shown += [*texts(entry), *texts(TokenCache(tmp_path))]
    searched = assert_no_secret(
        [*shown, *log_texts(caplog)], {**SECRETS, "token without colon": no_colon}
    )
    assert searched > 20


def test_the_credential_helper_leaks_no_secret(tmp_path: Path, ecr_local: LocalECR) -> None:
    helper = Helper(tmp_path, ecr_local.endpoint_url)
    helper.env |= {"AWS_SESSION_TOKEN": SESSION_TOKEN, "ECRKIT_LOG_FILE": str(helper.log)}
    helper.map("127.0.0.1:5000")
    store = json.dumps({"ServerURL": HOST, "Username": "AWS", "Secret": TYPED})
    calls: list[tuple[tuple[str, ...], str, dict[str, str]]] = [
        (("get",), HOST, {}),  # miss
        (("get",), "127.0.0.1:5000", {}),  # hit
        (("get", "--debug"), f"https://{HOST}/v2/", {}),
        (("store",), store, {}),
        (("store",), json.dumps({"ServerURL": "other.example", "Secret": TYPED}), {}),
        (("store",), "{not json " + TYPED, {}),
        (("list",), "", {}),
        (("version",), "", {}),
        (("erase",), HOST, {}),
        (("erase",), "other.example", {}),
        (("get",), "other.example", {}),
        (("frob",), TYPED, {}),
    ]
    outs: list[str] = []
    for args, stdin, env in calls:
        result = helper(*args, stdin=stdin, env=env)
        outs.append(result.err)
        if args[0] != "get" or result.code != 0:
            outs.append(result.out)  # only a successful get prints the password
    # a stale entry served while the control plane fails, then an expired one refused
    helper("get", stdin=HOST)
    doc = helper.cache_file()
    for stale_for in (600, -1):
        for entry in doc["entries"].values():
            entry["expires_at"] = time.time() + stale_for
        (helper.cache / "registry-tokens.json").write_text(json.dumps(doc))
        with failing_server() as down:
            result = helper("get", stdin=HOST, env={"AWS_ENDPOINT_URL_ECR": down})
        outs.append(result.err)
        if result.code:
            outs.append(result.out)
    outs.append(helper.log.read_text())
    secrets = {**SECRETS, "session token": SESSION_TOKEN, "typed password": TYPED}
    assert assert_no_secret(outs, secrets) == 25  # 12 calls + the stale and expired gets + the log
    assert "serving the cached token" in helper.log.read_text()


async def test_ecr_public_logins_leak_no_secret(
    tmp_path: Path, ecr_local: LocalECR, caplog: pytest.LogCaptureFixture
) -> None:
    """public.ecr.aws in process (ECRPublicClient) and through the helper."""
    from ecrkit import Credentials
    from ecrkit.public import ECRPublicClient
    from tests.registry._support import PUBLIC_PASSWORD, json_server, public_token

    debug_logging(caplog)
    helper = Helper(tmp_path, ecr_local.endpoint_url)
    shown: list[str] = []
    with json_server(public_token) as server:
        credentials = Credentials("AKIDPUBSWEEP", SECRET_KEY, SESSION_TOKEN)
        async with ECRPublicClient(
            region="us-east-1", endpoint_url=server.url, credentials=credentials
        ) as public:
            auth = RegistryAuth(public_client=public)
            login = await auth.login_public()
            assert login.password == PUBLIC_PASSWORD
            shown += [*texts(auth), *texts(login), *texts(public)]
        env = {"AWS_ENDPOINT_URL_ECR_PUBLIC": server.url, "AWS_SESSION_TOKEN": SESSION_TOKEN}
        for _ in range(2):  # a miss, then a hit
            result = helper("get", stdin="public.ecr.aws", env=env)
            assert result.code == 0 and PUBLIC_PASSWORD in result.out
            shown.append(result.err)
    token = base64.b64encode(f"AWS:{PUBLIC_PASSWORD}".encode()).decode()
    secrets = {
        "public password": PUBLIC_PASSWORD,
        "public token": token,
        "secret key": SECRET_KEY,
        "session token": SESSION_TOKEN,
    }
    assert assert_no_secret([*shown, *log_texts(caplog)], secrets) > 10
