"""Where a client points: the region and endpoint URL from the environment, and their checks.

The environment's part of botocore's lookup, for any service: the region from
``AWS_REGION`` / ``AWS_DEFAULT_REGION``, the endpoint URL from
``AWS_ENDPOINT_URL_<SERVICE>`` (the variable named after the model's ``serviceId``)
or ``AWS_ENDPOINT_URL``, unless ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` is true.
:mod:`ecrkit._shared_config` puts the profile's values under these. Both values end
up in the endpoint host and the signed request, so whatever their source they pass
:func:`check_region` and :func:`check_endpoint_url` before the endpoint rules run.
Nothing here reads a file or imports botocore.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ecrkit._exceptions import EndpointResolutionError

__all__ = [
    "check_endpoint_url",
    "check_region",
    "endpoint_env_names",
    "endpoint_from_env",
    "endpoint_url_from_env",
    "ignore_configured_endpoint_urls",
    "mask_userinfo",
    "region_from_env",
    "service_key",
]

#: An RFC 1123 host label (ASCII only, no leading or trailing hyphen): the rules
#: engine's ``isValidHostLabel`` (:mod:`ecrkit._endpoints`) applies the same one.
_HOST_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
_IGNORE_ENDPOINTS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


def _env(name: str) -> str | None:
    """An environment variable, with the empty string treated as unset."""
    return os.environ.get(name) or None


def service_key(service_id: str) -> str:
    """The model's ``serviceId`` as botocore spells it in config: ``"ECR PUBLIC"`` ->
    ``"ecr_public"``."""
    return service_id.replace(" ", "_").replace("-", "_").lower()


def endpoint_env_names(service_id: str) -> tuple[str, str]:
    """The service's and the global endpoint variables, in botocore's order."""
    return f"AWS_ENDPOINT_URL_{service_key(service_id).upper()}", "AWS_ENDPOINT_URL"


def region_from_env() -> tuple[str, str] | None:
    """``(region, variable)`` from ``AWS_REGION``, else ``AWS_DEFAULT_REGION``, unchecked."""
    for name in _REGION_VARIABLES:
        region = _env(name)
        if region:
            return region, name
    return None


def ignore_configured_endpoint_urls() -> str | None:
    """``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` as set (``None`` when unset or empty)."""
    return _env(_IGNORE_ENDPOINTS)


def endpoint_url_from_env(service_id: str) -> tuple[str, str] | None:
    """``(url, variable)`` from the service's endpoint variable, else the global one,
    unchecked; the caller decides whether configured endpoints are ignored."""
    for name in endpoint_env_names(service_id):
        url = _env(name)
        if url:
            return url, name
    return None


def endpoint_from_env(service_id: str) -> str | None:
    """The environment's endpoint URL, checked now (a bad one fails at construction);
    ``None`` when there is none or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. The
    first call's set-up reads it again with botocore's precedence, with the profile's.
    """
    if (ignore_configured_endpoint_urls() or "").strip().lower() == "true":
        return None
    found = endpoint_url_from_env(service_id)
    return None if found is None else check_endpoint_url(*found)


# -- hostile-input checks (run once per client, never per request) ----------------

_REGION_RULE = (
    "a region is one host label: 1-63 ASCII letters, digits and hyphens, "
    "not starting or ending with a hyphen"
)


def check_region(region: object, source: str) -> str:
    """Return ``region`` if it is a valid host label, else raise naming ``source``.

    The region is pasted into the endpoint host (ECR's is ``api.ecr.{Region}.amazonaws.com``):
    a ``/``, ``@``, ``#`` or ``?`` in it would move the signed request, session token
    included, to another host. botocore applies the same rule.
    """
    if not isinstance(region, str) or not _HOST_LABEL_RE.fullmatch(region):
        raise EndpointResolutionError(f"Invalid region {region!r} from {source}: {_REGION_RULE}")
    return region


def check_endpoint_url(url: object, source: str) -> str:
    """Return ``url`` if it is usable as an endpoint, else raise naming ``source``.

    Usable: ASCII without whitespace or control characters, scheme ``http`` or
    ``https``, a host, a port in 1-65535 if one is given, no user info, no query
    and no fragment. Messages show the URL with any user info masked.
    """
    shown = mask_userinfo(url) if isinstance(url, str) else repr(url)

    def bad(why: str) -> EndpointResolutionError:
        return EndpointResolutionError(f"Invalid endpoint URL {shown!r} from {source}: {why}")

    if not isinstance(url, str):
        raise bad("not a string")
    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        raise bad("it contains whitespace, control or non-ASCII characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise bad(f"it does not parse ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise bad("the scheme must be http or https")
    if "@" in parts.netloc:
        raise bad("user info (user:password@) is not allowed")
    if not parts.hostname:
        raise bad("it has no host")
    if port is not None and not 1 <= port <= 65535:
        raise bad("the port must be 1-65535")
    if "?" in url or "#" in url:
        raise bad("a query string or fragment is not allowed")
    return url


def mask_userinfo(url: str) -> str:
    """``url`` with the user info of its authority, if any, replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority = rest[:end]
    if "@" not in authority:
        return url
    return f"{scheme}://***@{authority.rpartition('@')[2]}{rest[end:]}"
