"""ECRPublicClient: the same runtime as ECRClient, driven by ECR Public's generated code.

moto has no ECR Public server, so these run over a MockTransport: the wire request
(target, signing name, endpoint), the environment's endpoint variable, errors by
class, and the GetAuthorizationToken a public.ecr.aws login needs.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

import ecrkit.errors
import ecrkit.public.errors as public_errors
from ecrkit._generated_public._meta import OPERATIONS
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.public import ECRPublicClient
from ecrkit.public.models import GetAuthorizationTokenResponse
from ecrkit.testing import MockTransport

from ._support import (
    CREDENTIALS,
    SECRET_KEY,
    SESSION_TOKEN,
    Clock,
    Sleeps,
    error_response,
    json_response,
    parse_authorization,
    scripted,
)

TOKEN = base64.b64encode(b"AWS:public-registry-password-not-for-logs").decode()


def _client(
    handler: Callable[[HttpRequest], HttpResponse], **kwargs: Any
) -> tuple[ECRPublicClient, MockTransport]:
    transport = MockTransport(handler)
    kwargs.setdefault("region", "us-east-1")
    client = ECRPublicClient(
        credentials=CREDENTIALS, transport=transport, sleep=Sleeps(), now=Clock(), **kwargs
    )
    return client, transport


def test_the_client_has_every_operation() -> None:
    methods = {name for name in dir(ECRPublicClient) if not name.startswith("_")}
    assert len(OPERATIONS) == 23
    assert {py for py, _, _ in OPERATIONS.values()} <= methods


async def test_get_authorization_token_for_a_public_ecr_aws_login() -> None:
    expires = 1_767_268_800  # 2026-01-01T12:00:00Z, seconds
    body = {"authorizationData": {"authorizationToken": TOKEN, "expiresAt": expires}}
    client, transport = _client(scripted(json_response(body=body)))
    async with client as ecr_public:
        resp = await ecr_public.get_authorization_token()
    assert isinstance(resp, GetAuthorizationTokenResponse)
    data = resp.authorization_data
    assert data is not None and data.authorization_token == TOKEN
    assert data.expires_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    user, _, password = base64.b64decode(TOKEN).decode().partition(":")
    assert user == "AWS" and password
    # The token never shows in a repr or str (it is a registry password).
    for shown in (repr(resp), str(resp), repr(data)):
        assert TOKEN not in shown and password not in shown

    (request,) = transport.requests
    assert request.url == "https://api.ecr-public.us-east-1.amazonaws.com/"
    assert request.headers["X-Amz-Target"] == "SpencerFrontendService.GetAuthorizationToken"
    assert request.headers["Content-Type"] == "application/x-amz-json-1.1"
    auth = parse_authorization(request.headers["Authorization"])
    assert auth["service"] == "ecr-public" and auth["region"] == "us-east-1"
    assert json.loads(request.body) == {}


async def test_requests_serialize_with_the_public_target_prefix() -> None:
    body = {"repositories": [{"repositoryName": "web", "repositoryUri": "public.ecr.aws/x/web"}]}
    client, transport = _client(scripted(json_response(body=body)))
    async with client as ecr_public:
        resp = await ecr_public.describe_repositories(repository_names=["web"], max_results=5)
    assert resp.repositories[0].repository_uri == "public.ecr.aws/x/web"
    request = transport.requests[0]
    assert request.headers["X-Amz-Target"] == "SpencerFrontendService.DescribeRepositories"
    assert json.loads(request.body) == {"repositoryNames": ["web"], "maxResults": 5}


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_ECR_PUBLIC", "AWS_ENDPOINT_URL"])
async def test_endpoint_url_from_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "http://127.0.0.1:5001")
    client, transport = _client(scripted(json_response()))
    async with client as ecr_public:
        await ecr_public.describe_registries()
    assert transport.requests[0].url == "http://127.0.0.1:5001/"


async def test_ecr_s_variable_does_not_move_ecr_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """``AWS_ENDPOINT_URL_ECR`` names ECR; the service-specific variable is per service."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5002")
    client, transport = _client(scripted(json_response()))
    async with client as ecr_public:
        await ecr_public.describe_registries()
    assert transport.requests[0].url == "https://api.ecr-public.us-east-1.amazonaws.com/"


@pytest.mark.parametrize("code", sorted(public_errors.ERROR_CLASSES))
async def test_every_modeled_error_raises_its_class(code: str) -> None:
    cls = public_errors.ERROR_CLASSES[code]
    client, _ = _client(scripted(error_response(400, code, "refused")))
    async with client as ecr_public:
        with pytest.raises(cls) as info:
            await ecr_public.describe_registries()
    assert info.value.code == code and "refused" in str(info.value)
    assert isinstance(info.value, ecrkit.errors.ServiceError)
    if code in ecrkit.errors.ERROR_CLASSES:  # the same code in ECR is a different class
        assert not isinstance(info.value, ecrkit.errors.ERROR_CLASSES[code])


def test_error_classes_cover_the_model() -> None:
    assert len(public_errors.ERROR_CLASSES) == 24
    assert public_errors.ServiceError is ecrkit.errors.ServiceError


async def test_an_unmodeled_error_is_a_plain_service_error() -> None:
    client, _ = _client(scripted(error_response(400, "SomethingNewException")))
    async with client as ecr_public:
        with pytest.raises(ecrkit.errors.ServiceError) as info:
            await ecr_public.describe_registries()
    assert type(info.value) is ecrkit.errors.ServiceError


async def test_modeled_error_fields_parse() -> None:
    body = {
        "__type": "InvalidLayerPartException",
        "message": "bad part",
        "uploadId": "u-1",
        "lastValidByteReceived": 41,
    }
    client, _ = _client(scripted(json_response(400, body)))
    async with client as ecr_public:
        with pytest.raises(public_errors.InvalidLayerPartException) as info:
            await ecr_public.upload_layer_part(
                repository_name="web",
                upload_id="u-1",
                part_first_byte=0,
                part_last_byte=1,
                layer_part_blob=b"xy",
            )
    assert info.value.upload_id == "u-1" and info.value.last_valid_byte_received == 41


async def test_no_waiters_and_four_paginators() -> None:
    """ECR Public's model has no waiters-2.json: get_waiter refuses every name."""
    client, _ = _client(scripted(json_response()))
    with pytest.raises(ValueError, match="image_scan_complete"):
        client.get_waiter("image_scan_complete")
    paginated = [
        name for _, (name, _, _) in sorted(OPERATIONS.items()) if client.can_paginate(name)
    ]
    assert paginated == [
        "describe_image_tags",
        "describe_images",
        "describe_registries",
        "describe_repositories",
    ]


async def test_the_public_token_and_credentials_stay_out_of_the_debug_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"authorizationData": {"authorizationToken": TOKEN, "expiresAt": 1_767_268_800}}
    client, transport = _client(scripted(json_response(body=body)))
    with caplog.at_level(logging.DEBUG, logger="ecrkit"):
        async with client as ecr_public:
            resp = await ecr_public.get_authorization_token()
    assert caplog.records, "the client logs at DEBUG"
    password = base64.b64decode(TOKEN).decode().partition(":")[2]
    signature = transport.requests[0].headers["Authorization"].rsplit("Signature=", 1)[1]
    texts = [r.getMessage() for r in caplog.records] + [repr(resp), repr(client)]
    for secret in (TOKEN, password, signature, SECRET_KEY, SESSION_TOKEN):
        assert not [t for t in texts if secret in t]
