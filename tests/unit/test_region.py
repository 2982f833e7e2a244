"""Tests for ecrkit._region: the region and endpoint URL from the environment.

The precedence against the profile is held to botocore in test_shared_config.py; the
checks against hostile values in tests/reliability/test_hostile_input.py. Here: the
variable names (from the service id, for any service) and the environment's order.
"""

from __future__ import annotations

import pytest

from ecrkit._exceptions import EndpointResolutionError
from ecrkit._region import (
    endpoint_env_names,
    endpoint_from_env,
    endpoint_url_from_env,
    region_from_env,
    service_key,
)


@pytest.mark.parametrize(
    ("service_id", "key", "variable"),
    [
        ("ECR", "ecr", "AWS_ENDPOINT_URL_ECR"),
        ("ECR PUBLIC", "ecr_public", "AWS_ENDPOINT_URL_ECR_PUBLIC"),
        ("Cost Explorer", "cost_explorer", "AWS_ENDPOINT_URL_COST_EXPLORER"),
        ("Route53-Recovery", "route53_recovery", "AWS_ENDPOINT_URL_ROUTE53_RECOVERY"),
    ],
)
def test_names_come_from_the_service_id(service_id: str, key: str, variable: str) -> None:
    assert service_key(service_id) == key
    assert endpoint_env_names(service_id) == (variable, "AWS_ENDPOINT_URL")


def test_endpoint_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert endpoint_from_env("ECR") is None
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://general:1")
    assert endpoint_from_env("ECR") == "http://general:1"
    assert endpoint_url_from_env("ECR") == ("http://general:1", "AWS_ENDPOINT_URL")
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://ecr:2")
    assert endpoint_from_env("ECR") == "http://ecr:2"
    assert endpoint_url_from_env("ECR") == ("http://ecr:2", "AWS_ENDPOINT_URL_ECR")
    # Another service does not see ECR's variable.
    assert endpoint_from_env("ECR PUBLIC") == "http://general:1"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE")
    assert endpoint_from_env("ECR") is None
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")
    assert endpoint_from_env("ECR") == "http://ecr:2"


def test_a_bad_endpoint_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR_PUBLIC", "ftp://example.com")
    with pytest.raises(EndpointResolutionError, match="from AWS_ENDPOINT_URL_ECR_PUBLIC"):
        endpoint_from_env("ECR PUBLIC")


def test_region_from_env_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert region_from_env() is None
    monkeypatch.setenv("AWS_REGION", "")  # empty is unset, as in botocore
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert region_from_env() == ("us-west-2", "AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "us-east-2")
    assert region_from_env() == ("us-east-2", "AWS_REGION")
