"""Sustained load: many calls at 200 concurrency through one client, on loopback.

The server is ``tests/reliability/_load_server.py`` (aiohttp.web, one canned
``DescribeRepositories`` answer) in a separate process: the client is CPU-bound
(pure Python per call: validation, SigV4, aiohttp, pydantic parsing), and the server
needs about half as much CPU again (measured: 22 s of server CPU for 200,000 answers
in a 42 s run). In the same process, or in a thread under the same GIL, it would
take a third of the client's core and the figure would measure both; in its own
process it runs on the VM's other core. Its CPU time is reported alongside.

Checked: zero errors, RSS (``VmRSS``) at the end within 10% of RSS after the first
1,000 calls (both after ``gc.collect()``), file descriptors back to the baseline,
and a bound on count and time. The throughput is printed (``pytest -s``), recorded
as junit properties, and shown in the captured output.

Sizes: the default run makes 20,000 calls: 4-6 s on the idle 2-core VM
(3,200-5,300 calls/s), 11 s while other jobs shared it (1,800 calls/s), so it fits
the one-minute CI budget with room to spare. ``ECRKIT_LOAD_CALLS=<n>`` enables the
``slow`` variant with ``n`` calls (200,000: 42 s, 4,750 calls/s, RSS +0.2%).
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecrkit import ClientConfig, ECRClient
from tests.faults import open_fds

from ._support import CREDENTIALS, REGION, connector, settle_fds

ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = 200
DEFAULT_CALLS = 20_000
WARMUP_CALLS = 1_000
RSS_TOLERANCE = 0.10
LARGE_CALLS = int(os.environ.get("ECRKIT_LOAD_CALLS", "0") or 0)
#: The whole run must finish within this many seconds per 1,000 calls (plus a base).
SECONDS_PER_1000 = 2.0


def rss_kib() -> int:
    """This process's resident set size (``VmRSS``), in KiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid``."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class LoadServer:
    url: str
    pid: int


@pytest.fixture
def load_server() -> Iterator[LoadServer]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability._load_server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith("PORT "), f"load server did not start: {line!r}"
        yield LoadServer(f"http://127.0.0.1:{int(line.split()[1])}", proc.pid)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()  # the server exits when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if it hangs
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


@dataclass
class LoadResult:
    calls: int
    seconds: float
    errors: list[BaseException]
    rss_after_warmup: int
    rss_at_end: int
    server_cpu: float

    @property
    def throughput(self) -> float:
        return self.calls / self.seconds

    @property
    def rss_drift(self) -> float:
        return (self.rss_at_end - self.rss_after_warmup) / self.rss_after_warmup


async def run_load(client: ECRClient, calls: int, server_pid: int) -> LoadResult:
    issued = done = 0
    errors: list[BaseException] = []
    rss_after_warmup = 0
    cpu_before = cpu_seconds(server_pid)

    async def worker() -> None:
        nonlocal issued, done, rss_after_warmup
        while issued < calls:
            issued += 1
            try:
                resp = await client.describe_repositories()
                if resp.repositories[0].repository_name != "api":
                    raise AssertionError(f"wrong answer: {resp!r}")
            except Exception as exc:  # counted, not raised: the test reports them all
                errors.append(exc)
            done += 1
            if done == WARMUP_CALLS:
                gc.collect()
                rss_after_warmup = rss_kib()

    started = time.perf_counter()
    async with asyncio.timeout(10 + SECONDS_PER_1000 * calls / 1000):
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    seconds = time.perf_counter() - started
    gc.collect()
    return LoadResult(
        calls=done,
        seconds=seconds,
        errors=errors,
        rss_after_warmup=rss_after_warmup,
        rss_at_end=rss_kib(),
        server_cpu=cpu_seconds(server_pid) - cpu_before,
    )


async def check_load(
    load_server: LoadServer, calls: int, record_property: Callable[[str, object], None]
) -> None:
    baseline = open_fds()
    client = ECRClient(
        region=REGION,
        endpoint_url=load_server.url,
        credentials=CREDENTIALS,
        config=ClientConfig(read_timeout=10.0),  # max_pool_connections: the default 100
    )
    try:
        result = await run_load(client, calls, load_server.pid)
        pool = connector(client)
        assert len(pool._acquired) == 0
        # Only the client's end of each pooled connection is ours (the server is elsewhere).
        idle = sum(len(c) for c in pool._conns.values())
        assert 0 < idle <= client.config.max_pool_connections
        await settle_fds(lambda: baseline + idle, "with the client open")
    finally:
        await client.close()
    await settle_fds(lambda: baseline, "after closing the client")

    summary = (
        f"load: {result.calls} calls at concurrency {CONCURRENCY} in {result.seconds:.2f} s"
        f" = {result.throughput:,.0f} calls/s; server CPU {result.server_cpu:.1f} s;"
        f" RSS {result.rss_after_warmup} KiB after {WARMUP_CALLS} calls ->"
        f" {result.rss_at_end} KiB at the end ({result.rss_drift:+.1%});"
        f" {len(result.errors)} errors"
    )
    print(f"\n{summary}")
    record_property("load_calls", result.calls)
    record_property("load_seconds", round(result.seconds, 3))
    record_property("load_calls_per_second", round(result.throughput))
    record_property("load_rss_after_warmup_kib", result.rss_after_warmup)
    record_property("load_rss_end_kib", result.rss_at_end)
    record_property("load_rss_drift", round(result.rss_drift, 4))

    assert result.calls == calls
    assert not result.errors, f"{len(result.errors)} errors, first: {result.errors[0]!r}"
    assert result.rss_after_warmup > 0
    assert abs(result.rss_drift) <= RSS_TOLERANCE, summary


async def test_load_default(
    load_server: LoadServer, record_property: Callable[[str, object], None]
) -> None:
    await check_load(load_server, DEFAULT_CALLS, record_property)


@pytest.mark.slow
@pytest.mark.skipif(
    LARGE_CALLS <= 0, reason="opt-in: set ECRKIT_LOAD_CALLS=<calls> (e.g. 200000) to run"
)
async def test_load_large(
    load_server: LoadServer, record_property: Callable[[str, object], None]
) -> None:
    await check_load(load_server, LARGE_CALLS, record_property)
