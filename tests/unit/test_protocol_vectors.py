"""The awsJson1_1 protocol cases of botocore's protocol suite, through ecrkit's generator.

Each case carries its own small service model. The test runs ecrkit's code
generator on it, executes the generated module, then serializes the case's
params with ecrkit's protocol layer (input cases) or parses the canned response
(output cases) and compares with the expected wire data.

Skipped, with reasons:
- suites botocore's ignore list skips for every client (content-encoding
  compression, host-prefix/endpoint traits, idempotency-token auto-fill): ecrkit
  does not implement those traits because ECR uses none of them;
- ``json_1_0`` files: ECR speaks awsJson1_1 only;
- the cases listed in ``SKIPPED_CASES`` below, each with its reason.
"""

from __future__ import annotations

import json
import math
import sys
import types
from datetime import datetime
from typing import Any

import pytest
from multidict import CIMultiDict
from pydantic import BaseModel
from tools.codegen import emit_models, ir

from ecrkit import _codec, _protocol
from ecrkit._client_base import Operation
from tests._vectors import VECTORS, vectors_available, vectors_dir

ROOT = ("protocol", "botocore")

# Case id -> why ecrkit does not run it.
SKIPPED_CASES: dict[str, str] = {
    "Lists #1": (
        "null entries inside lists (sparse lists), with a map shape typed as a string: "
        "ECR has no sparse lists, and ecrkit keeps list items non-optional, so a null "
        "item is a ResponseParseError rather than a None in the list"
    ),
}

# Traits ECR does not use; ecrkit does not implement them.
UNSUPPORTED_SUITE_WORDS = (
    "ContentEncoding",
    "Endpoint",
    "HostWithPath",
    "Idempotency",
    "Event Stream",
)


def _load(relpath: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    if not vectors_available(*ROOT, relpath):
        return []
    suites = json.loads(VECTORS.joinpath(*ROOT, relpath).read_text())
    out = []
    for suite in suites:
        if (
            suite["metadata"].get("jsonVersion", "1.1") != "1.1"
            or suite["metadata"]["protocol"] != "json"
        ):
            continue
        for i, case in enumerate(suite["cases"]):
            case.setdefault("id", f"{suite['description']} #{i}")
            out.append((suite, case))
    return out


def _ignored() -> set[str]:
    if not vectors_available(*ROOT):
        return set()
    data = json.loads(VECTORS.joinpath(*ROOT, "protocol-tests-ignore-list.json").read_text())
    return set(data["general"]["input"]["suites"])


def _case_id(pair: tuple[dict[str, Any], dict[str, Any]]) -> str:
    _, case = pair
    return str(case["id"])


INPUT = _load("input/json.json") + _load("legacy/input/json.json")
OUTPUT = _load("output/json.json") + _load("legacy/output/json.json")
IGNORED_SUITES = _ignored()
_counter = iter(range(10**6))


def _generated_module(suite: dict[str, Any], case: dict[str, Any]) -> types.ModuleType:
    """Run ecrkit's generator on the case's model and import the result."""
    model = {
        "metadata": {"targetPrefix": "JsonProtocol", **suite["metadata"]},
        "operations": {case["given"]["name"]: case["given"]},
        "shapes": suite["shapes"],
    }
    svc = ir.build(model)
    source = emit_models.render_single_module(svc)
    name = f"_ecrkit_protocol_case_{next(_counter)}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, name, "exec"), module.__dict__)
    module.SERVICE = svc  # type: ignore[attr-defined]
    return module


def _skip_if_unsupported(suite: dict[str, Any], case: dict[str, Any]) -> None:
    cid = _case_id((suite, case))
    if cid in SKIPPED_CASES:
        pytest.skip(SKIPPED_CASES[cid])
    if suite["description"] in IGNORED_SUITES or any(
        w in suite["description"] for w in UNSUPPORTED_SUITE_WORDS
    ):
        pytest.skip(f"suite {suite['description']!r} exercises a trait ECR does not use")


def _wire(value: Any) -> Any:
    """Our dump in the vectors' comparison form: epoch numbers, UTF-8 blobs."""
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, str) or isinstance(b, str):
            return str(a) == str(b)
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9)
    return bool(a == b)


