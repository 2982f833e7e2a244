"""Model documentation (HTML) to plain-text docstrings: first paragraph only."""

from __future__ import annotations

import html
import re
import textwrap

_PARA_END = re.compile(r"</p>|<p>|\n\s*\n", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def first_paragraph(doc: str | None) -> str:
    """The first non-empty paragraph of an HTML doc string, as plain text."""
    if not doc:
        return ""
    for chunk in _PARA_END.split(doc):
        text = _SPACE.sub(" ", html.unescape(_TAG.sub("", chunk))).strip()
        if text:
            return text
    return ""


def docstring(text: str, indent: str) -> str:
    """A triple-quoted docstring block for ``text`` (escaped, wrapped), or ``""``."""
    if not text:
        return ""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text += " "
    lines = textwrap.wrap(text, width=88 - len(indent) - 3, break_on_hyphens=False) or [""]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(f"{indent}{line}" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""\n'
