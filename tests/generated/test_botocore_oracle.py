"""botocore as the oracle, for every ECR operation, on property-generated inputs.

(a) The JSON body ecrkit serializes from a request equals, as JSON, what
    botocore's JSON serializer produces for the same params.
(b) For response documents drawn from the output shape (with unknown members and
    unknown enum values mixed in), ecrkit's parse, dumped by alias, equals
    botocore's parsed dict: timestamps compared as instants, blobs as bytes.
"""

from __future__ import annotations

import json

import botocore.session
import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ecrkit.models
from ecrkit import _codec
from ecrkit._generated._meta import OPERATIONS
from ecrkit._model import build_request
from tests._hypothesis import examples
from tests._pins import needs_pinned_botocore
from tests._shapes import instants, wire_values

pytestmark = needs_pinned_botocore

SERVICE = botocore.session.get_session().get_service_model("ecr")
SERIALIZER = create_serializer("json", include_validation=False)
PARSER = create_parser("json")
OPS = sorted(SERVICE.operation_names)
EXAMPLES = settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_every_operation_is_generated() -> None:
    assert len(OPS) == 62
    assert sorted(OPERATIONS) == OPS


@pytest.mark.parametrize("op_name", OPS)
@EXAMPLES
@given(data=st.data())
def test_request_body_matches_botocore(op_name: str, data: st.DataObject) -> None:
    op = SERVICE.operation_model(op_name)
    params = data.draw(wire_values(op.input_shape, output=False), label="params")
    request_cls = getattr(ecrkit.models, str(OPERATIONS[op_name][1]))
    ours = json.loads(_codec.serialize(build_request(request_cls, params)))
    theirs = json.loads(SERIALIZER.serialize_to_request(params, op)["body"] or b"{}")
    assert ours == theirs


@pytest.mark.parametrize("op_name", OPS)
@EXAMPLES
@given(data=st.data())
def test_response_parse_matches_botocore(op_name: str, data: st.DataObject) -> None:
    op = SERVICE.operation_model(op_name)
    doc = data.draw(wire_values(op.output_shape, output=True), label="body")
    body = json.dumps(doc).encode()
    theirs = PARSER.parse({"status_code": 200, "headers": {}, "body": body}, op.output_shape)
    theirs.pop("ResponseMetadata", None)
    response_cls = getattr(ecrkit.models, str(OPERATIONS[op_name][2]))
    parsed = _codec.parse_response(response_cls, body)
    ours = parsed.model_dump(by_alias=True, exclude_none=True, exclude_unset=True)
    assert instants(ours) == instants(theirs)
