"""The client settings of the shared AWS config file (``~/.aws/config``, ``AWS_CONFIG_FILE``).

botocore reads these for a client, and so does ecrkit, with botocore's precedence
(environment variable over the profile's value): ``region``, ``retry_mode``,
``max_attempts``, ``endpoint_url`` (the ``services`` section's entry for this
service, then the profile's global one), ``ignore_configured_endpoint_urls``,
``use_fips_endpoint``, ``use_dualstack_endpoint``, ``ca_bundle`` and
``sdk_ua_app_id``. Arguments beat both; :mod:`ecrkit._setup` applies that.

The files are parsed by botocore's own reader (``botocore.configloader``: profile
sections, nested ``services`` subsections, the credentials file's profiles merged in
as ``Session.full_config`` does), and the profile is chosen as botocore chooses it
(the argument, ``AWS_DEFAULT_PROFILE``, ``AWS_PROFILE``, then ``default``). The
precedence between variables and the profile is the few lines below, checked
against botocore's ``create_client`` setting by setting (``tests/unit/
test_shared_config.py``). Not ``botocore.session``: importing it costs 150-400 ms,
which would land on every client's first call even with explicit credentials.

:func:`load` reads the files: it blocks, so it runs once per client, in the worker
thread of the client's set-up; without a config file nothing is imported.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any, NamedTuple

from ecrkit._region import (
    endpoint_url_from_env,
    ignore_configured_endpoint_urls,
    region_from_env,
    service_key,
)

__all__ = ["Setting", "SharedConfig", "load"]

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


#: ecrkit field -> (environment variable, profile key).
_VARIABLES = {
    "retry_mode": ("AWS_RETRY_MODE", "retry_mode"),
    "max_attempts": ("AWS_MAX_ATTEMPTS", "max_attempts"),
    "use_fips_endpoint": ("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
    "use_dualstack_endpoint": ("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
    "ca_bundle": ("AWS_CA_BUNDLE", "ca_bundle"),
    "app_id": ("AWS_SDK_UA_APP_ID", "sdk_ua_app_id"),
}
#: botocore's conversions of the typed settings (``ensure_boolean``, ``int``).
_BOOLEAN = frozenset({"use_fips_endpoint", "use_dualstack_endpoint"})


def _ensure_boolean(value: object) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def load(profile: str | None, service_id: str) -> SharedConfig:
    """Read the settings (blocking: call from a worker thread).

    A missing profile or an unreadable config file yields no profile settings here
    (the credential chain reports those); a ``services`` section that does not exist
    is a ``ValueError`` naming the profile. Values are as written (booleans
    converted as botocore does); :func:`ecrkit._setup.merge_config` checks the rest.
    """
    name = profile or _env("AWS_DEFAULT_PROFILE") or _env("AWS_PROFILE")
    where = f"the shared config file (profile {name or 'default'!r})"
    full = _full_config()
    profiles = full.get("profiles", {})
    scoped: dict[str, Any] = profiles.get(name or "default", {})
    if name is not None and name not in profiles:
        _log.debug("No shared config settings: profile %r not found", name)
    found: dict[str, Setting] = {}
    for field, (env, key) in _VARIABLES.items():
        if _env(env) is not None:
            source, raw = env, _env(env)
        elif scoped.get(key) not in (None, ""):
            source, raw = where, scoped[key]
        else:
            continue
        # max_attempts stays text: it is converted (and a bad one reported) only where
        # it is used, so that an argument that wins over it is not held up by it.
        found[field] = Setting(_ensure_boolean(raw) if field in _BOOLEAN else raw, source)
    region = scoped.get("region")
    found_region = _region(Setting(region, where) if isinstance(region, str) and region else None)
    endpoint = _endpoint_url(full, scoped, service_id, where)
    return SharedConfig(region=found_region, endpoint_url=endpoint, **found)


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _full_config() -> dict[str, Any]:
    """botocore's ``Session.full_config``: the config file, the credentials file's
    profiles merged in; ``{}`` when neither exists (then botocore is not imported)."""
    config_file = os.path.expanduser(_env("AWS_CONFIG_FILE") or "~/.aws/config")
    credentials_file = os.path.expanduser(
        _env("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    )
    if not os.path.isfile(config_file) and not os.path.isfile(credentials_file):
        return {}
    # botocore is untyped: its modules are used as plain (Any) module objects.
    configloader = importlib.import_module("botocore.configloader")
    errors = importlib.import_module("botocore.exceptions")

    try:
        try:
            full: dict[str, Any] = configloader.load_config(config_file)
        except errors.ConfigNotFound:
            full = {"profiles": {}}
        try:
            for name, values in configloader.raw_config_parse(credentials_file).items():
                full["profiles"].setdefault(name, {}).update(values)
        except errors.ConfigNotFound:
            pass
    except errors.ConfigParseError:
        _log.debug("No shared config settings: unreadable config file", exc_info=True)
        return {}
    return full


def _region(profile_region: Setting | None) -> Setting | None:
    from_env = region_from_env()
    return profile_region if from_env is None else Setting(*from_env)


def _endpoint_url(
    full: dict[str, Any], scoped: dict[str, Any], service_id: str, where: str
) -> Setting | None:
    """botocore's configured endpoint: service variable, global variable, the
    profile's ``services`` section entry, the profile's ``endpoint_url``."""
    ignore = ignore_configured_endpoint_urls()
    if _ensure_boolean(
        ignore if ignore is not None else scoped.get("ignore_configured_endpoint_urls", False)
    ):
        return None
    from_env = endpoint_url_from_env(service_id)
    if from_env is not None:
        return Setting(*from_env)
    if "services" in scoped:
        section = full.get("services", {}).get(scoped["services"])
        if not section:
            raise ValueError(
                f"endpoint_url in {where}: the profile uses the services section "
                f"{scoped['services']!r}, which does not exist"
            )
        url = section.get(service_key(service_id), {}).get("endpoint_url")
        if url:
            return Setting(url, f"{where}, services section {scoped['services']!r}")
    url = scoped.get("endpoint_url")
    return Setting(url, where) if url else None
