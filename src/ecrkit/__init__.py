"""ecrkit: a typed, asynchronous Python SDK for Amazon ECR.

::

    from ecrkit import ECRClient

    async with ECRClient(region="eu-west-1") as ecr:
        resp = await ecr.describe_images(repository_name="api")

Models live in :mod:`ecrkit.models`, errors in :mod:`ecrkit.errors`.
"""

from ._config import ClientConfig
from ._credentials import CredentialProvider, Credentials
from ._generated.client import ECRClient
from ._network import InsecureTLSWarning
from ._options import NOT_GIVEN
from ._protocol import ResponseMetadata

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
