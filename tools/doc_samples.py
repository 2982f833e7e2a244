"""Pull the ```python blocks out of README.md and docs/**/*.md, for the type checkers.

``python tools/doc_samples.py OUT_DIR`` writes one module per block into ``OUT_DIR``
(emptied first); ``nox -s typecheck`` then runs mypy --strict and pyright strict over
it, so a documented call that stops type-checking fails CI.

A block that is a whole program (it compiles as a module) is written as it is. A
fragment (top-level ``await`` / ``async for``, as the docs write them) becomes the body
of ``async def sample(ecr: ECRClient) -> None`` with the imports a reader of that page
already has; its names are the documented ones, so nothing is stubbed.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_FRAGMENT_HEAD = (
    "# pyright: reportUnusedVariable=false\n"
    "from ecrkit import ECRClient\n\n\n"
    "async def sample(ecr: ECRClient) -> None:\n"
)


def markdown_files(root: Path = ROOT) -> list[Path]:
    """README.md and every Markdown file under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def blocks(text: str) -> list[str]:
    """The ```python blocks of one Markdown document."""
    return [match.group(1) for match in _BLOCK.finditer(text)]


def as_module(block: str) -> str:
    """A block as a checkable module: as it is, or wrapped when it is a fragment."""
    try:
        compile(block, "<sample>", "exec", dont_inherit=True)
    except SyntaxError:  # top-level await: a fragment
        return _FRAGMENT_HEAD + textwrap.indent(block, "    ")
    return block


def write(out: Path, root: Path = ROOT) -> list[Path]:
    """Write every sample into ``out`` (emptied first); the paths written."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    written = []
    for doc in markdown_files(root):
        stem = re.sub(r"\W", "_", str(doc.relative_to(root).with_suffix("")))
        for index, block in enumerate(blocks(doc.read_text()), start=1):
            path = out / f"{stem}_{index}.py"
            path.write_text(f"# From {doc.relative_to(root)}, block {index}.\n" + as_module(block))
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/doc_samples.py OUT_DIR", file=sys.stderr)
        return 2
    written = write(Path(argv[0]))
    print(f"{len(written)} code samples written to {argv[0]}")
    return 0 if written else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
