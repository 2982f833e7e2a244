"""Every request, response and shared shape of the ECR Public API as a Pydantic model.

The same conventions as :mod:`ecrkit.models`: snake_case fields aliasing the wire
names, ``model.to_wire()`` for the exact wire JSON, enum fields that keep unknown
values, and a ``TypedDict`` (``...Dict``) for every structure a request can hold.
Names load lazily: importing this module builds no model class.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING

from .._generated_public._index import MODULES as _MODULES

if TYPE_CHECKING:
    from .._generated_public._index import *  # noqa: F403

__all__ = [
    # BEGIN generated names (tools/codegen keeps this block current)
    "AuthorizationData",
    "BatchCheckLayerAvailabilityRequest",
    "BatchCheckLayerAvailabilityRequestDict",
    "BatchCheckLayerAvailabilityResponse",
    "BatchDeleteImageRequest",
    "BatchDeleteImageRequestDict",
    "BatchDeleteImageResponse",
    "CompleteLayerUploadRequest",
    "CompleteLayerUploadRequestDict",
    "CompleteLayerUploadResponse",
    "CreateRepositoryRequest",
    "CreateRepositoryRequestDict",
    "CreateRepositoryResponse",
    "DeleteRepositoryPolicyRequest",
    "DeleteRepositoryPolicyRequestDict",
    "DeleteRepositoryPolicyResponse",
    "DeleteRepositoryRequest",
    "DeleteRepositoryRequestDict",
    "DeleteRepositoryResponse",
    "DescribeImageTagsRequest",
    "DescribeImageTagsRequestDict",
    "DescribeImageTagsResponse",
    "DescribeImagesRequest",
    "DescribeImagesRequestDict",
    "DescribeImagesResponse",
    "DescribeRegistriesRequest",
    "DescribeRegistriesRequestDict",
    "DescribeRegistriesResponse",
    "DescribeRepositoriesRequest",
    "DescribeRepositoriesRequestDict",
    "DescribeRepositoriesResponse",
    "EmptyUploadException",
    "GetAuthorizationTokenRequest",
    "GetAuthorizationTokenRequestDict",
    "GetAuthorizationTokenResponse",
    "GetRegistryCatalogDataRequest",
    "GetRegistryCatalogDataRequestDict",
    "GetRegistryCatalogDataResponse",
    "GetRepositoryCatalogDataRequest",
    "GetRepositoryCatalogDataRequestDict",
    "GetRepositoryCatalogDataResponse",
    "GetRepositoryPolicyRequest",
    "GetRepositoryPolicyRequestDict",
    "GetRepositoryPolicyResponse",
    "Image",
    "ImageAlreadyExistsException",
    "ImageDetail",
    "ImageDigestDoesNotMatchException",
    "ImageFailure",
    "ImageFailureCode",
    "ImageFailureCodeValue",
    "ImageIdentifier",
    "ImageIdentifierDict",
    "ImageNotFoundException",
    "ImageTagAlreadyExistsException",
    "ImageTagDetail",
    "InitiateLayerUploadRequest",
    "InitiateLayerUploadRequestDict",
    "InitiateLayerUploadResponse",
    "InvalidLayerException",
    "InvalidLayerPartException",
    "InvalidParameterException",
    "InvalidTagParameterException",
    "Layer",
    "LayerAlreadyExistsException",
    "LayerAvailability",
    "LayerAvailabilityValue",
    "LayerFailure",
    "LayerFailureCode",
    "LayerFailureCodeValue",
    "LayerPartTooSmallException",
    "LayersNotFoundException",
    "LimitExceededException",
    "ListTagsForResourceRequest",
    "ListTagsForResourceRequestDict",
    "ListTagsForResourceResponse",
    "PutImageRequest",
    "PutImageRequestDict",
    "PutImageResponse",
    "PutRegistryCatalogDataRequest",
    "PutRegistryCatalogDataRequestDict",
    "PutRegistryCatalogDataResponse",
    "PutRepositoryCatalogDataRequest",
    "PutRepositoryCatalogDataRequestDict",
    "PutRepositoryCatalogDataResponse",
    "ReferencedImageDetail",
    "ReferencedImagesNotFoundException",
    "Registry",
    "RegistryAlias",
    "RegistryAliasStatus",
    "RegistryAliasStatusValue",
    "RegistryCatalogData",
    "RegistryNotFoundException",
    "Repository",
    "RepositoryAlreadyExistsException",
    "RepositoryCatalogData",
    "RepositoryCatalogDataInput",
    "RepositoryCatalogDataInputDict",
    "RepositoryCatalogDataNotFoundException",
    "RepositoryNotEmptyException",
    "RepositoryNotFoundException",
    "RepositoryPolicyNotFoundException",
    "ServerException",
    "SetRepositoryPolicyRequest",
    "SetRepositoryPolicyRequestDict",
    "SetRepositoryPolicyResponse",
    "Tag",
    "TagDict",
    "TagResourceRequest",
    "TagResourceRequestDict",
    "TagResourceResponse",
    "TooManyTagsException",
    "UnsupportedCommandException",
    "UntagResourceRequest",
    "UntagResourceRequestDict",
    "UntagResourceResponse",
    "UploadLayerPartRequest",
    "UploadLayerPartRequestDict",
    "UploadLayerPartResponse",
    "UploadNotFoundException",
    # END generated names
]


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'ecrkit.public.models' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"ecrkit._generated_public.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
