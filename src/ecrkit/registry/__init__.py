"""Registry login for ECR (docs/registry.md).

- :func:`parse_registry_host` / :func:`registry_host`: which registry a host is, and back.
- :class:`RegistryAuth`: ``await auth.login()`` -> :class:`RegistryLogin` from
  GetAuthorizationToken, cached per registry, refreshed ahead of expiry, one API call
  for many concurrent callers.
- :func:`write_auth_entry`: put a login into a Docker ``config.json`` or a containers
  ``auth.json`` (atomic, mode 0600).
- ``docker-credential-ecrkit``: a Docker credential helper (``ecrkit.registry._cli``).

Names load on first use: the credential helper's cache-hit path imports the standard
library only.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._docker_config import docker_config_path as docker_config_path
    from ._docker_config import write_auth_entry as write_auth_entry
    from ._hosts import PUBLIC_REGISTRY_HOST as PUBLIC_REGISTRY_HOST
    from ._hosts import NotAnECRHostError as NotAnECRHostError
    from ._hosts import RegistryHost as RegistryHost
    from ._hosts import parse_registry_host as parse_registry_host
    from ._hosts import registry_host as registry_host
    from ._login import DEFAULT_REFRESH_MARGIN as DEFAULT_REFRESH_MARGIN
    from ._login import PublicTokenClient as PublicTokenClient
    from ._login import RegistryAuth as RegistryAuth
    from ._login import RegistryLogin as RegistryLogin
    from ._login import RegistryLoginError as RegistryLoginError
    from ._login import TokenClient as TokenClient
    from ._login import decode_authorization_token as decode_authorization_token

__all__ = [
    "DEFAULT_REFRESH_MARGIN",
    "PUBLIC_REGISTRY_HOST",
    "NotAnECRHostError",
    "PublicTokenClient",
    "RegistryAuth",
    "RegistryHost",
    "RegistryLogin",
    "RegistryLoginError",
    "TokenClient",
    "decode_authorization_token",
    "docker_config_path",
    "parse_registry_host",
    "registry_host",
    "write_auth_entry",
]

_WHERE = {
    "DEFAULT_REFRESH_MARGIN": "ecrkit.registry._login",
    "PUBLIC_REGISTRY_HOST": "ecrkit.registry._hosts",
    "NotAnECRHostError": "ecrkit.registry._hosts",
    "PublicTokenClient": "ecrkit.registry._login",
    "RegistryAuth": "ecrkit.registry._login",
    "RegistryHost": "ecrkit.registry._hosts",
    "RegistryLogin": "ecrkit.registry._login",
    "RegistryLoginError": "ecrkit.registry._login",
    "TokenClient": "ecrkit.registry._login",
    "decode_authorization_token": "ecrkit.registry._login",
    "docker_config_path": "ecrkit.registry._docker_config",
    "parse_registry_host": "ecrkit.registry._hosts",
    "registry_host": "ecrkit.registry._hosts",
    "write_auth_entry": "ecrkit.registry._docker_config",
}


def __getattr__(name: str) -> object:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'ecrkit.registry' has no attribute {name!r}")
    value = getattr(_importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
