"""The generated TypedDicts: one per request structure, matching its model, never loaded
unless asked for."""

from __future__ import annotations

import subprocess
import sys
import typing
from typing import Any

import botocore.session
import pytest
from pydantic import BaseModel

import ecrkit.models as models
from ecrkit._generated import typed_dicts
from ecrkit.enums import TagStatus
from tests._pins import needs_pinned_botocore

NAMES = sorted(typed_dicts.__all__)


def _request_structures() -> set[str]:
    """Structures reachable from some operation input, read from botocore's model."""
    service = botocore.session.get_session().get_service_model("ecr")
    seen: set[str] = set()

    def visit(shape: Any) -> None:
        if shape.type_name == "structure":
            if shape.name in seen:
                return
            seen.add(shape.name)
            for member in shape.members.values():
                visit(member)
        elif shape.type_name == "list":
            visit(shape.member)
        elif shape.type_name == "map":
            visit(shape.key)
            visit(shape.value)

    for name in service.operation_names:
        input_shape = service.operation_model(name).input_shape
        if input_shape is not None:
            visit(input_shape)
    return seen


@needs_pinned_botocore
def test_one_typed_dict_per_request_structure() -> None:
    assert {n.removesuffix("Dict") for n in NAMES} == _request_structures()
    for name in NAMES:
        assert isinstance(getattr(models, name.removesuffix("Dict")), type)
        assert getattr(models, name) is getattr(typed_dicts, name)
    assert "DescribeImagesRequestDict" in NAMES and "ImageIdentifierDict" in NAMES
    assert "DescribeImagesResponseDict" not in NAMES  # responses are models only


@pytest.mark.parametrize("name", NAMES)
def test_keys_and_required_keys_match_the_model(name: str) -> None:
    td = getattr(typed_dicts, name)
    model: type[BaseModel] = getattr(models, name.removesuffix("Dict"))
    fields = model.model_fields
    assert set(td.__annotations__) == set(fields)
    assert td.__required_keys__ == {n for n, f in fields.items() if f.is_required()}
    assert td.__optional_keys__ == {n for n, f in fields.items() if not f.is_required()}
    typing.get_type_hints(td)  # every annotation resolves at runtime


def test_enum_members_take_known_literals_and_nested_structures_their_typed_dict() -> None:
    hints = typing.get_type_hints(typed_dicts.DescribeImagesRequestDict)
    # Optional members also take None ("not set"); required ones do not.
    assert hints["repository_name"] is str
    assert hints["image_ids"] == list[typed_dicts.ImageIdentifierDict] | None
    assert hints["filter"] == typed_dicts.DescribeImagesFilterDict | None
    tag_status = typing.get_type_hints(typed_dicts.DescribeImagesFilterDict)["tag_status"]
    assert str not in typing.get_args(tag_status)
    assert TagStatus in typing.get_args(tag_status)


def test_typed_dicts_load_only_when_asked_for() -> None:
    code = (
        "import sys, ecrkit, ecrkit.models as m, ecrkit.paginators, ecrkit.waiters\n"
        "m.DescribeImagesRequest\n"
        "assert 'ecrkit._generated.typed_dicts' not in sys.modules\n"
        "m.ImageIdentifierDict\n"
        "assert 'ecrkit._generated.typed_dicts' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
