"""Known values of the ECR Public enum shapes, one ``StrEnum`` per enum shape.

The matching ``Literal`` aliases (``...Value``) are in :mod:`ecrkit.public.models`.
"""

from .._generated_public.enums import *  # noqa: F403

__all__ = [
    # BEGIN generated names (tools/codegen keeps this block current)
    "ImageFailureCode",
    "LayerAvailability",
    "LayerFailureCode",
    "RegistryAliasStatus",
    # END generated names
]
