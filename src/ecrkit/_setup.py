"""A client's one-time set-up, run in one worker thread on its first call.

It reads the shared config (:mod:`ecrkit._shared_config`), merges it under the
arguments and the environment (botocore's precedence: argument > environment >
profile > default), resolves the endpoint, picks the proxy, builds the TLS context
and the ``User-Agent``. All of it blocks or reads files at most once per client,
so none of it runs on the event loop, and nothing of it runs per request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from ecrkit import _shared_config
from ecrkit._config import ClientConfig
from ecrkit._endpoints import Endpoint, EndpointResolver
from ecrkit._exceptions import EndpointResolutionError
from ecrkit._network import NetworkSettings, select_proxy, tls_context
from ecrkit._region import check_endpoint_url, check_region
from ecrkit._shared_config import Setting
from ecrkit._user_agent import build_user_agent

__all__ = ["Prepared", "prepare", "sigv4_signing_region"]


class Prepared(NamedTuple):
    """The outcome of :func:`prepare`."""

    region: str
    url: str
    signing_region: str
    config: ClientConfig
    network: NetworkSettings


#: ClientConfig field -> SharedConfig field, for the settings a profile may give.
_FROM_PROFILE = (
    ("retry_mode", "retry_mode"),
    ("max_attempts", "max_attempts"),
    ("use_fips_endpoint", "use_fips_endpoint"),
    ("use_dualstack_endpoint", "use_dualstack_endpoint"),
)
_ENV_SOURCES = frozenset(
    {"AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"}
)


def merge_config(
    given: ClientConfig, resolved: ClientConfig, shared: _shared_config.SharedConfig
) -> ClientConfig:
    """``resolved`` (argument, environment, default) with the profile's values where
    neither the argument nor the environment set one; a bad profile value is a
    ``ValueError`` naming the setting and the profile."""
    changes: dict[str, Any] = {}
    for field, key in _FROM_PROFILE:
        setting: Setting | None = getattr(shared, key)
        if getattr(given, field) is not None or setting is None or setting.source in _ENV_SOURCES:
            continue
        value = setting.value
        try:
            if field == "max_attempts":
                value = int(value)  # botocore's conversion
            replace(given, **{field: value}).resolved()
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{field} in {setting.source} is not valid: {exc}") from None
        changes[field] = value
    if not changes:
        return resolved
    return replace(resolved, **changes).resolved()


def sigv4_signing_region(endpoint: Endpoint, region: str) -> str:
    """The region to sign for: the endpoint's ``sigv4`` auth scheme's ``signingRegion``.

    A rule set may send a region-less (global) endpoint's requests to be signed for
    one region (IAM, Organizations and Cost Explorer sign for ``us-east-1`` whatever
    the client's region); a rule set without ``authSchemes`` signs for the client's.
    An endpoint whose schemes leave out ``sigv4`` (``sigv4a`` only) cannot be signed
    here: an :class:`EndpointResolutionError` names them.
    """
    schemes = endpoint.properties.get("authSchemes")
    if not schemes:
        return region
    for scheme in schemes:
        if scheme.get("name") == "sigv4":
            found = scheme.get("signingRegion", region)
            return check_region(found, "the endpoint rules' signingRegion")
    names = ", ".join(repr(scheme.get("name")) for scheme in schemes)
    raise EndpointResolutionError(
        f"The endpoint {endpoint.url!r} asks for auth schemes {names}; ecrkit signs with sigv4 only"
    )


def prepare(
    *,
    service_id: str,
    ruleset: Callable[[], Mapping[str, Any]],
    partitions: Callable[[], Mapping[str, Any]],
    region_arg: str | None,
    endpoint_arg: str | None,
    profile: str | None,
    given: ClientConfig,
    resolved: ClientConfig,
    sdk: tuple[str, str],
) -> Prepared:
    """Everything a client resolves once (blocking: call from a worker thread).

    ``endpoint_arg`` is ``endpoint_url=`` (already checked), ``given`` the
    ``ClientConfig`` as passed and ``resolved`` its argument-and-environment copy.
    """
    shared = _shared_config.load(profile, service_id)
    cfg = merge_config(given, resolved, shared)
    if region_arg:
        region = region_arg
    elif shared.region is not None:
        region = check_region(shared.region.value, shared.region.source)
    else:
        raise EndpointResolutionError(
            "No AWS region: pass region=..., set AWS_REGION, or set region in the profile"
        )
    endpoint = endpoint_arg
    if endpoint is None and shared.endpoint_url is not None:
        endpoint = check_endpoint_url(shared.endpoint_url.value, shared.endpoint_url.source)
    params: dict[str, Any] = {
        "Region": region,
        "UseFIPS": bool(cfg.use_fips_endpoint),
        "UseDualStack": bool(cfg.use_dualstack_endpoint),
    }
    if endpoint:
        params["Endpoint"] = endpoint
    resolved_endpoint = EndpointResolver(ruleset(), partitions()).resolve(params)
    signing_region = sigv4_signing_region(resolved_endpoint, region)
    url = check_endpoint_url(resolved_endpoint.url, "the endpoint rules").rstrip("/") + "/"
    bundle = (
        None if shared.ca_bundle is None else (str(shared.ca_bundle.value), shared.ca_bundle.source)
    )
    app_id = cfg.user_agent_appid or (None if shared.app_id is None else str(shared.app_id.value))
    assert cfg.retry_mode is not None
    network = NetworkSettings(
        user_agent=build_user_agent(
            *sdk, retry_mode=cfg.retry_mode, app_id=app_id, extra=cfg.user_agent_extra
        ),
        proxy=select_proxy(url, cfg.proxies, cfg.proxy_headers),
        # A plain-http endpoint needs no trust: no bundle is loaded (tens of ms) for it.
        ssl=tls_context(cfg.verify, bundle) if url.startswith("https:") else None,
    )
    return Prepared(region, url, signing_region, replace(cfg, user_agent_appid=app_id), network)