def _floats(value: Any) -> Any:
    if value in ("Infinity", "-Infinity", "NaN"):
        return float(value)
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def _params(svc: ir.Service, shape_name: str, value: Any) -> Any:
    """botocore-style params in ecrkit's Python form: blob strings become bytes."""
    shape = svc.shapes[shape_name]
    if shape.type == "blob" and isinstance(value, str):
        return value.encode()
    if shape.type in ("float", "double") and isinstance(value, str):
        return float(value)
    if shape.type == "structure" and isinstance(value, dict):
        members = {m.wire_name: m.shape for m in shape.members}
        return {k: _params(svc, members[k], v) if k in members else v for k, v in value.items()}
    if shape.type == "list" and isinstance(value, list) and shape.member:
        return [_params(svc, shape.member, v) for v in value]
    if shape.type == "map" and isinstance(value, dict) and shape.value:
        return {k: _params(svc, shape.value, v) for k, v in value.items()}
    return value


def test_vectors_present() -> None:
    vectors_dir(*ROOT)
    assert len(INPUT) > 40 and len(OUTPUT) > 40


@pytest.mark.parametrize("pair", INPUT, ids=[_case_id(p) for p in INPUT])
def test_input_serialization(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    suite, case = pair
    _skip_if_unsupported(suite, case)
    module = _generated_module(suite, case)
    op = case["given"]["name"]
    expected = case["serialized"]
    input_shape = case["given"].get("input", {}).get("shape")
    if input_shape:
        cls: type[BaseModel] = getattr(module, input_shape)
        request = cls.model_validate(_params(module.SERVICE, input_shape, case["params"]))
        body = _codec.serialize(request)
    else:
        body = b"{}"
    # The headers as the client sends them: those of its Operation (the generated
    # client builds each with the target ``<targetPrefix>.<operation>``).
    target = f"{suite['metadata'].get('targetPrefix', 'JsonProtocol')}.{op}"
    headers = Operation(op, target, "unused", "unused", "unused").headers
    assert expected.get("method", "POST") == "POST"
    assert expected.get("uri", "/") == "/"
    want_body = expected.get("body") or "{}"
    assert _same(json.loads(body), json.loads(want_body)), body
    for name, value in expected.get("headers", {}).items():
        assert headers.get(name) == value, name
    for name in expected.get("forbidHeaders", []):
        assert name not in headers


@pytest.mark.parametrize("pair", OUTPUT, ids=[_case_id(p) for p in OUTPUT])
def test_output_parsing(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    suite, case = pair
    _skip_if_unsupported(suite, case)
    module = _generated_module(suite, case)
    response = case["response"]
    body = (response.get("body") or "").encode()
    headers = CIMultiDict(response.get("headers", {}))
    if "errorCode" in case:
        info = _protocol.parse_error(response["status_code"], headers, body)
        assert info.code == case["errorCode"]
        assert info.message == case.get("errorMessage", info.message)
        error_cls: type[BaseModel] | None = getattr(module, info.code, None)
        fields = {}
        if error_cls is not None:
            parsed = error_cls.model_validate_json(body or b"{}")
            fields = _wire(parsed.model_dump(by_alias=True, exclude_none=True, exclude_unset=True))
        assert _same(fields, case.get("error", {}))
        return
    output_shape = case["given"].get("output", {}).get("shape")
    if output_shape is None:
        assert case["result"] in ({}, None)
        return
    cls = getattr(module, output_shape)
    parsed = _codec.parse_response(cls, body)
    got = _wire(parsed.model_dump(by_alias=True, exclude_none=True, exclude_unset=True))
    assert _same(got, _floats(case["result"])), (got, case["result"])
