"""Fenced code blocks of the Markdown pages, with their info strings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The guides and the README: every ``python`` block in them runs in tests/docs.
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>[^\n`]*)$")

#: Info-string words: ``python aws`` blocks need real AWS (only type-checked);
#: ``python boto3`` / ``python aiobotocore`` are the other SDKs' code (compiled only);
NEEDS_AWS = "aws"
OTHER_SDKS = frozenset({"boto3", "aiobotocore"})
#: ``python pytest`` blocks are whole pytest modules: tests/docs/test_pytest_examples.py
#: runs each one with pytest (they are type-checked like the others).
PYTEST = "pytest"


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    tags: frozenset[str]
    code: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every fenced block of ``page`` (indented ones too: tabs and admonitions)."""
    out: list[Block] = []
    lines = page.read_text().splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match or not match["info"].strip():
            i += 1
            continue
        indent, fence = len(match["indent"]), match["fence"]
        words = match["info"].split()
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j][indent:])
            j += 1
        out.append(Block(page, i + 1, words[0], frozenset(words[1:]), "\n".join(body) + "\n"))
        i = j + 1
    return out


def python_blocks(page: Path) -> list[Block]:
    return [b for b in blocks(page) if b.lang == "python"]
