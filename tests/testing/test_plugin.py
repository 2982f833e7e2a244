"""The pytest plugin, as a user's project loads it (its ``pytest11`` entry point), in
pytest-asyncio's strict and auto modes: ``ecr_client`` resets state before each test."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration
pytest_plugins = ["pytester"]

USER_TESTS = """
import pytest

from ecrkit import ECRClient
from ecrkit.testing import LocalECR

{marker}
async def test_first(ecr_client: ECRClient, ecr_local: LocalECR) -> None:
    assert ecr_local.endpoint_url.startswith("http://127.0.0.1:")
    await ecr_client.create_repository(repository_name="from-first")
    assert len((await ecr_client.describe_repositories()).repositories) == 1

{marker}
async def test_second_starts_clean(ecr_client: ECRClient) -> None:
    assert (await ecr_client.describe_repositories()).repositories == []
"""


@pytest.mark.parametrize(
    ("mode", "marker"), [("strict", "@pytest.mark.asyncio"), ("auto", "")], ids=["strict", "auto"]
)
def test_fixtures_in_both_asyncio_modes(pytester: pytest.Pytester, mode: str, marker: str) -> None:
    pytester.makepyfile(test_user=USER_TESTS.format(marker=marker))
    result = pytester.runpytest_subprocess(
        f"--asyncio-mode={mode}", "-o", "asyncio_default_fixture_loop_scope=function", "-q"
    )
    result.assert_outcomes(passed=2)


def test_the_plugin_is_registered_by_its_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures", "-q")
    result.stdout.fnmatch_lines(["*ecr_local*", "*ecr_client*"])
    assert "ecrkit/testing/_plugin.py" in result.stdout.str()
