"""The floor: the least work the job allows in Python.

Plain aiohttp posting the same AWS JSON 1.1 request ecrkit sends, a minimal
hand-written SigV4 header (the signing key cached per day) and ``json.loads`` of
the body; no models, no validation, no retries. The fairness check
(:mod:`bench.fairness`) proves the headers and bodies built here equal ecrkit's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .common import ACCESS_KEY, REGION, REPOSITORY, SCANNED_DIGEST, SECRET_KEY, SERVICE, target

__all__ = ["Adapter", "FloorSigner", "amz_date", "payload"]

CONTENT_TYPE = "application/x-amz-json-1.1"
_SIGNED_HEADERS = "content-type;host;x-amz-date;x-amz-target"
_sha256 = hashlib.sha256


def amz_date() -> str:
    """Now as SigV4's ``YYYYMMDDTHHMMSSZ``."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def payload(operation: str, next_token: str | None = None) -> dict[str, Any]:
    """The request document of each benchmarked call (the same members ecrkit sends)."""
    if operation == "DescribeImages":
        return {"repositoryName": REPOSITORY}
    if operation == "ListImages":
        if next_token is None:
            return {"repositoryName": REPOSITORY}
        return {"repositoryName": REPOSITORY, "nextToken": next_token}
    if operation == "DescribeImageScanFindings":
        return {"repositoryName": REPOSITORY, "imageId": {"imageDigest": SCANNED_DIGEST}}
    if operation == "GetAuthorizationToken":
        return {}
    raise ValueError(operation)


class FloorSigner:
    """SigV4 for ``POST /`` with exactly the headers Content-Type, Host, X-Amz-Date, X-Amz-Target."""

    def __init__(self, host: str, access_key: str = ACCESS_KEY, secret_key: str = SECRET_KEY):
        self._host = host
        self._access_key = access_key
        self._secret_key = secret_key
        self._scope_tail = f"/{REGION}/{SERVICE}/aws4_request"
        self._key_day = ""
        self._key = b""

    def _signing_key(self, day: str) -> bytes:
        if day != self._key_day:
            key = hmac.digest(f"AWS4{self._secret_key}".encode(), day.encode(), "sha256")
            for part in (REGION, SERVICE, "aws4_request"):
                key = hmac.digest(key, part.encode(), "sha256")
            self._key_day, self._key = day, key
        return self._key

    def request(
        self, operation: str, doc: dict[str, Any], date: str
    ) -> tuple[dict[str, str], bytes]:
        """The headers and body of one call, signed at ``date``."""
        body = json.dumps(doc, separators=(",", ":")).encode()
        tgt = target(operation)
        creq = (
            f"POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{self._host}\n"
            f"x-amz-date:{date}\nx-amz-target:{tgt}\n\n{_SIGNED_HEADERS}\n"
            f"{_sha256(body).hexdigest()}"
        )
        scope = date[:8] + self._scope_tail
        sts = f"AWS4-HMAC-SHA256\n{date}\n{scope}\n{_sha256(creq.encode()).hexdigest()}"
        signature = hmac.new(self._signing_key(date[:8]), sts.encode(), _sha256).hexdigest()
        headers = {
            "Content-Type": CONTENT_TYPE,
            "X-Amz-Target": tgt,
            "X-Amz-Date": date,
            "Authorization": (
                f"AWS4-HMAC-SHA256 Credential={self._access_key}/{scope}, "
                f"SignedHeaders={_SIGNED_HEADERS}, Signature={signature}"
            ),
        }
        return headers, body


class Adapter:
    """Raw aiohttp + json.loads."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._url = ""
        self._signer = FloorSigner("")
        self._date: Callable[[], str] = amz_date

    async def setup(self, endpoint: str, date: Callable[[], str] | None = None) -> None:
        """``date``: the SigV4 timestamp (the fairness check fixes it); default now."""
        self._url = endpoint.rstrip("/") + "/"
        self._date = date or amz_date
        self._signer = FloorSigner(urlsplit(endpoint).netloc)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100),
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("Content-Type",),
        )

    async def _call(
        self, operation: str, doc: dict[str, Any], parse: Callable[[bytes], Any] = json.loads
    ) -> Any:
        """Sign, post, read; ``parse`` the body (the same-models floor passes a model's)."""
        assert self._session is not None
        headers, body = self._signer.request(operation, doc, self._date())
        async with self._session.post(self._url, data=body, headers=headers) as resp:
            raw = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{operation}: HTTP {resp.status}: {raw[:200]!r}")
        return parse(raw)

    async def describe_images(self) -> int:
        doc = await self._call("DescribeImages", payload("DescribeImages"))
        return sum([d["imageSizeInBytes"] for d in doc["imageDetails"]])

    async def list_all_image_ids(self) -> int:
        count = 0
        token: str | None = None
        while True:
            doc = await self._call("ListImages", payload("ListImages", token))
            count += len([i for i in doc["imageIds"] if i["imageDigest"]])
            token = doc.get("nextToken")
            if token is None:
                return count

    async def scan_findings(self) -> int:
        doc = await self._call("DescribeImageScanFindings", payload("DescribeImageScanFindings"))
        return len([f for f in doc["imageScanFindings"]["findings"] if f["severity"]])

    async def get_token(self) -> str:
        doc = await self._call("GetAuthorizationToken", payload("GetAuthorizationToken"))
        token: str = doc["authorizationData"][0]["authorizationToken"]
        return token

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
