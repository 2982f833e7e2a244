"""Checked by mypy --strict and pyright strict, no plugins (never run): every style of
nested argument, and the mistakes in dict arguments the TypedDicts catch."""

from __future__ import annotations

from collections import deque
from typing import assert_type

from ecrkit import ECRClient
from ecrkit.enums import TagStatus
from ecrkit.models import (
    DescribeImagesFilter,
    DescribeImagesFilterDict,
    DescribeImagesRequest,
    DescribeImagesRequestDict,
    DescribeImagesResponse,
    ImageIdentifier,
    ImageIdentifierDict,
    ReplicationConfigurationDict,
    TagDict,
    build_request,
)


async def styles(ecr: ECRClient) -> None:
    # A model, a TypedDict-typed variable, a dict literal: all one parameter type.
    as_model = ImageIdentifier(image_tag="v1")
    as_typed: ImageIdentifierDict = {"image_digest": "sha256:abc"}
    resp = await ecr.describe_images(
        repository_name="api",
        image_ids=[as_model, as_typed, {"image_tag": "v2"}],
        filter={"tag_status": TagStatus.TAGGED},  # the StrEnum member or its literal
    )
    assert_type(resp, DescribeImagesResponse)

    # Any sequence for a Sequence parameter; None in an optional member means "not set",
    # so a value read from a response can go straight back.
    listed = await ecr.list_images(repository_name="api")
    for found in listed.image_ids:
        await ecr.batch_delete_image(
            repository_name="api",
            image_ids=deque([{"image_digest": found.image_digest}]),
        )

    # Nested structures inside a dict are TypedDicts too.
    config: ReplicationConfigurationDict = {
        "rules": [{"destinations": [{"region": "eu-west-2", "registry_id": "123456789012"}]}]
    }
    await ecr.put_replication_configuration(replication_configuration=config)

    tags: list[TagDict] = [{"key": "team", "value": "platform"}]
    await ecr.tag_resource(resource_arn="arn:aws:ecr:...", tags=tags)

    # A request as one TypedDict: for build_request, or unpacked as keyword arguments.
    params: DescribeImagesRequestDict = {"repository_name": "api", "max_results": 10}
    assert_type(build_request(DescribeImagesRequest, params), DescribeImagesRequest)
    assert_type(await ecr.describe_images(**params), DescribeImagesResponse)

    flt: DescribeImagesFilterDict = {"tag_status": "UNTAGGED", "image_status": "ACTIVE"}
    assert_type(DescribeImagesFilter.model_validate(flt), DescribeImagesFilter)


async def rejected_by_the_type_checker(ecr: ECRClient) -> None:
    """Each line must be a type error in both checkers (see client_usage.py)."""
    await ecr.describe_images(repository_name="api", image_ids=[{"imag_tag": "v1"}])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    await ecr.describe_images(repository_name="api", filter={"tag_status": "UNTAGGD"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ecr.describe_images(repository_name="api", filter={"tagStatus": "TAGGED"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ecr.describe_images(repository_name="api", image_ids=[{"image_tag": 1}])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    await ecr.tag_resource(resource_arn="arn", tags=[{"key": "team"}])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    untyped: dict[str, str] = {"image_tag": "v1"}
    await ecr.describe_images(repository_name="api", image_ids=[untyped])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    bad: ImageIdentifierDict = {"image_tag": "v1", "extra": "x"}  # type: ignore[typeddict-unknown-key]  # pyright: ignore[reportAssignmentType]
    del bad
