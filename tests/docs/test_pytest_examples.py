"""Every ``python pytest`` block of the guides is a pytest module: each runs as a user's
test file would (its own directory, ecrkit's plugin loaded by its entry point), in
pytest-asyncio's strict mode and in auto mode, and all its tests pass."""

from __future__ import annotations

import pytest

from tests.docs._blocks import PAGES, PYTEST, Block, python_blocks

pytestmark = pytest.mark.integration
pytest_plugins = ["pytester"]

EXAMPLES = [b for p in PAGES for b in python_blocks(p) if PYTEST in b.tags]


def test_the_testing_guide_has_examples() -> None:
    assert len([b for b in EXAMPLES if b.page.name == "testing.md"]) >= 3


@pytest.mark.parametrize("mode", ["strict", "auto"])
@pytest.mark.parametrize("block", EXAMPLES, ids=[b.where for b in EXAMPLES])
def test_example_passes(pytester: pytest.Pytester, block: Block, mode: str) -> None:
    pytester.makepyfile(test_example=block.code)
    result = pytester.runpytest_subprocess(
        f"--asyncio-mode={mode}", "-o", "asyncio_default_fixture_loop_scope=function", "-q"
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed", "warnings", "warning"}, (
        f"{block.where}: {result.stdout.str()}"
    )
