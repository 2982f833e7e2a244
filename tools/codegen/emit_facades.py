"""Keep the generated names in the public facades' ``__all__`` current.

The facades (``ecrkit/models.py``, ``errors.py``, ``enums.py``, ``paginators.py``,
``waiters.py``) are hand-written, but their ``__all__`` must also list every generated
name, as a literal list: mypy reads only literal ``__all__`` entries (it ignores
``__all__ += module.__all__``), and pyright treats a name missing from ``__all__`` as
private. Each facade's ``__all__`` holds a block between two marker comments that this
module rewrites; the hand-written names stay above it.
"""

from __future__ import annotations

import re

BEGIN = "    # BEGIN generated names (tools/codegen keeps this block current)\n"
END = "    # END generated names\n"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)


_HAND_NAME = re.compile(r'^    "([^"]+)",$', re.MULTILINE)


def update(text: str, names: list[str], path: str) -> str:
    """``text`` with its generated-names block replaced by ``names`` (sorted); a generated
    name that is also one of the facade's hand-written names is an error."""
    if len(_BLOCK.findall(text)) != 1:
        raise ValueError(f"{path}: needs exactly one generated-names block in __all__")
    head = text[text.index("__all__ = [") : text.index(BEGIN)] if "__all__ = [" in text else ""
    clash = sorted(set(_HAND_NAME.findall(head)) & set(names))
    if clash:
        raise ValueError(f"{path}: generated names {clash} clash with hand-written names")
    body = "".join(f"    {name!r},\n" for name in sorted(names)).replace("'", '"')
    return _BLOCK.sub(lambda _: BEGIN + body + END, text)
