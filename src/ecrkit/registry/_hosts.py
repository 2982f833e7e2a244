"""Registry host names: which ECR registry a host such as ``123456789012.dkr.ecr.eu-west-1.amazonaws.com`` is.

Standard library only: ``docker-credential-ecrkit`` parses hosts on its cache-hit path.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

__all__ = [
    "PUBLIC_REGISTRY_HOST",
    "NotAnECRHostError",
    "RegistryHost",
    "parse_registry_host",
    "registry_host",
]

#: ECR Public's registry host; its tokens come from ECR Public in us-east-1.
PUBLIC_REGISTRY_HOST: Final = "public.ecr.aws"
_PUBLIC_REGION: Final = "us-east-1"


class _Partition(NamedTuple):
    name: str
    region: re.Pattern[str]
    dns_suffix: str
    dual_stack_suffix: str | None  # the registry's dual-stack suffix, where ECR has one


#: The partitions' region patterns and DNS suffixes (endpoints partitions.json). ECR's
#: dual-stack registry hosts are ``dkr-ecr[-fips].<region>.on.aws`` (and
#: ``on.amazonwebservices.com.cn`` in China); other partitions have none.
_PARTITIONS: Final = (
    _Partition(
        "aws", re.compile(r"(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+"), "amazonaws.com", "on.aws"
    ),
    _Partition("aws-us-gov", re.compile(r"us-gov-[a-z]+-\d+"), "amazonaws.com", "on.aws"),
    _Partition(
        "aws-cn", re.compile(r"cn-[a-z]+-\d+"), "amazonaws.com.cn", "on.amazonwebservices.com.cn"
    ),
    _Partition("aws-eusc", re.compile(r"eusc-de-[a-z]+-\d+"), "amazonaws.eu", None),
    _Partition("aws-iso", re.compile(r"us-iso-[a-z]+-\d+"), "c2s.ic.gov", None),
    _Partition("aws-iso-b", re.compile(r"us-isob-[a-z]+-\d+"), "sc2s.sgov.gov", None),
    _Partition("aws-iso-e", re.compile(r"eu-isoe-[a-z]+-\d+"), "cloud.adc-e.uk", None),
    _Partition("aws-iso-f", re.compile(r"us-isof-[a-z]+-\d+"), "csp.hci.ic.gov", None),
)

# <account>.<dkr.ecr | dkr.ecr-fips | dkr-ecr | dkr-ecr-fips>.<region>.<suffix>, whole host.
_PRIVATE: Final = re.compile(
    r"(?P<account>\d{12})\.(?P<service>dkr\.ecr|dkr\.ecr-fips|dkr-ecr|dkr-ecr-fips)"
    r"\.(?P<region>[a-z]{2,4}(?:-[a-z]+)+-\d+)\.(?P<suffix>[a-z0-9.-]+)"
)
_PORT: Final = re.compile(r":\d{1,5}")


class NotAnECRHostError(ValueError):
    """The host is not an ECR registry host (look-alikes included)."""


class RegistryHost(NamedTuple):
    """One ECR registry, as its host name says it (an immutable value).

    ``account`` is ``None`` for ECR Public (``public.ecr.aws``), whose ``region`` is
    us-east-1, where its tokens come from. A named tuple, not a dataclass: the
    credential helper's cache-hit path parses hosts, and ``dataclasses`` is costly
    to import.
    """

    #: The 12-digit account id of a private registry; ``None`` for ECR Public.
    account: str | None
    #: The region of the registry (us-east-1 for ECR Public).
    region: str
    #: The AWS partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``, ...
    partition: str
    #: The DNS suffix of the host: ``amazonaws.com``, ``on.aws``, ``c2s.ic.gov``, ...
    dns_suffix: str
    #: A FIPS endpoint (``dkr.ecr-fips`` / ``dkr-ecr-fips``).
    fips: bool = False
    #: A dual-stack (IPv4 and IPv6) endpoint (``dkr-ecr``).
    dual_stack: bool = False

    @property
    def public(self) -> bool:
        """True for ECR Public (``public.ecr.aws``)."""
        return self.account is None

    @property
    def host(self) -> str:
        """The host name again, in its canonical (lower-case, no port) form."""
        if self.account is None:
            return PUBLIC_REGISTRY_HOST
        service = ("dkr-ecr" if self.dual_stack else "dkr.ecr") + ("-fips" if self.fips else "")
        return f"{self.account}.{service}.{self.region}.{self.dns_suffix}"


def _bare_host(value: str) -> str:
    """``value`` without scheme, path, port and surrounding space, lower-cased."""
    text = value.strip().lower()
    scheme, sep, rest = text.partition("://")
    if sep:
        if scheme not in ("https", "http"):
            raise NotAnECRHostError(f"not an ECR registry host: scheme {scheme!r} in {value!r}")
        text = rest
    text = text.split("/", 1)[0]
    port = _PORT.search(text)
    if port is not None and port.end() == len(text):
        text = text[: port.start()]
    return text


def _partition_of(region: str) -> _Partition:
    for partition in _PARTITIONS:
        if partition.region.fullmatch(region):
            return partition
    raise NotAnECRHostError(f"not an AWS region: {region!r}")


def parse_registry_host(host: str) -> RegistryHost:
    """The ECR registry ``host`` names, or :class:`NotAnECRHostError`.

    Accepts every form ECR uses (``dkr.ecr``, ``dkr.ecr-fips``, dual-stack
    ``dkr-ecr[-fips]...on.aws``, the China, EU sovereign and ISO partitions, and
    ``public.ecr.aws``). A scheme, a port and a path are ignored (``https://host/v2/``
    is fine). The whole host must match and its DNS suffix must be the one of the
    region's partition, so look-alikes such as ``...amazonaws.com.example.com`` or
    ``public.ecr.aws.evil`` are rejected.
    """
    bare = _bare_host(host)
    if bare == PUBLIC_REGISTRY_HOST:
        return RegistryHost(None, _PUBLIC_REGION, "aws", "ecr.aws")
    match = _PRIVATE.fullmatch(bare)
    if match is None:
        raise NotAnECRHostError(f"not an ECR registry host: {host.strip()!r}")
    service, region, suffix = match["service"], match["region"], match["suffix"]
    partition = _partition_of(region)
    dual_stack = service.startswith("dkr-ecr")
    expected = partition.dual_stack_suffix if dual_stack else partition.dns_suffix
    if suffix != expected:
        raise NotAnECRHostError(
            f"not an ECR registry host: {host.strip()!r} (region {region} is in partition "
            f"{partition.name}, whose {'dual-stack ' if dual_stack else ''}registry hosts "
            f"end in {expected or 'nothing: it has none'})"
        )
    return RegistryHost(
        account=match["account"],
        region=region,
        partition=partition.name,
        dns_suffix=suffix,
        fips=service.endswith("-fips"),
        dual_stack=dual_stack,
    )


def registry_host(
    account: str | None, region: str, *, fips: bool = False, dual_stack: bool = False
) -> str:
    """The host of ``account``'s registry in ``region`` (``public.ecr.aws`` for ``None``).

    Raises ``ValueError`` for an account that is not 12 digits, an unknown region, or
    a dual-stack host in a partition that has none.
    """
    if account is None:
        return PUBLIC_REGISTRY_HOST
    if not re.fullmatch(r"\d{12}", account):
        raise ValueError(f"account must be 12 digits, got {account!r}")
    partition = _partition_of(region)
    suffix = partition.dual_stack_suffix if dual_stack else partition.dns_suffix
    if suffix is None:
        raise ValueError(f"partition {partition.name} ({region}) has no dual-stack registry host")
    return RegistryHost(account, region, partition.name, suffix, fips, dual_stack).host
