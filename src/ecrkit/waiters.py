"""The typed waiters (``ECRClient.get_waiter``) and their configuration.

::

    waiter = ecr.get_waiter("image_scan_complete")  # ImageScanCompleteWaiter
    findings = await waiter.wait(
        repository_name="api", image_id={"image_tag": "v1"}, waiter_config={"max_wait": 600}
    )

Failures raise :class:`~ecrkit.errors.WaiterError` subclasses.
"""

from ._generated.waiters import *  # noqa: F403 - every generated waiter (see its __all__)
from ._waiters import Waiter as Waiter
from ._waiters import WaiterConfig as WaiterConfig

__all__ = [
    "Waiter",
    "WaiterConfig",
    # BEGIN generated names (tools/codegen keeps this block current)
    "ImageScanCompleteWaiter",
    "LifecyclePolicyPreviewCompleteWaiter",
    # END generated names
]
