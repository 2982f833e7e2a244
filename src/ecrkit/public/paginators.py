"""The typed paginators of :class:`~ecrkit.public.ECRPublicClient` (``get_paginator``).

::

    paginator = ecr_public.get_paginator("describe_repositories")
    async for repo in paginator.paginate().items():
        ...

The engine and its configuration are ECR's (:mod:`ecrkit.paginators`).
"""

from .._generated_public.paginators import *  # noqa: F403 - every generated paginator (see its __all__)
from .._pagination import PageIterator as PageIterator
from .._pagination import PaginationConfig as PaginationConfig
from .._pagination import Paginator as Paginator

__all__ = [
    "PageIterator",
    "PaginationConfig",
    "Paginator",
    # BEGIN generated names (tools/codegen keeps this block current)
    "DescribeImageTagsPaginator",
    "DescribeImagesPaginator",
    "DescribeRegistriesPaginator",
    "DescribeRepositoriesPaginator",
    # END generated names
]
