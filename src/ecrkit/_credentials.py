"""AWS credentials: the credential type, providers, the chain, and a refreshing cache.

The full AWS credential chain (profiles, SSO, ``credential_process``, assume role,
web identity, container and instance credentials) is delegated to botocore. botocore
is blocking, so it is imported lazily and only ever called in a worker thread:
importing ecrkit does not import botocore.

:class:`RefreshingCredentials` caches credentials and refreshes them ahead of expiry
with botocore's windows: *advisory* (15 min before expiry; a failed refresh keeps the
still-valid credentials) and *mandatory* (10 min; a failed refresh raises
:class:`~ecrkit._exceptions.CredentialsError`). Concurrent callers share one refresh.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, Protocol, cast

from ecrkit._exceptions import CredentialsError, without_tracebacks

__all__ = [
    "BotocoreChainProvider",
    "CredentialProvider",
    "CredentialResolver",
    "Credentials",
    "EnvProvider",
    "RefreshingCredentials",
    "StaticProvider",
    "check_credentials_arg",
]

_log = logging.getLogger(__name__)

ADVISORY_REFRESH = timedelta(minutes=15)
MANDATORY_REFRESH = timedelta(minutes=10)
#: After an advisory refresh fails (or yields short-lived credentials), wait this long
#: before trying again, so that not every request pays for a provider round trip.
RETRY_INTERVAL = timedelta(seconds=30)
_NEVER = datetime.max.replace(tzinfo=UTC)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """An immutable set of AWS credentials.

    ``expiration`` is always timezone-aware and normalised to UTC; a naive datetime is
    taken to be in UTC. ``repr()``/``str()`` never show the secret key or session token.
    """

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        if not self.access_key_id or not self.secret_access_key:
            raise ValueError("Credentials need a non-empty access_key_id and secret_access_key")
        exp = self.expiration
        if exp is not None:
            exp = exp.replace(tzinfo=UTC) if exp.utcoffset() is None else exp.astimezone(UTC)
            object.__setattr__(self, "expiration", exp)

    def __repr__(self) -> str:
        token = None if self.session_token is None else "***"
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key='***', "
            f"session_token={token!r}, expiration={self.expiration!r})"
        )

    __str__ = __repr__


class CredentialProvider(Protocol):
    """A source of credentials: any object with ``async def load()`` (public, typed).

    Pass one as a client's ``credentials=`` (``ECRClient(credentials=provider)``) to
    plug in your own source (a vault, a broker, a file another process rotates).
    The client calls ``load()`` on its first call and again ahead of the returned
    credentials' ``expiration`` (15 minutes before it; a failure then keeps the
    current ones until 10 minutes before it), one load at a time however many calls
    wait, each bounded by ``ClientConfig.credentials_timeout``. Credentials without
    ``expiration`` are never refreshed. Returning ``None`` means "none found" (a
    ``CredentialsError``).
    ``load()`` runs on the event loop: do blocking work in ``asyncio.to_thread``.
    """

    async def load(self) -> Credentials | None: ...


def check_credentials_arg(
    credentials: Credentials | CredentialProvider | None,
) -> Credentials | CredentialProvider | None:
    """``credentials=`` as given; ``ValueError`` for anything that is neither kind."""
    if credentials is None or isinstance(credentials, Credentials):
        return credentials
    if not callable(getattr(credentials, "load", None)):
        raise ValueError(
            "credentials= must be a Credentials or a credential provider (an object with "
            f"an async load() method returning Credentials), got {type(credentials).__name__}"
        )
    return credentials


class StaticProvider(NamedTuple):
    """Always returns the same credentials."""

    credentials: Credentials

    async def load(self) -> Credentials | None:
        """Return the stored credentials."""
        return self.credentials


def _env(name: str) -> str | None:
    """An environment variable, with the empty string treated as unset."""
    return os.environ.get(name) or None


class EnvProvider:
    """Credentials from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` and friends.

    Reads the environment on every ``load()``, so a refresh picks up new values.
    """

    def __repr__(self) -> str:
        return "EnvProvider()"

    async def load(self) -> Credentials | None:
        """Return credentials from the environment, or ``None`` if none are set."""
        key_id = _env("AWS_ACCESS_KEY_ID")
        secret = _env("AWS_SECRET_ACCESS_KEY")
        if key_id is None and secret is None:
            return None
        if key_id is None or secret is None:
            missing = "AWS_ACCESS_KEY_ID" if key_id is None else "AWS_SECRET_ACCESS_KEY"
            raise CredentialsError(f"Partial credentials in the environment: {missing} is not set")
        token = _env("AWS_SESSION_TOKEN") or _env("AWS_SECURITY_TOKEN")
        raw_exp = _env("AWS_CREDENTIAL_EXPIRATION")
        expiration = None
        if raw_exp is not None:
            try:
                expiration = datetime.fromisoformat(raw_exp)
            except ValueError as exc:
                raise CredentialsError(
                    f"AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 timestamp: {raw_exp!r}"
                ) from exc
        return Credentials(key_id, secret, token, expiration)


class BotocoreChainProvider:
    """The full botocore credential chain, run in a worker thread.

    The botocore credentials object is kept between loads, so later loads let botocore
    refresh it (STS, SSO, IMDS, ...) instead of re-running the whole chain. With a
    ``process_timeout``, the profile's ``credential_process`` is killed once it has
    run that long, so that a hung one cannot hold a worker thread (and shutdown).
    """

    def __init__(self, profile: str | None = None, process_timeout: float | None = None) -> None:
        self.profile = profile
        self.process_timeout = process_timeout
        self._botocore_creds: Any = None

    def __repr__(self) -> str:
        return f"BotocoreChainProvider(profile={self.profile!r})"

    async def load(self) -> Credentials | None:
        """Resolve credentials via botocore, off the event loop.

        A failure's message is cut to :data:`ERROR_EXCERPT` characters: botocore copies
        a ``credential_process``'s whole stderr into it, which may hold anything.
        The botocore error is chained only when its message fits the excerpt, and
        without its traceback (botocore's frames hold what the provider answered).
        """
        try:
            return await asyncio.to_thread(self._load_sync)
        except CredentialsError:
            raise
        except Exception as exc:
            where = f" (profile {self.profile!r})" if self.profile else ""
            text, cut = _excerpt(str(exc))
            error = CredentialsError(f"botocore credential chain failed{where}: {text}")
            if not cut:  # botocore's frames may hold the provider's answer: not chained
                raise error from without_tracebacks(exc)
        error.__suppress_context__ = True
        raise error  # outside the except block: no __context__ holds the full text

    def _load_sync(self) -> Credentials | None:
        if self._botocore_creds is None:
            session = _botocore_session(self.profile)
            if self.process_timeout is not None:
                _bound_credential_process(session, self.process_timeout)
            self._botocore_creds = session.get_credentials()
            if self._botocore_creds is None:
                return None
        creds = self._botocore_creds
        frozen = creds.get_frozen_credentials()
        # RefreshableCredentials carry their expiry; plain Credentials have none.
        expiry: datetime | None = getattr(creds, "_expiry_time", None)
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token or None, expiry)


class _BoundedPopen(subprocess.Popen[bytes]):
    """A ``Popen`` whose ``communicate()`` kills the process after ``limit`` seconds."""

    def __init__(self, *args: Any, limit: float, **kwargs: Any) -> None:
        self._limit = limit
        super().__init__(*args, **kwargs)

    def communicate(
        self, input: bytes | None = None, timeout: float | None = None
    ) -> tuple[Any, Any]:
        try:
            return super().communicate(input, self._limit if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            super().communicate()  # reap it and close the pipes
            raise


def _bound_credential_process(session: Any, limit: float) -> None:
    """Make the session's ``credential_process`` provider use :class:`_BoundedPopen`.

    botocore runs the process with ``Popen(...).communicate()`` and no timeout; its
    ``ProcessProvider`` takes the ``popen`` to use. Refreshes reuse the provider. A
    process reached through a role's ``source_profile`` is not covered (the load
    still gives up after ``limit``; that worker thread ends with the process).
    """
    try:
        provider = session.get_component("credential_provider").get_provider("custom-process")
    except Exception:  # a botocore without that provider: nothing to bound
        _log.debug("No credential_process provider to bound", exc_info=True)
        return
    if hasattr(provider, "_popen"):
        provider._popen = functools.partial(_BoundedPopen, limit=limit)


#: How much of a credential provider's error message a ``CredentialsError`` shows.
ERROR_EXCERPT = 300


def _excerpt(text: str) -> tuple[str, bool]:
    """``text`` on one line and at most :data:`ERROR_EXCERPT` characters; whether it was cut."""
    flat = " ".join(text.split())
    if len(flat) <= ERROR_EXCERPT:
        return flat, False
    return f"{flat[:ERROR_EXCERPT]}... ({len(flat) - ERROR_EXCERPT:,} more characters)", True


class CredentialResolver:
    """Explicit credentials or provider, else the environment, then the botocore chain.

    With an explicit ``profile`` the environment is skipped, as botocore does. A
    provider passed in is the only source (as explicit credentials win in botocore).
    ``load()`` never returns ``None``: it raises :class:`CredentialsError` instead.
    """

    def __init__(
        self,
        credentials: Credentials | CredentialProvider | None = None,
        profile: str | None = None,
        *,
        process_timeout: float | None = None,
    ) -> None:
        self.profile = profile
        providers: list[CredentialProvider] = []
        if isinstance(credentials, Credentials):
            providers.append(StaticProvider(credentials))
        elif credentials is not None:
            self.providers: tuple[CredentialProvider, ...] = (credentials,)
            return
        if profile is None:
            providers.append(EnvProvider())
        providers.append(BotocoreChainProvider(profile, process_timeout))
        self.providers = tuple(providers)

    def __repr__(self) -> str:
        return f"CredentialResolver(providers={list(self.providers)!r})"

    async def load(self) -> Credentials:
        """Return the first provider's credentials, or raise :class:`CredentialsError`."""
        for provider in self.providers:
            creds = await provider.load()
            if creds is not None:
                # A user's provider may return anything, whatever its annotation says.
                if not isinstance(cast(object, creds), Credentials):
                    raise CredentialsError(
                        f"{type(provider).__name__}.load() returned a "
                        f"{type(creds).__name__}, not ecrkit.Credentials"
                    )
                return creds
        where = f"profile {self.profile!r}" if self.profile else "the default profile"
        raise CredentialsError(
            "No AWS credentials found. Pass credentials=..., set AWS_ACCESS_KEY_ID and "
            f"AWS_SECRET_ACCESS_KEY, or configure {where} in ~/.aws/config or "
            "~/.aws/credentials (keys, SSO, credential_process, role), or run with a "
            "container/instance role."
        )


class RefreshingCredentials:
    """A credential cache that refreshes ahead of expiry, one load at a time.

    ``get()`` is cheap while credentials are fresh (one clock read, one comparison).
    Otherwise all concurrent callers await a single shared provider load.
    Credentials that are already expired are never returned. ``now`` must return
    timezone-aware datetimes (tests inject a fake clock). A load that takes longer
    than ``load_timeout`` seconds fails with :class:`CredentialsError` (every caller
    waiting on it gets that error; the next ``get()`` starts a fresh load).
    """

    def __init__(
        self,
        provider: CredentialProvider,
        *,
        now: Callable[[], datetime] = _utcnow,
        advisory_refresh: timedelta = ADVISORY_REFRESH,
        mandatory_refresh: timedelta = MANDATORY_REFRESH,
        retry_interval: timedelta = RETRY_INTERVAL,
        load_timeout: float | None = None,
    ) -> None:
        self._provider = provider
        self._load_timeout = load_timeout
        self._now = now
        self._advisory = advisory_refresh
        self._mandatory = mandatory_refresh
        self._retry = retry_interval
        self._creds: Credentials | None = None
        # The fast path hands out ``_creds`` while ``now() < _refresh_at``.
        self._refresh_at = _NEVER
        self._flight: asyncio.Task[Credentials] | None = None

    def __repr__(self) -> str:
        return f"RefreshingCredentials(provider={self._provider!r}, credentials={self._creds!r})"

    async def get(self) -> Credentials:
        """Return valid credentials, loading or refreshing them when needed."""
        creds = self._creds
        if creds is not None and self._now() < self._refresh_at:
            return creds
        flight = self._flight
        if flight is None or flight.get_loop() is not asyncio.get_running_loop():
            flight = self._flight = asyncio.ensure_future(self._refresh())
            flight.add_done_callback(_consume_exception)
        # shield: a cancelled caller must not cancel the load the others wait for.
        return await asyncio.shield(flight)

    async def _refresh(self) -> Credentials:
        try:
            try:
                new = await self._load()
                if new is None:
                    raise CredentialsError("No AWS credentials found")
                if new.expiration is not None and new.expiration <= self._now():
                    raise CredentialsError(
                        f"The credential provider returned expired credentials "
                        f"(expired at {new.expiration.isoformat()})"
                    )
            except Exception as exc:
                return self._on_failure(exc)
            self._creds = new
            self._refresh_at = self._next_refresh(new, self._now())
            return new
        finally:
            self._flight = None  # before the task completes: the next get() starts anew

    async def _load(self) -> Credentials | None:
        bound = asyncio.timeout(self._load_timeout)
        try:
            async with bound:
                return await self._provider.load()
        except TimeoutError:
            if not bound.expired():
                raise  # the provider's own timeout, not ours
            raise CredentialsError(
                f"Loading AWS credentials took longer than {self._load_timeout} s "
                "(ClientConfig.credentials_timeout); the next call tries again"
            ) from None

    def _on_failure(self, exc: Exception) -> Credentials:
        old, now = self._creds, self._now()
        if old is not None and old.expiration is not None:
            mandatory_at = old.expiration - self._mandatory
            if now < mandatory_at:
                _log.warning("Advisory credential refresh failed; reusing current ones: %s", exc)
                self._refresh_at = min(now + self._retry, mandatory_at)
                return old
        if isinstance(exc, CredentialsError):
            raise exc
        raise CredentialsError(f"Refreshing AWS credentials failed: {exc}") from exc

    def _next_refresh(self, creds: Credentials, now: datetime) -> datetime:
        exp = creds.expiration
        if exp is None:
            return _NEVER
        if now < exp - self._advisory:
            return exp - self._advisory
        # Short-lived credentials: use them for a while, never past a refresh window.
        limit = exp - self._mandatory if now < exp - self._mandatory else exp
        return min(now + self._retry, limit)


def _consume_exception(task: asyncio.Task[Credentials]) -> None:
    """Mark a failed load's exception as retrieved even if every waiter went away."""
    if not task.cancelled():
        task.exception()


def _botocore_session(profile: str | None) -> Any:
    """A new ``botocore.session.Session`` (blocking; call only from a worker thread)."""
    import botocore.session  # pyright: ignore[reportMissingTypeStubs]

    return botocore.session.Session(profile=profile)
