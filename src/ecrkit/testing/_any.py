"""``ANY``: a placeholder in ``expected_params`` that matches any value, at any depth."""

from __future__ import annotations

from typing import Any, Final, final

__all__ = ["ANY"]


@final
class _AnyValue:
    """Equal to everything; ``repr`` is ``ANY``."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "ANY"


#: Typed ``Any`` so that it fits wherever a value of a parameter goes.
ANY: Final[Any] = _AnyValue()
