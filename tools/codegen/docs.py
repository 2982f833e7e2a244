"""Model documentation (HTML): the first paragraph as plain text for docstrings, the
full text as Markdown for the generated reference."""

from __future__ import annotations

import html
import re
import textwrap
from html.parser import HTMLParser

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


class _Markdown(HTMLParser):
    """The handful of tags the AWS models use: p, code, a, i/b, ul/ol/li, note, important."""

    _BLOCKS = frozenset({"p", "ul", "ol", "li", "note", "important", "div", "br"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.prefix: list[str] = []  # "> " for notes, "- " depth for lists
        self.href: list[str | None] = []
        self.in_code = 0

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.blocks.append("".join(self.prefix) + text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._flush()
        if tag in ("note", "important"):
            self.blocks.append("!!! note" if tag == "note" else '!!! warning "Important"')
            self.prefix.append("    ")
        elif tag == "li":
            self.prefix.append("- ")
        elif tag == "code":
            self.in_code += 1
            self.line.append("`")
        elif tag in ("i", "em"):
            self.line.append("*")
        elif tag in ("b", "strong"):
            self.line.append("**")
        elif tag == "a":
            href = dict(attrs).get("href")
            self.href.append(href if href and href.startswith("http") else None)
            if self.href[-1]:
                self.line.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self._flush()
        if tag in ("note", "important", "li") and self.prefix:
            self.prefix.pop()
        elif tag == "code" and self.in_code:
            self.in_code -= 1
            self.line.append("`")
        elif tag in ("i", "em"):
            self.line.append("*")
        elif tag in ("b", "strong"):
            self.line.append("**")
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.line.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        if self.in_code:
            self.line.append(data.replace("`", "'"))
        else:
            # Markdown would read these as emphasis, links, table cells or HTML.
            escaped = re.sub(r"([\\*_|\[\]])", r"\\\1", data)
            self.line.append(escaped.replace("<", "&lt;").replace(">", "&gt;"))


def to_markdown(doc: str | None) -> str:
    """The whole HTML doc string as Markdown paragraphs (lists and notes kept)."""
    if not doc:
        return ""
    parser = _Markdown()
    parser.feed(doc)
    parser.close()
    parser._flush()
    out: list[str] = []
    for block in parser.blocks:
        if not block:
            continue
        # Consecutive list items stay together; other blocks get a blank line between.
        joined = out and block.lstrip().startswith("- ") and out[-1].lstrip().startswith("- ")
        if out and not joined:
            out.append("")
        out.append(block)
    return "\n".join(out)


def docstring(text: str, indent: str) -> str:
    """A triple-quoted docstring block for ``text`` (escaped, wrapped), or ``""``."""
    if not text:
        return ""
    text = _escape(text)
    lines = _wrap(text, 88 - len(indent) - 3)
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(f"{indent}{line}" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""\n'


def sectioned_docstring(
    summary: str, sections: list[tuple[str, list[tuple[str, str]]]], indent: str
) -> str:
    """A Google-style docstring: ``summary``, then ``Args:`` / ``Raises:`` style sections
    of ``(name, text)`` entries (empty sections are left out)."""
    width = 88 - len(indent)
    lines = _wrap(_escape_body(summary), width - 3)
    for title, entries in sections:
        if not entries:
            continue
        lines += ["", f"{title}:"]
        for name, text in entries:
            entry = _wrap(_escape_body(f"{name}: {text}" if text else name), width - 8)
            lines += ["    " + entry[0], *("        " + rest for rest in entry[1:])]
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""\n'


def _escape_body(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _escape(text: str) -> str:
    text = _escape_body(text)
    return text + " " if text.endswith('"') else text


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_on_hyphens=False) or [""]
