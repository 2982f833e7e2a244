"""Responses parse whatever request constraint they break (the service is the authority).

A structure the model shares between requests and responses (``SigningRule``,
``Tag``, ``ImageIdentifier``, ...) carries required members and ``min`` constraints
for requests. botocore never applies them to a response, and neither does ecrkit: a
response must parse with a constrained member under its ``min`` (string, blob, list
or map length; integer range) or with a required member missing. Only a value of the
wrong JSON type is an error (``test_hostile_responses.py``).

Two ways over every output shape of every operation:

- exhaustively: for every constrained member and every required member reachable
  from an operation's output, a minimal document with that one member violated
  (``VIOLATIONS``), parsed with ``parse_response``, and the parsed response gives back
  exactly the document that was sent;
- property-based, through the client: hypothesis draws a full response document,
  then breaks one constraint or drops one required member somewhere in it.

The same requests are still checked: ``build_request`` rejects what the responses
accept.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from typing import Any

import botocore.session
import pydantic
import pytest
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrkit import _codec, _model
from ecrkit._generated._meta import OPERATIONS
from ecrkit._model import build_request
from ecrkit.errors import ParamValidationError, ResponseParseError
from ecrkit.models import (
    GetSigningConfigurationResponse,
    PutSigningConfigurationRequest,
    SigningRule,
)
from tests._hypothesis import examples
from tests._shapes import instants, wire_values
from tests.reliability.test_hostile_responses import (
    REQUEST_ID,
    Harness,
    Path,
    minimal_value,
    modeled_paths,
    replaced,
    to_json,
)

SERVICE = botocore.session.get_session().get_service_model("ecr")
OPS = sorted(SERVICE.operation_names)
EXAMPLES = settings(
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_DROP = object()


def _model_module(op_name: str) -> Any:
    import importlib

    return importlib.import_module(f"ecrkit._generated.ops.{OPERATIONS[op_name][0]}")


def response_cls(op_name: str) -> Any:
    return getattr(_model_module(op_name), f"{op_name}Response")


def wire(value: Any) -> Any:
    """A minimal value as it looks on the wire (blobs base64, timestamps epoch seconds)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    if hasattr(value, "timestamp"):
        return int(value.timestamp())
    return value


def violating(shape: Shape) -> Any:
    """A value of ``shape``'s JSON type just under its ``min`` (``None``: unconstrained)."""
    low = shape.metadata.get("min")
    kind = shape.type_name
    if not low:
        return None
    low = int(low)
    if kind == "string" and not shape.metadata.get("enum"):
        return "x" * (low - 1)
    if kind == "blob":
        return base64.b64encode(b"x" * (low - 1)).decode()
    if kind == "list":
        return [wire(minimal_value(shape.member))] * (low - 1)
    if kind == "map":
        return {}
    if kind in ("integer", "long"):
        return low - 1
    return None


