"""The runtime knows no service: what differs between services comes from ServiceInfo.

``ToyClient`` is a client of a made-up AWS JSON service, written here the way the
generator writes ``ECRClient``: a ``ServiceInfo`` and one ``Operation``. Its retry
overrides, endpoint variable, endpoint rules and signing come from that description
alone, and ECR's differ from it only where ECR's description says so.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from ecrkit import ClientConfig, ECRClient
from ecrkit._client_base import BaseClient, Operation, ServiceInfo
from ecrkit._endpoints import Endpoint
from ecrkit._exceptions import EndpointResolutionError, ServiceError
from ecrkit._model import ServiceModel, ServiceResponse
from ecrkit._setup import sigv4_signing_region
from ecrkit.errors import LimitExceededException
from ecrkit.public import ECRPublicClient
from ecrkit.testing import MockTransport
from tests.functional._support import (
    CREDENTIALS,
    Clock,
    Sleeps,
    error_response,
    json_response,
    parse_authorization,
    scripted,
)

_BOOLEAN = {"type": "Boolean", "required": True, "default": False}
RULESET: dict[str, Any] = {
    "version": "1.0",
    "parameters": {
        "Region": {"type": "String", "required": True},
        "UseFIPS": _BOOLEAN,
        "UseDualStack": _BOOLEAN,
        "Endpoint": {"type": "String"},
    },
    "rules": [
        {
            "type": "endpoint",
            "conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}],
            "endpoint": {"url": {"ref": "Endpoint"}},
        },
        {  # a global endpoint that signs for one region, as IAM's and Organizations' do
            "type": "endpoint",
            "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "aws-global"]}],
            "endpoint": {
                "url": "https://toy.amazonaws.com",
                "properties": {
                    "authSchemes": [
                        {"name": "sigv4", "signingName": "toy", "signingRegion": "us-east-1"}
                    ]
                },
            },
        },
        {
            "type": "endpoint",
            "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "aws-multi"]}],
            "endpoint": {
                "url": "https://toy.global.amazonaws.com",
                "properties": {"authSchemes": [{"name": "sigv4a", "signingRegionSet": ["*"]}]},
            },
        },
        {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://toy.{Region}.example"}},
    ],
}
PARTITIONS: dict[str, Any] = {
    "partitions": [{"id": "aws", "regionRegex": ".*", "regions": {}, "outputs": {}}]
}


class PingRequest(ServiceModel):
    """The toy operation's input (no members)."""


class PingResponse(ServiceResponse):
    """The toy operation's output (no members)."""


class ToyClient(BaseClient):
    """A client of the toy service, shaped like a generated one."""

    _service: ClassVar[ServiceInfo] = ServiceInfo(
        signing_name="toy",
        ruleset=lambda: RULESET,
        partitions=lambda: PARTITIONS,
        error_classes={},
        paginators=frozenset(),
        service_id="Toy Service",
    )
    _operations: ClassVar[dict[str, Operation[Any, Any]]] = {
        "ping": Operation("Ping", "ToyService_2026.Ping", __name__, "PingRequest", "PingResponse")
    }

    async def ping(self) -> PingResponse:
        """Call Ping."""
        return await self._call(self._operations["ping"], {})


class QuotaToyClient(ToyClient):
    """The toy service, had its description said what ECR's says about the code."""

    _service = ToyClient._service._replace(not_throttling=frozenset({"LimitExceededException"}))


LIMIT_THEN_OK = (error_response(400, "LimitExceededException", "slow down"), json_response())


def _toy(
    cls: type[ToyClient] = ToyClient, region: str = "eu-west-1", **kwargs: Any
) -> tuple[ToyClient, MockTransport]:
    transport = MockTransport(kwargs.pop("handler", scripted(*LIMIT_THEN_OK)))
    client = cls(
        region=region,
        credentials=CREDENTIALS,
        transport=transport,
        sleep=Sleeps(),
        now=Clock(),
        **kwargs,
    )
    return client, transport


# -- retry overrides ----------------------------------------------------------------


def test_the_generic_default_has_no_override() -> None:
    assert ToyClient._service.not_throttling == frozenset()
    assert ECRClient._service.not_throttling == frozenset({"LimitExceededException"})
    # ECR Public's description says the same (its LimitExceededException is a quota too).
    assert ECRPublicClient._service.not_throttling == frozenset({"LimitExceededException"})


