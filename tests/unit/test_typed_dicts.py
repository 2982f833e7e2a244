"""The generated TypedDicts: one per request structure, matching its model, never loaded
unless asked for."""

from __future__ import annotations

import subprocess
import sys
import typing

import pytest
from pydantic import BaseModel

import ecrkit.models as models
from ecrkit._generated import typed_dicts

NAMES = sorted(typed_dicts.__all__)


def test_one_typed_dict_per_request_structure() -> None:
    assert len(NAMES) == 78  # the structures reachable from some operation input
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
    assert hints["image_ids"] == list[typed_dicts.ImageIdentifierDict]
    assert hints["filter"] is typed_dicts.DescribeImagesFilterDict
    tag_status = typing.get_type_hints(typed_dicts.DescribeImagesFilterDict)["tag_status"]
    assert str not in typing.get_args(tag_status)


def test_typed_dicts_load_only_when_asked_for() -> None:
    code = (
        "import sys, ecrkit, ecrkit.models as m, ecrkit.paginators, ecrkit.waiters\n"
        "m.DescribeImagesRequest\n"
        "assert 'ecrkit._generated.typed_dicts' not in sys.modules\n"
        "m.ImageIdentifierDict\n"
        "assert 'ecrkit._generated.typed_dicts' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