def targets(shape: Shape, path: Path = (), seen: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Paths (wire names, 0 for a list item, "k" for a map value) to every member
    reachable from ``shape``: each is where a violation can be placed."""
    if shape.name in seen:
        return
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            yield (*path, name)
            yield from targets(member, (*path, name), seen)
    elif shape.type_name == "list":
        yield from targets(shape.member, (*path, 0), seen)
    elif shape.type_name == "map":
        yield from targets(shape.value, (*path, "k"), seen)


def document(shape: Shape, path: Path, leaf: Any) -> Any:
    """A minimal valid document of ``shape`` that holds ``leaf`` at ``path``
    (``_DROP``: the member at the end of ``path`` is left out)."""
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if shape.type_name == "list":
        return [document(shape.member, rest, leaf)]
    if shape.type_name == "map":
        return {"k": document(shape.value, rest, leaf)}
    assert isinstance(head, str)
    doc = {n: wire(minimal_value(shape.members[n])) for n in shape.required_members}
    child = document(shape.members[head], rest, leaf)
    if child is _DROP:
        doc.pop(head, None)
    else:
        doc[head] = child
    return doc


def member_at(shape: Shape, path: Path) -> tuple[Shape, Shape]:
    """(the structure holding the member at ``path``, the member's shape)."""
    parent = shape
    for part in path:
        if shape.type_name == "structure":
            parent, shape = shape, shape.members[part]
        elif shape.type_name == "list":
            shape = shape.member
        else:
            shape = shape.value
    return parent, shape


def all_violations() -> list[tuple[str, str, Path, Any]]:
    """(operation, kind, path, document) for every constraint and required member."""
    out = []
    for op_name in OPS:
        output = SERVICE.operation_model(op_name).output_shape
        for path in targets(output):
            parent, member = member_at(output, path)
            bad = violating(member)
            if bad is not None:
                out.append((op_name, "min", path, document(output, path, bad)))
            if path[-1] in parent.required_members:
                out.append((op_name, "required", path, document(output, path, _DROP)))
    return out


VIOLATIONS = all_violations()


def test_the_model_has_constraints_and_required_members_in_responses() -> None:
    # The figures in docs/reliability.md ("Response leniency").
    kinds = [kind for _, kind, _, _ in VIOLATIONS]
    assert kinds.count("min") >= 100
    assert kinds.count("required") >= 70
    assert len({op for op, _, _, _ in VIOLATIONS}) >= 40


def test_get_signing_configuration_with_empty_repository_filters_parses() -> None:
    """The case in the issue: ``SigningRule.repositoryFilters`` has ``min: 1``."""
    body = (
        b'{"registryId": "123456789012", "signingConfiguration": {"rules": '
        b'[{"signingProfileArn": "arn:aws:signer:::/p", "repositoryFilters": []}]}}'
    )
    resp = _codec.parse_response(GetSigningConfigurationResponse, body)
    assert resp.signing_configuration is not None
    assert resp.signing_configuration.rules[0].repository_filters == []
    # The request side still checks it: nothing would be sent.
    rule = {"signing_profile_arn": "arn:aws:signer:::/p", "repository_filters": []}
    with pytest.raises(ParamValidationError, match="repository_filters"):
        build_request(PutSigningConfigurationRequest, {"signing_configuration": {"rules": [rule]}})
    with pytest.raises(ParamValidationError, match="signing_profile_arn"):
        build_request(SigningRule, {})


def test_a_required_member_the_service_left_out_reads_as_none_and_is_unset() -> None:
    body = b'{"signingConfiguration": {"rules": [{"repositoryFilters": []}]}}'
    resp = _codec.parse_response(GetSigningConfigurationResponse, body)
    assert resp.signing_configuration is not None
    rule = resp.signing_configuration.rules[0]
    assert rule.signing_profile_arn is None
    assert "signing_profile_arn" not in rule.model_fields_set
    assert resp.to_wire() == {"signingConfiguration": {"rules": [{"repositoryFilters": []}]}}


def test_leniency_holds_whichever_models_were_used_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """pydantic-core would reuse a nested class's own (strict) validator once that class
    is complete; the response validator must not, and the class must stay strict."""
    SigningRule(signing_profile_arn="arn", repository_filters=None)  # builds its validator
    build_request(PutSigningConfigurationRequest, {"signing_configuration": {"rules": []}})
    assert SigningRule.__pydantic_complete__
    monkeypatch.setattr(_model, "_lenient", {})
    body = b'{"signingConfiguration": {"rules": [{"repositoryFilters": []}]}}'
    resp = _codec.parse_response(GetSigningConfigurationResponse, body)
    assert resp.signing_configuration is not None
    assert resp.signing_configuration.rules[0].repository_filters == []
    assert SigningRule.__pydantic_complete__
    with pytest.raises(pydantic.ValidationError):
        SigningRule(signing_profile_arn="arn", repository_filters=[])
    with pytest.raises(ParamValidationError):
        build_request(SigningRule, {"signing_profile_arn": "arn", "repository_filters": []})


def test_a_wrong_json_type_in_a_shared_structure_is_still_an_error() -> None:
    body = b'{"signingConfiguration": {"rules": [{"repositoryFilters": "all"}]}}'
    with pytest.raises(ResponseParseError, match="repository_filters"):
        _codec.parse_response(GetSigningConfigurationResponse, body)


@pytest.mark.parametrize(
    ("op_name", "kind", "path", "doc"),
    VIOLATIONS,
    ids=[f"{op}-{kind}-{'.'.join(map(str, path))}" for op, kind, path, _ in VIOLATIONS],
)
def test_every_violated_constraint_and_dropped_required_member_parses(
    op_name: str, kind: str, path: Path, doc: Any
) -> None:
    cls = response_cls(op_name)
    resp = _codec.parse_response(cls, to_json(doc), operation_name=op_name)
    assert instants(resp.to_wire()) == doc


@pytest.fixture(scope="module")
def harness() -> Iterator[tuple[asyncio.Runner, Harness]]:
    with asyncio.Runner() as runner:
        h = Harness()
        yield runner, h
        runner.run(h.client.close())


def breakable(doc: Any, shape: Shape) -> list[tuple[Path, Any]]:
    """(path, new value or _DROP) for every constraint or required member in ``doc``."""
    out: list[tuple[Path, Any]] = []
    for path, member in modeled_paths(doc, shape):
        bad = violating(member)
        if bad is not None:
            out.append((path, bad))
        if member.type_name == "structure" and isinstance(replaced(doc, (), doc), dict):
            node = doc
            for part in path:
                node = node[part]
            out.extend(((*path, name), _DROP) for name in member.required_members if name in node)
    return out


def dropped(doc: Any, path: Path) -> Any:
    if len(path) == 1:
        return {k: v for k, v in doc.items() if k != path[0]}
    head = path[0]
    if isinstance(doc, list):
        return [dropped(v, path[1:]) if i == head else v for i, v in enumerate(doc)]
    return {k: dropped(v, path[1:]) if k == head else v for k, v in doc.items()}


@pytest.mark.parametrize("op_name", [op for op in OPS if any(v[0] == op for v in VIOLATIONS)])
@EXAMPLES
@given(data=st.data())
def test_a_drawn_body_with_one_constraint_broken_parses_through_the_client(
    op_name: str, harness: tuple[asyncio.Runner, Harness], data: st.DataObject
) -> None:
    runner, h = harness
    shape = SERVICE.operation_model(op_name).output_shape
    doc = data.draw(wire_values(shape, output=True), label="body")
    choices = breakable(doc, shape)
    if choices:
        path, value = data.draw(st.sampled_from(choices), label="violation")
        doc = dropped(doc, path) if value is _DROP else replaced(doc, path, value)
    h.body = to_json(doc)
    resp = runner.run(h.call(op_name))
    assert resp.response_metadata.request_id == REQUEST_ID
    assert set(resp.to_wire()) == {
        k for k, v in doc.items() if k in shape.members and v is not None
    }