async def test_without_an_override_limit_exceeded_is_throttling() -> None:
    client, transport = _toy(handler=scripted(*LIMIT_THEN_OK, *LIMIT_THEN_OK))
    async with client as toy:
        response = await toy.ping()
        # A view builds its own retry strategy: it keeps the service's codes.
        from_view = await toy.with_options(max_attempts=2).ping()
    assert response.response_metadata.retry_attempts == 1
    assert from_view.response_metadata.retry_attempts == 1
    assert len(transport.requests) == 4


@pytest.mark.parametrize("view", [False, True])
async def test_the_override_in_the_description_is_not_retried(view: bool) -> None:
    client, transport = _toy(QuotaToyClient)
    async with client as toy:
        caller = toy.with_options(max_attempts=5) if view else toy
        with pytest.raises(ServiceError) as caught:
            await caller.ping()
    assert caught.value.code == "LimitExceededException"
    assert caught.value.attempts == 1
    assert len(transport.requests) == 1


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
async def test_ecr_does_not_retry_limit_exceeded(mode: Any) -> None:
    transport = MockTransport(scripted(LIMIT_THEN_OK[0]))  # the same answer every time
    config = ClientConfig(retry_mode=mode, max_attempts=3)
    client = ECRClient(
        region="eu-west-1",
        credentials=CREDENTIALS,
        transport=transport,
        config=config,
        sleep=Sleeps(),
        now=Clock(),
    )
    async with client as ecr:
        for caller in (ecr, ecr.with_options(max_attempts=5)):
            with pytest.raises(LimitExceededException):
                await caller.describe_registry()
    assert len(transport.requests) == 2  # one per call


# -- endpoint variable, rules and signing region -------------------------------------


async def test_the_endpoint_variable_is_named_after_the_service_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://not-for-toy.invalid")
    monkeypatch.setenv("AWS_ENDPOINT_URL_TOY_SERVICE", "http://127.0.0.1:9/toy")
    client, transport = _toy(handler=scripted(json_response()))
    async with client as toy:
        await toy.ping()
    assert transport.requests[0].url == "http://127.0.0.1:9/toy/"


@pytest.mark.parametrize(
    ("region", "url", "signing_region"),
    [
        ("eu-west-1", "https://toy.eu-west-1.example/", "eu-west-1"),
        ("aws-global", "https://toy.amazonaws.com/", "us-east-1"),
    ],
)
async def test_rules_give_the_url_and_the_signing_region(
    region: str, url: str, signing_region: str
) -> None:
    client, transport = _toy(region=region, handler=scripted(json_response()))
    async with client as toy:
        await toy.ping()
    sent = transport.requests[0]
    auth = parse_authorization(sent.headers["Authorization"])
    assert (sent.url, auth["region"], auth["service"]) == (url, signing_region, "toy")
    assert sent.headers["X-Amz-Target"] == "ToyService_2026.Ping"


async def test_an_endpoint_without_sigv4_is_refused_before_sending() -> None:
    client, transport = _toy(region="aws-multi")
    async with client as toy:
        with pytest.raises(EndpointResolutionError, match="'sigv4a'; ecrkit signs with sigv4"):
            await toy.ping()
    assert transport.requests == []


@pytest.mark.parametrize(
    ("schemes", "expected"),
    [
        (None, "eu-west-1"),
        ([], "eu-west-1"),
        ([{"name": "sigv4"}], "eu-west-1"),
        ([{"name": "sigv4", "signingRegion": "us-gov-west-1"}], "us-gov-west-1"),
        (
            [
                {"name": "sigv4a", "signingRegionSet": ["*"]},
                {"name": "sigv4", "signingRegion": "cn-north-1"},
                {"name": "sigv4", "signingRegion": "us-east-1"},
            ],
            "cn-north-1",
        ),
    ],
)
def test_signing_region_is_the_first_sigv4_schemes(
    schemes: list[dict[str, Any]] | None, expected: str
) -> None:
    properties = {} if schemes is None else {"authSchemes": schemes}
    assert sigv4_signing_region(Endpoint("https://x.example", properties), "eu-west-1") == expected


def test_a_hostile_signing_region_is_refused() -> None:
    endpoint = Endpoint(
        "https://x.example", {"authSchemes": [{"name": "sigv4", "signingRegion": "a/b"}]}
    )
    with pytest.raises(EndpointResolutionError, match="signingRegion"):
        sigv4_signing_region(endpoint, "eu-west-1")
