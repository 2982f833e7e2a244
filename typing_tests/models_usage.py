"""Checked by mypy --strict and pyright strict, no plugins (never run): the models as a
user writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, assert_type

from ecrkit.enums import TagStatus
from ecrkit.errors import (
    ImageNotFoundException,
    ParamValidationError,
    RepositoryNotFoundException,
    ServiceError,
)
from ecrkit.models import (
    DescribeImagesFilter,
    DescribeImagesRequest,
    DescribeImagesResponse,
    ImageDetail,
    ImageIdentifier,
    build_request,
)

request = DescribeImagesRequest(
    repository_name="api",
    image_ids=[ImageIdentifier(image_tag="v1")],
    filter=DescribeImagesFilter(tag_status=TagStatus.TAGGED),
    max_results=100,
)
assert_type(request.repository_name, str)
assert_type(request.max_results, int | None)
assert_type(request.to_wire(), dict[str, Any])

checked = build_request(DescribeImagesRequest, {"repository_name": "api"})
assert_type(checked, DescribeImagesRequest)

response = DescribeImagesResponse.model_validate_json(b'{"imageDetails": []}')
for image in response.image_details:  # a list, never None, on responses
    assert_type(image, ImageDetail)
    assert_type(image.image_tags, list[str])
    assert_type(image.image_pushed_at, datetime | None)
    assert_type(image.image_size_in_bytes, int | None)
assert_type(response.next_token, str | None)

try:
    pass
except RepositoryNotFoundException as exc:
    assert_type(exc.code, str)
    assert_type(exc.status_code, int | None)
    assert_type(exc.request_id, str | None)
except (ImageNotFoundException, ServiceError) as exc:
    assert_type(exc.message, str)
except ParamValidationError as exc:
    assert_type(exc.fields, list[str])


# Constructed by snake_case name, typed per keyword (pydantic's dataclass_transform, no
# plugin): wire names are for validated data, not for the constructor.
identifier = ImageIdentifier(image_tag="v1")
assert_type(identifier.image_tag, str | None)
assert_type(DescribeImagesRequest(repository_name="api").registry_id, str | None)
parsed = ImageIdentifier.model_validate({"imageTag": "v1"})  # wire keys validate
assert_type(parsed, ImageIdentifier)
assert_type(parsed.model_dump(by_alias=True), dict[str, Any])


def rejected_by_the_type_checker() -> None:
    """Each line must be a type error in both checkers (see client_usage.py)."""
    ImageIdentifier(imag_tag="v1")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    ImageIdentifier(imageTag="v1")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    ImageIdentifier(image_tag=1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    DescribeImagesRequest()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    DescribeImagesRequest(repository_name="api", max_results="5")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    DescribeImagesRequest("api")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
