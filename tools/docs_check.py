"""``python -m tools.docs_check --site site``: the built docs in a real browser.

Serves the site on 127.0.0.1, starts headless Chromium and drives it over the
DevTools protocol (a small client on aiohttp's websocket): the home page, the
``describe_images`` reference page and a search for ``lifecycle``. Fails when a
check does not hold, when a page logs a console error or throws, or when any request
fails or answers 4xx/5xx. Screenshots go to ``<site>/_check/`` (not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import http.server
import itertools
import json
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--window-size=1280,900",
    "--remote-debugging-port=0",
]

# Each check: a JS expression evaluated in the page, true when the page shows it.
PARAMETER_TABLE = """(() => {
  const h = document.getElementById('parameters');
  let el = h && h.nextElementSibling;
  while (el && el.tagName !== 'TABLE' && !el.querySelector('table')) el = el.nextElementSibling;
  const table = el && (el.tagName === 'TABLE' ? el : el.querySelector('table'));
  if (!table) return false;
  const head = [...table.querySelectorAll('th')].map(th => th.textContent.trim());
  const names = [...table.querySelectorAll('tbody tr td:first-child')].map(td => td.textContent.trim());
  return head.join('|') === 'Parameter|Type|Required|Constraints|Description'
    && names.includes('repository_name') && names.includes('image_ids')
    && !!table.querySelector('a[href*="models/ImageIdentifier"]');
})()"""
ERRORS_LIST = """(() => {
  const h = document.getElementById('errors');
  const ul = h && h.nextElementSibling && h.nextElementSibling.nextElementSibling;
  if (!ul || ul.tagName !== 'UL') return false;
  const links = [...ul.querySelectorAll('a')];
  return links.some(a => a.textContent.trim() === 'RepositoryNotFoundException'
    && a.getAttribute('href').includes('errors/#repositorynotfoundexception'));
})()"""
HOME = """(() => !!document.querySelector('.md-header')
  && !!document.querySelector('.md-nav a[href*="quickstart"]')
  && document.title.includes('ecrkit'))()"""
SEARCH_HITS = """(() => {
  const items = [...document.querySelectorAll('.md-search-result__item')];
  return items.length > 0 && items.some(i => /lifecycle/i.test(i.textContent))
    && items.some(i => (i.querySelector('a') || {}).href?.includes('put_lifecycle_policy'));
})()"""


class Page:
    """One browser tab over a flattened CDP session: commands, events, evaluation."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.session: str | None = None
        self.problems: list[str] = []
        self.load = asyncio.Event()
        self.reported = asyncio.Event()  # set on each new problem
        self.requests: dict[str, str] = {}
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self.ids)
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        future = asyncio.get_running_loop().create_future()
        self.pending[msg_id] = future
        await self.ws.send_str(json.dumps(msg))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def _read(self) -> None:
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            else:
                self._event(data.get("method", ""), data.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Page.loadEventFired":
            self.load.set()
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self._problem(f"console.{params['type']}: {args}")
        elif method == "Runtime.exceptionThrown":
            self._problem(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self._problem(f"log: {entry['text']} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            self.requests[params["requestId"]] = params["request"]["url"]
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            response = params["response"]
            self._problem(f"HTTP {response['status']}: {response['url']}")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            url = self.requests.get(params["requestId"], "?")
            self._problem(f"request failed ({params['errorText']}): {url}")

    def _problem(self, text: str) -> None:
        self.problems.append(text)
        self.reported.set()

    async def wait_problems(self, count: int, within: float) -> None:
        """Until ``count`` problems are reported (or ``within`` seconds pass)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while len(self.problems) < count:
                    self.reported.clear()
                    await self.reported.wait()

    async def goto(self, url: str) -> None:
        self.load.clear()
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(self.load.wait(), 30)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str, within: float = 20) -> None:
        deadline = time.monotonic() + within
        while not await self.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"not rendered: {what}")
            await asyncio.sleep(0.2)

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site over HTTP on a free 127.0.0.1 port (a thread; quiet)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.asynccontextmanager
async def browser(chromium: str) -> AsyncIterator[Page]:
    """Headless Chromium with a fresh profile, and one attached tab."""
    # Chromium's helper processes may still be writing the profile as it exits.
    with tempfile.TemporaryDirectory(
        prefix="ecrkit-docs-check-", ignore_cleanup_errors=True
    ) as profile:
        proc = await asyncio.create_subprocess_exec(
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not port_file.exists() or len(port_file.read_text().split()) < 2:
                if time.monotonic() > deadline or proc.returncode is not None:
                    raise RuntimeError(f"{chromium} did not start (exit {proc.returncode})")
                await asyncio.sleep(0.1)
            port, path = port_file.read_text().split()[:2]
            async with (
                aiohttp.ClientSession() as http,
                http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0) as ws,
            ):
                page = Page(ws)
                target = await page.send("Target.createTarget", url="about:blank")
                attached = await page.send(
                    "Target.attachToTarget", targetId=target["targetId"], flatten=True
                )
                page.session = attached["sessionId"]
                for domain in ("Page", "Runtime", "Log", "Network"):
                    await page.send(f"{domain}.enable")
                try:
                    yield page
                finally:
                    with contextlib.suppress(Exception):  # a clean exit ends its helpers too
                        await page.send("Browser.close")
                    page.reader.cancel()
        finally:
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 5)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


async def run(site: Path, chromium: str) -> list[str]:
    """Every check; returns the problems found (empty: all good)."""
    shots = site / "_check"
    shots.mkdir(exist_ok=True)
    failures: list[str] = []
    with serve(site) as base:
        async with browser(chromium) as page:
            checks = [
                ("home", f"{base}/", [(HOME, "header, nav and title")], None),
                (
                    "describe_images",
                    f"{base}/reference/operations/describe_images/",
                    [(PARAMETER_TABLE, "parameter table"), (ERRORS_LIST, "errors list")],
                    "document.getElementById('parameters').scrollIntoView()",
                ),
            ]
            for name, url, expectations, before_shot in checks:
                await page.goto(url)
                for expression, what in expectations:
                    try:
                        await page.wait_for(expression, f"{what} on {url}")
                    except AssertionError as exc:
                        failures.append(str(exc))
                if before_shot:
                    await page.evaluate(before_shot)
                    await asyncio.sleep(0.5)  # let the header's title transition settle
                await page.screenshot(shots / f"{name}.png")
                print(f"checked {url}: {', '.join(w for _, w in expectations)}")
            await page.goto(f"{base}/")
            await page.evaluate("document.querySelector('.md-search__input').focus()")
            await page.send("Input.insertText", text="lifecycle")
            try:
                await page.wait_for(SEARCH_HITS, "search hits for 'lifecycle'")
            except AssertionError as exc:
                failures.append(str(exc))
            hits = await page.evaluate(
                "document.querySelectorAll('.md-search-result__item').length"
            )
            await page.screenshot(shots / "search.png")
            print(f"checked search 'lifecycle': {hits} hits")
            failures += page.problems
    print(f"screenshots: {', '.join(str(p) for p in sorted(shots.glob('*.png')))}")
    return failures


BROKEN_PAGE = """<!doctype html><html><head><title>broken</title>
<link rel="stylesheet" href="missing.css"></head>
<body><script>console.error("boom")</script></body></html>"""


async def self_test(chromium: str) -> None:
    """The checker itself can fail: a page with a console error and a missing asset
    must be reported (a checker that sees nothing would pass any site)."""
    with tempfile.TemporaryDirectory(prefix="ecrkit-docs-self-test-") as tmp:
        await asyncio.to_thread((Path(tmp) / "index.html").write_text, BROKEN_PAGE)
        with serve(Path(tmp)) as base:
            async with browser(chromium) as page:
                await page.goto(f"{base}/")
                await page.wait_problems(3, within=10)  # events may come after the load
    found = " / ".join(page.problems)
    for expected in ("console.error: boom", "HTTP 404", "missing.css"):
        if expected not in found:
            raise SystemExit(
                f"self-test: the checker missed {expected!r} (saw: {found or 'nothing'})"
            )
    print(f"self-test: a broken page is reported ({len(page.problems)} problems)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.docs_check", description=__doc__)
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"{args.site} has no built site: run `nox -s docs` first", file=sys.stderr)
        return 2
    asyncio.run(self_test(args.chromium))
    failures = asyncio.run(run(args.site.resolve(), args.chromium))
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
