"""Proxy and TLS-trust settings of a client, resolved once per client.

**Proxies.** ``ClientConfig.proxies`` (botocore's ``proxies``: ``{"https": url,
"http": url}``, keyed by the endpoint's scheme) wins; ``{}`` means no proxy, whatever
the environment says. Without it, ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (any
case) decide, as in botocore (``urllib.request.getproxies`` and ``proxy_bypass``)
and aiohttp's ``trust_env``. A proxy URL's user info becomes a
``Proxy-Authorization: Basic`` header (as botocore does) and is dropped from the URL,
so that it never reaches a repr, a log line or an error message.

**TLS trust.** ``ClientConfig.verify`` (botocore's ``verify``: ``False``, a CA bundle
path, or an ``ssl.SSLContext``) wins, then ``AWS_CA_BUNDLE``, then the profile's
``ca_bundle``, then the default trust store. A context built from a bundle is
built once, in the client's set-up thread: loading a large bundle blocks.
"""

from __future__ import annotations

import base64
import os
import ssl
import urllib.request
import warnings
from collections.abc import Mapping
from typing import NamedTuple, cast
from urllib.parse import unquote, urlsplit

__all__ = [
    "InsecureTLSWarning",
    "NetworkSettings",
    "Proxy",
    "check_proxies",
    "check_verify",
    "mask_url",
    "select_proxy",
    "tls_context",
]

Verify = bool | str | os.PathLike[str] | ssl.SSLContext | None


class InsecureTLSWarning(UserWarning):
    """TLS certificate verification is off (``ClientConfig(verify=False)``)."""


class Proxy(NamedTuple):
    """A proxy without user info, and the headers the proxy gets (credentials included)."""

    url: str
    headers: Mapping[str, str]
    source: str

    def __repr__(self) -> str:
        return (
            f"Proxy(url={self.url!r}, headers=<{len(self.headers)} masked>, source={self.source!r})"
        )


class NetworkSettings(NamedTuple):
    """What a transport applies once, before its first request."""

    user_agent: str
    proxy: Proxy | None = None
    #: ``None``: the default trust store; ``False``: no verification.
    ssl: ssl.SSLContext | bool | None = None


def mask_url(url: str) -> str:
    """``url`` with any user info as ``***`` (for messages)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def _check_proxy_url(url: object, name: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"{name} must be a proxy URL string, got {type(url).__name__}")
    scheme, sep, _ = url.strip().partition("://")
    if sep and scheme.lower() not in ("http", "https"):
        raise ValueError(
            f"{name} must be an http:// or https:// proxy URL with a host, got {mask_url(url)!r}"
        )
    fixed = _fix_proxy_url(url.strip())
    try:
        parts = urlsplit(fixed)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValueError(f"{name} is not a valid proxy URL: {mask_url(fixed)!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{name} must be an http:// or https:// proxy URL with a host, got {mask_url(fixed)!r}"
        )
    return fixed


def check_proxies(proxies: object, headers: object) -> None:
    """Raise ``ValueError`` naming the setting for a malformed proxy configuration
    (the values come from users: anything may arrive)."""
    if proxies is not None:
        if not isinstance(proxies, Mapping):
            raise ValueError(
                "ClientConfig.proxies must be a mapping like {'https': 'http://proxy:3128'}"
            )
        for scheme, url in cast("Mapping[object, object]", proxies).items():
            if scheme not in ("http", "https"):
                raise ValueError(
                    f"ClientConfig.proxies keys are 'http' and 'https' (the endpoint's scheme), "
                    f"got {scheme!r}"
                )
            _check_proxy_url(url, f"ClientConfig.proxies[{scheme!r}]")
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise ValueError(
                "ClientConfig.proxy_headers must be a mapping of header names to values"
            )
        for name, value in cast("Mapping[object, object]", headers).items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise ValueError("ClientConfig.proxy_headers names and values must be strings")
            if any(c in name or c in value for c in "\r\n\0"):
                raise ValueError(f"ClientConfig.proxy_headers[{name!r}] contains a line break")


def _fix_proxy_url(url: str) -> str:
    """botocore's normalisation: a URL without a scheme is an http:// proxy."""
    if url.startswith(("http:", "https:")):
        return url
    return "http:" + url if url.startswith("//") else "http://" + url


def select_proxy(
    endpoint_url: str,
    proxies: Mapping[str, str] | None,
    headers: Mapping[str, str] | None,
) -> Proxy | None:
    """The proxy for ``endpoint_url``, or ``None`` (reads the environment: set-up only)."""
    parts = urlsplit(endpoint_url)
    if proxies is not None:
        source = f"ClientConfig.proxies[{parts.scheme!r}]"
        chosen = proxies.get(parts.scheme)
    else:
        source = f"the {parts.scheme.upper()}_PROXY environment variable"
        if urllib.request.proxy_bypass(parts.netloc):  # NO_PROXY
            return None
        chosen = urllib.request.getproxies().get(parts.scheme)
    if not chosen:
        return None
    url = urlsplit(_check_proxy_url(chosen, source))
    extra = dict(headers or {})
    if url.username is not None or url.password is not None:
        user, password = unquote(url.username or ""), unquote(url.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        extra.setdefault("Proxy-Authorization", f"Basic {token}")
        url = url._replace(netloc=url.netloc.rpartition("@")[2])
    return Proxy(url.geturl(), extra, source)


def check_verify(verify: object) -> None:
    """Raise ``ValueError`` for a bad ``ClientConfig.verify``; warn loudly for ``False``."""
    if verify is False:
        warnings.warn(
            "TLS certificate verification is disabled (ClientConfig(verify=False)): any "
            "server can impersonate the endpoint. Use it for local testing only.",
            InsecureTLSWarning,
            stacklevel=3,
        )
        return
    if verify is None or verify is True or isinstance(verify, ssl.SSLContext):
        return
    kind = type(verify).__name__  # before narrowing: verify is any object here
    if not isinstance(verify, str | os.PathLike) or not os.fspath(
        cast("str | os.PathLike[str]", verify)
    ):
        raise ValueError(
            "ClientConfig.verify must be True, False, a CA bundle path or an ssl.SSLContext, "
            f"got {kind}"
        )


def tls_context(verify: Verify, ca_bundle: tuple[str, str] | None) -> ssl.SSLContext | bool | None:
    """The trust to use (blocking when it loads a bundle: call from a worker thread).

    ``ca_bundle`` is ``(path, where it came from)`` from the environment or profile;
    ``verify`` (the argument) wins over it. A bundle that cannot be loaded is a
    ``ValueError`` naming its source.
    """
    if verify is False or isinstance(verify, ssl.SSLContext):
        return verify
    if verify is True:
        return None
    if verify is not None:
        path, source = os.fspath(verify), "ClientConfig.verify"
    elif ca_bundle is not None:
        path, source = ca_bundle
    else:
        return None
    try:
        return ssl.create_default_context(cafile=os.path.expanduser(path))
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"{source}: cannot load the CA bundle {path!r}: {exc}") from None
