"""Skip a test that needs the pinned botocore release (its ECR model is the oracle).

``nox -s tests-min`` runs the suite on the lowest botocore that pyproject allows at
runtime (only for the credential chain). Tests that compare ecrkit with botocore's
copy of the ECR model, or read that model, need the pinned release and skip there.
"""

from __future__ import annotations

from importlib import metadata

import pytest
from tools.codegen.loader import BOTOCORE_PIN

INSTALLED = metadata.version("botocore")

needs_pinned_botocore = pytest.mark.skipif(
    INSTALLED != BOTOCORE_PIN,
    reason=f"botocore {BOTOCORE_PIN} is its oracle (model or signer); {INSTALLED} is installed",
)
