"""Helpers for testing code that uses ecrkit (docs/testing.md).

- :class:`Stubber`: queue typed responses and errors for a client's calls; nothing
  leaves the process (no credentials resolved, no socket opened).
  :class:`ECRPublicStubber` is the same for an :class:`ecrkit.public.ECRPublicClient`.
- :data:`ANY`: matches any value in ``expected_params``, at any depth (and a
  parameter that was not passed).
- :class:`MockTransport`: an :class:`ecrkit.http.StreamingTransport` answering from a
  function (``ECRClient(transport=MockTransport(handler))``); it lives here only.
- :class:`LocalECR`: moto's ECR server on 127.0.0.1 behind a layer that pages like ECR
  (needs the ``local`` extra: ``pip install 'ecrkit[local]'``; moto loads only then).
- A pytest plugin (``ecrkit.testing._plugin``, registered as ``pytest11``): fixtures
  ``ecr_local`` and ``ecr_client``.

Names load on first use: importing this package (as the pytest plugin does) imports
neither pydantic nor moto.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecrkit._generated.testing import ECRStubber as Stubber
    from ecrkit._generated_public.testing import ECRPublicStubber as ECRPublicStubber

    from ._any import ANY as ANY
    from ._local import LocalECR as LocalECR
    from ._mock import MockTransport as MockTransport
    from ._stubber import BaseStubber as BaseStubber
    from ._stubber import StubAssertionError as StubAssertionError

__all__ = [
    "ANY",
    "BaseStubber",
    "ECRPublicStubber",
    "LocalECR",
    "MockTransport",
    "StubAssertionError",
    "Stubber",
]

_WHERE = {
    "ANY": ("ecrkit.testing._any", "ANY"),
    "BaseStubber": ("ecrkit.testing._stubber", "BaseStubber"),
    "ECRPublicStubber": ("ecrkit._generated_public.testing", "ECRPublicStubber"),
    "LocalECR": ("ecrkit.testing._local", "LocalECR"),
    "MockTransport": ("ecrkit.testing._mock", "MockTransport"),
    "StubAssertionError": ("ecrkit.testing._stubber", "StubAssertionError"),
    "Stubber": ("ecrkit._generated.testing", "ECRStubber"),
}


def __getattr__(name: str) -> object:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'ecrkit.testing' has no attribute {name!r}")
    value = getattr(_importlib.import_module(where[0]), where[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
