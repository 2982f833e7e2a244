"""The generated models and errors: names, types, wire form, forward compatibility,
client-side validation."""

from __future__ import annotations

import inspect
import json
import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from pydantic import BaseModel

import ecrkit.errors as errors
import ecrkit.models as models
from ecrkit._generated._index import MODULES
from ecrkit.enums import TagStatus
from ecrkit.errors import ParamValidationError, ServiceError
from ecrkit.models import build_request
from tests._pins import needs_pinned_botocore

pytestmark = needs_pinned_botocore

SERVICE = botocore.session.get_session().get_service_model("ecr")
STRUCTURES = sorted(n for n in SERVICE.shape_names if SERVICE.shape_for(n).type_name == "structure")


def test_one_model_per_structure_shape() -> None:
    assert len(STRUCTURES) == 234
    for name in STRUCTURES:
        cls = getattr(models, name)
        assert issubclass(cls, models.ServiceModel), name
        assert cls.__name__ == name
    outputs = {SERVICE.operation_model(op).output_shape.name for op in SERVICE.operation_names}
    for name in STRUCTURES:
        is_response = issubclass(getattr(models, name), models.ServiceResponse)
        assert is_response == (name in outputs), name


def test_the_earlier_base_name_is_an_alias() -> None:
    assert models.EcrModel is models.ServiceModel
    assert "EcrModel" not in models.__all__


def test_one_error_class_per_exception_shape() -> None:
    exceptions = [n for n in STRUCTURES if SERVICE.shape_for(n).metadata.get("exception")]
    assert len(exceptions) == 50
    assert sorted(errors.ERROR_CLASSES) == sorted(exceptions)
    for name in exceptions:
        cls = getattr(errors, name)
        assert issubclass(cls, ServiceError) and cls.error_code == name
        assert errors.ERROR_CLASSES[name] is cls


@pytest.mark.parametrize("name", STRUCTURES)
def test_field_names_are_botocore_snake_case_with_wire_aliases(name: str) -> None:
    shape = SERVICE.shape_for(name)
    fields = getattr(models, name).model_fields
    # validation_alias/serialization_alias rather than alias=, so type checkers take
    # the snake_case name as the __init__ keyword (docs/design/models.md).
    assert [f.validation_alias for f in fields.values()] == list(shape.members)
    assert [f.serialization_alias for f in fields.values()] == list(shape.members)
    for py_name, info in fields.items():
        assert info.alias is None
        assert isinstance(info.validation_alias, str)
        assert py_name.rstrip("_") == xform_name(info.validation_alias)


def test_nested_inputs_accept_models_snake_dicts_and_camel_dicts() -> None:
    a = models.DescribeImagesRequest(
        repository_name="api", filter=models.DescribeImagesFilter(tag_status="TAGGED")
    )
    b = build_request(
        models.DescribeImagesRequest, {"repository_name": "api", "filter": {"tag_status": "TAGGED"}}
    )
    c = build_request(
        models.DescribeImagesRequest, {"repositoryName": "api", "filter": {"tagStatus": "TAGGED"}}
    )
    assert (
        a.to_wire()
        == b.to_wire()
        == c.to_wire()
        == {"repositoryName": "api", "filter": {"tagStatus": "TAGGED"}}
    )
    assert a.to_wire() == a.model_dump(by_alias=True, exclude_none=True, mode="json")


def test_enum_fields_take_strenum_members_and_literals() -> None:
    req = build_request(
        models.ListImagesRequest,
        {"repository_name": "api", "filter": {"tag_status": TagStatus.UNTAGGED}},
    )
    assert req.to_wire()["filter"] == {"tagStatus": "UNTAGGED"}


def test_timestamps_are_aware_utc_and_epoch_seconds_on_the_wire() -> None:
    resp = models.DescribeImagesResponse.model_validate_json(
        b'{"imageDetails":[{"imagePushedAt":1700000000.25,"lastRecordedPullTime":1700000000}]}'
    )
    image = resp.image_details[0]
    assert image.image_pushed_at == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=UTC)
    assert image.image_pushed_at is not None and image.image_pushed_at.utcoffset() == timedelta(0)
    wire = image.to_wire()
    assert wire["imagePushedAt"] == 1700000000.25 and wire["lastRecordedPullTime"] == 1700000000
    assert isinstance(wire["lastRecordedPullTime"], int)


