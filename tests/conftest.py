"""Fixtures shared by the whole suite.

- Every test runs isolated from the machine's AWS setup (no ``AWS_*`` variables,
  no instance metadata, no ``~/.aws`` files).
- ``moto_endpoint`` is the endpoint of the session's :class:`~ecrkit.testing.LocalECR`
  (``ecr_local``, from ecrkit's own pytest plugin): moto's ECR server on 127.0.0.1 behind
  the layer that pages like ECR. The suite starts moto no other way.
- ``ecr`` is an :class:`~ecrkit.ECRClient` against it with fake credentials, and
  ``make_ecr`` opens more (another region, other credentials or options). Unlike the
  plugin's ``ecr_client``, these do not reset the server's state: tests use names of
  their own.

Clients made here never really sleep: retry back-off goes to a no-op ``sleep``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from ecrkit import Credentials, ECRClient
from ecrkit.testing import LocalECR
from tests import _hypothesis

#: The hypothesis profile in use (``ECRKIT_HYPOTHESIS_PROFILE``; see tests/_hypothesis.py).
HYPOTHESIS_PROFILE = _hypothesis.PROFILE

#: What the moto-backed clients sign with (moto accepts any credentials).
MOTO_CREDENTIALS = Credentials("AKIDMOTOTESTING", "moto-testing-secret-key")
MOTO_REGION = "us-east-1"

#: ``make_ecr(region=..., **ECRClient options)``: an async context manager.
ClientFactory = Callable[..., AbstractAsyncContextManager[ECRClient]]
_PROXY_VARIABLES = frozenset({"http_proxy", "https_proxy", "all_proxy", "no_proxy"})


@pytest.fixture(autouse=True)
def isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS_* variable leaks in, no IMDS lookups, no real config or credentials file,
    and no proxy from the machine's environment (clients honour HTTP(S)_PROXY)."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.lower() in _PROXY_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    missing = tmp_path / "no-aws-dir"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(missing / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(missing / "credentials"))


@pytest.fixture(scope="session")
def moto_endpoint(ecr_local: LocalECR) -> str:
    """The session's LocalECR (started on first use; moto loads only then)."""
    return ecr_local.endpoint_url


async def _no_sleep(delay: float) -> None:
    """Retry back-off without waiting (tests never really sleep)."""


@pytest.fixture
def make_ecr(moto_endpoint: str) -> ClientFactory:
    """Open clients against moto: ``async with make_ecr(region="eu-west-1") as ecr: ...``.

    Keyword arguments go to :class:`~ecrkit.ECRClient` (``credentials`` defaults to
    :data:`MOTO_CREDENTIALS`, ``sleep`` to a no-op).
    """

    @asynccontextmanager
    async def open_client(*, region: str = MOTO_REGION, **options: Any) -> AsyncIterator[ECRClient]:
        options.setdefault("credentials", MOTO_CREDENTIALS)
        options.setdefault("sleep", _no_sleep)
        async with ECRClient(region=region, endpoint_url=moto_endpoint, **options) as client:
            yield client

    return open_client


@pytest.fixture
async def ecr(make_ecr: ClientFactory) -> AsyncIterator[ECRClient]:
    """A client against moto in us-east-1 with fake credentials, closed after the test."""
    async with make_ecr() as client:
        yield client
