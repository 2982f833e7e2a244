"""How the client turns bad answers, bad input and cancellation into exceptions."""

from __future__ import annotations

import asyncio
import builtins
import inspect
import json
from typing import Any

import pydantic
import pytest

import ecrkit._exceptions
from ecrkit._exceptions import ParamValidationError, ResponseParseError, ServiceError
from ecrkit.errors import ImageAlreadyExistsException, RepositoryNotFoundException
from ecrkit.http import HttpRequest, HttpResponse

from ._support import Sleeps, error_response, json_response, make_client, scripted

REQUEST_ID = "5e7f9a2b-0000-4c1d-9e8f-abcdefabcdef"
MESSAGE = "The repository with name 'api' does not exist in the registry with id '123456789012'"


def _raw(status: int, body: bytes, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, {"x-amzn-RequestId": REQUEST_ID, **(headers or {})}, body)


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(
            _raw(
                400,
                json.dumps({"message": MESSAGE}).encode(),
                {
                    "x-amzn-ErrorType": "RepositoryNotFoundException:"
                    "http://internal.amazon.com/coral/com.amazonaws.ecr/"
                },
            ),
            id="x-amzn-ErrorType-header",
        ),
        pytest.param(
            _raw(
                400,
                json.dumps(
                    {"__type": "com.amazonaws.ecr#RepositoryNotFoundException", "message": MESSAGE}
                ).encode(),
            ),
            id="__type-with-namespace",
        ),
        pytest.param(
            _raw(
                400,
                json.dumps({"code": "RepositoryNotFoundException", "Message": MESSAGE}).encode(),
            ),
            id="code-and-capitalised-Message",
        ),
        pytest.param(
            _raw(
                400,
                json.dumps({"__type": "SomethingElse", "message": MESSAGE}).encode(),
                {"X-Amzn-ErrorType": "RepositoryNotFoundException"},
            ),
            id="header-wins-over-body",
        ),
    ],
)
async def test_modeled_error_code_sources(response: HttpResponse) -> None:
    client, transport = make_client(scripted(response))
    async with client as ecr:
        with pytest.raises(RepositoryNotFoundException) as caught:
            await ecr.describe_images(repository_name="api")

    exc = caught.value
    assert type(exc) is RepositoryNotFoundException
    assert isinstance(exc, ServiceError)
    assert exc.code == "RepositoryNotFoundException"
    assert exc.status_code == 400
    assert exc.request_id == REQUEST_ID
    assert exc.operation_name == "DescribeImages"
    assert exc.message == MESSAGE
    assert exc.attempts == 1
    assert len(transport.requests) == 1
    assert str(exc) == (
        f"RepositoryNotFoundException when calling DescribeImages (HTTP 400): {MESSAGE}"
    )


async def test_unknown_error_code_is_a_plain_service_error() -> None:
    client, transport = make_client(
        scripted(error_response(409, "BrandNewConflictException", "new!", request_id=REQUEST_ID))
    )
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_images(repository_name="api")

    exc = caught.value
    assert type(exc) is ServiceError
    assert exc.code == "BrandNewConflictException"
    assert exc.status_code == 409
    assert exc.request_id == REQUEST_ID
    assert exc.operation_name == "DescribeImages"
    assert exc.message == "new!"
    assert len(transport.requests) == 1


async def test_error_body_is_kept_on_the_exception() -> None:
    body = {"__type": "ImageAlreadyExistsException", "message": "exists", "extra": [1, 2]}
    client, _ = make_client(scripted(_raw(400, json.dumps(body).encode())))
    async with client as ecr:
        with pytest.raises(ImageAlreadyExistsException) as caught:
            await ecr.put_image(repository_name="api", image_manifest="{}")
    assert caught.value.body == body