def test_timestamps_from_other_zones_and_naive_go_out_as_utc_epoch() -> None:
    plus2 = datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert models.ImageDetail(image_pushed_at=plus2).to_wire() == {"imagePushedAt": 1704103200}
    naive = models.ImageDetail(image_pushed_at=datetime(2024, 1, 1, 10))  # naive = UTC, as botocore
    assert naive.to_wire() == {"imagePushedAt": 1704103200}


def test_blobs_are_bytes_and_standard_base64_on_the_wire() -> None:
    raw = bytes(range(250, 256)) + b"\xfb\xff"
    req = build_request(
        models.UploadLayerPartRequest,
        {
            "repository_name": "api",
            "upload_id": "u",
            "part_first_byte": 0,
            "part_last_byte": 7,
            "layer_part_blob": raw,
        },
    )
    wire = json.loads(req.model_dump_json(by_alias=True, exclude_none=True))
    assert wire["layerPartBlob"] == "+vv8/f7/+/8="
    back = models.UploadLayerPartRequest.model_validate_json(json.dumps(wire))
    assert back.layer_part_blob == raw


def test_unknown_fields_and_enum_values_parse_and_are_kept() -> None:
    body = {
        "imageDetails": [
            {"imageTags": ["v1"], "brandNewField": {"x": 1}, "imageStatus": "HIBERNATING"}
        ],
        "somethingNew": True,
    }
    resp = models.DescribeImagesResponse.model_validate_json(json.dumps(body))
    assert resp.image_details[0].image_status == "HIBERNATING"
    assert resp.image_details[0].image_tags == ["v1"]


def test_output_lists_default_to_empty() -> None:
    resp = models.DescribeImagesResponse.model_validate_json(b"{}")
    assert resp.image_details == [] and resp.next_token is None
    assert resp.model_dump(by_alias=True, exclude_unset=True) == {}


def test_max_pattern_and_unknown_enum_values_are_not_checked_client_side() -> None:
    long_name = "a" * 1000  # RepositoryName has max 256 and a pattern
    req = build_request(
        models.DescribeImagesRequest,
        {
            "repository_name": long_name + "!!",
            "filter": {"tag_status": "SOMEDAY"},
            "max_results": 10_000,
        },
    )
    assert req.repository_name == long_name + "!!"


def test_docstrings_come_from_the_model_as_plain_text() -> None:
    doc = inspect.getdoc(models.ImageDetail) or ""
    assert doc.startswith(
        "An object that describes an image returned by a DescribeImages operation."
    )
    assert "<" not in doc
    error_doc = inspect.getdoc(errors.RepositoryNotFoundException) or ""
    assert error_doc.startswith("The specified repository could not be found.")
    assert "\n\n" not in error_doc  # first paragraph only


def test_authorization_tokens_stay_out_of_reprs() -> None:
    data = models.AuthorizationData(
        authorization_token="QVdTOnNlY3JldA==", proxy_endpoint="https://x"
    )
    assert "QVdTOnNlY3JldA==" not in repr(data) and "QVdTOnNlY3JldA==" not in str(data)
    assert data.authorization_token == "QVdTOnNlY3JldA=="


# --- client-side validation: each row -> ParamValidationError naming the field ---

