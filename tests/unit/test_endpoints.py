"""Tests for ecrkit._endpoints, the Smithy endpoint rule-set evaluator.

Three layers: the AWS vectors (ECR's 26 endpoint tests and botocore's generic
rules-engine suite), a cross-check against botocore's own EndpointProvider over
a region x FIPS x dual-stack grid, and small inline rule sets for the edge
cases (these need no vectors, so they also run in a fresh clone).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError as BotocoreEndpointError

from ecrkit._endpoints import Endpoint, EndpointResolver
from ecrkit._exceptions import EndpointResolutionError
from tests._vectors import vectors_available, vectors_dir

ECR_TESTS = ("endpoints", "ecr", "endpoint-tests-1.json")
ENGINE_TESTS = ("endpoints", "rules-engine", "test-cases")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _partitions() -> Any:
    return _load(vectors_dir("endpoints") / "partitions.json")


@functools.cache
def _ecr_ruleset() -> Any:
    return _load(vectors_dir("endpoints", "ecr") / "endpoint-rule-set-1.json")


@functools.cache
def _engine_resolver(name: str) -> EndpointResolver:
    ruleset = _load(vectors_dir("endpoints", "rules-engine", "valid-rules") / f"{name}.json")
    return EndpointResolver(ruleset, _partitions())


def _cases(*parts: str) -> list[Any]:
    """(file stem, case) params for a test file or a folder of them; a skipping
    placeholder when the vectors are absent, so collection still works."""
    if not vectors_available(*parts):
        return [pytest.param("", {}, id="vectors-absent")]
    path = vectors_dir(*parts)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    return [
        pytest.param(f.stem, case, id=f"{f.stem}-{i}")
        for f in files
        for i, case in enumerate(_load(f)["testCases"])
    ]


def _assert_case(resolver: EndpointResolver, case: dict[str, Any]) -> None:
    """Check one vector: expected url/headers/properties, or the exact error message."""
    params, expect = case.get("params", {}), case["expect"]
    if "error" in expect:
        with pytest.raises(EndpointResolutionError) as info:
            resolver.resolve(params)
        assert str(info.value) == expect["error"]
        return
    endpoint = resolver.resolve(params)
    assert endpoint.url == expect["endpoint"]["url"]
    assert endpoint.headers == expect["endpoint"].get("headers", {})
    assert endpoint.properties == expect["endpoint"].get("properties", {})


# -- 2a: ECR endpoint tests ---------------------------------------------------


@pytest.mark.parametrize(("stem", "case"), _cases(*ECR_TESTS))
def test_ecr_endpoint_vectors(stem: str, case: dict[str, Any]) -> None:
    vectors_dir(*ECR_TESTS)
    _assert_case(EndpointResolver(_ecr_ruleset(), _partitions()), case)


def test_ecr_vector_count() -> None:
    assert len(_load(vectors_dir(*ECR_TESTS))["testCases"]) == 26


# -- 2a': ECR Public endpoint tests (the generated rule set, not the vectors' copy) ---

PUBLIC_TESTS = ("endpoints", "ecr-public", "endpoint-tests-1.json")


@pytest.mark.parametrize(("stem", "case"), _cases(*PUBLIC_TESTS))
def test_ecr_public_endpoint_vectors(stem: str, case: dict[str, Any]) -> None:
    """ECR Public's 22 cases, resolved with what ECRPublicClient uses: its generated
    rule set and the shared generated partitions."""
    from ecrkit._generated_public import endpoint_rules

    vectors_dir(*PUBLIC_TESTS)
    _assert_case(EndpointResolver(endpoint_rules.ruleset(), endpoint_rules.partitions()), case)


def test_ecr_public_vector_count_and_rule_set() -> None:
    from ecrkit._generated_public import endpoint_rules

    assert len(_load(vectors_dir(*PUBLIC_TESTS))["testCases"]) == 22
    vectors = _load(vectors_dir("endpoints", "ecr-public") / "endpoint-rule-set-1.json")
    assert endpoint_rules.ruleset() == vectors


# -- 2c: generic rules-engine tests (all 15 files, partition-fn included) -----


@pytest.mark.parametrize(("stem", "case"), _cases(*ENGINE_TESTS))
def test_rules_engine_vectors(stem: str, case: dict[str, Any]) -> None:
    vectors_dir(*ENGINE_TESTS)
    _assert_case(_engine_resolver(stem), case)


def test_rules_engine_vector_count() -> None:
    files = sorted(vectors_dir(*ENGINE_TESTS).glob("*.json"))
    assert sum(len(_load(f)["testCases"]) for f in files) == 101


def test_every_valid_rule_set_loads() -> None:
    """Includes the three rule sets that have no test file."""
    folder = vectors_dir("endpoints", "rules-engine", "valid-rules")
    for path in sorted(folder.glob("*.json")):
        EndpointResolver(_load(path), _partitions())
    minimal = _engine_resolver("minimal-ruleset").resolve({"Region": "us-west-2"})
    assert minimal.url == "https://us-west-2.amazonaws.com"
    assert minimal.properties["authSchemes"][0]["signingRegion"] == "us-west-2"


# -- 3: cross-check against botocore -------------------------------------------

REGIONS = [
    "us-east-1",
    "eu-west-1",
    "cn-north-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "eusc-de-east-1",
    "ap-southeast-5",
    "xx-new-1",
    None,
]


@pytest.mark.parametrize("endpoint_url", [None, "https://example.com"])
@pytest.mark.parametrize("dualstack", [False, True])
@pytest.mark.parametrize("fips", [False, True])
@pytest.mark.parametrize("region", REGIONS)
def test_matches_botocore(
    region: str | None, fips: bool, dualstack: bool, endpoint_url: str | None
) -> None:
    params = {"Region": region, "UseFIPS": fips, "UseDualStack": dualstack}
    params["Endpoint"] = endpoint_url
    oracle = EndpointProvider(copy.deepcopy(_ecr_ruleset()), copy.deepcopy(_partitions()))
    ours = EndpointResolver(_ecr_ruleset(), _partitions())
    try:
        expected = oracle.resolve_endpoint(**params)
    except BotocoreEndpointError as exc:
        with pytest.raises(EndpointResolutionError) as info:
            ours.resolve(params)
        assert str(info.value) == exc.kwargs["msg"]
        return
    got = ours.resolve(params)
    assert (got.url, got.headers, got.properties) == (
        expected.url,
        expected.headers,
        expected.properties,
    )


# -- inline rule sets (no vectors needed) -------------------------------------

PARTITIONS: dict[str, Any] = {
    "partitions": [
        {
            "id": "other",
            "regionRegex": r"^(xx|zz)\-\w+\-\d+$",
            "regions": {},
            "outputs": {"dnsSuffix": "other.example"},
        },
        {
            "id": "aws",
            "regionRegex": r"^us\-\w+\-\d+$",
            "regions": {"zz-listed-1": {}},
            "outputs": {"dnsSuffix": "amazonaws.com"},
        },
    ]
}


def _resolver(rules: list[Any], **parameters: Any) -> EndpointResolver:
    params = parameters or {"Region": {"type": "String"}}
    return EndpointResolver({"version": "1.0", "parameters": params, "rules": rules}, PARTITIONS)


def _endpoint(url: Any, *conditions: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "endpoint", "conditions": list(conditions), "endpoint": {"url": url, **extra}}


def _is_set(name: str) -> dict[str, Any]:
    return {"fn": "isSet", "argv": [{"ref": name}]}


def test_partition_prefers_explicit_region_list_then_regex_then_aws() -> None:
    condition = {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}
    resolver = _resolver([_endpoint("https://{p#name}.{p#dnsSuffix}", condition)])
    # zz-listed-1 matches "other"'s regex, but "aws" lists it explicitly.
    assert resolver.resolve({"Region": "zz-listed-1"}).url == "https://aws.amazonaws.com"
    assert resolver.resolve({"Region": "zz-west-1"}).url == "https://other.other.example"
    # No match at all: the partition named "aws", although it is not first.
    assert resolver.resolve({"Region": "mars"}).url == "https://aws.amazonaws.com"


def test_defaults_required_types_and_unknown_parameters() -> None:
    resolver = _resolver(
        [_endpoint("https://{Region}.example/{Flag}")],
        Region={"type": "String", "required": True},
        Flag={"type": "Boolean", "required": True, "default": False},
    )
    assert resolver.resolve({"Region": "r1"}).url == "https://r1.example/False"
    with pytest.raises(EndpointResolutionError, match="Missing required endpoint parameter"):
        resolver.resolve({})
    with pytest.raises(EndpointResolutionError, match="must be a Boolean"):
        resolver.resolve({"Region": "r1", "Flag": "yes"})
    with pytest.raises(EndpointResolutionError, match="Unknown endpoint parameter"):
        resolver.resolve({"Region": "r1", "region": "r2"})


def test_templates_escapes_getattr_headers_and_properties() -> None:
    arn = {"fn": "aws.parseArn", "argv": [{"ref": "Region"}], "assign": "arn"}
    resolver = _resolver(
        [
            _endpoint(
                "https://{arn#resourceId[1]}.{arn#region}/{{literal}}",
                arn,
                headers={
                    "x-id": [
                        "{arn#accountId}",
                        {"fn": "getAttr", "argv": [{"ref": "arn"}, "service"]},
                    ]
                },
                properties={"nested": [{"region": "{arn#region}", "n": 1, "b": True}]},
            )
        ]
    )
    endpoint = resolver.resolve({"Region": "arn:aws:ecr:us-west-2:123:repository/name"})
    assert endpoint == Endpoint(
        url="https://name.us-west-2/{literal}",
        headers={"x-id": ["123", "ecr"]},
        properties={"nested": [{"region": "us-west-2", "n": 1, "b": True}]},
    )
    with pytest.raises(AttributeError):  # immutable
        endpoint.url = "x"  # type: ignore[misc]


def test_tree_falls_through_and_scopes_are_private() -> None:
    assign = {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "p"}
    resolver = _resolver(
        [
            {
                "type": "tree",
                "conditions": [assign],
                "rules": [_endpoint("https://never", {"fn": "not", "argv": [_is_set("Region")]})],
            },
            # "p" was bound only inside the tree above, so it is unset here.
            _endpoint("https://fallback", {"fn": "not", "argv": [_is_set("p")]}),
        ]
    )
    assert resolver.resolve({"Region": "us-east-1"}).url == "https://fallback"


def test_error_rule_and_no_match() -> None:
    resolver = _resolver(
        [{"type": "error", "conditions": [_is_set("Region")], "error": "bad region {Region}"}]
    )
    with pytest.raises(EndpointResolutionError, match=r"^bad region r9$"):
        resolver.resolve({"Region": "r9"})
    with pytest.raises(EndpointResolutionError, match="No endpoint rule matched"):
        resolver.resolve({})


def test_rule_set_problems_are_reported_at_construction() -> None:
    with pytest.raises(EndpointResolutionError, match="unsupported endpoint rule function"):
        _resolver([_endpoint("https://x", {"fn": "aws.unknownFn", "argv": []})])
    with pytest.raises(EndpointResolutionError, match="unknown endpoint rule type"):
        _resolver([{"type": "redirect", "conditions": []}])
    with pytest.raises(EndpointResolutionError, match="unknown type"):
        _resolver([], Region={"type": "integer"})


def test_reassigning_a_bound_variable_is_an_error() -> None:
    assign = {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "Region"}
    with pytest.raises(EndpointResolutionError, match="already bound"):
        _resolver([_endpoint("https://x", assign)]).resolve({"Region": "us-east-1"})
