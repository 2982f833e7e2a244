"""The same-models floor: the floor's transport and signing, ecrkit's generated models.

Everything the floor does (plain aiohttp, the hand-written SigV4, the same request
bytes, no retries, no request models), except that each response body is validated
into ecrkit's generated response model with ``model_validate_json`` on the bytes,
the cyclic collector paused for bodies of ``_codec._PAUSE_GC_BYTES`` or more exactly
as ecrkit's codec pauses it. Pages are walked by hand (``next_token``). So
ecrkit / same-models floor is the cost of ecrkit's runtime alone: request
validation and serialization, its signer, retry bookkeeping, response metadata,
the paginator and the call path; the models' own cost is on both sides.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from ecrkit import _codec
from ecrkit.models import (
    DescribeImageScanFindingsResponse,
    DescribeImagesResponse,
    GetAuthorizationTokenResponse,
    ListImagesResponse,
)

from . import floor
from .floor import payload

__all__ = ["Adapter"]

M = TypeVar("M", bound=BaseModel)


def _parser(cls: type[M]) -> Callable[[bytes], M]:
    """``cls.model_validate_json`` on the body, the collector paused as ecrkit's codec does."""
    validate = cls.model_validate_json

    def parse(raw: bytes) -> M:
        if len(raw) >= _codec._PAUSE_GC_BYTES and gc.isenabled():
            gc.disable()
            try:
                return validate(raw)
            finally:
                gc.enable()
        return validate(raw)

    return parse


_DESCRIBE = _parser(DescribeImagesResponse)
_LIST = _parser(ListImagesResponse)
_FINDINGS = _parser(DescribeImageScanFindingsResponse)
_TOKEN = _parser(GetAuthorizationTokenResponse)


class Adapter(floor.Adapter):
    """The floor's aiohttp + SigV4, bodies validated into ecrkit's response models."""

    async def describe_images(self) -> int:
        resp: Any = await self._call("DescribeImages", payload("DescribeImages"), _DESCRIBE)
        return sum([d.image_size_in_bytes or 0 for d in resp.image_details])

    async def list_all_image_ids(self) -> int:
        count = 0
        token: str | None = None
        while True:
            page: Any = await self._call("ListImages", payload("ListImages", token), _LIST)
            count += len([i for i in page.image_ids if i.image_digest])
            token = page.next_token
            if token is None:
                return count

    async def scan_findings(self) -> int:
        resp: Any = await self._call(
            "DescribeImageScanFindings", payload("DescribeImageScanFindings"), _FINDINGS
        )
        assert resp.image_scan_findings is not None
        return len([f for f in resp.image_scan_findings.findings if f.severity])

    async def get_token(self) -> str:
        resp: Any = await self._call(
            "GetAuthorizationToken", payload("GetAuthorizationToken"), _TOKEN
        )
        token: str = resp.authorization_data[0].authorization_token
        return token