BAD_INPUT: list[tuple[str, str, dict[str, Any], str]] = [
    ("missing required", "DescribeImagesRequest", {}, "repository_name"),
    ("missing nested required", "PutImageRequest", {"repository_name": "api"}, "image_manifest"),
    ("wrong type str", "DescribeImagesRequest", {"repository_name": 42}, "repository_name"),
    (
        "wrong type int",
        "DescribeImagesRequest",
        {"repository_name": "api", "max_results": "5"},
        "max_results",
    ),
    (
        "wrong type bool",
        "CreateRepositoryRequest",
        {"repository_name": "api", "image_scanning_configuration": {"scan_on_push": "yes"}},
        "image_scanning_configuration.scan_on_push",
    ),
    ("short string", "DescribeImagesRequest", {"repository_name": "a"}, "repository_name"),
    ("empty string", "GetLifecyclePolicyRequest", {"repository_name": ""}, "repository_name"),
    (
        "negative max_results",
        "DescribeImagesRequest",
        {"repository_name": "api", "max_results": -1},
        "max_results",
    ),
    (
        "zero max_results",
        "ListImagesRequest",
        {"repository_name": "api", "max_results": 0},
        "max_results",
    ),
    (
        "None where a list is required",
        "BatchDeleteImageRequest",
        {"repository_name": "api", "image_ids": None},
        "image_ids",
    ),
    (
        "None inside a list",
        "BatchGetImageRequest",
        {"repository_name": "api", "image_ids": [None]},
        "image_ids[0]",
    ),
    (
        "empty required list",
        "BatchDeleteImageRequest",
        {"repository_name": "api", "image_ids": []},
        "image_ids",
    ),
    ("unknown keyword", "DescribeImagesRequest", {"repository_name": "api", "repo": "x"}, "repo"),
    (
        "unknown nested key",
        "DescribeImagesRequest",
        {"repository_name": "api", "filter": {"tagstatus": "ANY"}},
        "filter.tagstatus",
    ),
    (
        "nested wrong type",
        "TagResourceRequest",
        {"resource_arn": "arn:x", "tags": [{"key": "k", "value": 1}]},
        "tags[0].value",
    ),
    (
        "list given a str",
        "BatchGetImageRequest",
        {"repository_name": "api", "image_ids": "v1"},
        "image_ids",
    ),
]


@pytest.mark.parametrize(
    ("case", "shape", "params", "field"), BAD_INPUT, ids=[r[0] for r in BAD_INPUT]
)
def test_bad_input_is_rejected_naming_the_field(
    case: str, shape: str, params: dict[str, Any], field: str
) -> None:
    with pytest.raises(ParamValidationError) as info:
        build_request(getattr(models, shape), params)
    assert field in info.value.fields, info.value.errors
    assert isinstance(info.value, ValueError)
    assert field in str(info.value)


def test_service_errors_carry_their_attributes_and_modeled_fields() -> None:
    err = errors.InvalidLayerPartException(
        "bad part",
        status_code=400,
        request_id="rid-1",
        operation_name="UploadLayerPart",
        body={"uploadId": "u-1", "lastValidByteReceived": 99, "message": "bad part"},
    )
    assert isinstance(err, ServiceError) and isinstance(err, errors.EcrkitError)
    assert (err.code, err.message, err.status_code, err.request_id) == (
        "InvalidLayerPartException",
        "bad part",
        400,
        "rid-1",
    )
    assert err.upload_id == "u-1" and err.last_valid_byte_received == 99 and err.registry_id is None
    assert "UploadLayerPart" in str(err) and "bad part" in str(err)
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err) and clone.upload_id == "u-1" and clone.request_id == "rid-1"


def test_models_load_lazily() -> None:
    code = (
        "import sys, ecrkit.models as m\n"
        "assert not any(k.startswith('ecrkit._generated.ops') for k in sys.modules)\n"
        "m.DescribeImagesRequest\n"
        "assert 'ecrkit._generated.ops.describe_images' in sys.modules\n"
        "assert 'ecrkit._generated.ops.put_image' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_index_covers_every_model_and_enum() -> None:
    classes = {
        n
        for n, mod in MODULES.items()
        if isinstance(getattr(models, n), type) and issubclass(getattr(models, n), BaseModel)
    }
    assert classes == set(STRUCTURES)


def test_a_wrongly_typed_enum_field_gets_one_message_that_lists_no_values() -> None:
    # Enum fields are Literal[known] | str; the known values are not a requirement,
    # so the error must not read as if they were.
    with pytest.raises(ParamValidationError) as info:
        build_request(
            models.PutImageTagMutabilityRequest,
            {"repository_name": "api", "image_tag_mutability": 1},
        )
    assert info.value.errors == [("image_tag_mutability", "Input should be a valid string")]
