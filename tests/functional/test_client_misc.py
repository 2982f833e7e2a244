"""Client behaviour beyond calls and retries: presigning, metadata, signing per
attempt, secrets hygiene, lifecycle and endpoint selection.

botocore (the same release the models come from) is the oracle for presigned
URLs, per-attempt signatures and endpoint URLs.
"""

from __future__ import annotations

import base64
import gc
import logging
import os
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import aiohttp
import boto3
import botocore.auth
import botocore.config
import botocore.credentials
import pytest
from aiohttp import web
from botocore.awsrequest import AWSRequest

from ecrkit import ClientConfig, ECRClient
from ecrkit._exceptions import (
    ConnectionError,
    EcrkitError,
    EndpointResolutionError,
    ResponseParseError,
    ServiceError,
)
from ecrkit.errors import RepositoryNotFoundException
from ecrkit.http import AiohttpTransport, HttpRequest, HttpResponse
from ecrkit.testing import MockTransport
from tests._pins import needs_pinned_botocore

from ._support import (
    ACCESS_KEY,
    CREDENTIALS,
    REGION,
    SECRET_KEY,
    SESSION_TOKEN,
    T0,
    Clock,
    amz_date,
    error_response,
    http_date,
    json_response,
    make_client,
    parse_authorization,
    scripted,
)


@pytest.fixture(autouse=True)
def isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS_* settings leak in (for ecrkit or the botocore oracle), no IMDS."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _boto_client(region: str = REGION, **config: Any) -> Any:
    return boto3.session.Session().client(
        "ecr",
        region_name=region,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        config=botocore.config.Config(**config),
    )


# -- presigned URLs ------------------------------------------------------------------


@needs_pinned_botocore
@pytest.mark.parametrize("http_method", [None, "GET"])
@pytest.mark.parametrize(
    ("method", "ours", "theirs", "expires"),
    [
        pytest.param(
            "describe_images",
            {"repository_name": "team/api", "max_results": 25},
            {"repositoryName": "team/api", "maxResults": 25},
            900,
            id="describe_images",
        ),
        pytest.param("get_authorization_token", {}, {}, 3600, id="get_authorization_token"),
        pytest.param(
            "get_authorization_token",
            {"registry_ids": ["123456789012", "210987654321"]},
            {"registryIds": ["123456789012", "210987654321"]},
            60,
            id="get_authorization_token-list",
        ),
    ],
)
async def test_presigned_url_matches_botocore(
    method: str,
    ours: dict[str, Any],
    theirs: dict[str, Any],
    expires: int,
    http_method: str | None,
) -> None:
    client, transport = make_client(now=Clock())
    async with client as ecr:
        url = await ecr.generate_presigned_url(
            method, ours, expires_in=expires, http_method=http_method
        )
    assert transport.requests == []  # presigning sends nothing

    with mock.patch.object(
        botocore.auth, "get_current_datetime", return_value=T0.replace(tzinfo=None)
    ):
        expected = _boto_client().generate_presigned_url(
            method, Params=theirs, ExpiresIn=expires, HttpMethod=http_method
        )

    got, want = urlsplit(url), urlsplit(expected)
    assert (got.scheme, got.netloc, got.path) == (want.scheme, want.netloc, want.path)
    got_query = parse_qs(got.query, keep_blank_values=True, strict_parsing=bool(got.query))
    want_query = parse_qs(want.query, keep_blank_values=True, strict_parsing=True)
    assert got_query == want_query
    assert got_query["X-Amz-Signature"] == want_query["X-Amz-Signature"]
    assert got_query["X-Amz-Date"] == [T0.strftime("%Y%m%dT%H%M%SZ")]
    assert got_query["X-Amz-Security-Token"] == [SESSION_TOKEN]
    assert got_query["X-Amz-Expires"] == [str(expires)]


