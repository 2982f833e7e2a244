"""Checked by mypy --strict and pyright strict, no plugins (never run): ecrkit.testing as a
user writes it. The lines marked with ignores must stay errors in both checkers."""

from __future__ import annotations

from typing import assert_type

import pytest

from ecrkit import ECRClient
from ecrkit.errors import RepositoryNotFoundException
from ecrkit.models import DescribeImagesResponse, ImageDetail, ListImagesResponse
from ecrkit.public import ECRPublicClient
from ecrkit.public.models import GetAuthorizationTokenResponse
from ecrkit.testing import ANY, ECRPublicStubber, LocalECR, StubAssertionError, Stubber


async def stubbed(ecr: ECRClient) -> None:
    with Stubber(ecr) as stub:
        assert_type(stub, Stubber)
        stub.add_response(
            "describe_images",
            {"image_details": [{"image_digest": "sha256:abc", "image_tags": ["v1"]}]},
            expected_params={"repository_name": "api", "filter": ANY},
        )
        stub.add_response(
            "describe_images",
            DescribeImagesResponse(image_details=[ImageDetail(image_tags=["v1"])]),
        )
        stub.add_response("list_images", ListImagesResponse())
        stub.add_client_error(
            "describe_images",
            "RepositoryNotFoundException",
            message="no such repository",
            http_status_code=400,
            expected_params={"repository_name": "gone"},
        )
        resp = await ecr.describe_images(repository_name="api")
        assert_type(resp, DescribeImagesResponse)
        with pytest.raises(RepositoryNotFoundException):
            await ecr.describe_images(repository_name="gone")
        stub.assert_no_pending_responses()

        # Must stay errors: the response of another operation, a misspelled operation.
        stub.add_response("describe_images", ListImagesResponse())  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        stub.add_response("describe_image", {})  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        stub.add_client_error("describe_image", "X")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    stub.activate()
    stub.deactivate()
    assert issubclass(StubAssertionError, AssertionError)


async def local() -> None:
    async with LocalECR() as server:
        assert_type(server.endpoint_url, str)
        async with server.client() as ecr:
            assert_type(ecr, ECRClient)
        server.reset()


async def stubbed_public(ecr_public: ECRPublicClient, ecr: ECRClient) -> None:
    with ECRPublicStubber(ecr_public) as stub:
        assert_type(stub, ECRPublicStubber)
        stub.add_response("get_authorization_token", GetAuthorizationTokenResponse())
        stub.add_response("describe_images", ListImagesResponse())  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    ECRPublicStubber(ecr)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
