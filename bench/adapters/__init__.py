"""The clients under test, each behind one small interface (:class:`Adapter`).

Only names live here: each adapter module imports its library at module level,
so importing it is the "import" part of the cold-start scenario, and no process
imports a library it does not benchmark.
"""

from __future__ import annotations

import importlib
from typing import Protocol

__all__ = ["ADAPTERS", "Adapter", "load"]

#: Column order of the report; the floor comes first (every ratio is against it), then
#: the same-models floor (the floor with ecrkit's response models: ecrkit's runtime
#: alone is ecrkit / same-models).
ADAPTERS: dict[str, str] = {
    "floor": "bench.adapters.floor",
    "same-models": "bench.adapters.models_floor",
    "ecrkit": "bench.adapters.ecrkit_client",
    "aiobotocore": "bench.adapters.aiobotocore_client",
}


class Adapter(Protocol):
    """One client. Every call reads a field of every item it got back, so lazy parsing
    can't cheat (in list comprehensions: one profiled call each, not one per item)."""

    async def setup(self, endpoint: str) -> None:
        """Create the client for ``endpoint`` (``http://127.0.0.1:PORT``)."""

    async def describe_images(self) -> int:
        """One DescribeImages call; the sum of ``imageSizeInBytes`` over the page."""

    async def list_all_image_ids(self) -> int:
        """Paginate ListImages to the end with the library's paginator; the id count."""

    async def scan_findings(self) -> int:
        """One DescribeImageScanFindings call; how many findings carry a severity."""

    async def get_token(self) -> str:
        """One GetAuthorizationToken call; the token."""

    async def close(self) -> None:
        """Release the client (idempotent)."""


def load(name: str) -> Adapter:
    """Import adapter ``name`` (and so its library) and return a fresh instance."""
    module = importlib.import_module(ADAPTERS[name])
    adapter: Adapter = module.Adapter()
    return adapter
