"""parse_registry_host / registry_host: every host form ECR uses, look-alikes rejected."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrkit.registry import NotAnECRHostError, RegistryHost, parse_registry_host, registry_host
from tests._hypothesis import examples

A = "123456789012"

#: host -> (account, region, partition, dns_suffix, fips, dual_stack)
GOOD: list[tuple[str, tuple[str | None, str, str, str, bool, bool]]] = [
    (
        f"{A}.dkr.ecr.us-east-1.amazonaws.com",
        (A, "us-east-1", "aws", "amazonaws.com", False, False),
    ),
    (
        f"{A}.dkr.ecr.eu-west-1.amazonaws.com",
        (A, "eu-west-1", "aws", "amazonaws.com", False, False),
    ),
    (
        f"{A}.dkr.ecr.ap-southeast-5.amazonaws.com",
        (A, "ap-southeast-5", "aws", "amazonaws.com", False, False),
    ),
    (
        f"{A}.dkr.ecr.il-central-1.amazonaws.com",
        (A, "il-central-1", "aws", "amazonaws.com", False, False),
    ),
    (
        f"{A}.dkr.ecr.mx-central-1.amazonaws.com",
        (A, "mx-central-1", "aws", "amazonaws.com", False, False),
    ),
    (
        f"{A}.dkr.ecr-fips.us-east-2.amazonaws.com",
        (A, "us-east-2", "aws", "amazonaws.com", True, False),
    ),
    (
        f"{A}.dkr.ecr.us-gov-west-1.amazonaws.com",
        (A, "us-gov-west-1", "aws-us-gov", "amazonaws.com", False, False),
    ),
    (
        f"{A}.dkr.ecr-fips.us-gov-east-1.amazonaws.com",
        (A, "us-gov-east-1", "aws-us-gov", "amazonaws.com", True, False),
    ),
    (
        f"{A}.dkr.ecr.cn-north-1.amazonaws.com.cn",
        (A, "cn-north-1", "aws-cn", "amazonaws.com.cn", False, False),
    ),
    (
        f"{A}.dkr.ecr.cn-northwest-1.amazonaws.com.cn",
        (A, "cn-northwest-1", "aws-cn", "amazonaws.com.cn", False, False),
    ),
    (f"{A}.dkr-ecr.us-west-2.on.aws", (A, "us-west-2", "aws", "on.aws", False, True)),
    (f"{A}.dkr-ecr-fips.us-east-1.on.aws", (A, "us-east-1", "aws", "on.aws", True, True)),
    (
        f"{A}.dkr-ecr.us-gov-west-1.on.aws",
        (A, "us-gov-west-1", "aws-us-gov", "on.aws", False, True),
    ),
    (
        f"{A}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
        (A, "cn-north-1", "aws-cn", "on.amazonwebservices.com.cn", False, True),
    ),
    (
        f"{A}.dkr.ecr.us-iso-east-1.c2s.ic.gov",
        (A, "us-iso-east-1", "aws-iso", "c2s.ic.gov", False, False),
    ),
    (
        f"{A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
        (A, "us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov", False, False),
    ),
    (
        f"{A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk",
        (A, "eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk", False, False),
    ),
    (
        f"{A}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov",
        (A, "us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov", False, False),
    ),
    (
        f"{A}.dkr.ecr.eusc-de-east-1.amazonaws.eu",
        (A, "eusc-de-east-1", "aws-eusc", "amazonaws.eu", False, False),
    ),
    ("public.ecr.aws", (None, "us-east-1", "aws", "ecr.aws", False, False)),
]

#: The same registries written as tools send them: scheme, port, path, case, space.
SPELLED: list[tuple[str, str]] = [
    (f"https://{A}.dkr.ecr.eu-west-1.amazonaws.com", f"{A}.dkr.ecr.eu-west-1.amazonaws.com"),
    (f"https://{A}.dkr.ecr.eu-west-1.amazonaws.com/v2/", f"{A}.dkr.ecr.eu-west-1.amazonaws.com"),
    (f"{A}.dkr.ecr.eu-west-1.amazonaws.com:443", f"{A}.dkr.ecr.eu-west-1.amazonaws.com"),
    (f"{A}.DKR.ECR.EU-WEST-1.AMAZONAWS.COM/repo/app", f"{A}.dkr.ecr.eu-west-1.amazonaws.com"),
    (f"  http://{A}.dkr-ecr.us-east-1.on.aws/v2  \n", f"{A}.dkr-ecr.us-east-1.on.aws"),
    ("https://public.ecr.aws/v2/", "public.ecr.aws"),
    ("public.ecr.aws/nginx/nginx:latest", "public.ecr.aws"),
]

BAD = [
    "",
    "example.com",
    "127.0.0.1:5000",
    f"{A}.dkr.ecr.us-east-1.amazonaws.com.fake.example.com",  # look-alike: suffix after
    f"evil.{A}.dkr.ecr.us-east-1.amazonaws.com",  # look-alike: prefix before
    f"{A}.dkr.ecr.us-east-1.amazonaws.com.cn",  # an aws region under the China suffix
    f"{A}.dkr.ecr.cn-north-1.amazonaws.com",  # a China region under the aws suffix
    f"{A}.dkr.ecr.us-iso-east-1.amazonaws.com",  # an ISO region under the aws suffix
    f"{A}.dkr-ecr.us-iso-east-1.on.aws",  # ISO has no dual-stack registry host
    f"{A}.dkr-ecr.us-east-1.amazonaws.com",  # dual-stack service, IPv4 suffix
    f"{A}.dkr.ecr.us-east-1.on.aws",  # IPv4 service, dual-stack suffix
    "12345678901.dkr.ecr.us-east-1.amazonaws.com",  # 11 digits
    "1234567890123.dkr.ecr.us-east-1.amazonaws.com",  # 13 digits
    f"{A}.dkr.ecr.useast1.amazonaws.com",
    f"{A}.dkr.ecr-public.us-east-1.amazonaws.com",
    f"{A}.ecr.us-east-1.amazonaws.com",
    "api.ecr.us-east-1.amazonaws.com",  # the control plane, not a registry
    "public.ecr.aws.evil",  # look-alike
    "public.ecr.aws.evil.example.com",
    "evilpublic.ecr.aws",
    "notpublic.ecr.aws",
    "ecr.aws",
    f"ftp://{A}.dkr.ecr.us-east-1.amazonaws.com",  # not a registry scheme
    f"user@{A}.dkr.ecr.us-east-1.amazonaws.com",
    f"{A}.dkr.ecr.us-east-1.amazonaws.com:notaport",
]


@pytest.mark.parametrize(("host", "expected"), GOOD, ids=[h for h, _ in GOOD])
def test_every_form_ecr_uses(
    host: str, expected: tuple[str | None, str, str, str, bool, bool]
) -> None:
    parsed = parse_registry_host(host)
    assert parsed == RegistryHost(*expected)
    assert parsed.public is (expected[0] is None)
    assert parsed.host == host  # canonical already


@pytest.mark.parametrize(("spelled", "host"), SPELLED)
def test_scheme_port_path_and_case_are_ignored(spelled: str, host: str) -> None:
    assert parse_registry_host(spelled).host == host


@pytest.mark.parametrize("host", BAD)
def test_look_alikes_and_other_hosts_are_rejected(host: str) -> None:
    with pytest.raises(NotAnECRHostError, match=r"ECR registry host|AWS region|scheme"):
        parse_registry_host(host)


def test_the_table_is_large_enough() -> None:
    assert len(GOOD) + len(SPELLED) + len(BAD) >= 25 and len(BAD) >= 10


@pytest.mark.parametrize(("host", "expected"), GOOD, ids=[h for h, _ in GOOD])
def test_registry_host_is_the_reverse(
    host: str, expected: tuple[str | None, str, str, str, bool, bool]
) -> None:
    account, region, _, _, fips, dual_stack = expected
    assert registry_host(account, region, fips=fips, dual_stack=dual_stack) == host


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("12345", "us-east-1"), "12 digits"),
        ((A, "moon-base-1"), "not an AWS region"),
        ((A, "us-iso-east-1", True), "no dual-stack"),
    ],
)
def test_registry_host_says_what_is_wrong(
    args: tuple[str, str, bool] | tuple[str, str], message: str
) -> None:
    dual = len(args) == 3
    with pytest.raises(ValueError, match=message):
        registry_host(args[0], args[1], dual_stack=dual)


_REGIONS = st.sampled_from(
    [
        "us-east-1",
        "eu-central-2",
        "ap-south-1",
        "sa-east-1",
        "ca-west-1",
        "me-south-1",
        "af-south-1",
        "us-gov-west-1",
        "cn-north-1",
        "us-iso-west-1",
        "us-isob-east-1",
        "eu-isoe-west-1",
        "us-isof-east-1",
        "eusc-de-east-1",
    ]
)
_DUAL = {
    "us-east-1",
    "eu-central-2",
    "ap-south-1",
    "sa-east-1",
    "ca-west-1",
    "me-south-1",
    "af-south-1",
    "us-gov-west-1",
    "cn-north-1",
}


@settings(max_examples=examples(200))
@given(
    account=st.text("0123456789", min_size=12, max_size=12),
    region=_REGIONS,
    fips=st.booleans(),
    dual_stack=st.booleans(),
    scheme=st.sampled_from(["", "https://", "http://", "HTTPS://"]),
    tail=st.sampled_from(["", "/", "/v2/", ":443", ":5000/v2/x"]),
)
def test_round_trip(
    account: str, region: str, fips: bool, dual_stack: bool, scheme: str, tail: str
) -> None:
    if dual_stack and region not in _DUAL:
        with pytest.raises(ValueError):
            registry_host(account, region, fips=fips, dual_stack=dual_stack)
        return
    host = registry_host(account, region, fips=fips, dual_stack=dual_stack)
    parsed = parse_registry_host(f"{scheme}{host}{tail}")
    assert (parsed.account, parsed.region, parsed.fips, parsed.dual_stack) == (
        account,
        region,
        fips,
        dual_stack,
    )
    assert parsed.host == host
    assert parse_registry_host(parsed.host) == parsed


@settings(max_examples=examples(200))
@given(
    host=st.sampled_from([h for h, _ in GOOD]),
    junk=st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12),
)
def test_anything_added_around_a_good_host_is_rejected(host: str, junk: str) -> None:
    for bad in (f"{host}.{junk}", f"{host}{junk}", f"{junk}.{host}", f"{junk}{host}"):
        with pytest.raises(NotAnECRHostError):
            parse_registry_host(bad)
