"""No secret in logs or reprs, on good paths and bad; HTTPS unless told otherwise.

Secrets: the secret access key, the session token, every SigV4 signature that was
sent, and every ECR authorization token (and the password inside it). Texts
searched: the DEBUG log (formatted, messages and args), and ``repr()``/``str()`` of
every credentials object, client, client runtime, response, page, error (with its
``args``, ``vars()`` and whole ``__cause__``/``__context__`` chain) and waiter error
(with its last response and last error).

- the tour core (``ecrkit.tour.tour()``) against moto, plus a paginator and a
  waiter that fails on a missing repository (reuses tests/integration/test_tour.py's
  recording transport, which knows the real signatures);
- every scenario of the fault matrix, against the fault server (which records the
  signatures), plus GetAuthorizationToken through faults and waiter failure/timeout.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager
from functools import partial
from typing import Any

import pytest

from ecrkit import ClientConfig, Credentials, ECRClient
from ecrkit.errors import EcrkitError, EndpointResolutionError, WaiterUnexpectedError
from ecrkit.testing import MockTransport
from ecrkit.tour import tour
from tests.faults import AUTH_TOKEN, FAULTS, Fault, FaultServer
from tests.functional._support import json_response, scripted
from tests.integration.test_tour import RecordingTransport, signature

from ._support import (
    CONFIG,
    CREDENTIALS,
    SECRET_KEY,
    SESSION_TOKEN,
    STALL_CONFIG,
    Path,
    Run,
    config_for,
    modes_for,
    open_client,
    run_path,
    script_for,
)

ClientFactory = Callable[..., AbstractAsyncContextManager[ECRClient]]
_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})$")


def ecr_password(token: str) -> str:
    return base64.b64decode(token).decode().partition(":")[2]


def texts(obj: object) -> Iterator[str]:
    """``repr`` and ``str`` of ``obj`` and of everything an error drags along."""
    seen: set[int] = set()
    todo: list[object] = [obj]
    while todo:
        item = todo.pop()
        if id(item) in seen or item is None:
            continue
        seen.add(id(item))
        yield repr(item)
        yield str(item)
        if isinstance(item, list | tuple):
            todo.extend(item)
        if isinstance(item, BaseException):
            yield repr(item.args)
            yield repr(vars(item))
            todo += [item.__cause__, item.__context__]
            todo += [getattr(item, "last_error", None), getattr(item, "last_response", None)]


def log_texts(caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    yield caplog.text
    for record in caplog.records:
        yield record.getMessage()
        yield repr(record.args)
        if record.exc_info and record.exc_info[1] is not None:
            yield from texts(record.exc_info[1])


def client_texts(client: ECRClient) -> Iterator[str]:
    yield from texts(client)
    runtime = client._runtime
    if runtime is not None:
        yield repr(runtime)  # credentials cache, transport, retry strategy included
        yield from texts(runtime.credentials)


def assert_no_secret(found_in: Iterable[str], secrets: dict[str, str]) -> int:
    """Fail naming the secret and where it showed; return how many texts were searched."""
    searched = list(found_in)
    for name, secret in secrets.items():
        assert secret, name
        leaks = [text for text in searched if secret in text]
        assert not leaks, f"the {name} appears in: {leaks[0][:400]!r}"
    return len(searched)


def debug_logging(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ecrkit")
    caplog.set_level(logging.DEBUG, logger="aiohttp")


# -- the tour, against moto ------------------------------------------------------------


@pytest.mark.integration
async def test_tour_paginator_and_waiter_error_leak_no_secret(
    make_ecr: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    debug_logging(caplog)
    credentials = Credentials("AKIDSECRETSTOUR0001", SECRET_KEY, SESSION_TOKEN)
    transport = RecordingTransport()
    shown: list[str] = []
    try:
        async with make_ecr(credentials=credentials, transport=transport) as ecr:
            repository = f"secrets-{uuid.uuid4().hex[:10]}"
            seen: list[object] = await tour(ecr, repository, say=shown.append)
            auth = await ecr.get_authorization_token()
            await ecr.create_repository(repository_name=repository)
            pages = [
                page
                async for page in ecr.get_paginator("describe_images").paginate(
                    repository_name=repository
                )
            ]
            with pytest.raises(WaiterUnexpectedError) as waiter_error:
                await ecr.get_waiter("image_scan_complete").wait(
                    repository_name=f"{repository}-missing",
                    image_id={"image_tag": "latest"},
                    waiter_config={"delay": 0, "max_attempts": 2},
                )
            await ecr.delete_repository(repository_name=repository, force=True)
            shown += client_texts(ecr)
    finally:
        await transport.close()

    token = auth.authorization_data[0].authorization_token
    assert token
    secrets = {
        "secret key": SECRET_KEY,
        "session token": SESSION_TOKEN,
        "ECR token": token,
        "ECR password": ecr_password(token),
    }
    secrets |= {f"signature {signature(r)[:8]}": signature(r) for r in transport.requests}
    assert len(transport.requests) >= 15
    everything = [*shown, *log_texts(caplog)]
    for item in [*seen, auth, *pages, waiter_error.value, credentials]:
        everything += texts(item)
    assert assert_no_secret(everything, secrets) > 100
    assert any("CreateRepository attempt=1" in r.getMessage() for r in caplog.records)


# -- the fault matrix ----------------------------------------------------------------


async def test_fault_matrix_leaks_no_secret(
    faults: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    debug_logging(caplog)
    faults.trickle_gap = 0.005  # with a 0.05 s read timeout for the stalls and the trickle
    short = ClientConfig(read_timeout=0.05, connect_timeout=2.0, max_response_bytes=64 * 1024)
    shown: list[str] = []
    scenarios = 0

    async def run(
        make_call: Callable[[ECRClient], Awaitable[object]], *steps: Fault | None
    ) -> None:
        nonlocal scenarios
        scenarios += 1
        faults.restart()
        faults.script(*steps)
        slow = bool(steps) and steps[-1] is not None and config_for(steps[-1]) is STALL_CONFIG
        config = short if slow else CONFIG
        async with open_client(faults, config=config) as client:
            try:
                result = await make_call(client)
            except EcrkitError as exc:
                result = Run(error=exc)
            if not isinstance(result, Run):
                result = Run(result=result)
            assert result.result is not None or result.error is not None
            shown.extend(texts(result.result))
            shown.extend(texts(result.error))
            shown.extend(client_texts(client))
        assert faults.pending == 0

    for fault in FAULTS:
        for mode in modes_for(fault):
            for path in Path:
                lead = [None] if path is not Path.OPERATION else []
                await run(partial(run_path, path=path), *lead, *script_for(fault, mode))

    async def token(client: ECRClient) -> object:
        return await client.get_authorization_token()

    for fault in (Fault.THROTTLE, Fault.TRUNCATED_JSON, Fault.LENGTH_UNDER, Fault.HUGE_BODY):
        await run(token, fault)
    await run(token, None)
    for statuses in (["IN_PROGRESS", "FAILED"], ["IN_PROGRESS"]):  # failure, then timeout
        faults.scan_statuses = statuses
        await run(partial(run_path, path=Path.WAITER))
    assert any("WaiterFailureError" in text for text in shown)
    assert any("WaiterTimeoutError" in text for text in shown)
    assert any("ClientResponseError" in text for text in shown)  # a cause with request_info

    secrets = {
        "secret key": SECRET_KEY,
        "session token": SESSION_TOKEN,
        "ECR token": AUTH_TOKEN,
        "ECR password": ecr_password(AUTH_TOKEN),
    }
    for request in faults.requests:
        assert request.authorization is not None
        found = _SIGNATURE.search(request.authorization)
        assert found, request.authorization
        secrets[f"signature of request {request.index}"] = found.group(1)
    assert scenarios == sum(len(Path) * len(modes_for(f)) for f in FAULTS) + 5 + 2
    assert len(faults.requests) > 250
    searched = assert_no_secret([*shown, *log_texts(caplog), *texts(CREDENTIALS)], secrets)
    assert searched > 1000
    assert any(r.name == "ecrkit" and r.levelno == logging.DEBUG for r in caplog.records)


# -- HTTPS by default ----------------------------------------------------------------


def _regions() -> list[str]:
    partitions = ECRClient._service.partitions()["partitions"]
    known = [r for p in partitions for r in p["regions"] if not r.endswith("-global")]
    # Regions the partition data does not list yet, matched by each partition's regex.
    future = ["us-future-1", "eu-future-9", "cn-future-1", "us-gov-future-1"]
    future += ["us-iso-future-1", "us-isob-future-1", "eu-isoe-future-1", "us-isof-future-1"]
    return sorted(known) + future


REGIONS = _regions()


async def _resolved_url(region: str, **config: Any) -> str | None:
    transport = MockTransport(scripted(json_response()))
    client = ECRClient(
        region=region,
        credentials=CREDENTIALS,
        config=ClientConfig(**config),
        transport=transport,
    )
    try:
        await client.describe_registry()
    except EndpointResolutionError:
        return None  # no such variant in that partition: fine, nothing was sent
    finally:
        await client.close()
    assert len(transport.requests) == 1
    assert transport.requests[0].url == client._runtime.url  # type: ignore[union-attr]
    return transport.requests[0].url


async def test_every_endpoint_the_rules_produce_is_https() -> None:
    resolved: list[str] = []
    for region in REGIONS:
        for fips in (False, True):
            for dualstack in (False, True):
                url = await _resolved_url(
                    region, use_fips_endpoint=fips, use_dualstack_endpoint=dualstack
                )
                if url is not None:
                    resolved.append(url)
                    assert url.startswith("https://"), (region, fips, dualstack, url)
    assert len(REGIONS) >= 50
    assert len(resolved) >= 3 * len(REGIONS)  # most combinations exist


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:9/", "http://localhost:4566", "https://vpce-1.api.ecr.example.com"],
)
async def test_only_an_explicit_endpoint_url_can_be_plain_http(endpoint: str) -> None:
    transport = MockTransport(scripted(json_response()))
    async with ECRClient(
        region="eu-west-1", endpoint_url=endpoint, credentials=CREDENTIALS, transport=transport
    ) as client:
        await client.describe_registry()
    assert transport.requests[0].url == endpoint.rstrip("/") + "/"


async def test_plain_http_from_the_environment_is_explicit_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9")
    transport = MockTransport(scripted(json_response()))
    async with ECRClient(region="eu-west-1", credentials=CREDENTIALS, transport=transport) as c:
        await c.describe_registry()
    assert transport.requests[0].url == "http://127.0.0.1:9/"
    monkeypatch.delenv("AWS_ENDPOINT_URL_ECR")
    assert "AWS_ENDPOINT_URL" not in os.environ
    assert (await _resolved_url("eu-west-1")) == "https://api.ecr.eu-west-1.amazonaws.com/"
