"""A hung ``credential_process`` is bounded: the calls fail, the process dies, the next
call starts afresh.

The process is a real child (``sys.executable`` running a small script) that
writes its pid and then blocks in ``signal.pause()`` until it is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrkit import ClientConfig, ECRClient
from ecrkit._credentials import Credentials, RefreshingCredentials
from ecrkit.errors import CredentialsError
from tests.faults import FaultServer

from ._support import REGION
from .test_hostile_input import fds_back_to_baseline  # noqa: F401 - autouse: fds end at baseline

#: The bound in the tests. The client test's next load must fit in it too (a Python
#: start plus botocore's chain, on a busy 2-core VM), hence the wider one there.
TIMEOUT = 0.5
CLIENT_TIMEOUT = 2.0
HANG = """\
import os, pathlib, signal, sys
pathlib.Path(sys.argv[1]).write_text(str(os.getpid()))
signal.pause()
"""
ANSWER = {"Version": 1, "AccessKeyId": "AKIDFROMPROCESS00001", "SecretAccessKey": "process-secret"}


@pytest.fixture
def process_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A profile ``proc`` whose credential_process runs ``script.py`` (written by the test)."""
    script, pid_file = tmp_path / "script.py", tmp_path / "pid"
    config = tmp_path / "config"
    config.write_text(
        f"[profile proc]\ncredential_process = {sys.executable} {script} {pid_file}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    yield script
    if pid_file.exists():  # never leave a hung child behind, whatever the outcome
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def _write(path: Path, text: str) -> None:
    """Tiny local files, written synchronously on purpose (not worth a thread)."""
    path.write_text(text)


async def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_a_hung_credential_process_fails_the_calls_and_is_killed(
    faults: FaultServer, process_profile: Path
) -> None:
    _write(process_profile, HANG)
    config = ClientConfig(credentials_timeout=CLIENT_TIMEOUT)
    async with ECRClient(
        region=REGION, profile="proc", endpoint_url=faults.url, config=config
    ) as ecr:
        started = time.monotonic()
        async with asyncio.timeout(10):  # unbounded before: the calls never returned
            outcomes = await asyncio.gather(
                *(ecr.describe_repositories() for _ in range(3)), return_exceptions=True
            )
        elapsed = time.monotonic() - started
        assert all(isinstance(o, CredentialsError) for o in outcomes), outcomes
        assert "credentials_timeout" in str(outcomes[0])
        assert CLIENT_TIMEOUT <= elapsed < CLIENT_TIMEOUT + 3
        assert faults.requests == []
        pid = int((process_profile.parent / "pid").read_text())
        assert await _gone(pid), "the hung credential_process is still running"

        # The next call starts a fresh load, which now succeeds.
        _write(process_profile, f"print({json.dumps(ANSWER)!r})\n")
        await ecr.describe_repositories()
    assert len(faults.requests) == 1
    assert faults.requests[0].authorization is not None
    assert "AKIDFROMPROCESS00001" in faults.requests[0].authorization


class _Stuck:
    """A provider whose first ``load()`` never finishes; later ones answer."""

    def __init__(self) -> None:
        self.loads = 0
        self.never = asyncio.Event()

    async def load(self) -> Credentials | None:
        self.loads += 1
        if self.loads == 1:
            await self.never.wait()
        return Credentials("AKIDSECONDLOAD000001", "second-secret")


async def test_a_stuck_load_is_bounded_and_the_next_get_starts_afresh() -> None:
    provider = _Stuck()
    cache = RefreshingCredentials(provider, load_timeout=0.05)
    async with asyncio.timeout(5):
        results = await asyncio.gather(*(cache.get() for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, CredentialsError) for r in results)
    assert provider.loads == 1  # one shared load, which timed out
    assert (await cache.get()).access_key_id == "AKIDSECONDLOAD000001"
    assert provider.loads == 2


@pytest.mark.parametrize("value", [0, -1.0])
def test_credentials_timeout_must_be_positive(value: float) -> None:
    with pytest.raises(ValueError, match="credentials_timeout"):
        ClientConfig(credentials_timeout=value).resolved()


def test_credentials_timeout_default_is_60_seconds() -> None:
    assert ClientConfig().resolved().credentials_timeout == 60.0


PROGRAM = """\
import asyncio, sys
from ecrkit import ClientConfig, ECRClient
from ecrkit.errors import CredentialsError

async def main() -> None:
    config = ClientConfig(credentials_timeout=float(sys.argv[1]))
    async with ECRClient(region="us-east-1", profile="proc", endpoint_url="http://127.0.0.1:9",
                         config=config) as ecr:
        try:
            await ecr.describe_repositories()
        except CredentialsError:
            print("CredentialsError")

asyncio.run(main())
"""


async def test_a_program_with_a_hung_credential_process_still_exits(
    process_profile: Path,
) -> None:
    """asyncio.run() waits for the worker threads at exit: the killed process frees them."""
    _write(process_profile, HANG)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        PROGRAM,
        str(TIMEOUT),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        async with asyncio.timeout(30):
            out, _ = await child.communicate()
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    assert (child.returncode, out.strip()) == (0, b"CredentialsError")