async def test_presigned_url_with_unknown_method_or_bad_params() -> None:
    client, _ = make_client()
    async with client as ecr:
        with pytest.raises(ValueError, match="unknown client method"):
            await ecr.generate_presigned_url("describe_everything")
        with pytest.raises(ValueError, match="repository_name"):
            await ecr.generate_presigned_url("describe_images", {"repository_name": "x"})


# -- response metadata and per-attempt signing ----------------------------------------


async def test_response_metadata() -> None:
    client, _ = make_client(
        scripted(
            json_response(body={"registryId": "123456789012"}, request_id="rid-first"),
            json_response(500, request_id="rid-500"),
            json_response(body={"registryId": "123456789012"}, request_id="rid-second"),
        )
    )
    async with client as ecr:
        first = await ecr.describe_registry()
        second = await ecr.describe_registry()

    meta = first.response_metadata
    assert meta.request_id == "rid-first"
    assert meta.http_status_code == 200
    assert meta.retry_attempts == 0
    assert meta.http_headers["X-AMZN-REQUESTID"] == "rid-first"  # case-insensitive
    assert second.response_metadata.request_id == "rid-second"
    assert second.response_metadata.retry_attempts == 1
    # Metadata is not data: it is not part of the model's fields or dumps.
    assert "response_metadata" not in first.model_dump()
    assert first.to_wire() == {"registryId": "123456789012"}


def _botocore_authorization(request: HttpRequest) -> str:
    """What botocore's SigV4Auth signs for the same request at its X-Amz-Date."""
    replaced = {"authorization", "x-amz-date", "x-amz-security-token"}
    headers = {k: v for k, v in request.headers.items() if k.lower() not in replaced}
    aws_request = AWSRequest(
        method=request.method, url=request.url, data=request.body, headers=headers
    )
    creds = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    signed_at = amz_date(request).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=signed_at):
        botocore.auth.SigV4Auth(creds, "ecr", REGION).add_auth(aws_request)
    return str(aws_request.headers["Authorization"])


@needs_pinned_botocore
async def test_every_attempt_is_signed_anew_at_the_current_time() -> None:
    clock = Clock()
    answers = iter([json_response(503), json_response(500), json_response()])

    def handler(request: HttpRequest) -> HttpResponse:
        clock.advance(7)  # each round trip takes 7 s of (injected) wall time
        return next(answers)

    client, transport = make_client(handler, now=clock)
    async with client as ecr:
        resp = await ecr.describe_images(repository_name="api")
    assert resp.response_metadata.retry_attempts == 2

    dates = [amz_date(r) for r in transport.requests]
    assert dates == [T0, T0 + timedelta(seconds=7), T0 + timedelta(seconds=14)]
    authorizations = [r.headers["Authorization"] for r in transport.requests]
    assert len(set(authorizations)) == 3
    for request in transport.requests:
        assert request.headers["Authorization"] == _botocore_authorization(request)
        assert request.headers["X-Amz-Target"] == (
            "AmazonEC2ContainerRegistry_V20150921.DescribeImages"
        )
        assert request.body == b'{"repositoryName":"api"}'


# -- secrets ---------------------------------------------------------------------


AUTH_TOKEN = base64.b64encode(b"AWS:eyJwYXlsb2FkIjoiU0VDUkVUUEFTU1dPUkQifQ").decode()


