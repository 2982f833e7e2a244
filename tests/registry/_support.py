"""Running docker-credential-ecrkit as Docker does: a process, stdin in, stdout out.

``Helper`` runs it in a clean environment: its own HOME, cache folder and mapping file,
fake AWS keys, and ``AWS_ENDPOINT_URL_ECR`` at LocalECR (or at a server that answers
500). ``counted_tokens`` counts the GetAuthorizationToken answers LocalECR gives.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ecrkit.testing import _paging_proxy

#: moto's account and its registry password (base64 of AWS:<account>-auth-token).
ACCOUNT = "123456789012"
PASSWORD = f"{ACCOUNT}-auth-token"
HOST = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
ACCESS_KEY = "AKIDREGISTRYHELPER01"
SECRET_KEY = "registry-helper-secret-access-key"
#: What runs the helper: its console script's function, from this interpreter.
COMMAND = [sys.executable, "-m", "ecrkit.registry._cli"]


@dataclass
class Result:
    code: int
    out: str
    err: str


class Helper:
    """docker-credential-ecrkit in ``root`` (HOME, cache, mapping file), at ``endpoint``."""

    def __init__(self, root: Path, endpoint: str) -> None:
        self.root = root
        self.cache = root / "cache"
        self.config = root / "registries.toml"
        self.log = root / "helper.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(root / "home"),
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_ENDPOINT_URL_ECR": endpoint,
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(root / "no-aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(root / "no-aws" / "credentials"),
            "ECRKIT_CACHE_DIR": str(self.cache),
            "ECRKIT_REGISTRY_CONFIG": str(self.config),
            "ECRKIT_LOG": "debug",
        }

    def map(self, host: str, account: str = ACCOUNT, region: str = "us-east-1") -> None:
        self.config.write_text(
            f'[registries."{host}"]\naccount = "{account}"\nregion = "{region}"\n'
        )

    def popen(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*COMMAND, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**self.env, **(env or {})},
        )

    def __call__(self, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> Result:
        proc = self.popen(*args, env=env)
        out, err = proc.communicate(stdin, timeout=60)
        return Result(proc.returncode, out, err)

    def cache_file(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.cache / "registry-tokens.json").read_text())
        return loaded


@contextmanager
def counted_tokens(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """A list that grows by one for each GetAuthorizationToken LocalECR answers."""
    seen: list[int] = []
    real = _paging_proxy.RESPONSE_REWRITES["GetAuthorizationToken"]

    def counting(body: dict[str, Any]) -> dict[str, Any]:
        seen.append(1)
        return real(body)

    monkeypatch.setitem(_paging_proxy.RESPONSE_REWRITES, "GetAuthorizationToken", counting)
    yield seen


class JsonServer:
    """A scripted awsJson server on 127.0.0.1: every POST gets ``answer()``'s status and
    JSON body; ``targets`` records each request's ``X-Amz-Target``."""

    def __init__(self, answer: Callable[[], tuple[int, dict[str, Any]]]) -> None:
        self.answer = answer
        self.targets: list[str] = []
        self.url = ""


@contextmanager
def json_server(answer: Callable[[], tuple[int, dict[str, Any]]]) -> Iterator[JsonServer]:
    """Run a :class:`JsonServer` for the block."""
    scripted = JsonServer(answer)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            scripted.targets.append(self.headers.get("X-Amz-Target", ""))
            status, doc = scripted.answer()
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scripted.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield scripted
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


#: ECR Public's registry password in these tests, and its GetAuthorizationToken answer.
PUBLIC_PASSWORD = "ecr-public-registry-password"


def public_token() -> tuple[int, dict[str, Any]]:
    """ECR Public's GetAuthorizationToken: one object (not a list), no proxyEndpoint."""
    token = base64.b64encode(f"AWS:{PUBLIC_PASSWORD}".encode()).decode()
    data = {"authorizationToken": token, "expiresAt": round(time.time() + 12 * 3600, 3)}
    return 200, {"authorizationData": data}


@contextmanager
def failing_server() -> Iterator[str]:
    """A control plane on 127.0.0.1 that answers every request with HTTP 500."""
    with json_server(lambda: (500, {"__type": "ServerException", "message": "down"})) as down:
        yield down.url
