"""Hostile 2xx bodies for every operation, through ``ECRClient`` and a ``MockTransport``.

For each of the 62 operations, hypothesis draws response documents from the output
shape (``tests/_shapes.py::wire_values``: random unknown members and unknown enum
values included):

- as drawn, they parse, and the response carries the request id;
- with one modeled member, anywhere in the document, replaced by a value of the
  wrong JSON type (a string where a number is, an object where a list is, ...),
  they raise ``ResponseParseError`` with the request id, status and operation
  name, and never a bare pydantic ``ValidationError`` (nor one chained as cause).

The mutations pick values pydantic's lax JSON mode cannot coerce (``"5"`` would be
a valid integer there, ``"x"`` is not). Each call is a real client call: request
validation, signing, the transport, and the response path.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pydantic
import pytest
from botocore import xform_name
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrkit import ECRClient
from ecrkit._generated._meta import OPERATIONS
from ecrkit.errors import ResponseParseError
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.testing import MockTransport
from tests._hypothesis import examples
from tests._pins import needs_pinned_botocore
from tests._shapes import wire_values

from ._support import CREDENTIALS, REGION

pytestmark = needs_pinned_botocore

SERVICE = botocore.session.get_session().get_service_model("ecr")
OPS = sorted(SERVICE.operation_names)
REQUEST_ID = "hostile-0001"
EXAMPLES = settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: JSON values of the wrong type for each kind of shape (none coercible in lax mode).
WRONG: dict[str, list[Any]] = {
    "string": [5, 2.5, True, {}, []],
    "integer": ["x", 1.5, {}, []],
    "long": ["x", 1.5, {}, []],
    "double": ["x", {}, []],
    "boolean": ["maybe", 2, {}, []],
    "timestamp": ["not-a-date", {}, []],
    "blob": ["!!! not base64 !!!", 5, {}, []],
    "list": ["x", 5, {}],
    "map": ["x", 5, []],
    "structure": ["x", 5, []],
}

Path = tuple[str | int, ...]


def minimal_value(shape: Shape) -> Any:
    """The smallest request value the client accepts for ``shape`` (its ``min`` met)."""
    kind, low = shape.type_name, int(shape.metadata.get("min", 0) or 0)
    if kind == "string":
        enum = shape.metadata.get("enum")
        return enum[0] if enum else "x" * max(low, 1)
    if kind in ("integer", "long"):
        return max(low, 1)
    if kind == "double":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime(2026, 1, 1, tzinfo=UTC)
    if kind == "blob":
        return b"x" * max(low, 1)
    if kind == "list":
        return [minimal_value(shape.member)] * max(low, 1)
    if kind == "map":
        return {minimal_value(shape.key): minimal_value(shape.value)}
    if kind == "structure":
        return {name: minimal_value(shape.members[name]) for name in shape.required_members}
    raise NotImplementedError(kind)


def minimal_kwargs(op_name: str) -> dict[str, Any]:
    """Keyword arguments for the client method: snake_case at the top, wire names below."""
    shape = SERVICE.operation_model(op_name).input_shape
    if shape is None:
        return {}
    return {xform_name(name): minimal_value(shape.members[name]) for name in shape.required_members}


def modeled_paths(doc: Any, shape: Shape, path: Path = ()) -> Iterator[tuple[Path, Shape]]:
    """Every place in ``doc`` that holds a modeled member (unknown extras excluded)."""
    yield path, shape
    if shape.type_name == "structure" and isinstance(doc, dict):
        for name, member in shape.members.items():
            if name in doc and doc[name] is not None:
                yield from modeled_paths(doc[name], member, (*path, name))
    elif shape.type_name == "list" and isinstance(doc, list):
        for index, item in enumerate(doc):
            yield from modeled_paths(item, shape.member, (*path, index))
    elif shape.type_name == "map" and isinstance(doc, dict):
        for key, item in doc.items():
            yield from modeled_paths(item, shape.value, (*path, key))


def replaced(doc: Any, path: Path, value: Any) -> Any:
    """A copy of ``doc`` with the value at ``path`` replaced."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, list):
        assert isinstance(head, int)
        return [replaced(v, rest, value) if i == head else v for i, v in enumerate(doc)]
    return {k: replaced(v, rest, value) if k == head else v for k, v in doc.items()}