async def test_no_secret_in_logs_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ecrkit")
    clock = Clock()
    token_body = {
        "authorizationData": [
            {
                "authorizationToken": AUTH_TOKEN,
                "expiresAt": 1893553445.0,
                "proxyEndpoint": "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
            }
        ]
    }
    client, transport = make_client(
        scripted(
            # a throttled, then skew-corrected, then successful token call
            error_response(400, "ThrottlingException"),
            error_response(
                400,
                "InvalidSignatureException",
                "Signature expired",
                {"Date": http_date(T0 + timedelta(hours=1))},
            ),
            json_response(body=token_body),
            # a modeled error
            error_response(400, "RepositoryNotFoundException", "no such repository"),
            # a connection failure, three times
            ConnectionError("POST api.ecr.us-east-1.amazonaws.com:443: reset"),
            ConnectionError("POST api.ecr.us-east-1.amazonaws.com:443: reset"),
            ConnectionError("POST api.ecr.us-east-1.amazonaws.com:443: reset"),
            # an unparseable success
            json_response(body={"authorizationData": "nope"}),
        ),
        now=clock,
    )
    shown: list[str] = []
    async with client as ecr:
        token = await ecr.get_authorization_token()
        errors: list[Exception] = []
        for exc_type in (RepositoryNotFoundException, ConnectionError, ResponseParseError):
            with pytest.raises(exc_type) as caught:
                await ecr.get_authorization_token()
            errors.append(caught.value)
        url = await ecr.generate_presigned_url("get_authorization_token")
        runtime = ecr._runtime
        assert runtime is not None
        shown += [repr(runtime.credentials), str(runtime.credentials)]
    assert token.authorization_data[0].authorization_token == AUTH_TOKEN
    assert len(transport.requests) == 8

    shown += [repr(client), str(client), repr(CREDENTIALS), str(CREDENTIALS)]
    shown += [repr(token), str(token), repr(token.response_metadata)]
    shown += [repr(token.authorization_data), repr(token.authorization_data[0])]
    for exc in errors:
        shown += [repr(exc), str(exc), repr(exc.args)]
    shown += [caplog.text]
    shown += [r.getMessage() for r in caplog.records]
    shown += [repr(r.args) for r in caplog.records]

    signatures = [
        parse_authorization(r.headers["Authorization"])["signature"] for r in transport.requests
    ]
    signatures.append(parse_qs(urlsplit(url).query)["X-Amz-Signature"][0])
    secrets = {
        "secret key": SECRET_KEY,
        "session token": SESSION_TOKEN,
        "authorization token": AUTH_TOKEN,
        "decoded token password": "eyJwYXlsb2FkIjoiU0VDUkVUUEFTU1dPUkQifQ",
        **{f"signature {i}": s for i, s in enumerate(signatures)},
    }
    everything = "\n".join(shown)
    for what, secret in secrets.items():
        assert secret not in everything, f"{what} leaked"

    # The run did log (so the check above had something to look at).
    ecrkit_records = [r for r in caplog.records if r.name.startswith("ecrkit")]
    assert any(r.levelno == logging.DEBUG for r in ecrkit_records)
    assert any("skew" in r.getMessage().lower() for r in ecrkit_records)
    assert ACCESS_KEY in repr(CREDENTIALS)  # the key id is not a secret


# -- lifecycle -------------------------------------------------------------------------


@dataclass
class LocalEcr:
    """A tiny ECR stand-in on 127.0.0.1 answering every POST / with ``{}``."""

    url: str = ""
    seen: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
async def local_ecr() -> AsyncIterator[LocalEcr]:
    server = LocalEcr()

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        server.seen.append(dict(request.headers))
        return web.json_response({}, headers={"x-amzn-RequestId": "local-1"})

    app = web.Application()
    app.router.add_post("/", answer)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    server.url = f"http://{host}:{port}"
    yield server
    await runner.cleanup()


def _owned_transport(client: ECRClient) -> AiohttpTransport:
    runtime = client._runtime
    assert runtime is not None
    assert isinstance(runtime.transport, AiohttpTransport)
    return runtime.transport


async def test_unclosed_client_warns_on_gc(local_ecr: LocalEcr) -> None:
    client = ECRClient(region=REGION, credentials=CREDENTIALS, endpoint_url=local_ecr.url)
    await client.describe_registry()
    transport = _owned_transport(client)  # kept alive: only the client is collected
    try:
        with pytest.warns(ResourceWarning, match="Unclosed ECRClient"):
            del client
            gc.collect()
    finally:
        await transport.close()


