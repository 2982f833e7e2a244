"""Cold start and peak memory, in a fresh process: ``python -m bench.fresh ADAPTER URL CALLS``.

Times, from before the adapter's library is imported: the import alone, then
import + client creation + the first DescribeImages call (interpreter start-up is
left out: it is the same for everyone). Then makes the remaining ``CALLS - 1``
sequential DescribeImages calls and reads the peak resident set (``VmHWM``) of
this process from ``/proc/self/status`` (``ru_maxrss`` would be inherited from
the parent). Prints one JSON line. Nothing is imported before the clock starts
but the standard library's ``time``, ``sys``, ``json`` and ``importlib``.
"""

from __future__ import annotations

import importlib
import json
import sys
import time


def _peak_rss_mib() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not Linux: the best available, in KiB on Linux/BSD

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    name, endpoint, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    import asyncio  # every client needs it; counted for all alike

    adapters = importlib.import_module("bench.adapters")
    adapter = adapters.load(name)  # imports the library
    t_import = time.perf_counter()
    loop = asyncio.new_event_loop()

    async def first() -> int:
        await adapter.setup(endpoint)
        check: int = await adapter.describe_images()
        return check

    check = loop.run_until_complete(first())
    t_first = time.perf_counter()

    async def rest() -> None:
        for _ in range(calls - 1):
            await adapter.describe_images()
        await adapter.close()

    loop.run_until_complete(rest())
    loop.close()
    result = {
        "import_ms": (t_import - t0) * 1e3,
        "first_call_ms": (t_first - t0) * 1e3,
        "rss_mib": _peak_rss_mib(),
        "check": check,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
