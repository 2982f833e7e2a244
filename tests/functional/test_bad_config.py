"""Bad configuration fails early, with a ``ValueError`` naming the setting.

At construction (``ClientConfig``, ``ECRClient``), at ``paginate()`` or at ``wait()``:
always before anything is sent, never silently replaced by a default, never as a
raw error from deep inside (``int("²")``, ``OverflowError``, a ``TypeError`` after
the first page).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from ecrkit import ClientConfig, ECRClient

from ._support import json_response, make_client, scripted


@pytest.mark.parametrize("value", ["abc", "-1", "0", "²", "3.5", "1e3", " ", "٣"])
def test_aws_max_attempts_that_is_not_a_positive_integer_is_rejected(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", value)
    if not value.strip():
        assert ClientConfig().resolved().max_attempts == 3  # blank: unset
        return
    with pytest.raises(ValueError, match="AWS_MAX_ATTEMPTS"):
        ClientConfig().resolved()
    with pytest.raises(ValueError, match="AWS_MAX_ATTEMPTS"):
        ECRClient(region="us-east-1")


@pytest.mark.parametrize("value", ["1", " 7 ", "10"])
def test_aws_max_attempts_that_is_valid_is_used(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", value)
    assert ClientConfig().resolved().max_attempts == int(value)
    assert ClientConfig(max_attempts=2).resolved().max_attempts == 2  # explicit wins


def test_aws_retry_mode_is_named_when_it_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_RETRY_MODE", "fast")
    with pytest.raises(ValueError, match="AWS_RETRY_MODE"):
        ClientConfig().resolved()


BAD_CONFIGS: list[tuple[str, Any]] = [
    ("max_attempts", 0),
    ("max_attempts", -1),
    ("max_attempts", True),
    ("max_attempts", 2.5),
    ("max_attempts", "3"),
    ("max_pool_connections", 0),
    ("max_pool_connections", -5),
    ("max_pool_connections", 1.5),
    ("max_response_bytes", -1),
    ("max_response_bytes", "big"),
    ("read_timeout", -1),
    ("read_timeout", 0),
    ("read_timeout", math.nan),
    ("read_timeout", math.inf),
    ("read_timeout", "60"),
    ("connect_timeout", -0.5),
    ("connect_timeout", math.nan),
    ("total_timeout", 0),
    ("total_timeout", -math.inf),
    ("retry_mode", "fast"),
    ("use_fips_endpoint", "yes"),
    ("use_dualstack_endpoint", 1),
]


@pytest.mark.parametrize(("name", "value"), BAD_CONFIGS, ids=[f"{n}={v!r}" for n, v in BAD_CONFIGS])
def test_a_bad_client_config_value_is_a_value_error_at_construction(name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=name):
        ClientConfig(**{name: value})


def test_good_client_config_values_are_kept() -> None:
    config = ClientConfig(
        max_attempts=1,
        read_timeout=0.2,
        connect_timeout=1,
        total_timeout=None,
        max_pool_connections=1,
        max_response_bytes=0,
        use_fips_endpoint=False,
    )
    assert config.read_timeout == 0.2
    assert ClientConfig(read_timeout=None, connect_timeout=None).read_timeout is None


BAD_PAGINATION: list[tuple[dict[str, Any], str]] = [
    ({"max_items": "abc"}, "max_items"),
    ({"max_items": 0}, "max_items"),
    ({"max_items": -3}, "max_items"),
    ({"max_items": True}, "max_items"),
    ({"max_items": [1]}, "max_items"),
    ({"page_size": "x"}, "page_size"),
    ({"page_size": 0}, "page_size"),
    ({"page_size": math.inf}, "page_size"),
]


@pytest.mark.parametrize(
    ("config", "name"), BAD_PAGINATION, ids=[repr(c) for c, _ in BAD_PAGINATION]
)
async def test_a_bad_pagination_config_is_a_value_error_at_paginate(
    config: dict[str, Any], name: str
) -> None:
    client, transport = make_client()
    async with client:
        pager = client.get_paginator("describe_repositories")
        with pytest.raises(ValueError, match=name):
            pager.paginate(pagination_config=config)  # type: ignore[arg-type]
    assert transport.requests == []


async def test_pagination_numbers_convert_with_int_like_botocore() -> None:
    pages = [
        json_response(body={"repositories": [{"repositoryName": f"r{i}"} for i in range(3)]}),
    ]
    client, transport = make_client(scripted(*pages))
    async with client:
        pager = client.get_paginator("describe_repositories")
        config: Any = {"max_items": "2", "page_size": "3"}
        names = [r.repository_name async for r in pager.paginate(pagination_config=config).items()]
    assert names == ["r0", "r1"]
    assert b'"maxResults":3' in transport.requests[0].body


BAD_WAITER: list[dict[str, Any]] = [
    {"delay": math.nan},
    {"delay": math.inf},
    {"delay": "soon"},
    {"delay": True},
    {"max_attempts": math.inf},
    {"max_attempts": math.nan},
    {"max_attempts": 2.5},
    {"max_attempts": "many"},
    {"min_delay": math.nan},
    {"max_delay": math.inf},
    {"max_wait": math.nan},
    {"max_wait": math.inf},
    {"max_wait": 0},
    {"max_wait": -1},
]


@pytest.mark.parametrize("config", BAD_WAITER, ids=[repr(c) for c in BAD_WAITER])
async def test_a_bad_waiter_config_is_a_value_error_at_wait(config: dict[str, Any]) -> None:
    client, transport = make_client()
    async with client:
        waiter = client.get_waiter("lifecycle_policy_preview_complete")
        with pytest.raises(ValueError, match=f"waiter_config.*{next(iter(config))}"):
            await waiter.wait(repository_name="repo", waiter_config=config)  # type: ignore[arg-type]
    assert transport.requests == []
