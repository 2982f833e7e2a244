"""LocalECR's front layer: a threaded HTTP proxy on 127.0.0.1 that makes moto page like ECR.

moto 5.2 ignores ``maxResults`` / ``nextToken`` on ListImages, DescribeImages and
DescribeRepositories and answers with everything. For those operations this layer
asks moto for everything and serves one page of ``maxResults`` items (ECR's default
of 100 when absent, 1-1000 as the ECR model bounds it) with an opaque ``nextToken``;
a token it did not hand out, or one of another operation, is an
``InvalidParameterException``, as is paging a request that names its items
(``imageIds``, ``repositoryNames``). Everything else is forwarded unchanged.

``RESPONSE_REWRITES`` maps an operation to a function over its successful JSON body:
where LocalECR corrects what moto answers is one entry there: GetAuthorizationToken's
token expires 12 hours from now, as ECR's do (moto's expired on 2015-01-01). Threads, not an event loop: the layer
serves any loop, and a sync pytest fixture, alike.
"""

from __future__ import annotations

import http.client
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

__all__ = ["PAGED", "RESPONSE_REWRITES", "PagingProxy"]


class Paged(NamedTuple):
    """How one operation pages in ECR."""

    items: str  # the result key
    names_key: str  # the request member that names items (no paging with it)
    default: int = 100
    maximum: int = 1000


PAGED: dict[str, Paged] = {
    "ListImages": Paged("imageIds", ""),
    "DescribeImages": Paged("imageDetails", "imageIds"),
    "DescribeRepositories": Paged("repositories", "repositoryNames"),
}

#: How long ECR's authorization tokens live.
TOKEN_LIFETIME_SECONDS = 12 * 3600


def _real_token_expiry(body: dict[str, Any]) -> dict[str, Any]:
    """GetAuthorizationToken: moto says every token expired on 2015-01-01; ECR says
    12 hours from now, which code that refuses expired tokens (it should) needs."""
    expires = round(time.time() + TOKEN_LIFETIME_SECONDS, 3)
    found: list[dict[str, Any]] = body.get("authorizationData") or []
    for data in found:
        data["expiresAt"] = expires
    return body


#: Operation -> a rewrite of its successful JSON response body.
RESPONSE_REWRITES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "GetAuthorizationToken": _real_token_expiry,
}

_HOP_BY_HOP = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "accept-encoding"}
)
_JSON = "application/x-amz-json-1.1"


class _Answer(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _error(message: str) -> _Answer:
    body = json.dumps({"__type": "InvalidParameterException", "message": message}).encode()
    return _Answer(400, [("Content-Type", _JSON), ("x-amzn-RequestId", str(uuid.uuid4()))], body)


class PagingProxy:
    """The proxy: ``start()`` binds 127.0.0.1 on a free port; ``url`` is where it listens."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        assert parts.hostname and parts.port, upstream
        self._upstream = (parts.hostname, parts.port)
        self._tokens: dict[str, tuple[str, int]] = {}  # token -> (operation, offset)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as clients expect

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
                answer = proxy.answer(self.command, self.path, headers, body)
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, format: str, *args: Any) -> None:
                """No access log."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="ecrkit-local-ecr-proxy", daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def forget_tokens(self) -> None:
        """Tokens handed out so far stop working (after a reset of moto's state)."""
        with self._lock:
            self._tokens.clear()

    # -- one request ----------------------------------------------------------

    def _forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        conn = http.client.HTTPConnection(*self._upstream, timeout=60)
        try:
            conn.request(method, path, body=body, headers=dict(headers))
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP]
            return _Answer(resp.status, kept, data)
        finally:
            conn.close()

    def answer(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        target = next((v for k, v in headers if k.lower() == "x-amz-target"), "")
        operation = target.rpartition(".")[2]
        paged = PAGED.get(operation)
        if paged is None:
            return self._rewrite(operation, self._forward(method, path, headers, body))
        params: dict[str, Any] = json.loads(body or b"{}")
        size = params.pop("maxResults", None)
        token = params.pop("nextToken", None)
        if (size is not None or token is not None) and params.get(paged.names_key):
            return _error(
                f"maxResults and nextToken cannot be used with {paged.names_key} in {operation}"
            )
        if size is not None and (type(size) is not int or not 1 <= size <= paged.maximum):
            return _error(
                f"Invalid parameter at 'maxResults' failed to satisfy constraint: "
                f"'Member must have value between 1 and {paged.maximum}'"
            )
        start = 0
        if token is not None:
            with self._lock:
                found = self._tokens.get(token) if isinstance(token, str) else None
            if found is None or found[0] != operation:
                return _error(f"Invalid parameter at 'nextToken': not a token of {operation}")
            start = found[1]
        upstream = self._forward(method, path, headers, json.dumps(params).encode())
        if upstream.status != 200:
            return upstream
        everything: dict[str, Any] = json.loads(upstream.body or b"{}")
        items: list[Any] = everything.get(paged.items, [])
        end = start + (size or paged.default)
        page: dict[str, Any] = {**everything, paged.items: items[start:end]}
        page.pop("nextToken", None)
        if end < len(items):
            opaque = secrets.token_urlsafe(32)
            with self._lock:
                self._tokens[opaque] = (operation, end)  # reusable, as ECR's are
            page["nextToken"] = opaque
        return self._rewrite(
            operation, _Answer(200, [("Content-Type", _JSON)], json.dumps(page).encode())
        )

    @staticmethod
    def _rewrite(operation: str, answer: _Answer) -> _Answer:
        rewrite = RESPONSE_REWRITES.get(operation)
        if rewrite is None or answer.status != 200:
            return answer
        body = json.dumps(rewrite(json.loads(answer.body or b"{}"))).encode()
        headers = [(k, v) for k, v in answer.headers if k.lower() != "content-type"]
        return _Answer(200, [*headers, ("Content-Type", _JSON)], body)
