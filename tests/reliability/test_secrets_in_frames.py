"""No secret in the frame locals an error carries, nor in a credential process's output.

Tools that capture locals (Sentry, ``traceback`` with ``capture_locals=True``, pytest
``--showlocals``) render every local of every frame in an error's traceback, and in
the tracebacks of its ``__cause__``/``__context__`` chain. For every error the fault
matrix produces through an operation, that rendering, and ``repr()`` of every local
of every such frame, must hold no secret key, session token or signature.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrkit import ECRClient
from ecrkit.errors import CredentialsError, EcrkitError
from tests.faults import FAULTS, RETRYABLE, Fault, FaultServer

from ._support import SECRET_KEY, SESSION_TOKEN, STALL_CONFIG, config_for, open_client
from .test_hostile_input import fds_back_to_baseline  # noqa: F401 - autouse: fds end at baseline
from .test_secrets import assert_no_secret

_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})$")


_TESTS = str(Path(__file__).parent.parent)


def frame_texts(exc: BaseException) -> Iterator[str]:
    """What a locals-capturing tool shows for ``exc`` and its whole chain.

    The test's own frames (which hold the secrets to look for) are left out.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_TESTS):
        tb = tb.tb_next
    exc.__traceback__ = tb
    yield "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        tb = item.__traceback__
        while tb is not None:
            for name, value in tb.tb_frame.f_locals.items():
                yield f"{tb.tb_frame.f_code.co_name}.{name} = {value!r}"
            tb = tb.tb_next
        todo += [item.__cause__, item.__context__]


#: Every fault, failing for good: the retryable ones on all 3 attempts.
CASES = [fault for fault in FAULTS if fault is not Fault.TRICKLE]


@pytest.mark.parametrize("fault", CASES)
async def test_no_secret_in_the_frames_of_an_error(faults: FaultServer, fault: Fault) -> None:
    faults.script(*([fault] * (3 if fault in RETRYABLE else 1)))
    async with open_client(faults, config=config_for(fault)) as ecr:
        with pytest.raises(EcrkitError) as info:
            await ecr.describe_repositories()
    secrets = {"secret key": SECRET_KEY, "session token": SESSION_TOKEN}
    for request in faults.requests:
        assert request.authorization is not None
        found = _SIGNATURE.search(request.authorization)
        assert found
        secrets[f"signature of request {request.index}"] = found.group(1)
    assert assert_no_secret(frame_texts(info.value), secrets) > 5


async def test_the_frame_check_sees_the_frames(faults: FaultServer) -> None:
    """The check above would see a secret held in a local of a raising frame."""
    faults.script(Fault.HTTP_500)
    config = STALL_CONFIG.__class__(max_attempts=1)

    async with open_client(faults, config=config) as ecr:
        with pytest.raises(EcrkitError) as info:
            await ecr.describe_repositories()
    tb = info.value.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    assert tb is not None and not tb.tb_frame.f_code.co_filename.startswith(_TESTS)
    tb.tb_frame.f_locals["secret_here"] = SESSION_TOKEN  # a finished frame's locals
    texts = list(frame_texts(info.value))
    if not any(SESSION_TOKEN in text for text in texts):
        pytest.skip("this Python does not let a finished frame's locals be planted")
    with pytest.raises(AssertionError, match="session token"):
        assert_no_secret(texts, {"session token": SESSION_TOKEN})


# -- a credential process's stderr ------------------------------------------------------


async def test_a_credential_process_stderr_is_cut_to_an_excerpt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    leaked = "AKIA" + "x" * 20000 + "TAIL-OF-A-LONG-STDERR"
    script = tmp_path / "process.py"
    script.write_text(f"import sys\nsys.stderr.write({leaked!r})\nsys.exit(1)\n")
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    async with ECRClient(
        region="us-east-1", profile="proc", endpoint_url="http://127.0.0.1:9"
    ) as ecr:
        with pytest.raises(CredentialsError) as info:
            await ecr.describe_repositories()
    shown = [str(info.value), repr(info.value), *frame_texts(info.value)]
    assert "custom-process" in str(info.value)
    assert len(str(info.value)) < 600
    assert not [text for text in shown if "TAIL-OF-A-LONG-STDERR" in text]


async def test_no_secret_in_the_frames_of_a_credential_process_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """botocore's frames hold the process's whole answer when it rejects it."""
    answer = {"Version": 2, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process/Secret+Key"}
    script = tmp_path / "process.py"
    script.write_text(f"import json\nprint(json.dumps({answer!r}))\n")
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    async with ECRClient(
        region="us-east-1", profile="proc", endpoint_url="http://127.0.0.1:9"
    ) as ecr:
        with pytest.raises(CredentialsError, match="Unsupported version") as info:
            await ecr.describe_repositories()
    assert_no_secret(frame_texts(info.value), {"process secret": "process/Secret+Key"})
