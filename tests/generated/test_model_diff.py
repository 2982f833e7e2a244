"""The model differ behind ``nox -s update-model``, on two small fixture models.

The fixtures differ in every way the summary reports: an operation added and one
removed, an error added to an operation, structures added and removed, members
added (optional and required), removed, retyped, made required, enum values added
and removed, an exception added, a paginator added and a waiter changed.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from tools.codegen import update_model
from tools.codegen.model_diff import Models, diff_models, render


def _old() -> Models:
    service: dict[str, Any] = {
        "metadata": {"serviceId": "Toy"},
        "operations": {
            "GetThing": {
                "input": {"shape": "GetThingRequest"},
                "output": {"shape": "GetThingResponse"},
                "errors": [{"shape": "NotFound"}],
            },
            "DropThing": {"input": {"shape": "DropThingRequest"}},
        },
        "shapes": {
            "GetThingRequest": {
                "type": "structure",
                "required": ["name"],
                "members": {
                    "name": {"shape": "String"},
                    "color": {"shape": "Color"},
                    "count": {"shape": "Integer"},
                    "legacyFlag": {"shape": "Boolean"},
                    "owner": {"shape": "String"},
                },
            },
            "GetThingResponse": {"type": "structure", "members": {"tags": {"shape": "TagList"}}},
            "DropThingRequest": {"type": "structure", "members": {}},
            "Tag": {"type": "structure", "members": {"key": {"shape": "String"}}},
            "TagList": {"type": "list", "member": {"shape": "Tag"}},
            "Color": {"type": "string", "enum": ["RED", "GREEN"]},
            "NotFound": {"type": "structure", "exception": True, "members": {}},
            "String": {"type": "string"},
            "Integer": {"type": "integer"},
            "Boolean": {"type": "boolean"},
        },
    }
    paginators: dict[str, Any] = {"pagination": {}}
    waiters = {"version": 2, "waiters": {"ThingReady": {"delay": 5, "maxAttempts": 10}}}
    return Models(service, paginators, waiters)


def _new() -> Models:
    old = _old()
    service = copy.deepcopy(dict(old.service))
    ops, shapes = service["operations"], service["shapes"]
    del ops["DropThing"], shapes["DropThingRequest"]
    ops["ListThings"] = {
        "input": {"shape": "ListThingsRequest"},
        "output": {"shape": "ListThingsResponse"},
    }
    ops["GetThing"]["errors"].append({"shape": "Throttled"})
    shapes["ListThingsRequest"] = {"type": "structure", "members": {}}
    shapes["ListThingsResponse"] = {"type": "structure", "members": {}}
    shapes["Throttled"] = {"type": "structure", "exception": True, "members": {}}
    req = shapes["GetThingRequest"]
    del req["members"]["legacyFlag"]
    req["members"]["count"] = {"shape": "String"}  # retyped
    req["members"]["size"] = {"shape": "Integer"}  # optional, added
    req["members"]["region"] = {"shape": "String"}  # required, added
    req["required"] = ["name", "owner", "region"]  # owner became required
    shapes["Color"]["enum"] = ["RED", "BLUE"]
    paginators = {"pagination": {"ListThings": {"input_token": "nextToken"}}}
    waiters = {"version": 2, "waiters": {"ThingReady": {"delay": 15, "maxAttempts": 10}}}
    return Models(service, paginators, waiters)


def test_every_kind_of_change_is_reported() -> None:
    diff = diff_models(_old(), _new(), "1.0.0", "1.1.0")
    s = diff.sections
    assert s["Operations"].added == ["`list_things` (ListThings)"]
    assert s["Operations"].removed == ["`drop_thing` (DropThing)"]
    assert s["Operations"].changed == ["`get_thing` can raise `Throttled`"]
    assert s["Structures"].added == ["`ListThingsRequest`", "`ListThingsResponse`"]
    assert s["Structures"].removed == ["`DropThingRequest`"]
    assert s["Members"].added == [
        "`GetThingRequest.region` (required)",
        "`GetThingRequest.size`",
    ]
    assert s["Members"].removed == ["`GetThingRequest.legacy_flag`"]
    assert s["Members"].changed == [
        "`GetThingRequest.count`: type integer -> string",
        "`GetThingRequest.owner` became required",
    ]
    assert s["Enum values"].added == ["`Color`: BLUE"]
    assert s["Enum values"].removed == ["`Color`: GREEN"]
    assert s["Exceptions"].added == ["`Throttled`"]
    assert s["Paginators"].added == ["`list_things`"]
    assert s["Waiters"].changed == ["`thing_ready`: acceptors or delays changed"]
    assert sorted(diff.breaking) == [
        "`GetThingRequest.count` changed type (integer -> string)",
        "`GetThingRequest.legacy_flag` removed",
        "`GetThingRequest.owner` became required",
        "`GetThingRequest.region` added as required",
        "enum value `Color.GREEN` removed",
        "operation `drop_thing` removed",
        "structure `DropThingRequest` removed",
    ]


def test_render_puts_breaking_changes_first() -> None:
    text = render(diff_models(_old(), _new(), "1.0.0", "1.1.0"), "toy")
    assert text.startswith("### Service model: toy (botocore 1.0.0 -> 1.1.0)\n")
    assert text.index("**Breaking changes:**") < text.index("Operations:")
    assert "- added `list_things` (ListThings)\n" in text
    assert "- removed `GetThingRequest.legacy_flag`\n" in text


def test_the_same_model_has_no_changes() -> None:
    diff = diff_models(_old(), _old(), "1.0.0", "1.0.0")
    assert diff.empty and not diff.breaking
    assert render(diff, "toy").endswith("No API changes.\n")


def test_summary_goes_first_under_unreleased() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- x\n\n## [0.1.0]\n"
    out = update_model.add_to_changelog(text, "### Service model\n\n- y\n")
    assert out == (
        "# Changelog\n\n## [Unreleased]\n\n### Service model\n\n- y\n\n### Added\n\n- x\n\n"
        "## [0.1.0]\n"
    )
    fresh = update_model.add_to_changelog("# Changelog\n\n## [0.1.0]\n", "### S\n")
    assert fresh == "# Changelog\n\n## [Unreleased]\n\n### S\n\n## [0.1.0]\n"


def test_move_pin_rewrites_every_site(tmp_path: Path) -> None:
    for rel, pattern in update_model.PIN_SITES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(
            f"a {pattern.format(v='1.2.3')} b {pattern.format(v='1.2.3')}\n"
        )
    changed = update_model.move_pin("1.2.3", "1.2.4", root=tmp_path)
    assert changed == [rel for rel, _ in update_model.PIN_SITES]
    for rel, pattern in update_model.PIN_SITES:
        assert (tmp_path / rel).read_text().count(pattern.format(v="1.2.4")) == 2
    with pytest.raises(SystemExit, match="not found"):
        update_model.move_pin("9.9.9", "1.2.5", root=tmp_path)


def test_every_pin_site_names_the_current_pin() -> None:
    from tools.codegen import loader

    for rel, pattern in update_model.PIN_SITES:
        text = (update_model.ROOT / rel).read_text()
        assert pattern.format(v=loader.BOTOCORE_PIN) in text, rel
