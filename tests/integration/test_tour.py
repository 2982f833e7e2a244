"""The tour (``python -m ecrkit.tour``, also ``examples/tour.py``): it runs, and no secret
reaches its output, the logs or any repr.

The in-process test runs the tour's core against the session's moto server with
credentials that carry a session token, logging at DEBUG, and a transport that
records what was actually sent (so the real SigV4 signatures are known).
"""

from __future__ import annotations

import base64
import logging
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import ModuleType

import pytest

import ecrkit.tour
from ecrkit import Credentials, ECRClient
from ecrkit.errors import RepositoryNotFoundException
from ecrkit.http import AiohttpTransport, HttpRequest, HttpResponse

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tour.py"
ACCESS_KEY = "AKIDTOURTESTING"
SECRET_KEY = "tour-secret-access-key/0123456789abcdefghij"
SESSION_TOKEN = "tour-session-token-IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH"

ClientFactory = Callable[..., AbstractAsyncContextManager[ECRClient]]


@pytest.fixture
def tour_module() -> ModuleType:
    return ecrkit.tour


class RecordingTransport:
    """The real aiohttp transport, keeping every request it sends (signed headers included)."""

    def __init__(self) -> None:
        self._inner = AiohttpTransport()
        self.requests: list[HttpRequest] = []

    async def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return await self._inner.send(request)

    async def close(self) -> None:
        await self._inner.close()


def signature(request: HttpRequest) -> str:
    found = re.search(r"Signature=([0-9a-f]{64})$", request.headers["Authorization"])
    assert found, request.headers["Authorization"]
    return found.group(1)


async def test_tour_leaks_no_secret(
    make_ecr: ClientFactory, tour_module: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="ecrkit")
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, session_token=SESSION_TOKEN)
    transport = RecordingTransport()
    printed: list[str] = []
    try:
        async with make_ecr(credentials=credentials, transport=transport) as ecr:
            seen: list[object] = await tour_module.tour(
                ecr, f"tour-{uuid.uuid4().hex[:10]}", say=printed.append
            )
            auth = await ecr.get_authorization_token()
            client_texts = [repr(ecr), str(ecr)]
    finally:
        await transport.close()

    # The tour did what it says: create, 2 x 3 blob upload calls, put, describe, the
    # caught error, delete (11 results). With the token call: 12 requests, all signed.
    kinds = [type(item).__name__ for item in seen]
    assert kinds[:1] + kinds[-4:] == [
        "CreateRepositoryResponse",
        "PutImageResponse",
        "DescribeImagesResponse",
        "RepositoryNotFoundException",
        "DeleteRepositoryResponse",
    ]
    assert isinstance(seen[-2], RepositoryNotFoundException)
    assert len(transport.requests) == len(seen) + 1 == 12
    assert all(r.headers["X-Amz-Security-Token"] == SESSION_TOKEN for r in transport.requests)
    signatures = {signature(r) for r in transport.requests}  # equal requests sign alike

    (data,) = auth.authorization_data
    token = data.authorization_token
    assert token
    password = base64.b64decode(token).decode().partition(":")[2]
    assert password

    ecrkit_records = [r for r in caplog.records if r.name.startswith("ecrkit")]
    assert any("CreateRepository attempt=1" in r.getMessage() for r in ecrkit_records)
    texts = [
        *client_texts,
        *printed,
        caplog.text,
        *(record.getMessage() for record in caplog.records),
        *(text for item in [*seen, auth] for text in (repr(item), str(item))),
    ]
    secrets = {"secret key": SECRET_KEY, "session token": SESSION_TOKEN}
    secrets |= {"ECR token": token, "ECR password": password}
    secrets |= {f"signature {sig[:8]}": sig for sig in signatures}
    for name, secret in secrets.items():
        leaks = [text for text in texts if secret in text]
        assert not leaks, f"the {name} appears in {leaks[0][-300:]!r}"


@pytest.mark.parametrize(
    "command", [["-m", "ecrkit.tour"], [str(EXAMPLE)]], ids=["python -m ecrkit.tour", "example"]
)
def test_tour_script_runs_against_local_moto(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *command], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == [
        "client",
        "created",
        "pushed",
        "image",
        "caught",
        "deleted",
    ]
    assert "caught    RepositoryNotFoundException (HTTP 400, request id " in result.stdout


def test_tour_without_moto_says_how_to_install_it() -> None:
    """`python -m ecrkit.tour` where moto is not installed: no traceback, the extra to get."""
    run_without_moto = (
        "import runpy, sys; sys.modules['moto'] = None;"  # None makes `import moto` fail
        " runpy.run_module('ecrkit.tour', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", run_without_moto],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("The local tour needs moto: pip install 'ecrkit[local]'")
    assert "Traceback" not in result.stderr


def test_tour_on_aws_without_credentials_fails_cleanly(
    tour_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    # The autouse fixture leaves no credentials anywhere, so nothing is sent.
    assert tour_module.main(["--region", "eu-west-1"]) == 1
    assert capsys.readouterr().err.startswith("tour failed: No AWS credentials found.")
