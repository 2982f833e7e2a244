"""Checked by mypy --strict and pyright strict, no plugins (never run): the client as a
user writes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import assert_type

from ecrkit import ClientConfig, Credentials, ECRClient, ResponseMetadata
from ecrkit.enums import TagStatus
from ecrkit.errors import (
    CredentialsError,
    EcrkitError,
    EndpointConnectionError,
    ImageNotFoundException,
    LimitExceededException,
    ParamValidationError,
    RepositoryNotFoundException,
    ServiceError,
    TransportTimeoutError,
)
from ecrkit.models import (
    AuthorizationData,
    CreateRepositoryResponse,
    DescribeImagesFilter,
    DescribeImagesResponse,
    GetAuthorizationTokenResponse,
    ImageDetail,
    ImageIdentifier,
    Repository,
    Tag,
)


async def describe(region: str) -> list[str]:
    digests: list[str] = []
    async with ECRClient(region=region) as ecr:
        assert_type(ecr, ECRClient)
        resp = await ecr.describe_images(repository_name="api")
        assert_type(resp, DescribeImagesResponse)
        for image in resp.image_details:
            assert_type(image, ImageDetail)
            assert_type(image.image_tags, list[str])
            assert_type(image.image_pushed_at, datetime | None)
            if image.image_digest is not None:
                digests.append(image.image_digest)
        assert_type(resp.next_token, str | None)

        meta = resp.response_metadata
        assert_type(meta, ResponseMetadata)
        assert_type(meta.request_id, str | None)
        assert_type(meta.http_status_code, int)
        assert_type(meta.retry_attempts, int)
    return digests


async def nested_inputs(ecr: ECRClient) -> None:
    # Nested members accept the model or a dict typed by its TypedDict (snake_case keys;
    # wire keys are accepted at runtime only, see typed_dicts_usage.py).
    by_model = await ecr.describe_images(
        repository_name="api",
        image_ids=[ImageIdentifier(image_tag="v1"), {"image_digest": "sha256:abc"}],
        filter=DescribeImagesFilter(tag_status=TagStatus.TAGGED),
        max_results=50,
    )
    by_dict = await ecr.describe_images(
        repository_name="api", filter={"tag_status": "UNTAGGED"}, image_ids=({"image_tag": "v2"},)
    )
    assert_type(by_model, DescribeImagesResponse)
    assert_type(by_dict, DescribeImagesResponse)

    created = await ecr.create_repository(
        repository_name="api",
        tags=[Tag(key="team", value="platform"), {"key": "env", "value": "prod"}],
        image_tag_mutability="IMMUTABLE",
    )
    assert_type(created, CreateRepositoryResponse)
    assert_type(created.repository, Repository | None)
    if created.repository is not None:
        assert_type(created.repository.repository_uri, str | None)


async def login(ecr: ECRClient) -> str | None:
    token = await ecr.get_authorization_token()
    assert_type(token, GetAuthorizationTokenResponse)
    for data in token.authorization_data:
        assert_type(data, AuthorizationData)
        assert_type(data.authorization_token, str | None)
        return data.authorization_token
    return None


async def handle_errors(ecr: ECRClient) -> int:
    try:
        await ecr.describe_images(repository_name="api")
    except RepositoryNotFoundException as exc:
        assert_type(exc.code, str)
        assert_type(exc.status_code, int | None)
        assert_type(exc.request_id, str | None)
        assert_type(exc.operation_name, str | None)
        return 404
    except (ImageNotFoundException, LimitExceededException) as exc:
        assert_type(exc.message, str)
        return 400
    except ServiceError as exc:
        assert_type(exc.attempts, int)
        return exc.status_code or 500
    except ParamValidationError as exc:
        assert_type(exc.fields, list[str])
        return 422
    except (EndpointConnectionError, TransportTimeoutError, CredentialsError) as exc:
        assert_type(exc, EndpointConnectionError | TransportTimeoutError | CredentialsError)
        return 503
    except EcrkitError:
        return 500
    return 200


async def configured() -> None:
    creds = Credentials(
        "AKIDEXAMPLE", "secret", session_token="token", expiration=datetime.now(UTC)
    )
    config = ClientConfig(retry_mode="adaptive", max_attempts=5, read_timeout=30.0)
    ecr = ECRClient(
        region="eu-west-1",
        credentials=creds,
        config=config,
        endpoint_url="http://127.0.0.1:5000",
    )
    try:
        url = await ecr.generate_presigned_url(
            "describe_images", {"repository_name": "api"}, expires_in=900
        )
        assert_type(url, str)
        assert_type(ecr.can_paginate("describe_images"), bool)
        assert_type(ecr.config, ClientConfig)
        async with asyncio.timeout(10):
            resp = await ecr.describe_repositories(repository_names=["api", "web"])
        for repo in resp.repositories:
            assert_type(repo, Repository)
    finally:
        await ecr.close()


async def rejected_by_the_type_checker(ecr: ECRClient) -> None:
    """Each line must be a type error in both checkers. An ignore that stops being
    needed fails the check (mypy warn_unused_ignores; pyright
    reportUnnecessaryTypeIgnoreComment), so these lines prove the signatures stay
    precise: not Any, required stays required."""
    await ecr.describe_images()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr.describe_images(repository_name=42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ecr.describe_images(repository_name="api", max_results="10")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ecr.describe_images(repository_name="api", bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await ecr.describe_images("api")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    resp = await ecr.describe_images(repository_name="api")
    resp.image_details[0].image_size_in_bytes.bit_length()  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]
