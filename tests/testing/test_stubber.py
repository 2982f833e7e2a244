"""ecrkit.testing.Stubber: each rule of its contract (docs/testing.md), through real clients.

Clients here have no credentials and no endpoint (the root conftest isolates the AWS
environment): a stubbed call that tried to resolve either, or to open a socket, fails.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

import ecrkit._credentials as credentials_module
import ecrkit._setup as client_setup
from ecrkit import Credentials, ECRClient
from ecrkit._client_base import BaseClient, Operation, ServiceInfo
from ecrkit.errors import (
    ClientClosedError,
    InvalidLayerPartException,
    ParamValidationError,
    RepositoryNotFoundException,
    ServerException,
    ServiceError,
)
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.models import (
    DescribeImageScanFindingsResponse,
    DescribeImagesResponse,
    ImageDetail,
    ImageIdentifier,
    ListImagesResponse,
)
from ecrkit.testing import ANY, BaseStubber, MockTransport, StubAssertionError, Stubber

DIGEST = "sha256:" + "a" * 64
PUSHED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class SocketGuard:
    """Fails (and records) any socket creation, connection or name lookup."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def trip(self, what: str) -> AssertionError:
        self.attempts.append(what)
        return AssertionError(f"socket guard: {what}")


@pytest.fixture
def socket_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[SocketGuard]:
    guard = SocketGuard()
    real = socket.socket

    class GuardedSocket(real):  # type: ignore[misc, valid-type]
        def __init__(self, family: int = -1, *args: Any, **kwargs: Any) -> None:
            if family in (socket.AF_INET, socket.AF_INET6, -1):  # not the loop's own socketpair
                raise guard.trip("socket.socket()")
            super().__init__(family, *args, **kwargs)

    def refuse(what: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            raise guard.trip(what)

        return call

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    loop_cls = asyncio.BaseEventLoop
    for name in ("create_connection", "getaddrinfo", "sock_connect"):
        monkeypatch.setattr(loop_cls, name, refuse(f"loop.{name}"))
    yield guard


@pytest.fixture
def no_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolving credentials from the environment chain, or the client's set-up (region,
    endpoint, shared config, proxies), is a failure."""

    async def no_load(self: object) -> Credentials:
        raise AssertionError("credentials were resolved")

    def no_setup(*args: object, **kwargs: object) -> object:
        raise AssertionError("the client's set-up ran")

    monkeypatch.setattr(credentials_module.CredentialResolver, "load", no_load)
    monkeypatch.setattr(client_setup, "prepare", no_setup)


def detail(tag: str = "v1") -> dict[str, Any]:
    return {"image_digest": DIGEST, "image_tags": [tag], "image_pushed_at": PUSHED}


# -- the contract example ---------------------------------------------------------


async def test_contract_example(socket_guard: SocketGuard, no_resolution: None) -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response(
                "describe_images",
                {"image_details": [detail()]},
                expected_params={"repository_name": "api", "filter": ANY},
            )
            stub.add_client_error(
                "describe_images",
                "RepositoryNotFoundException",
                message="no such repository",
                http_status_code=400,
                expected_params={"repository_name": "gone"},
            )
            resp = await ecr.describe_images(repository_name="api")
            with pytest.raises(RepositoryNotFoundException) as caught:
                await ecr.describe_images(repository_name="gone")
            stub.assert_no_pending_responses()
    assert type(resp) is DescribeImagesResponse
    assert resp.image_details == [
        ImageDetail(image_digest=DIGEST, image_tags=["v1"], image_pushed_at=PUSHED)
    ]
    meta = resp.response_metadata
    assert meta.http_status_code == 200 and meta.retry_attempts == 0 and meta.request_id
    exc = caught.value
    assert (exc.code, exc.message, exc.status_code) == (
        "RepositoryNotFoundException",
        "no such repository",
        400,
    )
    assert exc.request_id and exc.operation_name == "DescribeImages" and exc.attempts == 1
    assert socket_guard.attempts == []


async def test_the_socket_guard_catches_a_real_call(socket_guard: SocketGuard) -> None:
    """The control: the same guard stops an unstubbed client at its first socket."""
    async with ECRClient(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        credentials=Credentials("AKIDTESTING", "testing-secret"),
    ) as ecr:
        with pytest.raises(BaseException):  # noqa: B017 - whichever way aiohttp wraps it
            await ecr.describe_images(repository_name="api")
    assert socket_guard.attempts


async def test_stubbed_call_needs_no_region_nor_credentials(no_resolution: None) -> None:
    async with ECRClient() as ecr:  # no region anywhere: the stub signs for us-east-1
        with Stubber(ecr) as stub:
            stub.add_response("list_images", {"image_ids": [{"image_tag": "v1"}]})
            resp = await ecr.list_images(repository_name="api")
    assert resp.image_ids == [ImageIdentifier(image_tag="v1")]


async def test_a_response_model_is_returned_as_parsed() -> None:
    given = DescribeImagesResponse(image_details=[ImageDetail(image_digest=DIGEST)])
    async with ECRClient(region="eu-west-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response("describe_images", given)
            resp = await ecr.describe_images(repository_name="api")
    assert resp is not given  # parsed from its wire form
    assert resp.model_dump() == given.model_dump()
    assert resp.response_metadata.request_id


# -- checked when added -------------------------------------------------------------


def test_invalid_responses_fail_when_added() -> None:
    stub = Stubber(ECRClient(region="us-east-1"))
    with pytest.raises(
        ValueError, match=r"not a valid DescribeImagesResponse \(image_detail: unknown field\)"
    ):
        stub.add_response("describe_images", {"image_detail": []})
    with pytest.raises(ValueError, match=r"image_details\[0\]\.image_tags"):
        stub.add_response("describe_images", {"image_details": [{"image_tags": "v1"}]})
    with pytest.raises(TypeError, match="a ListImagesResponse is not a DescribeImagesResponse"):
        stub.add_response("describe_images", ListImagesResponse())  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(ValueError, match="has no operation 'describe_image'"):
        stub.add_response("describe_image", {})  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(ValueError, match=r"name no parameter of it: \['repositoryName'\]"):
        stub.add_response("describe_images", {}, expected_params={"repositoryName": "api"})
    with pytest.raises(ValueError, match="must be 300-599, not 200"):
        stub.add_client_error("describe_images", "X", http_status_code=200)
    with pytest.raises(ValueError, match=r"has no modeled fields \['upload'\]"):
        stub.add_client_error(
            "upload_layer_part", "InvalidLayerPartException", modeled_fields={"upload": "u"}
        )
    stub.assert_no_pending_responses()  # nothing was queued


async def test_a_bad_parameter_is_param_validation_error_and_consumes_nothing() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response("list_images", {})
            with pytest.raises(ParamValidationError, match="repository_name"):
                await ecr.list_images(repository_name="x")  # below the model's min length
            with pytest.raises(StubAssertionError):
                stub.assert_no_pending_responses()
            await ecr.list_images(repository_name="api")
            stub.assert_no_pending_responses()


# -- expected_params ------------------------------------------------------------------


async def mismatch(expected: dict[str, Any], **call: Any) -> str:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response("describe_images", {}, expected_params=expected)
            with pytest.raises(StubAssertionError) as caught:
                await ecr.describe_images(**call)
            stub.add_response("list_images", {})  # the queue is intact: still first in line
            with pytest.raises(StubAssertionError):
                await ecr.list_images(repository_name="api")
    assert isinstance(caught.value, AssertionError)
    return str(caught.value)


@pytest.mark.parametrize(
    ("expected", "call", "message"),
    [
        (
            {"repository_name": "api"},
            {"repository_name": "web"},
            "repository_name: expected 'api', got 'web'",
        ),
        (
            {"repository_name": "api", "filter": {"tag_status": "TAGGED"}},
            {"repository_name": "api", "filter": {"tag_status": "UNTAGGED"}},
            "filter.tag_status: expected 'TAGGED', got 'UNTAGGED'",
        ),
        (
            {"repository_name": "api", "max_results": 10},
            {"repository_name": "api"},
            "max_results: expected 10, but it was not passed",
        ),
        (
            {"repository_name": "api"},
            {"repository_name": "api", "max_results": 10},
            "max_results: not expected, but 10 was passed",
        ),
        (
            {"repository_name": "api", "image_ids": [{"image_tag": "v1"}, {"image_tag": "v2"}]},
            {"repository_name": "api", "image_ids": [{"image_tag": "v1"}, {"image_tag": "v3"}]},
            "image_ids[1].image_tag: expected 'v2', got 'v3'",
        ),
        (
            {"repository_name": "api", "image_ids": [{"image_tag": "v1"}]},
            {"repository_name": "api", "image_ids": [{"image_tag": "v1"}, {"image_tag": "v2"}]},
            "image_ids: expected 1 item(s), got 2",
        ),
        (
            {"repository_name": "api", "image_ids": [{"image_digest": DIGEST}]},
            {"repository_name": "api", "image_ids": [{"image_tag": "v1"}]},
            f"image_ids[0].image_digest: expected {DIGEST!r}, but it was not passed",
        ),
        (
            {"repository_name": "api", "filter": "TAGGED"},
            {"repository_name": "api", "filter": {"tag_status": "TAGGED"}},
            "filter: expected 'TAGGED', got {'tag_status': 'TAGGED'}",
        ),
        (
            {"repository_name": "api", "filter": {"tag_status": "TAGGED"}},
            {"repository_name": "api", "image_ids": [{"image_tag": "v1"}]},
            "filter: expected {'tag_status': 'TAGGED'}, but it was not passed",
        ),
    ],
)
async def test_mismatch_messages(
    expected: dict[str, Any], call: dict[str, Any], message: str
) -> None:
    text = await mismatch(expected, **call)
    assert text == f"describe_images: parameters differ from expected_params at {message}"


async def test_unexpected_operation_and_empty_queue() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            with pytest.raises(StubAssertionError) as empty:
                await ecr.list_images(repository_name="api")
            stub.add_response("describe_images", {})
            with pytest.raises(StubAssertionError) as other:
                await ecr.list_images(repository_name="api")
            with pytest.raises(StubAssertionError) as pending:
                stub.assert_no_pending_responses()
    assert str(empty.value) == "list_images: called, but no stubbed response is queued"
    assert str(other.value) == (
        "list_images: called, but the next stubbed response is for describe_images"
    )
    assert str(pending.value) == "1 stubbed response(s) not used: ['describe_images']"


async def test_any_at_any_depth_and_models_or_dicts_alike() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response(
                "batch_delete_image",
                {},
                expected_params={
                    "repository_name": ANY,
                    "image_ids": [ImageIdentifier(image_tag="v1"), {"image_digest": ANY}],
                    "registry_id": ANY,  # ANY also matches what was not passed
                },
            )
            stub.add_response(
                "describe_images",
                {},
                expected_params={"repository_name": "api", "filter": {"tag_status": ANY}},
            )
            await ecr.batch_delete_image(
                repository_name="api",
                image_ids=[{"image_tag": "v1"}, ImageIdentifier(image_digest=DIGEST)],
            )
            await ecr.describe_images(repository_name="api", filter={"tag_status": "ANY"})
            stub.assert_no_pending_responses()
    assert repr(ANY) == "ANY"


async def test_wire_spelling_of_the_caller_is_compared_by_snake_case() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_response(
                "describe_images",
                {},
                expected_params={"repository_name": "api", "image_ids": [{"image_tag": "v1"}]},
            )
            await ecr.describe_images(
                repository_name="api",
                image_ids=[{"imageTag": "v1"}],  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
            )


# -- errors ---------------------------------------------------------------------------


async def test_client_errors_unmodeled_modeled_fields_and_no_retries() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            stub.add_client_error(
                "list_images", "SomethingNew", message="new", http_status_code=409
            )
            stub.add_client_error(
                "upload_layer_part",
                "InvalidLayerPartException",
                message="bad part",
                modeled_fields={"upload_id": "u-1", "last_valid_byte_received": 41},
            )
            stub.add_client_error("list_images", "ServerException", http_status_code=500)
            with pytest.raises(ServiceError) as unmodeled:
                await ecr.list_images(repository_name="api")
            with pytest.raises(InvalidLayerPartException) as modeled:
                await ecr.upload_layer_part(
                    repository_name="api",
                    upload_id="u-1",
                    part_first_byte=0,
                    part_last_byte=1,
                    layer_part_blob=b"ab",
                )
            with pytest.raises(ServerException) as server:
                await ecr.list_images(repository_name="api")  # a 500: raised, not retried
            stub.assert_no_pending_responses()
    assert type(unmodeled.value) is ServiceError
    assert (unmodeled.value.code, unmodeled.value.status_code) == ("SomethingNew", 409)
    assert modeled.value.upload_id == "u-1" and modeled.value.last_valid_byte_received == 41
    assert server.value.attempts == 1 and server.value.status_code == 500


# -- paginators and waiters -----------------------------------------------------------


async def test_paginator_over_three_stubbed_pages() -> None:
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            for n, (token_in, token_out) in enumerate([(None, "t1"), ("t1", "t2"), ("t2", None)]):
                page: dict[str, Any] = {
                    "image_ids": [{"image_tag": f"v{n}a"}, {"image_tag": f"v{n}b"}]
                }
                if token_out:
                    page["next_token"] = token_out
                expected: dict[str, Any] = {"repository_name": "api", "max_results": 2}
                if token_in:
                    expected["next_token"] = token_in
                stub.add_response("list_images", page, expected_params=expected)
            pager = ecr.get_paginator("list_images").paginate(
                repository_name="api", pagination_config={"page_size": 2}
            )
            tags = [image.image_tag async for image in pager.items()]
            stub.assert_no_pending_responses()
    assert tags == ["v0a", "v0b", "v1a", "v1b", "v2a", "v2b"]


def scan(status: str) -> dict[str, Any]:
    return {"image_scan_status": {"status": status}, "repository_name": "api"}


async def test_waiter_over_stubs_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_real_sleep(delay: float) -> None:
        raise AssertionError(f"slept for real ({delay} s)")

    monkeypatch.setattr(asyncio, "sleep", no_real_sleep)
    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr) as stub:
            for status in ("IN_PROGRESS", "IN_PROGRESS", "COMPLETE"):
                stub.add_response("describe_image_scan_findings", scan(status))
            result = await ecr.get_waiter("image_scan_complete").wait(
                repository_name="api", image_id={"image_tag": "v1"}
            )
            stub.assert_no_pending_responses()
    assert isinstance(result, DescribeImageScanFindingsResponse)
    assert result.image_scan_status is not None and result.image_scan_status.status == "COMPLETE"


async def test_injected_sleep_sees_the_waiter_delays() -> None:
    delays: list[float] = []

    async def record(delay: float) -> None:
        delays.append(delay)

    async with ECRClient(region="us-east-1") as ecr:
        with Stubber(ecr, sleep=record) as stub:
            for status in ("IN_PROGRESS", "IN_PROGRESS", "COMPLETE"):
                stub.add_response("describe_image_scan_findings", scan(status))
            await ecr.get_waiter("image_scan_complete").wait(
                repository_name="api", image_id={"image_tag": "v1"}
            )
    assert delays == [5.0, 5.0]  # the model's delay, asked for and not waited


# -- activation -----------------------------------------------------------------------


def wire_handler(request: HttpRequest) -> HttpResponse:
    body = {"imageIds": [{"imageTag": "real"}]}
    return HttpResponse(
        200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(body).encode()
    )


async def test_activate_deactivate_give_back_the_real_runtime() -> None:
    mock = MockTransport(wire_handler)
    creds = Credentials("AKIDTESTING", "testing-secret")
    async with ECRClient(region="us-east-1", credentials=creds, transport=mock) as ecr:
        assert (await ecr.list_images(repository_name="api")).image_ids[0].image_tag == "real"
        stub = Stubber(ecr)
        stub.activate()
        stub.add_response("list_images", {"image_ids": [{"image_tag": "stubbed"}]})
        assert (await ecr.list_images(repository_name="api")).image_ids[0].image_tag == "stubbed"
        with pytest.raises(RuntimeError, match="already stubbed"):
            Stubber(ecr).activate()
        stub.deactivate()
        stub.deactivate()  # idempotent
        assert (await ecr.list_images(repository_name="api")).image_ids[0].image_tag == "real"
    assert len(mock.requests) == 2


async def test_a_closed_client_stays_closed() -> None:
    ecr = ECRClient(region="us-east-1")
    await ecr.close()
    with Stubber(ecr) as stub:
        stub.add_response("list_images", {})
        with pytest.raises(ClientClosedError):
            await ecr.list_images(repository_name="api")


# -- any client -----------------------------------------------------------------------


class OtherServiceClient(BaseClient):
    """A client of another (made-up) JSON service: its own table, its own errors."""

    class NotThereError(ServiceError):
        error_code = "NotThere"

    _service: ClassVar[ServiceInfo] = ServiceInfo(
        signing_name="other",
        ruleset=lambda: {},
        partitions=lambda: {},
        error_classes={"NotThere": NotThereError},
        paginators=frozenset(),
        service_id="Other",
    )
    _operations: ClassVar[dict[str, Operation[Any, Any]]] = {
        "fetch_things": Operation(
            "FetchThings",
            "Other_2024.FetchThings",
            "ecrkit._generated.ops.list_images",
            "ListImagesRequest",
            "ListImagesResponse",
        )
    }

    async def fetch_things(self, **params: Any) -> Any:
        return await self._call(self._operations["fetch_things"], params)


async def test_base_stubber_works_for_any_client() -> None:
    async with OtherServiceClient() as other:
        with BaseStubber(other) as stub:
            stub._add_response("fetch_things", {"image_ids": []}, {"repository_name": "api"})
            stub._add_client_error("fetch_things", "NotThere", "gone", 404, None, None)
            assert (await other.fetch_things(repository_name="api")).image_ids == []
            with pytest.raises(OtherServiceClient.NotThereError):
                await other.fetch_things(repository_name="api")


# -- ECR Public -------------------------------------------------------------------


async def test_ecr_public_stubber(socket_guard: SocketGuard, no_resolution: None) -> None:
    """ECR Public's generated stubber is public too, and works the same way."""
    from ecrkit.public import ECRPublicClient
    from ecrkit.public.errors import RepositoryNotFoundException as PublicNotFound
    from ecrkit.public.models import GetAuthorizationTokenResponse
    from ecrkit.testing import ECRPublicStubber

    async with ECRPublicClient(region="us-east-1") as ecr_public:
        with ECRPublicStubber(ecr_public) as stub:
            stub.add_response(
                "get_authorization_token",
                {"authorization_data": {"authorization_token": "QVdTOnB3", "expires_at": PUSHED}},
            )
            stub.add_client_error(
                "describe_images",
                "RepositoryNotFoundException",
                expected_params={"repository_name": "gone"},
            )
            resp = await ecr_public.get_authorization_token()
            with pytest.raises(PublicNotFound):
                await ecr_public.describe_images(repository_name="gone")
            stub.assert_no_pending_responses()
    assert type(resp) is GetAuthorizationTokenResponse
    assert resp.authorization_data is not None
    assert resp.authorization_data.expires_at == PUSHED
    assert socket_guard.attempts == []
