"""The measured scenarios, run inside an adapter's own worker process.

Each returns plain numbers: client CPU (``time.process_time``, this process only:
the fake server runs in another one) and wall time, per call or per run, plus a
``check`` value the harness compares across adapters (they must all agree).
A full collection runs before each measurement so no scenario pays for the
previous one's garbage; ``collect=False`` skips it, for the later slices of a sample
the harness takes in slices (:mod:`bench.run`), so that slices add up to the same
run of calls as one unsliced sample.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.adapters import Adapter

__all__ = ["SCENARIOS", "concurrent", "findings", "paginate", "sequential", "token"]

Result = dict[str, Any]


async def _timed(reps: int, call: Callable[[], Awaitable[Any]], collect: bool) -> Result:
    if collect:
        gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    check = None
    for _ in range(reps):
        check = await call()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"cpu_ms": cpu / reps * 1e3, "wall_ms": wall / reps * 1e3, "check": check}


async def sequential(adapter: Adapter, calls: int, collect: bool = True) -> Result:
    """DescribeImages, one call after another."""
    return await _timed(calls, adapter.describe_images, collect)


async def concurrent(
    adapter: Adapter, tasks: int, calls_per_task: int, collect: bool = True
) -> Result:
    """``tasks`` tasks each making ``calls_per_task`` DescribeImages calls at once."""

    async def worker() -> int:
        total = 0
        for _ in range(calls_per_task):
            total += await adapter.describe_images()
        return total

    if collect:
        gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    totals = await asyncio.gather(*(worker() for _ in range(tasks)))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    calls = tasks * calls_per_task
    return {
        "calls_per_s": calls / wall,
        "cpu_ms": cpu / calls * 1e3,
        "check": len(set(totals)) == 1 and totals[0] // calls_per_task,
    }


async def paginate(adapter: Adapter, reps: int, collect: bool = True) -> Result:
    """ListImages to the end with the paginator; per full listing."""
    return await _timed(reps, adapter.list_all_image_ids, collect)


async def findings(adapter: Adapter, reps: int, collect: bool = True) -> Result:
    """DescribeImageScanFindings with 1,000 findings; per call."""
    return await _timed(reps, adapter.scan_findings, collect)


async def token(adapter: Adapter) -> Result:
    """One GetAuthorizationToken call (a sanity check, not timed)."""
    return {"check": await adapter.get_token()}


SCENARIOS: dict[str, Callable[..., Awaitable[Result]]] = {
    "seq": sequential,
    "conc": concurrent,
    "pages": paginate,
    "findings": findings,
    "token": token,
}