def to_json(doc: Any) -> bytes:
    def default(value: Any) -> Any:
        if isinstance(value, bytes):  # a blob on the wire is base64 text
            return base64.b64encode(value).decode()
        raise TypeError(type(value).__name__)

    return json.dumps(doc, default=default).encode()


class Harness:
    """One client over a MockTransport that answers with whatever ``body`` is now."""

    def __init__(self) -> None:
        self.body = b"{}"
        self.transport = MockTransport(self._answer)
        self.client = ECRClient(region=REGION, credentials=CREDENTIALS, transport=self.transport)

    def _answer(self, request: HttpRequest) -> HttpResponse:
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": REQUEST_ID}
        return HttpResponse(200, headers, self.body)

    async def call(self, op_name: str) -> Any:
        method = getattr(self.client, OPERATIONS[op_name][0])
        return await method(**minimal_kwargs(op_name))


@pytest.fixture(scope="module")
def harness() -> Iterator[tuple[asyncio.Runner, Harness]]:
    with asyncio.Runner() as runner:
        h = Harness()
        yield runner, h
        runner.run(h.client.close())


def test_every_operation_is_covered() -> None:
    assert len(OPS) == 62 == len(OPERATIONS)
    assert {OPERATIONS[op][0] for op in OPS} == {xform_name(op) for op in OPS}


@pytest.mark.parametrize("op_name", OPS)
def test_minimal_input_is_accepted(op_name: str, harness: tuple[asyncio.Runner, Harness]) -> None:
    runner, h = harness
    h.body = b"{}"
    sent = len(h.transport.requests)
    resp = runner.run(h.call(op_name))
    assert resp.response_metadata.request_id == REQUEST_ID
    assert len(h.transport.requests) == sent + 1


@pytest.mark.parametrize("op_name", OPS)
@EXAMPLES
@given(data=st.data())
def test_valid_bodies_with_unknown_members_and_enum_values_parse(
    op_name: str, harness: tuple[asyncio.Runner, Harness], data: st.DataObject
) -> None:
    runner, h = harness
    shape = SERVICE.operation_model(op_name).output_shape
    doc = data.draw(wire_values(shape, output=True), label="body")
    h.body = to_json(doc)
    resp = runner.run(h.call(op_name))
    assert resp.response_metadata.request_id == REQUEST_ID
    assert resp.response_metadata.http_status_code == 200
    # Every modeled member that was sent is there (unknown ones are dropped).
    assert set(resp.to_wire()) == {
        k for k, v in doc.items() if k in shape.members and v is not None
    }


@pytest.mark.parametrize("op_name", OPS)
@EXAMPLES
@given(data=st.data())
def test_a_wrongly_typed_member_is_a_response_parse_error(
    op_name: str, harness: tuple[asyncio.Runner, Harness], data: st.DataObject
) -> None:
    runner, h = harness
    shape = SERVICE.operation_model(op_name).output_shape
    doc = data.draw(wire_values(shape, output=True), label="body")
    path, target = data.draw(st.sampled_from(list(modeled_paths(doc, shape))), label="path")
    wrong = data.draw(st.sampled_from(WRONG[target.type_name]), label="wrong value")
    h.body = to_json(replaced(doc, path, wrong))
    with pytest.raises(ResponseParseError) as caught:
        runner.run(h.call(op_name))
    error = caught.value
    assert not isinstance(error, pydantic.ValidationError)
    assert error.__cause__ is None
    assert error.__suppress_context__
    assert error.request_id == REQUEST_ID
    assert error.status_code == 200
    assert error.operation_name == op_name
    assert error.attempts == 1
