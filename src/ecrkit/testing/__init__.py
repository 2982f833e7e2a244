"""Helpers for testing code that uses ecrkit (docs/testing.md).

- :class:`Stubber`: queue typed responses and errors for a client's calls; nothing
  leaves the process (no credentials resolved, no socket opened).
- :data:`ANY`: matches any value in ``expected_params``, at any depth.
- :class:`LocalECR`: moto's ECR server on 127.0.0.1 behind a layer that pages like ECR
  (needs the ``local`` extra: ``pip install 'ecrkit[local]'``; moto loads only then).
- A pytest plugin (``ecrkit.testing._plugin``, registered as ``pytest11``): fixtures
  ``ecr_local`` and ``ecr_client``.

Importing this module imports neither moto nor pytest.
"""

from __future__ import annotations

from ._any import ANY
from ._local import LocalECR
from ._stubber import BaseStubber, StubAssertionError

# After _stubber: the generated subclass imports it.
from ecrkit._generated.testing import ECRStubber as Stubber  # noqa: E402, I001

__all__ = ["ANY", "BaseStubber", "LocalECR", "StubAssertionError", "Stubber"]
