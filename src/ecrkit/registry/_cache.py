"""The credential helper's token cache: one versioned JSON file in the user's cache directory.

Standard library only (the helper's cache-hit path). Readers need no lock: the file
is only ever replaced whole (:func:`~._files.atomic_write`). Writers and refreshers
hold ``tokens.lock``, so that parallel helpers fetch once and lose no entry; every
write drops the entries that have expired. Keys name the credential *source* (an AWS
profile, a role, or a hash of a static key id: never the key id itself), the region
and the registry, never the temporary access key of the moment.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from ._files import as_object, atomic_write, locked

__all__ = [
    "CACHE_VERSION",
    "REFRESH_MARGIN_SECONDS",
    "CacheEntry",
    "TokenCache",
    "cache_dir",
    "key_id_source",
]

_log = logging.getLogger("ecrkit.registry")

#: A token is refreshed this long before it expires (ECR's tokens live 12 hours), so a
#: login handed out stays valid for at least this long: enough for a long push or pull.
REFRESH_MARGIN_SECONDS: Final = 30 * 60.0

#: The file format's version; a file of another version is ignored (and replaced).
CACHE_VERSION: Final = 1


def cache_dir() -> Path:
    """``$ECRKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/ecrkit``, else ``~/.cache/ecrkit``."""
    explicit = os.environ.get("ECRKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ecrkit"


def key_id_source(access_key_id: str) -> str:
    """A cache-key source for static keys: a hash of the key id, not the id."""
    import hashlib  # only here: the helper's hit path needs it only with static keys

    return "key:" + hashlib.sha256(access_key_id.encode()).hexdigest()[:16]


class CacheEntry:
    """One cached registry login (immutable). ``repr`` leaves the password out.

    A plain class, not a dataclass (costly to import on the helper's hit path) nor a
    tuple (whose items, the password among them, anything may iterate).
    """

    __slots__ = ("endpoint", "expires_at", "password", "registry", "username")
    FIELDS: Final = ("registry", "username", "password", "endpoint", "expires_at")

    registry: str
    username: str
    password: str
    endpoint: str
    #: Epoch seconds.
    expires_at: float

    def __init__(
        self, registry: str, username: str, password: str, endpoint: str, expires_at: float
    ) -> None:
        values = (registry, username, password, endpoint, expires_at)
        for name, value in zip(self.FIELDS, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CacheEntry is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CacheEntry):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict().values()))

    def as_dict(self) -> dict[str, Any]:
        """The entry as the cache file stores it."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def __repr__(self) -> str:
        return (
            f"CacheEntry(registry={self.registry!r}, username={self.username!r}, "
            f"endpoint={self.endpoint!r}, expires_at={self.expires_at!r})"
        )

    def __str__(self) -> str:
        return repr(self)


def _entry(read: object) -> CacheEntry | None:
    """An entry read back, or ``None`` for one this version cannot use."""
    value = as_object(read)
    if value is None:
        return None
    fields: dict[str, Any] = {name: value.get(name) for name in CacheEntry.FIELDS}
    expires_at = fields["expires_at"]
    texts = [fields[name] for name in ("registry", "username", "password", "endpoint")]
    if not all(isinstance(t, str) for t in texts) or type(expires_at) not in (int, float):
        return None
    return CacheEntry(**fields)


class TokenCache:
    """``tokens.json`` (and ``tokens.lock``) in ``folder``; ``now`` is the wall clock."""

    def __init__(self, folder: Path, now: Callable[[], float] = time.time) -> None:
        self.path = folder / "registry-tokens.json"
        self._lock = folder / "registry-tokens.lock"
        self._now = now

    def __repr__(self) -> str:
        return f"TokenCache({str(self.path)!r})"

    def _read(self) -> dict[str, CacheEntry]:
        try:
            raw = as_object(json.loads(self.path.read_bytes()))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            _log.debug("cache %s unreadable (%s): ignored", self.path, type(exc).__name__)
            return {}
        if raw is None or raw.get("version") != CACHE_VERSION:
            _log.debug("cache %s is not version %d: ignored", self.path, CACHE_VERSION)
            return {}
        entries: dict[str, CacheEntry] = {}
        for key, value in (as_object(raw.get("entries")) or {}).items():
            entry = _entry(value)
            if entry is not None:
                entries[key] = entry
        return entries

    def get(self, key: str) -> CacheEntry | None:
        """The entry for ``key``, expired or not (the caller judges), or ``None``."""
        return self._read().get(key)

    def entries(self) -> dict[str, CacheEntry]:
        """Every entry that has not expired."""
        now = self._now()
        return {k: e for k, e in self._read().items() if e.expires_at > now}

    @contextmanager
    def locked(self) -> Generator[None]:
        """The writers' lock, also held across a refresh so that parallel helpers fetch once."""
        with locked(self._lock):
            yield

    def _write(self, entries: dict[str, CacheEntry]) -> None:
        now = self._now()
        kept = {k: e.as_dict() for k, e in entries.items() if e.expires_at > now}
        evicted = len(entries) - len(kept)
        if evicted:
            _log.debug("cache: evicted %d expired entr%s", evicted, "y" if evicted == 1 else "ies")
        body = {"version": CACHE_VERSION, "entries": kept}
        atomic_write(self.path, json.dumps(body, indent=1, sort_keys=True).encode())

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store ``entry`` (call under :meth:`locked`); expired entries go."""
        entries = self._read()
        entries[key] = entry
        self._write(entries)

    def remove(self, key: str) -> bool:
        """Drop the entry for ``key`` (call under :meth:`locked`); whether there was one."""
        entries = self._read()
        found = entries.pop(key, None) is not None
        self._write(entries)
        return found
