"""One adapter's long-lived worker process: ``python -m bench.worker ADAPTER[@REV]``.

A line protocol on stdin/stdout, one JSON object per line. Requests:
``{"op": "setup", "args": {"endpoint": URL}}``, ``{"op": SCENARIO, "args": {...}}``
(:data:`bench.scenarios.SCENARIOS`) and ``{"op": "close"}``; each gets one reply,
``{"ok": result}`` or ``{"error": traceback}``. The client and its event loop
live across requests, so connections stay pooled as in a real service. End of
file on stdin (the harness went away) closes the client and exits.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import traceback
from typing import Any

from bench.adapters import Adapter, load
from bench.scenarios import SCENARIOS


async def _dispatch(adapter: Adapter, request: dict[str, Any]) -> Any:
    op, args = request["op"], request.get("args", {})
    if op == "setup":
        await adapter.setup(**args)
        return None
    if op == "close":
        await adapter.close()
        return None
    return await SCENARIOS[op](adapter, **args)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the harness decides when we stop
    # Replies get a private copy of stdout; anything a library prints goes to stderr.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    name, _, rev = sys.argv[1].partition("@")
    if rev:  # ecrkit@REV: the runtime of git revision REV swapped in (bench.ab)
        from bench.ab import apply, patches

        apply(patches(rev)[0])
    adapter = load(name)
    loop = asyncio.new_event_loop()
    try:
        for line in sys.stdin:
            request = json.loads(line)
            try:
                reply: dict[str, Any] = {"ok": loop.run_until_complete(_dispatch(adapter, request))}
            except Exception:
                reply = {"error": traceback.format_exc()}
            replies.write(json.dumps(reply) + "\n")
            if request["op"] == "close":
                break
    except BrokenPipeError:
        pass  # the harness is gone
    finally:
        loop.run_until_complete(adapter.close())
        loop.close()


if __name__ == "__main__":
    main()
