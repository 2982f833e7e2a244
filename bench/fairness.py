"""The fairness check: the floor sends exactly what ecrkit sends.

The ecrkit adapter runs every benchmarked call (DescribeImages, the whole
ListImages pagination, DescribeImageScanFindings, GetAuthorizationToken) against
ecrkit's ``MockTransport`` answering with the fake server's canned bodies, its
clock fixed at :data:`~bench.adapters.common.FIXED_NOW`. For every request it
sent, the floor builds its own at the same instant; the bodies and the headers
(``Content-Type``, ``X-Amz-Target``, ``X-Amz-Date`` and the SigV4
``Authorization``; ecrkit's ``User-Agent`` aside) must be equal, and ecrkit's ``_signing.sign_request`` over the
floor's request must give the floor's signature. Both clients then send through
aiohttp's default headers (Host, Content-Length, Accept, Accept-Encoding,
User-Agent), so the bytes on the wire differ only in the User-Agent string.
"""

from __future__ import annotations

import asyncio
import json

from bench.adapters import ecrkit_client, floor
from bench.adapters.common import ACCESS_KEY, FIXED_NOW, REGION, SECRET_KEY, SERVICE
from bench.fake_server import DESCRIBE_PAGE, FINDINGS, LIST_PAGE, TOTAL_IDS, Canned, build_canned
from ecrkit._signing import sign_request
from ecrkit._transport import HttpRequest, HttpResponse, MockTransport

__all__ = ["FairnessError", "check"]

_ENDPOINT = "http://127.0.0.1:8080"
_EXPECTED_REQUESTS = 1 + TOTAL_IDS // LIST_PAGE + 1 + 1


class FairnessError(AssertionError):
    """The floor and ecrkit do not do the same job."""


def _answer(canned: Canned, request: HttpRequest) -> HttpResponse:
    operation = request.headers["X-Amz-Target"].rpartition(".")[2]
    doc = json.loads(request.body)
    body = {
        "DescribeImages": lambda: canned.describe_images,
        "ListImages": lambda: canned.list_images(doc.get("nextToken"), doc.get("maxResults")),
        "DescribeImageScanFindings": lambda: canned.scan_findings,
        "GetAuthorizationToken": lambda: canned.authorization_token,
    }[operation]()
    return HttpResponse(200, {"x-amzn-RequestId": "fairness"}, body)


async def _ecrkit_requests(canned: Canned) -> list[HttpRequest]:
    transport = MockTransport(lambda request: _answer(canned, request))
    adapter = ecrkit_client.Adapter()
    await adapter.setup(_ENDPOINT, transport=transport, now=lambda: FIXED_NOW)
    try:
        got = (
            await adapter.describe_images(),
            await adapter.list_all_image_ids(),
            await adapter.scan_findings(),
            len(await adapter.get_token()) > 0,
        )
    finally:
        await adapter.close()
    if got[1:] != (TOTAL_IDS, FINDINGS, True) or got[0] <= 0:
        raise FairnessError(f"ecrkit read back {got} from the canned bodies")
    return list(transport.requests)


def check() -> str:
    """Raise :class:`FairnessError` on any difference; else a one-line summary."""
    canned = build_canned()
    sent = asyncio.run(_ecrkit_requests(canned))
    if len(sent) != _EXPECTED_REQUESTS:
        raise FairnessError(f"ecrkit sent {len(sent)} requests, expected {_EXPECTED_REQUESTS}")
    date = FIXED_NOW.strftime("%Y%m%dT%H%M%SZ")
    signer = floor.FloorSigner(_ENDPOINT.removeprefix("http://"))
    for request in sent:
        operation = request.headers["X-Amz-Target"].rpartition(".")[2]
        token = json.loads(request.body).get("nextToken")
        headers, body = signer.request(operation, floor.payload(operation, token), date)
        where = f"{operation}{' (next page)' if token else ''}"
        if body != request.body:
            raise FairnessError(f"{where}: floor body {body!r} != ecrkit body {request.body!r}")
        # ecrkit's MockTransport requests carry its User-Agent (a transport without
        # configure() gets it per request); on the wire both send one: not compared.
        sent_headers = {k: v for k, v in request.headers.items() if k != "User-Agent"}
        if not request.headers.get("User-Agent", "").startswith("ecrkit/"):
            raise FairnessError(f"{where}: no ecrkit User-Agent in {request.headers}")
        if headers != sent_headers:
            raise FairnessError(
                f"{where}: floor headers {headers} != ecrkit headers {request.headers}"
            )
        reference = sign_request(
            method="POST",
            url=_ENDPOINT + "/",
            headers={k: headers[k] for k in ("Content-Type", "X-Amz-Target")},
            body=body,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            session_token=None,
            region=REGION,
            service=SERVICE,
            now=FIXED_NOW,
        )
        if reference != {k: headers[k] for k in ("X-Amz-Date", "Authorization")}:
            raise FairnessError(f"{where}: floor SigV4 != ecrkit._signing.sign_request")
    return (
        f"floor == ecrkit for all {len(sent)} requests of one pass (DescribeImages of "
        f"{DESCRIBE_PAGE}, {TOTAL_IDS // LIST_PAGE} ListImages pages, scan findings, token): "
        f"bodies, headers and SigV4 signatures at {date}"
    )
