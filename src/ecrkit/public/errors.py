"""The modeled ECR Public errors: one :class:`~ecrkit.errors.ServiceError` subclass each.

They are distinct classes from ECR's of the same name (``ecrkit.errors.LimitExceededException``
is not ``ecrkit.public.errors.LimitExceededException``); catch ``ServiceError`` (or
``EcrkitError``, the root of everything ecrkit raises) for both. ``ERROR_CLASSES`` maps a
wire error code to its class. The runtime's other errors are in :mod:`ecrkit.errors`.
"""

from .._exceptions import EcrkitError, ServiceError
from .._generated_public.errors import *  # noqa: F403

__all__ = [
    "EcrkitError",
    "ServiceError",
    # BEGIN generated names (tools/codegen keeps this block current)
    "ERROR_CLASSES",
    "EmptyUploadException",
    "ImageAlreadyExistsException",
    "ImageDigestDoesNotMatchException",
    "ImageNotFoundException",
    "ImageTagAlreadyExistsException",
    "InvalidLayerException",
    "InvalidLayerPartException",
    "InvalidParameterException",
    "InvalidTagParameterException",
    "LayerAlreadyExistsException",
    "LayerPartTooSmallException",
    "LayersNotFoundException",
    "LimitExceededException",
    "ReferencedImagesNotFoundException",
    "RegistryNotFoundException",
    "RepositoryAlreadyExistsException",
    "RepositoryCatalogDataNotFoundException",
    "RepositoryNotEmptyException",
    "RepositoryNotFoundException",
    "RepositoryPolicyNotFoundException",
    "ServerException",
    "TooManyTagsException",
    "UnsupportedCommandException",
    "UploadNotFoundException",
    # END generated names
]
