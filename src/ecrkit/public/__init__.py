"""Amazon ECR Public (``public.ecr.aws``): a typed asynchronous client from the same generator.

::

    from ecrkit.public import ECRPublicClient

    async with ECRPublicClient(region="us-east-1") as ecr_public:
        token = await ecr_public.get_authorization_token()

ECR Public's API is served from ``us-east-1`` only. Models live in
:mod:`ecrkit.public.models`, errors in :mod:`ecrkit.public.errors`, paginators in
:mod:`ecrkit.public.paginators` and enums in :mod:`ecrkit.public.enums`. Everything
else (credentials, configuration, retries, ``ClientConfig``) is the same runtime as
:class:`ecrkit.ECRClient`'s.
"""

from .._generated_public.client import ECRPublicClient

__all__ = ["ECRPublicClient"]
