"""The harness's child processes: the fake server, the workers, the fresh processes.

Every child runs ``python -m bench.<module>`` from the repository root in its
own session (a Ctrl-C in the terminal reaches only the harness, which then shuts
the children down) with a pipe on stdin: the server and the workers exit when
that pipe closes, so none outlives the harness even if it is killed outright.
Closing waits a few seconds, then kills.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any, Self

__all__ = ["MALLOC_PIN", "ROOT", "BenchError", "Server", "Worker", "child_env", "run_fresh"]

ROOT = Path(__file__).resolve().parent.parent
_STOP_TIMEOUT = 10.0


class BenchError(RuntimeError):
    """A child failed, hung or disagreed; the run is void."""


def child_env() -> dict[str, str]:
    """The environment of every child: this one, made to find ``bench`` and stay local."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    # Only 127.0.0.1 is ever contacted: no proxy, no instance metadata lookups.
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    # Cold start is measured with bytecode caches written, as after any install.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if os.environ.get("BENCH_MALLOC") != "default":  # BENCH_MALLOC=default: glibc's own
        env.update(MALLOC_PIN)
    return env


#: glibc malloc's thresholds, fixed in every child (other C libraries ignore them).
#: By default glibc raises its mmap threshold to the size of the largest mmapped
#: block freed so far, and its trim threshold to twice that: a process's paging
#: then depends on which large buffer its history freed first, not on its code.
#: An ecrkit worker's first call builds a response validator that frees a ~408 KB
#: block, so asyncio's 256 KiB receive buffers come from the heap, whose top is
#: given back and faulted in again as 64 responses come and go (a median 31 K page
#: faults per 2,560 64-way calls against 10.6 K for the same-models worker, whose
#: import order happens not to do this). Fixed here, as a long-running service's
#: history would leave them, every adapter pages the same; docs/performance.md.
MALLOC_PIN = {"MALLOC_MMAP_THRESHOLD_": str(4 << 20), "MALLOC_TRIM_THRESHOLD_": str(8 << 20)}


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=child_env(),
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    try:
        proc.wait(_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class _Child:
    """A line-protocol child process; a context manager that always stops it."""

    def __init__(self, what: str, *args: str) -> None:
        self.what = what
        self.proc = _spawn(*args)

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            raise BenchError(f"{self.what} is gone (exit code {self.proc.poll()})") from exc

    def _receive(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise BenchError(f"{self.what} did not answer within {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError(f"{self.what} exited (code {self.proc.wait()})")
        return line

    def close(self, polite: bool = True) -> None:
        """Stop the child (``polite``: ask it to finish first; else just end its stdin)."""
        _stop(self.proc)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(polite=exc is None)


class Server(_Child):
    """The fake ECR server (:mod:`bench.fake_server`)."""

    def __init__(self) -> None:
        super().__init__("the fake server", "bench.fake_server")
        try:
            words = self._receive(60).split()
            if words[:1] != ["PORT"]:
                raise BenchError(f"the fake server said {' '.join(words)!r}, not PORT <n>")
            self.endpoint = f"http://127.0.0.1:{int(words[1])}"
        except BaseException:
            self.close()
            raise

    def cpu_seconds(self) -> float:
        """The server process's CPU time so far."""
        self._send("cpu")
        cpu: float = json.loads(self._receive(30))["cpu"]
        return cpu


class Worker(_Child):
    """One adapter's worker (:mod:`bench.worker`)."""

    def __init__(self, adapter: str) -> None:
        super().__init__(f"the {adapter} worker", "bench.worker", adapter)
        self.adapter = adapter

    def call(self, op: str, timeout: float, **args: Any) -> Any:
        """Run ``op`` in the worker; its result, or :class:`BenchError` with its traceback."""
        self._send(json.dumps({"op": op, "args": args} if args else {"op": op}))
        reply = json.loads(self._receive(timeout))
        if "error" in reply:
            raise BenchError(f"{self.what}: {op} failed:\n{reply['error']}")
        return reply["ok"]

    def close(self, polite: bool = True) -> None:
        if polite and self.proc.poll() is None:
            with contextlib.suppress(BenchError):  # stopped (or killed) below all the same
                self.call("close", timeout=_STOP_TIMEOUT)
        super().close()


def run_fresh(adapter: str, endpoint: str, calls: int, timeout: float) -> dict[str, Any]:
    """Run :mod:`bench.fresh` for ``adapter`` and return its measurements."""
    proc = _spawn("bench.fresh", adapter, endpoint, str(calls))
    try:
        out, _ = proc.communicate(timeout=timeout)
    except BaseException as exc:  # a timeout, or Ctrl-C: never leave it running
        proc.kill()
        proc.wait()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise BenchError(f"the fresh {adapter} process took over {timeout:.0f} s") from None
        raise
    if proc.returncode != 0 or not out.strip():
        raise BenchError(f"the fresh {adapter} process failed (exit code {proc.returncode})")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result
