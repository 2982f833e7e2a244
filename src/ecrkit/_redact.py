"""Masking of credentials that travel in HTTP requests, for reprs and error messages.

A signed request carries its signature in ``Authorization`` and the session token in
``X-Amz-Security-Token``; a proxy's password travels in ``Proxy-Authorization``; a
presigned URL carries all of them in its query string. None of them may reach a
repr, a log line or an error message: this module is the one place that says which
headers are secret and how a URL is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

__all__ = ["MASK", "SECRET_HEADERS", "redact_headers", "redact_url"]

MASK: Final = "***"
#: Request headers (lower case) that carry credentials: a signature, a session token.
SECRET_HEADERS: Final = frozenset({"authorization", "x-amz-security-token", "proxy-authorization"})


def redact_headers(headers: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    """``headers``' items with the value of every secret header masked."""
    return (
        (name, MASK if name.lower() in SECRET_HEADERS else value) for name, value in headers.items()
    )


def redact_url(url: str) -> str:
    """``url`` without its query string or user info (a presigned query is a credential)."""
    base, query, _ = url.partition("?")
    scheme, sep, rest = base.partition("://")
    if sep:
        authority, slash, path = rest.partition("/")
        if "@" in authority:
            authority = MASK + "@" + authority.rpartition("@")[2]
        base = f"{scheme}{sep}{authority}{slash}{path}"
    return f"{base}?{MASK}" if query else base
