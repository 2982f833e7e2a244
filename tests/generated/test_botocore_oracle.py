"""botocore as the oracle, for every ECR and ECR Public operation, on property-generated inputs.

(a) The JSON body ecrkit serializes from a request equals, as JSON, what
    botocore's JSON serializer produces for the same params.
(b) For response documents drawn from the output shape (with unknown members and
    unknown enum values mixed in), ecrkit's parse, dumped by alias, equals
    botocore's parsed dict: timestamps compared as instants, blobs as bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import ModuleType

import botocore.session
import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ecrkit.models
import ecrkit.public.models
from ecrkit import _codec
from ecrkit._generated import _meta as ecr_meta
from ecrkit._generated_public import _meta as public_meta
from ecrkit._model import build_request
from tests._hypothesis import examples
from tests._pins import needs_pinned_botocore
from tests._shapes import instants, wire_values

pytestmark = needs_pinned_botocore

SERIALIZER = create_serializer("json", include_validation=False)
PARSER = create_parser("json")


@dataclass(frozen=True)
class Generated:
    """One generated service: botocore's model of it, our operation table and models."""

    botocore_name: str
    operations: dict[str, tuple[str, str | None, str | None]]
    models: ModuleType
    count: int  # operations in the pinned model

    @property
    def service(self) -> botocore.model.ServiceModel:
        return _SESSION.get_service_model(self.botocore_name)


_SESSION = botocore.session.get_session()
SERVICES = {
    "ecr": Generated("ecr", ecr_meta.OPERATIONS, ecrkit.models, 62),
    "ecr-public": Generated("ecr-public", public_meta.OPERATIONS, ecrkit.public.models, 23),
}
#: (service, operation) for every operation of every generated service.
OPS = [
    pytest.param(key, op, id=f"{key}-{op}")
    for key, gen in SERVICES.items()
    for op in sorted(gen.service.operation_names)
]
# ECR Public's 23 operations are smaller and fewer: fewer examples keep CI time in check.
EXAMPLES = {
    key: settings(
        max_examples=examples(25 if key == "ecr" else 15),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    for key in SERVICES
}


@pytest.mark.parametrize("key", list(SERVICES))
def test_every_operation_is_generated(key: str) -> None:
    gen = SERVICES[key]
    assert len(gen.service.operation_names) == gen.count
    assert sorted(gen.operations) == sorted(gen.service.operation_names)


@pytest.mark.parametrize(("key", "op_name"), OPS)
def test_request_body_matches_botocore(key: str, op_name: str) -> None:
    gen = SERVICES[key]

    @EXAMPLES[key]
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _check_request(gen, op_name, data)

    check()


def _check_request(gen: Generated, op_name: str, data: st.DataObject) -> None:
    op = gen.service.operation_model(op_name)
    params = data.draw(wire_values(op.input_shape, output=False), label="params")
    request_cls = getattr(gen.models, str(gen.operations[op_name][1]))
    ours = json.loads(_codec.serialize(build_request(request_cls, params)))
    theirs = json.loads(SERIALIZER.serialize_to_request(params, op)["body"] or b"{}")
    assert ours == theirs


@pytest.mark.parametrize(("key", "op_name"), OPS)
def test_response_parse_matches_botocore(key: str, op_name: str) -> None:
    gen = SERVICES[key]

    @EXAMPLES[key]
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _check_response(gen, op_name, data)

    check()


def _check_response(gen: Generated, op_name: str, data: st.DataObject) -> None:
    op = gen.service.operation_model(op_name)
    doc = data.draw(wire_values(op.output_shape, output=True), label="body")
    body = json.dumps(doc).encode()
    theirs = PARSER.parse({"status_code": 200, "headers": {}, "body": body}, op.output_shape)
    theirs.pop("ResponseMetadata", None)
    response_cls = getattr(gen.models, str(gen.operations[op_name][2]))
    parsed = _codec.parse_response(response_cls, body)
    ours = parsed.model_dump(by_alias=True, exclude_none=True, exclude_unset=True)
    assert instants(ours) == instants(theirs)
