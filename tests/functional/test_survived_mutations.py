"""Behaviour that mutations of the code survived, each now pinned by a test.

Each of these was a mutation the suite did not notice (applied by hand, the suite
still passed): reading the signing region from the request's region instead of the
endpoint rules' ``signingRegion``; an in-flight credential refresh of an event loop
that is gone blocking the next loop; tuples passed as list parameters; the
``errorMessage`` spelling of an error body's message. (``status < 400`` as success
is killed in ``test_status_and_quota.py``.)
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from ecrkit import Credentials, ECRClient
from ecrkit._credentials import RefreshingCredentials
from ecrkit._exceptions import ServiceError
from ecrkit._protocol import parse_error
from ecrkit.models import BatchGetImageRequest  # noqa: F401  (its module must import)

from ._support import json_response as ok
from ._support import make_client, parse_authorization, scripted

#: One rule: every request goes to one URL, signed for another region.
RULESET: dict[str, Any] = {
    "version": "1.0",
    "parameters": {
        "Region": {"type": "String", "builtIn": "AWS::Region"},
        "UseFIPS": {"type": "Boolean", "required": True, "default": False},
        "UseDualStack": {"type": "Boolean", "required": True, "default": False},
        "Endpoint": {"type": "String"},
    },
    "rules": [
        {
            "type": "endpoint",
            "conditions": [],
            "endpoint": {
                "url": "https://ecr.example.test",
                "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "eu-west-3"}]},
                "headers": {},
            },
        }
    ],
}


async def test_the_signing_region_comes_from_the_endpoint_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = ECRClient._service._replace(ruleset=lambda: RULESET)
    monkeypatch.setattr(ECRClient, "_service", service)
    client, transport = make_client(region="us-east-1")
    async with client:
        await client.describe_registry()
    request = transport.requests[0]
    assert request.url == "https://ecr.example.test/"
    assert parse_authorization(request.headers["Authorization"])["region"] == "eu-west-3"


class _Provider:
    """Blocks its first load forever (until its loop is gone); then answers."""

    def __init__(self) -> None:
        self.calls = 0
        self.entered = asyncio.Event()

    async def load(self) -> Credentials:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            await asyncio.Event().wait()
        return Credentials("AKIDSECONDLOOP", "second-loop-secret")


def test_a_refresh_left_in_flight_on_a_dead_loop_does_not_block_the_next_loop() -> None:
    provider = _Provider()
    cache = RefreshingCredentials(provider)
    first = asyncio.new_event_loop()

    async def start_and_abandon() -> asyncio.Task[Credentials]:
        provider.entered = asyncio.Event()
        task = asyncio.ensure_future(cache.get())
        await provider.entered.wait()
        return task

    abandoned = first.run_until_complete(start_and_abandon())
    first.close()  # the refresh is still in flight: its loop is gone, not cancelled
    assert not abandoned.done()
    # Both tasks die with their loop on purpose; asyncio need not log that they did.
    for task in (abandoned, cache._flight):
        task._log_destroy_pending = False  # type: ignore[union-attr]
    with asyncio.Runner() as runner:
        creds = runner.run(asyncio.wait_for(cache.get(), 5))
    assert creds.access_key_id == "AKIDSECONDLOOP"
    assert provider.calls == 2


async def test_tuples_are_accepted_where_the_model_has_lists() -> None:
    client, transport = make_client(scripted(ok(body={"images": []})))
    async with client:
        await client.batch_get_image(
            repository_name="repo",
            image_ids=({"image_tag": "v1"}, {"image_tag": "v2"}),
            accepted_media_types=("application/vnd.oci.image.manifest.v1+json",),
        )
    sent = json.loads(transport.requests[0].body)
    assert sent["imageIds"] == [{"imageTag": "v1"}, {"imageTag": "v2"}]
    assert sent["acceptedMediaTypes"] == ["application/vnd.oci.image.manifest.v1+json"]


def test_parse_error_reads_the_error_message_spelling() -> None:
    body = json.dumps({"__type": "ServerException", "errorMessage": "the disk is full"}).encode()
    info = parse_error(500, {}, body)
    assert (info.code, info.message) == ("ServerException", "the disk is full")


async def test_an_error_message_member_reaches_the_raised_error() -> None:
    body = {"__type": "RepositoryNotFoundException", "errorMessage": "no repository"}
    client, _ = make_client(scripted(ok(400, body)))
    async with client:
        with pytest.raises(ServiceError) as caught:
            await client.describe_images(repository_name="api")
    assert caught.value.message == "no repository"
