"""Known values of the ECR enum shapes, one ``StrEnum`` per enum shape.

Fields typed with an enum accept these members, the plain strings, and any value
the service adds later (kept as a ``str``). The matching ``Literal`` aliases
(``TagStatusValue`` ...) are in :mod:`ecrkit.models`.
"""

from ._generated.enums import *  # noqa: F403

__all__ = [
    # BEGIN generated names (tools/codegen keeps this block current)
    "ArtifactStatus",
    "ArtifactStatusFilter",
    "EncryptionType",
    "FindingSeverity",
    "ImageActionType",
    "ImageFailureCode",
    "ImageStatus",
    "ImageStatusFilter",
    "ImageTagMutability",
    "ImageTagMutabilityExclusionFilterType",
    "LayerAvailability",
    "LayerFailureCode",
    "LifecyclePolicyPreviewStatus",
    "LifecyclePolicyStorageClass",
    "LifecyclePolicyTargetStorageClass",
    "RCTAppliedFor",
    "ReplicationBackfillResultStatus",
    "ReplicationBackfillStatus",
    "ReplicationStatus",
    "RepositoryFilterType",
    "ScanFrequency",
    "ScanStatus",
    "ScanType",
    "ScanningConfigurationFailureCode",
    "ScanningRepositoryFilterType",
    "SigningRepositoryFilterType",
    "SigningStatus",
    "TagStatus",
    "TargetStorageClass",
    "UpstreamRegistry",
    # END generated names
]
