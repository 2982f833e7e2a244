"""Profile one adapter in one scenario with cProfile: where its client CPU goes.

    python -m bench.profiling ADAPTER SCENARIO [--top N] [--reps N]

SCENARIO is ``seq``, ``conc``, ``pages``, ``findings`` or ``cold`` (import +
client + first call, profiled in a fresh process). The adapter runs in this
process against the fake server (its own process, as in the benchmark), after
a warm-up. The profile counts CPU time (``time.process_time``), so waiting for
the server is left out, and prints the top functions by cumulative and by own
time, each as a share of the profiled total. (cProfile slows pure-Python code
more than C code, so shares are indicative; they show what dominates.)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/profiling.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.adapters import ADAPTERS, load
from bench.procs import ROOT, Server, child_env
from bench.scenarios import SCENARIOS

_ARGS = {
    "seq": lambda reps: {"calls": reps},
    "conc": lambda reps: {"tasks": 64, "calls_per_task": max(1, reps // 64)},
    "pages": lambda reps: {"reps": max(1, reps // 10)},
    "findings": lambda reps: {"reps": max(1, reps // 10)},
}


def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name  # a builtin
    path = Path(filename)
    for marker in ("site-packages", "src", "lib"):
        if marker in path.parts:
            path = Path(*path.parts[path.parts.index(marker) + 1 :])
            break
    return f"{name} ({path}:{line})"


def report(profile: cProfile.Profile, top: int) -> str:
    """The top functions by cumulative and by own time, in % of the total."""
    # func -> (primitive calls, calls, own time, cumulative time, callers)
    stats: Any = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in stats.values()) or 1.0
    out = [f"profiled CPU total: {total * 1e3:.1f} ms (under cProfile)"]
    for title, index in (("cumulative", 3), ("own time", 2)):
        out.append(f"\ntop {top} by {title}:\n  cum%   own%     calls  function")
        ranked = sorted(stats.items(), key=lambda kv: kv[1][index], reverse=True)[:top]
        for func, (_cc, calls, own, cum, _callers) in ranked:
            out.append(f"{cum / total:6.1%} {own / total:6.1%} {calls:9d}  {_where(func)}")
    return "\n".join(out)


async def _warm_profile(
    adapter_name: str, scenario: str, reps: int, endpoint: str
) -> cProfile.Profile:
    adapter = load(adapter_name)
    await adapter.setup(endpoint)
    try:
        args = _ARGS[scenario](reps)
        await SCENARIOS[scenario](adapter, **args)  # warm-up
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        await SCENARIOS[scenario](adapter, **args)
        profile.disable()
        return profile
    finally:
        await adapter.close()


def _cold(adapter_name: str, endpoint: str, top: int) -> None:
    """In this (fresh) process: import + client + first call, profiled."""
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    adapter = load(adapter_name)

    async def first() -> None:
        await adapter.setup(endpoint)
        await adapter.describe_images()

    loop = asyncio.new_event_loop()
    loop.run_until_complete(first())
    profile.disable()
    loop.run_until_complete(adapter.close())
    loop.close()
    print(report(profile, top))


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profiling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("adapter", choices=list(ADAPTERS))
    parser.add_argument("scenario", choices=[*_ARGS, "cold"])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--reps", type=int, default=300, help="calls to profile (default 300)")
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)  # the fresh `cold` child
    args = parser.parse_args()
    if args.endpoint:
        _cold(args.adapter, args.endpoint, args.top)
        return
    with Server() as server:
        if args.scenario == "cold":
            command = [sys.executable, "-m", "bench.profiling", args.adapter, "cold"]
            command += ["--top", str(args.top), "--endpoint", server.endpoint]
            subprocess.run(command, check=True, cwd=ROOT, env=child_env())
            return
        profile = asyncio.run(
            _warm_profile(args.adapter, args.scenario, args.reps, server.endpoint)
        )
    print(report(profile, args.top))


if __name__ == "__main__":
    main()
