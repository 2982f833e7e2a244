"""examples/custom_credentials.py runs against moto: two loads of the custom provider
(one at start for five concurrent calls, one inside the refresh window)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom_credentials.py"

pytestmark = pytest.mark.integration


async def test_the_example_loads_twice(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("custom_credentials_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert await module.main(moto_endpoint) == 2
    out = capsys.readouterr().out
    assert "5 concurrent calls, 1 load" in out and "vault-secret" not in out
