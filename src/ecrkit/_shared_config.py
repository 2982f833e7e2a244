"""The client settings of the shared AWS config file (``~/.aws/config``, ``AWS_CONFIG_FILE``).

botocore reads these for a client, and so does ecrkit, with botocore's own code and
therefore its precedence (environment variable over the profile's value):
``region``, ``retry_mode``, ``max_attempts``, ``endpoint_url`` (the ``services``
section's entry for this service, then the profile's global one),
``ignore_configured_endpoint_urls``, ``use_fips_endpoint``, ``use_dualstack_endpoint``,
``ca_bundle`` and ``sdk_ua_app_id``. Arguments beat both; :mod:`ecrkit._setup`
applies that.

:func:`load` reads the files: it blocks, so it runs once per client, in the worker
thread of the client's set-up. botocore is imported there, never per request.
"""

from __future__ import annotations

import logging
import os
from typing import Any, NamedTuple

__all__ = ["Setting", "SharedConfig", "endpoint_env_names", "load", "service_key"]

_log = logging.getLogger("ecrkit")


class Setting(NamedTuple):
    """A value and where it came from (an environment variable, or the profile)."""

    value: Any
    source: str


class SharedConfig(NamedTuple):
    """What the environment and the profile say; ``None`` where they say nothing."""

    region: Setting | None = None
    retry_mode: Setting | None = None
    max_attempts: Setting | None = None
    endpoint_url: Setting | None = None
    use_fips_endpoint: Setting | None = None
    use_dualstack_endpoint: Setting | None = None
    ca_bundle: Setting | None = None
    app_id: Setting | None = None
    #: The ``botocore.session.Session`` that read them: the credential chain reuses it.
    session: Any = None


def service_key(service_id: str) -> str:
    """The model's ``serviceId`` as botocore spells it in config: ``"ECR"`` -> ``"ecr"``."""
    return service_id.replace(" ", "_").replace("-", "_").lower()


def endpoint_env_names(service_id: str) -> tuple[str, str]:
    """The service's and the global endpoint variables, in botocore's order."""
    return f"AWS_ENDPOINT_URL_{service_key(service_id).upper()}", "AWS_ENDPOINT_URL"


#: ecrkit field -> (botocore logical name, environment variable, config file key).
_VARIABLES = {
    "retry_mode": ("retry_mode", "AWS_RETRY_MODE", "retry_mode"),
    "max_attempts": ("max_attempts", "AWS_MAX_ATTEMPTS", "max_attempts"),
    "use_fips_endpoint": ("use_fips_endpoint", "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
    "use_dualstack_endpoint": (
        "use_dualstack_endpoint",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "use_dualstack_endpoint",
    ),
    "ca_bundle": ("ca_bundle", "AWS_CA_BUNDLE", "ca_bundle"),
    "app_id": ("user_agent_appid", "AWS_SDK_UA_APP_ID", "sdk_ua_app_id"),
}


def load(profile: str | None, service_id: str) -> SharedConfig:
    """Read the settings (blocking: call from a worker thread).

    A missing profile or an unreadable config file yields no settings here (the
    credential chain reports those); a value botocore cannot convert
    (``max_attempts = many``) or a ``services`` section that does not exist is a
    ``ValueError`` naming the setting and the profile.
    """
    import botocore.exceptions  # type: ignore[import-untyped]
    import botocore.session  # type: ignore[import-untyped]

    session = botocore.session.Session(profile=profile)
    where = f"the shared config file (profile {profile or 'default'!r})"
    try:
        scoped = session.get_scoped_config()
    except (botocore.exceptions.ProfileNotFound, botocore.exceptions.ConfigParseError):
        _log.debug("No shared config settings (profile %r)", profile, exc_info=True)
        return SharedConfig(region=_region(None), session=session)
    found: dict[str, Setting] = {}
    for field, (name, env, key) in _VARIABLES.items():
        setting = _variable(session, name, env, key in scoped, where)
        if setting is not None:
            found[field] = setting
    region = scoped.get("region")
    found_region = _region(Setting(region, where) if isinstance(region, str) and region else None)
    endpoint = _endpoint_url(session, scoped, service_id, where)
    return SharedConfig(region=found_region, endpoint_url=endpoint, session=session, **found)


def _region(profile_region: Setting | None) -> Setting | None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(name):
            return Setting(os.environ[name], name)
    return profile_region


def _variable(session: Any, name: str, env: str, in_profile: bool, where: str) -> Setting | None:
    """botocore's value from the variable, else from the profile; ``None`` when neither
    sets it (botocore's own default, e.g. ``retry_mode = standard``, is not a setting)."""
    for methods, source, present in (
        (("env",), env, bool(os.environ.get(env))),
        (("config",), where, in_profile),
    ):
        if not present:
            continue
        try:
            value = session.get_config_variable(name, methods=methods)
        except ValueError as exc:  # botocore's conversion, e.g. int("many")
            raise ValueError(f"{name} in {source} is not valid: {exc}") from None
        if value is not None and value != "":
            return Setting(value, source)
    return None


def _endpoint_url(
    session: Any, scoped: dict[str, Any], service_id: str, where: str
) -> Setting | None:
    """botocore's configured endpoint: service variable, global variable, ``services``, profile."""
    import botocore.exceptions
    from botocore.configprovider import ConfiguredEndpointProvider  # type: ignore[import-untyped]

    if session.get_config_variable("ignore_configured_endpoint_urls"):
        return None
    provider = ConfiguredEndpointProvider(
        full_config=session.full_config, scoped_config=scoped, client_name=service_key(service_id)
    )
    try:
        url = provider.provide()
    except botocore.exceptions.InvalidConfigError as exc:
        raise ValueError(f"endpoint_url in {where}: {exc}") from None
    if not url:
        return None
    for name in endpoint_env_names(service_id):
        if os.environ.get(name) == url:
            return Setting(url, name)
    return Setting(url, where)
