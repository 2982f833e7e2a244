"""The fairness check: both floors send exactly what ecrkit sends, and read the same.

ecrkit, the floor and the same-models floor each make every benchmarked call
(DescribeImages, the whole ListImages pagination, DescribeImageScanFindings,
GetAuthorizationToken) over real HTTP to a capture server on 127.0.0.1 in this
process, which answers with the fake server's canned bodies; every client's
clock is fixed at :data:`~bench.adapters.common.FIXED_NOW`. For every request,
the bodies and the headers ``Content-Type``, ``X-Amz-Target``, ``X-Amz-Date``
and the SigV4 ``Authorization`` as received must be equal across the three,
ecrkit's ``_signing.sign_request`` over the floor's request must give the
floor's signature, and the three must read the same answers. All three send
through aiohttp's default headers (Host, Content-Length, Accept,
Accept-Encoding, User-Agent), so the bytes on the wire differ only in the
User-Agent string.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from bench.adapters import Adapter, ecrkit_client, floor, models_floor
from bench.adapters.common import ACCESS_KEY, FIXED_NOW, REGION, SECRET_KEY, SERVICE
from bench.fake_server import DESCRIBE_PAGE, FINDINGS, LIST_PAGE, TOTAL_IDS, Canned, build_canned
from ecrkit._signing import sign_request

__all__ = ["FairnessError", "check"]

_EXPECTED_REQUESTS = 1 + TOTAL_IDS // LIST_PAGE + 1 + 1
_COMPARED = ("Content-Type", "X-Amz-Target", "X-Amz-Date", "Authorization")
#: One received request: the compared headers (in _COMPARED order) and the body.
Captured = tuple[tuple[str, ...], bytes]


class FairnessError(AssertionError):
    """The floors and ecrkit do not do the same job."""


def _answer(canned: Canned, target: str, body: bytes) -> bytes:
    operation = target.rpartition(".")[2]
    doc = json.loads(body)
    answers = {
        "DescribeImages": lambda: canned.describe_images,
        "ListImages": lambda: canned.list_images(doc.get("nextToken"), doc.get("maxResults")),
        "DescribeImageScanFindings": lambda: canned.scan_findings,
        "GetAuthorizationToken": lambda: canned.authorization_token,
    }
    return answers[operation]()


async def _capture(canned: Canned) -> tuple[web.AppRunner, str, list[Captured]]:
    captured: list[Captured] = []

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        captured.append((tuple(request.headers.get(h, "") for h in _COMPARED), body))
        answer = _answer(canned, request.headers["X-Amz-Target"], body)
        return web.Response(
            body=answer,
            content_type="application/x-amz-json-1.1",
            headers={"x-amzn-RequestId": "fairness"},
        )

    app = web.Application()
    app.router.add_post("/", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}", captured


async def _one_pass(adapter: Adapter) -> tuple[Any, ...]:
    try:
        return (
            await adapter.describe_images(),
            await adapter.list_all_image_ids(),
            await adapter.scan_findings(),
            len(await adapter.get_token()) > 0,
        )
    finally:
        await adapter.close()


Runs = dict[str, tuple[tuple[Any, ...], list[Captured]]]


async def _all(canned: Canned) -> tuple[str, Runs]:
    """Every adapter's answers and requests, and the capture server's endpoint."""
    runner, endpoint, captured = await _capture(canned)
    date = FIXED_NOW.strftime("%Y%m%dT%H%M%SZ")
    out: Runs = {}
    try:
        ecrkit = ecrkit_client.Adapter()
        await ecrkit.setup(endpoint, now=lambda: FIXED_NOW)
        out["ecrkit"] = (await _one_pass(ecrkit), list(captured))
        for name, adapter in (("floor", floor.Adapter()), ("same-models", models_floor.Adapter())):
            captured.clear()
            await adapter.setup(endpoint, date=lambda: date)
            out[name] = (await _one_pass(adapter), list(captured))
    finally:
        await runner.cleanup()
    return endpoint, out


def _where(request: Captured) -> str:
    headers, body = request
    operation = headers[1].rpartition(".")[2]
    return f"{operation}{' (next page)' if b'nextToken' in body else ''}"


def check() -> str:
    """Raise :class:`FairnessError` on any difference; else a one-line summary."""
    canned = build_canned()
    endpoint, runs = asyncio.run(_all(canned))
    answers, sent = runs["ecrkit"]
    if answers[1:] != (TOTAL_IDS, FINDINGS, True) or answers[0] <= 0:
        raise FairnessError(f"ecrkit read back {answers} from the canned bodies")
    if len(sent) != _EXPECTED_REQUESTS:
        raise FairnessError(f"ecrkit sent {len(sent)} requests, expected {_EXPECTED_REQUESTS}")
    for name in ("floor", "same-models"):
        got, theirs = runs[name]
        if got != answers:
            raise FairnessError(f"{name} read {got}, ecrkit read {answers}")
        if len(theirs) != len(sent):
            raise FairnessError(f"{name} sent {len(theirs)} requests, ecrkit {len(sent)}")
        for mine, other in zip(sent, theirs, strict=True):
            if other[1] != mine[1]:
                raise FairnessError(
                    f"{_where(mine)}: {name} body {other[1]!r} != ecrkit body {mine[1]!r}"
                )
            if other[0] != mine[0]:
                raise FairnessError(
                    f"{_where(mine)}: {name} headers {dict(zip(_COMPARED, other[0], strict=True))}"
                    f" != ecrkit headers {dict(zip(_COMPARED, mine[0], strict=True))}"
                )
    for request in runs["floor"][1]:
        (ctype, target, amz_date, authorization), body = request
        reference = sign_request(
            method="POST",
            url=endpoint + "/",
            headers={"Content-Type": ctype, "X-Amz-Target": target},
            body=body,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            session_token=None,
            region=REGION,
            service=SERVICE,
            now=FIXED_NOW,
        )
        if reference != {"X-Amz-Date": amz_date, "Authorization": authorization}:
            raise FairnessError(f"{_where(request)}: floor SigV4 != ecrkit._signing.sign_request")
    return (
        f"floor == same-models == ecrkit for all {len(sent)} requests of one pass "
        f"(DescribeImages of {DESCRIBE_PAGE}, {TOTAL_IDS // LIST_PAGE} ListImages pages, scan "
        f"findings, token), on the wire: bodies, headers and SigV4 signatures at "
        f"{FIXED_NOW:%Y%m%dT%H%M%SZ}; the same answers read"
    )
