"""A local fake ECR endpoint (AWS JSON 1.1 over HTTP on 127.0.0.1), in its own process.

``python -m bench.fake_server`` binds an ephemeral port on 127.0.0.1, prints
``PORT <n>`` on stdout and serves until its stdin reaches end of file (so it
never outlives the harness, even one killed with SIGKILL) or it gets SIGTERM.
A ``cpu`` line on stdin answers with the server's CPU seconds so far.

Operations are chosen by ``X-Amz-Target``; a request without a SigV4
``Authorization: AWS4-HMAC-SHA256 Credential=...`` header (and ``X-Amz-Date``)
gets a 403 JSON error. The signature itself is not verified (that would only
add server CPU; :mod:`bench.fairness` checks the signatures instead). Bodies are
realistic, built from the ECR model's member names, and serialized once at
start-up: a DescribeImages page of 100 images, 10,000 image ids listed in pages
of 1,000, 1,000 scan findings, and an authorization token.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bench.adapters.common import REGISTRY_ID, REPOSITORY, SCANNED_DIGEST, TARGET_PREFIX

__all__ = ["DESCRIBE_PAGE", "FINDINGS", "LIST_PAGE", "TOTAL_IDS", "Canned", "build_canned"]

DESCRIBE_PAGE = 100
TOTAL_IDS = 10_000
LIST_PAGE = 1_000
FINDINGS = 1_000
_EPOCH = 1_714_000_000.0
_SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL")
_PACKAGES = ("openssl", "glibc", "zlib", "libxml2", "curl", "sqlite", "busybox", "expat")


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, separators=(",", ":")).encode()


def _digest(rng: random.Random) -> str:
    return f"sha256:{rng.getrandbits(256):064x}"


def _severity_counts(rng: random.Random) -> dict[str, int]:
    return {s: rng.randint(0, 40) for s in _SEVERITIES}


def _image_detail(rng: random.Random, i: int) -> dict[str, Any]:
    pushed = _EPOCH + i * 3_607.125
    tags = [f"v1.{i}.{n}" for n in range(rng.randint(1, 3))] + [f"sha-{rng.getrandbits(28):07x}"]
    return {
        "registryId": REGISTRY_ID,
        "repositoryName": REPOSITORY,
        "imageDigest": _digest(rng),
        "imageTags": tags,
        "imageSizeInBytes": rng.randint(20_000_000, 900_000_000),
        "imagePushedAt": pushed,
        "imageScanStatus": {
            "status": "COMPLETE",
            "description": "The scan was completed successfully.",
        },
        "imageScanFindingsSummary": {
            "imageScanCompletedAt": pushed + 61.5,
            "vulnerabilitySourceUpdatedAt": pushed - 7_200.25,
            "findingSeverityCounts": _severity_counts(rng),
        },
        "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactMediaType": "application/vnd.oci.image.config.v1+json",
        "lastRecordedPullTime": pushed + 86_400.75,
    }


def _finding(rng: random.Random, i: int) -> dict[str, Any]:
    cve = f"CVE-20{rng.randint(10, 24)}-{rng.randint(1000, 49999)}"
    package = rng.choice(_PACKAGES)
    return {
        "name": cve,
        "description": (
            f"A flaw was found in {package} ({i}): a crafted input may cause an out-of-bounds "
            "read, leading to a crash or disclosure of memory contents."
        ),
        "uri": f"https://security-tracker.debian.org/tracker/{cve}",
        "severity": rng.choice(_SEVERITIES),
        "attributes": [
            {"key": "package_version", "value": f"{rng.randint(0, 3)}.{rng.randint(0, 20)}.{i}"},
            {"key": "package_name", "value": package},
            {"key": "CVSS2_VECTOR", "value": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
            {"key": "CVSS2_SCORE", "value": f"{rng.uniform(2, 10):.1f}"},
        ],
    }


def _list_page(ids: list[dict[str, str]], start: int, size: int) -> bytes:
    doc: dict[str, Any] = {"imageIds": ids[start : start + size]}
    if start + size < len(ids):
        doc["nextToken"] = _token(start + size)
    return _dump(doc)


def _token(offset: int) -> str:
    # Opaque, about as long as ECR's own tokens.
    return base64.b64encode(f"bench-list-images:{offset:08d}:".encode() * 6).decode()


def _offset(token: str) -> int:
    return int(base64.b64decode(token).split(b":")[1])


@dataclass(frozen=True, slots=True)
class Canned:
    """Every response body, serialized once."""

    describe_images: bytes
    image_ids: list[dict[str, str]]
    list_pages: dict[str | None, bytes]  # request nextToken -> page of LIST_PAGE ids
    scan_findings: bytes
    authorization_token: bytes

    def list_images(self, next_token: str | None, max_results: int | None) -> bytes:
        """The ListImages page after ``next_token`` (KeyError: an unknown token)."""
        if max_results is None or max_results == LIST_PAGE:
            return self.list_pages[next_token]
        start = 0 if next_token is None else _offset(next_token)
        return _list_page(self.image_ids, start, max(1, min(max_results, LIST_PAGE)))


def build_canned(seed: int = 2015) -> Canned:
    """The deterministic response bodies (the same for every run)."""
    rng = random.Random(seed)
    details = [_image_detail(rng, i) for i in range(DESCRIBE_PAGE)]
    describe = _dump({"imageDetails": details, "nextToken": _token(DESCRIBE_PAGE)})
    ids = [{"imageDigest": _digest(rng), "imageTag": f"build-{i}"} for i in range(TOTAL_IDS)]
    pages = {
        (None if start == 0 else _token(start)): _list_page(ids, start, LIST_PAGE)
        for start in range(0, TOTAL_IDS, LIST_PAGE)
    }
    findings = [_finding(rng, i) for i in range(FINDINGS)]
    scan = _dump(
        {
            "registryId": REGISTRY_ID,
            "repositoryName": REPOSITORY,
            "imageId": {"imageDigest": SCANNED_DIGEST, "imageTag": "latest"},
            "imageScanStatus": {
                "status": "COMPLETE",
                "description": "The scan was completed successfully.",
            },
            "imageScanFindings": {
                "imageScanCompletedAt": _EPOCH + 61.5,
                "vulnerabilitySourceUpdatedAt": _EPOCH - 7_200.25,
                "findingSeverityCounts": _severity_counts(rng),
                "findings": findings,
            },
        }
    )
    secret = base64.b64encode(rng.randbytes(1_200)).decode()
    token = base64.b64encode(f"AWS:{secret}".encode()).decode()
    auth = _dump(
        {
            "authorizationData": [
                {
                    "authorizationToken": token,
                    "expiresAt": _EPOCH + 43_200.0,
                    "proxyEndpoint": f"https://{REGISTRY_ID}.dkr.ecr.us-east-1.amazonaws.com",
                }
            ]
        }
    )
    return Canned(describe, ids, pages, scan, auth)


class _Handler:
    """The single ``POST /`` route."""

    def __init__(self, canned: Canned) -> None:
        self._canned = canned
        self._count = 0

    def _reply(self, status: int, body: bytes) -> web.Response:
        self._count += 1
        return web.Response(
            status=status,
            body=body,
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "x-amzn-RequestId": f"bench-{self._count:012d}",
            },
        )

    def _error(self, status: int, code: str, message: str) -> web.Response:
        return self._reply(status, _dump({"__type": code, "message": message}))

    async def __call__(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        if (
            not auth.startswith("AWS4-HMAC-SHA256 Credential=")
            or "X-Amz-Date" not in request.headers
        ):
            return self._error(
                403, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        prefix, _, operation = request.headers.get("X-Amz-Target", "").partition(".")
        body = await request.read()
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return self._error(400, "SerializationException", "Body is not JSON")
        if prefix != TARGET_PREFIX or not isinstance(doc, dict):
            return self._error(400, "UnknownOperationException", "Unknown target or body")
        if operation == "GetAuthorizationToken":
            return self._reply(200, self._canned.authorization_token)
        if doc.get("repositoryName") != REPOSITORY:
            return self._error(400, "RepositoryNotFoundException", "The repository does not exist")
        if operation == "DescribeImages":
            return self._reply(200, self._canned.describe_images)
        if operation == "DescribeImageScanFindings":
            return self._reply(200, self._canned.scan_findings)
        if operation == "ListImages":
            try:
                page = self._canned.list_images(doc.get("nextToken"), doc.get("maxResults"))
            except (KeyError, ValueError, IndexError):
                return self._error(400, "InvalidParameterException", "Invalid nextToken")
            return self._reply(200, page)
        return self._error(400, "UnknownOperationException", f"{operation} is not faked")


async def serve() -> None:
    """Serve on 127.0.0.1 until stdin closes or SIGTERM."""
    app = web.Application()
    app.router.add_post("/", _Handler(build_canned()))
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"PORT {port}", flush=True)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    fd = sys.stdin.fileno()
    pending = b""

    def on_stdin() -> None:
        nonlocal pending
        chunk = os.read(fd, 4096)
        if not chunk:
            loop.remove_reader(fd)
            stop.set()
            return
        pending += chunk
        while b"\n" in pending:
            line, _, pending = pending.partition(b"\n")
            if line.strip() == b"cpu":
                print(json.dumps({"cpu": time.process_time()}), flush=True)

    loop.add_reader(fd, on_stdin)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the harness decides when we stop
    asyncio.run(serve())


if __name__ == "__main__":
    main()
