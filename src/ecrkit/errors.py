"""Every exception ecrkit raises: the hand-written roots and one class per modeled error.

See :mod:`ecrkit._exceptions` for the tree. ``ERROR_CLASSES`` maps a wire error
code to its class.

``ConnectionError`` and ``TimeoutError`` are the earlier names of
:class:`EndpointConnectionError` and :class:`TransportTimeoutError`. They still work
as aliases but are not in ``__all__``, so ``from ecrkit.errors import *`` never
rebinds the builtins (``TransportTimeoutError`` is also a ``builtins.TimeoutError``).
"""

from ._exceptions import (
    ClientClosedError,
    CredentialsError,
    EcrkitError,
    EndpointConnectionError,
    EndpointResolutionError,
    EventLoopError,
    PaginationError,
    ParamValidationError,
    ResponseParseError,
    ResponseTooLargeError,
    ServiceError,
    TransportError,
    TransportTimeoutError,
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)
from ._generated.errors import *  # noqa: F403

#: Deprecated alias of :class:`EndpointConnectionError` (shadows the builtin; not in __all__).
ConnectionError = EndpointConnectionError
#: Deprecated alias of :class:`TransportTimeoutError` (shadows the builtin; not in __all__).
TimeoutError = TransportTimeoutError

__all__ = [
    "ClientClosedError",
    "CredentialsError",
    "EcrkitError",
    "EndpointConnectionError",
    "EndpointResolutionError",
    "EventLoopError",
    "PaginationError",
    "ParamValidationError",
    "ResponseParseError",
    "ResponseTooLargeError",
    "ServiceError",
    "TransportError",
    "TransportTimeoutError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "WaiterUnexpectedError",
    # BEGIN generated names (tools/codegen keeps this block current)
    "BlockedByOrganizationPolicyException",
    "ERROR_CLASSES",
    "EmptyUploadException",
    "ExclusionAlreadyExistsException",
    "ExclusionNotFoundException",
    "ImageAlreadyExistsException",
    "ImageArchivedException",
    "ImageDigestDoesNotMatchException",
    "ImageNotFoundException",
    "ImageStorageClassUpdateNotSupportedException",
    "ImageTagAlreadyExistsException",
    "InvalidLayerException",
    "InvalidLayerPartException",
    "InvalidParameterException",
    "InvalidTagParameterException",
    "KmsException",
    "LayerAlreadyExistsException",
    "LayerInaccessibleException",
    "LayerPartTooSmallException",
    "LayersNotFoundException",
    "LifecyclePolicyNotFoundException",
    "LifecyclePolicyPreviewInProgressException",
    "LifecyclePolicyPreviewNotFoundException",
    "LimitExceededException",
    "PullThroughCacheRuleAlreadyExistsException",
    "PullThroughCacheRuleNotFoundException",
    "ReferencedImagesNotFoundException",
    "RegistryPolicyNotFoundException",
    "ReplicationBackfillInProgressException",
    "ReplicationBackfillInvalidStatusException",
    "ReplicationBackfillNotFoundException",
    "RepositoryAlreadyExistsException",
    "RepositoryNotEmptyException",
    "RepositoryNotFoundException",
    "RepositoryPolicyNotFoundException",
    "ScanNotFoundException",
    "SecretNotFoundException",
    "ServerException",
    "SigningConfigurationNotFoundException",
    "TemplateAlreadyExistsException",
    "TemplateNotFoundException",
    "TooManyTagsException",
    "UnableToAccessSecretException",
    "UnableToDecryptSecretValueException",
    "UnableToGetUpstreamImageException",
    "UnableToGetUpstreamLayerException",
    "UnableToListUpstreamImageReferrersException",
    "UnsupportedImageTypeException",
    "UnsupportedUpstreamRegistryException",
    "UploadNotFoundException",
    "ValidationException",
    # END generated names
]
