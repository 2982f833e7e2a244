"""The guides' ``python aws`` blocks need real AWS, so they are not run: mypy --strict
checks them instead (with the project's mypy configuration, pydantic plugin included).

Each block becomes the body of an ``async def`` in its own module, with ``asyncio``
imported and an ``ecr: ECRClient`` in scope, as the running blocks have.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.docs._blocks import NEEDS_AWS, PAGES, ROOT, python_blocks

AWS_BLOCKS = [b for p in PAGES for b in python_blocks(p) if NEEDS_AWS in b.tags]
PRELUDE = "import asyncio\n\nfrom ecrkit import ECRClient\n\necr: ECRClient\n\n\n"


def module_for(code: str) -> str:
    return PRELUDE + "async def _block() -> None:\n" + textwrap.indent(code, "    ") + "\n"


def mypy(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="mypy is in the test dependency group")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_aws_blocks_type_check(tmp_path: Path) -> None:
    assert AWS_BLOCKS, "no `python aws` block: this test checks nothing"
    paths = []
    for i, block in enumerate(AWS_BLOCKS):
        path = tmp_path / f"block_{i}.py"
        path.write_text(f"# {block.where}\n" + module_for(block.code))
        paths.append(path)
    result = mypy(paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_block_fails_the_check(tmp_path: Path) -> None:
    path = tmp_path / "wrong.py"
    path.write_text(module_for("await ecr.describe_images(repository_name=5)\n"))
    result = mypy([path])
    assert result.returncode == 1 and "repository_name" in result.stdout, result.stdout