async def test_client_that_never_called_does_not_warn() -> None:
    client = ECRClient(region=REGION, credentials=CREDENTIALS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


async def test_async_with_closes_the_owned_session(local_ecr: LocalEcr) -> None:
    async with ECRClient(region=REGION, credentials=CREDENTIALS, endpoint_url=local_ecr.url) as ecr:
        resp = await ecr.describe_registry()
        transport = _owned_transport(ecr)
        connector = transport.connector
        assert connector is not None and not connector.closed
    assert resp.response_metadata.request_id == "local-1"
    assert connector.closed
    assert transport.connector is None
    with pytest.raises(RuntimeError, match="ECRClient is closed"):
        await ecr.describe_registry()
    assert len(local_ecr.seen) == 1


async def test_passed_in_session_is_not_closed(local_ecr: LocalEcr) -> None:
    async with aiohttp.ClientSession() as session:
        client = ECRClient(
            region=REGION, credentials=CREDENTIALS, endpoint_url=local_ecr.url, session=session
        )
        await client.describe_registry()
        await client.close()
        await client.close()  # idempotent
        assert not session.closed
        async with session.post(local_ecr.url + "/", data=b"{}") as resp:
            assert resp.status == 200
        with pytest.raises(RuntimeError, match="ECRClient is closed"):
            await client.describe_registry()
    assert len(local_ecr.seen) == 2


async def test_calling_or_presigning_after_close_is_a_clear_error() -> None:
    client, transport = make_client()
    await client.describe_registry()
    await client.close()
    with pytest.raises(RuntimeError, match="ECRClient is closed"):
        await client.describe_registry()
    with pytest.raises(RuntimeError, match="ECRClient is closed"):
        await client.generate_presigned_url("get_authorization_token")
    assert len(transport.requests) == 1
    assert not transport.closed  # a passed-in transport belongs to the caller

    unused, _ = make_client()
    await unused.close()
    with pytest.raises(RuntimeError, match="ECRClient is closed"):
        await unused.describe_registry()


def test_session_and_transport_are_exclusive() -> None:
    session: Any = object()
    with pytest.raises(ValueError, match="session= or transport="):
        ECRClient(session=session, transport=MockTransport(scripted(json_response())))


async def test_repr_shows_region_and_endpoint_but_no_secret() -> None:
    client, _ = make_client()
    assert repr(client) == "ECRClient(region='us-east-1', endpoint='<unresolved>')"
    async with client as ecr:
        await ecr.describe_registry()
        text = repr(ecr)
    assert (
        text == "ECRClient(region='us-east-1', endpoint='https://api.ecr.us-east-1.amazonaws.com/')"
    )
    for secret in (SECRET_KEY, SESSION_TOKEN, ACCESS_KEY):
        assert secret not in text


def test_can_paginate() -> None:
    client, _ = make_client()
    assert client.can_paginate("describe_images") is True
    assert client.can_paginate("list_images") is True
    assert client.can_paginate("put_image") is False
    assert client.can_paginate("DescribeImages") is False  # method names, not wire names


# -- endpoints ---------------------------------------------------------------------------


def _botocore_url(region: str, **config: Any) -> str:
    """The URL botocore actually sends DescribeRegistry to (not meta.endpoint_url)."""
    client = _boto_client(region, **config)
    seen: list[str] = []

    def capture(request: Any, **kwargs: Any) -> None:
        seen.append(request.url)
        raise RuntimeError("captured; do not send")

    client.meta.events.register("before-send", capture)
    with pytest.raises(RuntimeError, match="captured"):
        client.describe_registry()
    return seen[0]


@needs_pinned_botocore
@pytest.mark.parametrize(
    ("region", "config", "expected"),
    [
        (
            "us-gov-west-1",
            {"use_fips_endpoint": True},
            "https://api.ecr-fips.us-gov-west-1.amazonaws.com/",
        ),
        ("us-east-1", {"use_fips_endpoint": True}, "https://api.ecr-fips.us-east-1.amazonaws.com/"),
        ("us-east-1", {}, "https://api.ecr.us-east-1.amazonaws.com/"),
        ("cn-north-1", {}, "https://api.ecr.cn-north-1.amazonaws.com.cn/"),
        ("eu-west-1", {"use_dualstack_endpoint": True}, "https://ecr.eu-west-1.api.aws/"),
    ],
)
async def test_endpoint_selection_matches_botocore(
    region: str, config: dict[str, bool], expected: str
) -> None:
    client, transport = make_client(region=region, config=ClientConfig(**config))  # type: ignore[arg-type]
    async with client as ecr:
        await ecr.describe_registry()
    url = transport.requests[0].url
    assert url == expected
    assert url == _botocore_url(region, **config)
    assert url.startswith("https://")
    assert parse_authorization(transport.requests[0].headers["Authorization"])["region"] == region


async def test_fips_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    client, transport = make_client(region="us-gov-west-1")
    async with client as ecr:
        await ecr.describe_registry()
    assert transport.requests[0].url == "https://api.ecr-fips.us-gov-west-1.amazonaws.com/"


async def test_endpoint_url_override_is_used_as_is() -> None:
    transport = MockTransport(scripted(json_response()))
    client = ECRClient(
        region="eu-central-1",
        credentials=CREDENTIALS,
        endpoint_url="http://127.0.0.1:4566",
        transport=transport,
    )
    async with client as ecr:
        await ecr.describe_registry()
    assert transport.requests[0].url == "http://127.0.0.1:4566/"
    assert "127.0.0.1:4566" in repr(ecr)
    auth = parse_authorization(transport.requests[0].headers["Authorization"])
    assert auth["region"] == "eu-central-1"  # still signed for the client's region


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL"])
async def test_endpoint_url_from_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "http://127.0.0.1:5000")
    client, transport = make_client()
    async with client as ecr:
        await ecr.describe_registry()
    assert transport.requests[0].url == "http://127.0.0.1:5000/"


