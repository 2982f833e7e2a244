"""In-process registry login: ``RegistryAuth(client).login()`` -> a cached ``RegistryLogin``."""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final, Protocol

from ._cache import REFRESH_MARGIN_SECONDS
from ._hosts import PUBLIC_REGISTRY_HOST, parse_registry_host

if TYPE_CHECKING:
    from ecrkit._generated.ops.get_authorization_token import GetAuthorizationTokenResponse

__all__ = [
    "DEFAULT_REFRESH_MARGIN",
    "PublicTokenClient",
    "RegistryAuth",
    "RegistryLogin",
    "RegistryLoginError",
    "TokenClient",
    "decode_authorization_token",
]

_log = logging.getLogger("ecrkit.registry")

#: A token is refreshed this long (30 minutes) before it expires (ECR's tokens live 12
#: hours): a login handed out stays valid for at least this long, enough for a long push.
DEFAULT_REFRESH_MARGIN: Final = timedelta(seconds=REFRESH_MARGIN_SECONDS)


class RegistryLoginError(Exception):
    """GetAuthorizationToken's answer cannot be used to log in (never carries the token)."""


@dataclass(frozen=True, slots=True)
class RegistryLogin:
    """What a container tool needs to log in to one registry, until ``expires_at``.

    ``repr`` and ``str`` leave the password out.
    """

    #: ``AWS`` for ECR and ECR Public.
    username: str
    #: The registry password (the decoded token's second half): a secret.
    password: str = field(repr=False)
    #: Where to log in: ``https://<host>``.
    endpoint: str
    #: When the password stops working (aware, UTC).
    expires_at: datetime

    @property
    def host(self) -> str:
        """The registry host (``endpoint`` without its scheme)."""
        return self.endpoint.partition("://")[2] or self.endpoint

    def __str__(self) -> str:
        return repr(self)


def decode_authorization_token(token: str) -> tuple[str, str]:
    """``(username, password)`` from an ECR authorization token (base64 of ``user:password``)."""
    try:
        user, sep, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep, user, password = "", "", ""
    if not sep or not user or not password:
        raise RegistryLoginError(
            "the authorization token is not base64 of 'user:password' (not shown: a secret)"
        )
    return user, password


class TokenClient(Protocol):
    """What RegistryAuth needs of a private-registry client: :class:`~ecrkit.ECRClient`."""

    async def get_authorization_token(
        self, *, registry_ids: Sequence[str] | None = None
    ) -> GetAuthorizationTokenResponse:
        """ECR's GetAuthorizationToken."""
        ...


class _PublicAuthorizationData(Protocol):
    @property
    def authorization_token(self) -> str | None: ...
    @property
    def expires_at(self) -> datetime | None: ...


class _PublicTokenResponse(Protocol):
    @property
    def authorization_data(self) -> _PublicAuthorizationData | None: ...


class PublicTokenClient(Protocol):
    """What RegistryAuth needs for ``public.ecr.aws``: ECR Public's GetAuthorizationToken.

    The seam for ``ecrkit.public.ECRPublicClient`` (in us-east-1, where ECR Public
    issues its tokens): any object with this method will do.
    """

    def get_authorization_token(self) -> Awaitable[_PublicTokenResponse]:
        """ECR Public's GetAuthorizationToken."""
        ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


