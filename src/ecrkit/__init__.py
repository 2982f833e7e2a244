"""ecrkit: a typed, asynchronous Python SDK for Amazon ECR.

::

    from ecrkit import ECRClient

    async with ECRClient(region="eu-west-1") as ecr:
        resp = await ecr.describe_images(repository_name="api")

Models live in :mod:`ecrkit.models`, errors in :mod:`ecrkit.errors`.

Names load on first use, so that a program which needs only a light corner of the
package (``docker-credential-ecrkit`` answering from its cache) imports neither
pydantic nor aiohttp.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._config import ClientConfig as ClientConfig
    from ._credentials import CredentialProvider as CredentialProvider
    from ._credentials import Credentials as Credentials
    from ._generated.client import ECRClient as ECRClient
    from ._network import InsecureTLSWarning as InsecureTLSWarning
    from ._options import NOT_GIVEN as NOT_GIVEN
    from ._protocol import ResponseMetadata as ResponseMetadata

__version__ = "0.2.0"

__all__ = [
    "NOT_GIVEN",
    "ClientConfig",
    "CredentialProvider",
    "Credentials",
    "ECRClient",
    "InsecureTLSWarning",
    "ResponseMetadata",
    "__version__",
]

_WHERE = {
    "NOT_GIVEN": "ecrkit._options",
    "ClientConfig": "ecrkit._config",
    "CredentialProvider": "ecrkit._credentials",
    "Credentials": "ecrkit._credentials",
    "ECRClient": "ecrkit._generated.client",
    "InsecureTLSWarning": "ecrkit._network",
    "ResponseMetadata": "ecrkit._protocol",
}


def __getattr__(name: str) -> object:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'ecrkit' has no attribute {name!r}")
    value = getattr(_importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
