"""Every ``python`` block of the README and the guides type-checks, one block at a
time (mypy --strict, the project's configuration and pydantic plugin): the
``python aws`` ones, which cannot run here, and the running ones, so each block also
stands on its own (its imports are its own) for a reader who copies only that block.

A block that compiles as a module is checked as it is; a fragment (top-level
``await``) becomes the body of ``async def _block(ecr: ECRClient)``, the client the
guides call ``ecr``. The other SDKs' blocks (``python boto3``, ``python aiobotocore``)
are left out.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.docs._blocks import NEEDS_AWS, OTHER_SDKS, PAGES, PYTEST, ROOT, Block, python_blocks

#: The reference's examples (untagged: its call signatures and outputs are tagged) too.
EXAMPLES = sorted((ROOT / "docs" / "reference").rglob("*.md"))
BLOCKS = [
    b
    for p in [*PAGES, *EXAMPLES]
    for b in python_blocks(p)
    if not b.tags & OTHER_SDKS and not b.tags
] + [b for p in PAGES for b in python_blocks(p) if b.tags in ({NEEDS_AWS}, {PYTEST})]
FRAGMENT = "from ecrkit import ECRClient\n\n\nasync def _block(ecr: ECRClient) -> None:\n"


def module_for(block: Block) -> str:
    try:
        compile(block.code, block.where, "exec", dont_inherit=True)
    except SyntaxError:  # top-level await: a fragment
        return FRAGMENT + textwrap.indent(block.code, "    ")
    return block.code


def mypy(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="mypy is in the test dependency group")
    config = str(ROOT / "pyproject.toml")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", config, *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_blocks_type_check(tmp_path: Path) -> None:
    assert any(NEEDS_AWS in b.tags for b in BLOCKS), "no `python aws` block left to check"
    paths, where = [], {}
    for i, block in enumerate(BLOCKS):
        path = tmp_path / f"block_{i}.py"
        path.write_text(module_for(block))
        paths.append(path)
        where[path.name] = block.where
    result = mypy(paths)
    report = "\n".join(
        f"{where.get(line.split(':', 1)[0].rsplit('/', 1)[-1], '?')}: {line}"
        for line in result.stdout.splitlines()
        if ": error:" in line
    )
    assert result.returncode == 0, report or result.stdout + result.stderr


def test_a_wrong_block_fails_the_check(tmp_path: Path) -> None:
    path = tmp_path / "wrong.py"
    block = Block(
        ROOT / "README.md",
        1,
        "python",
        frozenset(),
        "await ecr.describe_images(repository_name=5)\n",
    )
    path.write_text(module_for(block))
    result = mypy([path])
    assert result.returncode == 1 and "repository_name" in result.stdout, result.stdout
