"""``docker-credential-ecrkit``: the Docker credential-helper protocol, answered from ECR.

``argv[1]`` is the action: ``get`` (a server URL on stdin -> ``{"ServerURL", "Username",
"Secret"}`` on stdout), ``store`` / ``erase`` (succeed for ECR and mapped hosts: the token
is derived, there is nothing to keep), ``list``, ``version``. Errors go to stdout with
exit 1; "not found" is the text Docker and containers/image expect. Logs (never a
secret) go to stderr, or to ``$ECRKIT_LOG_FILE``, at ``$ECRKIT_LOG`` (or ``--debug``).

The cache-hit path imports the standard library only: ecrkit's client (pydantic,
aiohttp) loads on a miss.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from typing import IO, Final

from ._cache import REFRESH_MARGIN_SECONDS, CacheEntry, TokenCache, cache_dir
from ._settings import SettingsError, Target, config_path, load_mapping, resolve

__all__ = ["NOT_FOUND", "main"]

#: What Docker and containers/image take as "no credentials for this host".
NOT_FOUND: Final = "credentials not found in native keychain"
_NO_URL: Final = "no credentials server URL"
_NAME: Final = "docker-credential-ecrkit"
_ACTIONS: Final = ("get", "store", "erase", "list", "version")

_log = logging.getLogger("ecrkit.registry")


class _Failure(Exception):
    """An answer of exit 1 with this text on stdout."""


def _setup_logging(debug: bool) -> None:
    level_name = "DEBUG" if debug else (os.environ.get("ECRKIT_LOG") or "WARNING").upper()
    level = logging.getLevelNamesMapping().get(level_name, logging.WARNING)
    where = os.environ.get("ECRKIT_LOG_FILE")
    handler: logging.Handler = logging.StreamHandler(sys.stderr)
    unusable = ""
    if where:
        try:
            handler = logging.FileHandler(where, encoding="utf-8")
        except OSError as exc:
            unusable = (
                f"ECRKIT_LOG_FILE={where} cannot be written ({exc.strerror}): logging to stderr"
            )
    handler.setFormatter(logging.Formatter(f"{_NAME}[%(process)d] %(levelname)s %(message)s"))
    root = logging.getLogger("ecrkit")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    if unusable:
        _log.warning("%s", unusable)


def _cache() -> TokenCache | None:
    if os.environ.get("ECRKIT_NO_CACHE", "").strip().lower() in ("1", "true", "yes"):
        return None
    return TokenCache(cache_dir())


def _target(server_url: str, action: str) -> Target:
    target = resolve(server_url)
    if target is None:
        _log.info(
            "%s %s: not an ECR registry host, and not mapped to one in %s",
            action,
            server_url,
            config_path(),
        )
        raise _Failure(NOT_FOUND)
    _log.debug("%s %s: %s", action, server_url, target.why)
    return target


def _answer(server_url: str, entry: CacheEntry, out: IO[str]) -> None:
    out.write(
        json.dumps({"ServerURL": server_url, "Username": entry.username, "Secret": entry.password})
    )


def _fetch(target: Target) -> CacheEntry:
    from ._fetch import fetch_login  # the client: pydantic, aiohttp

    login = fetch_login(target)
    return CacheEntry(
        target.host, login.username, login.password, login.endpoint, login.expires_at.timestamp()
    )


def _until(expires_at: float) -> str:
    left = int(expires_at - time.time())
    return f"{left // 3600}h{left % 3600 // 60:02d}m" if left > 0 else "expired"


def get(server_url: str, out: IO[str]) -> None:
    """Print the login for ``server_url``, from the cache while it is fresh."""
    if not server_url:
        raise _Failure(_NO_URL)
    target = _target(server_url, "get")
    cache = _cache()
    margin = REFRESH_MARGIN_SECONDS
    entry = cache.get(target.cache_key) if cache else None
    if entry is not None and time.time() < entry.expires_at - margin:
        _log.debug("cache hit (%s), expires in %s", target.cache_key, _until(entry.expires_at))
        _answer(server_url, entry, out)
        return
    if cache is None:
        _log.debug("cache off (ECRKIT_NO_CACHE): fetching")
        try:
            entry = _fetch(target)
        except Exception as exc:
            _log.error("no token for %s: %s: %s", target.host, type(exc).__name__, exc)
            raise _Failure(NOT_FOUND) from None
        _answer(server_url, entry, out)
        return
    with cache.locked():  # parallel helpers: one fetches, the others read its entry
        entry = cache.get(target.cache_key)
        now = time.time()
        if entry is not None and now < entry.expires_at - margin:
            _log.debug("cache hit after waiting for the lock (%s)", target.cache_key)
            _answer(server_url, entry, out)
            return
        _log.debug(
            "cache %s (%s): fetching",
            "miss" if entry is None else f"entry {_until(entry.expires_at)} left",
            target.cache_key,
        )
        try:
            fresh = _fetch(target)
        except Exception as exc:
            if entry is not None and time.time() < entry.expires_at:
                _log.warning(
                    "refresh for %s failed (%s: %s); serving the cached token, which expires in %s",
                    target.host,
                    type(exc).__name__,
                    exc,
                    _until(entry.expires_at),
                )
                _answer(server_url, entry, out)
                return
            _log.error("no token for %s: %s: %s", target.host, type(exc).__name__, exc)
            raise _Failure(NOT_FOUND) from None
        cache.put(target.cache_key, fresh)
        _log.debug("fetched a token for %s, expires in %s", target.host, _until(fresh.expires_at))
    _answer(server_url, fresh, out)


def store(payload: str) -> None:
    """Accept ``docker login`` for ECR and mapped hosts (the token is derived: nothing kept)."""
    try:
        creds = json.loads(payload or "null")
        server_url = creds["ServerURL"]
        if not isinstance(server_url, str) or not server_url:
            raise TypeError
    except (ValueError, TypeError, KeyError):
        raise _Failure("store: stdin must be JSON with a ServerURL") from None
    if resolve(server_url) is None:
        raise _Failure(
            f"ecrkit stores no credentials: {server_url} is not an ECR registry host and is "
            f"not mapped to one in {config_path()}"
        )
    _log.debug("store %s: an ECR registry; its token is fetched on get, nothing stored", server_url)


def erase(server_url: str) -> None:
    """``docker logout``: drop the cached token of an ECR or mapped host."""
    if not server_url:
        raise _Failure(_NO_URL)
    target = resolve(server_url)
    if target is None:
        raise _Failure(
            f"ecrkit keeps no credentials for {server_url}: not an ECR registry host and not "
            f"mapped to one in {config_path()}"
        )
    cache = _cache()
    if cache is not None:
        with cache.locked():
            dropped = cache.remove(target.cache_key)
        _log.debug(
            "erase %s: %s", server_url, "cached token dropped" if dropped else "nothing cached"
        )


def list_(out: IO[str]) -> None:
    """The mapped hosts and the hosts with a cached token, each with its user name."""
    found: dict[str, str] = {}
    cache = _cache()
    if cache is not None:
        for entry in cache.entries().values():
            found[entry.registry] = entry.username
    _, mapped = load_mapping(config_path())
    for host in mapped:
        found.setdefault(host, "AWS")
    out.write(json.dumps(found, sort_keys=True))


def _version() -> str:
    from ecrkit import __version__  # ecrkit/__init__ loads names lazily: cheap

    return f"{_NAME} (ecrkit) {__version__}"


def run(argv: Sequence[str], stdin: IO[str], out: IO[str]) -> int:
    """One helper call: the exit status; the answer (or the error) is written to ``out``."""
    args = [a for a in argv if a not in ("--debug", "-v")]
    _setup_logging(len(args) != len(argv))
    action = args[0] if args else ""
    try:
        if action == "version":
            out.write(_version() + "\n")
        elif action == "list":
            list_(out)
        elif action == "store":
            store(stdin.read())
        elif action in ("get", "erase"):
            server_url = stdin.read().strip()
            get(server_url, out) if action == "get" else erase(server_url)
        else:
            shown = f"unknown action {action!r}" if action else "no action"
            raise _Failure(f"{shown}: usage: {_NAME} <{'|'.join(_ACTIONS)}>")
    except _Failure as failure:
        out.write(f"{failure}\n")
        return 1
    except SettingsError as exc:
        out.write(f"{exc}\n")
        return 1
    return 0


def main() -> None:
    """The console script: ``docker-credential-ecrkit <action>``."""
    out = sys.stdout
    code = run(sys.argv[1:], sys.stdin, out)
    out.flush()
    raise SystemExit(code)


if __name__ == "__main__":  # python -m ecrkit.registry._cli <action>
    main()
