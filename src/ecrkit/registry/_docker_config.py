"""Write a login into a Docker ``config.json`` or a containers ``auth.json`` (atomic, 0600)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from ._files import as_object, atomic_write, locked
from ._login import RegistryLogin

__all__ = ["docker_config_path", "write_auth_entry"]


def docker_config_path() -> Path:
    """Docker's config file: ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""
    folder = os.environ.get("DOCKER_CONFIG")
    return Path(folder or Path.home() / ".docker") / "config.json"


def write_auth_entry(login: RegistryLogin, path: str | os.PathLike[str] | None = None) -> Path:
    """Set ``auths[<login.host>]`` in a Docker ``config.json`` or containers ``auth.json``.

    Both files share the format ``{"auths": {host: {"auth": base64("user:password")}}}``;
    every other key and entry is kept. The file is replaced atomically, mode 0600,
    under a lock (``<file>.lock``) so that concurrent writers lose no entry. ``path``
    defaults to :func:`docker_config_path`. Blocking: from async code, run it with
    ``asyncio.to_thread``. Returns the path written.
    """
    target = Path(path) if path is not None else docker_config_path()
    with locked(target.with_name(target.name + ".lock")):
        try:
            config = as_object(json.loads(target.read_bytes() or b"{}"))
        except FileNotFoundError:
            config = {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{target} is not valid JSON: {exc.__class__.__name__}") from None
        if config is None:
            raise ValueError(f"{target} does not hold a JSON object")
        auths = as_object(config.get("auths", {}))
        if auths is None:
            raise ValueError(f"{target}: 'auths' is not a JSON object")
        config["auths"] = auths
        secret = base64.b64encode(f"{login.username}:{login.password}".encode()).decode()
        auths[login.host] = {"auth": secret}
        atomic_write(target, json.dumps(config, indent="\t").encode() + b"\n")
    return target
