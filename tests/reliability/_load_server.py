"""A fast, dumb ECR stand-in for the load test, run in its own process.

    python -m tests.reliability._load_server

Listens on 127.0.0.1 (a free port), prints ``PORT <n>`` on stdout once it accepts
connections, and answers every ``POST /`` with one canned ``DescribeRepositories``
document until stdin closes (the test's end of the pipe) or it gets SIGTERM.
Requests must carry a SigV4 ``Authorization`` header, else 400 (a cheap check
that the client really signed every call).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

from aiohttp import web

BODY = json.dumps(
    {
        "repositories": [
            {
                "repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/api",
                "registryId": "123456789012",
                "repositoryName": "api",
                "repositoryUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/api",
                "createdAt": 1767225600.0,
                "imageTagMutability": "MUTABLE",
            }
        ]
    }
).encode()
HEADERS = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "load-0001"}
UNSIGNED = json.dumps({"__type": "MissingAuthenticationTokenException"}).encode()


async def answer(request: web.Request) -> web.Response:
    await request.read()
    if not request.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 "):
        return web.Response(status=400, body=UNSIGNED, headers=HEADERS)
    return web.Response(body=BODY, headers=HEADERS)


async def serve() -> None:
    app = web.Application()
    app.router.add_post("/", answer)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    print(f"PORT {port}", flush=True)

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    # The parent holds our stdin: when it goes away (even killed), so do we.
    def on_stdin() -> None:
        if not os.read(sys.stdin.fileno(), 4096):
            stop.set()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
