"""Run in a fresh process by test_http_streaming: stream a large body through the
transport and print the peak RSS growth as JSON.

``python -m tests.network._stream_rss download|upload|whole MIB`` (``whole``: the
control, the same download read whole, which must show the body's size). A loopback aiohttp.web
server in the same process sends (or swallows) ``MIB`` MiB in 1 MiB writes of one
shared buffer, so that neither side keeps what it moved. Before the transfer, after a
small warm-up one, the kernel's peak-RSS mark is reset (``/proc/self/clear_refs``,
``5``) and VmRSS read; after it, VmHWM is the peak during the transfer. Where the
mark cannot be reset, a thread samples VmRSS every 5 ms instead.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import AsyncIterator

from aiohttp import web

from ecrkit.http import AiohttpTransport, HttpRequest, RequestSettings, StreamedBody

MIB = 1024 * 1024
BLOCK = b"\xab" * MIB


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


class _Sampler:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _status_kib("VmRSS"))
            time.sleep(0.005)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


async def _serve(mib: int) -> tuple[web.AppRunner, str, list[int]]:
    received: list[int] = []

    async def download(request: web.Request) -> web.StreamResponse:
        size = int(request.query["mib"]) * MIB
        resp = web.StreamResponse(headers={"Content-Length": str(size)})
        await resp.prepare(request)
        for _ in range(size // MIB):
            await resp.write(BLOCK)  # waits for the socket to drain
        return resp

    async def upload(request: web.Request) -> web.Response:
        if "Transfer-Encoding" in request.headers:
            return web.Response(status=400, text="chunked")
        total = 0
        async for chunk in request.content.iter_any():
            total += len(chunk)
        received.append(total)
        return web.Response(text=str(total))

    app = web.Application(client_max_size=(mib + 1) * MIB)
    app.router.add_get("/download", download)
    app.router.add_put("/upload", upload)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}", received


async def _blocks(mib: int) -> AsyncIterator[bytes]:
    for _ in range(mib):
        yield BLOCK


async def _transfer(transport: AiohttpTransport, base: str, mode: str, mib: int) -> int:
    settings = RequestSettings(read_timeout=30, max_response_bytes=None)
    if mode == "download":
        total = 0
        request = HttpRequest("GET", f"{base}/download?mib={mib}", settings=settings)
        async with transport.stream(request) as resp:
            assert resp.status == 200, resp.status
            async for chunk in resp.iter_chunks():
                total += len(chunk)
        return total
    if mode == "whole":  # the control: the same body read into memory
        request = HttpRequest("GET", f"{base}/download?mib={mib}", settings=settings)
        return len((await transport.send(request)).body)
    body = StreamedBody(_blocks(mib), mib * MIB)
    upload = HttpRequest("PUT", f"{base}/upload", settings=settings, body_stream=body)
    answer = await transport.send(upload)
    assert answer.status == 200, (answer.status, answer.body)
    return int(answer.body)


async def main(mode: str, mib: int) -> dict[str, object]:
    runner, base, received = await _serve(mib)
    transport = AiohttpTransport()
    try:
        await _transfer(transport, base, mode, 2)  # warm-up: buffers, code paths
        reset = _reset_peak()
        before = _status_kib("VmRSS")
        with _Sampler() as sampler:
            moved = await _transfer(transport, base, mode, mib)
        peak = _status_kib("VmHWM") if reset else sampler.peak
    finally:
        await transport.close()
        await runner.cleanup()
    return {
        "moved": moved,
        "received": received[-1] if received else None,
        "growth_kib": peak - before,
        "method": "clear_refs+VmHWM" if reset else "sampled VmRSS",
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], int(sys.argv[2])))))
