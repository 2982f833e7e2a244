"""The typed paginators (``ECRClient.get_paginator``) and their configuration.

::

    paginator = ecr.get_paginator("describe_images")  # DescribeImagesPaginator
    async for image in paginator.paginate(
        repository_name="api", pagination_config={"page_size": 100}
    ).items():
        ...

Results and resume tokens are interchangeable with boto3's.
"""

from ._generated.paginators import *  # noqa: F403 - every generated paginator (see its __all__)
from ._pagination import PageIterator as PageIterator
from ._pagination import PaginationConfig as PaginationConfig
from ._pagination import Paginator as Paginator

__all__ = [
    "PageIterator",
    "PaginationConfig",
    "Paginator",
    # BEGIN generated names (tools/codegen keeps this block current)
    "DescribeImageScanFindingsPages",
    "DescribeImageScanFindingsPaginator",
    "DescribeImagesPaginator",
    "DescribePullThroughCacheRulesPaginator",
    "DescribeReplicationBackfillResultsPaginator",
    "DescribeRepositoriesPaginator",
    "DescribeRepositoryCreationTemplatesPaginator",
    "GetLifecyclePolicyPreviewPaginator",
    "ListImagesPaginator",
    "ListReplicationBackfillsPaginator",
    # END generated names
]
