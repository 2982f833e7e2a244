"""Bad input never reaches the wire: it fails before anything is sent, naming the field.

Every row runs against the fault server over the real transport, and the server
must have seen no request at all. Rows cover many operations: missing required
members, wrong types (no coercion: ``"5"``, ``True`` and ``5.0`` are not integers),
nested wrong types, strings under the model's ``min``, integers under ``min``,
bytes or un-encodable strings where text is expected, ``None`` inside lists, unknown
keys at any depth. Python-level misuse (unknown keywords, positional arguments,
forgetting ``await``, awaiting or sync-iterating a paginator) is a ``TypeError``
or an unawaited coroutine, and sends nothing either.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ecrkit import ECRClient
from ecrkit.errors import ParamValidationError
from tests.faults import FaultServer

from ._support import open_client

DIGEST = "sha256:" + "ab" * 32
POLICY = '{"rules": []}'

ROWS: list[Any] = [
    # -- missing required members (None is "not given") --------------------------------
    ("create_repository", {"repository_name": None}, "repository_name"),
    (
        "get_download_url_for_layer",
        {"repository_name": "api", "layer_digest": None},
        "layer_digest",
    ),
    (
        "create_repository",
        {"repository_name": "api", "encryption_configuration": {"kmsKey": "k"}},
        "encryption_configuration.encryption_type",
    ),
    ("create_repository", {"repository_name": "api", "tags": [{"Key": "a"}]}, "tags[0].value"),
    (
        "put_replication_configuration",
        {"replication_configuration": {"rules": [{"destinations": [{"region": "eu-west-1"}]}]}},
        "replication_configuration.rules[0].destinations[0].registry_id",
    ),
    # -- wrong types, no coercion --------------------------------------------------------
    ("create_repository", {"repository_name": 123}, "repository_name"),
    ("describe_images", {"repository_name": ["api"]}, "repository_name"),
    ("describe_images", {"repository_name": "api", "max_results": "5"}, "max_results"),
    ("describe_images", {"repository_name": "api", "max_results": True}, "max_results"),
    ("list_images", {"repository_name": "api", "max_results": 5.0}, "max_results"),
    (
        "set_repository_policy",
        {"repository_name": "api", "policy_text": POLICY, "force": "yes"},
        "force",
    ),
    ("describe_images", {"repository_name": "api", "image_ids": {"imageTag": "v1"}}, "image_ids"),
    ("describe_image_scan_findings", {"repository_name": "api", "image_id": "v1"}, "image_id"),
    # -- nested wrong types and unknown nested keys --------------------------------------
    (
        "create_repository",
        {"repository_name": "api", "image_scanning_configuration": {"scanOnPush": "yes"}},
        "image_scanning_configuration.scan_on_push",
    ),
    ("tag_resource", {"resource_arn": "arn", "tags": [{"Key": "a", "Value": 7}]}, "tags[0].value"),
    (
        "list_images",
        {"repository_name": "api", "filter": {"tagStatus": ["TAGGED"]}},
        "filter.tag_status",
    ),
    (
        "describe_images",
        {"repository_name": "api", "image_ids": [{"imageTag": "v1", "bogus": 1}]},
        "image_ids[0].bogus",
    ),
    # -- strings, lists and integers under the model's min --------------------------------
    ("create_repository", {"repository_name": "a"}, "repository_name"),
    ("put_image", {"repository_name": "api", "image_manifest": ""}, "image_manifest"),
    (
        "put_lifecycle_policy",
        {"repository_name": "api", "lifecycle_policy_text": POLICY},
        "lifecycle_policy_text",
    ),
    ("describe_repositories", {"repository_names": ["a"]}, "repository_names[0]"),
    (
        "put_registry_scanning_configuration",
        {
            "rules": [
                {
                    "scanFrequency": "SCAN_ON_PUSH",
                    "repositoryFilters": [{"filter": "", "filterType": "WILDCARD"}],
                }
            ]
        },
        "rules[0].repository_filters[0].filter",
    ),
    (
        "create_pull_through_cache_rule",
        {"ecr_repository_prefix": "ab", "upstream_registry_url": "x", "credential_arn": "short"},
        "credential_arn",
    ),
    ("batch_get_image", {"repository_name": "api", "image_ids": []}, "image_ids"),
    ("describe_images", {"repository_name": "api", "max_results": 0}, "max_results"),
    (
        "upload_layer_part",
        {
            "repository_name": "api",
            "upload_id": "u",
            "part_first_byte": -1,
            "part_last_byte": 0,
            "layer_part_blob": b"",
        },
        "part_first_byte",
    ),
    # -- bytes, or strings that are not UTF-8, where text is expected --------------------
    ("create_repository", {"repository_name": b"\xff\xfeapi"}, "repository_name"),
    ("describe_images", {"repository_name": "api", "registry_id": "12\udcff"}, "registry_id"),
    (
        "tag_resource",
        {"resource_arn": "arn", "tags": [{"Key": "k", "Value": "\udc80"}]},
        "tags[0].value",
    ),
    # -- None inside lists -------------------------------------------------------------
    ("create_repository", {"repository_name": "api", "tags": [None]}, "tags[0]"),
    (
        "batch_check_layer_availability",
        {"repository_name": "api", "layer_digests": [DIGEST, None]},
        "layer_digests[1]",
    ),
    (
        "batch_get_image",
        {
            "repository_name": "api",
            "image_ids": [{"imageTag": "v1"}],
            "accepted_media_types": [None],
        },
        "accepted_media_types[0]",
    ),
]


def _row_id(index: int, row: Any) -> str:
    return f"{index:02d}-{row[0]}-{row[2]}"


def test_the_table_is_wide() -> None:
    assert len(ROWS) >= 25
    assert len({op for op, _, _ in ROWS}) >= 15


@pytest.fixture
async def ecr(faults: FaultServer) -> AsyncIterator[ECRClient]:
    async with open_client(faults) as client:
        yield client
    assert faults.requests == [], "a bad call reached the server"


@pytest.mark.parametrize(
    ("op", "kwargs", "field"), ROWS, ids=[_row_id(i, r) for i, r in enumerate(ROWS)]
)
async def test_bad_parameters_are_a_param_validation_error(
    ecr: ECRClient, faults: FaultServer, op: str, kwargs: dict[str, Any], field: str
) -> None:
    method: Any = getattr(ecr, op)
    with pytest.raises(ParamValidationError) as caught:
        await method(**kwargs)
    error = caught.value
    assert field in error.fields, error.fields
    assert field in str(error)
    assert isinstance(error, ValueError)
    assert error.__cause__ is None  # no pydantic traceback chained in
    assert faults.requests == []


@pytest.mark.parametrize(
    ("op", "args", "kwargs", "names"),
    [
        ("describe_images", (), {"repositoryName": "api"}, "repositoryName"),  # the wire name
        ("describe_registry", (), {"bogus": 1}, "bogus"),
        ("describe_repositories", ("api",), {}, "positional"),
        ("create_repository", (), {}, "repository_name"),  # required keyword left out
        ("put_image", ("api", "{}"), {}, "positional"),
    ],
    ids=["wire-name-keyword", "unknown-keyword", "positional", "missing-keyword", "positionals"],
)
async def test_python_level_misuse_is_a_type_error(
    ecr: ECRClient,
    faults: FaultServer,
    op: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    names: str,
) -> None:
    method: Any = getattr(ecr, op)
    with pytest.raises(TypeError, match=names):
        await method(*args, **kwargs)
    assert faults.requests == []


async def test_forgetting_await_sends_nothing(ecr: ECRClient, faults: FaultServer) -> None:
    pending = ecr.describe_registry()
    assert inspect.iscoroutine(pending)
    pending.close()  # what the garbage collector would do, minus the RuntimeWarning
    waiting = ecr.get_waiter("image_scan_complete").wait(
        repository_name="api", image_id={"image_tag": "v1"}
    )
    assert inspect.iscoroutine(waiting)
    waiting.close()
    assert faults.requests == []


async def test_paginator_and_waiter_misuse(ecr: ECRClient, faults: FaultServer) -> None:
    paginator = ecr.get_paginator("describe_images")
    pages: Any = paginator.paginate(repository_name="api")
    with pytest.raises(TypeError, match="await"):
        await pages
    with pytest.raises(TypeError, match="not iterable"):
        iter(pages)
    misspelt: Any = {"max_itmes": 5}
    with pytest.raises(TypeError, match="pagination_config"):
        paginator.paginate(repository_name="api", pagination_config=misspelt)
    with pytest.raises(ParamValidationError) as caught:
        async for _ in paginator.paginate(repository_name="a"):
            pass
    assert caught.value.fields == ["repository_name"]

    waiter: Any = ecr.get_waiter("image_scan_complete")
    with pytest.raises(TypeError):
        await waiter.wait("api", {"imageTag": "v1"})
    with pytest.raises(ParamValidationError) as caught:
        await waiter.wait(repository_name="api", image_id={"imageTag": ""})
    assert caught.value.fields == ["image_id.image_tag"]
    with pytest.raises(TypeError, match="waiter_config"):
        await waiter.wait(
            repository_name="api", image_id={"imageTag": "v1"}, waiter_config={"dealy": 1}
        )
    assert faults.requests == []
