"""What a status code means: 3xx is an error (never followed), a 2xx that fails to
parse is not a success for the retry quota, and an over-limit body is a transport
condition with its own class."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from ecrkit import ClientConfig, Credentials, ECRClient
from ecrkit._exceptions import ResponseParseError, ServiceError, TransportError
from ecrkit.http import HttpResponse

from ._support import json_response, make_client, scripted

CREDS = Credentials("AKIDSTATUS", "status-secret-key")


@pytest.mark.parametrize("status", [300, 301, 302, 303, 304, 307, 308, 399])
async def test_a_3xx_is_an_error_naming_the_status(status: int) -> None:
    answer = HttpResponse(status, {"Location": "http://127.0.0.1:9/elsewhere"}, b"")
    client, transport = make_client(scripted(answer))
    async with client:
        with pytest.raises(ServiceError) as caught:
            await client.describe_registry()
    error = caught.value
    assert error.status_code == status
    assert str(status) in str(error)
    assert "redirect" in error.message
    assert len(transport.requests) == 1  # not retried, not followed


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[web.Request] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        return web.json_response({"registryId": "1"})


@pytest.fixture
async def servers() -> AsyncIterator[tuple[str, _Recorder]]:
    """A server that redirects every request to a second, recording one."""
    target = _Recorder()
    target_app = web.Application()
    target_app.router.add_route("*", "/{tail:.*}", target.handle)
    target_runner = web.AppRunner(target_app)
    await target_runner.setup()
    target_site = web.TCPSite(target_runner, "127.0.0.1", 0)
    await target_site.start()
    target_port = target_site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def redirect(request: web.Request) -> web.Response:
        await request.read()
        raise web.HTTPTemporaryRedirect(f"http://127.0.0.1:{target_port}/")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", redirect)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", target
    finally:
        await runner.cleanup()
        await target_runner.cleanup()


async def test_a_redirect_is_never_followed_with_the_authorization_header(
    servers: tuple[str, _Recorder],
) -> None:
    url, target = servers
    async with ECRClient(region="us-east-1", endpoint_url=url, credentials=CREDS) as client:
        with pytest.raises(ServiceError) as caught:
            await client.describe_registry()
    assert caught.value.status_code == 307
    assert target.requests == []


async def test_a_2xx_that_fails_to_parse_is_not_a_success_for_the_retry_quota() -> None:
    failing = json_response(503, {"__type": "ServiceUnavailable"})
    bad_body = HttpResponse(200, {"x-amzn-RequestId": "r"}, b'{"registryId": 5}')
    client, _ = make_client(scripted(failing, failing, failing, bad_body, json_response()))
    async with client:
        with pytest.raises(ServiceError):
            await client.describe_registry()  # 2 retries: 10 tokens taken
        assert client._runtime is not None
        quota = client._runtime.retry.quota
        assert quota.available == quota.capacity - 10
        with pytest.raises(ResponseParseError):
            await client.describe_registry()
        assert quota.available == quota.capacity - 10  # no refund for a failure
        await client.describe_registry()
        assert quota.available == quota.capacity - 9  # a real success adds 1


async def test_a_body_over_max_response_bytes_is_a_transport_error(
    servers: tuple[str, _Recorder],
) -> None:
    from ecrkit.errors import ResponseTooLargeError

    big = json.dumps({"registryId": "x" * 5000}).encode()

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=big, content_type="application/x-amz-json-1.1")

    app = web.Application()
    app.router.add_route("*", "/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        config = ClientConfig(max_response_bytes=1000)
        async with ECRClient(
            region="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}",
            credentials=CREDS,
            config=config,
        ) as client:
            with pytest.raises(ResponseTooLargeError) as caught:
                await client.describe_registry()
    finally:
        await runner.cleanup()
    error = caught.value
    assert isinstance(error, TransportError)
    assert not isinstance(error, ResponseParseError)
    assert error.status_code == 200
    assert error.operation_name == "DescribeRegistry"
    assert error.attempts == 1
    assert "max_response_bytes=1000" in str(error)


async def test_attempts_retries_and_polls_are_three_different_counts() -> None:
    from ecrkit.errors import WaiterTimeoutError

    busy = json_response(503, {"__type": "ServiceUnavailable"})
    running = json_response(body={"status": "IN_PROGRESS"})
    client, transport = make_client(scripted(busy, running, busy, running, busy, running))
    async with client:
        resp = await client.get_lifecycle_policy_preview(repository_name="repo")
        assert resp.response_metadata.retry_attempts == 1  # retries
        assert resp.response_metadata.attempts == 2  # HTTP attempts
        waiter = client.get_waiter("lifecycle_policy_preview_complete")
        with pytest.raises(WaiterTimeoutError) as caught:
            await waiter.wait(repository_name="repo", waiter_config={"delay": 1, "max_attempts": 2})
    assert caught.value.polls == 2  # calls of the operation, each of two HTTP attempts
    assert caught.value.attempts == caught.value.polls  # the old name, same meaning
    assert len(transport.requests) == 2 + 4
