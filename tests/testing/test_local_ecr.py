"""LocalECR: moto's server behind a layer that pages like ECR, started without blocking.

The session's LocalECR (``ecr_local``, the plugin's fixture) serves most tests here;
``ecr_client`` resets it first. A paginating function is checked against both moto's
own one-page answer (where the check fails) and LocalECR (where it passes).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import subprocess
import sys
from typing import Any

import pytest

from ecrkit import ClientConfig, ECRClient
from ecrkit.errors import EndpointConnectionError, InvalidParameterException
from ecrkit.testing import LocalECR

pytestmark = pytest.mark.integration


def manifest(n: int) -> str:
    layer = hashlib.sha256(f"local-layer-{n}".encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 10,
                "digest": "sha256:" + hashlib.sha256(f"local-config-{n}".encode()).hexdigest(),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 20,
                    "digest": f"sha256:{layer}",
                }
            ],
        }
    )


async def seed(ecr: ECRClient, repository: str, images: int) -> None:
    await ecr.create_repository(repository_name=repository)
    for n in range(images):
        await ecr.put_image(
            repository_name=repository, image_manifest=manifest(n), image_tag=f"v{n}"
        )


async def assert_pages_of_two(ecr: ECRClient, repository: str) -> None:
    """What a user's paging test checks: 5 images come in pages of 2, 2 and 1."""
    pages = [
        len(page.image_details)
        async for page in ecr.get_paginator("describe_images").paginate(
            repository_name=repository, pagination_config={"page_size": 2}
        )
    ]
    assert pages == [2, 2, 1]


async def test_a_paging_check_fails_on_moto_and_passes_on_local_ecr(
    ecr_client: ECRClient, ecr_local: LocalECR
) -> None:
    await seed(ecr_client, "paged", 5)
    await assert_pages_of_two(ecr_client, "paged")
    async with ecr_local.client(endpoint_url=ecr_local.moto_endpoint_url) as raw_moto:
        with pytest.raises(AssertionError, match=r"\[5\] == \[2, 2, 1\]"):
            await assert_pages_of_two(raw_moto, "paged")  # moto: everything in one page


async def test_pages_tokens_and_bounds_like_ecr(ecr_client: ECRClient, ecr_local: LocalECR) -> None:
    await seed(ecr_client, "bounds", 3)
    first = await ecr_client.list_images(repository_name="bounds", max_results=2)
    assert len(first.image_ids) == 2 and first.next_token
    assert first.next_token not in ("2", "1")  # opaque, not an offset
    again = await ecr_client.list_images(repository_name="bounds", next_token=first.next_token)
    assert len(again.image_ids) == 1 and again.next_token is None
    repeat = await ecr_client.list_images(repository_name="bounds", next_token=first.next_token)
    assert repeat.image_ids == again.image_ids  # a token can be used again, as in ECR
    default = await ecr_client.list_images(repository_name="bounds")
    assert len(default.image_ids) == 3 and default.next_token is None

    with pytest.raises(InvalidParameterException, match="nextToken"):
        await ecr_client.list_images(repository_name="bounds", next_token="not-a-token")
    with pytest.raises(InvalidParameterException, match="nextToken"):  # another operation's
        await ecr_client.describe_images(repository_name="bounds", next_token=first.next_token)
    with pytest.raises(InvalidParameterException, match="between 1 and 1000") as caught:
        await ecr_client.describe_repositories(max_results=1001)
    assert caught.value.request_id and caught.value.status_code == 400
    with pytest.raises(InvalidParameterException, match="cannot be used with imageIds"):
        await ecr_client.describe_images(
            repository_name="bounds", image_ids=[{"image_tag": "v1"}], max_results=1
        )
    ecr_local.reset()
    with pytest.raises(InvalidParameterException):  # tokens do not outlive a reset
        await ecr_client.list_images(repository_name="bounds", next_token=first.next_token)


async def test_reset_forgets_everything(ecr_client: ECRClient, ecr_local: LocalECR) -> None:
    await ecr_client.create_repository(repository_name="kept-until-reset")
    assert len((await ecr_client.describe_repositories()).repositories) == 1
    ecr_local.reset()
    assert (await ecr_client.describe_repositories()).repositories == []


async def test_client_arguments_pass_through(ecr_local: LocalECR) -> None:
    async with ecr_local.client(region="eu-west-1", config=ClientConfig(max_attempts=1)) as ecr:
        assert ecr.config.max_attempts == 1
        await ecr.create_repository(repository_name="in-ireland")
        repo = (await ecr.describe_repositories(repository_names=["in-ireland"])).repositories[0]
        assert repo.repository_arn and ":eu-west-1:" in repo.repository_arn
    assert ecr_local.region == "us-east-1"
    assert ecr_local.credentials.access_key_id == "AKIDLOCALECR"
    assert ecr_local.endpoint_url.startswith("http://127.0.0.1:")


async def test_start_and_stop_never_block_the_loop() -> None:
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)  # a yield, not a wait

    task = asyncio.create_task(ticker())
    local = LocalECR(region="eu-central-1")
    with pytest.raises(RuntimeError, match="not started"):
        local.endpoint_url  # noqa: B018
    async with local:
        started_ticks = ticks
        url = local.endpoint_url
        async with local.client() as ecr:
            await ecr.create_repository(repository_name="short-lived")
    stop.set()
    await task
    assert started_ticks > 10  # the loop ran while moto started in its thread
    async with ECRClient(
        region="eu-central-1",
        endpoint_url=url,
        credentials=LocalECR.credentials,
        config=ClientConfig(max_attempts=1),
    ) as gone:
        with pytest.raises(EndpointConnectionError):  # stopped: nothing listens there
            await gone.describe_repositories()


def test_without_moto_the_import_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install 'ecrkit\[local\]'"):
        LocalECR()


def test_importing_ecrkit_testing_and_its_plugin_stays_light() -> None:
    code = (
        "import sys, ecrkit.testing, ecrkit.testing._plugin; "
        "heavy = [m for m in ('moto', 'pydantic', 'werkzeug', 'ecrkit.testing._local', "
        "'ecrkit.testing._stubber') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_a_response_rewrite_is_one_function(
    ecr_client: ECRClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where LocalECR corrects moto (the real 12 h token expiry): one entry in
    RESPONSE_REWRITES, applied to that operation's success only."""
    from datetime import UTC, datetime, timedelta

    from ecrkit.testing import _paging_proxy

    before = datetime.now(UTC)
    local_says = (await ecr_client.get_authorization_token()).authorization_data[0].expires_at
    after = datetime.now(UTC)
    assert local_says is not None
    # moto's canned token expired on 2015-01-01; LocalECR's lives 12 hours, as ECR's do
    # (epoch seconds with millisecond precision: up to 0.5 ms either way).
    lifetime, rounding = timedelta(hours=12), timedelta(milliseconds=1)
    assert before + lifetime - rounding <= local_says <= after + lifetime + rounding

    def far_future(body: dict[str, Any]) -> dict[str, Any]:
        for data in body["authorizationData"]:
            data["expiresAt"] = 4102444800  # 2100-01-01
        return body

    monkeypatch.setitem(_paging_proxy.RESPONSE_REWRITES, "GetAuthorizationToken", far_future)
    data = (await ecr_client.get_authorization_token()).authorization_data[0]
    assert data.expires_at == datetime(2100, 1, 1, tzinfo=UTC)
    assert data.authorization_token  # the rest of moto's answer is kept
