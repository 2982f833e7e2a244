"""ecrkit: a typed, asynchronous Python SDK for Amazon ECR.

::

    from ecrkit import ECRClient

    async with ECRClient(region="eu-west-1") as ecr:
        resp = await ecr.describe_images(repository_name="api")

Models live in :mod:`ecrkit.models`, errors in :mod:`ecrkit.errors`.
"""

from ._config import ClientConfig
from ._credentials import Credentials
from ._generated.client import ECRClient
from ._protocol import ResponseMetadata

__version__ = "0.2.0"

__all__ = ["ClientConfig", "Credentials", "ECRClient", "ResponseMetadata", "__version__"]
