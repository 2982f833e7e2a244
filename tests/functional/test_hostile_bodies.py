"""Bodies and tokens built to break parsers: deep nesting, wrong types.

A misbehaving server (or a corrupted resume token) gets a typed error or the
behaviour its status code calls for, never a ``RecursionError`` or an
``AttributeError`` from deep inside a parser.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from ecrkit import _protocol
from ecrkit._exceptions import ResponseParseError, ServiceError
from ecrkit._pagination import decode_token, encode_token
from ecrkit.http import HttpResponse

from ._support import Sleeps, json_response, make_client, scripted

#: Far deeper than json.loads can go on every supported Python: 3.11 and 3.12 stop at
#: the recursion limit (1,000), 3.13 at its C stack limit (5,000 levels still parse).
DEPTH = max(sys.getrecursionlimit() * 2, 100_000)
DEEP_OBJECT = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH
DEEP_LIST = b"[" * DEPTH + b"]" * DEPTH


@pytest.mark.parametrize("body", [DEEP_OBJECT, DEEP_LIST], ids=["object", "list"])
def test_parse_error_treats_a_too_deep_body_as_non_json(body: bytes) -> None:
    info = _protocol.parse_error(503, {}, body)
    assert info.code == "503"
    assert info.body == {}
    assert info.message.startswith("non-JSON error body")


@pytest.mark.parametrize("body", [DEEP_OBJECT, DEEP_LIST], ids=["object", "list"])
async def test_a_503_with_a_deep_body_is_retried_as_a_503(body: bytes) -> None:
    sleeps = Sleeps()
    deep = HttpResponse(503, {"x-amzn-RequestId": "deep"}, body)
    client, transport = make_client(scripted(deep, deep, json_response()), sleep=sleeps)
    async with client:
        resp = await client.describe_registry()
    assert resp.response_metadata.retry_attempts == 2
    assert len(transport.requests) == 3


async def test_a_persistent_deep_503_is_a_service_error_with_the_status() -> None:
    deep = HttpResponse(503, {"x-amzn-RequestId": "deep"}, DEEP_OBJECT)
    client, transport = make_client(scripted(deep))
    async with client:
        with pytest.raises(ServiceError) as caught:
            await client.describe_registry()
    assert caught.value.status_code == 503
    assert caught.value.code == "503"
    assert caught.value.attempts == 3 == len(transport.requests)


async def test_a_deep_2xx_body_is_a_response_parse_error() -> None:
    client, _ = make_client(scripted(HttpResponse(200, {"x-amzn-RequestId": "d"}, DEEP_OBJECT)))
    async with client:
        with pytest.raises(ResponseParseError) as caught:
            await client.describe_registry()
    assert caught.value.request_id == "d"


def _deep_token() -> str:
    import base64

    return base64.b64encode(b'{"nextToken":' + DEEP_LIST + b"}").decode()


@pytest.mark.parametrize(
    "token",
    [_deep_token(), 5, None, b"eyJuZXh0VG9rZW4iOiAiYSJ9", ["x"], {"nextToken": "a"}],
    ids=["deep", "int", "None", "bytes", "list", "dict"],
)
def test_a_token_that_is_too_deep_or_not_a_string_is_a_value_error(token: Any) -> None:
    with pytest.raises(ValueError, match="not a valid resume token"):
        decode_token(token)


@pytest.mark.parametrize(
    "token", [_deep_token(), 5, b"x", ["x"]], ids=["deep", "int", "bytes", "list"]
)
async def test_paginate_rejects_such_a_token_before_sending(token: Any) -> None:
    client, transport = make_client()
    async with client:
        pager = client.get_paginator("describe_images")
        with pytest.raises(ValueError, match="not a valid resume token"):
            pager.paginate(repository_name="r", pagination_config={"starting_token": token})
    assert transport.requests == []


def test_a_normal_token_still_decodes() -> None:
    assert decode_token(encode_token({"nextToken": "a"})) == {"nextToken": "a"}
