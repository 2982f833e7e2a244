"""Which account, region and AWS profile the credential helper uses for a registry host.

Standard library only. The mapping file (TOML) is ``$ECRKIT_REGISTRY_CONFIG``, else
``$XDG_CONFIG_HOME/ecrkit/registries.toml`` (``~/.config/ecrkit/registries.toml``)::

    profile = "dev"                   # optional: the profile for every registry

    [registries."123456789012.dkr.ecr.eu-west-1.amazonaws.com"]
    profile = "prod"                  # this registry's profile (a role: a profile with role_arn)

    [registries."mirror.example.com:5000"]   # not an ECR host: say which registry it is
    account = "123456789012"
    region = "eu-west-1"

``ECRKIT_PROFILE`` overrides every profile of the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from ._cache import key_id_source
from ._files import as_object
from ._hosts import NotAnECRHostError, parse_registry_host

__all__ = ["SettingsError", "Target", "config_path", "load_mapping", "resolve"]

_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d+")


class SettingsError(ValueError):
    """The mapping file is unreadable or says something invalid (the message names it)."""


class Target(NamedTuple):
    """Where a host's token comes from: account (``None``: ECR Public), region, profile."""

    host: str
    account: str | None
    region: str
    profile: str | None
    #: The credential source in the cache key: ``profile:<name>``, ``key:<hash>``, ...
    source: str
    #: Why this host resolved so (for the debug log).
    why: str

    @property
    def cache_key(self) -> str:
        """Source, region and registry: the cache key."""
        return f"{self.source}|{self.region}|{self.account or 'public'}"


class _Mapped(NamedTuple):
    account: str | None
    region: str | None
    profile: str | None


def config_path() -> Path:
    """``$ECRKIT_REGISTRY_CONFIG``, else ``$XDG_CONFIG_HOME/ecrkit/registries.toml``."""
    explicit = os.environ.get("ECRKIT_REGISTRY_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecrkit" / "registries.toml"


def bare(server_url: str) -> str:
    """A server URL as a host key: no scheme, no path, lower case (the port is kept)."""
    text = server_url.strip().lower()
    text = text.partition("://")[2] or text
    return text.split("/", 1)[0]


def _text(
    where: str, table: dict[str, Any], key: str, pattern: re.Pattern[str] | None
) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value or (pattern and not pattern.fullmatch(value)):
        raise SettingsError(
            f"{where}: {key} must be {'a valid ' + key if pattern else 'a name'}, got {value!r}"
        )
    return value


def load_mapping(path: Path) -> tuple[str | None, dict[str, _Mapped]]:
    """The file's default profile and its per-host entries (no file: nothing mapped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
    import tomllib  # only with a file: the hit path without one stays lighter

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from None
    unknown = set(raw) - {"profile", "registries"}
    if unknown:
        raise SettingsError(
            f"{path}: unknown key(s) {sorted(unknown)} (allowed: profile, registries)"
        )
    default = _text(str(path), raw, "profile", None)
    tables = as_object(raw.get("registries", {}))
    if tables is None:
        raise SettingsError(f"{path}: registries must be a table of hosts")
    mapped: dict[str, _Mapped] = {}
    for host, table in tables.items():
        table = as_object(table)
        where = f"{path}: registries.{host!r}"
        if table is None:
            raise SettingsError(f"{where} must be a table")
        extra = set(table) - {"account", "region", "profile"}
        if extra:
            raise SettingsError(
                f"{where}: unknown key(s) {sorted(extra)} (allowed: account, region, profile)"
            )
        account = _text(where, table, "account", _ACCOUNT)
        region = _text(where, table, "region", _REGION)
        if (account is None) != (region is None):
            raise SettingsError(f"{where}: give both account and region, or neither")
        mapped[bare(host)] = _Mapped(account, region, _text(where, table, "profile", None))
    return default, mapped


def _source(profile: str | None) -> tuple[str, str]:
    """The credential source the client will use, as the cache key names it, and why."""
    if profile:
        return f"profile:{profile}", f"profile {profile}"
    key_id = os.environ.get("AWS_ACCESS_KEY_ID")
    if key_id:
        return key_id_source(key_id), "AWS_ACCESS_KEY_ID (hashed in the cache key)"
    role = os.environ.get("AWS_ROLE_ARN")
    if role:
        return f"role:{role}", f"web identity role {role}"
    named = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    if named:
        return f"profile:{named}", f"AWS_PROFILE={named}"
    return "chain:default", "the default credential chain"


def resolve(server_url: str) -> Target | None:
    """The target for ``server_url``, or ``None``: neither an ECR host nor mapped."""
    host = bare(server_url)
    path = config_path()
    default, mapped = load_mapping(path)
    entry = mapped.get(host)
    env_profile = os.environ.get("ECRKIT_PROFILE") or None
    try:
        parsed = parse_registry_host(host)
    except NotAnECRHostError:
        parsed = None
    if parsed is not None:
        if (
            entry is not None
            and entry.account is not None
            and (entry.account != parsed.account or entry.region != parsed.region)
        ):
            raise SettingsError(
                f"{path}: registries.{host!r} names another account or region than its host"
            )
        account, region, why = parsed.account, parsed.region, "an ECR host"
    elif entry is not None and entry.account is not None and entry.region is not None:
        account, region, why = entry.account, entry.region, f"mapped in {path}"
    else:
        return None
    profile = env_profile or (entry.profile if entry else None) or default
    source, said = _source(profile)
    return Target(host, account, region, profile, source, f"{why}; credentials: {said}")
