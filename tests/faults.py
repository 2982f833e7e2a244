"""A scriptable ECR stand-in on 127.0.0.1 that misbehaves on request.

:class:`FaultServer` is an ``aiohttp.web`` app; the faults that need bytes no HTTP
server would write (resets, lying ``Content-Length``) write to, or abort, the
request's raw asyncio transport. Each request takes the next step of the script
(:meth:`FaultServer.script`): a :class:`Fault`, or ``None`` for a normal answer;
once the script is used up every request gets a normal answer. Normal answers are
small, valid JSON for the operations the reliability tests call:

- ``DescribeRepositories``: one repository;
- ``DescribeImages``: :attr:`FaultServer.pages` pages of two images, chained by
  ``nextToken`` (``"page-2"``, ``"page-3"``, ...), chosen by the request's token;
- ``DescribeImageScanFindings``: the n-th normal answer has scan status
  ``scan_statuses[n]`` (the last one repeats), for the ``image_scan_complete`` waiter;
- ``GetAuthorizationToken``: an ECR authorization token (:data:`AUTH_TOKEN`);
- anything else: ``{}``.

Every request is recorded (:attr:`FaultServer.requests`) when it arrives, before
its step runs. Stalled requests wait on :attr:`FaultServer.release`, which the
fixture sets at teardown; with ``handler_cancellation`` a stalled handler also
ends when the client drops the connection. Nothing here sleeps except the
trickle, whose gaps are :attr:`FaultServer.trickle_gap` seconds.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiohttp import web

__all__ = [
    "AUTH_TOKEN",
    "FAULTS",
    "RETRYABLE",
    "Fault",
    "FaultServer",
    "SeenRequest",
    "fault_server",
    "open_fds",
]

TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921."
JSON_TYPE = "application/x-amz-json-1.1"
#: An ECR authorization token (base64 of ``AWS:<password>``) the server hands out.
AUTH_TOKEN = base64.b64encode(b"AWS:faultserver-ecr-password-eyJzZWNyZXQiOnRydWV9").decode()
HUGE_BYTES = 256 * 1024  # over the 64 KiB max_response_bytes the tests configure


class Fault(StrEnum):
    """One way for a request to go wrong (or, for ``TRICKLE``, merely slowly)."""

    THROTTLE = "throttle"  # 400 ThrottlingException
    HTTP_500 = "http-500"  # 500 ServerException (a modeled ECR error)
    HTTP_502 = "http-502"  # 502 with an empty body
    HTTP_503 = "http-503"  # 503 ServiceUnavailableException (not modeled)
    HTTP_504 = "http-504"  # 504, JSON message but no error code
    HTML_PAGE = "html-page"  # 502 text/html from a proxy, no request id
    RESET_BEFORE_HEADERS = "reset-before-headers"  # TCP RST after reading the request
    RESET_MID_BODY = "reset-mid-body"  # headers and part of the body, then RST
    TRUNCATED_JSON = "truncated-json"  # 200, correct Content-Length, half a JSON document
    NOT_JSON = "not-json"  # 200 whose body is an HTML page
    LENGTH_OVER = "length-over"  # Content-Length promises more than is sent, then FIN
    LENGTH_UNDER = "length-under"  # more bytes than Content-Length says, in one write
    STALL = "stall"  # nothing at all until released
    STALL_BODY = "stall-body"  # headers and half the body, then nothing
    TRICKLE = "trickle"  # a valid answer a few bytes at a time, each gap < read timeout
    HUGE_BODY = "huge-body"  # 200, Content-Length over max_response_bytes
    HUGE_CHUNKED = "huge-chunked"  # 200, chunked, more than max_response_bytes in total
    HUGE_ERROR = "huge-error"  # 503 text/html from a proxy, longer than max_response_bytes


#: Every fault, in definition order.
FAULTS: tuple[Fault, ...] = tuple(Fault)
#: The faults the standard retry policy retries (``TRICKLE`` is not a failure at all).
RETRYABLE: frozenset[Fault] = frozenset(
    {
        Fault.THROTTLE,
        Fault.HTTP_500,
        Fault.HTTP_502,
        Fault.HTTP_503,
        Fault.HTTP_504,
        Fault.HTML_PAGE,
        Fault.HUGE_ERROR,
        Fault.RESET_BEFORE_HEADERS,
        Fault.RESET_MID_BODY,
        Fault.LENGTH_OVER,
        Fault.LENGTH_UNDER,
        Fault.STALL,
        Fault.STALL_BODY,
    }
)

_ERROR_BODIES: dict[Fault, tuple[int, dict[str, str] | None]] = {
    Fault.THROTTLE: (400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
    Fault.HTTP_500: (500, {"__type": "ServerException", "message": "internal failure"}),
    Fault.HTTP_502: (502, None),
    Fault.HTTP_503: (503, {"__type": "ServiceUnavailableException", "message": "try later"}),
    Fault.HTTP_504: (504, {"message": "Gateway Timeout"}),
}
HTML_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n" + b"<!-- proxy padding -->" * 20 + b"</html>"
)


def open_fds() -> int:
    """How many file descriptors this process has open right now."""
    return len(os.listdir("/proc/self/fd"))


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """What the server saw of one request."""

    index: int
    operation: str
    amz_date: str | None
    authorization: str | None
    security_token: str | None
    body: bytes
    step: Fault | None

    @property
    def signed(self) -> bool:
        """Whether it carried an ``Authorization`` header."""
        return self.authorization is not None


def _repository(name: str) -> dict[str, Any]:
    return {
        "repositoryArn": f"arn:aws:ecr:us-east-1:123456789012:repository/{name}",
        "registryId": "123456789012",
        "repositoryName": name,
        "repositoryUri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}",
        "createdAt": 1767225600.0,
        "imageTagMutability": "MUTABLE",
    }


def _image(n: int) -> dict[str, Any]:
    return {
        "registryId": "123456789012",
        "repositoryName": "api",
        "imageDigest": "sha256:" + f"{n:02x}" * 32,
        "imageTags": [f"v{n}"],
        "imageSizeInBytes": 1000 + n,
        "imagePushedAt": 1767225600.0 + n,
    }


class FaultServer:
    """The server's script, its record of requests, and its answers (see the module doc)."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[SeenRequest] = []
        self.release = asyncio.Event()  # ends every stall
        self.stalled = asyncio.Event()  # set when a stall begins
        #: When set to an Event, normal answers wait for it (to keep calls in flight).
        self.gate: asyncio.Event | None = None
        self.pages = 3
        self.scan_statuses: list[str] = ["IN_PROGRESS", "COMPLETE"]
        self.trickle_gap = 0.03
        self.trickle_chunks = 8
        self._script: list[Fault | None] = []
        self._answered: Counter[str] = Counter()
        self._arrived = asyncio.Event()

    # -- scripting -------------------------------------------------------------------

    def script(self, *steps: Fault | None) -> None:
        """Queue steps for the next requests (``None``: answer normally)."""
        self._script.extend(steps)

    def restart(self) -> None:
        """Forget the script and the answer counts (the record of requests stays)."""
        self._script.clear()
        self._answered.clear()

    @property
    def pending(self) -> int:
        """Scripted steps not used yet."""
        return len(self._script)

    async def wait_for_requests(self, count: int, within: float = 5.0) -> None:
        """Return once ``count`` requests have arrived (``TimeoutError`` after ``within`` s)."""
        async with asyncio.timeout(within):
            while len(self.requests) < count:
                self._arrived.clear()
                await self._arrived.wait()

    # -- answers ---------------------------------------------------------------------

    def normal_body(self, operation: str, body: bytes) -> bytes:
        """The JSON a healthy ECR would send for ``operation``."""
        doc: dict[str, Any] = {}
        if operation == "DescribeRepositories":
            doc = {"repositories": [_repository("api")]}
        elif operation == "DescribeImages":
            token = (json.loads(body or b"{}") or {}).get("nextToken")
            page = 1 if token is None else int(str(token).removeprefix("page-"))
            doc = {"imageDetails": [_image(n) for n in (2 * page - 1, 2 * page)]}
            if page < self.pages:
                doc["nextToken"] = f"page-{page + 1}"
        elif operation == "DescribeImageScanFindings":
            seen = self._answered[operation]
            status = self.scan_statuses[min(seen, len(self.scan_statuses) - 1)]
            doc = {
                "registryId": "123456789012",
                "repositoryName": "api",
                "imageId": {"imageTag": "v1"},
                "imageScanStatus": {"status": status, "description": f"scan is {status}"},
            }
        elif operation == "GetAuthorizationToken":
            doc = {
                "authorizationData": [
                    {
                        "authorizationToken": AUTH_TOKEN,
                        "expiresAt": 1767268800.0,
                        "proxyEndpoint": "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
                    }
                ]
            }
        elif operation == "DescribeRegistry":
            doc = {"registryId": "123456789012", "replicationConfiguration": {"rules": []}}
        return json.dumps(doc).encode()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        operation = request.headers.get("X-Amz-Target", "").removeprefix(TARGET_PREFIX)
        step = self._script.pop(0) if self._script else None
        index = len(self.requests)
        self.requests.append(
            SeenRequest(
                index=index,
                operation=operation,
                amz_date=request.headers.get("X-Amz-Date"),
                authorization=request.headers.get("Authorization"),
                security_token=request.headers.get("X-Amz-Security-Token"),
                body=body,
                step=step,
            )
        )
        self._arrived.set()
        rid = {"x-amzn-RequestId": f"fault-{index:04d}"}
        if step is None:
            if self.gate is not None:
                await self.gate.wait()
            payload = self.normal_body(operation, body)
            self._answered[operation] += 1
            return web.Response(body=payload, content_type=JSON_TYPE, headers=rid)
        return await self._fault(request, step, operation, body, rid)

    async def _fault(
        self,
        request: web.Request,
        step: Fault,
        operation: str,
        body: bytes,
        rid: dict[str, str],
    ) -> web.StreamResponse:
        if step in _ERROR_BODIES:
            status, doc = _ERROR_BODIES[step]
            payload = b"" if doc is None else json.dumps(doc).encode()
            return web.Response(status=status, body=payload, content_type=JSON_TYPE, headers=rid)
        if step is Fault.HTML_PAGE:
            return web.Response(status=502, body=HTML_PAGE, content_type="text/html")
        if step is Fault.HUGE_ERROR:
            page = HTML_PAGE.replace(b"502 Bad Gateway", b"503 Service Unavailable")
            page += b"<!-- padding -->" * (HUGE_BYTES // 16)
            return web.Response(status=503, body=page, content_type="text/html")
        normal = self.normal_body(operation, body)
        if step is Fault.TRUNCATED_JSON:
            return web.Response(
                body=normal[: len(normal) // 2], content_type=JSON_TYPE, headers=rid
            )
        if step is Fault.NOT_JSON:
            page = b"<html><body>Scheduled maintenance</body></html>"
            return web.Response(body=page, content_type="text/html", headers=rid)
        if step in (Fault.HUGE_BODY, Fault.HUGE_CHUNKED):
            # Valid JSON, only too big: nothing but the size limit is wrong with it.
            padding = [_repository(f"repo-{n:06d}") for n in range(HUGE_BYTES // 200)]
            huge = json.dumps({"repositories": padding}).encode()
            assert len(huge) > HUGE_BYTES
            if step is Fault.HUGE_BODY:
                return web.Response(body=huge, content_type=JSON_TYPE, headers=rid)
            resp = web.StreamResponse(headers={"Content-Type": JSON_TYPE, **rid})
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            for start in range(0, len(huge), 16 * 1024):
                await resp.write(huge[start : start + 16 * 1024])
            await resp.write_eof()
            return resp
        if step is Fault.STALL:
            self.stalled.set()
            await self.release.wait()
            return web.Response(body=normal, content_type=JSON_TYPE, headers=rid)
        if step in (Fault.STALL_BODY, Fault.TRICKLE):
            resp = web.StreamResponse(
                headers={"Content-Type": JSON_TYPE, "Content-Length": str(len(normal)), **rid}
            )
            await resp.prepare(request)
            if step is Fault.STALL_BODY:
                await resp.write(normal[: len(normal) // 2])
                self.stalled.set()
                await self.release.wait()
                await resp.write(normal[len(normal) // 2 :])
                return resp
            if operation:
                self._answered[operation] += 1
            size = -(-len(normal) // self.trickle_chunks)
            for start in range(0, len(normal), size):
                await resp.write(normal[start : start + size])
                await asyncio.sleep(self.trickle_gap)
            return resp
        return await self._raw(request, step, normal, rid)

    async def _raw(
        self, request: web.Request, step: Fault, normal: bytes, rid: dict[str, str]
    ) -> web.StreamResponse:
        """Faults below HTTP: write to, or abort, the connection itself."""
        transport = request.transport
        assert transport is not None
        request_id = rid["x-amzn-RequestId"]
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {JSON_TYPE}\r\nx-amzn-RequestId: {request_id}\r\n"
        if step is Fault.RESET_BEFORE_HEADERS:
            _reset(transport)
        elif step is Fault.RESET_MID_BODY:
            transport.write(f"{head}Content-Length: {len(normal) * 4}\r\n\r\n".encode())
            transport.write(normal[: len(normal) // 2])
            _reset(transport)
        elif step is Fault.LENGTH_OVER:
            transport.write(f"{head}Content-Length: {len(normal) + 100}\r\n\r\n".encode() + normal)
            transport.close()  # a FIN after fewer bytes than promised
        elif step is Fault.LENGTH_UNDER:
            # One write: the promised bytes and the surplus reach the client together.
            transport.write(f"{head}Content-Length: {len(normal) - 8}\r\n\r\n".encode() + normal)
            await asyncio.sleep(0)
            transport.close()
        else:  # pragma: no cover - every Fault is handled above
            raise AssertionError(step)
        # The connection is gone: aiohttp drops what the handler returns.
        return web.Response()


def _reset(transport: asyncio.BaseTransport) -> None:
    """Close with a TCP RST instead of a FIN."""
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()  # type: ignore[attr-defined]


@asynccontextmanager
async def fault_server() -> AsyncIterator[FaultServer]:
    """Run a :class:`FaultServer` on 127.0.0.1 (a free port) for the ``async with`` body."""
    server = FaultServer()
    app = web.Application()
    app.router.add_post("/", server._handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=2048)  # 1,000 connects at once
    await site.start()
    host, port = runner.addresses[0][:2]
    server.url = f"http://{host}:{port}"
    try:
        yield server
    finally:
        server.release.set()
        if server.gate is not None:
            server.gate.set()
        await runner.cleanup()
