"""Presigned URLs for an operation, built as botocore's ``generate_presigned_url`` does.

For an AWS JSON operation botocore moves the request body's top-level members into
the query string (each list item a repeated key, non-strings formatted with
``str()``, so ``True`` is ``True``), signs the URL with SigV4 query auth over an
empty body, and signs the operation's ``Content-Type`` and ``X-Amz-Target``
headers, which whoever uses the URL must send as well. The signing itself is
:func:`ecrkit._signing.presign_url`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from ecrkit._signing import presign_url

if TYPE_CHECKING:
    from ecrkit._credentials import Credentials

__all__ = ["presigned_url", "query_string"]

_SAFE = "-_.~"


def query_string(body: bytes) -> str:
    """The query string of a serialized JSON request body (its top-level members)."""
    return "&".join(
        f"{quote(key, safe=_SAFE)}={quote(_query_value(item), safe=_SAFE)}"
        for key, value in json.loads(body).items()
        for item in _as_list(value)
    )


def presigned_url(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Credentials,
    region: str,
    service: str,
    now: datetime,
    expires_in: int,
) -> str:
    """``url`` with the request ``body`` as its query, presigned for ``expires_in`` seconds."""
    query = query_string(body)
    return presign_url(
        method=method,
        url=url + (f"?{query}" if query else ""),
        headers=headers,
        body=b"",
        access_key=credentials.access_key_id,
        secret_key=credentials.secret_access_key,
        session_token=credentials.session_token,
        region=region,
        service=service,
        now=now,
        expires_in=expires_in,
    )


def _query_value(value: Any) -> str:
    # botocore formats non-string members with str() (so True -> "True").
    return value if isinstance(value, str) else str(value)


def _as_list(value: object) -> list[object]:
    return cast("list[object]", value) if isinstance(value, list) else [value]