class RegistryAuth:
    """Registry logins from GetAuthorizationToken, cached per registry.

    ::

        async with ECRClient(region="eu-west-1") as ecr:
            auth = RegistryAuth(ecr)
            login = await auth.login()          # the caller's own registry
            password = await auth.get_login_password()

    A login is served from the cache until ``refresh_margin`` before it expires, then
    fetched again. Concurrent calls for one registry share one API call. When a
    refresh fails, a cached login that has not expired yet is served (with a warning
    log line); an expired one never is. ``public_client`` (ECR Public's client, in
    us-east-1) is what :meth:`login_public` and ``login_host("public.ecr.aws")`` use.
    """

    def __init__(
        self,
        client: TokenClient | None = None,
        *,
        public_client: PublicTokenClient | None = None,
        refresh_margin: timedelta = DEFAULT_REFRESH_MARGIN,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if refresh_margin < timedelta(0):
            raise ValueError(f"refresh_margin must not be negative, got {refresh_margin}")
        self._client = client
        self._public = public_client
        self._margin = refresh_margin
        self._now = now or _utcnow
        self._logins: dict[str, RegistryLogin] = {}
        self._flights: dict[str, asyncio.Future[RegistryLogin]] = {}

    def __repr__(self) -> str:
        return f"RegistryAuth(cached={sorted(self._logins)!r}, refresh_margin={self._margin})"

    async def login(self, registry_id: str | None = None) -> RegistryLogin:
        """The login for ``registry_id``'s registry (default: the caller's account)."""
        return await self._get(registry_id or "", lambda: self._fetch_private(registry_id))

    async def login_public(self) -> RegistryLogin:
        """The login for ECR Public (``public.ecr.aws``), through ``public_client``."""
        if self._public is None:
            raise RegistryLoginError(
                "public.ecr.aws needs ECR Public's client: RegistryAuth(client, "
                "public_client=<an ECR Public client in us-east-1>)"
            )
        return await self._get(PUBLIC_REGISTRY_HOST, self._fetch_public)

    async def login_host(self, host: str) -> RegistryLogin:
        """The login for a registry host (``<account>.dkr.ecr.<region>...`` or ``public.ecr.aws``).

        The login's ``endpoint`` is that host, so FIPS and dual-stack hosts get theirs.
        """
        parsed = parse_registry_host(host)
        if parsed.account is None:
            return await self.login_public()
        login = await self.login(parsed.account)
        given = parse_registry_host(login.endpoint)
        if given.region != parsed.region:
            raise RegistryLoginError(
                f"{parsed.host} is in {parsed.region}, but the client answers for "
                f"{given.region}: use a client in {parsed.region}"
            )
        return dataclasses.replace(login, endpoint=f"https://{parsed.host}")

    async def get_login_password(self, registry_id: str | None = None) -> str:
        """The password alone, as ``aws ecr get-login-password`` prints it."""
        return (await self.login(registry_id)).password

    def forget(self) -> None:
        """Drop every cached login (the next call fetches)."""
        self._logins.clear()

    # -- machinery --------------------------------------------------------------

    def _fresh(self, login: RegistryLogin | None) -> bool:
        return login is not None and self._now() < login.expires_at - self._margin

    async def _get(self, key: str, fetch: Callable[[], Awaitable[RegistryLogin]]) -> RegistryLogin:
        cached = self._logins.get(key)
        if cached is not None and self._fresh(cached):
            return cached
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._refresh(key, fetch))
            self._flights[key] = flight
            flight.add_done_callback(lambda done: self._landed(key, done))
        # shield: one caller cancelled does not cancel the others' shared call.
        return await asyncio.shield(flight)

    def _landed(self, key: str, done: asyncio.Future[RegistryLogin]) -> None:
        if self._flights.get(key) is done:
            del self._flights[key]
        if not done.cancelled():
            done.exception()  # retrieved: no "never retrieved" warning when nobody waits

    async def _refresh(
        self, key: str, fetch: Callable[[], Awaitable[RegistryLogin]]
    ) -> RegistryLogin:
        try:
            login = await fetch()
        except Exception as exc:
            stale = self._logins.get(key)
            if stale is not None and self._now() < stale.expires_at:
                _log.warning(
                    "registry login refresh for %s failed (%s); serving the cached login, "
                    "valid until %s",
                    key or "the default registry",
                    type(exc).__name__,
                    stale.expires_at.isoformat(),
                )
                return stale
            raise
        self._logins[key] = login
        return login

    def _checked(
        self, token: str | None, expires_at: datetime | None, endpoint: str
    ) -> RegistryLogin:
        if not token:
            raise RegistryLoginError("GetAuthorizationToken answered without a token")
        if expires_at is None:
            raise RegistryLoginError("GetAuthorizationToken answered without expiresAt")
        if expires_at <= self._now():
            raise RegistryLoginError(
                f"GetAuthorizationToken answered a token that expired at {expires_at.isoformat()}"
            )
        user, password = decode_authorization_token(token)
        return RegistryLogin(user, password, endpoint, expires_at)

    async def _fetch_private(self, registry_id: str | None) -> RegistryLogin:
        if self._client is None:
            raise RegistryLoginError("a private registry needs an ECR client: RegistryAuth(client)")
        ids = [registry_id] if registry_id else None
        resp = await self._client.get_authorization_token(registry_ids=ids)
        if not resp.authorization_data:
            raise RegistryLoginError("GetAuthorizationToken answered no authorizationData")
        data = resp.authorization_data[0]
        if not data.proxy_endpoint:
            raise RegistryLoginError("GetAuthorizationToken answered without proxyEndpoint")
        return self._checked(data.authorization_token, data.expires_at, data.proxy_endpoint)

    async def _fetch_public(self) -> RegistryLogin:
        assert self._public is not None
        data = (await self._public.get_authorization_token()).authorization_data
        if data is None:
            raise RegistryLoginError("ECR Public's GetAuthorizationToken answered no data")
        endpoint = f"https://{PUBLIC_REGISTRY_HOST}"
        return self._checked(data.authorization_token, data.expires_at, endpoint)
