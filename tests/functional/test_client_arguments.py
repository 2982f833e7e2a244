"""Keyword arguments as the annotations promise: any sequence for a ``Sequence``
parameter, models or dicts (snake_case or wire keys) for structures."""

from __future__ import annotations

import json
from collections import UserList, deque
from collections.abc import Sequence

import pytest

from ecrkit.errors import ParamValidationError
from ecrkit.models import ImageIdentifier

from ._support import json_response, make_client, scripted


@pytest.mark.parametrize(
    "names",
    [["api", "web"], ("api", "web"), deque(["api", "web"]), UserList(["api", "web"])],
    ids=["list", "tuple", "deque", "UserList"],
)
async def test_any_sequence_is_taken_for_a_sequence_parameter(names: Sequence[str]) -> None:
    client, transport = make_client(scripted(json_response(body={"repositories": []})))
    async with client as ecr:
        await ecr.describe_repositories(repository_names=names)
    assert json.loads(transport.requests[0].body) == {"repositoryNames": ["api", "web"]}


async def test_nested_arguments_take_models_snake_dicts_and_wire_dicts() -> None:
    client, transport = make_client(scripted(json_response(body={"imageDetails": []})))
    async with client as ecr:
        await ecr.describe_images(
            repository_name="api",
            image_ids=deque(
                [ImageIdentifier(image_tag="a"), {"image_tag": "b"}, {"imageTag": "c"}]  # type: ignore[list-item]
            ),
            filter={"tagStatus": "TAGGED"},  # type: ignore[arg-type]  # wire keys: runtime only
        )
    assert json.loads(transport.requests[0].body) == {
        "repositoryName": "api",
        "imageIds": [{"imageTag": "a"}, {"imageTag": "b"}, {"imageTag": "c"}],
        "filter": {"tagStatus": "TAGGED"},
    }


async def test_a_string_is_not_taken_as_a_sequence_of_names() -> None:
    client, _ = make_client()
    async with client as ecr:
        with pytest.raises(ParamValidationError) as info:
            await ecr.describe_repositories(repository_names="api")  # a str is a Sequence[str]
    assert info.value.fields == ["repository_names"]