async def test_explicit_endpoint_url_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5000")
    transport = MockTransport(scripted(json_response()))
    client = ECRClient(
        region=REGION,
        credentials=CREDENTIALS,
        endpoint_url="http://127.0.0.1:6000",
        transport=transport,
    )
    async with client as ecr:
        await ecr.describe_registry()
    assert transport.requests[0].url == "http://127.0.0.1:6000/"


async def test_ignore_configured_endpoint_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5000")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    client, transport = make_client()
    async with client as ecr:
        await ecr.describe_registry()
    assert transport.requests[0].url == "https://api.ecr.us-east-1.amazonaws.com/"


async def test_region_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    client, transport = make_client(region=None)
    async with client as ecr:
        await ecr.describe_registry()
    assert transport.requests[0].url == "https://api.ecr.ap-southeast-2.amazonaws.com/"


async def test_no_region_is_a_clear_endpoint_resolution_error() -> None:
    client, transport = make_client(region=None)
    async with client as ecr:
        with pytest.raises(EndpointResolutionError, match="region") as caught:
            await ecr.describe_registry()
    assert "AWS_REGION" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert transport.requests == []


async def test_service_error_class_hierarchy_through_the_client() -> None:
    client, _ = make_client(scripted(error_response(400, "RepositoryNotFoundException")))
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_images(repository_name="api")
    error = caught.value
    assert type(error) is RepositoryNotFoundException
    assert RepositoryNotFoundException.__mro__[1:3] == (ServiceError, EcrkitError)
    assert (error.code, error.status_code, error.request_id) == (
        "RepositoryNotFoundException",
        400,
        "req-0001",
    )
    assert error.operation_name == "DescribeImages"
    assert error.attempts == 1