async def test_html_502_from_a_proxy_is_retried_then_a_service_error() -> None:
    page = (
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        b"<center><h1>502 Bad Gateway</h1></center>\r\n" + b"<!-- padding -->" * 40 + b"</html>"
    )
    sleeps = Sleeps()
    client, transport = make_client(
        scripted(HttpResponse(502, {"Content-Type": "text/html"}, page)), sleep=sleeps
    )
    async with client as ecr:
        with pytest.raises(ServiceError) as caught:
            await ecr.describe_images(repository_name="api")

    exc = caught.value
    assert type(exc) is ServiceError
    assert exc.status_code == 502
    assert exc.code == "502"
    assert exc.request_id is None
    assert exc.attempts == 3
    assert len(transport.requests) == 3
    assert len(sleeps.delays) == 2
    assert "502 Bad Gateway" in exc.message
    assert exc.message.endswith("...")  # an excerpt of a long body, not all of it
    assert len(exc.message) < 300


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param(b"<html>maintenance</html>", "<body>", id="not-json"),
        pytest.param(b'{"imageDetails": [', "<body>", id="truncated-json"),
        pytest.param(b'{"imageDetails": "lots"}', "image_details", id="wrong-type"),
        pytest.param(
            b'{"imageDetails": [{"imageSizeInBytes": "big"}]}',
            "image_details.0.image_size_in_bytes",
            id="wrong-nested-type",
        ),
    ],
)
async def test_unparseable_2xx_is_a_response_parse_error(body: bytes, where: str) -> None:
    client, transport = make_client(scripted(_raw(200, body)))
    async with client as ecr:
        with pytest.raises(ResponseParseError) as caught:
            await ecr.describe_images(repository_name="api")

    exc = caught.value
    assert not isinstance(exc, pydantic.ValidationError)
    assert exc.__cause__ is None
    assert exc.__suppress_context__  # no pydantic traceback chained in
    assert exc.request_id == REQUEST_ID
    assert exc.status_code == 200
    assert exc.operation_name == "DescribeImages"
    assert "DescribeImages" in str(exc)
    if where != "<body>":
        assert where in str(exc)
    assert len(transport.requests) == 1  # a bad 2xx is not retried


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"repository_name": "a"}, "repository_name", id="too-short"),
        pytest.param({"repository_name": "api", "max_results": 0}, "max_results", id="below-min"),
        pytest.param({"repository_name": "api", "max_results": "5"}, "max_results", id="str-int"),
        pytest.param({"repository_name": 42}, "repository_name", id="int-for-str"),
        pytest.param(
            {"repository_name": "api", "filter": {"tag_status": 5}},
            "filter.tag_status",
            id="nested-type",
        ),
        pytest.param(
            {"repository_name": "api", "filter": {"bogus": "x"}}, "filter.bogus", id="nested-extra"
        ),
        pytest.param(
            {"repository_name": "api", "image_ids": []}, "image_ids", id="empty-list-below-min"
        ),
    ],
)
async def test_bad_input_is_rejected_before_sending(kwargs: dict[str, Any], field: str) -> None:
    client, transport = make_client()
    async with client as ecr:
        with pytest.raises(ParamValidationError) as caught:
            await ecr.describe_images(**kwargs)
    assert field in caught.value.fields
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert transport.requests == []


async def test_missing_required_argument_is_a_type_error() -> None:
    client, transport = make_client()
    method: Any = client.describe_images
    async with client:
        with pytest.raises(TypeError, match="repository_name"):
            await method()
    assert transport.requests == []


async def test_unknown_keyword_is_a_type_error() -> None:
    client, transport = make_client()
    method: Any = client.describe_images
    async with client:
        with pytest.raises(TypeError, match="repositoryName"):
            await method(repositoryName="api")
    assert transport.requests == []


async def test_calling_without_await_gives_a_coroutine_that_sends_nothing() -> None:
    client, transport = make_client()
    async with client as ecr:
        pending = ecr.describe_registry()
        assert inspect.iscoroutine(pending)
        pending.close()
    assert transport.requests == []


# -- cancellation ----------------------------------------------------------------


class Hang:
    """A handler that records that it was entered, then waits forever."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self._never = asyncio.Event()

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        self.entered.set()
        await self._never.wait()
        raise AssertionError("unreachable")


async def test_cancelling_a_call_raises_cancelled_error_unwrapped() -> None:
    hang = Hang()
    client, transport = make_client(hang)
    async with client as ecr:
        task = asyncio.create_task(ecr.describe_registry())
        await hang.entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert task.cancelled()
    assert len(transport.requests) == 1  # cancellation is not retried


async def test_cancelling_during_retry_backoff_is_not_wrapped() -> None:
    in_backoff = asyncio.Event()
    never = asyncio.Event()

    async def sleep_forever(delay: float) -> None:
        in_backoff.set()
        await never.wait()

    client, transport = make_client(scripted(json_response(503)), sleep=sleep_forever)
    async with client as ecr:
        task = asyncio.create_task(ecr.describe_registry())
        await in_backoff.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(transport.requests) == 1


async def test_asyncio_timeout_around_a_call_is_the_builtin_timeout() -> None:
    hang = Hang()
    client, transport = make_client(hang)
    async with client as ecr:
        await ecr._start()  # the set-up (a worker thread) is not what this times out
        with pytest.raises(builtins.TimeoutError) as caught:
            # The deadline is set once the request is on the wire, not as a fixed
            # 10 ms: a cold first call (schemas not built yet, as when this test runs
            # alone) can take longer than that before it sends anything.
            async with asyncio.timeout(None) as deadline:
                call = asyncio.ensure_future(ecr.describe_registry())
                await hang.entered.wait()
                deadline.reschedule(asyncio.get_running_loop().time())
                await call
    assert type(caught.value) is builtins.TimeoutError
    assert not isinstance(caught.value, ecrkit._exceptions.EcrkitError)
    assert len(transport.requests) == 1
